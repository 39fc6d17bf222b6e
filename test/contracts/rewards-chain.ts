/**
 * A few contracts on one in-memory chain, for the RewardsManager's tests and bench: the payment token (snip20),
 * the WorkerManager, the SubscriptionManager and the RewardsManager run as their built wasm
 * (`contracts/<name>/<name>.wasm`, through the devnet's wasm host); cross-contract queries are routed to the target
 * contract and sub-messages run depth-first, the whole message rolling back on any error (as the devnet does).
 *
 * Workers are written into the WorkerManager's storage directly (`worker-manager-storage.ts`: the records and
 * indexes a registration writes), skipping the attestation binding that the WorkerManager's tests cover, so
 * thousands of workers can be set up quickly.
 * The SubscriptionManager runs unmodified too: plan payments flow through it to the RewardsManager, and it answers
 * the RewardsManager's `key_handle_matches`.
 */
import {createHash} from 'node:crypto';
import {secp256k1} from '@noble/curves/secp256k1.js';
import {toBase64} from '../../contracts/common/encoding.js';
import type {Deps, Env, MessageInfo, Querier, Response} from '../../contracts/common/types.js';
import type {Contract} from './wasm-contract.js';
import type * as RM from '../../contracts/rewards-manager/types.js';
import type {WorkerInfo} from '../../contracts/worker-manager/types.js';
import {MemoryStorage, nodeApi, testAddress, wasmContract} from './harness.js';
import {putWorker, saveWorkerInfo, WORKER_MANAGER_KEYS} from './worker-manager-storage.js';

export const TOKEN = testAddress(210);
export const WORKER_MANAGER = testAddress(211);
export const SUBSCRIPTION_MANAGER = testAddress(212);
export const REWARDS_MANAGER = testAddress(213);
export const ADMIN = testAddress(1);
/** Price of the SubscriptionManager's `basic` plan, payment-token base units. */
export const PLAN_PRICE = '1000000';
const HOUR_SECONDS = 3600;
export const FEE = testAddress(2);
const HASH = (n: string) => createHash('sha256').update(n).digest('hex');

interface Instance {
  contract: Contract;
  storage: MemoryStorage;
  codeHash: string;
}

/** A worker set up in the WorkerManager, with its secp256k1 key. */
export interface TestWorker {
  id: string;
  privateKey: Uint8Array;
  pubkey: Uint8Array;
  operator: string;
  payout: string;
}

/** The in-memory chain. */
export class RewardsChain {
  readonly api = nodeApi();
  readonly instances = new Map<string, Instance>();
  readonly block = {height: 1, time: 1_700_000_000, chain_id: 'secretdev-1'};
  private lastWorker = 0;

  /** Roll every contract's state back when a message fails (off in the bench, where snapshots would dominate). */
  readonly rollback: boolean;

  constructor(opts: {epochSeconds?: number; feeBps?: number; uptimeBps?: number; cap?: string; holders?: Array<{address: string; amount: string}>; rollback?: boolean} = {}) {
    this.rollback = opts.rollback ?? true;
    const epochSeconds = opts.epochSeconds ?? 3600;
    this.add(TOKEN, wasmContract('snip20'));
    this.add(WORKER_MANAGER, wasmContract('worker-manager'));
    this.add(SUBSCRIPTION_MANAGER, wasmContract('subscription-manager'));
    this.add(REWARDS_MANAGER, wasmContract('rewards-manager'));
    const tokenRef = this.ref(TOKEN);
    this.instantiate(TOKEN, ADMIN, {
      name: 'Test Token', symbol: 'TEST', decimals: 6, prng_seed: toBase64(new Uint8Array(8)),
      initial_balances: opts.holders ?? [], config: {enable_mint: true}, minters: [ADMIN],
    });
    this.instantiate(WORKER_MANAGER, ADMIN, {payment_token: tokenRef, min_stake: '1', epoch_seconds: epochSeconds, unbonding_seconds: 60});
    this.instantiate(SUBSCRIPTION_MANAGER, ADMIN, {
      payment_token: tokenRef, plans: [{id: 'basic', price: PLAN_PRICE, period_seconds: 30 * 24 * HOUR_SECONDS}],
      worker_manager: this.ref(WORKER_MANAGER), rewards_manager: this.ref(REWARDS_MANAGER),
    });
    this.advance(7); // the RewardsManager reads the WorkerManager's clock, not its own instantiation time
    this.instantiate(REWARDS_MANAGER, ADMIN, {
      payment_token: tokenRef, epoch_seconds: epochSeconds, protocol_fee_bps: opts.feeBps ?? 0, fee_recipient: FEE,
      uptime_reward_bps: opts.uptimeBps ?? 0, unconfirmed_weight_cap: opts.cap ?? '0',
      worker_manager: this.ref(WORKER_MANAGER), subscription_manager: this.ref(SUBSCRIPTION_MANAGER),
    } satisfies RM.InstantiateMsg);
  }

  private add(address: string, contract: Contract): void {
    this.instances.set(address, {contract, storage: new MemoryStorage(), codeHash: HASH(contract.name)});
  }

  ref(address: string): {address: string; code_hash: string} {
    return {address, code_hash: this.instances.get(address)!.codeHash};
  }

  storage(address: string): MemoryStorage {
    return this.instances.get(address)!.storage;
  }

  env(address: string): Env {
    return {block: {...this.block}, contract: {address, code_hash: this.instances.get(address)!.codeHash}};
  }

  private querier(): Querier {
    return {
      queryContract: <T>(addr: string, codeHash: string, msg: unknown): T => {
        const target = this.instances.get(addr);
        if (!target || target.codeHash !== codeHash) throw new Error(`Querier system error: ${addr}`);
        return JSON.parse(JSON.stringify(target.contract.query(this.deps(addr), this.env(addr), JSON.parse(JSON.stringify(msg))))) as T;
      },
    };
  }

  private deps(address: string): Deps {
    return {storage: this.storage(address), api: this.api, querier: this.querier()};
  }

  advance(seconds: number): void {
    this.block.height += 1;
    this.block.time += seconds;
  }

  private atomically<T>(run: () => T): T {
    if (!this.rollback) return run();
    const snapshots = [...this.instances.values()].map((i) => [i, i.storage.snapshot()] as const);
    try {
      return run();
    } catch (e) {
      for (const [i, s] of snapshots) i.storage.restore(s);
      throw e;
    }
  }

  instantiate(address: string, sender: string, msg: unknown): void {
    this.atomically(() => {
      const res = this.instances.get(address)!.contract.instantiate(this.deps(address), this.env(address), {sender, funds: []}, msg);
      this.runMessages(address, res, 0);
    });
  }

  private runMessages(emitter: string, res: Response, depth: number): void {
    if (depth > 10) throw new Error('call depth exceeded');
    for (const m of res.messages) {
      if (!('wasm_execute' in m)) throw new Error('bank_send is not used by these contracts');
      const target = this.instances.get(m.wasm_execute.contract_addr);
      if (!target || target.codeHash !== m.wasm_execute.code_hash) throw new Error(`sub-message to an unknown contract or code hash: ${m.wasm_execute.contract_addr}`);
      this.run(m.wasm_execute.contract_addr, {sender: emitter, funds: []}, m.wasm_execute.msg, depth + 1);
    }
  }

  private run(address: string, info: MessageInfo, msg: unknown, depth: number): Response {
    const inst = this.instances.get(address);
    if (!inst) throw new Error(`no contract at ${address}`);
    const res = inst.contract.execute(this.deps(address), this.env(address), info, JSON.parse(JSON.stringify(msg)));
    this.runMessages(address, res, depth);
    return res;
  }

  /** Executes a message and its sub-messages atomically; returns the top-level response. */
  execute(address: string, sender: string, msg: unknown): Response {
    return this.atomically(() => this.run(address, {sender, funds: []}, msg, 0));
  }

  /** The error text of a failing execute (throws if it succeeds). */
  executeError(address: string, sender: string, msg: unknown): string {
    try {
      this.execute(address, sender, msg);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error(`expected ${JSON.stringify(msg).slice(0, 200)} to fail`);
  }

  query<T = unknown>(address: string, msg: unknown): T {
    return JSON.parse(JSON.stringify(this.instances.get(address)!.contract.query(this.deps(address), this.env(address), msg))) as T;
  }

  /** Payment-token balance (read from the token's storage). */
  balance(address: string): bigint {
    return BigInt(this.storage(TOKEN).get<string>(`balance:${address}`) ?? '0');
  }

  /** Every payment-token balance, for "nothing changed" assertions. */
  balances(): Map<string, string> {
    return new Map(this.storage(TOKEN).range<string>('balance:'));
  }

  /** Mints `amount` to `to` and sends it to the RewardsManager as revenue. */
  payRevenue(from: string, amount: bigint, epoch?: number): Response {
    this.execute(TOKEN, ADMIN, {mint: {recipient: from, amount: amount.toString()}});
    const msg = toBase64(new TextEncoder().encode(JSON.stringify({revenue: epoch === undefined ? {} : {epoch}})));
    return this.execute(TOKEN, from, {send: {recipient: REWARDS_MANAGER, recipient_code_hash: this.ref(REWARDS_MANAGER).code_hash, amount: amount.toString(), msg}});
  }

  /** Registers a worker straight into the WorkerManager's storage (active, live now). */
  addWorker(opts: {payout?: string; seed?: number} = {}): TestWorker {
    const n = ++this.lastWorker;
    const privateKey = new Uint8Array(createHash('sha256').update(`worker-key-${opts.seed ?? n}`).digest());
    const pubkey = secp256k1.getPublicKey(privateKey, true);
    const operator = this.api.pubkeyToAddress(pubkey);
    const id = String(n);
    const payout = opts.payout ?? operator;
    const info: WorkerInfo = {
      id, operator, url: `https://w${n}.example`, models: ['stories260K'], payout_address: payout, worker_pubkey: toBase64(pubkey),
      status: 'active', stake: '1', registered_at: this.block.time, last_liveness_at: this.block.time, unbonding_ends_at: null,
    };
    putWorker(this.storage(WORKER_MANAGER), info);
    return {id, privateKey, pubkey, operator, payout};
  }

  /** Changes a stored worker (status, liveness, payout). */
  updateWorker(id: string, change: Partial<WorkerInfo>): void {
    const s = this.storage(WORKER_MANAGER);
    const info = s.get<WorkerInfo>(WORKER_MANAGER_KEYS.worker(id))!;
    saveWorkerInfo(s, {...info, ...change});
  }

  /** `subscriber` pays the `basic` plan through the SubscriptionManager (minted first); it forwards the payment. */
  subscribe(subscriber: string): Response {
    this.execute(TOKEN, ADMIN, {mint: {recipient: subscriber, amount: PLAN_PRICE}});
    const msg = toBase64(new TextEncoder().encode(JSON.stringify({subscribe: {plan_id: 'basic'}})));
    return this.execute(TOKEN, subscriber, {send: {recipient: SUBSCRIPTION_MANAGER, amount: PLAN_PRICE, msg}});
  }

  /** `subscriber` creates an API key (by its hash) at the SubscriptionManager; returns the subscriber's key handle. */
  createApiKey(subscriber: string, keyHash: string): string {
    this.execute(SUBSCRIPTION_MANAGER, subscriber, {create_api_key: {key_hash: keyHash}});
    // Read from its storage: `api_key_status` shows the handle only while the subscriber is paid up, and paying here
    // would add revenue the tests account for.
    const handle = this.storage(SUBSCRIPTION_MANAGER).get<string>(`handle:${subscriber}`);
    if (!handle) throw new Error('the subscriber has no key handle');
    return handle;
  }

  /** Bytes of a contract's stored state (keys + JSON values). */
  storedBytes(address: string): number {
    let n = 0;
    for (const [k, v] of this.storage(address).snapshot()) n += k.length + v.length;
    return n;
  }
}
