/**
 * RewardsManager storage and arithmetic: the epoch clock, per-epoch totals, per-worker accounts and the lazy
 * settlement that keeps every message O(1) in the number of workers and of epochs.
 *
 * **Epochs.** Epoch `e` is `[genesis + e·len, genesis + (e+1)·len)` of block time. `genesis` and `len` are taken from
 * the WorkerManager at instantiation when one is configured (so a record's epoch — which the worker gateway reads
 * from `get_registration_challenge` — means the same interval here), else the instantiation time and the
 * `epoch_seconds` parameter. The length is fixed for the contract's life.
 *
 * **Closing.** Epochs close in order, one per `close_epoch`, once their end has passed. Closing epoch `e` fixes
 * `R = revenue(e) + carry` (carry: remainders of earlier epochs), the fee `F = ⌊R·fee_bps/10⁴⌋`, the uptime pool
 * `U = ⌊F·uptime_bps/10⁴⌋` when some worker was up (else 0), pays `F − U` to the fee recipient, and keeps
 * `D = R − F` for workers by weight (or carries all of `D` on when no weight was counted).
 *
 * **Settlement.** A worker's share of a closed epoch is `⌊w·D/W⌋` plus `⌊U/up⌋` when it was up. It is computed the
 * first time the worker reports or claims after the close — from the epoch's stored totals and the worker's own
 * weight, never by walking other workers. A worker holds at most {@link MAX_OPEN_EPOCHS} epochs with weight not yet
 * settled.
 *
 * **Remainder rule.** Integer division leaves dust: `U − up·⌊U/up⌋` is carried at close, and `D − Σ⌊wᵢ·D/W⌋` is
 * carried when the epoch's last worker settles (each settlement subtracts its weight and payment from the epoch's
 * remaining totals; when the remaining weight reaches 0 the remaining amount is the dust). Carried amounts join the
 * revenue of the next epoch to close, so every base unit received is eventually paid to a worker or the fee
 * recipient; none is created and none is stuck.
 */
import {loadInstantiated} from '../common/contract.js';
import {ContractError, type ReadonlyStorage, type Storage} from '../common/types.js';
import {formatUint128} from '../common/uint128.js';
import type {ConfigResponse} from './types.js';

/** Most epochs one worker may hold weight in before they are closed (bounds settlement work per message). */
export const MAX_OPEN_EPOCHS = 8;
/** Basis points in one. */
export const BPS = 10_000n;

/** Stored configuration; the `config` query answers it as is. */
export type RewardsManagerConfig = ConfigResponse;

/** The epoch clock. */
export interface EpochClock {
  genesis: number;
  epoch_seconds: number;
}

/** Totals of one epoch (amounts and weights as decimal strings). */
export interface StoredEpoch {
  revenue: string;
  weight: string;
  workers_up: number;
  /** Fixed at close. */
  closed?: {
    carried_in: string;
    protocol_fee: string;
    uptime_pool: string;
    per_up: string;
    distributed: string;
    /** Weight and amount not settled yet (see the remainder rule). */
    remaining_weight: string;
    remaining_amount: string;
  };
}

/** One worker's usage in one epoch. */
export interface StoredUsage {
  records: number;
  confirmed: string;
  unconfirmed: string;
  up: boolean;
  /** Set when settled. */
  reward?: string;
}

/** One worker's account. */
export interface StoredAccount {
  /** Epochs with counted weight not settled yet, ascending. */
  open: number[];
  /** Settled and not claimed, base units. */
  settled: string;
  claimed: string;
}

/** Storage layout (JSON values). */
export const REWARDS_MANAGER_KEYS = {
  config: 'config',
  clock: 'clock',
  /** Number of closed epochs = the next epoch to close. */
  closedCount: 'closed_count',
  /** Remainders waiting for the next close. */
  carry: 'carry',
  epoch: (e: number) => `epoch:${e}`,
  usage: (worker: string, e: number) => `usage:${worker}:${e}`,
  account: (worker: string) => `account:${worker}`,
  request: (worker: string, requestId: string) => `request:${worker}:${requestId}`,
  /** Worker ids seen with this operator or payout address (for claims without an id). */
  owner: (addr: string) => `owner:${addr}`,
} as const;

/** Loads the configuration (throws if the contract was never instantiated). */
export function loadRewardsManagerConfig(storage: ReadonlyStorage): RewardsManagerConfig {
  return loadInstantiated<RewardsManagerConfig>(storage, REWARDS_MANAGER_KEYS.config, 'rewards-manager');
}

export function loadClock(storage: ReadonlyStorage): EpochClock {
  return loadInstantiated<EpochClock>(storage, REWARDS_MANAGER_KEYS.clock, 'rewards-manager');
}

/** The epoch a block time is in. */
export function epochAt(clock: EpochClock, time: number): number {
  return time <= clock.genesis ? 0 : Math.floor((time - clock.genesis) / clock.epoch_seconds);
}

export const epochStart = (clock: EpochClock, e: number): number => clock.genesis + e * clock.epoch_seconds;
export const epochEnd = (clock: EpochClock, e: number): number => clock.genesis + (e + 1) * clock.epoch_seconds;

export function closedCount(storage: ReadonlyStorage): number {
  return storage.get<number>(REWARDS_MANAGER_KEYS.closedCount) ?? 0;
}

export function loadEpoch(storage: ReadonlyStorage, e: number): StoredEpoch {
  return storage.get<StoredEpoch>(REWARDS_MANAGER_KEYS.epoch(e)) ?? {revenue: '0', weight: '0', workers_up: 0};
}

export function loadUsage(storage: ReadonlyStorage, worker: string, e: number): StoredUsage | undefined {
  return storage.get<StoredUsage>(REWARDS_MANAGER_KEYS.usage(worker, e));
}

export function loadAccount(storage: ReadonlyStorage, worker: string): StoredAccount {
  return storage.get<StoredAccount>(REWARDS_MANAGER_KEYS.account(worker)) ?? {open: [], settled: '0', claimed: '0'};
}

export function usageWeightOf(u: StoredUsage): bigint {
  return BigInt(u.confirmed) + BigInt(u.unconfirmed);
}

export function loadCarry(storage: ReadonlyStorage): bigint {
  return BigInt(storage.get<string>(REWARDS_MANAGER_KEYS.carry) ?? '0');
}

/** A worker's share of closed epoch `ep` for usage `u` (weight share plus uptime share). */
export function shareOf(ep: StoredEpoch, u: StoredUsage): bigint {
  const c = ep.closed;
  if (!c) throw new ContractError('internal: share of an open epoch');
  const w = usageWeightOf(u);
  const total = BigInt(ep.weight);
  const byWeight = total === 0n ? 0n : (w * BigInt(c.distributed)) / total;
  return byWeight + (u.up ? BigInt(c.per_up) : 0n);
}

/**
 * Settles every closed epoch in `worker`'s open list into its `settled` balance, applying the remainder rule to
 * each epoch's remaining totals. At most {@link MAX_OPEN_EPOCHS} epochs: O(1).
 */
export function settleWorker(storage: Storage, worker: string): StoredAccount {
  const K = REWARDS_MANAGER_KEYS;
  const account = loadAccount(storage, worker);
  const closed = closedCount(storage);
  if (account.open.length === 0 || account.open[0]! >= closed) return account;
  let settled = BigInt(account.settled);
  const still: number[] = [];
  for (const e of account.open) {
    if (e >= closed) {
      still.push(e);
      continue;
    }
    const ep = loadEpoch(storage, e);
    const u = loadUsage(storage, worker, e)!;
    const share = shareOf(ep, u);
    const c = ep.closed!;
    const byWeight = share - (u.up ? BigInt(c.per_up) : 0n);
    const remainingWeight = BigInt(c.remaining_weight) - usageWeightOf(u);
    let remainingAmount = BigInt(c.remaining_amount) - byWeight;
    if (remainingWeight === 0n && remainingAmount > 0n) {
      storage.set(K.carry, formatUint128(loadCarry(storage) + remainingAmount));
      remainingAmount = 0n;
    }
    c.remaining_weight = formatUint128(remainingWeight);
    c.remaining_amount = formatUint128(remainingAmount);
    storage.set(K.epoch(e), ep);
    storage.set(K.usage(worker, e), {...u, reward: formatUint128(share)});
    settled += share;
  }
  account.open = still;
  account.settled = formatUint128(settled);
  storage.set(K.account(worker), account);
  return account;
}

/** What {@link settleWorker} would credit, without writing (for queries). */
export function pendingOf(storage: ReadonlyStorage, worker: string): {pending: bigint; unsettledWeight: bigint; claimed: bigint} {
  const account = loadAccount(storage, worker);
  const closed = closedCount(storage);
  let pending = BigInt(account.settled);
  let unsettledWeight = 0n;
  for (const e of account.open) {
    const u = loadUsage(storage, worker, e)!;
    if (e < closed) pending += shareOf(loadEpoch(storage, e), u);
    else unsettledWeight += usageWeightOf(u);
  }
  return {pending, unsettledWeight, claimed: BigInt(account.claimed)};
}

/** Remembers that `addr` (an operator or payout address) has worker `worker` (a short list per address). */
export function rememberOwner(storage: Storage, addr: string, worker: string): void {
  const key = REWARDS_MANAGER_KEYS.owner(addr);
  const ids = storage.get<string[]>(key) ?? [];
  if (!ids.includes(worker)) storage.set(key, [...ids, worker]);
}

export function ownedWorkers(storage: ReadonlyStorage, addr: string): string[] {
  return storage.get<string[]>(REWARDS_MANAGER_KEYS.owner(addr)) ?? [];
}
