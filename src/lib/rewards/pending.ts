/**
 * The pending usage records of a worker, as `worker report` sees them in the gateway's usage log
 * (`<home>/worker/usage/<worker account>/`, format documented with the gateway's `usage-log.ts`):
 * - `pending.jsonl` — `{record, worker_signature, issued_at, outcome}` per signed record, appended by the gateway;
 * - `countersigned.jsonl` — the same records handed back countersigned; submitted instead of the pending line;
 * - `reported.jsonl` — written here: `{request_id, tx_hash, outcome, reason?}` per record whose `report_work`
 *   transaction committed, appended and fsynced after the commit.
 *
 * A record is pending while its request id is in `pending.jsonl` and not in `reported.jsonl`. The gateway keeps
 * `pending.jsonl` open in append mode while it serves, so rewriting that file would lose its next appends; a
 * record therefore leaves the pending log by its line in `reported.jsonl`, never by editing the gateway's file.
 * Every file: one JSON document per line; a last line without `\n` (a torn write) is ignored.
 */
import {closeSync, fsyncSync, mkdirSync, openSync, writeSync} from 'node:fs';
import path from 'node:path';
import type {SignedUsageRecord} from '../../../contracts/common/usage.js';
import {COUNTERSIGNED_FILE, PENDING_FILE, readUsageLines as readJsonLines} from '../worker/gateway/usage-log.js';

// The usage log's directory, file names and line reader belong to the gateway, which writes the log.
export {COUNTERSIGNED_FILE, PENDING_FILE, usageLogDir as workerUsageDir, readUsageLines as readJsonLines} from '../worker/gateway/usage-log.js';

export const REPORTED_FILE = 'reported.jsonl';

/** A line of `reported.jsonl`. */
export interface ReportedLine {
  request_id: string;
  tx_hash: string;
  outcome: 'counted' | 'refused';
  reason?: string;
}

/**
 * The records still to report, in the order the gateway issued them: the countersigned version where there is one,
 * each request id once.
 */
export function pendingRecords(dir: string): SignedUsageRecord[] {
  const reported = new Set(readJsonLines<ReportedLine>(path.join(dir, REPORTED_FILE)).map((l) => l.request_id));
  const countersigned = new Map<string, SignedUsageRecord>();
  for (const l of readJsonLines<SignedUsageRecord>(path.join(dir, COUNTERSIGNED_FILE))) {
    countersigned.set(l.record.request_id, {record: l.record, worker_signature: l.worker_signature, subscriber_signature: l.subscriber_signature!, subscriber_pubkey: l.subscriber_pubkey!});
  }
  const out: SignedUsageRecord[] = [];
  const seen = new Set<string>();
  for (const l of readJsonLines<SignedUsageRecord>(path.join(dir, PENDING_FILE))) {
    const id = l.record.request_id;
    if (reported.has(id) || seen.has(id)) continue;
    seen.add(id);
    out.push(countersigned.get(id) ?? {record: l.record, worker_signature: l.worker_signature});
  }
  return out;
}

/** Appends committed outcomes to `reported.jsonl` and fsyncs before returning. */
export function markReported(dir: string, lines: ReportedLine[]): void {
  if (!lines.length) return;
  mkdirSync(dir, {recursive: true, mode: 0o700});
  const fd = openSync(path.join(dir, REPORTED_FILE), 'a', 0o600);
  try {
    writeSync(fd, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
