/**
 * WorkerManager storage of workers: records, bundles, the per-operator pointer, worker ids, and the per-model
 * indexed lists that keep `get_next_worker` O(1) in the number of workers (a list per model stored as
 * `model_count:<m>` + `model_at:<m>:<i>` + `model_pos:<m>:<id>`, removal by swap-with-last) — the layout of
 * `contracts/worker-manager/registry.ts`.
 */
import {JsonValue, sortStrings} from "../../lib/json";
import {fail} from "../../lib/result";
import {Storage} from "../../lib/storage";
import {attestationKey, KEY_LAST_ID, KEY_MODELS, modelAtKey, modelCountKey, modelPosKey, workerKey} from "./keys";
import {jsonStrings, stringList} from "../../lib/contract";
import {Worker} from "./worker";

/** Stores a worker's facts only. */
export function saveWorkerInfo(w: Worker): void {
  Storage.setJson(workerKey(w.id), w.json);
}

/** Stores a worker's bundle as submitted. */
export function saveAttestation(id: string, attestation: JsonValue): void {
  Storage.setJson(attestationKey(id), attestation);
}

/** One worker's facts, or null (absent ids are also how listing skips holes). */
export function findWorker(id: string): Worker | null {
  const v = Storage.getJson(workerKey(id));
  return v === null || v.isNull ? null : new Worker(v);
}

/** One worker's facts, or null after recording `worker <id> not found`. */
export function loadWorker(id: string): Worker | null {
  const w = findWorker(id);
  if (w === null) fail(`worker ${id} not found`);
  return w;
}

/** One worker's stored bundle, or null after recording `worker <id> has no stored attestation`. */
export function loadAttestation(id: string): JsonValue | null {
  const a = Storage.getJson(attestationKey(id));
  if (a === null || a.isNull) {
    fail(`worker ${id} has no stored attestation`);
    return null;
  }
  return a;
}

/** The last assigned worker id (0 before the first registration). */
export function lastWorkerId(): u64 {
  return Storage.getU64(KEY_LAST_ID, 0);
}

/** The next worker id (decimal string, from 1). */
export function nextWorkerId(): string {
  const id = lastWorkerId() + 1;
  Storage.setU64(KEY_LAST_ID, id);
  return id.toString();
}

/** Number of active workers indexed for `model`. */
export function modelCount(model: string): i64 {
  return <i64>Storage.getU64(modelCountKey(model), 0);
}

/** The worker id at position `i` of `model`'s list, or null after recording that the index is corrupt. */
export function modelWorkerAt(model: string, i: i64): string | null {
  const id = Storage.getJsonString(modelAtKey(model, i));
  if (id === null) fail(`model index of ${model} is corrupt at ${i}`);
  return id;
}

/** Sorted model names with at least one active worker, as stored (an empty array when none). */
export function modelsJson(): JsonValue {
  const v = Storage.getJson(KEY_MODELS);
  return v === null || v.isNull ? JsonValue.array() : v;
}

export function listModels(): string[] {
  return stringList(modelsJson());
}

function setModelListed(model: string, listed: bool): void {
  const all = listModels();
  const models = new Array<string>();
  for (let i = 0; i < all.length; i++) if (all[i] != model) models.push(all[i]);
  if (listed) models.push(model);
  sortStrings(models);
  Storage.setJson(KEY_MODELS, jsonStrings(models));
}

/** Appends worker `id` to each model's list (O(1) per model). */
export function indexWorker(id: string, models: string[]): void {
  for (let k = 0; k < models.length; k++) {
    const model = models[k];
    if (Storage.has(modelPosKey(model, id))) continue;
    const n = modelCount(model);
    Storage.setJsonString(modelAtKey(model, n), id);
    Storage.setU64(modelPosKey(model, id), <u64>n);
    Storage.setU64(modelCountKey(model), <u64>(n + 1));
    if (n == 0) setModelListed(model, true);
  }
}

/** Removes worker `id` from each model's list: the last entry takes its place (O(1) per model). False after `fail`. */
export function unindexWorker(id: string, models: string[]): bool {
  for (let k = 0; k < models.length; k++) {
    const model = models[k];
    const posValue = Storage.getJson(modelPosKey(model, id));
    if (posValue === null) continue;
    const pos = <i64>posValue.asU64();
    const last = modelCount(model) - 1;
    if (pos != last) {
      const moved = modelWorkerAt(model, last);
      if (moved === null) return false;
      Storage.setJsonString(modelAtKey(model, pos), moved);
      Storage.setU64(modelPosKey(model, moved), <u64>pos);
    }
    Storage.remove(modelAtKey(model, last));
    Storage.remove(modelPosKey(model, id));
    if (last == 0) {
      Storage.remove(modelCountKey(model));
      setModelListed(model, false);
    } else Storage.setU64(modelCountKey(model), <u64>last);
  }
  return true;
}
