/**
 * `secretai contracts deploy` end to end: a first devnet runs in one home as usual (keys, the `local` profile);
 * a second devnet on another port, in another home, is the chain the managers are deployed to. Its profile
 * `local-2` is added by hand (`network add`); the deployer and the other keys are funded by that devnet's faucet,
 * and its genesis SNIP-20 is the payment token. Deploy stores and instantiates NEW managers (whatever the second
 * chain's genesis deployed), writes their addresses and code hashes into `local-2`, and a second run resumes without
 * storing or instantiating anything. Then `worker register` (dev attestation), `subscribe`, `apikey create`,
 * `worker serve` and `chat` all run against the deployed managers and the golden story text comes back with a valid
 * verdict.
 */
import {afterAll, beforeAll, expect, it} from '@jest/globals';
import {rmSync} from 'node:fs';
import path from 'node:path';
import type {NetworkProfile} from '../../src/lib/config/index.js';
import {runCli, tempHome} from '../helpers/cli.js';
import {describeShared} from '../helpers/shared.js';
import {freePort, spawnCliServer, type CliServer} from '../worker/gateway-helpers.js';

const GOLDEN = ", there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\nLily's mom said";
const MODEL = 'stories260K';
const T = 180_000;
/** Both devnets run the contracts as wasm (genesis stores and instantiates the built artifacts). */
const WASM = {SECRETAI_DEVNET_CONTRACTS: 'wasm'};
const MANAGER_KEYS = ['workerManager', 'subscriptionManager', 'rewardsManager'] as const;

interface DeployJson {
  network: string;
  deployment: string;
  contracts: Record<(typeof MANAGER_KEYS)[number], {address: string; codeHash: string; codeId: number; label: string}>;
  paymentToken: {address: string; codeHash: string};
  steps: Array<{step: string; contract: string; status: string}>;
}

describeShared('models/stories260K')('secretai contracts deploy to a second, empty devnet', () => {
  const home = tempHome('secretai-deploy-e2e-');
  const home2 = tempHome('secretai-deploy-e2e-chain2-');
  const run = (h: string, args: string[], env: Record<string, string> = {}) => runCli([...args, '--home', h], {env: {...WASM, ...env}, timeoutMs: T});
  const ok = async (h: string, args: string[]) => {
    const r = await run(h, [...args, '--json']);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  /** A command of the main home, against local-2. */
  const on2 = (args: string[]) => ok(home, [...args, '--network', 'local-2']);
  const servers: CliServer[] = [];
  let chain2: NetworkProfile;
  let first: DeployJson;
  let workerId = '';

  beforeAll(async () => {
    await ok(home, ['devnet', 'start', '--detach', '--port', '0']);
    await ok(home2, ['devnet', 'start', '--detach', '--port', '0']);
    chain2 = (await ok(home2, ['network', 'show', 'local'])) as unknown as NetworkProfile;
    const local = (await ok(home, ['network', 'show', 'local'])) as unknown as NetworkProfile;
    expect(chain2.lcdUrl).not.toBe(local.lcdUrl);
    await ok(home, ['network', 'add', 'local-2', '--url', chain2.lcdUrl, '--chain-id', chain2.chainId, '--allow-dev-attestation']);
    for (const k of ['admin', 'op', 'user']) {
      const key = await ok(home, ['keys', 'add', k, '--keyring-backend', 'test']);
      // The second chain's faucet, by address: the keys live in the main home.
      await ok(home2, ['devnet', 'fund', key.address as string]);
    }
  }, 3 * T);

  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await run(home, ['devnet', 'stop']);
    await run(home2, ['devnet', 'stop']);
    rmSync(home, {recursive: true, force: true});
    rmSync(home2, {recursive: true, force: true});
  }, T);

  it('deploys new managers and points the hand-made profile at them', async () => {
    const before = (await ok(home, ['network', 'show', 'local-2'])) as unknown as NetworkProfile;
    expect(before.contracts.workerManager).toBeUndefined();
    const token = chain2.contracts.paymentToken!;
    first = (await on2(['contracts', 'deploy', '--payment-token', token.address, '--from', 'admin'])) as unknown as DeployJson;
    expect(first.network).toBe('local-2');
    expect(first.paymentToken).toEqual({address: token.address, codeHash: token.codeHash});
    expect(first.steps.filter((s) => s.step === 'instantiate').map((s) => [s.contract, s.status])).toEqual(MANAGER_KEYS.map((k) => [k, 'done']));
    const after = (await ok(home, ['network', 'show', 'local-2'])) as unknown as NetworkProfile;
    for (const k of MANAGER_KEYS) {
      const c = first.contracts[k];
      expect(c.address).toMatch(/^secret1[0-9a-z]{38}$/);
      expect(c.codeHash).toMatch(/^[0-9a-f]{64}$/);
      expect(after.contracts[k]).toEqual({address: c.address, codeHash: c.codeHash});
      // New instances, not the ones the second chain's genesis made.
      expect(c.address).not.toBe(chain2.contracts[k]?.address);
    }
    expect(after.contracts.paymentToken).toEqual({address: token.address, codeHash: token.codeHash});
  }, 2 * T);

  it('a second deploy resumes: nothing is stored, instantiated or wired again', async () => {
    const again = (await on2(['contracts', 'deploy', '--payment-token', chain2.contracts.paymentToken!.address, '--from', 'admin'])) as unknown as DeployJson;
    expect(again.deployment).toBe(first.deployment);
    expect(again.steps.map((s) => [s.step, s.contract, s.status])).toEqual(
      ['store', 'instantiate', 'wire'].flatMap((step) => MANAGER_KEYS.map((k) => [step, k, 'found'])),
    );
    for (const k of MANAGER_KEYS) expect(again.contracts[k]).toEqual(first.contracts[k]);
  }, T);

  it('worker register, subscribe, apikey and chat work against the deployed managers', async () => {
    const bundle = path.join(home, 'op-bundle.json');
    await on2(['attest', 'collect', '--dev', '--out', bundle, '--from', 'op']);
    const gatewayPort = await freePort();
    const url = `https://127.0.0.1:${gatewayPort}`;
    const reg = await on2(['worker', 'register', '--url', url, '--model', MODEL, '--attestation', bundle, '--stake', '1000000', '--from', 'op']);
    workerId = reg.workerId as string;
    expect(workerId).toBe('1'); // the first worker of the NEW WorkerManager
    const list = (await on2(['worker', 'list'])) as unknown as Array<{id: string; url: string}>;
    expect(list).toEqual([expect.objectContaining({id: workerId, url})]);
    // The first devnet's registry is untouched.
    expect(await ok(home, ['worker', 'list'])).toEqual([]);

    await on2(['subscribe', '--plan', 'basic', '--yes', '--from', 'user']);
    const apiKey = (await on2(['apikey', 'create', '--from', 'user'])).key as string;
    expect(apiKey).toBeTruthy();
    servers.push(await spawnCliServer(['worker', 'serve', '--from', 'op', '--network', 'local-2', '--home', home, '--json', '--port', String(gatewayPort)], WASM));

    const r = await run(home, ['chat', 'Once upon a time', '--model', MODEL, '--temperature', '0', '--max-tokens', '64', '--from', 'user', '--network', 'local-2', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {worker: {id: string}; content: string; attestation: {verdict: string; dev: boolean}};
    expect(j).toMatchObject({worker: {id: workerId}, content: GOLDEN, attestation: {verdict: 'valid', dev: true}});
    expect(r.stderr).not.toContain(apiKey);
  }, 3 * T);
});
