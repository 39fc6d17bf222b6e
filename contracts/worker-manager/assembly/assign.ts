/**
 * `get_next_worker`: among the live workers of `model` not in `exclude`, a pick that depends only on (subscriber,
 * model, epoch) and the list — sticky for a subscriber within an epoch, spread uniformly across subscribers.
 * Probe j looks at position H(subscriber ‖ model ‖ epoch ‖ j) mod n; after `MAX_ASSIGNMENT_PROBES` misses, lists
 * no longer than that are scanned in full, longer ones give up (so the cost is bounded whatever n is).
 */
import {concat, concatAll, u64be, utf8Encode} from "../../lib/bytes";
import {Env} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {verifyPermit} from "../../lib/permit";
import {fail, failed} from "../../lib/result";
import {sha256} from "../../lib/sha256";
import {Config, loadConfig} from "./config";
import {epochAt, isLive} from "./epoch";
import {field, stringList} from "../../lib/contract";
import {loadAttestation, loadWorker, modelCount, modelWorkerAt} from "./registry";
import {Worker} from "./worker";

/** Hash probes into a model's list before a full pass (lists up to this size) or giving up. */
const MAX_ASSIGNMENT_PROBES: i64 = 32;
/** Domain separation of the assignment hash. */
const ASSIGN_DOMAIN = "secretai/wm/assign";
/** Bytes of the digest read as the probe's number (48 bits: uniform enough for lists far below 2^48). */
const INDEX_BYTES = 6;

/** 48-bit number from the first bytes of a digest, modulo n. */
function hashIndex(digest: Uint8Array, n: i64): i64 {
  let x: u64 = 0;
  for (let i = 0; i < INDEX_BYTES; i++) x = (x << 8) | <u64>digest[i];
  return <i64>(x % <u64>n);
}

/** The probes of one pick: positions already looked at, and the answer of each look. */
class Picker {
  seen: Set<i64> = new Set<i64>();

  constructor(public config: Config, public time: u64, public model: string, public exclude: string[]) {}

  /** The live worker at position i (null when seen before, excluded, not live, or after `fail`). */
  tryAt(i: i64): Worker | null {
    if (this.seen.has(i)) return null;
    this.seen.add(i);
    const id = modelWorkerAt(this.model, i);
    if (id === null) return null;
    if (this.exclude.includes(id)) return null;
    const w = loadWorker(id);
    if (w === null) return null;
    return isLive(this.config, w, this.time) ? w : null;
  }
}

function pickWorker(env: Env, config: Config, subscriber: string, model: string, epoch: u64, exclude: string[]): Worker | null {
  const n = modelCount(model);
  if (n == 0) return null;
  const p = new Picker(config, env.time, model, exclude);
  const base = concatAll([utf8Encode(ASSIGN_DOMAIN), utf8Encode(subscriber), new Uint8Array(1), utf8Encode(model), u64be(epoch)]);
  for (let j: i64 = 0; j < MAX_ASSIGNMENT_PROBES && <i64>p.seen.size < n; j++) {
    const w = p.tryAt(hashIndex(sha256(concat(base, u64be(<u64>j))), n));
    if (failed()) return null;
    if (w !== null) return w;
  }
  if (n <= MAX_ASSIGNMENT_PROBES) {
    for (let i: i64 = 0; i < n; i++) {
      const w = p.tryAt(i);
      if (failed()) return null;
      if (w !== null) return w;
    }
  }
  return null;
}

export function getNextWorker(env: Env, body: JsonValue): JsonValue | null {
  const config = loadConfig();
  if (config === null) return null;
  const subscriber = verifyPermit(body.get("permit")!, env.contractAddress, env.time, "balance");
  if (subscriber === null) return null;
  const model = field(body, "model");
  const excluded = body.opt("exclude");
  const exclude = excluded === null ? new Array<string>() : stringList(excluded);
  const epoch = epochAt(config, env.time);
  const w = pickWorker(env, config, subscriber, model, epoch, exclude);
  if (failed()) return null;
  if (w === null) {
    if (modelCount(model) == 0) fail(`no worker serves model ${model}`);
    else fail(`no live worker for model ${model}` + (exclude.length > 0 ? " outside " + exclude.join(", ") : ""));
    return null;
  }
  const attestation = loadAttestation(w.id);
  if (attestation === null) return null;
  return JsonValue.object().set("worker", w.json).set("attestation", attestation).setU64("epoch", epoch);
}
