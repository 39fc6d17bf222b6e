/**
 * WorkerManager client (design.md §4; messages from `contracts/worker-manager/types.ts`), and the read-only client
 * of the existing Secret AI deployment's worker contract (`get_models`, `get_u_r_ls`; `snip20-and-permits.md` §6.2).
 */
import type * as T from '../../../../contracts/worker-manager/types.js';
import {parseMeasurementPolicy, type MeasurementPolicy} from '../../../attest/measurements.js';
import {UsageError} from '../../errors.js';
import {parseAddress} from '../address.js';
import {toUint128, USCRT} from '../amounts.js';
import type {ChainClient, ExecuteResult, SigningClient, TxSettings} from '../client.js';
import {ContractClient, withGas, type ContractBinding} from '../contract.js';
import {GAS_LIMITS, gasForPayload, jsonBytes} from '../gas.js';
import type {Permit} from '../permit.js';

export type WorkerManagerQuery = T.QueryMsg;
export type WorkerManagerExecute = T.ExecuteMsg;
export type WorkerInfo = T.WorkerInfo;
export type WorkerManagerConfig = T.ConfigResponse;
export type AttestationBundle = T.AttestationBundle;
export type {MeasurementPolicy};
export type RegistrationChallenge = T.GetRegistrationChallengeResponse;

type Status = T.StatusAnswer;
type Body<K extends string> = Extract<WorkerManagerExecute, Record<K, unknown>> extends Record<K, infer B> ? B : never;

/** Fields of `register_worker` (the stake goes separately, in uscrt). */
export type RegisterWorkerFields = Omit<Body<'register_worker'>, 'padding'>;
/** Fields of `update_worker`. */
export type UpdateWorkerFields = Omit<Body<'update_worker'>, 'padding'>;
/** Fields of `update_config` (admin). */
export type WorkerManagerConfigUpdate = Omit<Body<'update_config'>, 'padding'>;

function optId(workerId?: string): {worker_id?: string} {
  return workerId === undefined ? {} : {worker_id: workerId};
}

/** The Secret AI WorkerManager of this CLI's contracts. */
export class WorkerManagerClient extends ContractClient<WorkerManagerQuery, WorkerManagerExecute> {
  constructor(chain: ChainClient, binding: ContractBinding, label = 'workerManager') {
    super(chain, binding, label, GAS_LIMITS.admin);
  }

  config(): Promise<WorkerManagerConfig> {
    return this.query<T.ConfigResponse>({config: {}});
  }

  /** Models offered by live workers (SDK-compatible answer `{models}`). */
  async getModels(): Promise<string[]> {
    return (await this.query<T.GetModelsResponse>({get_models: {}})).models;
  }

  /** Worker URLs, optionally for one model (SDK-compatible answer `{urls}`). */
  async getUrls(model?: string): Promise<string[]> {
    return (await this.query<T.GetURLsResponse>({get_u_r_ls: model === undefined ? {} : {model}})).urls;
  }

  /** Registered workers in id order (paged). */
  async getWorkers(opts: {model?: string; startAfter?: string; limit?: number} = {}): Promise<WorkerInfo[]> {
    const r = await this.query<T.GetWorkersResponse>({
      get_workers: {
        ...(opts.model !== undefined ? {model: opts.model} : {}),
        ...(opts.startAfter !== undefined ? {start_after: opts.startAfter} : {}),
        ...(opts.limit !== undefined ? {limit: opts.limit} : {}),
      },
    });
    return r.workers;
  }

  /** One worker and its stored attestation bundle. */
  getWorker(id: string): Promise<T.GetWorkerResponse> {
    return this.query<T.GetWorkerResponse>({get_worker: {id}});
  }

  /** The worker assigned to the permit signer for `model` this epoch; `exclude` skips workers (failover). */
  getNextWorker(model: string, permit: Permit, exclude: string[] = []): Promise<T.GetNextWorkerResponse> {
    return this.query<T.GetNextWorkerResponse>({get_next_worker: {model, permit: permit as T.Permit, ...(exclude.length ? {exclude} : {})}});
  }

  /** Admin: replaces the measurement policy. */
  setAcceptedMeasurements(signer: SigningClient, policy: MeasurementPolicy, opts: TxSettings = {}): Promise<ExecuteResult<{set_accepted_measurements: Status}>> {
    const msg: WorkerManagerExecute = {set_accepted_measurements: {policy}};
    return this.execute(signer, msg, withGas(gasForPayload(GAS_LIMITS.admin, jsonBytes(msg), true), opts));
  }

  /** The challenge a new attestation must bind (design §5). */
  getRegistrationChallenge(): Promise<RegistrationChallenge> {
    return this.query<T.GetRegistrationChallengeResponse>({get_registration_challenge: {}});
  }

  /**
   * The admin-set measurement policy (query `{accepted_measurements:{}}`, answer `{policy}`); null when none is set.
   * The answer is validated: a malformed document is an error, never a policy.
   */
  async acceptedMeasurements(): Promise<MeasurementPolicy | null> {
    const r = await this.query<{policy?: unknown}>({accepted_measurements: {}} as unknown as WorkerManagerQuery);
    if (r?.policy === null || r?.policy === undefined) return null;
    return parseMeasurementPolicy(r.policy);
  }

  /**
   * Registers a worker with `stakeUscrt` native stake. Gas grows with the stored bundle size
   * ({@link gasForPayload}).
   */
  registerWorker(signer: SigningClient, fields: RegisterWorkerFields, stakeUscrt: bigint, opts: TxSettings = {}): Promise<ExecuteResult<{register_worker: {worker_id: string}}>> {
    if (stakeUscrt <= 0n) throw new UsageError('the stake must be positive', {code: 'AMOUNT_INVALID'});
    const msg: WorkerManagerExecute = {register_worker: {...fields, payout_address: parseAddress(fields.payout_address, 'payout address')}};
    return this.execute(signer, msg, {
      funds: [{denom: USCRT, amount: toUint128(stakeUscrt)}],
      ...withGas(gasForPayload(GAS_LIMITS.admin, jsonBytes(msg), true), opts),
    });
  }

  updateWorker(signer: SigningClient, fields: UpdateWorkerFields, opts: TxSettings = {}): Promise<ExecuteResult<{update_worker: Status}>> {
    const msg: WorkerManagerExecute = {
      update_worker: {...fields, ...(fields.payout_address ? {payout_address: parseAddress(fields.payout_address, 'payout address')} : {})},
    };
    return this.execute(signer, msg, withGas(gasForPayload(GAS_LIMITS.admin, jsonBytes(msg), true), opts));
  }

  deregisterWorker(signer: SigningClient, workerId?: string, opts: TxSettings = {}): Promise<ExecuteResult<{deregister_worker: Status}>> {
    return this.execute(signer, {deregister_worker: optId(workerId)}, opts);
  }

  withdrawStake(signer: SigningClient, workerId?: string, opts: TxSettings = {}): Promise<ExecuteResult<{withdraw_stake: Status}>> {
    return this.execute(signer, {withdraw_stake: optId(workerId)}, opts);
  }

  /** `signature`: base64 64-byte r‖s by the worker key over SHA-256 of the current challenge. */
  reportLiveness(signer: SigningClient, signature: string, workerId?: string, opts: TxSettings = {}): Promise<ExecuteResult<{report_liveness: Status}>> {
    return this.execute(signer, {report_liveness: {...optId(workerId), signature}}, opts);
  }

  removeWorker(signer: SigningClient, workerId: string, reason?: string, opts: TxSettings = {}): Promise<ExecuteResult<{remove_worker: Status}>> {
    return this.execute(signer, {remove_worker: {worker_id: workerId, ...(reason ? {reason} : {})}}, opts);
  }

  slashWorker(signer: SigningClient, workerId: string, amountUscrt: bigint, reason?: string, opts: TxSettings = {}): Promise<ExecuteResult<{slash_worker: Status}>> {
    return this.execute(signer, {slash_worker: {worker_id: workerId, amount: toUint128(amountUscrt), ...(reason ? {reason} : {})}}, opts);
  }

  updateConfig(signer: SigningClient, update: WorkerManagerConfigUpdate, opts: TxSettings = {}): Promise<ExecuteResult<{update_config: Status}>> {
    return this.execute(signer, {update_config: update}, opts);
  }

  revokePermit(signer: SigningClient, permitName: string, opts: TxSettings = {}): Promise<ExecuteResult<{revoke_permit: Status}>> {
    return this.execute(signer, {revoke_permit: {permit_name: permitName}}, withGas(GAS_LIMITS.snip20RevokePermit, opts));
  }
}

/** Queries the existing Secret AI worker contract answers (read-only; its execute interface is not published). */
export type LegacyWorkerManagerQuery = {get_models: Record<string, never>} | {get_u_r_ls: {model?: string}};

/**
 * The worker contract of the existing Secret AI deployment (pulsar-3 / secret-4). Its code hash is looked up once
 * when the profile does not carry one.
 */
export class LegacyWorkerManagerClient extends ContractClient<LegacyWorkerManagerQuery, never> {
  constructor(chain: ChainClient, binding: ContractBinding, label = 'legacyWorkerManager') {
    super(chain, binding, label);
  }

  async getModels(): Promise<string[]> {
    const r = await this.query<{models?: unknown}>({get_models: {}});
    return Array.isArray(r?.models) ? r.models.map(String) : [];
  }

  async getUrls(model?: string): Promise<string[]> {
    const r = await this.query<{urls?: unknown}>({get_u_r_ls: model === undefined ? {} : {model}});
    return Array.isArray(r?.urls) ? r.urls.map(String) : [];
  }
}
