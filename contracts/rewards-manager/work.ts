/**
 * `report_work`: counting signed usage records.
 *
 * **Per-record refusal.** The sender must operate every worker its records name (otherwise the whole report is
 * refused: it is not the sender's to make). Beyond that each record is judged alone, and a refused record is listed
 * in the answer and counts nothing, because records are independent facts from different clients: a record that
 * arrives after its epoch closed, a subscriber countersignature that cannot be tied to its key handle, or a batch
 * resent after a crash between the commit and the removal from the worker's pending log (its request ids already
 * counted) must not hold back the valid work reported with it. A record is refused for: a worker signature that does
 * not verify with the key the WorkerManager holds for the worker (the key its attestation binds), a worker that was
 * removed or has withdrawn (its key is revoked), an epoch that is closed or has not started, a `request_id` already
 * counted for the worker (in an earlier report or earlier in this one), a countersignature that does not verify or
 * whose key is not the subscriber behind the record's key handle, or too many epochs held open. Request ids are
 * marked in the same atomic transaction as the weight, so nothing is counted twice.
 *
 * **Weight.** `input_tokens + 4 × output_tokens` (contracts/common/usage.ts). Countersigned records count in full;
 * worker-only records count up to `unconfirmed_weight_cap` per worker and epoch (a record over the cap is counted
 * with the weight left under it, possibly 0, and its request id is used).
 */
import {verifySignedUsageRecord, usageWeight, type SignedUsageRecord} from '../common/usage.js';
import {fromBase64} from '../common/encoding.js';
import {ContractError, response, type Deps, type Env, type MessageInfo, type Response} from '../common/types.js';
import {formatUint128} from '../common/uint128.js';
import {decodeWorkerPubkey} from '../worker-manager/binding.js';
import type {WorkerInfo} from '../worker-manager/types.js';
import {
  MAX_OPEN_EPOCHS,
  REWARDS_MANAGER_KEYS as K,
  closedCount,
  epochAt,
  epochEnd,
  epochStart,
  loadAccount,
  loadClock,
  loadEpoch,
  loadRewardsManagerConfig,
  loadUsage,
  rememberOwner,
  settleWorker,
  type RewardsManagerConfig,
  type StoredUsage,
} from './state.js';

/**
 * Query the SubscriptionManager answers for a countersigned record: whether `subscriber` is the account behind
 * `key_handle` → `{"matches": boolean}`. It names a candidate rather than asking who is behind a handle, so the
 * answer reveals an owner only to someone who already knows (and holds a countersignature of) them.
 */
export function keyHandleQuery(keyHandle: string, subscriber: string): {key_handle_matches: {key_handle: string; subscriber: string}} {
  return {key_handle_matches: {key_handle: keyHandle, subscriber}};
}

/** The worker's public record at the WorkerManager. */
export function queryWorker(deps: Pick<Deps, 'querier'>, config: RewardsManagerConfig, id: string): WorkerInfo {
  const wm = config.worker_manager;
  if (!wm) throw new ContractError('rewards-manager has no worker manager configured');
  return deps.querier.queryContract<{worker: WorkerInfo}>(wm.address, wm.code_hash, {get_worker: {id}}).worker;
}

/** Revoked worker keys: a removed (or slashed) worker, or one whose stake was withdrawn. */
const REVOKED = new Set(['removed', 'withdrawn']);

interface Rejection {
  index: number;
  request_id: string;
  reason: string;
}

function subscriberMatches(deps: Deps, config: RewardsManagerConfig, signed: SignedUsageRecord): boolean {
  const sm = config.subscription_manager;
  if (!sm) return false;
  const subscriber = deps.api.pubkeyToAddress(fromBase64(signed.subscriber_pubkey!));
  try {
    const answer = deps.querier.queryContract<{matches?: unknown}>(sm.address, sm.code_hash, keyHandleQuery(signed.record.key_handle, subscriber));
    return answer.matches === true;
  } catch {
    return false;
  }
}

/** The `report_work` handler. */
export function reportWork(deps: Deps, env: Env, info: MessageInfo, records: SignedUsageRecord[]): Response {
  if (info.funds.length) throw new ContractError('report_work takes no funds');
  const config = loadRewardsManagerConfig(deps.storage);
  const clock = loadClock(deps.storage);
  const closed = closedCount(deps.storage);
  const current = epochAt(clock, env.block.time);
  const cap = BigInt(config.unconfirmed_weight_cap);
  const workers = new Map<string, {info: WorkerInfo; pubkey: Uint8Array}>();
  for (const {record} of records) {
    if (workers.has(record.worker_id)) continue;
    const w = queryWorker(deps, config, record.worker_id);
    if (w.operator !== info.sender) throw new ContractError(`Unauthorized: worker ${record.worker_id} is not operated by ${info.sender}`);
    workers.set(record.worker_id, {info: w, pubkey: decodeWorkerPubkey(w.worker_pubkey)});
    settleWorker(deps.storage, w.id);
    rememberOwner(deps.storage, w.operator, w.id);
    rememberOwner(deps.storage, w.payout_address, w.id);
  }

  const rejections: Rejection[] = [];
  let weight = 0n;
  records.forEach((signed, index) => {
    const r = signed.record;
    const reject = (reason: string) => rejections.push({index, request_id: r.request_id, reason});
    const worker = workers.get(r.worker_id)!;
    if (REVOKED.has(worker.info.status)) return reject(`worker ${r.worker_id} is ${worker.info.status}: its key is revoked`);
    if (r.epoch < closed) return reject(`epoch ${r.epoch} is closed`);
    if (r.epoch > current) return reject(`epoch ${r.epoch} has not started (current epoch ${current})`);
    const requestKey = K.request(r.worker_id, r.request_id);
    if (deps.storage.get(requestKey) !== undefined) return reject(`request ${r.request_id} was already counted`);
    const check = verifySignedUsageRecord(signed, worker.pubkey, {api: deps.api});
    if (!check.worker) return reject(`worker signature does not verify with the key of worker ${r.worker_id}`);
    if (check.subscriber === 'invalid') return reject('subscriber countersignature does not verify');
    const confirmed = check.subscriber === 'valid';
    if (confirmed && !subscriberMatches(deps, config, signed)) return reject(`countersignature is not from the subscriber behind key handle ${r.key_handle}`);

    const account = loadAccount(deps.storage, r.worker_id);
    const isNewEpoch = !account.open.includes(r.epoch);
    if (isNewEpoch && account.open.length >= MAX_OPEN_EPOCHS) return reject(`worker ${r.worker_id} has weight in ${MAX_OPEN_EPOCHS} open epochs: close epoch ${closed} first`);

    const usage: StoredUsage = loadUsage(deps.storage, r.worker_id, r.epoch) ?? {records: 0, confirmed: '0', unconfirmed: '0', up: false};
    const full = BigInt(usageWeight(r));
    let counted = full;
    if (confirmed) usage.confirmed = formatUint128(BigInt(usage.confirmed) + full);
    else {
      const used = BigInt(usage.unconfirmed);
      counted = used >= cap ? 0n : full < cap - used ? full : cap - used;
      usage.unconfirmed = formatUint128(used + counted);
    }
    usage.records += 1;
    const ep = loadEpoch(deps.storage, r.epoch);
    const last = worker.info.last_liveness_at;
    if (!usage.up && last !== null && last >= epochStart(clock, r.epoch) && last < epochEnd(clock, r.epoch)) {
      usage.up = true;
      ep.workers_up += 1;
    }
    ep.weight = formatUint128(BigInt(ep.weight) + counted);
    deps.storage.set(K.epoch(r.epoch), ep);
    deps.storage.set(K.usage(r.worker_id, r.epoch), usage);
    deps.storage.set(requestKey, 1);
    if (isNewEpoch) {
      account.open = [...account.open, r.epoch].sort((a, b) => a - b);
      deps.storage.set(K.account(r.worker_id), account);
    }
    weight += counted;
  });

  const accepted = records.length - rejections.length;
  const res = response({report_work: {accepted, rejected: rejections.length, weight: formatUint128(weight), rejections}});
  res.attributes.push({key: 'accepted', value: String(accepted)}, {key: 'rejected', value: String(rejections.length)});
  return res;
}
