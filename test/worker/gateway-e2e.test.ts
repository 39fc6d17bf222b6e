/**
 * `worker serve` end to end on a devnet in a temporary home, after `attest collect --dev` and `worker register`:
 * the official openai and ollama clients stream the embedded stories260K model's golden text through the attested
 * gateway with only a pinned-certificate fetch; the usage record each of them ends with verifies with the bundle's
 * worker key; keys are
 * checked; `attest verify --url` finds the worker valid; liveness is reported; records survive a SIGKILL; SIGTERM
 * drains; refusals to start; `--detach` and `worker stop`; the gateway in front of `model serve`.
 */
import {afterAll, beforeAll, expect, it} from '@jest/globals';
import {existsSync, readFileSync, renameSync, rmSync} from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {Ollama} from 'ollama';
import OpenAI from 'openai';
import {verifySignedUsageRecord, type SignedUsageRecord} from '../../contracts/common/usage.js';
import {USAGE_FIELD} from '../../src/lib/worker/api/types.js';
import {readUsageLines, type PendingUsageLine} from '../../src/lib/worker/gateway/usage-log.js';
import {runCli, tempHome} from '../helpers/cli.js';
import {describeShared} from '../helpers/shared.js';
import {freePort, pinnedFetch, rawHttps, spawnCliServer, type CliServer} from './gateway-helpers.js';

const GOLDEN = ", there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\nLily's mom said";
const MODEL = 'stories260K';
const API_KEY = 'e2e-dev-api-key-0123456789abcdef';
const AUTH = {authorization: `Bearer ${API_KEY}`};
const PROMPT = [{role: 'user' as const, content: 'Once upon a time'}];
const T = 180_000;

describeShared('models/stories260K')('worker serve on a devnet (embedded stories260K)', () => {
  const home = tempHome('secretai-gw-e2e-');
  const cli = (args: string[], env: Record<string, string> = {}) => runCli([...args, '--home', home], {env, timeoutMs: T});
  const servers: CliServer[] = [];
  const serve = async (args: string[], env: Record<string, string> = {SECRETAI_DEV_API_KEY: API_KEY}) => {
    const s = await spawnCliServer(['worker', 'serve', '--from', 'operator', '--home', home, '--json', ...args], env);
    servers.push(s);
    return s;
  };
  let bundle: {workerPubkey: string};
  let workerId: string;
  let account: string;
  let gw: CliServer;
  let url: string;
  let certPem: string;
  let registeredAt: number;

  const logLines = () => readUsageLines<PendingUsageLine>(path.join(home, 'worker', 'usage', account, 'pending.jsonl'));
  const openaiFor = (base: string) => new OpenAI({baseURL: `${base}/v1`, apiKey: API_KEY, maxRetries: 0, fetch: pinnedFetch(certPem)});
  /** The golden prompt streamed with the openai client: the text and the last event's usage record. */
  const goldenStream = async (base: string): Promise<{text: string; signed: SignedUsageRecord}> => {
    const stream = await openaiFor(base).chat.completions.create({model: MODEL, messages: PROMPT, temperature: 0, max_tokens: 64, stream: true});
    let text = '';
    let last: Record<string, unknown> = {};
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      last = chunk as unknown as Record<string, unknown>;
    }
    return {text, signed: last[USAGE_FIELD] as SignedUsageRecord};
  };

  beforeAll(async () => {
    const ok = async (args: string[]) => {
      const r = await cli([...args, '--json']);
      if (r.code !== 0) throw new Error(`${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    await ok(['devnet', 'start', '--detach', '--port', '0']);
    account = (await ok(['keys', 'add', 'operator', '--keyring-backend', 'test'])).address as string;
    await ok(['keys', 'add', 'stranger', '--keyring-backend', 'test']);
    await ok(['devnet', 'fund', 'operator']);
    await ok(['attest', 'collect', '--dev', '--out', path.join(home, 'bundle.json'), '--from', 'operator']);
    bundle = JSON.parse(readFileSync(path.join(home, 'bundle.json'), 'utf8')) as {workerPubkey: string};
    const port = await freePort();
    workerId = (await ok(['worker', 'register', '--url', `https://127.0.0.1:${port}`, '--model', MODEL, '--attestation', path.join(home, 'bundle.json'), '--stake', '1000000', '--from', 'operator'])).workerId as string;
    registeredAt = (await ok(['worker', 'show', workerId])).registeredAt as number;
    // Time passes on chain before the gateway starts: its liveness report must be newer than the registration.
    await ok(['devnet', 'advance', '--seconds', '100']);
    certPem = readFileSync(path.join(home, 'worker', 'tls', account, 'cert.pem'), 'utf8');
    gw = await serve(['--port', String(port)]);
    url = gw.ready.url as string;
  }, 2 * T);

  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await cli(['worker', 'stop']);
    await cli(['devnet', 'stop']);
    rmSync(home, {recursive: true, force: true});
  }, T);

  it('prints {url, workerId, epoch} and reports liveness for the epoch', async () => {
    expect(gw.ready).toMatchObject({url: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/), workerId, apiKeys: 'subscription+dev'});
    let last = 0;
    for (let i = 0; i < 100 && last < registeredAt + 100; i++) {
      const r = await cli(['worker', 'show', workerId, '--json']);
      last = (JSON.parse(r.stdout) as {lastLivenessAt: number}).lastLivenessAt;
      if (last < registeredAt + 100) await sleep(100);
    }
    expect(last).toBeGreaterThanOrEqual(registeredAt + 100);
  });

  it('the openai client streams the golden text; the last event is a usage record signed by the bundle\'s worker key', async () => {
    const {text, signed} = await goldenStream(url);
    expect(text).toBe(GOLDEN);
    expect(signed.record).toMatchObject({worker_id: workerId, model: MODEL, output_tokens: 64, epoch: gw.ready.epoch});
    expect(verifySignedUsageRecord(signed, Buffer.from(bundle.workerPubkey, 'base64')).worker).toBe(true);
    expect(logLines().map((l) => l.record.request_id)).toContain(signed.record.request_id);
  });

  it('the ollama client streams the same golden text; the last object it yields carries the record signed by the bundle\'s worker key', async () => {
    const ollama = new Ollama({host: url, fetch: pinnedFetch(certPem), headers: AUTH});
    let text = '';
    let last: Record<string, unknown> = {};
    for await (const part of await ollama.chat({model: MODEL, messages: PROMPT, stream: true, options: {temperature: 0, num_predict: 64}})) {
      text += part.message.content;
      last = part as unknown as Record<string, unknown>;
    }
    expect(text).toBe(GOLDEN);
    expect(last).toMatchObject({done: true, eval_count: 64});
    const signed = last[USAGE_FIELD] as SignedUsageRecord;
    expect(signed.record).toMatchObject({worker_id: workerId, model: MODEL, output_tokens: 64, epoch: gw.ready.epoch});
    expect(verifySignedUsageRecord(signed, Buffer.from(bundle.workerPubkey, 'base64')).worker).toBe(true);
    expect(logLines().map((l) => l.record.request_id)).toContain(signed.record.request_id);
  });

  it('401 without an API key or with a wrong one', async () => {
    const body = {model: MODEL, messages: PROMPT, max_tokens: 4};
    expect((await rawHttps(`${url}/v1/chat/completions`, 'POST', body)).status).toBe(401);
    const wrong = await rawHttps(`${url}/api/chat`, 'POST', body, {authorization: 'Bearer not-the-key-000000000000'});
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toEqual({error: expect.stringMatching(/API key/)});
  });

  it('attest verify --url finds the running gateway valid (dev evidence, SecretVM endpoints)', async () => {
    const r = await cli(['attest', 'verify', '--url', url, '--json']);
    const v = JSON.parse(r.stdout) as {verdict: string; dev: boolean; checks: Array<{name: string; ok: boolean}>};
    expect([r.code, v.verdict, v.dev]).toEqual([0, 'valid', true]);
    const served = await rawHttps(`${url}/attestation`, 'GET');
    const shown = JSON.parse((await cli(['worker', 'show', workerId, '--json'])).stdout) as {attestation: unknown};
    expect(JSON.parse(served.body)).toEqual(shown.attestation);
  });

  it('a client that disconnects mid-stream is billed only the tokens delivered', async () => {
    const stream = await openaiFor(url).chat.completions.create({model: MODEL, messages: PROMPT, temperature: 0, max_tokens: 400, stream: true});
    let received = 0;
    let id = '';
    for await (const chunk of stream) {
      id = chunk.id.replace(/^chatcmpl-/, '');
      if (chunk.choices[0]?.delta?.content !== undefined && ++received === 5) break;
    }
    let line: PendingUsageLine | undefined;
    for (let i = 0; i < 100 && !line; i++) {
      line = logLines().find((l) => l.record.request_id === id);
      if (!line) await sleep(50);
    }
    expect(line).toMatchObject({outcome: 'disconnected'});
    expect(line!.record.output_tokens).toBeGreaterThanOrEqual(received);
    expect(line!.record.output_tokens).toBeLessThan(400);
  });

  it('refuses to start: a weak dev API key (2), a key with no registered worker (1), a TLS key the registration does not bind (4)', async () => {
    const weakKey = await cli(['worker', 'serve', '--from', 'operator', '--port', '0', '--json'], {SECRETAI_DEV_API_KEY: 'short'});
    expect(weakKey.code).toBe(2);
    expect(weakKey.stderr).toContain('SECRETAI_DEV_API_KEY is shorter');
    const stranger = await cli(['worker', 'serve', '--from', 'stranger', '--port', '0'], {SECRETAI_DEV_API_KEY: API_KEY});
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(/no worker is registered for secret1\w+/);
    const dir = path.join(home, 'worker', 'tls', account);
    renameSync(dir, `${dir}.saved`);
    try {
      const noTls = await cli(['worker', 'serve', '--from', 'operator', '--port', '0'], {SECRETAI_DEV_API_KEY: API_KEY});
      expect(noTls.code).toBe(2);
      expect(noTls.stderr).toMatch(/no worker TLS identity/);
      // A new TLS identity (collected again but not registered) is refused.
      expect((await cli(['attest', 'collect', '--dev', '--out', path.join(home, 'other.json'), '--from', 'operator'])).code).toBe(0);
      const other = await cli(['worker', 'serve', '--from', 'operator', '--port', '0'], {SECRETAI_DEV_API_KEY: API_KEY});
      expect(other.code).toBe(4);
      expect(other.stderr).toMatch(/not the one the registered attestation binds/);
    } finally {
      rmSync(dir, {recursive: true, force: true});
      renameSync(`${dir}.saved`, dir);
    }
  });

  it('in front of model serve (--backend openai=URL): the golden text and a signed record', async () => {
    const upstream = await spawnCliServer(['model', 'serve', '--port', '0', '--json']);
    servers.push(upstream);
    const proxy = await serve(['--backend', `openai=${upstream.ready.url as string}`, '--port', '0']);
    const {text, signed} = await goldenStream(proxy.ready.url as string);
    expect(text).toBe(GOLDEN);
    expect(signed.record.output_tokens).toBe(64);
    expect(verifySignedUsageRecord(signed, Buffer.from(bundle.workerPubkey, 'base64')).worker).toBe(true);
    proxy.child.kill('SIGTERM');
    upstream.child.kill('SIGTERM');
    expect((await proxy.exited).code).toBe(0);
  });

  it('--detach serves in the background with a pid file; worker stop ends it', async () => {
    const r = await cli(['worker', 'serve', '--from', 'operator', '--port', '0', '--detach', '--json'], {SECRETAI_DEV_API_KEY: API_KEY});
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as {url: string; pid: number};
    expect(d).toMatchObject({url: expect.stringMatching(/^https:/), pid: expect.any(Number)});
    expect(readFileSync(path.join(home, 'worker', 'gateway.pid'), 'utf8').trim()).toBe(String(d.pid));
    expect((await rawHttps(`${d.url}/v1/models`, 'GET', undefined, AUTH)).status).toBe(200);
    const s = await cli(['worker', 'stop', '--json']);
    expect(JSON.parse(s.stdout)).toEqual({stopped: true, pid: d.pid});
    expect(existsSync(path.join(home, 'worker', 'gateway.pid'))).toBe(false);
    expect(JSON.parse((await cli(['worker', 'stop', '--json'])).stdout)).toEqual({stopped: false});
  });

  it('SIGTERM lets a running stream finish with its record, then the gateway exits 0', async () => {
    const g = await serve(['--port', '0']);
    const stream = await openaiFor(g.ready.url as string).chat.completions.create({model: MODEL, messages: PROMPT, temperature: 0, max_tokens: 200, stream: true});
    let n = 0;
    let last: Record<string, unknown> = {};
    for await (const chunk of stream) {
      if (++n === 2) g.child.kill('SIGTERM');
      last = chunk as unknown as Record<string, unknown>;
    }
    expect((last[USAGE_FIELD] as SignedUsageRecord).record.output_tokens).toBeGreaterThan(0);
    expect((await g.exited).code).toBe(0);
  });

  it('a SIGKILL after records were sent loses none of them: they are in the log', async () => {
    const client = openaiFor(url);
    const sent: SignedUsageRecord[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await client.chat.completions.create({model: MODEL, messages: PROMPT, max_tokens: 8, temperature: 0});
      sent.push((r as unknown as Record<string, SignedUsageRecord>)[USAGE_FIELD]!);
    }
    gw.child.kill('SIGKILL');
    await gw.exited;
    const logged = new Map(logLines().map((l) => [l.record.request_id, l]));
    for (const s of sent) expect(logged.get(s.record.request_id)).toMatchObject({record: s.record, worker_signature: s.worker_signature, outcome: 'completed'});
  });
});
