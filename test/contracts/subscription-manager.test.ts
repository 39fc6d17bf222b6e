import {beforeAll, beforeEach, describe, expect, it} from '@jest/globals';
import {createHash} from 'node:crypto';
import type {Deps, Querier, ReadonlyDeps, Response, SubMsg} from '../../contracts/common/types.js';
import type * as SM from '../../contracts/subscription-manager/types.js';
import type * as S20 from '../../contracts/snip20/types.js';
import {ContractHarness, testAddress, wasmContract} from './harness.js';
import {address, signPermit} from './accounts.js';

const TOKEN = testAddress(210);
const OTHER_TOKEN = testAddress(211);
const SM_ADDR = testAddress(212);
const RM_ADDR = testAddress(213);
const snip20 = wasmContract('snip20');
const subscriptionManager = wasmContract('subscription-manager');
const SM_HASH = subscriptionManager.codeHash;
const TOKEN_REF = {address: TOKEN, code_hash: snip20.codeHash};
/** A stand-in RewardsManager (only its address and code hash are used). */
const RM_REF = {address: RM_ADDR, code_hash: 'cd'.repeat(32)};
/** The contract's limits and key-handle domain tag (contracts/subscription-manager/assembly/state.ts). */
const MAX_ACTIVE_API_KEYS = 16;
const MAX_PLANS = 32;
const KEY_HANDLE_TAG = 'secretai/v1/key-handle';
const PERIOD = 30 * 86400;
const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');
const hashOf = (key: string): string => createHash('sha256').update(key).digest('hex');

let admin: string;
let alice: string;
let bob: string;
let alicePermit: SM.Permit;
let bobPermit: SM.Permit;
let adminPermit: SM.Permit;

beforeAll(async () => {
  admin = address('carol');
  alice = address('alice');
  bob = address('bob');
  alicePermit = (await signPermit('alice', 'secretai', [SM_ADDR], ['balance'])) as SM.Permit;
  bobPermit = (await signPermit('bob', 'secretai', [SM_ADDR], ['owner'])) as SM.Permit;
  adminPermit = (await signPermit('carol', 'api_keys_permit', [SM_ADDR], [])) as SM.Permit;
});

/** A harness whose cross-contract queries reach a stand-in RewardsManager answering `epoch {}`. */
class SubscriptionHarness extends ContractHarness<SM.InstantiateMsg, SM.ExecuteMsg, SM.QueryMsg> {
  epoch = 0;
  readonly querier: Querier = {
    queryContract: <T>(addr: string, codeHash: string, msg: unknown): T => {
      if (addr !== RM_ADDR || codeHash !== RM_REF.code_hash || JSON.stringify(msg) !== '{"epoch":{}}') throw new Error(`unexpected query ${JSON.stringify(msg)}`);
      return {epoch: this.epoch} as T;
    },
  };
  override get deps(): Deps {
    return {storage: this.storage, api: this.api, querier: this.querier};
  }
  override get readonlyDeps(): ReadonlyDeps {
    return {storage: this.storage, api: this.api, querier: this.querier};
  }
}

/** The token and the SubscriptionManager, with the token's sub-messages delivered as the devnet does (atomically). */
class World {
  readonly token = new ContractHarness<S20.InstantiateMsg, S20.ExecuteMsg, S20.QueryMsg>(snip20, undefined, {address: TOKEN, codeHash: TOKEN_REF.code_hash});
  readonly sm = new SubscriptionHarness(subscriptionManager, undefined, {address: SM_ADDR, codeHash: SM_HASH});
  /** `receive` messages the token delivered to the RewardsManager. */
  readonly forwarded: Array<{receive: {amount: string; msg: string}}> = [];

  constructor(opts: {rewardsManager?: boolean} = {}) {
    this.token.instantiate(admin, {
      name: 'Secret AI Dev Token', symbol: 'SAIT', decimals: 6, prng_seed: b64('seed'),
      initial_balances: [{address: alice, amount: '100000'}, {address: bob, amount: '100000'}],
    });
    const res = this.sm.instantiate(admin, {
      payment_token: TOKEN_REF,
      plans: [{id: 'basic', price: '1000', period_seconds: PERIOD}, {id: 'pro', price: '5000', period_seconds: PERIOD, token_quota: '1000000'}],
      ...(opts.rewardsManager === false ? {} : {rewards_manager: RM_REF}),
    });
    this.dispatch(SM_ADDR, res);
  }

  /** Runs the sub-messages `emitter` returned, depth-first, with `emitter` as their sender. */
  private dispatch(emitter: string, res: Response): void {
    for (const m of res.messages) {
      const call = (m as Extract<SubMsg, {wasm_execute: unknown}>).wasm_execute;
      if (!call) throw new Error('only wasm_execute sub-messages are expected');
      if (call.contract_addr === RM_ADDR) {
        // The RewardsManager's `receive` of a forwarded plan payment (its own tests run the real contract).
        if (emitter !== TOKEN || call.code_hash !== RM_REF.code_hash) throw new Error('unexpected call to the rewards manager');
        this.forwarded.push(call.msg as {receive: {amount: string; msg: string}});
        continue;
      }
      const target = call.contract_addr === TOKEN ? this.token : call.contract_addr === SM_ADDR ? this.sm : undefined;
      if (!target) throw new Error(`sub-message to unknown contract ${call.contract_addr}`);
      if (call.code_hash !== target.env.contract.code_hash) throw new Error('sub-message with a wrong code hash');
      this.dispatch(call.contract_addr, (target as ContractHarness).execute(emitter, call.msg, call.funds));
    }
  }

  /** A SNIP-20 `send` from `from` to the SubscriptionManager; returns the error text, or undefined on success. */
  send(from: string, amount: string, msg: unknown, opts: {codeHash?: boolean; raw?: string} = {}): string | undefined {
    const before = [this.token.storage.snapshot(), this.sm.storage.snapshot()] as const;
    try {
      const send: Record<string, unknown> = {recipient: SM_ADDR, amount};
      if (opts.codeHash) send.recipient_code_hash = SM_HASH;
      if (opts.raw !== undefined) send.msg = opts.raw;
      else if (msg !== undefined) send.msg = b64(msg);
      this.dispatch(TOKEN, this.token.execute(from, {send} as S20.ExecuteMsg));
      return undefined;
    } catch (e) {
      this.token.storage.restore(before[0]);
      this.sm.storage.restore(before[1]);
      return (e as Error).message;
    }
  }

  balance(who: string): string {
    return String(this.token.storage.get(`balance:${who}`) ?? '0');
  }

  advance(seconds: number): void {
    this.token.advance(seconds);
    this.sm.advance(seconds);
  }

  state(): [Map<string, string>, Map<string, string>] {
    return [this.token.storage.snapshot(), this.sm.storage.snapshot()];
  }

  sub(permit: SM.Permit = alicePermit): SM.SubscriptionResponse {
    return this.sm.query<SM.SubscriptionResponse>({subscription: {permit}});
  }

  keyStatus(hash: string): SM.ApiKeyStatusResponse {
    return this.sm.query<SM.ApiKeyStatusResponse>({api_key_status: {key_hash: hash}});
  }
}

describe('SubscriptionManager: payments through SNIP-20 send', () => {
  let w: World;
  beforeEach(() => {
    w = new World();
  });

  it('registers its receive with the payment token at instantiation, naming its own code hash', () => {
    const sm = new SubscriptionHarness(subscriptionManager, undefined, {address: SM_ADDR, codeHash: SM_HASH});
    const res = sm.instantiate(admin, {payment_token: TOKEN_REF});
    expect(res.messages).toEqual([{wasm_execute: {contract_addr: TOKEN, code_hash: TOKEN_REF.code_hash, msg: {register_receive: {code_hash: SM_HASH}}, funds: []}}]);
  });

  it('a plain send WITHOUT recipient_code_hash subscribes: exact price, period from now, revenue of the open epoch', () => {
    const now = w.sm.env.block.time;
    w.sm.epoch = 3;
    expect(w.send(alice, '1000', {subscribe: {plan_id: 'basic'}})).toBeUndefined();
    expect(w.sub()).toEqual({subscriber: alice, active: true, status: 'active', plan_id: 'basic', expires_at: now + PERIOD, balance: '0', usage: null});
    expect(w.balance(alice)).toBe('99000');
    // Forwarded in the same tx to the RewardsManager as revenue of the open epoch.
    expect(w.balance(SM_ADDR)).toBe('0');
    expect(w.balance(RM_ADDR)).toBe('1000');
    expect(w.forwarded).toEqual([{receive: {sender: SM_ADDR, from: SM_ADDR, amount: '1000', msg: b64({revenue: {epoch: 3}})}}]);
    expect(w.sm.query({revenue: {epoch: 3}})).toEqual({epoch: 3, amount: '1000', payments: 1});
    expect(w.sm.query({revenue: {epoch: 0}})).toEqual({epoch: 0, amount: '0', payments: 0});
  });

  it('renewing extends from the current expiry while it runs, and from now once it has ended', () => {
    const t0 = w.sm.env.block.time;
    w.send(alice, '1000', {subscribe: {plan_id: 'basic'}});
    w.advance(100);
    expect(w.send(alice, '1000', {subscribe: {plan_id: 'basic'}}, {codeHash: true})).toBeUndefined();
    expect(w.sub().expires_at).toBe(t0 + 2 * PERIOD);
    w.advance(3 * PERIOD);
    expect(w.sub()).toMatchObject({active: false, status: 'expired', plan_id: 'basic', expires_at: t0 + 2 * PERIOD});
    w.sm.epoch = 1;
    expect(w.send(alice, '5000', {subscribe: {plan_id: 'pro'}})).toBeUndefined();
    expect(w.sub()).toMatchObject({active: true, plan_id: 'pro', expires_at: w.sm.env.block.time + PERIOD});
    expect(w.sm.query({revenue: {epoch: 0}})).toEqual({epoch: 0, amount: '2000', payments: 2});
    expect(w.sm.query({revenue: {epoch: 1}})).toEqual({epoch: 1, amount: '5000', payments: 1});
  });

  it('a deposit credits the prepaid balance of the token owner and is not revenue', () => {
    expect(w.send(alice, '700', {deposit: {}})).toBeUndefined();
    expect(w.send(alice, '300', {deposit: {}}, {codeHash: true})).toBeUndefined();
    expect(w.sub()).toMatchObject({active: false, status: 'none', balance: '1000'});
    expect(w.sm.query({revenue: {epoch: 0}})).toMatchObject({amount: '0'});
  });

  it('without a RewardsManager to forward to, a plan payment is refused and the payer keeps the tokens', () => {
    const w0 = new World({rewardsManager: false});
    expect(w0.send(bob, '1000', {subscribe: {plan_id: 'basic'}})).toBe('plan payments are refused: no rewards manager is configured to receive them');
    expect(w0.balance(bob)).toBe('100000');
    expect(w0.sm.query({revenue: {epoch: 0}})).toEqual({epoch: 0, amount: '0', payments: 0});
  });

  describe('every refused payment fails the whole send: token balances and contract state unchanged', () => {
    const cases: Array<[string, string, unknown, RegExp, {raw?: string}?]> = [
      ['no msg', '1000', undefined, /^receive\.msg is required/],
      ['an unknown msg', '1000', {donate: {}}, /^receive\.msg: unknown variant "donate"/],
      ['a msg that is not JSON', '1000', undefined, /^receive\.msg: not base64 JSON/, {raw: b64('not json')}],
      ['an unknown plan', '1000', {subscribe: {plan_id: 'gold'}}, /^unknown plan "gold"$/],
      ['too little for the plan', '999', {subscribe: {plan_id: 'basic'}}, /^wrong amount for plan basic: it costs exactly 1000, got 999$/],
      ['too much for the plan', '1001', {subscribe: {plan_id: 'basic'}}, /^wrong amount for plan basic: it costs exactly 1000, got 1001$/],
      ['a zero deposit', '0', {deposit: {}}, /^a deposit must be more than 0$/],
      ['more than the sender holds', '100001', {deposit: {}}, /insufficient funds/],
    ];
    for (const [name, amount, msg, error, opts] of cases) {
      it(name, () => {
        w.send(alice, '1000', {subscribe: {plan_id: 'basic'}});
        const before = w.state();
        expect(w.send(alice, amount, msg, opts)).toMatch(error);
        expect(w.state()).toEqual(before);
        expect(w.balance(alice)).toBe('99000');
      });
    }

    it('a receive not sent by the payment token (wrong token, or a hand-made callback)', () => {
      const before = w.state();
      for (const sender of [OTHER_TOKEN, alice]) {
        expect(w.sm.executeError(sender, {receive: {sender: alice, from: alice, amount: '1000', msg: b64({subscribe: {plan_id: 'basic'}})}})).toBe(
          `Unauthorized: receive is accepted only from the payment token ${TOKEN}`,
        );
      }
      expect(w.state()).toEqual(before);
      expect(w.sub().status).toBe('none');
    });
  });
});

describe('SubscriptionManager: plans', () => {
  let w: World;
  beforeEach(() => {
    w = new World();
  });

  it('the admin sets (adds or replaces) and removes plans; plans {} lists them', () => {
    w.sm.execute(admin, {set_plan: {plan: {id: 'team', price: '9000', period_seconds: 60}}});
    w.sm.execute(admin, {set_plan: {plan: {id: 'basic', price: '1500', period_seconds: 60, token_quota: '10'}}});
    w.sm.execute(admin, {remove_plan: {plan_id: 'pro'}});
    expect(w.sm.query({plans: {}})).toEqual({
      plans: [{id: 'basic', price: '1500', period_seconds: 60, token_quota: '10'}, {id: 'team', price: '9000', period_seconds: 60}],
    });
    expect(w.send(alice, '1500', {subscribe: {plan_id: 'basic'}})).toBeUndefined();
  });

  it('refuses plan changes by others, unknown plans and too many plans, changing nothing', () => {
    const before = w.state();
    expect(w.sm.executeError(alice, {set_plan: {plan: {id: 'x', price: '1', period_seconds: 1}}})).toBe('Unauthorized: only the admin can run set_plan');
    expect(w.sm.executeError(alice, {remove_plan: {plan_id: 'basic'}})).toBe('Unauthorized: only the admin can run remove_plan');
    expect(w.sm.executeError(admin, {remove_plan: {plan_id: 'gold'}})).toBe('unknown plan "gold"');
    expect(w.sm.executeError(admin, {set_plan: {plan: {id: 'bad id!', price: '1', period_seconds: 1}}})).toMatch(/plan_id|id/);
    expect(w.state()).toEqual(before);
    for (let i = 2; i < MAX_PLANS; i++) w.sm.execute(admin, {set_plan: {plan: {id: `p${i}`, price: '1', period_seconds: 1}}});
    expect(w.sm.executeError(admin, {set_plan: {plan: {id: 'one-more', price: '1', period_seconds: 1}}})).toBe(`at most ${MAX_PLANS} plans; remove one first`);
    w.sm.execute(admin, {set_plan: {plan: {id: 'p2', price: '2', period_seconds: 1}}}); // replacing stays possible
  });

  it('a removed plan runs to its end for existing subscribers but cannot be bought again', () => {
    w.send(alice, '1000', {subscribe: {plan_id: 'basic'}});
    w.sm.execute(admin, {remove_plan: {plan_id: 'basic'}});
    expect(w.sub()).toMatchObject({active: true, plan_id: 'basic'});
    expect(w.send(alice, '1000', {subscribe: {plan_id: 'basic'}})).toBe('unknown plan "basic"');
  });
});

describe('SubscriptionManager: API keys', () => {
  let w: World;
  const k1 = hashOf('sai_key_one');
  const k2 = hashOf('sai_key_two');
  beforeEach(() => {
    w = new World();
  });

  it('stores only the hash; status says no_balance before paying, active (with a handle) after, expired later', () => {
    w.sm.execute(alice, {create_api_key: {key_hash: k1}});
    expect(w.sm.storage.keys().join(' ')).not.toContain('sai_key_one');
    expect(w.keyStatus(k1)).toEqual({active: false, key_handle: null, reason: 'no_balance'});
    w.send(alice, '1000', {subscribe: {plan_id: 'basic'}});
    const active = w.keyStatus(k1);
    expect(active).toMatchObject({active: true, reason: null});
    expect(active.key_handle).toMatch(/^[0-9a-f]{64}$/);
    w.advance(PERIOD);
    expect(w.keyStatus(k1)).toEqual({active: false, key_handle: null, reason: 'expired'});
    w.send(alice, '5', {deposit: {}});
    expect(w.keyStatus(k1)).toMatchObject({active: true, key_handle: active.key_handle});
  });

  it('one opaque handle per subscriber: the same for all their keys, different between subscribers, not derivable from the address', () => {
    w.send(alice, '1000', {subscribe: {plan_id: 'basic'}});
    w.send(bob, '1000', {subscribe: {plan_id: 'basic'}});
    w.sm.execute(alice, {create_api_key: {key_hash: k1}});
    w.sm.execute(alice, {create_api_key: {key_hash: k2}});
    const k3 = hashOf('bob key');
    w.sm.execute(bob, {create_api_key: {key_hash: k3}});
    const h1 = w.keyStatus(k1).key_handle;
    expect(w.keyStatus(k2).key_handle).toBe(h1);
    expect(w.keyStatus(k3).key_handle).not.toBe(h1);
    for (const guess of [alice, `${KEY_HANDLE_TAG}${alice}`]) expect(hashOf(guess)).not.toBe(h1);
    expect(h1).not.toContain(Buffer.from(alice).toString('hex').slice(0, 16));
  });

  it('unknown hashes answer unknown; a revoked key answers revoked at once', () => {
    expect(w.keyStatus('0'.repeat(64))).toEqual({active: false, key_handle: null, reason: 'unknown'});
    w.send(alice, '1000', {subscribe: {plan_id: 'basic'}});
    w.sm.execute(alice, {create_api_key: {key_hash: k1}});
    w.sm.execute(alice, {revoke_api_key: {key_hash: k1}});
    expect(w.keyStatus(k1)).toEqual({active: false, key_handle: null, reason: 'revoked'});
  });

  it('refuses a hash already used (by anyone, even revoked), other people\'s keys, double revocation and too many keys — state unchanged', () => {
    w.sm.execute(alice, {create_api_key: {key_hash: k1}});
    let before = w.state();
    expect(w.sm.executeError(alice, {create_api_key: {key_hash: k1}})).toBe('this API key hash was already used; create a new key');
    expect(w.sm.executeError(bob, {create_api_key: {key_hash: k1}})).toBe('this API key hash was already used; create a new key');
    expect(w.sm.executeError(bob, {revoke_api_key: {key_hash: k1}})).toBe('no such API key among yours');
    expect(w.sm.executeError(alice, {revoke_api_key: {key_hash: k2}})).toBe('no such API key among yours');
    expect(w.sm.executeError(alice, {create_api_key: {key_hash: 'ABC'}})).toMatch(/key_hash/);
    expect(w.state()).toEqual(before);
    w.sm.execute(alice, {revoke_api_key: {key_hash: k1}});
    before = w.state();
    expect(w.sm.executeError(alice, {revoke_api_key: {key_hash: k1}})).toBe('this API key is already revoked');
    expect(w.sm.executeError(alice, {create_api_key: {key_hash: k1}})).toBe('this API key hash was already used; create a new key');
    expect(w.state()).toEqual(before);
    for (let i = 0; i < MAX_ACTIVE_API_KEYS; i++) w.sm.execute(alice, {create_api_key: {key_hash: hashOf(`k${i}`)}});
    before = w.state();
    expect(w.sm.executeError(alice, {create_api_key: {key_hash: k2}})).toBe(`at most ${MAX_ACTIVE_API_KEYS} active API keys per subscriber; revoke one first`);
    expect(w.state()).toEqual(before);
    w.sm.execute(alice, {revoke_api_key: {key_hash: hashOf('k0')}});
    w.sm.execute(alice, {create_api_key: {key_hash: k2}});
  });

  it('api_keys {permit} lists the signer\'s keys only, with active and revoked', () => {
    w.send(alice, '1000', {subscribe: {plan_id: 'basic'}});
    w.sm.execute(alice, {create_api_key: {key_hash: k1}});
    w.sm.execute(alice, {create_api_key: {key_hash: k2}});
    w.sm.execute(alice, {revoke_api_key: {key_hash: k2}});
    w.sm.execute(bob, {create_api_key: {key_hash: hashOf('bob')}});
    const t = w.sm.env.block.time;
    expect(w.sm.query<SM.ApiKeysResponse>({api_keys: {permit: alicePermit}}).api_keys.sort((a, b) => a.key_hash.localeCompare(b.key_hash))).toEqual(
      [
        {key_hash: k1, active: true, revoked: false, created_at: t},
        {key_hash: k2, active: false, revoked: true, created_at: t},
      ].sort((a, b) => a.key_hash.localeCompare(b.key_hash)),
    );
    expect(w.sm.query({api_keys: {permit: bobPermit}})).toEqual({api_keys: [{key_hash: hashOf('bob'), active: false, revoked: false, created_at: t}]});
  });

  it('api_keys_with_permit (secret-ai-caddy shape) lists every accepted hash, for the admin only', () => {
    w.send(alice, '1000', {subscribe: {plan_id: 'basic'}});
    w.sm.execute(alice, {create_api_key: {key_hash: k1}});
    w.sm.execute(alice, {create_api_key: {key_hash: k2}});
    w.sm.execute(alice, {revoke_api_key: {key_hash: k2}});
    w.sm.execute(bob, {create_api_key: {key_hash: hashOf('bob')}}); // bob has not paid
    expect(w.sm.query({api_keys_with_permit: {permit: adminPermit}})).toEqual({api_keys: [{hashed_key: k1}]});
    expect(w.sm.queryError({api_keys_with_permit: {permit: alicePermit}})).toBe('Unauthorized: only the admin may list every API key');
  });
});

describe('SubscriptionManager: config and what is not built', () => {
  it('a new payment token gets a register_receive; receive is then accepted only from it', () => {
    const w = new World();
    const newRef = {address: OTHER_TOKEN, code_hash: TOKEN_REF.code_hash};
    expect(w.sm.executeError(alice, {update_config: {payment_token: newRef}})).toBe('Unauthorized: only the admin can run update_config');
    const res = w.sm.execute(admin, {update_config: {payment_token: newRef}});
    expect(res.messages).toEqual([{wasm_execute: {contract_addr: OTHER_TOKEN, code_hash: newRef.code_hash, msg: {register_receive: {code_hash: SM_HASH}}, funds: []}}]);
    expect(w.sm.execute(admin, {update_config: {}}).messages).toEqual([]);
    expect(w.sm.executeError(TOKEN, {receive: {sender: alice, from: alice, amount: '1', msg: b64({deposit: {}})}})).toMatch(/^Unauthorized/);
    w.sm.execute(OTHER_TOKEN, {receive: {sender: alice, from: alice, amount: '1', msg: b64({deposit: {}})}});
    expect(w.sub().balance).toBe('1');
  });

  it('subscription {permit} needs a permit of this contract', async () => {
    const w = new World();
    const elsewhere = (await signPermit('alice', 'x', [TOKEN], ['balance'])) as SM.Permit;
    expect(w.sm.queryError({subscription: {permit: elsewhere}})).toMatch(/^Permit doesn't apply to token/);
    const noPermission = (await signPermit('alice', 'y', [SM_ADDR], ['history'])) as SM.Permit;
    expect(w.sm.queryError({api_keys: {permit: noPermission}})).toMatch(/^No permission to query balance/);
  });

  it('charge_usage is not built yet', () => {
    const w = new World();
    expect(w.sm.executeError(RM_ADDR, {charge_usage: {charges: [{key_handle: 'a'.repeat(64), amount: '1'}]}})).toBe('charge_usage is not built yet');
  });
});
