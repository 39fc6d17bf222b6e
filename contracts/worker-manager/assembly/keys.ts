/**
 * Storage layout of the WorkerManager — the same string keys as `WORKER_MANAGER_KEYS` in
 * `contracts/worker-manager/registry.ts`; values are the same JSON texts.
 *
 * `storage.range` over `worker:` (the TypeScript `get_workers`) has no counterpart on Secret. None is needed: worker
 * ids are assigned densely from 1 (`last_worker_id`) and worker records are never deleted, so listing in id order
 * walks the ids `start_after + 1 … last_worker_id`.
 */

/** Width of zero-padded worker ids in storage keys, so keys sort by id. */
const WORKER_KEY_WIDTH = 20;

export const KEY_CONFIG = "config";
/** Instantiation block time: epoch 0 of assignment and challenge rotation starts here. */
export const KEY_GENESIS_TIME = "genesis_time";
/** Secret seed of the registration challenges (contract state is encrypted on Secret). */
export const KEY_CHALLENGE_SEED = "challenge_seed";
/** The measurement policy (`MeasurementPolicy` JSON or null). */
export const KEY_MEASUREMENTS = "accepted_measurements";
/** Last assigned worker id (a number). */
export const KEY_LAST_ID = "last_worker_id";
/** Sorted names of models with at least one active worker. */
export const KEY_MODELS = "models";

export function workerKey(id: string): string {
  return "worker:" + id.padStart(WORKER_KEY_WIDTH, "0");
}

export function attestationKey(id: string): string {
  return "attestation:" + id;
}

/** The active or unbonding worker of an operator account. */
export function operatorKey(addr: string): string {
  return "operator:" + addr;
}

export function modelCountKey(model: string): string {
  return "model_count:" + model;
}

export function modelAtKey(model: string, i: i64): string {
  return "model_at:" + model + ":" + i.toString();
}

export function modelPosKey(model: string, id: string): string {
  return "model_pos:" + model + ":" + id;
}
