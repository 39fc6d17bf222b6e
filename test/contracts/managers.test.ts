import {beforeAll, beforeEach, describe, expect, it} from '@jest/globals';
import type * as WM from '../../contracts/worker-manager/types.js';
import type * as SM from '../../contracts/subscription-manager/types.js';
import type * as RM from '../../contracts/rewards-manager/types.js';
import type * as S20 from '../../contracts/snip20/types.js';
import type {SubMsg} from '../../contracts/common/types.js';
import type {JsonSchema} from '../../contracts/common/schema.js';
import {ContractHarness, testAddress, wasmContract, type WasmContract} from './harness.js';
import {address, signPermit} from './accounts.js';
import {putWorker} from './worker-manager-storage.js';

/** The four built contracts (wasm), loaded once. */
const CONTRACTS: Record<string, WasmContract> = Object.fromEntries(
  ['snip20', 'worker-manager', 'subscription-manager', 'rewards-manager'].map((name) => [name, wasmContract(name)]),
);
const codeHashOf = (name: string): string => CONTRACTS[name]!.codeHash;
const snip20 = CONTRACTS['snip20']!;
const workerManager = CONTRACTS['worker-manager']!;
const subscriptionManager = CONTRACTS['subscription-manager']!;
const rewardsManager = CONTRACTS['rewards-manager']!;

const TOKEN = testAddress(200);
const WORKER_MANAGER = testAddress(201);
const SUBSCRIPTION_MANAGER = testAddress(202);
const REWARDS_MANAGER = testAddress(203);
const TOKEN_REF = {address: TOKEN, code_hash: codeHashOf('snip20')};
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64');
const UNAUTHORIZED = 'Unauthorized: only the admin can run update_config';

let admin: string;
let alice: string;
let bob: string;
let permit: S20.Permit;
let adminPermit: S20.Permit;

beforeAll(async () => {
  admin = address('carol');
  alice = address('alice');
  bob = address('bob');
  permit = await signPermit('alice', 'secretai', [WORKER_MANAGER, SUBSCRIPTION_MANAGER, REWARDS_MANAGER], ['balance']);
  adminPermit = await signPermit('carol', 'secretai', [SUBSCRIPTION_MANAGER], []);
});

function newWorkerManager(): ContractHarness<WM.InstantiateMsg, WM.ExecuteMsg, WM.QueryMsg> {
  const h = new ContractHarness(workerManager, undefined, {address: WORKER_MANAGER, codeHash: codeHashOf('worker-manager')});
  h.instantiate(admin, {payment_token: TOKEN_REF, min_stake: '1000000', epoch_seconds: 3600, unbonding_seconds: 86400});
  return h;
}

function newSubscriptionManager(): ContractHarness<SM.InstantiateMsg, SM.ExecuteMsg, SM.QueryMsg> {
  const h = new ContractHarness(subscriptionManager, undefined, {address: SUBSCRIPTION_MANAGER, codeHash: codeHashOf('subscription-manager')});
  h.instantiate(admin, {
    payment_token: TOKEN_REF,
    plans: [
      {id: 'basic', price: '1000', period_seconds: 2_592_000},
      {id: 'pro', price: '5000', period_seconds: 2_592_000, token_quota: '1000000'},
    ],
  });
  return h;
}

function newRewardsManager(): ContractHarness<RM.InstantiateMsg, RM.ExecuteMsg, RM.QueryMsg> {
  const h = new ContractHarness(rewardsManager, undefined, {address: REWARDS_MANAGER, codeHash: codeHashOf('rewards-manager')});
  h.instantiate(admin, {payment_token: TOKEN_REF, epoch_seconds: 86400, protocol_fee_bps: 500});
  return h;
}

function worker(id: string, url: string, models: string[], status: WM.WorkerStatus = 'active'): WM.WorkerInfo {
  return {
    id, operator: testAddress(100 + Number(id)), url, models, payout_address: bob, worker_pubkey: Buffer.alloc(33, 2).toString('base64'), status,
    stake: '1000000', registered_at: 1_700_000_000, last_liveness_at: null, unbonding_ends_at: null,
  };
}

describe('worker-manager frame', () => {
  it('stores the config with defaults and answers config {}', () => {
    expect(newWorkerManager().query({config: {}})).toEqual({
      admin, payment_token: TOKEN_REF, min_stake: '1000000', epoch_seconds: 3600, unbonding_seconds: 86400,
      stake_denom: 'uscrt', liveness_interval_seconds: 3600, subscription_manager: null, rewards_manager: null,
      fee_address: admin, allow_loopback_urls: false,
    });
  });

  it('answers get_models and get_u_r_ls in the SDK shapes, empty without workers', () => {
    const h = newWorkerManager();
    expect(h.query({get_models: {}})).toEqual({models: []});
    expect(h.query({get_u_r_ls: {}})).toEqual({urls: []});
    expect(h.query({get_u_r_ls: {model: 'llama3.2:3b'}})).toEqual({urls: []});
  });

  it('lists models and URLs of active workers from the registry', () => {
    const h = newWorkerManager();
    putWorker(h.storage, worker('1', 'https://w1.example:21434', ['stories260K', 'llama3.2:3b']), {version: 1});
    putWorker(h.storage, worker('2', 'https://w2.example:21434', ['llama3.2:3b']), {version: 1});
    // Active workers are in the per-model lists; an unbonding one is not.
    putWorker(h.storage, worker('3', 'https://w3.example:21434', ['deepseek-r1:70b'], 'unbonding'), {version: 1});
    expect(h.query({get_models: {}})).toEqual({models: ['llama3.2:3b', 'stories260K']});
    expect(h.query({get_u_r_ls: {}})).toEqual({urls: ['https://w1.example:21434', 'https://w2.example:21434']});
    expect(h.query({get_u_r_ls: {model: 'stories260K'}})).toEqual({urls: ['https://w1.example:21434']});
  });

  it('lets only the admin update the config', () => {
    const h = newWorkerManager();
    expect(h.executeError(alice, {update_config: {min_stake: '1'}})).toBe(UNAUTHORIZED);
    const rm = {address: REWARDS_MANAGER, code_hash: codeHashOf('rewards-manager')};
    expect(h.execute(admin, {update_config: {min_stake: '5', rewards_manager: rm, admin: alice}}).data).toEqual({update_config: {status: 'success'}});
    expect(h.query({config: {}})).toMatchObject({min_stake: '5', rewards_manager: rm, admin: alice});
    expect(h.executeError(admin, {update_config: {min_stake: '6'}})).toBe(UNAUTHORIZED);
  });

  it('validates addresses and amounts beyond the schema patterns', () => {
    const h = new ContractHarness(workerManager, undefined, {address: WORKER_MANAGER});
    const bad = TOKEN.slice(0, -1) + (TOKEN.endsWith('q') ? 'p' : 'q');
    expect(() => h.instantiate(admin, {payment_token: {address: bad, code_hash: TOKEN_REF.code_hash}, min_stake: '1', epoch_seconds: 1, unbonding_seconds: 0})).toThrow(
      `Invalid payment token address: ${bad}`,
    );
    expect(() => h.instantiate(admin, {payment_token: TOKEN_REF, min_stake: '1', epoch_seconds: 0, unbonding_seconds: 0})).toThrow(
      'instantiate.epoch_seconds: must be >= 1',
    );
  });
});

describe('subscription-manager frame', () => {
  let sm: ReturnType<typeof newSubscriptionManager>;
  beforeEach(() => {
    sm = newSubscriptionManager();
  });

  it('answers config {} and plans {}', () => {
    expect(sm.query({config: {}})).toEqual({admin, payment_token: TOKEN_REF, worker_manager: null, rewards_manager: null});
    expect(sm.query({plans: {}})).toEqual({
      plans: [
        {id: 'basic', price: '1000', period_seconds: 2_592_000},
        {id: 'pro', price: '5000', period_seconds: 2_592_000, token_quota: '1000000'},
      ],
    });
  });

  it('credits a deposit received from the payment token to the token owner', () => {
    const res = sm.execute(TOKEN, {receive: {sender: alice, from: alice, amount: '250', msg: b64({deposit: {}})}});
    expect(res.data).toEqual({receive: {status: 'success'}});
    sm.execute(TOKEN, {receive: {sender: bob, from: alice, amount: '50', memo: 'top-up', msg: b64({deposit: {}})}});
    expect(sm.query({subscription: {permit}})).toEqual({subscriber: alice, active: false, status: 'none', plan_id: null, expires_at: null, balance: '300', usage: null});
  });

  it('refuses receive from anyone but the payment token', () => {
    expect(sm.executeError(alice, {receive: {sender: alice, from: alice, amount: '1000000', msg: b64({deposit: {}})}})).toBe(
      `Unauthorized: receive is accepted only from the payment token ${TOKEN}`,
    );
    expect(sm.query<{balance: string}>({subscription: {permit}}).balance).toBe('0');
  });

  it('validates the inner receive message', () => {
    expect(sm.executeError(TOKEN, {receive: {sender: alice, from: alice, amount: '1', msg: null}})).toMatch(/^receive\.msg is required/);
    expect(sm.executeError(TOKEN, {receive: {sender: alice, from: alice, amount: '1', msg: b64({donate: {}})}})).toBe(
      'receive.msg: unknown variant "donate", expected one of subscribe, deposit',
    );
    expect(sm.executeError(TOKEN, {receive: {sender: alice, from: alice, amount: '1', msg: Buffer.from('not json').toString('base64')}})).toMatch(
      /^receive\.msg: not base64 JSON/,
    );
    expect(sm.executeError(TOKEN, {receive: {sender: alice, from: alice, amount: '999', msg: b64({subscribe: {plan_id: 'basic'}})}})).toBe(
      'wrong amount for plan basic: it costs exactly 1000, got 999',
    );
  });

  it('answers subscription {permit} only for a valid permit of this contract', async () => {
    const elsewhere = await signPermit('alice', 'x', [TOKEN], ['balance']);
    expect(sm.queryError({subscription: {permit: elsewhere}})).toMatch(/^Permit doesn't apply to token/);
    const tampered = structuredClone(permit);
    tampered.params.permit_name = 'other';
    expect(sm.queryError({subscription: {permit: tampered}})).toBe('Failed to verify signatures for the given permit');
    sm.execute(alice, {revoke_permit: {permit_name: 'secretai'}});
    expect(sm.queryError({subscription: {permit}})).toBe(`Permit "secretai" was revoked by account "${alice}"`);
  });

  it('reports a stored plan period as active until it expires', () => {
    sm.storage.set(`subscription:${alice}`, {plan_id: 'basic', expires_at: sm.env.block.time + 60});
    expect(sm.query({subscription: {permit}})).toMatchObject({active: true, plan_id: 'basic', expires_at: sm.env.block.time + 60});
    sm.advance(60);
    expect(sm.query({subscription: {permit}})).toMatchObject({active: false, plan_id: 'basic'});
  });

  it('lets only the admin update the config', () => {
    const wm = {address: WORKER_MANAGER, code_hash: codeHashOf('worker-manager')};
    expect(sm.executeError(alice, {update_config: {worker_manager: wm}})).toBe(UNAUTHORIZED);
    sm.execute(admin, {update_config: {worker_manager: wm}});
    expect(sm.query({config: {}})).toMatchObject({worker_manager: wm});
  });

  it('rejects duplicate plan ids at instantiation', () => {
    const h = new ContractHarness(subscriptionManager, undefined, {address: SUBSCRIPTION_MANAGER});
    const plan = {id: 'basic', price: '1', period_seconds: 1};
    expect(() => h.instantiate(admin, {payment_token: TOKEN_REF, plans: [plan, plan]})).toThrow('duplicate plan id basic');
  });
});

describe('payment flow: SNIP-20 send → receive → subscription-manager deposit', () => {
  it('credits the subscriber when the token delivers the callback, and only then', () => {
    const token = new ContractHarness<S20.InstantiateMsg, S20.ExecuteMsg, S20.QueryMsg>(snip20, undefined, {address: TOKEN});
    token.instantiate(admin, {name: 'Secret AI Credit', symbol: 'SAIC', decimals: 6, prng_seed: b64('seed'), initial_balances: [{address: alice, amount: '700'}]});
    const sm = newSubscriptionManager();
    const res = token.execute(alice, {send: {recipient: SUBSCRIPTION_MANAGER, recipient_code_hash: codeHashOf('subscription-manager'), amount: '400', msg: b64({deposit: {}})}});
    expect(res.messages).toHaveLength(1);
    const call = (res.messages[0] as Extract<SubMsg, {wasm_execute: unknown}>).wasm_execute;
    expect(call.contract_addr).toBe(SUBSCRIPTION_MANAGER);
    expect(call.code_hash).toBe(codeHashOf('subscription-manager'));
    // what the devnet does with the SubMsg: execute it with the token contract as the sender
    sm.execute(TOKEN, call.msg as SM.ExecuteMsg, call.funds);
    expect(sm.query({subscription: {permit}})).toMatchObject({subscriber: alice, balance: '400'});
    // the same body sent directly by the user is refused
    expect(sm.executeError(alice, call.msg as SM.ExecuteMsg)).toMatch(/^Unauthorized/);
  });
});

describe('rewards-manager frame', () => {
  it('answers config {} with defaults', () => {
    expect(newRewardsManager().query({config: {}})).toEqual({
      admin, payment_token: TOKEN_REF, epoch_seconds: 86400, protocol_fee_bps: 500, fee_recipient: admin,
      unconfirmed_weight_cap: '0', uptime_reward_bps: 0, worker_manager: null, subscription_manager: null,
    });
  });

  it('opens epoch 0 at instantiation and reports when it can be closed', () => {
    const rm = newRewardsManager();
    const t0 = rm.env.block.time;
    expect(rm.query({epoch: {}})).toEqual({
      epoch: 0, starts_at: t0, ends_at: t0 + 86400, revenue: '0', closable: false, closed: false, total_weight: '0', workers_up: 0,
      carried_in: null, protocol_fee: null, uptime_pool: null, distributed: null,
    });
    rm.advance(86400);
    expect(rm.query({epoch: {}})).toMatchObject({epoch: 1, closable: false});
    expect(rm.query({epoch: {id: 0}})).toMatchObject({epoch: 0, closable: true});
  });

  it('lets only the admin update the config; the epoch length is fixed', () => {
    const rm = newRewardsManager();
    expect(rm.executeError(bob, {update_config: {protocol_fee_bps: 0}})).toBe(UNAUTHORIZED);
    rm.execute(admin, {update_config: {protocol_fee_bps: 250}});
    expect(rm.query({config: {}})).toMatchObject({epoch_seconds: 86400, protocol_fee_bps: 250});
    expect(rm.executeError(admin, {update_config: {epoch_seconds: 60}})).toMatch(/epoch_seconds is fixed at instantiation/);
    expect(rm.executeError(admin, {update_config: {protocol_fee_bps: 10001}})).toBe('execute.update_config.protocol_fee_bps: must be <= 10000');
  });
});

/** A schema-valid sample of every message variant, so each can be sent. */
function samples(): Record<string, {execute: Record<string, unknown>; query: Record<string, unknown>}> {
  const ref = {address: testAddress(9), code_hash: '0'.repeat(64)};
  const sig = Buffer.alloc(64, 1).toString('base64');
  const record = {
    record: {worker_id: '1', key_handle: 'a'.repeat(64), model: 'stories260K', request_id: 'r-1', input_tokens: 3, output_tokens: 5, epoch: 0},
    worker_signature: sig,
  };
  return {
    'worker-manager': {
      execute: {
        register_worker: {url: 'https://w.example', models: ['stories260K'], payout_address: bob, worker_pubkey: Buffer.alloc(33, 2).toString('base64'), attestation: {version: 1}},
        update_worker: {worker_id: '1', url: 'https://w2.example'},
        deregister_worker: {},
        withdraw_stake: {worker_id: '1'},
        report_liveness: {signature: sig},
        remove_worker: {worker_id: '1'},
        slash_worker: {worker_id: '1', amount: '10', reason: 'offline'},
        update_config: {},
        set_accepted_measurements: {policy: {name: 'p', version: '1'}},
        revoke_permit: {permit_name: 'p'},
      },
      query: {
        config: {}, get_models: {}, get_workers: {model: 'stories260K', limit: 10}, get_worker: {id: '1'},
        get_next_worker: {model: 'stories260K', permit}, get_registration_challenge: {}, get_u_r_ls: {},
        accepted_measurements: {},
      },
    },
    'subscription-manager': {
      execute: {
        receive: {sender: alice, from: alice, amount: '1', msg: b64({deposit: {}})},
        create_api_key: {key_hash: 'b'.repeat(64)},
        revoke_api_key: {key_hash: 'b'.repeat(64)},
        set_plan: {plan: {id: 'x', price: '1', period_seconds: 10}},
        remove_plan: {plan_id: 'basic'},
        charge_usage: {charges: [{key_handle: 'a'.repeat(64), amount: '1'}]},
        update_config: {},
        revoke_permit: {permit_name: 'p'},
      },
      query: {
        config: {}, plans: {}, subscription: {permit}, api_key_status: {key_hash: 'b'.repeat(64)}, api_keys: {permit}, api_keys_with_permit: {permit: adminPermit},
        revenue: {epoch: 0}, key_handle_matches: {key_handle: 'a'.repeat(64), subscriber: alice},
      },
    },
    'rewards-manager': {
      execute: {
        report_work: {records: [record]},
        close_epoch: {},
        claim_rewards: {},
        receive: {sender: alice, from: alice, amount: '1', msg: b64({revenue: {}})},
        update_config: {worker_manager: ref},
        revoke_permit: {permit_name: 'p'},
      },
      query: {config: {}, epoch: {}, pending_rewards: {permit}, worker_usage: {worker_id: '1', permit}},
    },
  };
}

/**
 * Variants whose logic is built in this frame; every other one must say it is not built yet. (The worker-manager
 * and the rewards-manager are fully built; test/contracts/worker-manager*.test.ts and rewards-manager.test.ts cover
 * each of their messages.)
 */
const BUILT: Record<string, {execute: string[]; query: string[]}> = {
  'subscription-manager': {
    execute: ['receive', 'create_api_key', 'revoke_api_key', 'set_plan', 'remove_plan', 'update_config', 'revoke_permit'],
    query: ['config', 'plans', 'subscription', 'api_key_status', 'api_keys', 'api_keys_with_permit', 'revenue', 'key_handle_matches'],
  },
};

const variantsOf = (schema: object): string[] => ((schema as JsonSchema).oneOf ?? []).map((b) => b.required![0]!);
const clean = (body: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(body)) as Record<string, unknown>;

describe('messages that are in the wire interface but not built yet', () => {
  const make: Record<string, () => ContractHarness> = {
    'worker-manager': () => newWorkerManager() as unknown as ContractHarness,
    'subscription-manager': () => newSubscriptionManager() as unknown as ContractHarness,
    'rewards-manager': () => newRewardsManager() as unknown as ContractHarness,
  };

  it.each(Object.keys(make))('%s: samples cover every schema variant', (name) => {
    const contract = CONTRACTS[name]!;
    const s = samples()[name]!;
    expect(Object.keys(s.execute).sort()).toEqual(variantsOf(contract.schemas!.execute).sort());
    expect(Object.keys(s.query).sort()).toEqual(variantsOf(contract.schemas!.query).sort());
  });

  it.each(Object.keys(BUILT))('%s: every unbuilt message answers "<message> is not built yet"', (name) => {
    const s = samples()[name]!;
    const h = make[name]!();
    const sender = name === 'subscription-manager' ? TOKEN : admin;
    const unbuiltExecute = Object.keys(s.execute).filter((v) => !BUILT[name]!.execute.includes(v));
    const unbuiltQuery = Object.keys(s.query).filter((v) => !BUILT[name]!.query.includes(v));
    expect(unbuiltExecute.length + unbuiltQuery.length).toBeGreaterThan(0);
    for (const v of unbuiltExecute) expect(h.executeError(sender, {[v]: clean(s.execute[v] as Record<string, unknown>)})).toBe(`${v} is not built yet`);
    for (const v of unbuiltQuery) expect(h.queryError({[v]: clean(s.query[v] as Record<string, unknown>)})).toBe(`${v} is not built yet`);
  });

  it.each(Object.keys(BUILT))('%s: every built message runs with its sample', (name) => {
    const s = samples()[name]!;
    const h = make[name]!();
    for (const v of BUILT[name]!.execute) {
      const sender = v === 'receive' ? TOKEN : admin;
      expect(() => h.execute(sender, {[v]: clean(s.execute[v] as Record<string, unknown>)})).not.toThrow();
    }
    for (const v of BUILT[name]!.query) expect(() => h.query({[v]: clean(s.query[v] as Record<string, unknown>)})).not.toThrow();
  });
});
