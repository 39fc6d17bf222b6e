/**
 * The RewardsManager's stored state (keys in `keys.ts`), as `contracts/rewards-manager/state.ts` keeps it: the
 * configuration, the epoch clock, per-epoch totals, per-worker usage and accounts, the carry and the owner lists.
 * Stored objects are read and changed as JSON values, so their members keep the order the TypeScript contract
 * wrote them in (new members at the end).
 */
import {loadInstantiated} from "../../lib/contract";
import {JsonValue} from "../../lib/json";
import {Storage} from "../../lib/storage";
import {U128} from "../../lib/u128";
import {addAmounts, amountIn} from "./amounts";
import {
  accountKey,
  CONTRACT_NAME,
  epochKey,
  KEY_CARRY,
  KEY_CLOCK,
  KEY_CLOSED_COUNT,
  KEY_CONFIG,
  ownerKey,
  usageKey,
} from "./keys";

/**
 * The stored configuration, in the member order of the TypeScript contract: `admin, payment_token, epoch_seconds,
 * protocol_fee_bps, fee_recipient, unconfirmed_weight_cap, uptime_reward_bps, worker_manager,
 * subscription_manager`. The `config` query answers it as is.
 */
export class Config {
  constructor(public json: JsonValue) {}

  get admin(): string {
    return this.json.get("admin")!.asString();
  }

  /** `{address, code_hash}` of the payment token. */
  get paymentToken(): JsonValue {
    return this.json.get("payment_token")!;
  }

  get protocolFeeBps(): u64 {
    return this.json.get("protocol_fee_bps")!.asU64();
  }

  get feeRecipient(): string {
    return this.json.get("fee_recipient")!.asString();
  }

  get unconfirmedWeightCap(): U128 {
    return amountIn(this.json, "unconfirmed_weight_cap");
  }

  get uptimeRewardBps(): u64 {
    return this.json.get("uptime_reward_bps")!.asU64();
  }

  /** `{address, code_hash}` of the WorkerManager, or null when none is configured. */
  get workerManager(): JsonValue | null {
    return this.json.opt("worker_manager");
  }

  get subscriptionManager(): JsonValue | null {
    return this.json.opt("subscription_manager");
  }
}

export function loadConfig(): Config | null {
  const v = loadInstantiated(KEY_CONFIG, CONTRACT_NAME);
  return v === null ? null : new Config(v);
}

export function saveConfig(config: JsonValue): void {
  Storage.setJson(KEY_CONFIG, config);
}

/** The epoch clock: epoch `e` is `[genesis + e·len, genesis + (e+1)·len)` of block time (Unix seconds). */
export class Clock {
  constructor(
    public genesis: i64,
    public epochSeconds: u64,
  ) {}

  /** The epoch a block time is in. */
  epochAt(time: u64): u64 {
    const t = <i64>time;
    return t <= this.genesis ? 0 : <u64>(t - this.genesis) / this.epochSeconds;
  }

  start(e: u64): i64 {
    return this.genesis + <i64>(e * this.epochSeconds);
  }

  end(e: u64): i64 {
    return this.genesis + <i64>((e + 1) * this.epochSeconds);
  }

  /**
   * `genesis + (e + after)·len` as JSON (the start of epoch `e`, or its end with `after`), exact for any `e`
   * (`start` / `end` serve epochs up to the current one). For bounds above 2^53 the TypeScript contract answered
   * rounded doubles; these are the exact values.
   */
  boundJson(e: u64, after: bool): JsonValue {
    const n = U128.fromU64(e).add(U128.fromU64(after ? 1 : 0))!;
    const offset = n.mul(U128.fromU64(this.epochSeconds))!;
    if (this.genesis < 0 || !offset.fitsU64() || offset.lo > <u64>i64.MAX_VALUE - <u64>this.genesis) {
      const sum = this.genesis < 0 ? offset.sub(U128.fromU64(<u64>-this.genesis)) : offset.add(U128.fromU64(<u64>this.genesis));
      if (sum !== null) return JsonValue.num(sum.toString());
    }
    return JsonValue.int(this.genesis + <i64>offset.lo);
  }
}

/** The stored clock `{genesis, epoch_seconds}`, or null after `rewards-manager is not instantiated`. */
export function loadClock(): Clock | null {
  const v = loadInstantiated(KEY_CLOCK, CONTRACT_NAME);
  if (v === null) return null;
  return new Clock(v.get("genesis")!.asI64(), v.get("epoch_seconds")!.asU64());
}

/** Number of closed epochs (= the next epoch to close). */
export function closedCount(): u64 {
  return Storage.getU64(KEY_CLOSED_COUNT, 0);
}

export function saveClosedCount(n: u64): void {
  Storage.setU64(KEY_CLOSED_COUNT, n);
}

/** Totals of epoch `e`: `{revenue, weight, workers_up}` (+ `closed` once closed). */
export function loadEpoch(e: u64): JsonValue {
  const v = Storage.getJson(epochKey(e));
  if (v !== null) return v;
  return JsonValue.object().setString("revenue", "0").setString("weight", "0").setU64("workers_up", 0);
}

export function saveEpoch(e: u64, ep: JsonValue): void {
  Storage.setJson(epochKey(e), ep);
}

/** What an epoch fixed at its close, or null while it is open. */
export function closedPart(ep: JsonValue): JsonValue | null {
  return ep.opt("closed");
}

/** One worker's usage in one epoch: `{records, confirmed, unconfirmed, up}` (+ `reward` once settled), or null. */
export function loadUsage(worker: string, e: u64): JsonValue | null {
  return Storage.getJson(usageKey(worker, e));
}

export function newUsage(): JsonValue {
  return JsonValue.object().setU64("records", 0).setString("confirmed", "0").setString("unconfirmed", "0").setBool("up", false);
}

export function saveUsage(worker: string, e: u64, u: JsonValue): void {
  Storage.setJson(usageKey(worker, e), u);
}

/** Weight counted in a usage entry (confirmed + unconfirmed); null after an overflow failure. */
export function usageWeight(u: JsonValue): U128 | null {
  return addAmounts(amountIn(u, "confirmed"), amountIn(u, "unconfirmed"));
}

/** Whether the worker was up in the usage's epoch. */
export function usageUp(u: JsonValue): bool {
  return u.getBool("up");
}

/** A worker's account: `{open: epochs with unsettled weight (ascending), settled, claimed}`. */
export function loadAccount(worker: string): JsonValue {
  const v = Storage.getJson(accountKey(worker));
  if (v !== null) return v;
  return JsonValue.object().set("open", JsonValue.array()).setString("settled", "0").setString("claimed", "0");
}

export function saveAccount(worker: string, account: JsonValue): void {
  Storage.setJson(accountKey(worker), account);
}

/** The `open` epochs of an account. */
export function openEpochs(account: JsonValue): u64[] {
  const items = account.get("open")!.items;
  const out = new Array<u64>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = items[i].asU64();
  return out;
}

export function epochsJson(epochs: u64[]): JsonValue {
  const out = JsonValue.array();
  for (let i = 0; i < epochs.length; i++) out.push(JsonValue.uint(epochs[i]));
  return out;
}

/** Remainders waiting for the next close (zero when none). */
export function loadCarry(): U128 {
  const s = Storage.getJsonString(KEY_CARRY);
  return s === null ? U128.zero() : U128.parse(s)!;
}

export function saveCarry(value: U128): void {
  Storage.setJsonString(KEY_CARRY, value.toString());
}

/** Worker ids seen with this operator or payout address. */
export function ownedWorkers(addr: string): string[] {
  const v = Storage.getJson(ownerKey(addr));
  const out = new Array<string>();
  if (v === null) return out;
  const items = v.items;
  for (let i = 0; i < items.length; i++) out.push(items[i].asString());
  return out;
}

/** Remembers that `addr` (an operator or payout address) has worker `worker`. */
export function rememberOwner(addr: string, worker: string): void {
  const ids = ownedWorkers(addr);
  if (ids.includes(worker)) return;
  ids.push(worker);
  const list = JsonValue.array();
  for (let i = 0; i < ids.length; i++) list.push(JsonValue.str(ids[i]));
  Storage.setJson(ownerKey(addr), list);
}
