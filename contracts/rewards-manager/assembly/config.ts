/**
 * `instantiate`, `update_config` and `revoke_permit` (see `contracts/rewards-manager/contract.ts`).
 *
 * The epoch clock is the WorkerManager's when one is configured (its genesis and epoch length, read from `config`
 * and `get_registration_challenge`, and a different `epoch_seconds` is refused), so a record's epoch means the same
 * interval in both contracts; otherwise the instantiation time and `epoch_seconds`. The length never changes.
 */
import {Env, Info} from "../../lib/env";
import {requireAdmin} from "../../lib/entry";
import {JsonValue} from "../../lib/json";
import {numbersEqual} from "../../lib/number";
import {revokePermit as storePermitRevocation} from "../../lib/permit";
import {Response} from "../../lib/response";
import {fail} from "../../lib/result";
import {Storage} from "../../lib/storage";
import {parseUint128} from "../../lib/u128";
import {KEY_CLOCK} from "./keys";
import {contractRef, field, statusResponse, validAddress} from "../../lib/contract";
import {numberJson, numberText} from "./msg";
import {loadConfig, saveConfig} from "./state";
import {queryWorkerManager} from "./workers";

/** An optional contract reference of a message: JSON null when absent; null after a failure. */
function optionalRef(msg: JsonValue, key: string, what: string): JsonValue | null {
  const ref = msg.opt(key);
  return ref === null ? JsonValue.null_() : contractRef(ref, what);
}

/** An address field of a message, or `fallback` when absent; null after `Invalid <what> address: …`. */
function addressOr(msg: JsonValue, key: string, fallback: string, what: string): string | null {
  const given = msg.getString(key);
  const addr = given === null ? fallback : given;
  return validAddress(addr, what) ? addr : null;
}

/** The canonical decimal text of a weight cap; null after `Invalid unconfirmed_weight_cap: …`. */
function capText(text: string): string | null {
  const cap = parseUint128(text, "unconfirmed_weight_cap");
  return cap === null ? null : cap.toString();
}

/** `{genesis, epoch_seconds}`: the WorkerManager's clock, or the instantiation time and `epoch_seconds`. */
function initialClock(env: Env, msg: JsonValue, wm: JsonValue): JsonValue | null {
  const epochSeconds = msg.get("epoch_seconds")!;
  if (wm.isNull) return JsonValue.object().setU64("genesis", env.time).set("epoch_seconds", numberJson(epochSeconds));
  const cfg = queryWorkerManager(wm, "config");
  if (cfg === null) return null;
  const ch = queryWorkerManager(wm, "get_registration_challenge");
  if (ch === null) return null;
  const wmSeconds = cfg.get("epoch_seconds")!;
  if (!numbersEqual(wmSeconds.numText, epochSeconds.numText)) {
    fail("epoch_seconds " + numberText(epochSeconds) + " differs from the worker manager's " + numberText(wmSeconds));
    return null;
  }
  const len = wmSeconds.asI64();
  const genesis = ch.get("valid_until")!.asI64() - (ch.get("epoch")!.asI64() + 1) * len;
  return JsonValue.object().setI64("genesis", genesis).set("epoch_seconds", numberJson(wmSeconds));
}

export function instantiateRewards(env: Env, info: Info, msg: JsonValue): Response | null {
  const admin = addressOr(msg, "admin", info.sender, "admin");
  if (admin === null) return null;
  const paymentToken = contractRef(msg.get("payment_token")!, "payment token");
  if (paymentToken === null) return null;
  const feeRecipient = addressOr(msg, "fee_recipient", admin, "fee recipient");
  if (feeRecipient === null) return null;
  const givenCap = msg.getString("unconfirmed_weight_cap");
  const cap = capText(givenCap === null ? "0" : givenCap);
  if (cap === null) return null;
  const workerManager = optionalRef(msg, "worker_manager", "worker manager");
  if (workerManager === null) return null;
  const subscriptionManager = optionalRef(msg, "subscription_manager", "subscription manager");
  if (subscriptionManager === null) return null;
  const uptime = msg.opt("uptime_reward_bps");
  const config = JsonValue.object()
    .setString("admin", admin)
    .set("payment_token", paymentToken)
    .set("epoch_seconds", numberJson(msg.get("epoch_seconds")!))
    .set("protocol_fee_bps", numberJson(msg.get("protocol_fee_bps")!))
    .setString("fee_recipient", feeRecipient)
    .setString("unconfirmed_weight_cap", cap)
    .set("uptime_reward_bps", uptime === null ? JsonValue.uint(0) : numberJson(uptime))
    .set("worker_manager", workerManager)
    .set("subscription_manager", subscriptionManager);
  saveConfig(config);
  const clock = initialClock(env, msg, workerManager);
  if (clock === null) return null;
  Storage.setJson(KEY_CLOCK, clock);
  return new Response();
}

/** Sets `config[key]` to the message's contract reference when given; false after a failure. */
function updateRef(config: JsonValue, body: JsonValue, key: string, what: string): bool {
  const given = body.opt(key);
  if (given === null) return true;
  const ref = contractRef(given, what);
  if (ref === null) return false;
  config.set(key, ref);
  return true;
}

/** Sets `config[key]` to the message's address when given; false after a failure. */
function updateAddress(config: JsonValue, body: JsonValue, key: string, what: string): bool {
  const given = body.getString(key);
  if (given === null) return true;
  if (!validAddress(given, what)) return false;
  config.setString(key, given);
  return true;
}

/** Sets `config[key]` to the message's number when given. */
function updateNumber(config: JsonValue, body: JsonValue, key: string): void {
  const given = body.opt(key);
  if (given !== null) config.set(key, numberJson(given));
}

export function updateConfig(env: Env, info: Info, body: JsonValue): Response | null {
  const loaded = loadConfig();
  if (loaded === null) return null;
  const config = loaded.json;
  if (!requireAdmin(loaded.admin, info.sender, "update_config")) return null;
  const epochSeconds = body.opt("epoch_seconds");
  if (epochSeconds !== null && !numbersEqual(epochSeconds.numText, config.get("epoch_seconds")!.numText)) {
    fail("epoch_seconds is fixed at instantiation (record epochs must keep meaning the same interval)");
    return null;
  }
  if (!updateAddress(config, body, "admin", "admin")) return null;
  if (!updateRef(config, body, "payment_token", "payment token")) return null;
  updateNumber(config, body, "protocol_fee_bps");
  if (!updateAddress(config, body, "fee_recipient", "fee recipient")) return null;
  const givenCap = body.getString("unconfirmed_weight_cap");
  if (givenCap !== null) {
    const cap = capText(givenCap);
    if (cap === null) return null;
    config.setString("unconfirmed_weight_cap", cap);
  }
  updateNumber(config, body, "uptime_reward_bps");
  if (!updateRef(config, body, "worker_manager", "worker manager")) return null;
  if (!updateRef(config, body, "subscription_manager", "subscription manager")) return null;
  saveConfig(config);
  return statusResponse("update_config");
}

export function revokePermit(env: Env, info: Info, body: JsonValue): Response | null {
  storePermitRevocation(info.sender, field(body, "permit_name"));
  return statusResponse("revoke_permit");
}
