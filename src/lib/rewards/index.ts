/**
 * Rewards services behind `worker report`, `epoch status|close` and `rewards show|claim` (design.md §4, §6).
 * Every chain access goes through the RewardsManager client; amounts are payment-token base units (decimal strings).
 */
import type {Context} from '../cli/base-command.js';
import {UsageError} from '../errors.js';
import type {RewardsManagerClient, SigningClient} from '../chain/index.js';
import {markReported, pendingRecords, workerUsageDir, type ReportedLine} from './pending.js';

export {pendingRecords, workerUsageDir} from './pending.js';

/** Records per `report_work` transaction by default (the contract takes up to 1 000). */
export const DEFAULT_REPORT_BATCH = 200;
/** Most records one transaction carries (the contract's limit). */
export const MAX_REPORT_BATCH = 1000;
/**
 * Refusals that may pass later (the epoch is not open yet, or earlier epochs must close first): such records stay
 * pending. Every other refusal is final and the record leaves the pending log with its reason.
 */
const RETRY_LATER = [/has not started/, /open epochs: close epoch/];

/** What `worker report` did. */
export interface ReportResult {
  /** Records submitted in committed transactions. */
  records: number;
  accepted: number;
  rejected: number;
  /** Weight counted, summed over the batches. */
  weight: string;
  /** The last transaction (null when nothing was pending). */
  txHash: string | null;
  txHashes: string[];
  /** Records still pending afterwards (refused for now, to retry later). */
  pending: number;
  rejections: Array<{requestId: string; reason: string}>;
}

function checkBatch(batch: number | undefined): number {
  const n = batch ?? DEFAULT_REPORT_BATCH;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_REPORT_BATCH) throw new UsageError(`--batch must be from 1 to ${MAX_REPORT_BATCH}`, {code: 'BATCH_INVALID'});
  return n;
}

/**
 * Submits the pending records of the usage log in `dir` from `signer` (the worker's account), in batches of
 * `batch`. A batch's records leave the pending log only after its transaction committed; a failed transaction
 * stops the run with the rest still pending. Running it again counts nothing twice (the contract refuses request
 * ids it already counted, and such records then leave the log). `worker serve --auto-report` can call this with its
 * own signer.
 */
export async function submitPendingUsage(
  rm: RewardsManagerClient,
  signer: SigningClient,
  dir: string,
  opts: {batch?: number; onBatch?: (done: number, total: number) => void} = {},
): Promise<ReportResult> {
  const batch = checkBatch(opts.batch);
  const records = pendingRecords(dir);
  const result: ReportResult = {records: 0, accepted: 0, rejected: 0, weight: '0', txHash: null, txHashes: [], pending: 0, rejections: []};
  let weight = 0n;
  for (let i = 0; i < records.length; i += batch) {
    const chunk = records.slice(i, i + batch);
    const r = await rm.reportWork(signer, chunk);
    const answer = r.data.report_work;
    const refused = new Map(answer.rejections.map((x) => [x.index, x.reason]));
    const lines: ReportedLine[] = [];
    chunk.forEach((rec, index) => {
      const reason = refused.get(index);
      if (reason === undefined) lines.push({request_id: rec.record.request_id, tx_hash: r.txHash, outcome: 'counted'});
      else if (RETRY_LATER.some((re) => re.test(reason))) result.pending += 1;
      else lines.push({request_id: rec.record.request_id, tx_hash: r.txHash, outcome: 'refused', reason});
    });
    markReported(dir, lines);
    result.records += chunk.length;
    result.accepted += answer.accepted;
    result.rejected += answer.rejected;
    result.rejections.push(...answer.rejections.map((x) => ({requestId: x.request_id, reason: x.reason})));
    weight += BigInt(answer.weight);
    result.txHash = r.txHash;
    result.txHashes.push(r.txHash);
    opts.onBatch?.(Math.min(i + batch, records.length), records.length);
  }
  result.weight = weight.toString();
  return result;
}

async function clients(ctx: Context, signed: boolean) {
  const chain = await import('../chain/index.js');
  if (!signed) return {rm: chain.contractsFor(ctx).rewardsManager, signer: undefined};
  const signer = await chain.signerFor(ctx);
  return {rm: chain.contractsFor(ctx, signer).rewardsManager, signer};
}

/** `worker report`: the `--from` worker's pending records from the gateway log in the home. */
export async function reportUsage(ctx: Context, opts: {batch?: number} = {}): Promise<ReportResult> {
  checkBatch(opts.batch);
  const {rm, signer} = await clients(ctx, true);
  const dir = workerUsageDir(ctx.home.value, signer!.address);
  return submitPendingUsage(rm, signer!, dir, {...opts, onBatch: (done, total) => ctx.out.info(`reported ${done}/${total} records`)});
}

/** `epoch status` / `epoch close` result. */
export interface EpochView {
  epoch: number;
  startsAt: number;
  endsAt: number;
  /** Revenue received for the epoch, base units. */
  revenue: string;
  closable: boolean;
  closed: boolean;
  totalWeight: string;
  workersUp: number;
  protocolFee: string | null;
  distributed: string | null;
  carriedIn: string | null;
  /** The oldest epoch not closed yet (`epoch close` closes this one). */
  nextToClose?: number;
  txHash?: string;
}

function epochView(e: import('../chain/index.js').Epoch): EpochView {
  return {
    epoch: e.epoch, startsAt: e.starts_at, endsAt: e.ends_at, revenue: e.revenue, closable: e.closable, closed: e.closed,
    totalWeight: e.total_weight, workersUp: e.workers_up, protocolFee: e.protocol_fee ?? null, distributed: e.distributed ?? null,
    carriedIn: e.carried_in ?? null,
  };
}

function checkEpochId(id: string | undefined): number | undefined {
  if (id === undefined) return undefined;
  if (!/^\d{1,15}$/.test(id)) throw new UsageError(`invalid epoch "${id}": a non-negative integer`, {code: 'EPOCH_INVALID'});
  return Number(id);
}

/** The oldest open epoch: walks back from the current one while the previous is open (a few steps in practice). */
async function nextToClose(rm: RewardsManagerClient, current: number): Promise<number> {
  let e = current;
  while (e > 0 && !(await rm.epoch(e - 1)).closed) e -= 1;
  return e;
}

/** `epoch status [--epoch N]`. */
export async function epochStatus(ctx: Context, id?: string): Promise<EpochView> {
  const wanted = checkEpochId(id);
  const {rm} = await clients(ctx, false);
  const view = epochView(await rm.epoch(wanted));
  if (wanted === undefined) view.nextToClose = await nextToClose(rm, view.epoch);
  return view;
}

/** `epoch close`: closes the oldest open epoch (fails with the contract's reason if it has not ended). */
export async function closeEpoch(ctx: Context): Promise<EpochView> {
  const {rm, signer} = await clients(ctx, true);
  const r = await rm.closeEpoch(signer!);
  const view = epochView(await rm.epoch(r.data.close_epoch.epoch));
  return {...view, revenue: r.data.close_epoch.revenue, txHash: r.txHash};
}

/** `rewards show`. */
export interface RewardsView {
  /** Claimable now, base units. */
  pending: string;
  claimed: string;
  /** Weight in epochs not closed yet. */
  unsettledWeight: string;
  workers: Array<{workerId: string; pending: string; claimed: string; unsettledWeight: string}>;
}

/** `rewards show`: the workers the `--from` key operates or is the payout address of (signs a permit once). */
export async function showRewards(ctx: Context): Promise<RewardsView> {
  const {getPermit, permitStoreFor} = await import('../chain/index.js');
  const {rm, signer} = await clients(ctx, true);
  const permit = await getPermit(signer!, {contracts: [(await rm.ref()).address], permissions: ['balance']}, permitStoreFor(ctx));
  const r = await rm.pendingRewards(permit);
  return {
    pending: r.pending, claimed: r.claimed, unsettledWeight: r.unsettled_weight,
    workers: r.workers.map((w) => ({workerId: w.worker_id, pending: w.pending, claimed: w.claimed, unsettledWeight: w.unsettled_weight})),
  };
}

/** `rewards claim`. */
export interface ClaimView {
  amount: string;
  txHash: string;
  payouts: Array<{workerId: string; address: string; amount: string}>;
}

/** `rewards claim [--worker ID]`: pays settled rewards to the workers' payout addresses. */
export async function claimRewards(ctx: Context, workerId?: string): Promise<ClaimView> {
  if (workerId !== undefined && !/^[1-9][0-9]{0,19}$/.test(workerId)) throw new UsageError(`invalid worker id "${workerId}"`, {code: 'WORKER_ID_INVALID'});
  const {rm, signer} = await clients(ctx, true);
  const r = await rm.claimRewards(signer!, workerId);
  const a = r.data.claim_rewards;
  return {amount: a.amount, txHash: r.txHash, payouts: a.payouts.map((p) => ({workerId: p.worker_id, address: p.address, amount: p.amount}))};
}
