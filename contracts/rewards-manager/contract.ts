/**
 * RewardsManager — usage reports, epochs and payouts (design §4).
 *
 * Built: instantiate (opens epoch 0 at the instantiation block time), `update_config` (admin; a new epoch length
 * applies from the next epoch), `revoke_permit`, and the queries `config` and `epoch`. Every other message of the
 * schema is part of the wire interface but answers `<message> is not built yet`.
 */
import {defineContract, notBuilt, requireAdmin, statusResponse, validateAddress} from '../common/contract.js';
import {revokePermit} from '../common/permit.js';
import {ContractError, response, type Api, type ReadonlyStorage} from '../common/types.js';
import {formatUint128, parseUint128} from '../common/uint128.js';
import {SCHEMAS} from './schemas.js';
import type {ConfigResponse, ContractRef, EpochResponse, ExecuteMsg, InstantiateMsg, QueryMsg} from './types.js';

/** Contract name in the registry. */
export const REWARDS_MANAGER_NAME = 'rewards-manager';
/** Contract version (part of the synthetic code hash). */
export const REWARDS_MANAGER_VERSION = '0.1.0';

/** Stored configuration; the `config` query answers it as is. */
export type RewardsManagerConfig = ConfigResponse;

/** The open epoch: fixed start and end (a config change of the length applies to the next epoch). */
export interface StoredEpoch {
  epoch: number;
  starts_at: number;
  ends_at: number;
}

/** Storage layout (JSON values; amounts as decimal strings). */
export const REWARDS_MANAGER_KEYS = {
  config: 'config',
  currentEpoch: 'epoch:current',
  revenue: (epoch: number) => `epoch_revenue:${epoch}`,
} as const;

/** Loads the configuration (throws if the contract was never instantiated). */
export function loadRewardsManagerConfig(storage: ReadonlyStorage): RewardsManagerConfig {
  const config = storage.get<RewardsManagerConfig>(REWARDS_MANAGER_KEYS.config);
  if (!config) throw new ContractError('rewards-manager is not instantiated');
  return config;
}

/** The open epoch. */
export function currentEpoch(storage: ReadonlyStorage): StoredEpoch {
  const epoch = storage.get<StoredEpoch>(REWARDS_MANAGER_KEYS.currentEpoch);
  if (!epoch) throw new ContractError('rewards-manager is not instantiated');
  return epoch;
}

function checkContractRef(api: Api, ref: ContractRef, what: string): ContractRef {
  validateAddress(api, ref.address, what);
  return {address: ref.address, code_hash: ref.code_hash};
}

const optionalRef = (api: Api, ref: ContractRef | null | undefined, what: string): ContractRef | null =>
  ref === undefined || ref === null ? null : checkContractRef(api, ref, what);

/** The RewardsManager contract. */
export const rewardsManager = defineContract<InstantiateMsg, ExecuteMsg, QueryMsg>({
  name: REWARDS_MANAGER_NAME,
  version: REWARDS_MANAGER_VERSION,
  schemas: SCHEMAS,

  instantiate(deps, env, info, msg) {
    const admin = validateAddress(deps.api, msg.admin ?? info.sender, 'admin');
    const config: RewardsManagerConfig = {
      admin,
      payment_token: checkContractRef(deps.api, msg.payment_token, 'payment token'),
      epoch_seconds: msg.epoch_seconds,
      protocol_fee_bps: msg.protocol_fee_bps,
      fee_recipient: validateAddress(deps.api, msg.fee_recipient ?? admin, 'fee recipient'),
      unconfirmed_weight_cap: formatUint128(parseUint128(msg.unconfirmed_weight_cap ?? '0', 'unconfirmed_weight_cap')),
      uptime_reward_bps: msg.uptime_reward_bps ?? 0,
      worker_manager: optionalRef(deps.api, msg.worker_manager, 'worker manager'),
      subscription_manager: optionalRef(deps.api, msg.subscription_manager, 'subscription manager'),
    };
    deps.storage.set(REWARDS_MANAGER_KEYS.config, config);
    const epoch: StoredEpoch = {epoch: 0, starts_at: env.block.time, ends_at: env.block.time + msg.epoch_seconds};
    deps.storage.set(REWARDS_MANAGER_KEYS.currentEpoch, epoch);
    deps.storage.set(REWARDS_MANAGER_KEYS.revenue(0), '0');
    return response();
  },

  execute: {
    update_config(deps, _env, info, body) {
      const config = loadRewardsManagerConfig(deps.storage);
      requireAdmin(config.admin, info.sender, 'update_config');
      const next: RewardsManagerConfig = {...config};
      if (body.admin != null) next.admin = validateAddress(deps.api, body.admin, 'admin');
      if (body.payment_token != null) next.payment_token = checkContractRef(deps.api, body.payment_token, 'payment token');
      if (body.epoch_seconds != null) next.epoch_seconds = body.epoch_seconds;
      if (body.protocol_fee_bps != null) next.protocol_fee_bps = body.protocol_fee_bps;
      if (body.fee_recipient != null) next.fee_recipient = validateAddress(deps.api, body.fee_recipient, 'fee recipient');
      if (body.unconfirmed_weight_cap != null) next.unconfirmed_weight_cap = formatUint128(parseUint128(body.unconfirmed_weight_cap, 'unconfirmed_weight_cap'));
      if (body.uptime_reward_bps != null) next.uptime_reward_bps = body.uptime_reward_bps;
      if (body.worker_manager != null) next.worker_manager = checkContractRef(deps.api, body.worker_manager, 'worker manager');
      if (body.subscription_manager != null) next.subscription_manager = checkContractRef(deps.api, body.subscription_manager, 'subscription manager');
      deps.storage.set(REWARDS_MANAGER_KEYS.config, next);
      return statusResponse('update_config');
    },

    revoke_permit(deps, _env, info, {permit_name}) {
      revokePermit(deps.storage, info.sender, permit_name);
      return statusResponse('revoke_permit');
    },

    report_work: notBuilt('report_work'),
    close_epoch: notBuilt('close_epoch'),
    claim_rewards: notBuilt('claim_rewards'),
    receive: notBuilt('receive'),
  },

  query: {
    config(deps): ConfigResponse {
      return loadRewardsManagerConfig(deps.storage);
    },

    epoch(deps, env): EpochResponse {
      const epoch = currentEpoch(deps.storage);
      return {
        epoch: epoch.epoch,
        starts_at: epoch.starts_at,
        ends_at: epoch.ends_at,
        revenue: deps.storage.get<string>(REWARDS_MANAGER_KEYS.revenue(epoch.epoch)) ?? '0',
        closable: env.block.time >= epoch.ends_at,
      };
    },

    epoch_info: notBuilt('epoch_info'),
    rewards: notBuilt('rewards'),
  },
});
