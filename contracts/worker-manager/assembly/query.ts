/**
 * The public queries: settings, models, URLs, workers (listed in id order), one worker with its bundle, the
 * registration challenge and the measurement policy. `get_next_worker` is in `assign.ts`.
 */
import {Env} from "../../lib/env";
import {compareUtf16, JsonValue} from "../../lib/json";
import {Storage} from "../../lib/storage";
import {loadConfig} from "./config";
import {challengeOf, epochAt, epochEnd} from "./epoch";
import {KEY_MEASUREMENTS} from "./keys";
import {field} from "../../lib/contract";
import {decimalU64} from "./msg";
import {findWorker, lastWorkerId, listModels, loadAttestation, loadWorker, modelCount, modelsJson, modelWorkerAt} from "./registry";

/** `get_workers` page size: default and maximum. */
const DEFAULT_PAGE: u64 = 30;
const MAX_PAGE: u64 = 100;
/** Digits of the largest worker id the schema admits (`^[1-9][0-9]{0,19}$`). */
const MAX_ID_DIGITS = 20;

export function config(env: Env, body: JsonValue): JsonValue | null {
  const c = loadConfig();
  return c === null ? null : c.json;
}

export function getModels(env: Env, body: JsonValue): JsonValue | null {
  return JsonValue.object().set("models", modelsJson());
}

export function getURLs(env: Env, body: JsonValue): JsonValue | null {
  const given = body.getString("model");
  let models: string[];
  if (given !== null) {
    models = new Array<string>();
    models.push(given);
  } else models = listModels();
  const urls = new Array<string>();
  const out = JsonValue.array();
  for (let k = 0; k < models.length; k++) {
    const n = modelCount(models[k]);
    for (let i: i64 = 0; i < n; i++) {
      const id = modelWorkerAt(models[k], i);
      if (id === null) return null;
      const w = loadWorker(id);
      if (w === null) return null;
      const url = w.url;
      if (!urls.includes(url)) {
        urls.push(url);
        out.push(JsonValue.str(url));
      }
    }
  }
  return JsonValue.object().set("urls", out);
}

/** The id after which listing starts: `start_after` (a decimal id), 0 when absent; u64.MAX_VALUE past every id. */
function firstIdAfter(startAfter: string | null): u64 {
  if (startAfter === null) return 0;
  // Ids are compared as zero-padded 20-digit keys; a 20-digit id may exceed u64 and lies past every assigned id.
  if (startAfter.length == MAX_ID_DIGITS && compareUtf16(startAfter, u64.MAX_VALUE.toString().padStart(MAX_ID_DIGITS, "0")) > 0) return u64.MAX_VALUE;
  return decimalU64(startAfter);
}

/**
 * Registered workers in id order after `start_after`, optionally only those serving `model`, at most `limit`
 * (default 30, at most 100). Ids are dense from 1 to `last_worker_id` (records are never deleted), so the walk
 * needs no key iterator; an id without a record is skipped.
 */
export function getWorkers(env: Env, body: JsonValue): JsonValue | null {
  const model = body.getString("model");
  const limit = body.opt("limit");
  let want = limit === null ? DEFAULT_PAGE : limit.asU64();
  if (want > MAX_PAGE) want = MAX_PAGE;
  const out = JsonValue.array();
  let found: u64 = 0;
  const last = lastWorkerId();
  const after = firstIdAfter(body.getString("start_after"));
  for (let id = after + 1; id <= last && id > after && found < want; id++) {
    const w = findWorker(id.toString());
    if (w === null) continue;
    if (model !== null && !w.models.includes(model)) continue;
    out.push(w.json);
    found++;
  }
  return JsonValue.object().set("workers", out);
}

export function getWorker(env: Env, body: JsonValue): JsonValue | null {
  const id = field(body, "id");
  const w = loadWorker(id);
  if (w === null) return null;
  const attestation = loadAttestation(id);
  if (attestation === null) return null;
  return JsonValue.object().set("worker", w.json).set("attestation", attestation);
}

export function getRegistrationChallenge(env: Env, body: JsonValue): JsonValue | null {
  const c = loadConfig();
  if (c === null) return null;
  const epoch = epochAt(c, env.time);
  const challenge = challengeOf(epoch);
  if (challenge === null) return null;
  const out = JsonValue.object().setString("challenge", challenge).setU64("epoch", epoch).setU64("valid_until", epochEnd(c, epoch));
  if (epoch > 0) out.setString("previous", challengeOf(epoch - 1)!);
  return out;
}

export function acceptedMeasurements(env: Env, body: JsonValue): JsonValue | null {
  const policy = Storage.getJson(KEY_MEASUREMENTS);
  return JsonValue.object().set("policy", policy !== null ? policy : JsonValue.null_());
}
