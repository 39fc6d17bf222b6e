/**
 * `instantiate` and the admin's messages: `update_config`, `remove_worker`, `slash_worker`,
 * `set_accepted_measurements`; and SNIP-24 `revoke_permit` (any account, for its own permits).
 */
import {Coin, Env, Info} from "../../lib/env";
import {requireAdmin} from "../../lib/entry";
import {JsonValue} from "../../lib/json";
import {revokePermit as storeRevocation} from "../../lib/permit";
import {fail} from "../../lib/result";
import {Response} from "../../lib/response";
import {Storage} from "../../lib/storage";
import {parseUint128, U128} from "../../lib/u128";
import {loadConfig, saveConfig} from "./config";
import {challengeSeed} from "./epoch";
import {KEY_CHALLENGE_SEED, KEY_GENESIS_TIME, KEY_MEASUREMENTS} from "./keys";
import {contractRef, field, statusResponse, validAddress} from "../../lib/contract";
import {loadWorker, saveWorkerInfo} from "./registry";
import {STATUS_ACTIVE, STATUS_REMOVED, STATUS_UNBONDING} from "./worker";
import {retire} from "./workers";

/** Default native stake denomination. */
const DEFAULT_STAKE_DENOM = "uscrt";

/** An optional `ContractRef` member: JSON null when absent or null; null after `fail`. */
function optionalRef(msg: JsonValue, key: string, what: string): JsonValue | null {
  const ref = msg.opt(key);
  return ref === null ? JsonValue.null_() : contractRef(ref, what);
}

export function instantiate(env: Env, info: Info, msg: JsonValue): Response | null {
  if (parseUint128(field(msg, "min_stake"), "min_stake") === null) return null;
  const givenAdmin = msg.getString("admin");
  const admin = givenAdmin !== null ? givenAdmin : info.sender;
  if (!validAddress(admin, "admin")) return null;
  const paymentToken = contractRef(msg.get("payment_token")!, "payment token");
  if (paymentToken === null) return null;
  const subscriptionManager = optionalRef(msg, "subscription_manager", "subscription manager");
  if (subscriptionManager === null) return null;
  const rewardsManager = optionalRef(msg, "rewards_manager", "rewards manager");
  if (rewardsManager === null) return null;
  const fee = msg.getString("fee_address");
  if (fee !== null && !validAddress(fee, "fee")) return null;
  const epochSeconds = msg.get("epoch_seconds")!;
  const denom = msg.getString("stake_denom");
  const liveness = msg.opt("liveness_interval_seconds");
  saveConfig(JsonValue.object()
    .setString("admin", admin)
    .set("payment_token", paymentToken)
    .setString("min_stake", field(msg, "min_stake"))
    .set("epoch_seconds", epochSeconds)
    .set("unbonding_seconds", msg.get("unbonding_seconds")!)
    .setString("stake_denom", denom !== null ? denom : DEFAULT_STAKE_DENOM)
    .set("liveness_interval_seconds", liveness !== null ? liveness : epochSeconds)
    .set("subscription_manager", subscriptionManager)
    .set("rewards_manager", rewardsManager)
    .setString("fee_address", fee !== null ? fee : admin)
    .setBool("allow_loopback_urls", msg.getBool("allow_loopback_urls")));
  Storage.setU64(KEY_GENESIS_TIME, env.time);
  Storage.setJsonString(KEY_CHALLENGE_SEED, challengeSeed(env, info.sender));
  const policy = msg.opt("accepted_measurements");
  Storage.setJson(KEY_MEASUREMENTS, policy !== null ? policy : JsonValue.null_());
  return new Response();
}

export function updateConfig(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  if (!requireAdmin(config.admin, info.sender, "update_config")) return null;
  const next = config.json;
  const admin = body.getString("admin");
  if (admin !== null) {
    if (!validAddress(admin, "admin")) return null;
    next.setString("admin", admin);
  }
  if (!setRef(next, body, "payment_token", "payment token")) return null;
  const minStake = body.getString("min_stake");
  if (minStake !== null) {
    const parsed = parseUint128(minStake, "min_stake");
    if (parsed === null) return null;
    next.setString("min_stake", parsed.toString());
  }
  const denom = body.getString("stake_denom");
  if (denom !== null) next.setString("stake_denom", denom);
  copyIfGiven(next, body, "epoch_seconds");
  copyIfGiven(next, body, "unbonding_seconds");
  copyIfGiven(next, body, "liveness_interval_seconds");
  if (!setRef(next, body, "subscription_manager", "subscription manager")) return null;
  if (!setRef(next, body, "rewards_manager", "rewards manager")) return null;
  const fee = body.getString("fee_address");
  if (fee !== null) {
    if (!validAddress(fee, "fee")) return null;
    next.setString("fee_address", fee);
  }
  copyIfGiven(next, body, "allow_loopback_urls");
  saveConfig(next);
  return statusResponse("update_config");
}

/** `next[key] = body[key]` when the body gives it (not absent, not null). */
function copyIfGiven(next: JsonValue, body: JsonValue, key: string): void {
  const v = body.opt(key);
  if (v !== null) next.set(key, v);
}

/** Sets a `ContractRef` member when the body gives it; false after `fail`. */
function setRef(next: JsonValue, body: JsonValue, key: string, what: string): bool {
  const given = body.opt(key);
  if (given === null) return true;
  const ref = contractRef(given, what);
  if (ref === null) return false;
  next.set(key, ref);
  return true;
}

export function revokePermit(env: Env, info: Info, body: JsonValue): Response | null {
  storeRevocation(info.sender, field(body, "permit_name"));
  return statusResponse("revoke_permit");
}

export function removeWorker(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  if (!requireAdmin(config.admin, info.sender, "remove_worker")) return null;
  const w = loadWorker(field(body, "worker_id"));
  if (w === null) return null;
  if (w.status != STATUS_ACTIVE && w.status != STATUS_UNBONDING) {
    fail(`worker ${w.id} is ${w.status}`);
    return null;
  }
  if (!retire(env, config, w, STATUS_REMOVED)) return null;
  return statusResponse("remove_worker");
}

export function slashWorker(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  if (!requireAdmin(config.admin, info.sender, "slash_worker")) return null;
  const w = loadWorker(field(body, "worker_id"));
  if (w === null) return null;
  const amount = parseUint128(field(body, "amount"), "amount");
  if (amount === null) return null;
  const stake = U128.parse(w.stake)!;
  if (amount.isZero()) {
    fail("Invalid amount: slash a positive amount");
    return null;
  }
  if (amount.gt(stake)) {
    fail(`Invalid amount: worker ${w.id} has only ${stake.toString()}${config.stakeDenom} staked`);
    return null;
  }
  w.stake = stake.sub(amount)!.toString();
  if (w.status == STATUS_ACTIVE || w.status == STATUS_UNBONDING) {
    if (!retire(env, config, w, STATUS_REMOVED)) return null;
  } else saveWorkerInfo(w);
  const res = statusResponse("slash_worker");
  res.addBankSend(config.feeAddress, [new Coin(config.stakeDenom, amount.toString())]);
  return res;
}

export function setAcceptedMeasurements(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  if (!requireAdmin(config.admin, info.sender, "set_accepted_measurements")) return null;
  Storage.setJson(KEY_MEASUREMENTS, body.get("policy")!);
  return statusResponse("set_accepted_measurements");
}
