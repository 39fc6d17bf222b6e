/**
 * Queries (see `contracts/rewards-manager/contract.ts`): `config` and `epoch` are public; `pending_rewards` and
 * `worker_usage` take a SNIP-24 permit of this contract (`balance` or `owner`) of a worker operator or payout
 * address.
 */
import {Env} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {verifyPermit} from "../../lib/permit";
import {fail} from "../../lib/result";
import {U128} from "../../lib/u128";
import {addAmounts, amountIn} from "./amounts";
import {field, u64Of} from "../../lib/contract";
import {numberJson} from "./msg";
import {pendingOf, shareOf} from "./settle";
import {closedCount, closedPart, loadClock, loadConfig, loadEpoch, loadUsage, ownedWorkers, usageWeight} from "./state";
import {queryWorker} from "./workers";

const PERMISSION = "balance";

/** The stored configuration, as is. */
export function config(env: Env, body: JsonValue): JsonValue | null {
  const c = loadConfig();
  return c === null ? null : c.json;
}

/** Member `key` of an epoch's closed part, or JSON null while the epoch is open. */
function closedMember(closed: JsonValue | null, key: string): JsonValue {
  return closed === null ? JsonValue.null_() : closed.get(key)!;
}

/** An epoch's bounds and totals (default: the epoch the block time is in). */
export function epoch(env: Env, body: JsonValue): JsonValue | null {
  const clock = loadClock();
  if (clock === null) return null;
  const id = body.opt("id");
  const e = id === null ? clock.epochAt(env.time) : u64Of(id);
  const ep = loadEpoch(e);
  const closed = closedCount();
  const c = closedPart(ep);
  return JsonValue.object()
    .set("epoch", id === null ? JsonValue.uint(e) : numberJson(id))
    .set("starts_at", clock.boundJson(e, false))
    .set("ends_at", clock.boundJson(e, true))
    .set("revenue", ep.get("revenue")!)
    .setBool("closable", e == closed && <i64>env.time >= clock.end(e))
    .setBool("closed", e < closed)
    .set("total_weight", ep.get("weight")!)
    .set("workers_up", ep.get("workers_up")!)
    .set("carried_in", closedMember(c, "carried_in"))
    .set("protocol_fee", closedMember(c, "protocol_fee"))
    .set("uptime_pool", closedMember(c, "uptime_pool"))
    .set("distributed", closedMember(c, "distributed"));
}

/** Settled, not yet settled and claimed rewards of the workers the permit signer operates or is the payout address of. */
export function pendingRewards(env: Env, body: JsonValue): JsonValue | null {
  const cfg = loadConfig();
  if (cfg === null) return null;
  const signer = verifyPermit(body.get("permit")!, env.contractAddress, env.time, PERMISSION);
  if (signer === null) return null;
  const workers = JsonValue.array();
  let pending = U128.zero();
  let unsettled = U128.zero();
  let claimed = U128.zero();
  const ids = ownedWorkers(signer);
  for (let i = 0; i < ids.length; i++) {
    const w = queryWorker(cfg, ids[i]);
    if (w === null) return null;
    if (!w.ownedBy(signer)) continue;
    const p = pendingOf(ids[i]);
    if (p === null) return null;
    workers.push(JsonValue.object()
      .setString("worker_id", ids[i])
      .setString("pending", p.pending.toString())
      .setString("unsettled_weight", p.unsettledWeight.toString())
      .setString("claimed", p.claimed.toString()));
    const nextPending = addAmounts(pending, p.pending);
    const nextUnsettled = addAmounts(unsettled, p.unsettledWeight);
    const nextClaimed = addAmounts(claimed, p.claimed);
    if (nextPending === null || nextUnsettled === null || nextClaimed === null) return null;
    pending = nextPending;
    unsettled = nextUnsettled;
    claimed = nextClaimed;
  }
  return JsonValue.object()
    .setString("pending", pending.toString())
    .setString("unsettled_weight", unsettled.toString())
    .setString("claimed", claimed.toString())
    .set("workers", workers);
}

/** One worker's counted usage in an epoch, for its operator or payout address. */
export function workerUsage(env: Env, body: JsonValue): JsonValue | null {
  const cfg = loadConfig();
  if (cfg === null) return null;
  const workerId = field(body, "worker_id");
  const w = queryWorker(cfg, workerId);
  if (w === null) return null;
  const signer = verifyPermit(body.get("permit")!, env.contractAddress, env.time, PERMISSION);
  if (signer === null) return null;
  if (!w.ownedBy(signer)) {
    fail("Unauthorized: " + signer + " is neither the operator nor the payout address of worker " + w.id);
    return null;
  }
  const given = body.opt("epoch");
  let e: u64;
  if (given !== null) e = u64Of(given);
  else {
    const clock = loadClock();
    if (clock === null) return null;
    e = clock.epochAt(env.time);
  }
  const u = loadUsage(workerId, e);
  const ep = loadEpoch(e);
  let reward = JsonValue.null_();
  let weight = U128.zero();
  if (u !== null) {
    const w = usageWeight(u);
    if (w === null) return null;
    weight = w;
    const stored = u.opt("reward");
    if (stored !== null) reward = stored;
    else if (closedPart(ep) !== null) {
      const share = shareOf(ep, u);
      if (share === null) return null;
      reward = JsonValue.str(share.toString());
    }
  }
  return JsonValue.object()
    .setString("worker_id", workerId)
    .setU64("epoch", e)
    .set("records", u === null ? JsonValue.uint(0) : u.get("records")!)
    .setString("weight", weight.toString())
    .set("confirmed_weight", u === null ? JsonValue.str("0") : u.get("confirmed")!)
    .set("unconfirmed_weight", u === null ? JsonValue.str("0") : u.get("unconfirmed")!)
    .set("up", u === null ? JsonValue.bool(false) : u.get("up")!)
    .set("reward", reward);
}
