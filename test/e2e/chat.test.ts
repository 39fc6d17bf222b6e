/**
 * `secretai chat` end to end on a devnet in a temporary home with two workers serving the embedded stories260K
 * model: subscribe → API key → chat prints the golden text, `--json` reports `attestation.verdict` valid and a
 * countersigned record the worker took back; a second chat uses the attestation cache. Worker 2 is registered
 * behind a TLS man-in-the-middle (its own certificate, recording every byte): it never receives a prompt and chat
 * fails over to worker 1. Worker 1 then rotates its certificate without re-registering: refused (exit 4) before
 * any prompt byte. An expired subscription gets a one-line "subscription expired" error (exit 1), with no worker
 * contacted.
 */
import {afterAll, beforeAll, expect, it} from '@jest/globals';
import {readFileSync, rmSync} from 'node:fs';
import path from 'node:path';
import {verifySignedUsageRecord, type SignedUsageRecord} from '../../contracts/common/usage.js';
import {readUsageLines, type CountersignedUsageLine} from '../../src/lib/worker/gateway/usage-log.js';
import {runCli, tempHome} from '../helpers/cli.js';
import {describeShared} from '../helpers/shared.js';
import {freePort, spawnCliServer, type CliServer} from '../worker/gateway-helpers.js';
import {startFront, type Front} from '../chat/fronts.js';

const GOLDEN = ", there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\nLily's mom said";
const MODEL = 'stories260K';
const PROMPT = 'Once upon a time';
const T = 180_000;

interface ChatJson {
  worker: {id: string; url: string};
  model: string;
  content: string;
  usage: {inputTokens: number; outputTokens: number};
  attestation: {verdict: string; dev: boolean; cached: boolean};
  record: SignedUsageRecord & {handedBack: boolean};
  failover: Array<{id: string; reason: string}>;
}

describeShared('models/stories260K')('secretai chat on a devnet with two workers', () => {
  const home = tempHome('secretai-chat-e2e-');
  const cli = (args: string[], env: Record<string, string> = {}) => runCli([...args, '--home', home], {env, timeoutMs: T});
  const servers: CliServer[] = [];
  const fronts: Front[] = [];
  const workers: Record<string, {id: string; account: string; pubkey: string; gatewayPort: number}> = {};
  let apiKey = '';
  let honest: Front;
  let mitm: Front;

  const ok = async (args: string[], env: Record<string, string> = {}) => {
    const r = await cli([...args, '--json'], env);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  const chat = (from: string, extra: string[] = []) => cli(['chat', PROMPT, '--model', MODEL, '--temperature', '0', '--max-tokens', '64', '--from', from, ...extra]);

  beforeAll(async () => {
    await ok(['devnet', 'start', '--detach', '--port', '0']);
    for (const k of ['op1', 'op2', 'user']) {
      await ok(['keys', 'add', k, '--keyring-backend', 'test']);
      await ok(['devnet', 'fund', k]);
    }
    await ok(['subscribe', '--plan', 'basic', '--yes', '--from', 'user']);
    apiKey = (await ok(['apikey', 'create', '--from', 'user'])).key as string;
    // worker serve checks the subscriber's API key against the SubscriptionManager (no dev key here).
    const gwEnv = {};
    for (const [op, mode] of [['op1', 'pass'], ['op2', 'mitm']] as const) {
      const bundle = path.join(home, `${op}-bundle.json`);
      await ok(['attest', 'collect', '--dev', '--out', bundle, '--from', op]);
      const gatewayPort = await freePort();
      const front = await startFront(() => gatewayPort, mode);
      fronts.push(front);
      const reg = await ok(['worker', 'register', '--url', front.url, '--model', MODEL, '--attestation', bundle, '--stake', '1000000', '--from', op]);
      const b = JSON.parse(readFileSync(bundle, 'utf8')) as {workerPubkey: string};
      workers[op] = {id: reg.workerId as string, account: '', pubkey: b.workerPubkey, gatewayPort};
      servers.push(await spawnCliServer(['worker', 'serve', '--from', op, '--home', home, '--json', '--port', String(gatewayPort)], gwEnv));
    }
    honest = fronts[0]!;
    mitm = fronts[1]!;
  }, 4 * T);

  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    for (const f of fronts) await f.close();
    await cli(['devnet', 'stop']);
    rmSync(home, {recursive: true, force: true});
  }, T);

  it('streams the golden text from a verified worker; --json has the verdict and a countersigned record the worker took back', async () => {
    const plain = await chat('user', ['--worker', workers.op1!.id]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe(GOLDEN + '\n');

    const r = await chat('user', ['--worker', workers.op1!.id, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as ChatJson;
    expect(j).toMatchObject({worker: {id: workers.op1!.id, url: honest.url}, model: MODEL, content: GOLDEN, usage: {outputTokens: 64}, attestation: {verdict: 'valid', dev: true}});
    // The first run verified and cached; this one relied on the cache.
    expect(j.attestation.cached).toBe(true);
    const user = JSON.parse((await cli(['keys', 'show', 'user', '--json'])).stdout) as {pubkey: string};
    expect(j.record.subscriber_pubkey).toBe(user.pubkey);
    expect(verifySignedUsageRecord(j.record, Buffer.from(workers.op1!.pubkey, 'base64'), {expectedSubscriberPubkey: Buffer.from(user.pubkey, 'base64')})).toEqual({worker: true, subscriber: 'valid'});
    expect(j.record.handedBack).toBe(true);
    const op1 = JSON.parse((await cli(['keys', 'show', 'op1', '--json'])).stdout) as {address: string};
    const stored = readUsageLines<CountersignedUsageLine>(path.join(home, 'worker', 'usage', op1.address, 'countersigned.jsonl'));
    expect(stored.map((l) => l.record.request_id)).toContain(j.record.record.request_id);
    expect(r.stderr).not.toContain(apiKey);
  }, T);

  it('a worker behind a TLS man-in-the-middle never receives the prompt; chat fails over to the other worker', async () => {
    // The assignment is sticky per subscriber: permit signers (fresh keys; the API key stays the user's) until one
    // is assigned the man-in-the-middle first.
    let failedOver: ChatJson | undefined;
    const picks: unknown[] = [];
    for (let i = 0; i < 12 && !failedOver; i++) {
      await ok(['keys', 'add', `s${i}`, '--keyring-backend', 'test']);
      const r = await cli(['chat', PROMPT, '--model', MODEL, '--temperature', '0', '--max-tokens', '64', '--from', `s${i}`, '--json'], {SECRETAI_API_KEY: apiKey});
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as ChatJson;
      picks.push({from: `s${i}`, worker: j.worker.id, failover: j.failover.map((f) => f.id)});
      expect([j.worker.id, j.content]).toEqual([workers.op1!.id, GOLDEN]);
      if (j.failover.length) {
        failedOver = j;
        expect(r.stderr).toMatch(new RegExp(`worker ${workers.op2!.id} .*trying the next worker`));
      }
    }
    expect({picks, failover: failedOver?.failover}).toEqual({picks: expect.anything(), failover: [{id: workers.op2!.id, reason: expect.stringMatching(/attestation invalid|another TLS key/)}]});
    expect(mitm.mitmConnections).toBeGreaterThan(0);
    expect(mitm.recorded()).not.toContain(PROMPT);
    expect(mitm.recorded()).not.toContain('/v1/chat/completions');
    expect(mitm.recorded()).not.toContain(apiKey);

    const named = await chat('user', ['--worker', workers.op2!.id]);
    expect(named.code).toBe(4);
    expect(named.stdout).toBe('');
    expect(named.stderr.trim().split('\n').pop()).toMatch(/^Error: verification failed/);
    expect(mitm.recorded()).not.toContain(PROMPT);
  }, 2 * T);

  it('a worker that rotates its certificate without re-registering is refused before any prompt byte', async () => {
    honest.mode = 'mitm';
    try {
      const r = await chat('user', ['--worker', workers.op1!.id]);
      expect(r.code).toBe(4);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/TLS key|verification failed/);
      expect(honest.recorded()).not.toContain(PROMPT);
      expect(honest.mitmConnections).toBeGreaterThan(0);
    } finally {
      honest.mode = 'pass';
    }
  }, T);

  it('bad input is a usage error (exit 2) and nothing is sent', async () => {
    const r = await cli(['chat', PROMPT, '--model', MODEL, '--temperature', 'hot', '--from', 'user']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--temperature/);
    const nokey = await cli(['chat', PROMPT, '--model', MODEL, '--from', 'op1']);
    expect(nokey.code).toBe(2);
    expect(nokey.stderr).toMatch(/no API key/);
  }, T);

  it('an expired subscription gets a clear one-line error (exit 1), and no worker is contacted', async () => {
    await ok(['devnet', 'advance', '--seconds', String(30 * 24 * 3600 + 1)]);
    const before = fronts.map((f) => f.connections);
    const r = await chat('user');
    expect(fronts.map((f) => f.connections)).toEqual(before);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Error: subscription expired.*secretai subscribe/);
  }, T);
});
