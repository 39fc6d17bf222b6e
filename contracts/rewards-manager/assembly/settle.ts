/**
 * Lazy settlement (see `contracts/rewards-manager/state.ts`): a worker's share of a closed epoch is
 * `⌊w·D/W⌋` plus the per-worker uptime share when it was up, computed from the epoch's stored totals and the
 * worker's own usage, never by walking other workers. Each settlement subtracts its weight and payment from the
 * epoch's remaining totals; when the remaining weight reaches 0 the remaining amount (the division dust) is carried
 * to the next close.
 */
import {JsonValue} from "../../lib/json";
import {fail, failed} from "../../lib/result";
import {U128} from "../../lib/u128";
import {addAmounts, amountIn, setAmountIn, subAmounts} from "./amounts";
import {
  closedCount,
  closedPart,
  epochsJson,
  loadAccount,
  loadCarry,
  loadEpoch,
  loadUsage,
  openEpochs,
  saveAccount,
  saveCarry,
  saveEpoch,
  saveUsage,
  usageUp,
  usageWeight,
} from "./state";

/** The uptime share of a closed epoch's totals for usage `u` (zero when the worker was not up). */
function uptimeShare(closed: JsonValue, u: JsonValue): U128 {
  return usageUp(u) ? amountIn(closed, "per_up") : U128.zero();
}

/** The weight share `⌊w·D/W⌋` of usage `u` in a closed epoch (zero when no weight was counted). */
function weightShare(ep: JsonValue, closed: JsonValue, u: JsonValue): U128 | null {
  const w = usageWeight(u);
  if (w === null) return null;
  const total = amountIn(ep, "weight");
  if (total.isZero()) return U128.zero();
  const share = U128.mulDiv(w, amountIn(closed, "distributed"), total);
  // w ≤ W, so the share never exceeds D.
  if (share === null) throw new Error("weight share above the distributed amount");
  return share;
}

/** A worker's share of closed epoch `ep` for usage `u` (weight share plus uptime share); null after a failure. */
export function shareOf(ep: JsonValue, u: JsonValue): U128 | null {
  const closed = closedPart(ep);
  if (closed === null) {
    fail("internal: share of an open epoch");
    return null;
  }
  const byWeight = weightShare(ep, closed, u);
  if (byWeight === null) return null;
  return addAmounts(byWeight, uptimeShare(closed, u));
}

function usageOf(worker: string, e: u64): JsonValue {
  const u = loadUsage(worker, e);
  if (u === null) throw new Error("open epoch without usage");
  return u!;
}

/**
 * Settles every closed epoch of `worker`'s open list into its `settled` balance, applying the remainder rule to
 * each epoch's remaining totals (at most MAX_OPEN_EPOCHS epochs). Returns the account; null after a failure.
 */
export function settleWorker(worker: string): JsonValue | null {
  const account = loadAccount(worker);
  const closed = closedCount();
  const open = openEpochs(account);
  if (open.length == 0 || open[0] >= closed) return account;
  let settled = amountIn(account, "settled");
  const still = new Array<u64>();
  for (let i = 0; i < open.length; i++) {
    const e = open[i];
    if (e >= closed) {
      still.push(e);
      continue;
    }
    const ep = loadEpoch(e);
    const u = usageOf(worker, e);
    const share = shareOf(ep, u);
    if (share === null) return null;
    const c = closedPart(ep)!;
    const byWeight = share.sub(uptimeShare(c, u))!;
    const w = usageWeight(u);
    if (w === null) return null;
    const remainingWeight = subAmounts(amountIn(c, "remaining_weight"), w);
    let remainingAmount = subAmounts(amountIn(c, "remaining_amount"), byWeight);
    if (remainingWeight === null || remainingAmount === null) return null;
    if (remainingWeight.isZero() && !remainingAmount.isZero()) {
      const carry = addAmounts(loadCarry(), remainingAmount);
      if (carry === null) return null;
      saveCarry(carry);
      remainingAmount = U128.zero();
    }
    setAmountIn(c, "remaining_weight", remainingWeight);
    setAmountIn(c, "remaining_amount", remainingAmount);
    saveEpoch(e, ep);
    setAmountIn(u, "reward", share);
    saveUsage(worker, e, u);
    const next = addAmounts(settled, share);
    if (next === null) return null;
    settled = next;
  }
  account.set("open", epochsJson(still));
  setAmountIn(account, "settled", settled);
  saveAccount(worker, account);
  return failed() ? null : account;
}

/** What `settleWorker` would credit, without writing (for queries). */
export class Pending {
  constructor(
    public pending: U128,
    public unsettledWeight: U128,
    public claimed: U128,
  ) {}
}

export function pendingOf(worker: string): Pending | null {
  const account = loadAccount(worker);
  const closed = closedCount();
  let pending = amountIn(account, "settled");
  let unsettled = U128.zero();
  const open = openEpochs(account);
  for (let i = 0; i < open.length; i++) {
    const e = open[i];
    const u = usageOf(worker, e);
    if (e < closed) {
      const share = shareOf(loadEpoch(e), u);
      const next: U128 | null = share !== null ? addAmounts(pending, share) : null;
      if (next === null) return null;
      pending = next;
    } else {
      const w = usageWeight(u);
      const next: U128 | null = w !== null ? addAmounts(unsettled, w) : null;
      if (next === null) return null;
      unsettled = next;
    }
  }
  return new Pending(pending, unsettled, amountIn(account, "claimed"));
}
