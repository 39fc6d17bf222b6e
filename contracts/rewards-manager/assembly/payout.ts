/**
 * Money out (see `contracts/rewards-manager/payout.ts`): `close_epoch` fixes the oldest open epoch's shares and pays
 * the protocol fee; `claim_rewards` settles and pays the caller's workers. Both cost the same whatever the number
 * of workers and epochs.
 */
import {Env, Info} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {Response} from "../../lib/response";
import {fail, failed} from "../../lib/result";
import {U128} from "../../lib/u128";
import {addAmounts, amountIn, setAmountIn} from "./amounts";
import {BPS} from "./keys";
import {settleWorker} from "./settle";
import {closedCount, Config, loadCarry, loadClock, loadConfig, loadEpoch, ownedWorkers, saveAccount, saveCarry, saveClosedCount, saveEpoch} from "./state";
import {queryWorker} from "./workers";

/** Adds a SNIP-20 `transfer` of the payment token from this contract to `res`. */
function addTokenTransfer(res: Response, config: Config, recipient: string, amount: U128): void {
  const token = config.paymentToken;
  const transfer = JsonValue.object().setString("recipient", recipient).setString("amount", amount.toString());
  res.addWasmExecute(token.get("address")!.asString(), token.get("code_hash")!.asString(), JsonValue.object().set("transfer", transfer), []);
}

/** `⌊a · bps / 10⁴⌋`. */
function basisPoints(a: U128, bps: u64): U128 {
  return U128.mulDiv(a, U128.fromU64(bps), U128.fromU64(BPS))!;
}

/** The `close_epoch` handler: closes the oldest open epoch once its end has passed. */
export function closeEpoch(env: Env, info: Info, body: JsonValue): Response | null {
  if (info.funds.length > 0) {
    fail("close_epoch takes no funds");
    return null;
  }
  const config = loadConfig();
  if (config === null) return null;
  const clock = loadClock();
  if (clock === null) return null;
  const e = closedCount();
  const ends = clock.end(e);
  if (<i64>env.time < ends) {
    fail("epoch " + e.toString() + " ends at " + ends.toString() + "; block time is " + env.time.toString());
    return null;
  }

  const ep = loadEpoch(e);
  const carriedIn = loadCarry();
  const total = addAmounts(amountIn(ep, "revenue"), carriedIn);
  if (total === null) return null;
  const workersUp = ep.get("workers_up")!.asU64();
  const fee = basisPoints(total, config.protocolFeeBps);
  const uptimePool = workersUp > 0 ? basisPoints(fee, config.uptimeRewardBps) : U128.zero();
  const perUp = workersUp > 0 ? uptimePool.div(U128.fromU64(workersUp))! : U128.zero();
  const uptimeDust = uptimePool.sub(perUp.mul(U128.fromU64(workersUp))!)!;
  const paidFee = fee.sub(uptimePool)!;
  const weight = amountIn(ep, "weight");
  const rest = total.sub(fee)!;
  const distributed = weight.isZero() ? U128.zero() : rest;
  // uptimeDust ≤ fee and the rest is total − fee: the carry never exceeds total.
  const carryOut = weight.isZero() ? uptimeDust.add(rest)! : uptimeDust;

  const closed = JsonValue.object();
  setAmountIn(closed, "carried_in", carriedIn);
  setAmountIn(closed, "protocol_fee", paidFee);
  setAmountIn(closed, "uptime_pool", uptimePool);
  setAmountIn(closed, "per_up", perUp);
  setAmountIn(closed, "distributed", distributed);
  closed.set("remaining_weight", ep.get("weight")!);
  setAmountIn(closed, "remaining_amount", distributed);
  ep.set("closed", closed);
  saveEpoch(e, ep);
  saveCarry(carryOut);
  saveClosedCount(e + 1);

  const answer = JsonValue.object()
    .setU64("epoch", e)
    .setString("revenue", total.toString())
    .setString("protocol_fee", paidFee.toString())
    .setString("distributed", distributed.toString())
    .set("total_weight", ep.get("weight")!);
  const res = new Response().setData(JsonValue.object().set("close_epoch", answer)).addPlainAttribute("closed_epoch", e.toString());
  if (!paidFee.isZero()) addTokenTransfer(res, config, config.feeRecipient, paidFee);
  return res;
}

/**
 * The `claim_rewards` handler: settles and pays the caller's workers (those it operates or is the payout address
 * of, as the WorkerManager says now) to each worker's current payout address. Naming a worker the caller has no
 * say over is refused; a caller with nothing settled is paid nothing.
 */
export function claimRewards(env: Env, info: Info, body: JsonValue): Response | null {
  if (info.funds.length > 0) {
    fail("claim_rewards takes no funds");
    return null;
  }
  const config = loadConfig();
  if (config === null) return null;
  const named = body.getString("worker_id");
  let ids: string[];
  if (named !== null) ids = [named];
  else ids = ownedWorkers(info.sender);
  const payouts = JsonValue.array();
  let totalPaid = U128.zero();
  const res = new Response();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const w = queryWorker(config, id);
    if (w === null) return null;
    if (!w.ownedBy(info.sender)) {
      if (named !== null) {
        fail("Unauthorized: " + info.sender + " is neither the operator nor the payout address of worker " + id);
        return null;
      }
      continue;
    }
    const account = settleWorker(id);
    if (account === null) return null;
    const amount = amountIn(account, "settled");
    if (amount.isZero()) continue;
    const claimed = addAmounts(amountIn(account, "claimed"), amount);
    if (claimed === null) return null;
    account.setString("settled", "0");
    setAmountIn(account, "claimed", claimed);
    saveAccount(id, account);
    payouts.push(JsonValue.object().setString("worker_id", id).setString("address", w.payoutAddress).setString("amount", amount.toString()));
    addTokenTransfer(res, config, w.payoutAddress, amount);
    const paid = addAmounts(totalPaid, amount);
    if (paid === null) return null;
    totalPaid = paid;
  }
  if (failed()) return null;
  res.setData(JsonValue.object().set("claim_rewards", JsonValue.object().setString("amount", totalPaid.toString()).set("payouts", payouts)));
  return res;
}
