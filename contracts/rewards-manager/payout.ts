/**
 * Money out of the RewardsManager: `close_epoch` (fix an epoch's shares, pay the protocol fee) and `claim_rewards`
 * (pay settled shares to payout addresses). Both cost the same whatever the number of workers and epochs: closing
 * reads one epoch's totals, claiming settles at most `MAX_OPEN_EPOCHS` epochs per worker (see state.ts).
 */
import {ContractError, response, type Deps, type Env, type MessageInfo, type Response, type SubMsg} from '../common/types.js';
import {formatUint128} from '../common/uint128.js';
import {
  BPS,
  REWARDS_MANAGER_KEYS as K,
  closedCount,
  epochEnd,
  loadCarry,
  loadClock,
  loadEpoch,
  loadRewardsManagerConfig,
  ownedWorkers,
  settleWorker,
  type RewardsManagerConfig,
} from './state.js';
import {queryWorker} from './work.js';

/** A SNIP-20 `transfer` of the payment token from this contract. */
export function tokenTransfer(config: RewardsManagerConfig, recipient: string, amount: bigint): SubMsg {
  const t = config.payment_token;
  return {wasm_execute: {contract_addr: t.address, code_hash: t.code_hash, msg: {transfer: {recipient, amount: formatUint128(amount)}}, funds: []}};
}

/** The `close_epoch` handler: closes the oldest open epoch once its end has passed. */
export function closeEpoch(deps: Deps, env: Env, info: MessageInfo): Response {
  if (info.funds.length) throw new ContractError('close_epoch takes no funds');
  const config = loadRewardsManagerConfig(deps.storage);
  const clock = loadClock(deps.storage);
  const e = closedCount(deps.storage);
  const ends = epochEnd(clock, e);
  if (env.block.time < ends) throw new ContractError(`epoch ${e} ends at ${ends}; block time is ${env.block.time}`);

  const ep = loadEpoch(deps.storage, e);
  const carriedIn = loadCarry(deps.storage);
  const total = BigInt(ep.revenue) + carriedIn;
  const fee = (total * BigInt(config.protocol_fee_bps)) / BPS;
  const uptimePool = ep.workers_up > 0 ? (fee * BigInt(config.uptime_reward_bps)) / BPS : 0n;
  const perUp = ep.workers_up > 0 ? uptimePool / BigInt(ep.workers_up) : 0n;
  const uptimeDust = uptimePool - perUp * BigInt(ep.workers_up);
  const paidFee = fee - uptimePool;
  const weight = BigInt(ep.weight);
  const distributed = weight > 0n ? total - fee : 0n;
  const carryOut = uptimeDust + (weight > 0n ? 0n : total - fee);

  ep.closed = {
    carried_in: formatUint128(carriedIn),
    protocol_fee: formatUint128(paidFee),
    uptime_pool: formatUint128(uptimePool),
    per_up: formatUint128(perUp),
    distributed: formatUint128(distributed),
    remaining_weight: ep.weight,
    remaining_amount: formatUint128(distributed),
  };
  deps.storage.set(K.epoch(e), ep);
  deps.storage.set(K.carry, formatUint128(carryOut));
  deps.storage.set(K.closedCount, e + 1);

  const res = response({close_epoch: {epoch: e, revenue: formatUint128(total), protocol_fee: formatUint128(paidFee), distributed: formatUint128(distributed), total_weight: ep.weight}});
  res.attributes.push({key: 'closed_epoch', value: String(e), plaintext: true});
  if (paidFee > 0n) res.messages.push(tokenTransfer(config, config.fee_recipient, paidFee));
  return res;
}

/**
 * The `claim_rewards` handler: settles and pays the caller's workers (those it operates or is the payout address
 * of, as the WorkerManager says now) to each worker's current payout address. Naming a worker the caller has no
 * say over is refused; a caller with nothing settled is paid nothing.
 */
export function claimRewards(deps: Deps, _env: Env, info: MessageInfo, workerId: string | null | undefined): Response {
  if (info.funds.length) throw new ContractError('claim_rewards takes no funds');
  const config = loadRewardsManagerConfig(deps.storage);
  const ids = workerId != null ? [workerId] : ownedWorkers(deps.storage, info.sender);
  const payouts: Array<{worker_id: string; address: string; amount: string}> = [];
  let totalPaid = 0n;
  const messages: SubMsg[] = [];
  for (const id of ids) {
    const w = queryWorker(deps, config, id);
    if (w.operator !== info.sender && w.payout_address !== info.sender) {
      if (workerId != null) throw new ContractError(`Unauthorized: ${info.sender} is neither the operator nor the payout address of worker ${id}`);
      continue;
    }
    const account = settleWorker(deps.storage, id);
    const amount = BigInt(account.settled);
    if (amount === 0n) continue;
    account.settled = '0';
    account.claimed = formatUint128(BigInt(account.claimed) + amount);
    deps.storage.set(K.account(id), account);
    payouts.push({worker_id: id, address: w.payout_address, amount: formatUint128(amount)});
    messages.push(tokenTransfer(config, w.payout_address, amount));
    totalPaid += amount;
  }
  const res = response({claim_rewards: {amount: formatUint128(totalPaid), payouts}});
  res.messages.push(...messages);
  return res;
}
