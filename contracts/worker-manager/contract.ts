/**
 * WorkerManager — registry of GPU workers and their assignment to subscribers (design §4).
 *
 * Built: instantiate, `update_config` (admin), `revoke_permit`, and the queries `config`, `get_models`,
 * `get_u_r_ls` (answered from the worker registry). Every other message of the schema is part of the wire
 * interface but answers `<message> is not built yet`.
 */
import {defineContract, notBuilt, requireAdmin, statusResponse, validateAddress} from '../common/contract.js';
import {revokePermit} from '../common/permit.js';
import {ContractError, response, type Api, type ReadonlyStorage, type Storage} from '../common/types.js';
import {parseUint128} from '../common/uint128.js';
import {SCHEMAS} from './schemas.js';
import type {ConfigResponse, ContractRef, ExecuteMsg, GetModelsResponse, GetURLsResponse, InstantiateMsg, QueryMsg, WorkerInfo} from './types.js';

/** Contract name in the registry. */
export const WORKER_MANAGER_NAME = 'worker-manager';
/** Contract version (part of the synthetic code hash). */
export const WORKER_MANAGER_VERSION = '0.1.0';
/** Default native stake denomination. */
const DEFAULT_STAKE_DENOM = 'uscrt';
/** Width of zero-padded worker ids in storage keys, so keys sort by id. */
const WORKER_KEY_WIDTH = 20;

/** Stored configuration; the `config` query answers it as is. */
export type WorkerManagerConfig = ConfigResponse;

/** A worker as stored: the public facts plus the submitted attestation bundle. */
export interface StoredWorker {
  info: WorkerInfo;
  attestation: Record<string, unknown>;
}

/** Storage layout (JSON values). */
export const WORKER_MANAGER_KEYS = {
  config: 'config',
  /** Instantiation block time: epoch 0 of assignment and challenge rotation starts here. */
  genesisTime: 'genesis_time',
  workerPrefix: 'worker:',
  worker: (id: string) => `worker:${id.padStart(WORKER_KEY_WIDTH, '0')}`,
} as const;

/** Loads the configuration (throws if the contract was never instantiated). */
export function loadWorkerManagerConfig(storage: ReadonlyStorage): WorkerManagerConfig {
  const config = storage.get<WorkerManagerConfig>(WORKER_MANAGER_KEYS.config);
  if (!config) throw new ContractError('worker-manager is not instantiated');
  return config;
}

/** Stores a worker record (registration and updates go through here). */
export function saveWorker(storage: Storage, worker: StoredWorker): void {
  storage.set(WORKER_MANAGER_KEYS.worker(worker.info.id), worker);
}

/** All worker records in id order. */
export function listWorkers(storage: ReadonlyStorage): StoredWorker[] {
  return storage.range<StoredWorker>(WORKER_MANAGER_KEYS.workerPrefix).map(([, w]) => w);
}

function checkContractRef(api: Api, ref: ContractRef, what: string): ContractRef {
  validateAddress(api, ref.address, what);
  return {address: ref.address, code_hash: ref.code_hash};
}

const optionalRef = (api: Api, ref: ContractRef | null | undefined, what: string): ContractRef | null =>
  ref === undefined || ref === null ? null : checkContractRef(api, ref, what);

/** The WorkerManager contract. */
export const workerManager = defineContract<InstantiateMsg, ExecuteMsg, QueryMsg>({
  name: WORKER_MANAGER_NAME,
  version: WORKER_MANAGER_VERSION,
  schemas: SCHEMAS,

  instantiate(deps, env, info, msg) {
    parseUint128(msg.min_stake, 'min_stake');
    const config: WorkerManagerConfig = {
      admin: validateAddress(deps.api, msg.admin ?? info.sender, 'admin'),
      payment_token: checkContractRef(deps.api, msg.payment_token, 'payment token'),
      min_stake: msg.min_stake,
      epoch_seconds: msg.epoch_seconds,
      unbonding_seconds: msg.unbonding_seconds,
      stake_denom: msg.stake_denom ?? DEFAULT_STAKE_DENOM,
      liveness_interval_seconds: msg.liveness_interval_seconds ?? msg.epoch_seconds,
      subscription_manager: optionalRef(deps.api, msg.subscription_manager, 'subscription manager'),
      rewards_manager: optionalRef(deps.api, msg.rewards_manager, 'rewards manager'),
    };
    deps.storage.set(WORKER_MANAGER_KEYS.config, config);
    deps.storage.set(WORKER_MANAGER_KEYS.genesisTime, env.block.time);
    return response();
  },

  execute: {
    update_config(deps, _env, info, body) {
      const config = loadWorkerManagerConfig(deps.storage);
      requireAdmin(config.admin, info.sender, 'update_config');
      const next: WorkerManagerConfig = {...config};
      if (body.admin != null) next.admin = validateAddress(deps.api, body.admin, 'admin');
      if (body.payment_token != null) next.payment_token = checkContractRef(deps.api, body.payment_token, 'payment token');
      if (body.min_stake != null) next.min_stake = parseUint128(body.min_stake, 'min_stake').toString();
      if (body.stake_denom != null) next.stake_denom = body.stake_denom;
      if (body.epoch_seconds != null) next.epoch_seconds = body.epoch_seconds;
      if (body.unbonding_seconds != null) next.unbonding_seconds = body.unbonding_seconds;
      if (body.liveness_interval_seconds != null) next.liveness_interval_seconds = body.liveness_interval_seconds;
      if (body.subscription_manager != null) next.subscription_manager = checkContractRef(deps.api, body.subscription_manager, 'subscription manager');
      if (body.rewards_manager != null) next.rewards_manager = checkContractRef(deps.api, body.rewards_manager, 'rewards manager');
      deps.storage.set(WORKER_MANAGER_KEYS.config, next);
      return statusResponse('update_config');
    },

    revoke_permit(deps, _env, info, {permit_name}) {
      revokePermit(deps.storage, info.sender, permit_name);
      return statusResponse('revoke_permit');
    },

    register_worker: notBuilt('register_worker'),
    update_worker: notBuilt('update_worker'),
    deregister_worker: notBuilt('deregister_worker'),
    withdraw_stake: notBuilt('withdraw_stake'),
    report_liveness: notBuilt('report_liveness'),
    remove_worker: notBuilt('remove_worker'),
    slash_worker: notBuilt('slash_worker'),
  },

  query: {
    config(deps): ConfigResponse {
      return loadWorkerManagerConfig(deps.storage);
    },

    get_models(deps): GetModelsResponse {
      const models = new Set<string>();
      for (const w of listWorkers(deps.storage)) if (w.info.status === 'active') for (const m of w.info.models) models.add(m);
      return {models: [...models].sort()};
    },

    get_u_r_ls(deps, _env, {model}): GetURLsResponse {
      const urls: string[] = [];
      for (const w of listWorkers(deps.storage)) {
        if (w.info.status !== 'active') continue;
        if (model != null && !w.info.models.includes(model)) continue;
        if (!urls.includes(w.info.url)) urls.push(w.info.url);
      }
      return {urls};
    },

    get_workers: notBuilt('get_workers'),
    get_worker: notBuilt('get_worker'),
    get_next_worker: notBuilt('get_next_worker'),
    get_registration_challenge: notBuilt('get_registration_challenge'),
  },
});
