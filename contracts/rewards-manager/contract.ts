/**
 * RewardsManager — usage reports, epochs and payouts (design §4).
 *
 * Revenue arrives as SNIP-20 `send` of the payment token with `{"revenue":{"epoch"?}}` (the SubscriptionManager
 * forwards each plan payment this way) and is credited to an epoch that is not closed. Workers report signed usage
 * records (work.ts); anyone closes ended epochs in order and workers claim their shares (payout.ts). Storage, the
 * epoch clock, settlement and the remainder rule are described in state.ts.
 */
import {compileSchema} from '../common/schema.js';
import {checkContractRef, decodeJsonBinary, defineContract, optionalRef, requireAdmin, statusResponse, validateAddress} from '../common/contract.js';
import {revokePermit, verifyPermit, type Permit} from '../common/permit.js';
import {ContractError, response, type Api, type Deps, type Env, type ReadonlyDeps} from '../common/types.js';
import {checkedAdd, formatUint128, parseUint128} from '../common/uint128.js';
import type {WorkerInfo} from '../worker-manager/types.js';
import {closeEpoch, claimRewards} from './payout.js';
import {RECEIVE_MSG_SCHEMA, SCHEMAS} from './schemas.js';
import {
  REWARDS_MANAGER_KEYS,
  closedCount,
  epochAt,
  epochEnd,
  epochStart,
  loadClock,
  loadEpoch,
  loadRewardsManagerConfig,
  loadUsage,
  ownedWorkers,
  pendingOf,
  shareOf,
  usageWeightOf,
  type EpochClock,
  type RewardsManagerConfig,
} from './state.js';
import type * as T from './types.js';
import {queryWorker, reportWork} from './work.js';

export {REWARDS_MANAGER_KEYS, loadRewardsManagerConfig, type RewardsManagerConfig} from './state.js';

/** Contract name in the registry. */
export const REWARDS_MANAGER_NAME = 'rewards-manager';
/** Contract version (part of the synthetic code hash). */
export const REWARDS_MANAGER_VERSION = '0.2.0';

const receiveMsgValidator = compileSchema(RECEIVE_MSG_SCHEMA, 'receive.msg');

/**
 * The epoch clock: the WorkerManager's (its genesis and epoch length, read from `config` and
 * `get_registration_challenge`) when one is configured, so record epochs mean the same interval in both contracts;
 * otherwise the instantiation time and `epoch_seconds`.
 */
function initialClock(deps: Deps, env: Env, msg: T.InstantiateMsg, wm: T.ContractRef | null): EpochClock {
  if (!wm) return {genesis: env.block.time, epoch_seconds: msg.epoch_seconds};
  const cfg = deps.querier.queryContract<{epoch_seconds: number}>(wm.address, wm.code_hash, {config: {}});
  const ch = deps.querier.queryContract<{epoch: number; valid_until: number}>(wm.address, wm.code_hash, {get_registration_challenge: {}});
  if (cfg.epoch_seconds !== msg.epoch_seconds) {
    throw new ContractError(`epoch_seconds ${msg.epoch_seconds} differs from the worker manager's ${cfg.epoch_seconds}`);
  }
  return {genesis: ch.valid_until - (ch.epoch + 1) * cfg.epoch_seconds, epoch_seconds: cfg.epoch_seconds};
}

/** The permit signer, who must operate worker `w` or be its payout address. */
function requireWorkerOwner(deps: ReadonlyDeps, env: Env, permit: T.Permit, w: WorkerInfo): string {
  const signer = verifyPermit(deps, env, permit as Permit, env.contract.address, 'balance');
  if (signer !== w.operator && signer !== w.payout_address) throw new ContractError(`Unauthorized: ${signer} is neither the operator nor the payout address of worker ${w.id}`);
  return signer;
}

/** The RewardsManager contract. */
export const rewardsManager = defineContract<T.InstantiateMsg, T.ExecuteMsg, T.QueryMsg>({
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
    deps.storage.set(REWARDS_MANAGER_KEYS.clock, initialClock(deps, env, msg, config.worker_manager));
    return response();
  },

  execute: {
    update_config(deps, _env, info, body) {
      const config = loadRewardsManagerConfig(deps.storage);
      requireAdmin(config.admin, info.sender, 'update_config');
      if (body.epoch_seconds != null && body.epoch_seconds !== config.epoch_seconds) {
        throw new ContractError('epoch_seconds is fixed at instantiation (record epochs must keep meaning the same interval)');
      }
      const next: RewardsManagerConfig = {...config};
      if (body.admin != null) next.admin = validateAddress(deps.api, body.admin, 'admin');
      if (body.payment_token != null) next.payment_token = checkContractRef(deps.api, body.payment_token, 'payment token');
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

    report_work(deps, env, info, {records}) {
      return reportWork(deps, env, info, records);
    },

    close_epoch(deps, env, info) {
      return closeEpoch(deps, env, info);
    },

    claim_rewards(deps, env, info, {worker_id}) {
      return claimRewards(deps, env, info, worker_id);
    },

    receive(deps, env, info, {amount, msg}) {
      const config = loadRewardsManagerConfig(deps.storage);
      // Anyone can send a hand-made `receive`; the amount is only real when the token contract sent it.
      if (info.sender !== config.payment_token.address) {
        throw new ContractError(`Unauthorized: receive is accepted only from the payment token ${config.payment_token.address}`);
      }
      if (msg === undefined || msg === null) throw new ContractError('receive.msg is required: {"revenue":{}}');
      const inner = decodeJsonBinary(msg, receiveMsgValidator) as T.ReceiveMsg;
      const clock = loadClock(deps.storage);
      const current = epochAt(clock, env.block.time);
      const e = inner.revenue.epoch ?? current;
      const closed = closedCount(deps.storage);
      if (e < closed || e > current) throw new ContractError(`revenue for epoch ${e} cannot be accepted: open epochs are ${closed} to ${current}`);
      const value = parseUint128(amount);
      if (value === 0n) throw new ContractError('revenue amount must be positive');
      const ep = loadEpoch(deps.storage, e);
      ep.revenue = formatUint128(checkedAdd(BigInt(ep.revenue), value));
      deps.storage.set(REWARDS_MANAGER_KEYS.epoch(e), ep);
      return statusResponse('receive');
    },
  },

  query: {
    config(deps): T.ConfigResponse {
      return loadRewardsManagerConfig(deps.storage);
    },

    epoch(deps, env, {id}): T.EpochResponse {
      const clock = loadClock(deps.storage);
      const e = id ?? epochAt(clock, env.block.time);
      const ep = loadEpoch(deps.storage, e);
      const closed = closedCount(deps.storage);
      const c = ep.closed;
      return {
        epoch: e,
        starts_at: epochStart(clock, e),
        ends_at: epochEnd(clock, e),
        revenue: ep.revenue,
        closable: e === closed && env.block.time >= epochEnd(clock, e),
        closed: e < closed,
        total_weight: ep.weight,
        workers_up: ep.workers_up,
        carried_in: c?.carried_in ?? null,
        protocol_fee: c?.protocol_fee ?? null,
        uptime_pool: c?.uptime_pool ?? null,
        distributed: c?.distributed ?? null,
      };
    },

    pending_rewards(deps, env, {permit}): T.PendingRewardsResponse {
      const config = loadRewardsManagerConfig(deps.storage);
      const signer = verifyPermit(deps, env, permit as Permit, env.contract.address, 'balance');
      const workers: T.WorkerRewards[] = [];
      let pending = 0n;
      let unsettled = 0n;
      let claimed = 0n;
      for (const id of ownedWorkers(deps.storage, signer)) {
        const w = queryWorker(deps, config, id);
        if (w.operator !== signer && w.payout_address !== signer) continue;
        const p = pendingOf(deps.storage, id);
        workers.push({worker_id: id, pending: formatUint128(p.pending), unsettled_weight: formatUint128(p.unsettledWeight), claimed: formatUint128(p.claimed)});
        pending += p.pending;
        unsettled += p.unsettledWeight;
        claimed += p.claimed;
      }
      return {pending: formatUint128(pending), unsettled_weight: formatUint128(unsettled), claimed: formatUint128(claimed), workers};
    },

    worker_usage(deps, env, {worker_id, epoch, permit}): T.WorkerUsageResponse {
      const config = loadRewardsManagerConfig(deps.storage);
      requireWorkerOwner(deps, env, permit, queryWorker(deps, config, worker_id));
      const e = epoch ?? epochAt(loadClock(deps.storage), env.block.time);
      const u = loadUsage(deps.storage, worker_id, e);
      const ep = loadEpoch(deps.storage, e);
      const reward = u === undefined ? null : u.reward ?? (ep.closed ? formatUint128(shareOf(ep, u)) : null);
      return {
        worker_id,
        epoch: e,
        records: u?.records ?? 0,
        weight: formatUint128(u ? usageWeightOf(u) : 0n),
        confirmed_weight: u?.confirmed ?? '0',
        unconfirmed_weight: u?.unconfirmed ?? '0',
        up: u?.up ?? false,
        reward,
      };
    },
  },
});
