/**
 * Deploying the managers against an in-memory chain: the order of steps, the messages (checked against the
 * contracts' own schemas), resuming after an interruption, reusing code already on chain, and refusing a label
 * that belongs to someone else.
 */
import {describe, expect, it} from '@jest/globals';
import {readFileSync, rmSync} from 'node:fs';
import path from 'node:path';
import {compileSchema} from '../../contracts/common/schema.js';
import {Context} from '../../src/lib/cli/base-command.js';
import {Output} from '../../src/lib/cli/output.js';
import type {ContractRef} from '../../src/lib/config/index.js';
import {saveNetworkContracts} from '../../src/lib/config/service.js';
import {deployManagers, type DeployChain, type DeployInput} from '../../src/lib/contracts/deploy.js';
import {
  devnetManagerSettings,
  managerInitMsg,
  mergeSettings,
  MANAGERS,
  networkManagerSettings,
  type ManagerKey,
} from '../../src/lib/contracts/managers.js';
import {tempHome} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

const SIGNER = 'secret1wlr4jajfa7mdqr90mvvl3juskg9qdzfk480qv2';
const OTHER = 'secret1jx9mh97y0r33wrzjkptxynkfa7e454ff63s7yz';
const TOKEN = 'secret1r6lr6t0k2cdemfsqhs599hle6ux8c2achnrgzw';
const TOKEN_HASH = 'ab'.repeat(32);

function schema(code: string, file: string) {
  const json = JSON.parse(readFileSync(path.join(repoRoot, 'contracts', code, 'schema', file), 'utf8')) as unknown;
  return compileSchema(json, file.replace('.json', ''));
}

/** An address derived from a counter, valid bech32 charset and length. */
function fakeAddress(n: number): string {
  const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
  let s = '';
  for (let i = 0, x = n + 7; i < 38; i++, x = (x * 31 + 17) % 1_000_003) s += charset[x % 32];
  return `secret1${s}`;
}

interface FakeContract {
  address: string;
  codeId: number;
  codeHash: string;
  creator: string;
  label: string;
  key?: ManagerKey;
  config: Record<string, unknown>;
}

/** An in-memory chain that records every tx; `failOn` makes one tx kind fail once (an interruption). */
class FakeChain implements DeployChain {
  readonly signer = SIGNER;
  codes: Array<{codeId: number; codeHash: string; creator: string}> = [];
  contracts: FakeContract[] = [];
  txs: string[] = [];
  failOn?: string;

  private tx(what: string): string {
    if (this.failOn && what.startsWith(this.failOn)) {
      this.failOn = undefined;
      throw new Error(`interrupted before ${what}`);
    }
    this.txs.push(what);
    return `TX${this.txs.length}`;
  }

  async codeHashOf(address: string): Promise<string> {
    if (address === TOKEN) return TOKEN_HASH;
    const c = this.contracts.find((x) => x.address === address);
    if (!c) throw new Error(`no contract ${address}`);
    return c.codeHash;
  }

  async findCode(codeHash: string) {
    return this.codes.find((c) => c.codeHash === codeHash) ?? null;
  }

  async storeCode(wasm: Uint8Array) {
    const codeHash = Buffer.from(wasm).toString('hex').padEnd(64, '0');
    const txHash = this.tx(`store ${codeHash.slice(0, 4)}`);
    const codeId = this.codes.length + 1;
    this.codes.push({codeId, codeHash, creator: this.signer});
    return {codeId, txHash};
  }

  async contractByLabel(label: string) {
    return this.contracts.find((c) => c.label === label) ?? null;
  }

  async instantiate(p: {codeId: number; codeHash: string; label: string; msg: object}) {
    const code = MANAGERS.find((m) => p.label.includes(m.code))!;
    const txHash = this.tx(`instantiate ${code.code}`);
    expect(schema(code.code, 'instantiate.json').validate(p.msg)).toEqual([]);
    const address = fakeAddress(this.contracts.length);
    this.contracts.push({address, codeId: p.codeId, codeHash: p.codeHash, creator: this.signer, label: p.label, key: code.key, config: {...(p.msg as Record<string, unknown>)}});
    return {address, txHash};
  }

  async managerConfig(key: ManagerKey, ref: ContractRef) {
    const c = this.contracts.find((x) => x.address === ref.address && x.key === key);
    if (!c) throw new Error(`no ${key} at ${ref.address}`);
    return c.config;
  }

  async updateConfig(key: ManagerKey, ref: ContractRef, update: Record<string, unknown>) {
    const code = MANAGERS.find((m) => m.key === key)!.code;
    expect(schema(code, 'execute.json').validate({update_config: update})).toEqual([]);
    const txHash = this.tx(`wire ${code} ${Object.keys(update).join(',')}`);
    Object.assign((await this.managerConfig(key, ref)) as object, update);
    return {txHash};
  }
}

/** Distinct fake code per manager: its "wasm" bytes spell the code hash. */
function input(overrides: Partial<DeployInput> = {}): DeployInput {
  const code = {} as DeployInput['code'];
  MANAGERS.forEach((m, i) => {
    const wasm = new Uint8Array(32).fill(0x11 * (i + 1));
    code[m.key] = {wasm, codeHash: Buffer.from(wasm).toString('hex')};
  });
  return {code, paymentToken: TOKEN, settings: devnetManagerSettings(), ...overrides};
}

describe('deployManagers', () => {
  it('stores, instantiates in order with the references known so far, then links the managers', async () => {
    const chain = new FakeChain();
    const steps: string[] = [];
    const r = await deployManagers(chain, input(), (s) => steps.push(`${s.step} ${s.contract} ${s.status}`));
    expect(chain.txs).toEqual([
      'store 1111',
      'store 2222',
      'store 3333',
      'instantiate worker-manager',
      'instantiate subscription-manager',
      'instantiate rewards-manager',
      'wire worker-manager subscription_manager,rewards_manager',
      'wire subscription-manager rewards_manager',
    ]);
    expect(steps).toEqual([
      'store workerManager done',
      'store subscriptionManager done',
      'store rewardsManager done',
      'instantiate workerManager done',
      'instantiate subscriptionManager done',
      'instantiate rewardsManager done',
      'wire workerManager done',
      'wire subscriptionManager done',
      'wire rewardsManager found',
    ]);
    const [wm, sm, rm] = chain.contracts;
    expect(wm!.config.subscription_manager).toEqual({address: sm!.address, code_hash: sm!.codeHash});
    expect(wm!.config.rewards_manager).toEqual({address: rm!.address, code_hash: rm!.codeHash});
    expect(sm!.config.worker_manager).toEqual({address: wm!.address, code_hash: wm!.codeHash});
    expect(rm!.config.subscription_manager).toEqual({address: sm!.address, code_hash: sm!.codeHash});
    expect(wm!.config.payment_token).toEqual({address: TOKEN, code_hash: TOKEN_HASH});
    expect(wm!.config.admin).toBe(SIGNER);
    expect(r.paymentToken).toEqual({address: TOKEN, codeHash: TOKEN_HASH});
    expect(r.contracts.workerManager).toEqual({address: wm!.address, codeHash: wm!.codeHash, codeId: 1, label: `secretai-worker-manager-${r.deployment}`});
    expect(r.deployment).toMatch(/^[0-9a-f]{12}$/);
  });

  it('does nothing the second time: everything is found on chain', async () => {
    const chain = new FakeChain();
    const first = await deployManagers(chain, input());
    const txs = chain.txs.length;
    const again = await deployManagers(chain, input());
    expect(chain.txs.length).toBe(txs);
    expect(again.steps.every((s) => s.status === 'found')).toBe(true);
    expect(again.contracts).toEqual(first.contracts);
  });

  it('resumes an interrupted deploy where it stopped', async () => {
    const chain = new FakeChain();
    chain.failOn = 'instantiate rewards-manager';
    await expect(deployManagers(chain, input())).rejects.toThrow(/interrupted/);
    expect(chain.contracts.map((c) => c.key)).toEqual(['workerManager', 'subscriptionManager']);
    const r = await deployManagers(chain, input());
    expect(r.steps.map((s) => `${s.step} ${s.contract} ${s.status}`)).toEqual([
      'store workerManager found',
      'store subscriptionManager found',
      'store rewardsManager found',
      'instantiate workerManager found',
      'instantiate subscriptionManager found',
      'instantiate rewardsManager done',
      'wire workerManager done',
      'wire subscriptionManager done',
      'wire rewardsManager found',
    ]);
    expect(chain.contracts).toHaveLength(3);
  });

  it('resumes an interruption between the links', async () => {
    const chain = new FakeChain();
    chain.failOn = 'wire subscription-manager';
    await expect(deployManagers(chain, input())).rejects.toThrow(/interrupted/);
    const before = chain.txs.length;
    const r = await deployManagers(chain, input());
    expect(chain.txs.slice(before)).toEqual(['wire subscription-manager rewards_manager']);
    expect(r.steps.filter((s) => s.status === 'done').map((s) => `${s.step} ${s.contract}`)).toEqual(['wire subscriptionManager']);
  });

  it('reuses code someone else stored with the same hash', async () => {
    const chain = new FakeChain();
    chain.codes.push({codeId: 40, codeHash: input().code.subscriptionManager.codeHash, creator: OTHER});
    const r = await deployManagers(chain, input());
    expect(chain.txs.filter((t) => t.startsWith('store'))).toEqual(['store 1111', 'store 3333']);
    expect(r.contracts.subscriptionManager.codeId).toBe(40);
  });

  it('makes a new deployment when an input changes, and refuses a label held by another contract', async () => {
    const chain = new FakeChain();
    const a = await deployManagers(chain, input());
    const b = await deployManagers(chain, input({settings: {...devnetManagerSettings(), protocolFeeBps: 100}}));
    expect(b.deployment).not.toBe(a.deployment);
    expect(chain.contracts).toHaveLength(6);
    const c = new FakeChain();
    const label = a.contracts.workerManager.label;
    c.contracts.push({address: fakeAddress(99), codeId: 1, codeHash: 'ee'.repeat(32), creator: OTHER, label, config: {}});
    await expect(deployManagers(c, input())).rejects.toMatchObject({code: 'LABEL_TAKEN'});
    await expect(deployManagers(new FakeChain(), input({labelPrefix: 'bad prefix'}))).rejects.toMatchObject({code: 'LABEL_INVALID'});
  });
});

describe('manager instantiate messages', () => {
  const refs = {
    paymentToken: {address: TOKEN, codeHash: TOKEN_HASH},
    workerManager: {address: fakeAddress(1), codeHash: '01'.repeat(32)},
    subscriptionManager: {address: fakeAddress(2), codeHash: '02'.repeat(32)},
    rewardsManager: {address: fakeAddress(3), codeHash: '03'.repeat(32)},
  };

  it.each([
    ['devnet', devnetManagerSettings()],
    ['network', networkManagerSettings()],
  ])('match the contracts\' instantiate schemas with %s settings, with and without references', (_name, settings) => {
    for (const {key, code} of MANAGERS) {
      const validator = schema(code, 'instantiate.json');
      expect(validator.validate(managerInitMsg(key, SIGNER, refs, settings))).toEqual([]);
      expect(validator.validate(managerInitMsg(key, SIGNER, {paymentToken: refs.paymentToken}, settings))).toEqual([]);
    }
  });

  it('carry what genesis sends on a devnet', () => {
    const msg = managerInitMsg('workerManager', SIGNER, refs, devnetManagerSettings()) as Record<string, unknown>;
    expect(msg).toMatchObject({min_stake: '1000000', epoch_seconds: 3600, unbonding_seconds: 600, stake_denom: 'uscrt', allow_loopback_urls: true});
    expect(msg.subscription_manager).toEqual({address: refs.subscriptionManager.address, code_hash: refs.subscriptionManager.codeHash});
    expect(managerInitMsg('subscriptionManager', SIGNER, refs, devnetManagerSettings())).toMatchObject({plans: [{id: 'basic'}]});
    expect(managerInitMsg('rewardsManager', SIGNER, refs, devnetManagerSettings())).toMatchObject({protocol_fee_bps: 500, unconfirmed_weight_cap: '1000000'});
  });

  it('take settings overrides from a JSON document, refusing unknown keys and wrong types', () => {
    const s = mergeSettings(networkManagerSettings(), {minStake: '5', unconfirmedWeightCap: null, plans: [{id: 'pro', price: '1', period_seconds: 60}]});
    expect(s).toMatchObject({minStake: '5', plans: [{id: 'pro'}]});
    expect(s.unconfirmedWeightCap).toBeUndefined();
    expect(() => mergeSettings(networkManagerSettings(), {minstake: '5'})).toThrow(/unknown setting "minstake"/);
    expect(() => mergeSettings(networkManagerSettings(), {epochSeconds: '60'})).toThrow(/"epochSeconds" must be a number/);
    expect(() => mergeSettings(networkManagerSettings(), {minStake: null})).toThrow(/"minStake" must be a string/);
    expect(() => mergeSettings(networkManagerSettings(), [])).toThrow(/must be a JSON object/);
  });
});

describe('saveNetworkContracts', () => {
  it('writes the deployed references into a built-in profile as an override, keeping its other contracts', () => {
    const home = tempHome();
    try {
      const ctx = new Context({value: home, source: 'flag'}, new Output({json: true, verbose: false, interactive: false}), {network: 'pulsar-3', yes: true}, {});
      const legacy = ctx.profile.contracts.legacyWorkerManager;
      const wm = {address: fakeAddress(5), codeHash: '05'.repeat(32)};
      const p = saveNetworkContracts(ctx, 'pulsar-3', {workerManager: wm, paymentToken: {address: TOKEN, codeHash: TOKEN_HASH}});
      expect(p.contracts).toEqual({legacyWorkerManager: legacy, workerManager: wm, paymentToken: {address: TOKEN, codeHash: TOKEN_HASH}});
      expect(p.lcdUrl).toBe('https://pulsar.lcd.secretnodes.com');
      expect(ctx.store.read().networks['pulsar-3']).toEqual({contracts: {workerManager: wm, paymentToken: {address: TOKEN, codeHash: TOKEN_HASH}}});
      expect(() => saveNetworkContracts(ctx, 'nowhere', {})).toThrow(/unknown network "nowhere"/);
    } finally {
      rmSync(home, {recursive: true, force: true});
    }
  });
});
