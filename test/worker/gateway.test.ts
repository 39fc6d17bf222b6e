/**
 * The gateway server in-process over the synthetic backend: API keys (401 / 402 / 503 and the subscription
 * adapter), the signed usage record at the end of every answer and in the durable log before it is sent, a client
 * that leaves mid-stream, upstream failures (nothing billed), countersignatures, the public evidence endpoints,
 * TLS pinning and draining on stop.
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {randomBytes} from 'node:crypto';
import {appendFileSync, mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {Ollama} from 'ollama';
import OpenAI from 'openai';
import {countersignUsageRecord, verifySignedUsageRecord, type SignedUsageRecord} from '../../contracts/common/usage.js';
import {REQUEST_ID_HEADER, USAGE_FIELD, USAGE_HEADER} from '../../src/lib/worker/api/types.js';
import {authorizeWith, devApiKeyChecker, devKeyHandle, gatewayKeyChecker, subscriptionKeyChecker, type SubscriptionKeyStatus} from '../../src/lib/worker/gateway/auth.js';
import {COUNTERSIGN_PATH} from '../../src/lib/worker/gateway/server.js';
import {readUsageLines, type CountersignedUsageLine, type PendingUsageLine} from '../../src/lib/worker/gateway/usage-log.js';
import {fixedKeyChecker, localGateway, pinnedFetch, rawHttps, type LocalGateway} from './gateway-helpers.js';
import {SyntheticBackend} from './helpers/synthetic.js';
import {ndjsonLines, sseData} from './helpers/server.js';

const KEY = 'test-api-key-0123456789';
const AUTH = {authorization: `Bearer ${KEY}`};
const MESSAGES = [{role: 'user' as const, content: 'tell me a story'}];
const HANDLE = 'cd'.repeat(32);

const pending = (g: LocalGateway) => readUsageLines<PendingUsageLine>(g.log.pendingPath);

describe('worker gateway (in-process, synthetic backend)', () => {
  let g: LocalGateway;
  let backend: SyntheticBackend;
  let openai: OpenAI;
  let ollama: Ollama;

  beforeAll(async () => {
    backend = new SyntheticBackend({tokens: 12});
    g = await localGateway(backend, fixedKeyChecker(KEY, HANDLE));
    openai = new OpenAI({baseURL: `${g.gateway.url}/v1`, apiKey: KEY, maxRetries: 0, fetch: g.fetch});
    ollama = new Ollama({host: g.gateway.url, fetch: g.fetch, headers: AUTH});
  });
  afterAll(async () => g.close());

  it('streams to the official openai client and ends with a worker-signed usage record that is already in the log', async () => {
    const stream = await openai.chat.completions.create({model: 'synthetic', messages: MESSAGES, stream: true, stream_options: {include_usage: true}});
    let text = '';
    let last: Record<string, unknown> | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      last = chunk as unknown as Record<string, unknown>;
    }
    expect(text).toBe(backend.textOf(12));
    const signed = last![USAGE_FIELD] as SignedUsageRecord;
    expect(signed.record).toMatchObject({worker_id: '7', key_handle: HANDLE, model: 'synthetic', input_tokens: 4, output_tokens: 12, epoch: 3});
    expect(verifySignedUsageRecord(signed, g.workerPubkey)).toEqual({worker: true, subscriber: 'absent'});
    const logged = pending(g).find((l) => l.record.request_id === signed.record.request_id);
    expect(logged).toMatchObject({record: signed.record, worker_signature: signed.worker_signature, outcome: 'completed'});
  });

  it('streams to the official ollama client (chat and generate); its last object, done, carries the worker-signed record', async () => {
    // ollama-js stops reading at the first `done: true` object, so the record must be in that object.
    const chat = await ollama.chat({model: 'synthetic', messages: MESSAGES, stream: true, options: {num_predict: 5}});
    let text = '';
    let done: Record<string, unknown> = {};
    for await (const part of chat) {
      text += part.message?.content ?? '';
      done = part as unknown as Record<string, unknown>;
    }
    expect(text).toBe(backend.textOf(5));
    expect(done).toMatchObject({done: true, done_reason: 'length', prompt_eval_count: 4, eval_count: 5});
    const signed = done[USAGE_FIELD] as SignedUsageRecord;
    expect(signed.record).toMatchObject({worker_id: '7', key_handle: HANDLE, model: 'synthetic', input_tokens: 4, output_tokens: 5, epoch: 3});
    expect(verifySignedUsageRecord(signed, g.workerPubkey)).toEqual({worker: true, subscriber: 'absent'});
    expect(pending(g).find((l) => l.record.request_id === signed.record.request_id)).toMatchObject({record: signed.record, worker_signature: signed.worker_signature, outcome: 'completed'});

    let gen = '';
    let last: Record<string, unknown> = {};
    for await (const part of await ollama.generate({model: 'synthetic', prompt: 'once upon a time', stream: true, options: {num_predict: 3}})) {
      gen += part.response;
      last = part as unknown as Record<string, unknown>;
    }
    expect(gen).toBe(backend.textOf(3));
    const genSigned = last[USAGE_FIELD] as SignedUsageRecord;
    expect(last).toMatchObject({done: true, eval_count: 3});
    expect(genSigned.record).toMatchObject({output_tokens: 3, input_tokens: 4});
    expect(genSigned.record.request_id).not.toBe(signed.record.request_id);
    expect(verifySignedUsageRecord(genSigned, g.workerPubkey).worker).toBe(true);
  });

  it('non-streaming: the record in the X-Secretai-Usage header and the body; the request id header on every answer', async () => {
    const r = await rawHttps(`${g.gateway.url}/v1/chat/completions`, 'POST', {model: 'synthetic', messages: MESSAGES, max_tokens: 4}, AUTH);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as Record<string, unknown>;
    const fromHeader = JSON.parse(Buffer.from(String(r.headers[USAGE_HEADER]), 'base64').toString('utf8')) as SignedUsageRecord;
    expect(fromHeader).toEqual(body[USAGE_FIELD]);
    expect(fromHeader.record.request_id).toBe(r.headers[REQUEST_ID_HEADER]);
    expect(verifySignedUsageRecord(fromHeader, g.workerPubkey).worker).toBe(true);
    const streamed = await rawHttps(`${g.gateway.url}/api/chat`, 'POST', {model: 'synthetic', messages: MESSAGES, options: {num_predict: 2}}, AUTH);
    const lines = ndjsonLines(streamed.body);
    expect((lines.at(-1)![USAGE_FIELD] as SignedUsageRecord).record.request_id).toBe(streamed.headers[REQUEST_ID_HEADER]);
  });

  it('401 JSON without a key or with a wrong one, on every API route, and nothing runs', async () => {
    const before = backend.started;
    for (const headers of [{}, {authorization: 'Bearer wrong-key-0000000000'}, {authorization: `Basic ${KEY}`}] as Array<Record<string, string>>) {
      const o = await rawHttps(`${g.gateway.url}/v1/chat/completions`, 'POST', {model: 'synthetic', messages: MESSAGES}, headers);
      expect(o.status).toBe(401);
      expect(JSON.parse(o.body)).toMatchObject({error: {type: 'authentication_error'}});
      const l = await rawHttps(`${g.gateway.url}/api/tags`, 'GET', undefined, headers);
      expect(l.status).toBe(401);
      expect(JSON.parse(l.body)).toEqual({error: expect.stringMatching(/API key/)});
    }
    await expect(openai.chat.completions.create({model: 'synthetic', messages: MESSAGES}, {headers: {authorization: 'Bearer nope'}})).rejects.toMatchObject({status: 401});
    expect(backend.started).toBe(before);
  });

  it('serves the registered bundle at /attestation and its evidence at /cpu (TDX quote as hex) and /gpu without a key', async () => {
    const a = await rawHttps(`${g.gateway.url}/attestation`, 'GET');
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body)).toEqual(g.bundle);
    const cpu = await rawHttps(`${g.gateway.url}/cpu`, 'GET');
    expect(cpu.body).toBe(Buffer.from(g.bundle.cpu.quote, 'base64').toString('hex'));
    const gpu = await rawHttps(`${g.gateway.url}/gpu`, 'GET');
    expect(JSON.parse(gpu.body)).toHaveProperty('error');
    expect((await rawHttps(`${g.gateway.url}/cpu`, 'POST', {})).status).toBe(405);
  });

  it('a client that disconnects mid-stream is billed only the tokens delivered to it', async () => {
    const slow = new SyntheticBackend({tokens: 200, delayMs: 5});
    const s = await localGateway(slow, fixedKeyChecker(KEY, HANDLE));
    try {
      const client = new OpenAI({baseURL: `${s.gateway.url}/v1`, apiKey: KEY, maxRetries: 0, fetch: s.fetch});
      const stream = await client.chat.completions.create({model: 'synthetic', messages: MESSAGES, stream: true});
      let received = 0;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta?.content) received++;
        if (received === 10) break; // leaves the stream: the client aborts the request
      }
      let line: PendingUsageLine | undefined;
      for (let i = 0; i < 200 && !line; i++) {
        await sleep(20);
        line = pending(s)[0];
      }
      expect(line).toMatchObject({outcome: 'disconnected', record: {input_tokens: 4}});
      expect(line!.record.output_tokens).toBeGreaterThanOrEqual(received);
      expect(line!.record.output_tokens).toBeLessThan(200);
      expect(line!.record.output_tokens).toBeLessThanOrEqual(slow.produced);
      expect(verifySignedUsageRecord({record: line!.record, worker_signature: line!.worker_signature}, s.workerPubkey).worker).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('an upstream failure answers 502 (or ends the stream with an error event) and bills nothing', async () => {
    for (const failAfter of [0, 3]) {
      const bad = new SyntheticBackend({failAfter});
      const s = await localGateway(bad, fixedKeyChecker(KEY, HANDLE));
      try {
        const r = await rawHttps(`${s.gateway.url}/v1/chat/completions`, 'POST', {model: 'synthetic', messages: MESSAGES, stream: true}, AUTH);
        if (failAfter === 0) {
          expect(r.status).toBe(502);
          expect(JSON.parse(r.body)).toMatchObject({error: {type: 'upstream_error'}});
        } else {
          const events = sseData(r.body);
          expect(JSON.parse(events.at(-1)!)).toMatchObject({error: {type: 'upstream_error'}});
          expect(r.body).not.toContain(USAGE_FIELD);
        }
        await sleep(50);
        expect(pending(s)).toEqual([]);
      } finally {
        await s.close();
      }
    }
  });

  it('takes a countersigned record back once, under its own key only, and refuses altered ones', async () => {
    const r = await rawHttps(`${g.gateway.url}/v1/chat/completions`, 'POST', {model: 'synthetic', messages: MESSAGES, max_tokens: 2}, AUTH);
    const signed = (JSON.parse(r.body) as Record<string, SignedUsageRecord>)[USAGE_FIELD]!;
    const subscriberKey = new Uint8Array(randomBytes(32));
    const counter = await countersignUsageRecord(signed, subscriberKey);
    const url = `${g.gateway.url}${COUNTERSIGN_PATH}`;
    expect((await rawHttps(url, 'POST', counter)).status).toBe(401);
    const altered = {...counter, record: {...counter.record, output_tokens: counter.record.output_tokens + 1}};
    expect((await rawHttps(url, 'POST', altered, AUTH)).status).toBe(400);
    const badSub = {...counter, subscriber_signature: (await countersignUsageRecord(signed, new Uint8Array(randomBytes(32)))).subscriber_signature};
    expect((await rawHttps(url, 'POST', badSub, AUTH)).status).toBe(400);
    expect((await rawHttps(url, 'POST', {...counter, subscriber_pubkey: 'AAAA'}, AUTH)).status).toBe(400);
    const ok = await rawHttps(url, 'POST', counter, AUTH);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({stored: true, request_id: signed.record.request_id});
    expect((await rawHttps(url, 'POST', counter, AUTH)).status).toBe(409);
    const stored = readUsageLines<CountersignedUsageLine>(g.log.countersignedPath);
    expect(stored).toEqual([expect.objectContaining({record: signed.record, subscriber_signature: counter.subscriber_signature, subscriber_pubkey: counter.subscriber_pubkey})]);
    // Issued to another key's handle: refused.
    const other = await localGateway(backend, fixedKeyChecker(KEY, 'ef'.repeat(32)));
    try {
      const r2 = await rawHttps(`${other.gateway.url}/v1/chat/completions`, 'POST', {model: 'synthetic', messages: MESSAGES, max_tokens: 1}, AUTH);
      const s2 = (JSON.parse(r2.body) as Record<string, SignedUsageRecord>)[USAGE_FIELD]!;
      const foreign = await countersignUsageRecord({...s2, record: {...s2.record, key_handle: HANDLE}}, subscriberKey);
      expect((await rawHttps(`${other.gateway.url}${COUNTERSIGN_PATH}`, 'POST', foreign, AUTH)).status).toBe(400);
    } finally {
      await other.close();
    }
  });

  it('the pinned fetch refuses a server presenting another key before sending the request', async () => {
    const other = await localGateway(backend, fixedKeyChecker(KEY, HANDLE));
    try {
      const started = backend.started;
      const wrong = pinnedFetch(g.certPem);
      await expect(wrong(`${other.gateway.url}/v1/models`, {headers: AUTH})).rejects.toThrow();
      expect(backend.started).toBe(started);
    } finally {
      await other.close();
    }
  });

  it('stop() lets a running stream finish with its record, then closes', async () => {
    const slow = new SyntheticBackend({tokens: 40, delayMs: 5});
    const s = await localGateway(slow, fixedKeyChecker(KEY, HANDLE));
    const client = new OpenAI({baseURL: `${s.gateway.url}/v1`, apiKey: KEY, maxRetries: 0, fetch: s.fetch});
    const stream = await client.chat.completions.create({model: 'synthetic', messages: MESSAGES, stream: true});
    let last: Record<string, unknown> = {};
    let n = 0;
    let stopping: Promise<void> | undefined;
    for await (const chunk of stream) {
      if (++n === 3) stopping = s.close();
      last = chunk as unknown as Record<string, unknown>;
    }
    await stopping;
    expect((last[USAGE_FIELD] as SignedUsageRecord).record.output_tokens).toBe(40);
    await expect(rawHttps(`${s.gateway.url}/v1/models`, 'GET', undefined, AUTH)).rejects.toThrow();
  });
});

describe('API-key checkers', () => {
  it('maps subscription statuses to 401 / 402 JSON errors that say what to do, and active keys to their handle', async () => {
    const statuses: Record<string, SubscriptionKeyStatus> = {k_active: 'active', k_unknown: 'unknown', k_revoked: 'revoked', k_expired: 'expired', k_empty: 'no_balance'};
    const checker = subscriptionKeyChecker(async (key) => ({status: statuses[key] ?? 'unknown', ...(statuses[key] && statuses[key] !== 'unknown' ? {keyHandle: HANDLE} : {})}));
    const g = await localGateway(new SyntheticBackend(), checker);
    try {
      const ask = (key: string) => rawHttps(`${g.gateway.url}/v1/chat/completions`, 'POST', {model: 'synthetic', messages: MESSAGES, max_tokens: 1}, {authorization: `Bearer ${key}`});
      const ok = await ask('k_active');
      expect(ok.status).toBe(200);
      expect((JSON.parse(ok.body) as Record<string, SignedUsageRecord>)[USAGE_FIELD]!.record.key_handle).toBe(HANDLE);
      const expected: Array<[string, number, RegExp]> = [
        ['k_unknown', 401, /apikey create/],
        ['k_revoked', 401, /revoked.*apikey create/],
        ['k_expired', 402, /expired.*subscribe --plan/],
        ['k_empty', 402, /balance.*subscribe --deposit/],
      ];
      for (const [key, status, message] of expected) {
        const r = await ask(key);
        expect(r.status).toBe(status);
        expect(JSON.parse(r.body)).toMatchObject({error: {message: expect.stringMatching(message)}});
        const o = await rawHttps(`${g.gateway.url}/api/tags`, 'GET', undefined, {authorization: `Bearer ${key}`});
        expect([o.status, JSON.parse(o.body)]).toEqual([status, {error: expect.stringMatching(message)}]);
      }
      expect(pending(g)).toHaveLength(1);
    } finally {
      await g.close();
    }
  });

  it('an active status without a valid handle, and a checker that throws, refuse (fail closed)', async () => {
    const noHandle = authorizeWith(subscriptionKeyChecker(async () => ({status: 'active'})));
    const req = {headers: {authorization: 'Bearer x'}} as never;
    expect(await noHandle(req)).toMatchObject({ok: false, status: 401});
    const throwing = authorizeWith({kind: 'x', check: async () => Promise.reject(new Error('node down'))});
    expect(await throwing(req)).toMatchObject({ok: false, status: 503});
  });

  it('the dev checker: only SECRETAI_DEV_API_KEY, only where dev attestation is allowed', async () => {
    const env = {SECRETAI_DEV_API_KEY: 'a-dev-key-of-enough-length'};
    const c = devApiKeyChecker(env, {name: 'local', allowDev: true});
    expect(await c.check('a-dev-key-of-enough-length')).toEqual({ok: true, keyHandle: devKeyHandle('a-dev-key-of-enough-length')});
    expect(devKeyHandle('a-dev-key-of-enough-length')).toMatch(/^[0-9a-f]{64}$/);
    expect(await c.check('a-dev-key-of-enough-lengtH')).toMatchObject({ok: false, status: 401});
    expect(() => devApiKeyChecker(env, {name: 'secret-4', allowDev: false})).toThrow(/does not allow dev API keys/);
    expect(() => devApiKeyChecker({}, {name: 'local', allowDev: true})).toThrow(/SECRETAI_DEV_API_KEY/);
    expect(() => devApiKeyChecker({SECRETAI_DEV_API_KEY: 'short'}, {name: 'local', allowDev: true})).toThrow(/shorter/);
  });

  it('the gateway checker: subscriptions on chain, plus the dev key only where dev attestation is allowed', async () => {
    const handle = 'ab'.repeat(32);
    const asked: string[] = [];
    const lookup = async (k: string) => {
      asked.push(k);
      return k === 'subscribed-key' ? {status: 'active' as const, handle} : k === 'revoked-key' ? {status: 'revoked' as const} : {status: 'expired' as const};
    };
    const devKey = 'a-dev-key-of-enough-length';
    const both = gatewayKeyChecker({SECRETAI_DEV_API_KEY: devKey}, {name: 'local', allowDev: true, hasSubscriptionManager: true}, lookup);
    expect(await both.check(devKey)).toEqual({ok: true, keyHandle: devKeyHandle(devKey)});
    expect(asked).toEqual([]);
    expect(await both.check('subscribed-key')).toEqual({ok: true, keyHandle: handle});
    expect(await both.check('revoked-key')).toMatchObject({ok: false, status: 401});
    expect(await both.check('old-key')).toMatchObject({ok: false, status: 402});

    const subOnly = gatewayKeyChecker({}, {name: 'secret-4', allowDev: false, hasSubscriptionManager: true}, lookup);
    expect(subOnly.kind).toBe('subscription');
    expect(await subOnly.check(devKey)).toMatchObject({ok: false, status: 402});
    expect(() => gatewayKeyChecker({SECRETAI_DEV_API_KEY: devKey}, {name: 'secret-4', allowDev: false, hasSubscriptionManager: true}, lookup)).toThrow(/does not allow dev API keys/);
    expect(() => gatewayKeyChecker({}, {name: 'mine', allowDev: false, hasSubscriptionManager: false}, lookup)).toThrow(/no SubscriptionManager/);
  });
});

describe('usage log format', () => {
  it('reads complete lines and ignores a torn last line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'secretai-log-'));
    const f = path.join(dir, 'pending.jsonl');
    writeFileSync(f, '{"a":1}\n{"a":2}\n');
    appendFileSync(f, '{"a":');
    expect(readUsageLines(f)).toEqual([{a: 1}, {a: 2}]);
    expect(readUsageLines(path.join(dir, 'missing.jsonl'))).toEqual([]);
  });
});
