/**
 * RewardsManager client (design.md §4; messages from `contracts/rewards-manager/types.ts`).
 */
import type * as T from '../../../../contracts/rewards-manager/types.js';
import {UsageError} from '../../errors.js';
import type {ChainClient, ExecuteResult, SigningClient, TxSettings} from '../client.js';
import {ContractClient, withGas, type ContractBinding} from '../contract.js';
import {GAS_LIMITS, gasForPayload, jsonBytes} from '../gas.js';
import type {Permit} from '../permit.js';
import type {Snip20Client} from './snip20.js';

export type RewardsManagerQuery = T.QueryMsg;
export type RewardsManagerExecute = T.ExecuteMsg;
export type RewardsReceiveMsg = T.ReceiveMsg;
export type SignedUsageRecord = T.SignedUsageRecord;
export type UsageRecord = T.UsageRecord;
export type Epoch = T.EpochResponse;
export type PendingRewards = T.PendingRewardsResponse;
export type WorkerUsage = T.WorkerUsageResponse;
export type ReportWorkAnswer = Extract<T.ExecuteAnswer, {report_work: unknown}>;
export type CloseEpochAnswer = Extract<T.ExecuteAnswer, {close_epoch: unknown}>;
export type ClaimRewardsAnswer = Extract<T.ExecuteAnswer, {claim_rewards: unknown}>;
export type RewardsManagerConfigUpdate = Omit<Extract<RewardsManagerExecute, {update_config: unknown}>['update_config'], 'padding'>;

type Status = T.StatusAnswer;

/** Most records one `report_work` takes (the schema's `maxItems`). */
export const MAX_REPORT_RECORDS = 1000;
/**
 * Gas per reported record beyond its bytes: two secp256k1 verifications, its storage reads and writes, and the
 * contract's own instructions (the devnet meters the wasm; a countersigned record measures about 110 000).
 */
export const REPORT_GAS_PER_RECORD = 150_000;
/** Gas of a report beyond its records: the cross-contract queries to the WorkerManager and SubscriptionManager. */
export const REPORT_GAS_BASE = 1_500_000;

/** The Secret AI RewardsManager. */
export class RewardsManagerClient extends ContractClient<RewardsManagerQuery, RewardsManagerExecute> {
  constructor(chain: ChainClient, binding: ContractBinding, label = 'rewardsManager') {
    super(chain, binding, label, GAS_LIMITS.admin);
  }

  config(): Promise<T.ConfigResponse> {
    return this.query<T.ConfigResponse>({config: {}});
  }

  /** An epoch's bounds and totals (default: the epoch the block time is in). */
  epoch(id?: number): Promise<Epoch> {
    if (id !== undefined && (!Number.isSafeInteger(id) || id < 0)) throw new UsageError(`invalid epoch "${id}"`, {code: 'EPOCH_INVALID'});
    return this.query<T.EpochResponse>({epoch: id === undefined ? {} : {id}});
  }

  /** Rewards of the workers the permit signer operates or is the payout address of. */
  pendingRewards(permit: Permit): Promise<PendingRewards> {
    return this.query<T.PendingRewardsResponse>({pending_rewards: {permit: permit as T.Permit}});
  }

  /** One worker's counted usage in an epoch (permit of its operator or payout address). */
  workerUsage(workerId: string, permit: Permit, epoch?: number): Promise<WorkerUsage> {
    return this.query<T.WorkerUsageResponse>({worker_usage: {worker_id: workerId, permit: permit as T.Permit, ...(epoch === undefined ? {} : {epoch})}});
  }

  /** Submits signed usage records; gas grows with their total size. */
  reportWork(signer: SigningClient, records: SignedUsageRecord[], opts: TxSettings = {}): Promise<ExecuteResult<ReportWorkAnswer>> {
    if (records.length === 0) throw new UsageError('no usage records to report', {code: 'RECORDS_EMPTY'});
    if (records.length > MAX_REPORT_RECORDS) throw new UsageError(`at most ${MAX_REPORT_RECORDS} usage records fit one report`, {code: 'RECORDS_TOO_MANY'});
    const msg: RewardsManagerExecute = {report_work: {records}};
    return this.execute(signer, msg, withGas(gasForPayload(GAS_LIMITS.admin + REPORT_GAS_BASE + records.length * REPORT_GAS_PER_RECORD, jsonBytes(msg), false), opts));
  }

  /** Closes the oldest open epoch (pays the protocol fee); anyone may, once it has ended. */
  closeEpoch(signer: SigningClient, opts: TxSettings = {}): Promise<ExecuteResult<CloseEpochAnswer>> {
    return this.execute(signer, {close_epoch: {}}, withGas(GAS_LIMITS.rewardsPayout, opts));
  }

  /** Pays the signer's workers' settled rewards to their payout addresses. */
  claimRewards(signer: SigningClient, workerId?: string, opts: TxSettings = {}): Promise<ExecuteResult<ClaimRewardsAnswer>> {
    return this.execute(signer, {claim_rewards: workerId === undefined ? {} : {worker_id: workerId}}, withGas(GAS_LIMITS.rewardsPayout, opts));
  }

  /** Adds `amount` of `token` to an epoch's revenue (SNIP-20 `send` with `{"revenue":{…}}`). */
  async addRevenue(signer: SigningClient, token: Snip20Client, amount: bigint, epoch?: number, opts: TxSettings = {}): Promise<ExecuteResult<{send: Status}>> {
    const ref = await this.ref();
    const msg: RewardsReceiveMsg = {revenue: epoch === undefined ? {} : {epoch}};
    return token.send(signer, ref.address, amount, {recipientCodeHash: ref.codeHash, msg, ...opts});
  }

  updateConfig(signer: SigningClient, update: RewardsManagerConfigUpdate, opts: TxSettings = {}): Promise<ExecuteResult<{update_config: Status}>> {
    return this.execute(signer, {update_config: update}, opts);
  }

  revokePermit(signer: SigningClient, permitName: string, opts: TxSettings = {}): Promise<ExecuteResult<{revoke_permit: Status}>> {
    return this.execute(signer, {revoke_permit: {permit_name: permitName}}, withGas(GAS_LIMITS.snip20RevokePermit, opts));
  }
}
