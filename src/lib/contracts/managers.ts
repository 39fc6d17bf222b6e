/**
 * The three Secret AI managers as deployed: their settings (devnet and public-network defaults) and their
 * instantiate messages (`contracts/<name>/schema/instantiate.json`). One place for what the devnet's genesis and
 * `secretai contracts deploy` send.
 *
 * The managers refer to each other. Genesis knows every address in advance (the devnet derives them
 * deterministically) and passes all references at instantiation; on a real chain an address is known only once its
 * contract exists, so deploy instantiates WorkerManager, then SubscriptionManager, then RewardsManager, each with the
 * references known so far, and completes the others with `update_config` ({@link managerLinks}).
 */
import type {InstantiateMsg as RewardsManagerInit} from '../../../contracts/rewards-manager/types.js';
import type {InstantiateMsg as SubscriptionManagerInit, Plan} from '../../../contracts/subscription-manager/types.js';
import type {InstantiateMsg as WorkerManagerInit, MeasurementPolicy} from '../../../contracts/worker-manager/types.js';
import {devMeasurementPolicy} from '../../attest/dev/measurements.js';
import type {ContractRef} from '../config/index.js';
import {UsageError} from '../errors.js';

/** The managers, in instantiation order, with their contract (code) names. */
export const MANAGERS = [
  {key: 'workerManager', code: 'worker-manager'},
  {key: 'subscriptionManager', code: 'subscription-manager'},
  {key: 'rewardsManager', code: 'rewards-manager'},
] as const;

export type ManagerKey = (typeof MANAGERS)[number]['key'];

/** What the managers are instantiated with besides the admin and the contract references. */
export interface ManagerSettings {
  /** WorkerManager: minimum native stake of a worker, in `stakeDenom` base units. */
  minStake: string;
  /** Epoch length of the WorkerManager (assignment, challenge) and the RewardsManager (rewards), seconds. */
  epochSeconds: number;
  /** WorkerManager: delay between deregistering and withdrawing the stake, seconds. */
  unbondingSeconds: number;
  /** WorkerManager: native denomination of the stake. */
  stakeDenom: string;
  /** WorkerManager: accept worker URLs on loopback hosts (devnets only). */
  allowLoopbackUrls: boolean;
  /** WorkerManager: the measurement policy clients appraise workers against. */
  acceptedMeasurements?: MeasurementPolicy;
  /** SubscriptionManager: plans offered from the start. */
  plans: Plan[];
  /** RewardsManager: share of each epoch's revenue kept as protocol fee, basis points. */
  protocolFeeBps: number;
  /** RewardsManager: per worker and epoch, the most weight counted from records without a subscriber countersignature. */
  unconfirmedWeightCap?: string;
}

/** The plan a devnet offers from genesis, so that `subscribe --plan basic` works at once. */
export const DEVNET_PLAN: Plan = {id: 'basic', price: '10000000', period_seconds: 30 * 24 * 3600, token_quota: '1000000'};

/** Settings of the managers on a devnet (what the embedded devnet's genesis uses). */
export function devnetManagerSettings(): ManagerSettings {
  return {
    minStake: '1000000',
    epochSeconds: 3600,
    unbondingSeconds: 600,
    stakeDenom: 'uscrt',
    allowLoopbackUrls: true,
    acceptedMeasurements: devMeasurementPolicy(), // exactly what `attest collect --dev` mints
    plans: [DEVNET_PLAN],
    protocolFeeBps: 500,
    unconfirmedWeightCap: '1000000',
  };
}

/**
 * Default settings on a public network: no loopback URLs, no dev measurements (clients use the profile's policy
 * until the admin sets one with `set_accepted_measurements`), no plans (the admin adds them with `set_plan`),
 * a week of unbonding, and only countersigned usage counted for rewards.
 */
export function networkManagerSettings(): ManagerSettings {
  return {
    minStake: '1000000',
    epochSeconds: 3600,
    unbondingSeconds: 7 * 24 * 3600,
    stakeDenom: 'uscrt',
    allowLoopbackUrls: false,
    plans: [],
    protocolFeeBps: 500,
    unconfirmedWeightCap: '0',
  };
}

/** The contract references the managers are instantiated with; the payment token is always known. */
export interface ManagerRefs {
  paymentToken: ContractRef;
  workerManager?: ContractRef;
  subscriptionManager?: ContractRef;
  rewardsManager?: ContractRef;
}

/** A reference in the contracts' wire form. */
export function wireRef(c: ContractRef): {address: string; code_hash: string} {
  return {address: c.address, code_hash: c.codeHash};
}

function optionalRef(c: ContractRef | undefined): {address: string; code_hash: string} | undefined {
  return c ? wireRef(c) : undefined;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** WorkerManager's instantiate message. */
export function workerManagerInitMsg(admin: string, refs: ManagerRefs, s: ManagerSettings): WorkerManagerInit {
  return dropUndefined({
    admin,
    payment_token: wireRef(refs.paymentToken),
    min_stake: s.minStake,
    epoch_seconds: s.epochSeconds,
    unbonding_seconds: s.unbondingSeconds,
    stake_denom: s.stakeDenom,
    allow_loopback_urls: s.allowLoopbackUrls,
    accepted_measurements: s.acceptedMeasurements,
    subscription_manager: optionalRef(refs.subscriptionManager),
    rewards_manager: optionalRef(refs.rewardsManager),
  });
}

/** SubscriptionManager's instantiate message. */
export function subscriptionManagerInitMsg(admin: string, refs: ManagerRefs, s: ManagerSettings): SubscriptionManagerInit {
  return dropUndefined({
    admin,
    payment_token: wireRef(refs.paymentToken),
    plans: s.plans,
    worker_manager: optionalRef(refs.workerManager),
    rewards_manager: optionalRef(refs.rewardsManager),
  });
}

/** RewardsManager's instantiate message. */
export function rewardsManagerInitMsg(admin: string, refs: ManagerRefs, s: ManagerSettings): RewardsManagerInit {
  return dropUndefined({
    admin,
    payment_token: wireRef(refs.paymentToken),
    epoch_seconds: s.epochSeconds,
    protocol_fee_bps: s.protocolFeeBps,
    unconfirmed_weight_cap: s.unconfirmedWeightCap,
    worker_manager: optionalRef(refs.workerManager),
    subscription_manager: optionalRef(refs.subscriptionManager),
  });
}

/** The instantiate message of manager `key`. */
export function managerInitMsg(key: ManagerKey, admin: string, refs: ManagerRefs, s: ManagerSettings): object {
  switch (key) {
    case 'workerManager':
      return workerManagerInitMsg(admin, refs, s);
    case 'subscriptionManager':
      return subscriptionManagerInitMsg(admin, refs, s);
    case 'rewardsManager':
      return rewardsManagerInitMsg(admin, refs, s);
  }
}

/** Which other managers each manager refers to, by its config field name. */
export function managerLinks(key: ManagerKey): Array<{field: string; target: ManagerKey}> {
  switch (key) {
    case 'workerManager':
      return [{field: 'subscription_manager', target: 'subscriptionManager'}, {field: 'rewards_manager', target: 'rewardsManager'}];
    case 'subscriptionManager':
      return [{field: 'worker_manager', target: 'workerManager'}, {field: 'rewards_manager', target: 'rewardsManager'}];
    case 'rewardsManager':
      return [{field: 'worker_manager', target: 'workerManager'}, {field: 'subscription_manager', target: 'subscriptionManager'}];
  }
}

const SETTINGS_KEYS: Record<keyof ManagerSettings, 'string' | 'number' | 'boolean' | 'object'> = {
  minStake: 'string',
  epochSeconds: 'number',
  unbondingSeconds: 'number',
  stakeDenom: 'string',
  allowLoopbackUrls: 'boolean',
  acceptedMeasurements: 'object',
  plans: 'object',
  protocolFeeBps: 'number',
  unconfirmedWeightCap: 'string',
};

const OPTIONAL_SETTINGS = new Set<string>(['acceptedMeasurements', 'unconfirmedWeightCap']);

/**
 * `base` with the overrides of a settings document (a JSON object with {@link ManagerSettings} keys; `null`
 * removes an optional one). Unknown keys and wrongly typed values are usage errors; the contracts check the values themselves at instantiation.
 */
export function mergeSettings(base: ManagerSettings, overrides: unknown, source = 'settings'): ManagerSettings {
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new UsageError(`${source} must be a JSON object`, {code: 'SETTINGS_INVALID'});
  }
  const out: Record<string, unknown> = {...base};
  for (const [k, v] of Object.entries(overrides)) {
    const type = SETTINGS_KEYS[k as keyof ManagerSettings];
    if (!type) throw new UsageError(`${source}: unknown setting "${k}" (known: ${Object.keys(SETTINGS_KEYS).join(', ')})`, {code: 'SETTINGS_INVALID'});
    if (v === null && OPTIONAL_SETTINGS.has(k)) {
      delete out[k];
      continue;
    }
    if (typeof v !== type || (k === 'plans' && !Array.isArray(v))) {
      throw new UsageError(`${source}: "${k}" must be ${k === 'plans' ? 'an array' : `a ${type}`}`, {code: 'SETTINGS_INVALID'});
    }
    out[k] = v;
  }
  return out as unknown as ManagerSettings;
}
