/**
 * The operator's messages: `register_worker` (stake, URL, key, attestation binding), `update_worker`,
 * `deregister_worker`, `withdraw_stake`, and `report_liveness` (anyone may submit the worker key's signature).
 */
import {fromBase64, fromHex} from "../../lib/bytes";
import {verifySha256Signature} from "../../lib/crypto";
import {Coin, Env, Info} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {fail} from "../../lib/result";
import {Response} from "../../lib/response";
import {Storage} from "../../lib/storage";
import {checkedAdd, parseUint128, U128} from "../../lib/u128";
import {checkBundleBinding, requireWorkerAccount} from "./binding";
import {decodeWorkerPubkey} from "../../lib/crypto";
import {checkWorkerUrl} from "./url";
import {Config, loadConfig} from "./config";
import {acceptedChallenges} from "./epoch";
import {operatorKey} from "./keys";
import {field, statusResponse, stringList, validAddress} from "../../lib/contract";
import {indexWorker, loadWorker, nextWorkerId, saveAttestation, saveWorkerInfo, unindexWorker} from "./registry";
import {STATUS_ACTIVE, STATUS_UNBONDING, STATUS_WITHDRAWN, Worker} from "./worker";

/**
 * The stake sent with a registration: only `stake_denom`, at least `min_stake`; null after `fail`. (A
 * transaction's coins have one entry per denomination, so the sum is one amount and cannot overflow.)
 */
function checkStake(funds: Coin[], config: Config): U128 | null {
  const denom = config.stakeDenom;
  let total = U128.zero();
  for (let i = 0; i < funds.length; i++) {
    if (funds[i].denom != denom) {
      fail(`Invalid stake: only ${denom} is accepted, got ${funds[i].denom}`);
      return null;
    }
    const amount = parseUint128(funds[i].amount, "stake");
    if (amount === null) return null;
    const sum = checkedAdd(total, amount);
    if (sum === null) return null;
    total = sum;
  }
  const min = U128.parse(config.minStake)!;
  if (total.lt(min)) {
    fail(`Insufficient stake: sent ${total.toString()}${denom}, the minimum is ${min.toString()}${denom}`);
    return null;
  }
  return total;
}

/** The worker `id` names (null: the sender's current worker); the sender must operate it. Null after `fail`. */
export function operatedWorker(sender: string, id: string | null): Worker | null {
  const wid = id !== null ? id : Storage.getJsonString(operatorKey(sender));
  if (wid === null) {
    fail(`no worker is operated by ${sender}`);
    return null;
  }
  const w = loadWorker(wid);
  if (w === null) return null;
  if (w.operator != sender) {
    fail(`Unauthorized: worker ${wid} is operated by another account`);
    return null;
  }
  return w;
}

/** Takes a worker out of assignment and starts its unbonding period; false after `fail`. */
export function retire(env: Env, config: Config, w: Worker, status: string): bool {
  if (!unindexWorker(w.id, w.models)) return false;
  w.status = status;
  w.unbondingEndsAt = env.time + config.unbondingSeconds;
  saveWorkerInfo(w);
  return true;
}

export function registerWorker(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  const stake = checkStake(info.funds, config);
  if (stake === null) return null;
  const url = checkWorkerUrl(field(body, "url"), config.allowLoopbackUrls);
  if (url === null) return null;
  const payout = field(body, "payout_address");
  if (!validAddress(payout, "payout")) return null;
  const pubkeyText = field(body, "worker_pubkey");
  const pubkey = decodeWorkerPubkey(pubkeyText);
  if (pubkey === null) return null;
  if (!requireWorkerAccount(pubkey, info.sender)) return null;
  const current = Storage.getJsonString(operatorKey(info.sender));
  if (current !== null) {
    fail(`this worker key already operates worker ${current}; use update_worker, or deregister_worker and withdraw_stake first`);
    return null;
  }
  const challenges = acceptedChallenges(config, env.time);
  if (challenges === null) return null;
  const attestation = body.get("attestation")!;
  if (checkBundleBinding(attestation, pubkey, challenges) === null) return null;

  const id = nextWorkerId();
  const models = stringList(body.get("models")!);
  const w = Worker.create(id, info.sender, url, body.get("models")!, payout, pubkeyText, stake.toString(), env.time);
  saveWorkerInfo(w);
  saveAttestation(id, attestation);
  Storage.setJsonString(operatorKey(info.sender), id);
  indexWorker(id, models);
  const res = new Response();
  res.setData(JsonValue.object().set("register_worker", JsonValue.object().setString("worker_id", id)));
  res.addPlainAttribute("worker_id", id);
  return res;
}

export function updateWorker(env: Env, info: Info, body: JsonValue): Response | null {
  if (info.funds.length > 0) {
    fail("update_worker takes no funds");
    return null;
  }
  const config = loadConfig();
  if (config === null) return null;
  const w = operatedWorker(info.sender, body.getString("worker_id"));
  if (w === null) return null;
  if (w.status != STATUS_ACTIVE) {
    fail(`worker ${w.id} is ${w.status}; only an active worker can be updated`);
    return null;
  }
  const url = body.getString("url");
  const models = body.opt("models");
  const payout = body.getString("payout_address");
  const attestation = body.opt("attestation");
  if (url === null && models === null && payout === null && attestation === null) {
    fail("update_worker: nothing to change (give url, models, payout_address or attestation)");
    return null;
  }
  if (url !== null) {
    const checked = checkWorkerUrl(url, config.allowLoopbackUrls);
    if (checked === null) return null;
    w.url = checked;
  }
  if (payout !== null) {
    if (!validAddress(payout, "payout")) return null;
    w.payoutAddress = payout;
  }
  if (attestation !== null) {
    const pubkey = decodeWorkerPubkey(w.workerPubkey);
    if (pubkey === null) return null;
    const challenges = acceptedChallenges(config, env.time);
    if (challenges === null) return null;
    if (checkBundleBinding(attestation, pubkey, challenges) === null) return null;
    saveAttestation(w.id, attestation);
    w.lastLivenessAt = env.time;
  }
  if (models !== null) {
    if (!unindexWorker(w.id, w.models)) return null;
    const next = stringList(models);
    w.models = next;
    indexWorker(w.id, next);
  }
  saveWorkerInfo(w);
  return statusResponse("update_worker");
}

export function deregisterWorker(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  const w = operatedWorker(info.sender, body.getString("worker_id"));
  if (w === null) return null;
  if (w.status != STATUS_ACTIVE) {
    fail(`worker ${w.id} is ${w.status}, not active`);
    return null;
  }
  if (!retire(env, config, w, STATUS_UNBONDING)) return null;
  return statusResponse("deregister_worker");
}

export function withdrawStake(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  const w = operatedWorker(info.sender, body.getString("worker_id"));
  if (w === null) return null;
  if (w.status == STATUS_ACTIVE) {
    fail(`worker ${w.id} is active: deregister_worker first`);
    return null;
  }
  const stake = U128.parse(w.stake)!;
  if (stake.isZero()) {
    fail(`worker ${w.id} has no stake left to withdraw`);
    return null;
  }
  const ends = w.unbondingEndsAt;
  if (env.time < ends) {
    fail(`worker ${w.id} is unbonding until ${ends} (block time ${env.time})`);
    return null;
  }
  w.stake = "0";
  if (w.status == STATUS_UNBONDING) w.status = STATUS_WITHDRAWN;
  saveWorkerInfo(w);
  Storage.remove(operatorKey(w.operator));
  const res = statusResponse("withdraw_stake");
  res.addBankSend(w.operator, [new Coin(config.stakeDenom, stake.toString())]);
  return res;
}

export function reportLiveness(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  const given = body.getString("worker_id");
  const wid = given !== null ? given : Storage.getJsonString(operatorKey(info.sender));
  if (wid === null) {
    fail(`no worker is operated by ${info.sender}; pass worker_id`);
    return null;
  }
  const w = loadWorker(wid);
  if (w === null) return null;
  if (w.status != STATUS_ACTIVE) {
    fail(`worker ${wid} is ${w.status}, not active`);
    return null;
  }
  const sig = fromBase64(field(body, "signature"));
  if (sig === null) {
    fail("Invalid liveness signature: not base64");
    return null;
  }
  const pubkey = decodeWorkerPubkey(w.workerPubkey);
  if (pubkey === null) return null;
  const challenges = acceptedChallenges(config, env.time);
  if (challenges === null) return null;
  let ok = false;
  for (let i = 0; i < challenges.length && !ok; i++) ok = verifySha256Signature(fromHex(challenges[i])!, sig, pubkey);
  if (!ok) {
    fail(`Invalid liveness signature: not the key of worker ${wid} over the current challenge`);
    return null;
  }
  w.lastLivenessAt = env.time;
  saveWorkerInfo(w);
  return statusResponse("report_liveness");
}
