import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {runCli, tempHome, type RunResult} from '../helpers/cli.js';
import {DEV_ADMIN, DEV_EPOCH_SECONDS} from '../../src/devnet/genesis.js';
import type {NetworkProfile} from '../../src/lib/config/index.js';

// The worker registry end to end: the real binary against a detached devnet in a fresh home.
const home = tempHome('secretai-worker-e2e-');
const base = ['--home', home];
const cli = (args: string[]) => runCli([...args, ...base], {timeoutMs: 90_000});
const json = (r: RunResult) => JSON.parse(r.stdout) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
const bundle = (name: string) => path.join(home, `${name}.json`);
/** Each test runs many CLI invocations; on a loaded machine they take minutes. */
const SLOW = 420_000;

async function collect(key: string, out = bundle(key)): Promise<void> {
  const r = await cli(['attest', 'collect', '--dev', '--out', out, '--from', key, '--json']);
  expect(r.code).toBe(0);
}

const register = (key: string, file: string, extra: string[] = [], stake = '1000000') =>
  cli(['worker', 'register', '--url', 'https://127.0.0.1:21434', '--model', 'stories260K', '--attestation', file, '--stake', stake, '--from', key, '--json', ...extra]);

async function workerCount(): Promise<number> {
  const r = await cli(['worker', 'list', '--json']);
  expect(r.code).toBe(0);
  return json(r).length;
}

beforeAll(async () => {
  expect((await cli(['devnet', 'start', '--detach', '--port', '0'])).code).toBe(0);
  for (const k of ['op', 'op2', 'user']) {
    expect((await cli(['keys', 'add', k, '--keyring-backend', 'test'])).code).toBe(0);
    expect((await cli(['devnet', 'fund', k])).code).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await cli(['devnet', 'stop']);
});

describe('worker registry on a devnet', () => {
  it('collect → register → list / models / next names the worker with a valid dev attestation', async () => {
    await collect('op');
    const b = JSON.parse(readFileSync(bundle('op'), 'utf8'));
    // attest collect created the worker TLS identity in the home and bound it.
    const tlsDir = path.join(home, 'worker', 'tls', json(await cli(['keys', 'show', 'op', '--json'])).address);
    expect(existsSync(path.join(tlsDir, 'cert.pem')) && existsSync(path.join(tlsDir, 'key.pem'))).toBe(true);
    await collect('op', bundle('op-again'));
    expect(JSON.parse(readFileSync(bundle('op-again'), 'utf8')).tlsSpki).toBe(b.tlsSpki);

    const r = await register('op', bundle('op'));
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({workerId: '1', txHash: expect.stringMatching(/^[0-9A-F]{64}$/)});

    const list = await cli(['worker', 'list', '--json']);
    expect(json(list)).toEqual([expect.objectContaining({id: '1', url: 'https://127.0.0.1:21434', models: ['stories260K'], status: 'active'})]);
    expect(json(await cli(['models', '--json']))).toEqual([{name: 'stories260K', workers: 1}]);

    const next = await cli(['worker', 'next', '--model', 'stories260K', '--from', 'user', '--json']);
    expect(next.code).toBe(0);
    expect(json(next)).toMatchObject({id: '1', url: 'https://127.0.0.1:21434', model: 'stories260K', attestation: {verdict: 'valid', dev: true}});
    expect(json(next).attestation.checks.map((c: {name: string}) => c.name)).toEqual(expect.arrayContaining(['binding.worker', 'measurements.tdx']));

    const show = await cli(['worker', 'show', '1', '--json']);
    expect(json(show)).toMatchObject({id: '1', attestation: b});
  }, SLOW);

  it('refuses bad registrations with the documented exit codes, and nothing changes', async () => {
    await collect('op2');
    // A key that is not the bundle's worker key: exit 2, nothing sent.
    const notMine = await register('op2', bundle('op'));
    expect(notMine.code).toBe(2);
    expect(json(notMine).error.code).toBe('WORKER_KEY_MISMATCH');
    // A stake below the minimum, a malformed URL, a malformed model name: exit 2.
    expect(json(await register('op2', bundle('op2'), [], '999999')).error.code).toBe('STAKE_TOO_LOW');
    const badUrl = await cli(['worker', 'register', '--url', 'http://example.com/x', '--model', 'stories260K', '--attestation', bundle('op2'), '--stake', '1000000', '--from', 'op2', '--json']);
    expect(badUrl.code).toBe(2);
    expect(json(badUrl).error).toMatchObject({code: 'URL_INVALID', message: expect.stringContaining('https://HOST')});
    const badModel = await cli(['worker', 'register', '--url', 'https://127.0.0.1:1', '--model', 'bad model', '--attestation', bundle('op2'), '--stake', '1000000', '--from', 'op2', '--json']);
    expect(badModel.code).toBe(2);
    expect(json(badModel).error.code).toBe('MODEL_INVALID');
    // Not a bundle at all: exit 2.
    writeFileSync(bundle('junk'), '{"version":1}');
    expect((await register('op2', bundle('junk'))).code).toBe(2);
    // A stale challenge (two epochs later): exit 4 naming the freshness check.
    expect((await cli(['devnet', 'advance', '--seconds', String(2 * DEV_EPOCH_SECONDS)])).code).toBe(0);
    const stale = await register('op2', bundle('op2'));
    expect(stale.code).toBe(4);
    expect(json(stale).error).toMatchObject({code: 'ATTESTATION_INVALID', message: expect.stringContaining('freshness.challenge')});
    expect(await workerCount()).toBe(1);
  }, SLOW);

  it('refuses an attestation whose measurements the network does not list (exit 4), then accepts it once listed', async () => {
    const {signingClient} = await import('../../src/lib/chain/client.js');
    const {clientsFor} = await import('../../src/lib/chain/contracts/index.js');
    const profile = json(await cli(['network', 'show', 'local', '--json'])) as NetworkProfile;
    const admin = await signingClient(profile, DEV_ADMIN.mnemonic);
    const wm = clientsFor(profile, admin).workerManager;
    const devPolicy = await wm.acceptedMeasurements();
    expect(devPolicy?.tdx?.length).toBe(1);
    await wm.setAcceptedMeasurements(admin, {name: 'other-image', version: '2', tdx: [{...devPolicy!.tdx![0]!, mrtd: '0'.repeat(96)}]});

    await collect('op2');
    const refused = await register('op2', bundle('op2'));
    expect(refused.code).toBe(4);
    expect(json(refused).error.message).toMatch(/measurements\.tdx: MRTD .* is not an accepted value in policy other-image 2/);
    expect(await workerCount()).toBe(1);

    await wm.setAcceptedMeasurements(admin, devPolicy!);
    const ok = await register('op2', bundle('op2'));
    expect(ok.code).toBe(0);
    expect(json(ok).workerId).toBe('2');
  }, SLOW);

  it('update, deregister and withdraw after unbonding', async () => {
    const up = await cli(['worker', 'update', '--url', 'https://127.0.0.1:21435', '--from', 'op2', '--json']);
    expect(up.code).toBe(0);
    expect(json(await cli(['worker', 'show', '2', '--json'])).url).toBe('https://127.0.0.1:21435');
    expect((await cli(['worker', 'update', '--from', 'op2', '--json'])).code).toBe(2);

    const dereg = await cli(['worker', 'deregister', '--from', 'op2', '--json']);
    expect(dereg.code).toBe(0);
    expect(json(dereg)).toMatchObject({txHash: expect.any(String), unbondingEndsAt: expect.any(Number)});
    const early = await cli(['worker', 'withdraw', '--from', 'op2', '--json']);
    expect(early.code).toBe(1);
    expect(json(early).error.message).toMatch(/unbonding until/);
    expect((await cli(['devnet', 'advance', '--seconds', '601'])).code).toBe(0);
    expect((await cli(['worker', 'withdraw', '--from', 'op2', '--json'])).code).toBe(0);
    expect(json(await cli(['worker', 'list', '--json'])).map((w: {id: string; status: string}) => [w.id, w.status])).toEqual([['1', 'active'], ['2', 'withdrawn']]);
    expect(json(await cli(['models', '--json']))).toEqual([{name: 'stories260K', workers: 1}]);
  }, SLOW);

  it('models and worker list fall back to get_models / get_u_r_ls on a profile with only the existing deployment\'s contract', async () => {
    const local = json(await cli(['network', 'show', 'local', '--json'])) as NetworkProfile;
    const file = path.join(home, 'config.json');
    const cfg = JSON.parse(readFileSync(file, 'utf8'));
    cfg.networks.legacy = {
      name: 'legacy', lcdUrl: local.lcdUrl, chainId: local.chainId, gasPrice: '0.1', allowTestKeyring: true,
      attestation: {allowDev: false, strict: false}, contracts: {legacyWorkerManager: {address: local.contracts.workerManager!.address}},
    };
    writeFileSync(file, JSON.stringify(cfg, null, 2));
    const models = await cli(['models', '--network', 'legacy', '--json']);
    expect(models.code).toBe(0);
    expect(json(models)).toEqual([{name: 'stories260K', workers: 1}]);
    expect(models.stderr).toMatch(/does not publish liveness/);
    const list = await cli(['worker', 'list', '--network', 'legacy', '--json']);
    expect(list.code).toBe(0);
    expect(json(list)).toEqual([{id: null, url: 'https://127.0.0.1:21434', models: [], payout: null, status: 'unknown'}]);
    expect(list.stderr).toMatch(/publishes only models and URLs/);
  }, SLOW);
});
