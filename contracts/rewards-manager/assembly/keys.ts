/**
 * Storage layout of the RewardsManager — the same string keys as `REWARDS_MANAGER_KEYS` in
 * `contracts/rewards-manager/state.ts`; values are the same JSON texts (amounts and weights as decimal strings,
 * epochs, counters and times as numbers).
 */

/** Name in the `<name> is not instantiated` error. */
export const CONTRACT_NAME = "rewards-manager";

/** Most epochs one worker may hold weight in before they are closed (bounds settlement work per message). */
export const MAX_OPEN_EPOCHS: i32 = 8;
/** Basis points in one. */
export const BPS: u64 = 10000;

export const KEY_CONFIG = "config";
export const KEY_CLOCK = "clock";
/** Number of closed epochs = the next epoch to close. */
export const KEY_CLOSED_COUNT = "closed_count";
/** Remainders waiting for the next close. */
export const KEY_CARRY = "carry";

export function epochKey(e: u64): string {
  return "epoch:" + e.toString();
}

export function usageKey(worker: string, e: u64): string {
  return "usage:" + worker + ":" + e.toString();
}

export function accountKey(worker: string): string {
  return "account:" + worker;
}

export function requestKey(worker: string, requestId: string): string {
  return "request:" + worker + ":" + requestId;
}

/** Worker ids seen with this operator or payout address (for claims without an id). */
export function ownerKey(addr: string): string {
  return "owner:" + addr;
}
