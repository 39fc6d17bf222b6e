import {afterAll, describe, expect, it} from '@jest/globals';
import {SecretNetworkClient} from 'secretjs';
import {runCli, tempHome} from '../helpers/cli.js';

// The devnet commands end to end: the real binary starts a detached devnet; real secretjs reads it.
const home = tempHome('secretai-devnet-cli-');
const base = ['--home', home];

afterAll(async () => {
  await runCli(['devnet', 'stop', ...base]);
});

describe('secretai devnet (detached)', () => {
  let start: {url: string; chainId: string; pid: number; admin: {address: string}; contracts: Record<string, {address: string; codeHash: string}>};

  it('start --detach --json returns the design JSON and the devnet answers at once', async () => {
    const r = await runCli(['devnet', 'start', '--detach', '--port', '0', '--json', ...base]);
    expect(r.code).toBe(0);
    start = JSON.parse(r.stdout);
    expect(start).toMatchObject({chainId: 'secretdev-1', home, admin: {address: expect.stringMatching(/^secret1/)}});
    for (const k of ['workerManager', 'subscriptionManager', 'rewardsManager', 'paymentToken']) {
      expect(start.contracts[k].address).toMatch(/^secret1[02-9ac-hj-np-z]{38}$/);
      expect(start.contracts[k].codeHash).toMatch(/^[0-9a-f]{64}$/);
    }
    const client = new SecretNetworkClient({url: start.url, chainId: start.chainId});
    const bal = await client.query.bank.balance({address: start.admin.address, denom: 'uscrt'});
    expect(BigInt(bal.balance!.amount!)).toBeGreaterThan(0n);
  });

  it('points the local profile at the devnet', async () => {
    const r = await runCli(['network', 'show', 'local', '--json', ...base]);
    const p = JSON.parse(r.stdout);
    expect(p.lcdUrl).toBe(start.url);
    expect(p.contracts.paymentToken).toEqual(start.contracts.paymentToken);
  });

  it('start again is idempotent and says so', async () => {
    const r = await runCli(['devnet', 'start', '--detach', '--json', ...base]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({url: start.url, alreadyRunning: true});
  });

  it('fund sends uscrt and tokens to a key name, advance moves time', async () => {
    await runCli(['keys', 'add', 'u', '--keyring-backend', 'test', ...base]);
    const addr = JSON.parse((await runCli(['keys', 'show', 'u', '--json', ...base])).stdout).address;
    const f = await runCli(['devnet', 'fund', 'u', '--scrt', '5scrt', '--token', '1234', '--json', ...base]);
    expect(f.code).toBe(0);
    expect(JSON.parse(f.stdout)).toMatchObject({address: addr, scrt: '5000000', token: '1234'});
    const client = new SecretNetworkClient({url: start.url, chainId: start.chainId});
    const bal = await client.query.bank.balance({address: addr, denom: 'uscrt'});
    expect(bal.balance?.amount).toBe('5000000');

    const s1 = JSON.parse((await runCli(['devnet', 'status', '--json', ...base])).stdout);
    expect(s1).toMatchObject({running: true, url: start.url});
    const adv = await runCli(['devnet', 'advance', '--seconds', '86400', '--json', ...base]);
    expect(adv.code).toBe(0);
    const t = JSON.parse(adv.stdout);
    expect(Date.parse(t.time) - Date.parse(s1.time)).toBeGreaterThanOrEqual(86_400_000);
  });

  it('rejects bad faucet input with exit 2 and sends nothing', async () => {
    for (const args of [['fund', 'secret1notanaddress'], ['fund', 'u', '--scrt', '1.5'], ['fund', 'u', '--token', '-3'], ['advance', '--seconds', '0']]) {
      const r = await runCli(['devnet', ...args, ...base]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('stop and start keep all state', async () => {
    const addr = JSON.parse((await runCli(['keys', 'show', 'u', '--json', ...base])).stdout).address;
    const stop = await runCli(['devnet', 'stop', '--json', ...base]);
    expect(stop.code).toBe(0);
    expect(JSON.parse(stop.stdout)).toMatchObject({running: false, wasRunning: true});
    const status = JSON.parse((await runCli(['devnet', 'status', '--json', ...base])).stdout);
    expect(status.running).toBe(false);
    const again = JSON.parse((await runCli(['devnet', 'start', '--detach', '--port', '0', '--json', ...base])).stdout);
    expect(again.contracts).toEqual(start.contracts);
    const client = new SecretNetworkClient({url: again.url, chainId: again.chainId});
    const bal = await client.query.bank.balance({address: addr, denom: 'uscrt'});
    expect(bal.balance?.amount).toBe('5000000');
  });

  it('reset needs --yes without a terminal, then deletes the state', async () => {
    expect((await runCli(['devnet', 'reset', ...base])).code).toBe(2);
    const r = await runCli(['devnet', 'reset', '--yes', '--json', ...base]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({running: false, hasState: false});
    const p = JSON.parse((await runCli(['network', 'show', 'local', '--json', ...base])).stdout);
    expect(p.contracts.paymentToken).toBeUndefined();
  });
});
