/**
 * The WorkerManager's storage layout (`contracts/worker-manager/assembly/keys.ts`), for tests and benches that put
 * workers straight into its storage instead of registering them (no attestation bundle, thousands at once). Writes
 * what a registration writes: the worker record, its bundle, the operator pointer, `last_worker_id` (ids are
 * dense from 1: the contract walks `1 … last_worker_id` to list workers) and the per-model assignment lists.
 */
import type {Storage} from '../../contracts/common/types.js';
import type {WorkerInfo} from '../../contracts/worker-manager/types.js';

/** Width of zero-padded worker ids in storage keys. */
const WORKER_KEY_WIDTH = 20;

/** Storage keys of the WorkerManager (JSON values). */
export const WORKER_MANAGER_KEYS = {
  lastId: 'last_worker_id',
  models: 'models',
  worker: (id: string) => `worker:${id.padStart(WORKER_KEY_WIDTH, '0')}`,
  attestation: (id: string) => `attestation:${id}`,
  operator: (addr: string) => `operator:${addr}`,
  modelCount: (model: string) => `model_count:${model}`,
  modelAt: (model: string, i: number) => `model_at:${model}:${i}`,
  modelPos: (model: string, id: string) => `model_pos:${model}:${id}`,
} as const;

/** Stores (or replaces) a worker's facts. */
export function saveWorkerInfo(storage: Storage, info: WorkerInfo): void {
  storage.set(WORKER_MANAGER_KEYS.worker(info.id), info);
}

/** Appends worker `id` to each model's assignment list (as an active registration does). */
export function indexWorker(storage: Storage, id: string, models: readonly string[]): void {
  const K = WORKER_MANAGER_KEYS;
  for (const model of models) {
    if (storage.get(K.modelPos(model, id)) !== undefined) continue;
    const n = storage.get<number>(K.modelCount(model)) ?? 0;
    storage.set(K.modelAt(model, n), id);
    storage.set(K.modelPos(model, id), n);
    storage.set(K.modelCount(model), n + 1);
    if (n === 0) storage.set(K.models, [...(storage.get<string[]>(K.models) ?? []), model].sort());
  }
}

/**
 * Writes a registered worker: record, bundle, operator pointer and `last_worker_id` (raised to its id); active
 * workers also go into their models' lists. Ids must be given densely from 1.
 */
export function putWorker(storage: Storage, info: WorkerInfo, attestation: Record<string, unknown> = {}): void {
  const K = WORKER_MANAGER_KEYS;
  saveWorkerInfo(storage, info);
  storage.set(K.attestation(info.id), attestation);
  if (info.status !== 'removed') storage.set(K.operator(info.operator), info.id);
  storage.set(K.lastId, Math.max(storage.get<number>(K.lastId) ?? 0, Number(info.id)));
  if (info.status === 'active') indexWorker(storage, info.id, info.models);
}
