/**
 * WorkerManager storage: worker records, the per-operator pointer, and the per-model indexed lists that keep
 * `get_next_worker` O(1) in the number of workers (a list per model stored as `count` + `at:<i>` + `pos:<id>`,
 * removal by swap-with-last). Also the epoch clock and the registration challenge. Pure: storage in, values out.
 */
import {loadInstantiated} from '../common/contract.js';
import {concatBytes, fromHex, toHex, u64be, utf8} from '../common/encoding.js';
import {ContractError, type Api, type Env, type ReadonlyStorage, type Storage} from '../common/types.js';
import type {ConfigResponse, WorkerInfo} from './types.js';

/** Width of zero-padded worker ids in storage keys, so keys sort by id. */
const WORKER_KEY_WIDTH = 20;
/** Domain separation of the challenge seed and of each epoch's challenge. */
const SEED_DOMAIN = 'secretai/wm/challenge-seed';
const CHALLENGE_DOMAIN = 'secretai/wm/challenge';

/** Stored configuration; the `config` query answers it as is. */
export type WorkerManagerConfig = ConfigResponse;

/**
 * A worker: the public facts plus the submitted attestation bundle. They are stored under separate keys, so
 * changes of the facts (status, liveness, URL) do not rewrite the bundle.
 */
export interface StoredWorker {
  info: WorkerInfo;
  attestation: Record<string, unknown>;
}

/** Storage layout (JSON values). */
export const WORKER_MANAGER_KEYS = {
  config: 'config',
  /** Instantiation block time: epoch 0 of assignment and challenge rotation starts here. */
  genesisTime: 'genesis_time',
  /** Secret seed of the registration challenges (contract state is encrypted on Secret). */
  challengeSeed: 'challenge_seed',
  /** The measurement policy (`MeasurementPolicy` JSON or null). */
  measurements: 'accepted_measurements',
  /** Last assigned worker id. */
  lastId: 'last_worker_id',
  /** Sorted names of models with at least one active worker. */
  models: 'models',
  workerPrefix: 'worker:',
  worker: (id: string) => `worker:${id.padStart(WORKER_KEY_WIDTH, '0')}`,
  attestation: (id: string) => `attestation:${id}`,
  /** The active or unbonding worker of an operator account. */
  operator: (addr: string) => `operator:${addr}`,
  modelCount: (model: string) => `model_count:${model}`,
  modelAt: (model: string, i: number) => `model_at:${model}:${i}`,
  modelPos: (model: string, id: string) => `model_pos:${model}:${id}`,
} as const;

/** Loads the configuration (throws if the contract was never instantiated). */
export function loadWorkerManagerConfig(storage: ReadonlyStorage): WorkerManagerConfig {
  return loadInstantiated<WorkerManagerConfig>(storage, WORKER_MANAGER_KEYS.config, 'worker-manager');
}

/** Stores a worker's facts and its bundle (registration). */
export function saveWorker(storage: Storage, worker: StoredWorker): void {
  saveWorkerInfo(storage, worker.info);
  saveAttestation(storage, worker.info.id, worker.attestation);
}

/** Stores a worker's facts only. */
export function saveWorkerInfo(storage: Storage, info: WorkerInfo): void {
  storage.set(WORKER_MANAGER_KEYS.worker(info.id), info);
}

/** Stores a worker's bundle as submitted. */
export function saveAttestation(storage: Storage, id: string, attestation: Record<string, unknown>): void {
  storage.set(WORKER_MANAGER_KEYS.attestation(id), attestation);
}

/** One worker's facts, or a ContractError naming the id. */
export function loadWorker(storage: ReadonlyStorage, id: string): WorkerInfo {
  const w = storage.get<WorkerInfo>(WORKER_MANAGER_KEYS.worker(id));
  if (!w) throw new ContractError(`worker ${id} not found`);
  return w;
}

/** One worker's stored bundle. */
export function loadAttestation(storage: ReadonlyStorage, id: string): Record<string, unknown> {
  const a = storage.get<Record<string, unknown>>(WORKER_MANAGER_KEYS.attestation(id));
  if (!a) throw new ContractError(`worker ${id} has no stored attestation`);
  return a;
}

/** Workers' facts in id order after `startAfter` (an id), at most `limit`. */
export function listWorkers(storage: ReadonlyStorage, opts: {startAfter?: string; limit?: number} = {}): WorkerInfo[] {
  const startAfter = opts.startAfter !== undefined ? WORKER_MANAGER_KEYS.worker(opts.startAfter) : undefined;
  return storage
    .range<WorkerInfo>(WORKER_MANAGER_KEYS.workerPrefix, {...(startAfter ? {startAfter} : {}), ...(opts.limit !== undefined ? {limit: opts.limit} : {})})
    .map(([, w]) => w);
}

/** Number of active workers indexed for `model`. */
export function modelCount(storage: ReadonlyStorage, model: string): number {
  return storage.get<number>(WORKER_MANAGER_KEYS.modelCount(model)) ?? 0;
}

/** The worker id at position `i` of `model`'s list. */
export function modelWorkerAt(storage: ReadonlyStorage, model: string, i: number): string {
  const id = storage.get<string>(WORKER_MANAGER_KEYS.modelAt(model, i));
  if (id === undefined) throw new ContractError(`model index of ${model} is corrupt at ${i}`);
  return id;
}

/** Sorted model names with at least one active worker. */
export function listModels(storage: ReadonlyStorage): string[] {
  return storage.get<string[]>(WORKER_MANAGER_KEYS.models) ?? [];
}

function setModelListed(storage: Storage, model: string, listed: boolean): void {
  const models = listModels(storage).filter((m) => m !== model);
  if (listed) models.push(model);
  models.sort();
  storage.set(WORKER_MANAGER_KEYS.models, models);
}

/** Appends worker `id` to each model's list (O(1) per model). */
export function indexWorker(storage: Storage, id: string, models: readonly string[]): void {
  const K = WORKER_MANAGER_KEYS;
  for (const model of models) {
    if (storage.get(K.modelPos(model, id)) !== undefined) continue;
    const n = modelCount(storage, model);
    storage.set(K.modelAt(model, n), id);
    storage.set(K.modelPos(model, id), n);
    storage.set(K.modelCount(model), n + 1);
    if (n === 0) setModelListed(storage, model, true);
  }
}

/** Removes worker `id` from each model's list: the last entry takes its place (O(1) per model). */
export function unindexWorker(storage: Storage, id: string, models: readonly string[]): void {
  const K = WORKER_MANAGER_KEYS;
  for (const model of models) {
    const pos = storage.get<number>(K.modelPos(model, id));
    if (pos === undefined) continue;
    const last = modelCount(storage, model) - 1;
    if (pos !== last) {
      const moved = modelWorkerAt(storage, model, last);
      storage.set(K.modelAt(model, pos), moved);
      storage.set(K.modelPos(model, moved), pos);
    }
    storage.remove(K.modelAt(model, last));
    storage.remove(K.modelPos(model, id));
    if (last === 0) {
      storage.remove(K.modelCount(model));
      setModelListed(storage, model, false);
    } else storage.set(K.modelCount(model), last);
  }
}

/** The next worker id (decimal string, from 1). */
export function nextWorkerId(storage: Storage): string {
  const id = (storage.get<number>(WORKER_MANAGER_KEYS.lastId) ?? 0) + 1;
  storage.set(WORKER_MANAGER_KEYS.lastId, id);
  return String(id);
}

/** Assignment epoch of a time: whole `epoch_seconds` since instantiation. */
export function epochAt(storage: ReadonlyStorage, config: WorkerManagerConfig, time: number): number {
  const genesis = storage.get<number>(WORKER_MANAGER_KEYS.genesisTime) ?? 0;
  return time <= genesis ? 0 : Math.floor((time - genesis) / config.epoch_seconds);
}

/** End of `epoch` (Unix seconds). */
export function epochEnd(storage: ReadonlyStorage, config: WorkerManagerConfig, epoch: number): number {
  return (storage.get<number>(WORKER_MANAGER_KEYS.genesisTime) ?? 0) + (epoch + 1) * config.epoch_seconds;
}

/**
 * The challenge seed set at instantiation: SHA-256 over the chain id, contract address, block and instantiating
 * account. It lives in the contract's (encrypted) state, so later epochs' challenges cannot be computed from
 * public data by anyone who did not see it.
 */
export function challengeSeed(api: Api, env: Env, sender: string): string {
  return toHex(
    api.sha256(concatBytes(utf8(SEED_DOMAIN), utf8(env.block.chain_id), utf8(env.contract.address), u64be(env.block.height), u64be(env.block.time), utf8(sender))),
  );
}

/** The registration challenge of `epoch` (hex, 32 bytes): SHA-256(domain ‖ seed ‖ epoch). */
export function challengeOf(api: Api, storage: ReadonlyStorage, epoch: number): string {
  const seed = storage.get<string>(WORKER_MANAGER_KEYS.challengeSeed);
  if (seed === undefined) throw new ContractError('worker-manager is not instantiated');
  return toHex(api.sha256(concatBytes(utf8(CHALLENGE_DOMAIN), fromHex(seed), u64be(epoch))));
}

/** Challenges accepted now, current first: this epoch's and the previous epoch's. */
export function acceptedChallenges(api: Api, storage: ReadonlyStorage, config: WorkerManagerConfig, time: number): string[] {
  const epoch = epochAt(storage, config, time);
  return epoch > 0 ? [challengeOf(api, storage, epoch), challengeOf(api, storage, epoch - 1)] : [challengeOf(api, storage, epoch)];
}

/** A worker is live when it is active and reported (or registered) in this or the previous epoch. */
export function isLive(storage: ReadonlyStorage, config: WorkerManagerConfig, w: WorkerInfo, time: number): boolean {
  if (w.status !== 'active') return false;
  const last = w.last_liveness_at ?? w.registered_at;
  return epochAt(storage, config, last) + 1 >= epochAt(storage, config, time);
}
