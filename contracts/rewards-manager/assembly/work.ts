/**
 * `report_work`: counting signed usage records (see `contracts/rewards-manager/work.ts`).
 *
 * The sender must operate every worker its records name, or the whole report is refused. Beyond that each record
 * is judged alone: a refused record is listed in the answer (`rejections: [{index, request_id, reason}]`) and
 * counts nothing. Weight = `input_tokens + 4 × output_tokens`; countersigned records count in full, worker-only
 * records up to `unconfirmed_weight_cap` per worker and epoch.
 */
import {fromBase64} from "../../lib/bytes";
import {Env, Info} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {Response} from "../../lib/response";
import {fail, failed} from "../../lib/result";
import {Storage} from "../../lib/storage";
import {U128} from "../../lib/u128";
import {SubscriberCheck, UsageRecord, verifySignedUsageRecord} from "../../lib/usage";
import {addAmounts, amountIn, setAmountIn} from "./amounts";
import {MAX_OPEN_EPOCHS, requestKey} from "./keys";
import {field, integerOf, numberText} from "./msg";
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
import {decodeWorkerPubkey, subscriberMatches, WorkerInfo} from "./workers";
import {queryWorker} from "./workers";

/** A worker named in the report, with its registered key. */
class ReportedWorker {
  constructor(
    public info: WorkerInfo,
    public pubkey: Uint8Array,
  ) {}
}

/** The report being counted: its context and what it has counted and refused so far. */
class Report {
  rejections: JsonValue = JsonValue.array();
  rejected: i32 = 0;
  weight: U128 = U128.zero();

  constructor(
    public env: Env,
    public config: Config,
    public clock: Clock,
    public closed: u64,
    public current: u64,
    public cap: U128,
    public workers: Map<string, ReportedWorker>,
  ) {}

  reject(index: i32, requestId: string, reason: string): void {
    this.rejections.push(JsonValue.object().setU64("index", <u64>index).setString("request_id", requestId).setString("reason", reason));
    this.rejected++;
  }
}

/**
 * Looks up every worker the records name (in record order), checks the sender operates each, settles its closed
 * epochs and remembers its operator and payout address; null after a failure.
 */
function reportedWorkers(config: Config, sender: string, records: JsonValue[]): Map<string, ReportedWorker> | null {
  const workers = new Map<string, ReportedWorker>();
  for (let i = 0; i < records.length; i++) {
    const id = field(records[i].get("record")!, "worker_id");
    if (workers.has(id)) continue;
    const w = queryWorker(config, id);
    if (w === null) return null;
    if (w.operator != sender) {
      fail("Unauthorized: worker " + id + " is not operated by " + sender);
      return null;
    }
    const pubkey = decodeWorkerPubkey(w.workerPubkey);
    if (pubkey === null) return null;
    workers.set(id, new ReportedWorker(w, pubkey));
    if (settleWorker(w.id) === null) return null;
    rememberOwner(w.operator, w.id);
    rememberOwner(w.payoutAddress, w.id);
  }
  return workers;
}

/** Counts record `index` or records why it is refused; false after a failure of the whole call. */
function countRecord(report: Report, index: i32, signed: JsonValue): bool {
  const r = signed.get("record")!;
  const workerId = field(r, "worker_id");
  const requestId = field(r, "request_id");
  const epochJson = r.get("epoch")!;
  const epoch = integerOf(epochJson);
  const worker = report.workers.get(workerId);
  if (worker.info.revoked) {
    report.reject(index, requestId, "worker " + workerId + " is " + worker.info.status + ": its key is revoked");
    return true;
  }
  if (epoch < report.closed) {
    report.reject(index, requestId, "epoch " + numberText(epochJson) + " is closed");
    return true;
  }
  if (epoch > report.current) {
    report.reject(index, requestId, "epoch " + numberText(epochJson) + " has not started (current epoch " + report.current.toString() + ")");
    return true;
  }
  const reqKey = requestKey(workerId, requestId);
  if (Storage.has(reqKey)) {
    report.reject(index, requestId, "request " + requestId + " was already counted");
    return true;
  }
  const check = verifySignedUsageRecord(signed, worker.pubkey);
  if (!check.worker) {
    report.reject(index, requestId, "worker signature does not verify with the key of worker " + workerId);
    return true;
  }
  if (check.subscriber == SubscriberCheck.Invalid) {
    report.reject(index, requestId, "subscriber countersignature does not verify");
    return true;
  }
  const confirmed = check.subscriber == SubscriberCheck.Valid;
  if (confirmed) {
    const keyHandle = field(r, "key_handle");
    if (!subscriberMatches(report.config, keyHandle, fromBase64(field(signed, "subscriber_pubkey"))!)) {
      report.reject(index, requestId, "countersignature is not from the subscriber behind key handle " + keyHandle);
      return true;
    }
  }

  const account = loadAccount(workerId);
  const open = openEpochs(account);
  const isNewEpoch = !open.includes(epoch);
  if (isNewEpoch && open.length >= MAX_OPEN_EPOCHS) {
    report.reject(index, requestId, "worker " + workerId + " has weight in " + MAX_OPEN_EPOCHS.toString() + " open epochs: close epoch " + report.closed.toString() + " first");
    return true;
  }

  const stored = loadUsage(workerId, epoch);
  const usage = stored !== null ? stored : newUsage();
  // The worker signature verified, so the record is well formed.
  const full = U128.fromU64(UsageRecord.fromJson(r)!.weight());
  let counted = full;
  if (confirmed) {
    const sum = addAmounts(amountIn(usage, "confirmed"), full);
    if (sum === null) return false;
    setAmountIn(usage, "confirmed", sum);
  } else {
    const used = amountIn(usage, "unconfirmed");
    const cap = report.cap;
    if (used.ge(cap)) counted = U128.zero();
    else {
      const room = cap.sub(used)!;
      counted = full.lt(room) ? full : room;
    }
    setAmountIn(usage, "unconfirmed", used.add(counted)!);
  }
  usage.setU64("records", usage.get("records")!.asU64() + 1);
  const ep = loadEpoch(epoch);
  const last = worker.info.lastLivenessAt;
  if (!usage.getBool("up") && last !== null) {
    const at = last.asI64();
    if (at >= report.clock.start(epoch) && at < report.clock.end(epoch)) {
      usage.setBool("up", true);
      ep.setU64("workers_up", ep.get("workers_up")!.asU64() + 1);
    }
  }
  const epochWeight = addAmounts(amountIn(ep, "weight"), counted);
  if (epochWeight === null) return false;
  setAmountIn(ep, "weight", epochWeight);
  saveEpoch(epoch, ep);
  saveUsage(workerId, epoch, usage);
  Storage.setU64(reqKey, 1);
  if (isNewEpoch) {
    open.push(epoch);
    open.sort((a: u64, b: u64): i32 => (a < b ? -1 : a > b ? 1 : 0));
    account.set("open", epochsJson(open));
    saveAccount(workerId, account);
  }
  const total = addAmounts(report.weight, counted);
  if (total === null) return false;
  report.weight = total;
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
  const records = body.get("records")!.items;
  const workers = reportedWorkers(config, info.sender, records);
  if (workers === null) return null;
  const report = new Report(env, config, clock, closedCount(), clock.epochAt(env.time), config.unconfirmedWeightCap, workers);
  for (let i = 0; i < records.length; i++) {
    if (!countRecord(report, i, records[i])) return null;
  }
  if (failed()) return null;

  const accepted = records.length - report.rejected;
  const answer = JsonValue.object()
    .setU64("accepted", <u64>accepted)
    .setU64("rejected", <u64>report.rejected)
    .setString("weight", report.weight.toString())
    .set("rejections", report.rejections);
  return new Response()
    .setData(JsonValue.object().set("report_work", answer))
    .addAttribute("accepted", accepted.toString())
    .addAttribute("rejected", report.rejected.toString());
}
