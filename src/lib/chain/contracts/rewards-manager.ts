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
export type EpochInfo = T.EpochInfoResponse;
export type Rewards = T.RewardsResponse;
export type RewardsManagerConfigUpdate = Omit<Extract<RewardsManagerExecute, {update_config: unknown}>['update_config'], 'padding'>;

type Status = T.StatusAnswer;

/** The Secret AI RewardsManager. */
export class RewardsManagerClient extends ContractClient<RewardsManagerQuery, RewardsManagerExecute> {
  constructor(chain: ChainClient, binding: ContractBinding, label = 'rewardsManager') {
    super(chain, binding, label, GAS_LIMITS.admin);
  }

  config(): Promise<T.ConfigResponse> {
    return this.query<T.ConfigResponse>({config: {}});
  }

  /** The current epoch: bounds, revenue so far, whether it can be closed. */
  epoch(): Promise<Epoch> {
    return this.query<T.EpochResponse>({epoch: {}});
  }

  epochInfo(epoch: number): Promise<EpochInfo> {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new UsageError(`invalid epoch "${epoch}"`, {code: 'EPOCH_INVALID'});
    return this.query<T.EpochInfoResponse>({epoch_info: {epoch}});
  }

  /** Rewards of the workers whose payout address signed the permit. */
  rewards(permit: Permit): Promise<Rewards> {
    return this.query<T.RewardsResponse>({rewards: {permit: permit as T.Permit}});
  }

  /** Submits signed usage records; gas grows with their total size. */
  reportWork(signer: SigningClient, records: SignedUsageRecord[], opts: TxSettings = {}): Promise<ExecuteResult<{report_work: {accepted: number; rejected: number}}>> {
    if (records.length === 0) throw new UsageError('no usage records to report', {code: 'RECORDS_EMPTY'});
    const msg: RewardsManagerExecute = {report_work: {records}};
    return this.execute(signer, msg, withGas(gasForPayload(GAS_LIMITS.admin, jsonBytes(msg), true), opts));
  }

  closeEpoch(signer: SigningClient, opts: TxSettings = {}): Promise<ExecuteResult<{close_epoch: {epoch: number; revenue: string}}>> {
    return this.execute(signer, {close_epoch: {}}, opts);
  }

  claimRewards(signer: SigningClient, workerId?: string, opts: TxSettings = {}): Promise<ExecuteResult<{claim_rewards: {amount: string}}>> {
    return this.execute(signer, {claim_rewards: workerId === undefined ? {} : {worker_id: workerId}}, opts);
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
