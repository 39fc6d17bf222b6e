/**
 * `report_work`: counting signed usage records (see `contracts/rewards-manager/work.ts`).
 *
 * The sender must operate every worker its records name, or the whole report is refused. Beyond that each record
 * is judged alone: a refused record is listed in the answer (`rejections: [{index, request_id, reason}]`) and
 * counts nothing. Weight = `input_tokens + 4 × output_tokens`; countersigned records count in full, worker-only
 * records up to `unconfirmed_weight_cap` per worker and epoch.
 *
 * Memory: with the stub runtime nothing is freed during a call, and a report holds up to 1 000 records within the
 * enclave's 12 MiB. So the epoch totals, usage entries and accounts a report touches are read once, changed in
 * memory and written once at the end (`Tally`), leaving the same stored values as the TypeScript contract's
 * write-per-record; only the request markers are read and written per record.
 */
import {fromBase64, utf8Encode} from "../../lib/bytes";
import {Env, Info} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {Response} from "../../lib/response";
import {fail, failed} from "../../lib/result";
import {Storage} from "../../lib/storage";
import {U128} from "../../lib/u128";
import {SubscriberCheck, verifySignedUsageRecord} from "../../lib/usage";
import {usageWeightOf} from "../../common/portable/usage-core";
import {addAmounts, amountIn, setAmountIn} from "./amounts";
import {MAX_OPEN_EPOCHS, requestKey} from "./keys";
import {field, u64Of} from "../../lib/contract";
import {numberText} from "./msg";
import {settleWorker} from "./settle";
import {
  Clock,
  closedCount,
  Config,
  epochsJson,
  loadAccount,
  loadClock,
  loadConfig,
  loadEpoch,
  loadUsage,
  newUsage,
  openEpochs,
  rememberOwner,
  saveAccount,
  saveEpoch,
  saveUsage,
} from "./state";
import {queryWorker, subscriberMatches, WorkerInfo} from "./workers";
import {decodeWorkerPubkey} from "../../lib/crypto";

/** Value of a request marker (`1`), made on first use (module-level code cannot call functions). */
let countedMarker: Uint8Array | null = null;

function markerValue(): Uint8Array {
  let v = countedMarker;
  if (v === null) {
    v = utf8Encode("1");
    countedMarker = v;
  }
  return v;
}

/** A worker named in the report: its record at the WorkerManager, its key, and its state as the report changes it. */
class ReportedWorker {
  account: JsonValue | null = null;
  open: u64[] = [];
  accountChanged: bool = false;
  usages: Map<u64, JsonValue> = new Map<u64, JsonValue>();
  /** Epochs of `usages`, in the order first touched. */
  usageEpochs: u64[] = [];

  constructor(
    public info: WorkerInfo,
    public pubkey: Uint8Array,
  ) {}

  /** The open epochs of the worker's account (loaded on first use, after the report settled the worker). */
  openEpochs(): u64[] {
    if (this.account === null) {
      const account = loadAccount(this.info.id);
      this.account = account;
      this.open = openEpochs(account);
    }
    return this.open;
  }

  usage(e: u64): JsonValue {
    if (this.usages.has(e)) return this.usages.get(e);
    const stored = loadUsage(this.info.id, e);
    const u = stored !== null ? stored : newUsage();
    this.usages.set(e, u);
    this.usageEpochs.push(e);
    return u;
  }

  save(): void {
    for (let i = 0; i < this.usageEpochs.length; i++) saveUsage(this.info.id, this.usageEpochs[i], this.usages.get(this.usageEpochs[i]));
    if (this.accountChanged) {
      const account = this.account!;
      account.set("open", epochsJson(this.open));
      saveAccount(this.info.id, account);
    }
  }
}

/** The report being counted: its context, the state it changes, and what it counted and refused so far. */
class Tally {
  rejections: JsonValue = JsonValue.array();
  rejected: i32 = 0;
  weight: U128 = U128.zero();
  epochs: Map<u64, JsonValue> = new Map<u64, JsonValue>();
  epochOrder: u64[] = [];
  /** SubscriptionManager answers by key handle and subscriber key (a report repeats the same few pairs). */
  matches: Map<string, bool> = new Map<string, bool>();

  constructor(
    public config: Config,
    public clock: Clock,
    public closed: u64,
    public current: u64,
    public cap: U128,
    public workers: Map<string, ReportedWorker>,
    public workerOrder: string[],
  ) {}

  /** Whether the subscriber of `pubkeyB64` is behind `keyHandle`, asked once per pair and report. */
  subscriberMatches(keyHandle: string, pubkeyB64: string): bool {
    const key = keyHandle + " " + pubkeyB64;
    if (this.matches.has(key)) return this.matches.get(key);
    const answer = subscriberMatches(this.config, keyHandle, fromBase64(pubkeyB64)!);
    this.matches.set(key, answer);
    return answer;
  }

  reject(index: i32, requestId: string, reason: string): void {
    this.rejections.push(JsonValue.object().setU64("index", <u64>index).setString("request_id", requestId).setString("reason", reason));
    this.rejected++;
  }

  epoch(e: u64): JsonValue {
    if (this.epochs.has(e)) return this.epochs.get(e);
    const ep = loadEpoch(e);
    this.epochs.set(e, ep);
    this.epochOrder.push(e);
    return ep;
  }

  /** Writes every epoch total, usage entry and account the report changed. */
  save(): void {
    for (let i = 0; i < this.epochOrder.length; i++) saveEpoch(this.epochOrder[i], this.epochs.get(this.epochOrder[i]));
    for (let i = 0; i < this.workerOrder.length; i++) this.workers.get(this.workerOrder[i]).save();
  }
}

/**
 * Looks up every worker the records name (in record order), checks the sender operates each, settles its closed
 * epochs and remembers its operator and payout address; false after a failure.
 */
function lookUpWorkers(config: Config, sender: string, records: JsonValue[], workers: Map<string, ReportedWorker>, order: string[]): bool {
  for (let i = 0; i < records.length; i++) {
    const id = field(records[i].get("record")!, "worker_id");
    if (workers.has(id)) continue;
    const w = queryWorker(config, id);
    if (w === null) return false;
    if (w.operator != sender) {
      fail("Unauthorized: worker " + id + " is not operated by " + sender);
      return false;
    }
    const pubkey = decodeWorkerPubkey(w.workerPubkey);
    if (pubkey === null) return false;
    workers.set(id, new ReportedWorker(w, pubkey));
    order.push(id);
    if (settleWorker(w.id) === null) return false;
    rememberOwner(w.operator, w.id);
    rememberOwner(w.payoutAddress, w.id);
  }
  return true;
}

/** Counts record `index` or records why it is refused; false after a failure of the whole call. */
function countRecord(tally: Tally, index: i32, signed: JsonValue): bool {
  const r = signed.get("record")!;
  const workerId = field(r, "worker_id");
  const requestId = field(r, "request_id");
  const epochJson = r.get("epoch")!;
  const epoch = u64Of(epochJson);
  const worker = tally.workers.get(workerId);
  if (worker.info.revoked) {
    tally.reject(index, requestId, "worker " + workerId + " is " + worker.info.status + ": its key is revoked");
    return true;
  }
  if (epoch < tally.closed) {
    tally.reject(index, requestId, "epoch " + numberText(epochJson) + " is closed");
    return true;
  }
  if (epoch > tally.current) {
    tally.reject(index, requestId, "epoch " + numberText(epochJson) + " has not started (current epoch " + tally.current.toString() + ")");
    return true;
  }
  const marker = utf8Encode(requestKey(workerId, requestId));
  if (Storage.getRaw(marker) !== null) {
    tally.reject(index, requestId, "request " + requestId + " was already counted");
    return true;
  }
  const check = verifySignedUsageRecord(signed, worker.pubkey);
  if (!check.worker) {
    tally.reject(index, requestId, "worker signature does not verify with the key of worker " + workerId);
    return true;
  }
  if (check.subscriber == SubscriberCheck.Invalid) {
    tally.reject(index, requestId, "subscriber countersignature does not verify");
    return true;
  }
  const confirmed = check.subscriber == SubscriberCheck.Valid;
  if (confirmed) {
    const keyHandle = field(r, "key_handle");
    if (!tally.subscriberMatches(keyHandle, field(signed, "subscriber_pubkey"))) {
      tally.reject(index, requestId, "countersignature is not from the subscriber behind key handle " + keyHandle);
      return true;
    }
  }

  const open = worker.openEpochs();
  const isNewEpoch = !open.includes(epoch);
  if (isNewEpoch && open.length >= MAX_OPEN_EPOCHS) {
    tally.reject(index, requestId, "worker " + workerId + " has weight in " + MAX_OPEN_EPOCHS.toString() + " open epochs: close epoch " + tally.closed.toString() + " first");
    return true;
  }

  const usage = worker.usage(epoch);
  // The schema bounds both counts to 0 … 2^32 − 1.
  const full = U128.fromU64(usageWeightOf(<u32>r.get("input_tokens")!.asU64(), <u32>r.get("output_tokens")!.asU64()));
  let counted = full;
  if (confirmed) {
    const sum = addAmounts(amountIn(usage, "confirmed"), full);
    if (sum === null) return false;
    setAmountIn(usage, "confirmed", sum);
  } else {
    const used = amountIn(usage, "unconfirmed");
    const cap = tally.cap;
    if (used.ge(cap)) counted = U128.zero();
    else {
      const room = cap.sub(used)!;
      counted = full.lt(room) ? full : room;
    }
    if (!counted.isZero()) setAmountIn(usage, "unconfirmed", used.add(counted)!);
  }
  usage.setU64("records", usage.get("records")!.asU64() + 1);
  const ep = tally.epoch(epoch);
  const last = worker.info.lastLivenessAt;
  if (!usage.getBool("up") && last !== null) {
    const at = last.asI64();
    if (at >= tally.clock.start(epoch) && at < tally.clock.end(epoch)) {
      usage.setBool("up", true);
      ep.setU64("workers_up", ep.get("workers_up")!.asU64() + 1);
    }
  }
  if (!counted.isZero()) {
    const epochWeight = addAmounts(amountIn(ep, "weight"), counted);
    if (epochWeight === null) return false;
    setAmountIn(ep, "weight", epochWeight);
    const total = addAmounts(tally.weight, counted);
    if (total === null) return false;
    tally.weight = total;
  }
  Storage.setRaw(marker, markerValue());
  if (isNewEpoch) {
    open.push(epoch);
    open.sort((a: u64, b: u64): i32 => (a < b ? -1 : a > b ? 1 : 0));
    worker.accountChanged = true;
  }
  return true;
}

/** The `report_work` handler. */
export function reportWork(env: Env, info: Info, body: JsonValue): Response | null {
  if (info.funds.length > 0) {
    fail("report_work takes no funds");
    return null;
  }
  const config = loadConfig();
  if (config === null) return null;
  const clock = loadClock();
  if (clock === null) return null;
  const closed = closedCount();
  const current = clock.epochAt(env.time);
  const records = body.get("records")!.items;
  const workers = new Map<string, ReportedWorker>();
  const order = new Array<string>();
  if (!lookUpWorkers(config, info.sender, records, workers, order)) return null;
  const tally = new Tally(config, clock, closed, current, config.unconfirmedWeightCap, workers, order);
  for (let i = 0; i < records.length; i++) {
    if (!countRecord(tally, i, records[i])) return null;
  }
  tally.save();
  if (failed()) return null;

  const accepted = records.length - tally.rejected;
  const answer = JsonValue.object()
    .setU64("accepted", <u64>accepted)
    .setU64("rejected", <u64>tally.rejected)
    .setString("weight", tally.weight.toString())
    .set("rejections", tally.rejections);
  return new Response()
    .setData(JsonValue.object().set("report_work", answer))
    .addAttribute("accepted", accepted.toString())
    .addAttribute("rejected", tally.rejected.toString());
}
