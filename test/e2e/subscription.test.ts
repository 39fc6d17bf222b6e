import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {execFile} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {promisify} from 'node:util';
import {Context} from '../../src/lib/cli/base-command.js';
import {Output} from '../../src/lib/cli/output.js';
import {resolveHome} from '../../src/lib/config/index.js';
import {checkApiKey} from '../../src/lib/subscription/index.js';
import {ApiKeyChecker} from '../../src/lib/subscription/check.js';
import {ApiKeyStore} from '../../src/lib/keys/apikeys.js';
import {runCli, tempHome} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

// The "done when" flow through the real binary on a devnet it started (the gateway's 401/402 answers are
// the gateway's; here the same check it makes, checkApiKey, is asserted).
const home = tempHome('secretai-subscription-e2e-');
const cli = (...args: string[]) => runCli([...args, '--home', home], {timeoutMs: 90_000});
const json = async (...args: string[]) => {
  const r = await cli(...args, '--json');
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};
let user: {name: string; address: string; mnemonic: string};
let devnetJson: string;

const ctxFor = () => new Context(resolveHome(home), new Output({json: true, verbose: false, interactive: false}), {network: 'local', from: 'user', yes: true});

beforeAll(async () => {
  const start = await cli('devnet', 'start', '--detach', '--port', '0', '--json');
  expect(start.code).toBe(0);
  devnetJson = path.join(home, 'devnet-start.json');
  writeFileSync(devnetJson, start.stdout);
  user = await json('keys', 'add', 'user', '--keyring-backend', 'test');
  await json('devnet', 'fund', 'user', '--scrt', '10scrt', '--token', '25000000');
  await json('keys', 'add', 'poor', '--keyring-backend', 'test');
  await json('devnet', 'fund', 'poor', '--scrt', '10scrt', '--token', '5');
});

afterAll(async () => {
  await cli('devnet', 'stop');
});

describe('subscription commands on a devnet', () => {
  it('plans → subscribe --plan basic --yes → status active → apikey create/list/revoke → advance past the period → expired', async () => {
    const plans = await json('subscription', 'plans');
    const basic = plans.find((p: {id: string}) => p.id === 'basic');
    expect(basic).toMatchObject({id: 'basic', price: '10000000', periodSeconds: 2_592_000});

    const paid = await json('subscribe', '--plan', 'basic', '--yes', '--from', 'user');
    expect(paid).toMatchObject({plan: 'basic', subscriber: user.address, amount: '10000000', balance: '0'});
    expect(paid.txHash).toMatch(/^[0-9A-F]{64}$/);

    const status = await json('subscription', 'status', '--from', 'user');
    expect(status).toMatchObject({active: true, status: 'active', plan: 'basic', expiresAt: paid.expiresAt, balance: '0'});

    const created = await cli('apikey', 'create', '--from', 'user', '--json');
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout);
    expect(key.key).toMatch(/^sai_[A-Za-z0-9_-]{43}$/);
    expect(key.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(created.stderr).not.toContain(key.key);
    // kept for chat, in clear here because "user" is a test-keyring key
    expect(new ApiKeyStore(home).open('secretdev-1', key.keyHash)).toBe(key.key);
    expect(await checkApiKey(ctxFor(), key.key)).toEqual({status: 'active', handle: expect.stringMatching(/^[0-9a-f]{64}$/)});
    expect(await checkApiKey(ctxFor(), 'sai_not-a-key')).toEqual({status: 'unknown'});

    expect(await json('apikey', 'list', '--from', 'user')).toEqual([{keyHash: key.keyHash, active: true, revoked: false, createdAt: expect.any(String), stored: true}]);

    const second = await json('apikey', 'create', '--from', 'user');
    const revoked = await json('apikey', 'revoke', second.keyHash, '--from', 'user');
    expect(revoked).toMatchObject({keyHash: second.keyHash, revoked: true});
    const fresh = new ApiKeyChecker((await import('../../src/lib/chain/index.js')).contractsFor(ctxFor()).subscriptionManager);
    expect(await fresh.check(second.key)).toEqual({status: 'revoked'});
    expect(new ApiKeyStore(home).open('secretdev-1', second.keyHash)).toBeUndefined();

    expect((await json('devnet', 'advance', '--seconds', String(basic.periodSeconds + 1))).height).toBeGreaterThan(0);
    const expired = await json('subscription', 'status', '--from', 'user');
    expect(expired).toMatchObject({active: false, status: 'expired', plan: 'basic', expiresAt: paid.expiresAt});
    expect(await fresh.check(key.key)).toEqual({status: 'expired'});
    const human = await cli('subscription', 'status', '--from', 'user');
    expect(human.stdout).toMatch(/expired: plan basic ended at/);
  });

  it('refusals before sending: unknown plan, bad amounts, insufficient balance, no confirmation without --yes (exit 2, balance unchanged)', async () => {
    const unknown = await cli('subscribe', '--plan', 'gold', '--yes', '--from', 'user', '--json');
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout).error).toMatchObject({code: 'PLAN_UNKNOWN', suggestion: expect.stringContaining('basic')});
    for (const amount of ['0', 'abc', '-5']) {
      const r = await cli('subscribe', '--deposit', amount, '--yes', '--from', 'user');
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect((await cli('subscribe', '--plan', 'basic', '--deposit', '5', '--yes', '--from', 'user')).code).toBe(2);
    const poor = await cli('subscribe', '--plan', 'basic', '--yes', '--from', 'poor', '--json');
    expect(poor.code).toBe(2);
    expect(JSON.parse(poor.stdout).error).toMatchObject({code: 'INSUFFICIENT_BALANCE', suggestion: expect.stringContaining('devnet fund')});
    const noYes = await cli('subscribe', '--deposit', '1', '--from', 'poor');
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/--yes/);
    expect(await json('subscription', 'status', '--from', 'poor')).toMatchObject({status: 'none', balance: '0'});
    const ok = await json('subscribe', '--deposit', '5', '--yes', '--from', 'poor');
    expect(ok).toMatchObject({amount: '5', balance: '5'});
    expect((await cli('apikey', 'revoke', 'sai_secret-looking-value', '--from', 'poor')).stderr).not.toContain('secret-looking-value');
  });

  it('plain secretjs: a send without recipient_code_hash and an unknown msg fails with the balance unchanged; with subscribe it subscribes', async () => {
    const {stdout} = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'examples', 'secretjs-subscribe.mjs')], {
      env: {...process.env, DEVNET_JSON: devnetJson, MNEMONIC: user.mnemonic},
    });
    const r = JSON.parse(stdout);
    const price = BigInt(r.plan.price);
    expect(r.unknownMsg.code).not.toBe(0);
    expect(r.unknownMsg.rawLog).toMatch(/receive\.msg: unknown variant \\*"donate/);
    expect(r.unknownMsg.balanceAfter).toBe(r.balanceBefore);
    expect(r.subscribe.code).toBe(0);
    expect(BigInt(r.subscribe.balanceAfter)).toBe(BigInt(r.balanceBefore) - price);
    expect(r.subscribe.subscription).toMatchObject({subscriber: user.address, active: true, plan_id: 'basic'});
    expect(JSON.parse(readFileSync(devnetJson, 'utf8')).contracts.subscriptionManager.address).toBeDefined();
  });
});
