import {describe, expect, it} from '@jest/globals';
import {appendFileSync, mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {markReported, pendingRecords} from '../../src/lib/rewards/pending.js';

const rec = (id: string) => ({worker_id: '1', key_handle: 'a'.repeat(64), model: 'm', request_id: id, input_tokens: 1, output_tokens: 2, epoch: 0});
const line = (o: unknown) => `${JSON.stringify(o)}\n`;

describe('worker report: the pending set of the gateway usage log', () => {
  it('is pending.jsonl minus reported.jsonl, countersigned where a client handed one back, each request once', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'secretai-usage-'));
    appendFileSync(path.join(dir, 'pending.jsonl'), [1, 2, 3, 2].map((i) => line({record: rec(`r${i}`), worker_signature: `w${i}`, issued_at: 0, outcome: 'completed'})).join(''));
    appendFileSync(path.join(dir, 'countersigned.jsonl'), line({record: rec('r2'), worker_signature: 'w2', subscriber_signature: 's2', subscriber_pubkey: 'k2', received_at: 1}));
    expect(pendingRecords(dir)).toEqual([
      {record: rec('r1'), worker_signature: 'w1'},
      {record: rec('r2'), worker_signature: 'w2', subscriber_signature: 's2', subscriber_pubkey: 'k2'},
      {record: rec('r3'), worker_signature: 'w3'},
    ]);
    markReported(dir, [{request_id: 'r1', tx_hash: 'T', outcome: 'counted'}, {request_id: 'r2', tx_hash: 'T', outcome: 'refused', reason: 'x'}]);
    expect(pendingRecords(dir).map((r) => r.record.request_id)).toEqual(['r3']);
    expect(readFileSync(path.join(dir, 'reported.jsonl'), 'utf8').split('\n')).toHaveLength(3);
  });

  it('ignores a torn last line (a write cut by a crash) and a missing log', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'secretai-usage-'));
    expect(pendingRecords(dir)).toEqual([]);
    appendFileSync(path.join(dir, 'pending.jsonl'), line({record: rec('r1'), worker_signature: 'w1'}) + '{"record":{"worker_id"');
    expect(pendingRecords(dir).map((r) => r.record.request_id)).toEqual(['r1']);
  });
});
