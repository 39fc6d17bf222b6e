/**
 * WorkerManager — registry of GPU workers and their assignment to subscribers (design §4).
 *
 * A worker registers from its own key (the sender must be the account of `worker_pubkey`) with a native stake and
 * its attestation bundle; the contract checks the bundle's REPORTDATA binding (binding.ts) and stores the bundle as
 * submitted, for clients to verify in full. Active workers sit in per-model indexed lists (registry.ts), so
 * `get_next_worker` costs the same whatever the number of workers: a bounded number of hash probes into the list.
 */
import {checkContractRef, defineContract, optionalRef, requireAdmin, statusResponse, validateAddress} from '../common/contract.js';
import {concatBytes, fromBase64, fromHex, u64be, utf8} from '../common/encoding.js';
import {verifySha256Signature} from '../common/crypto.js';
import {revokePermit, verifyPermit, type Permit} from '../common/permit.js';
import {ContractError, response, type Coin, type Deps, type Env, type MessageInfo, type ReadonlyDeps, type SubMsg} from '../common/types.js';
import {parseUint128} from '../common/uint128.js';
import {checkBundleBinding, checkWorkerUrl, decodeWorkerPubkey, requireWorkerAccount} from './binding.js';
import {
  acceptedChallenges,
  challengeOf,
  challengeSeed,
  epochAt,
  epochEnd,
  indexWorker,
  isLive,
  listModels,
  listWorkers,
  loadAttestation,
  loadWorker,
  loadWorkerManagerConfig,
  modelCount,
  modelWorkerAt,
  nextWorkerId,
  saveAttestation,
  saveWorker,
  saveWorkerInfo,
  unindexWorker,
  WORKER_MANAGER_KEYS,
  type StoredWorker,
  type WorkerManagerConfig,
} from './registry.js';
import {SCHEMAS} from './schemas.js';
import type * as T from './types.js';

export {listWorkers, loadWorkerManagerConfig, saveWorker, WORKER_MANAGER_KEYS, indexWorker, type StoredWorker, type WorkerManagerConfig} from './registry.js';

/** Contract name in the registry. */
export const WORKER_MANAGER_NAME = 'worker-manager';
/** Contract version (part of the synthetic code hash). */
export const WORKER_MANAGER_VERSION = '0.2.0';
/** Default native stake denomination. */
const DEFAULT_STAKE_DENOM = 'uscrt';
/** `get_workers` page size: default and maximum. */
const DEFAULT_PAGE = 30;
const MAX_PAGE = 100;
/** Hash probes of `get_next_worker` into a model's list before a full pass (lists up to this size) or giving up. */
export const MAX_ASSIGNMENT_PROBES = 32;
/** Domain separation of the assignment hash. */
const ASSIGN_DOMAIN = 'secretai/wm/assign';

/** The stake sent with a registration: only `denom`, at least `min`. */
function checkStake(funds: Coin[], config: WorkerManagerConfig): bigint {
  let total = 0n;
  for (const c of funds) {
    if (c.denom !== config.stake_denom) throw new ContractError(`Invalid stake: only ${config.stake_denom} is accepted, got ${c.denom}`);
    total += parseUint128(c.amount, 'stake');
  }
  const min = BigInt(config.min_stake);
  if (total < min) throw new ContractError(`Insufficient stake: sent ${total}${config.stake_denom}, the minimum is ${min}${config.stake_denom}`);
  return total;
}

/** The worker `id` names, or the sender's current worker; the sender must operate it. */
function operatedWorker(deps: ReadonlyDeps, sender: string, id: string | null | undefined): T.WorkerInfo {
  const wid = id ?? deps.storage.get<string>(WORKER_MANAGER_KEYS.operator(sender));
  if (wid === undefined || wid === null) throw new ContractError(`no worker is operated by ${sender}`);
  const w = loadWorker(deps.storage, wid);
  if (w.operator !== sender) throw new ContractError(`Unauthorized: worker ${wid} is operated by another account`);
  return w;
}

function bankSend(to: string, denom: string, amount: bigint): SubMsg {
  return {bank_send: {to_address: to, amount: [{denom, amount: amount.toString()}]}};
}

/** Takes a worker out of assignment and starts its unbonding period. */
function retire(deps: Deps, env: Env, config: WorkerManagerConfig, w: T.WorkerInfo, status: 'unbonding' | 'removed'): void {
  unindexWorker(deps.storage, w.id, w.models);
  w.status = status;
  w.unbonding_ends_at = env.block.time + config.unbonding_seconds;
  saveWorkerInfo(deps.storage, w);
}

/** 48-bit number from the first bytes of a digest (uniform enough for list sizes far below 2^48). */
function hashIndex(digest: Uint8Array, n: number): number {
  let x = 0;
  for (let i = 0; i < 6; i++) x = x * 256 + digest[i]!;
  return x % n;
}

/**
 * The assignment: among the live workers of `model` not in `exclude`, a pick that depends only on (subscriber,
 * model, epoch) and the list — sticky for a subscriber within an epoch, spread uniformly across subscribers.
 * Probe j looks at position H(subscriber ‖ model ‖ epoch ‖ j) mod n; after {@link MAX_ASSIGNMENT_PROBES} misses,
 * lists no longer than that are scanned in full, longer ones give up (so the cost is bounded whatever n is).
 */
function pickWorker(deps: ReadonlyDeps, env: Env, config: WorkerManagerConfig, subscriber: string, model: string, epoch: number, exclude: readonly string[]): T.WorkerInfo | undefined {
  const n = modelCount(deps.storage, model);
  if (n === 0) return undefined;
  const seen = new Set<number>();
  const tryAt = (i: number): T.WorkerInfo | undefined => {
    if (seen.has(i)) return undefined;
    seen.add(i);
    const id = modelWorkerAt(deps.storage, model, i);
    if (exclude.includes(id)) return undefined;
    const w = loadWorker(deps.storage, id);
    return isLive(deps.storage, config, w, env.block.time) ? w : undefined;
  };
  const base = concatBytes(utf8(ASSIGN_DOMAIN), utf8(subscriber), new Uint8Array([0]), utf8(model), u64be(epoch));
  for (let j = 0; j < MAX_ASSIGNMENT_PROBES && seen.size < n; j++) {
    const w = tryAt(hashIndex(deps.api.sha256(concatBytes(base, u64be(j))), n));
    if (w) return w;
  }
  if (n <= MAX_ASSIGNMENT_PROBES) {
    for (let i = 0; i < n; i++) {
      const w = tryAt(i);
      if (w) return w;
    }
  }
  return undefined;
}

function register(deps: Deps, env: Env, info: MessageInfo, body: Extract<T.ExecuteMsg, {register_worker: unknown}>['register_worker']) {
  const config = loadWorkerManagerConfig(deps.storage);
  const stake = checkStake(info.funds, config);
  const url = checkWorkerUrl(body.url, config.allow_loopback_urls);
  const payout = validateAddress(deps.api, body.payout_address, 'payout');
  const pubkey = decodeWorkerPubkey(body.worker_pubkey);
  requireWorkerAccount(deps.api, pubkey, info.sender);
  const current = deps.storage.get<string>(WORKER_MANAGER_KEYS.operator(info.sender));
  if (current !== undefined) throw new ContractError(`this worker key already operates worker ${current}; use update_worker, or deregister_worker and withdraw_stake first`);
  checkBundleBinding(deps.api, body.attestation, pubkey, acceptedChallenges(deps.api, deps.storage, config, env.block.time));

  const id = nextWorkerId(deps.storage);
  const worker: StoredWorker = {
    info: {
      id,
      operator: info.sender,
      url,
      models: [...body.models],
      payout_address: payout,
      worker_pubkey: body.worker_pubkey,
      status: 'active',
      stake: stake.toString(),
      registered_at: env.block.time,
      last_liveness_at: env.block.time,
      unbonding_ends_at: null,
    },
    attestation: body.attestation as Record<string, unknown>,
  };
  saveWorker(deps.storage, worker);
  deps.storage.set(WORKER_MANAGER_KEYS.operator(info.sender), id);
  indexWorker(deps.storage, id, worker.info.models);
  const res = response({register_worker: {worker_id: id}});
  res.attributes.push({key: 'worker_id', value: id, plaintext: true});
  return res;
}

/** The WorkerManager contract. */
export const workerManager = defineContract<T.InstantiateMsg, T.ExecuteMsg, T.QueryMsg>({
  name: WORKER_MANAGER_NAME,
  version: WORKER_MANAGER_VERSION,
  schemas: SCHEMAS,

  instantiate(deps, env, info, msg) {
    parseUint128(msg.min_stake, 'min_stake');
    const admin = validateAddress(deps.api, msg.admin ?? info.sender, 'admin');
    const config: WorkerManagerConfig = {
      admin,
      payment_token: checkContractRef(deps.api, msg.payment_token, 'payment token'),
      min_stake: msg.min_stake,
      epoch_seconds: msg.epoch_seconds,
      unbonding_seconds: msg.unbonding_seconds,
      stake_denom: msg.stake_denom ?? DEFAULT_STAKE_DENOM,
      liveness_interval_seconds: msg.liveness_interval_seconds ?? msg.epoch_seconds,
      subscription_manager: optionalRef(deps.api, msg.subscription_manager, 'subscription manager'),
      rewards_manager: optionalRef(deps.api, msg.rewards_manager, 'rewards manager'),
      fee_address: msg.fee_address != null ? validateAddress(deps.api, msg.fee_address, 'fee') : admin,
      allow_loopback_urls: msg.allow_loopback_urls === true,
    };
    deps.storage.set(WORKER_MANAGER_KEYS.config, config);
    deps.storage.set(WORKER_MANAGER_KEYS.genesisTime, env.block.time);
    deps.storage.set(WORKER_MANAGER_KEYS.challengeSeed, challengeSeed(deps.api, env, info.sender));
    deps.storage.set(WORKER_MANAGER_KEYS.measurements, msg.accepted_measurements ?? null);
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
      if (body.fee_address != null) next.fee_address = validateAddress(deps.api, body.fee_address, 'fee');
      if (body.allow_loopback_urls != null) next.allow_loopback_urls = body.allow_loopback_urls;
      deps.storage.set(WORKER_MANAGER_KEYS.config, next);
      return statusResponse('update_config');
    },

    revoke_permit(deps, _env, info, {permit_name}) {
      revokePermit(deps.storage, info.sender, permit_name);
      return statusResponse('revoke_permit');
    },

    register_worker: register,

    update_worker(deps, env, info, body) {
      if (info.funds.length) throw new ContractError('update_worker takes no funds');
      const config = loadWorkerManagerConfig(deps.storage);
      const w = operatedWorker(deps, info.sender, body.worker_id);
      if (w.status !== 'active') throw new ContractError(`worker ${w.id} is ${w.status}; only an active worker can be updated`);
      if (body.url == null && body.models == null && body.payout_address == null && body.attestation == null) {
        throw new ContractError('update_worker: nothing to change (give url, models, payout_address or attestation)');
      }
      if (body.url != null) w.url = checkWorkerUrl(body.url, config.allow_loopback_urls);
      if (body.payout_address != null) w.payout_address = validateAddress(deps.api, body.payout_address, 'payout');
      if (body.attestation != null) {
        const pubkey = decodeWorkerPubkey(w.worker_pubkey);
        checkBundleBinding(deps.api, body.attestation, pubkey, acceptedChallenges(deps.api, deps.storage, config, env.block.time));
        saveAttestation(deps.storage, w.id, body.attestation as Record<string, unknown>);
        w.last_liveness_at = env.block.time;
      }
      if (body.models != null) {
        unindexWorker(deps.storage, w.id, w.models);
        w.models = [...body.models];
        indexWorker(deps.storage, w.id, w.models);
      }
      saveWorkerInfo(deps.storage, w);
      return statusResponse('update_worker');
    },

    deregister_worker(deps, env, info, body) {
      const config = loadWorkerManagerConfig(deps.storage);
      const w = operatedWorker(deps, info.sender, body.worker_id);
      if (w.status !== 'active') throw new ContractError(`worker ${w.id} is ${w.status}, not active`);
      retire(deps, env, config, w, 'unbonding');
      return statusResponse('deregister_worker');
    },

    withdraw_stake(deps, env, info, body) {
      const config = loadWorkerManagerConfig(deps.storage);
      const w = operatedWorker(deps, info.sender, body.worker_id);
      if (w.status === 'active') throw new ContractError(`worker ${w.id} is active: deregister_worker first`);
      const stake = BigInt(w.stake);
      if (stake === 0n) throw new ContractError(`worker ${w.id} has no stake left to withdraw`);
      const ends = w.unbonding_ends_at ?? 0;
      if (env.block.time < ends) throw new ContractError(`worker ${w.id} is unbonding until ${ends} (block time ${env.block.time})`);
      w.stake = '0';
      if (w.status === 'unbonding') w.status = 'withdrawn';
      saveWorkerInfo(deps.storage, w);
      deps.storage.remove(WORKER_MANAGER_KEYS.operator(w.operator));
      const res = statusResponse('withdraw_stake');
      res.messages.push(bankSend(w.operator, config.stake_denom, stake));
      return res;
    },

    report_liveness(deps, env, info, body) {
      const config = loadWorkerManagerConfig(deps.storage);
      const wid = body.worker_id ?? deps.storage.get<string>(WORKER_MANAGER_KEYS.operator(info.sender));
      if (wid === undefined || wid === null) throw new ContractError(`no worker is operated by ${info.sender}; pass worker_id`);
      const w = loadWorker(deps.storage, wid);
      if (w.status !== 'active') throw new ContractError(`worker ${wid} is ${w.status}, not active`);
      let sig: Uint8Array;
      try {
        sig = fromBase64(body.signature);
      } catch {
        throw new ContractError('Invalid liveness signature: not base64');
      }
      const pubkey = decodeWorkerPubkey(w.worker_pubkey);
      const ok = acceptedChallenges(deps.api, deps.storage, config, env.block.time).some((c) => verifySha256Signature(deps.api, fromHex(c), sig, pubkey));
      if (!ok) throw new ContractError(`Invalid liveness signature: not the key of worker ${wid} over the current challenge`);
      w.last_liveness_at = env.block.time;
      saveWorkerInfo(deps.storage, w);
      return statusResponse('report_liveness');
    },

    remove_worker(deps, env, info, body) {
      const config = loadWorkerManagerConfig(deps.storage);
      requireAdmin(config.admin, info.sender, 'remove_worker');
      const w = loadWorker(deps.storage, body.worker_id);
      if (w.status !== 'active' && w.status !== 'unbonding') throw new ContractError(`worker ${w.id} is ${w.status}`);
      retire(deps, env, config, w, 'removed');
      return statusResponse('remove_worker');
    },

    slash_worker(deps, env, info, body) {
      const config = loadWorkerManagerConfig(deps.storage);
      requireAdmin(config.admin, info.sender, 'slash_worker');
      const w = loadWorker(deps.storage, body.worker_id);
      const amount = parseUint128(body.amount, 'amount');
      const stake = BigInt(w.stake);
      if (amount === 0n) throw new ContractError('Invalid amount: slash a positive amount');
      if (amount > stake) throw new ContractError(`Invalid amount: worker ${w.id} has only ${stake}${config.stake_denom} staked`);
      w.stake = (stake - amount).toString();
      if (w.status === 'active' || w.status === 'unbonding') retire(deps, env, config, w, 'removed');
      else saveWorkerInfo(deps.storage, w);
      const res = statusResponse('slash_worker');
      res.messages.push(bankSend(config.fee_address, config.stake_denom, amount));
      return res;
    },

    set_accepted_measurements(deps, _env, info, {policy}) {
      const config = loadWorkerManagerConfig(deps.storage);
      requireAdmin(config.admin, info.sender, 'set_accepted_measurements');
      deps.storage.set(WORKER_MANAGER_KEYS.measurements, policy);
      return statusResponse('set_accepted_measurements');
    },
  },

  query: {
    config(deps): T.ConfigResponse {
      return loadWorkerManagerConfig(deps.storage);
    },

    get_models(deps): T.GetModelsResponse {
      return {models: listModels(deps.storage)};
    },

    get_u_r_ls(deps, _env, {model}): T.GetURLsResponse {
      const urls: string[] = [];
      for (const m of model != null ? [model] : listModels(deps.storage)) {
        const n = modelCount(deps.storage, m);
        for (let i = 0; i < n; i++) {
          const url = loadWorker(deps.storage, modelWorkerAt(deps.storage, m, i)).url;
          if (!urls.includes(url)) urls.push(url);
        }
      }
      return {urls};
    },

    get_workers(deps, _env, {model, start_after, limit}): T.GetWorkersResponse {
      const want = Math.min(limit ?? DEFAULT_PAGE, MAX_PAGE);
      const out: T.WorkerInfo[] = [];
      let after = start_after ?? undefined;
      // Filtering by model reads pages of records until the page is full (pagination keeps each answer bounded).
      for (;;) {
        const batch = listWorkers(deps.storage, {...(after !== undefined ? {startAfter: after} : {}), limit: MAX_PAGE});
        for (const w of batch) {
          if (model == null || w.models.includes(model)) out.push(w);
          if (out.length === want) return {workers: out};
        }
        if (batch.length < MAX_PAGE) return {workers: out};
        after = batch[batch.length - 1]!.id;
      }
    },

    get_worker(deps, _env, {id}): T.GetWorkerResponse {
      const w = loadWorker(deps.storage, id);
      return {worker: w, attestation: loadAttestation(deps.storage, id) as T.AttestationBundle};
    },

    get_next_worker(deps, env, {model, permit, exclude}): T.GetNextWorkerResponse {
      const config = loadWorkerManagerConfig(deps.storage);
      const subscriber = verifyPermit(deps, env, permit as Permit, env.contract.address, 'balance');
      const epoch = epochAt(deps.storage, config, env.block.time);
      const w = pickWorker(deps, env, config, subscriber, model, epoch, exclude ?? []);
      if (!w) {
        const n = modelCount(deps.storage, model);
        throw new ContractError(n === 0 ? `no worker serves model ${model}` : `no live worker for model ${model}${exclude?.length ? ` outside ${exclude.join(', ')}` : ''}`);
      }
      return {worker: w, attestation: loadAttestation(deps.storage, w.id) as T.AttestationBundle, epoch};
    },

    get_registration_challenge(deps, env): T.GetRegistrationChallengeResponse {
      const config = loadWorkerManagerConfig(deps.storage);
      const epoch = epochAt(deps.storage, config, env.block.time);
      return {
        challenge: challengeOf(deps.api, deps.storage, epoch),
        epoch,
        valid_until: epochEnd(deps.storage, config, epoch),
        ...(epoch > 0 ? {previous: challengeOf(deps.api, deps.storage, epoch - 1)} : {}),
      };
    },

    accepted_measurements(deps): T.AcceptedMeasurementsResponse {
      return {policy: deps.storage.get<T.MeasurementPolicy | null>(WORKER_MANAGER_KEYS.measurements) ?? null};
    },
  },
});
