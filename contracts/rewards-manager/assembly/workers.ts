/**
 * What the RewardsManager asks other contracts (through `query_chain`): a worker's public record at the
 * WorkerManager (`get_worker`), and whether a subscriber is the account behind a key handle at the
 * SubscriptionManager (`key_handle_matches`).
 */
import {pubkeyToAddress} from "../../lib/crypto";
import {JsonKind, JsonValue} from "../../lib/json";
import {queryContract} from "../../lib/querier";
import {fail, failed, resetFailure} from "../../lib/result";
import {field} from "../../lib/contract";
import {Config} from "./state";

/** The members of the WorkerManager's `WorkerInfo` the RewardsManager uses. */
export class WorkerInfo {
  id: string = "";
  operator: string = "";
  payoutAddress: string = "";
  workerPubkey: string = "";
  status: string = "";
  /** Unix seconds of the last liveness report, or null. */
  lastLivenessAt: JsonValue | null = null;

  static fromJson(v: JsonValue): WorkerInfo {
    const w = new WorkerInfo();
    w.id = field(v, "id");
    w.operator = field(v, "operator");
    w.payoutAddress = field(v, "payout_address");
    w.workerPubkey = field(v, "worker_pubkey");
    w.status = field(v, "status");
    w.lastLivenessAt = v.opt("last_liveness_at");
    return w;
  }

  /** True when `addr` operates the worker or is its payout address. */
  ownedBy(addr: string): bool {
    return addr == this.operator || addr == this.payoutAddress;
  }

  /** A removed (or slashed) worker, or one whose stake was withdrawn: its key is revoked. */
  get revoked(): bool {
    return this.status == "removed" || this.status == "withdrawn";
  }
}

/** A contract reference's `address` and `code_hash`, queried with `msg`; null after a failure. */
function queryRef(ref: JsonValue, msg: JsonValue): JsonValue | null {
  return queryContract(field(ref, "address"), field(ref, "code_hash"), msg);
}

/** The worker's public record at the WorkerManager (`get_worker`); null after a failure. */
export function queryWorker(config: Config, id: string): WorkerInfo | null {
  const wm = config.workerManager;
  if (wm === null) {
    fail("rewards-manager has no worker manager configured");
    return null;
  }
  const answer = queryRef(wm, JsonValue.object().set("get_worker", JsonValue.object().setString("id", id)));
  if (answer === null) return null;
  return WorkerInfo.fromJson(answer.get("worker")!);
}

/** The WorkerManager's `config` and `get_registration_challenge` answers, for the epoch clock. */
export function queryWorkerManager(wm: JsonValue, name: string): JsonValue | null {
  return queryRef(wm, JsonValue.object().set(name, JsonValue.object()));
}

/**
 * Whether the account of `subscriberPubkey` (33-byte compressed) is the subscriber behind `keyHandle`, as the
 * SubscriptionManager answers `{"key_handle_matches":{"key_handle","subscriber"}}` → `{"matches"}`. It names a
 * candidate rather than asking who is behind a handle. False without a SubscriptionManager, and when the query
 * fails: a failed query refuses the record, not the call (the failure it recorded is dropped; nothing failed
 * before it, since every handler returns at its first failure).
 */
export function subscriberMatches(config: Config, keyHandle: string, subscriberPubkey: Uint8Array): bool {
  const sm = config.subscriptionManager;
  if (sm === null) return false;
  const subscriber = pubkeyToAddress(subscriberPubkey);
  const question = JsonValue.object().setString("key_handle", keyHandle).setString("subscriber", subscriber);
  const answer = queryRef(sm, JsonValue.object().set("key_handle_matches", question));
  if (answer === null) {
    if (failed()) resetFailure();
    return false;
  }
  const matches = answer.get("matches");
  return matches !== null && matches.kind == JsonKind.Bool && matches.asBool();
}
