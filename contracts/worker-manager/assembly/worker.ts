/**
 * A worker's public facts (`WorkerInfo`) as stored under `worker:<id>`, kept as the stored JSON object so that
 * changes replace members in place and the key order stays the TypeScript contract's: `id, operator, url, models,
 * payout_address, worker_pubkey, status, stake, registered_at, last_liveness_at, unbonding_ends_at`.
 */
import {JsonValue} from "../../lib/json";
import {field, jsonStrings, stringList, u64Of} from "../../lib/contract";

export const STATUS_ACTIVE = "active";
export const STATUS_UNBONDING = "unbonding";
export const STATUS_WITHDRAWN = "withdrawn";
export const STATUS_REMOVED = "removed";

export class Worker {
  constructor(public json: JsonValue) {}

  /** A new active worker record. */
  static create(id: string, operator: string, url: string, models: JsonValue, payout: string, pubkey: string, stake: string, time: u64): Worker {
    return new Worker(JsonValue.object()
      .setString("id", id)
      .setString("operator", operator)
      .setString("url", url)
      .set("models", models)
      .setString("payout_address", payout)
      .setString("worker_pubkey", pubkey)
      .setString("status", STATUS_ACTIVE)
      .setString("stake", stake)
      .setU64("registered_at", time)
      .setU64("last_liveness_at", time)
      .setNull("unbonding_ends_at"));
  }

  get id(): string {
    return field(this.json, "id");
  }

  get operator(): string {
    return field(this.json, "operator");
  }

  get url(): string {
    return field(this.json, "url");
  }

  set url(url: string) {
    this.json.setString("url", url);
  }

  get models(): string[] {
    return stringList(this.json.get("models")!);
  }

  set models(models: string[]) {
    this.json.set("models", jsonStrings(models));
  }

  set payoutAddress(addr: string) {
    this.json.setString("payout_address", addr);
  }

  get workerPubkey(): string {
    return field(this.json, "worker_pubkey");
  }

  get status(): string {
    return field(this.json, "status");
  }

  set status(status: string) {
    this.json.setString("status", status);
  }

  /** The stake, a canonical decimal string. */
  get stake(): string {
    return field(this.json, "stake");
  }

  set stake(stake: string) {
    this.json.setString("stake", stake);
  }

  /** `last_liveness_at ?? registered_at`. */
  get lastSeen(): u64 {
    const last = this.json.opt("last_liveness_at");
    return u64Of(last !== null ? last : this.json.get("registered_at")!);
  }

  set lastLivenessAt(time: u64) {
    this.json.setU64("last_liveness_at", time);
  }

  /** `unbonding_ends_at ?? 0`. */
  get unbondingEndsAt(): u64 {
    const ends = this.json.opt("unbonding_ends_at");
    return ends === null ? 0 : u64Of(ends);
  }

  set unbondingEndsAt(time: u64) {
    this.json.setU64("unbonding_ends_at", time);
  }
}
