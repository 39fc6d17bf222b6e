/**
 * The chat client's building blocks without a chain: the pinned agent (another key is refused before one request
 * byte reaches the server; the attested key is served), the usage-record checks (counts, worker, model, worker
 * signature), and the per-worker verdict cache (keyed by bundle + certificate + policy, bounded by validUntil and
 * the accepted challenges).
 */
import {describe, expect, it} from '@jest/globals';
import {createHash, randomBytes, X509Certificate} from 'node:crypto';
import {mkdtempSync} from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type {AddressInfo} from 'node:net';
import {signUsageRecord, usagePublicKey, type UsageRecord} from '../../contracts/common/usage.js';
import {VerdictCache, verdictKey} from '../../src/lib/chat/cache.js';
import {NotPinnedError, PinMismatchError, PinnedAgent, pinnedRequest, readText} from '../../src/lib/chat/pinned.js';
import {checkRecord} from '../../src/lib/chat/record.js';
import {strangerTls} from './fronts.js';

const spkiOf = (pem: string) => createHash('sha256').update(new X509Certificate(pem).publicKey.export({type: 'spki', format: 'der'})).digest('hex');

async function recordingServer(): Promise<{url: string; pem: string; bytes: () => number; connections: () => number; paths: string[]; close: () => Promise<void>}> {
  const id = await strangerTls();
  let bytes = 0;
  let connections = 0;
  const paths: string[] = [];
  const server = https.createServer({cert: id.cert, key: id.key}, (req, res) => {
    paths.push(req.url ?? '');
    req.resume();
    req.on('end', () => res.end('hello'));
  });
  server.on('secureConnection', (s) => {
    connections++;
    s.on('data', (d: Buffer) => (bytes += d.length));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pem: id.cert,
    bytes: () => bytes,
    connections: () => connections,
    paths,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe('PinnedAgent', () => {
  it('talks to the attested key and refuses any other before writing a byte', async () => {
    const srv = await recordingServer();
    try {
      const good = new PinnedAgent(spkiOf(srv.pem));
      const res = await pinnedRequest(good, `${srv.url}/x`, {method: 'POST', body: '{"secret":"prompt"}'});
      expect([res.statusCode, await readText(res)]).toEqual([200, 'hello']);
      expect(good.connections).toBe(1);
      good.destroy();
      const seen = srv.bytes();
      expect(seen).toBeGreaterThan(0);

      const other = (await strangerTls()).cert;
      const bad = new PinnedAgent(spkiOf(other));
      await expect(pinnedRequest(bad, `${srv.url}/x`, {method: 'POST', body: '{"secret":"prompt"}'})).rejects.toBeInstanceOf(PinMismatchError);
      expect(bad.refused).toBe(1);
      // Give the server a moment to read anything that might have been sent.
      await new Promise((r) => setTimeout(r, 100));
      expect(srv.bytes()).toBe(seen);
      bad.destroy();
    } finally {
      await srv.close();
    }
  });
});

describe('PinnedAgent pinned after a public request', () => {
  it('sends nothing private before it is pinned; once pinned to the key the connection presented, the prompt goes on that same connection', async () => {
    const srv = await recordingServer();
    const agent = new PinnedAgent();
    try {
      await expect(pinnedRequest(agent, `${srv.url}/v1/chat`, {method: 'POST', body: '{"secret":"prompt"}'})).rejects.toBeInstanceOf(NotPinnedError);
      expect(srv.bytes()).toBe(0);
      const pub = await pinnedRequest(agent, `${srv.url}/attestation`, {method: 'GET', unpinned: true});
      expect(await readText(pub)).toBe('hello');
      agent.pin(spkiOf(srv.pem));
      const res = await pinnedRequest(agent, `${srv.url}/v1/chat`, {method: 'POST', body: '{"secret":"prompt"}'});
      expect([res.statusCode, await readText(res)]).toEqual([200, 'hello']);
      expect(srv.paths).toEqual(['/attestation', '/v1/chat']);
      expect(srv.connections()).toBe(1);
      expect(agent.connections).toBe(1);
    } finally {
      agent.destroy();
      await srv.close();
    }
  });

  it('pinned to another key than the connection presented: the idle connection is closed and the prompt is refused unsent', async () => {
    const srv = await recordingServer();
    const agent = new PinnedAgent();
    try {
      await readText(await pinnedRequest(agent, `${srv.url}/attestation`, {method: 'GET', unpinned: true}));
      const seen = srv.bytes();
      agent.pin(spkiOf((await strangerTls()).cert));
      await expect(pinnedRequest(agent, `${srv.url}/v1/chat`, {method: 'POST', body: '{"secret":"prompt"}'})).rejects.toBeInstanceOf(PinMismatchError);
      expect(agent.refused).toBe(1);
      await new Promise((r) => setTimeout(r, 100));
      expect(srv.bytes()).toBe(seen);
      expect(srv.paths).toEqual(['/attestation']);
    } finally {
      agent.destroy();
      await srv.close();
    }
  });
});

describe('checkRecord', () => {
  const key = new Uint8Array(randomBytes(32));
  const pub = Buffer.from(usagePublicKey(key)).toString('hex');
  const record: UsageRecord = {worker_id: '2', key_handle: 'ab'.repeat(32), model: 'm', request_id: 'r1', input_tokens: 5, output_tokens: 8, epoch: 1};
  const got = {workerId: '2', model: 'm', workerPubkeyHex: pub, chunks: 8, maxTokens: 8, reported: {prompt_tokens: 5, completion_tokens: 8}};

  it('holds for the record the worker signed for what was received', async () => {
    expect(checkRecord(await signUsageRecord(record, key), got)).toEqual([]);
  });

  it('names every way a record does not hold', async () => {
    const signed = await signUsageRecord(record, key);
    expect(checkRecord(signed, {...got, workerId: '3'})).toEqual([expect.stringMatching(/names worker 2, not 3/)]);
    expect(checkRecord(signed, {...got, chunks: 9, maxTokens: 9})).toEqual([expect.stringMatching(/8 output tokens for 9 content events/)]);
    expect(checkRecord(signed, {...got, maxTokens: 4})).toEqual([expect.stringMatching(/more than the 4 asked for/)]);
    expect(checkRecord(signed, {...got, reported: {prompt_tokens: 6, completion_tokens: 8}})).toEqual([expect.stringMatching(/5 input tokens, the stream reported 6/)]);
    const other = Buffer.from(usagePublicKey(new Uint8Array(randomBytes(32)))).toString('hex');
    expect(checkRecord(signed, {...got, workerPubkeyHex: other})).toEqual([expect.stringMatching(/worker signature does not verify/)]);
    const inflated = {...signed, record: {...record, output_tokens: 80}};
    expect(checkRecord(inflated, {...got, maxTokens: 100, reported: {prompt_tokens: 5, completion_tokens: 80}})).toEqual([expect.stringMatching(/worker signature/)]);
  });
});

describe('VerdictCache', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'secretai-chat-cache-'));
  const cache = new VerdictCache(dir);
  const bundle = {version: 1, challenge: 'aa'.repeat(32)};
  const cert = new Uint8Array([1, 2, 3]);
  const key = verdictKey(bundle, cert, {name: 'p', version: '1'});
  const entry = {key, verdict: 'valid' as const, dev: true, workerPubkey: '02', tlsSpkiSha256: 'cd', validUntil: 2000, challenge: 'aa'.repeat(32), checks: [], verifiedAt: 1000};

  it('hits only for the same bundle, certificate and policy, before validUntil, with the challenge still accepted', () => {
    cache.put('7', entry);
    expect(cache.get('7', key, 1500, ['aa'.repeat(32)])).toMatchObject({verdict: 'valid', validUntil: 2000});
    expect(cache.get('7', verdictKey(bundle, new Uint8Array([1, 2, 4]), {name: 'p', version: '1'}), 1500, ['aa'.repeat(32)])).toBeUndefined();
    expect(cache.get('7', verdictKey({...bundle, version: 2}, cert, {name: 'p', version: '1'}), 1500, ['aa'.repeat(32)])).toBeUndefined();
    expect(cache.get('7', verdictKey(bundle, cert, {name: 'p', version: '2'}), 1500, ['aa'.repeat(32)])).toBeUndefined();
    expect(cache.get('7', key, 2000, ['aa'.repeat(32)])).toBeUndefined();
    expect(cache.get('7', key, 1500, ['bb'.repeat(32)])).toBeUndefined();
    expect(cache.get('8', key, 1500, ['aa'.repeat(32)])).toBeUndefined();
    expect(cache.get('../7', key, 1500, ['aa'.repeat(32)])).toBeUndefined();
  });
});
