/**
 * The epoch clock and the registration challenges: epochs of `epoch_seconds` since instantiation, a challenge per
 * epoch derived from the secret seed set at instantiation, and liveness (a report in this or the previous epoch).
 */
import {concatAll, fromHex, toHex, u64be, utf8Encode} from "../../lib/bytes";
import {Env} from "../../lib/env";
import {fail} from "../../lib/result";
import {sha256} from "../../lib/sha256";
import {Storage} from "../../lib/storage";
import {Config} from "./config";
import {KEY_CHALLENGE_SEED, KEY_GENESIS_TIME} from "./keys";
import {STATUS_ACTIVE, Worker} from "./worker";

/** Domain separation of the challenge seed and of each epoch's challenge. */
const SEED_DOMAIN = "secretai/wm/challenge-seed";
const CHALLENGE_DOMAIN = "secretai/wm/challenge";

function genesisTime(): u64 {
  return Storage.getU64(KEY_GENESIS_TIME, 0);
}

/** Assignment epoch of a time: whole `epoch_seconds` since instantiation. */
export function epochAt(config: Config, time: u64): u64 {
  const genesis = genesisTime();
  return time <= genesis ? 0 : (time - genesis) / config.epochSeconds;
}

/** End of `epoch` (Unix seconds). */
export function epochEnd(config: Config, epoch: u64): u64 {
  return genesisTime() + (epoch + 1) * config.epochSeconds;
}

/**
 * The challenge seed set at instantiation: SHA-256 over the chain id, contract address, block and instantiating
 * account (hex). It lives in the contract's (encrypted) state.
 */
export function challengeSeed(env: Env, sender: string): string {
  return toHex(sha256(concatAll([
    utf8Encode(SEED_DOMAIN),
    utf8Encode(env.chainId),
    utf8Encode(env.contractAddress),
    u64be(env.height),
    u64be(env.time),
    utf8Encode(sender),
  ])));
}

/** The registration challenge of `epoch` (hex, 32 bytes): SHA-256(domain ‖ seed ‖ epoch); null after `fail`. */
export function challengeOf(epoch: u64): string | null {
  const seed = Storage.getJsonString(KEY_CHALLENGE_SEED);
  if (seed === null) {
    fail("worker-manager is not instantiated");
    return null;
  }
  return toHex(sha256(concatAll([utf8Encode(CHALLENGE_DOMAIN), fromHex(seed)!, u64be(epoch)])));
}

/** Challenges accepted now, current first: this epoch's and the previous epoch's; null after `fail`. */
export function acceptedChallenges(config: Config, time: u64): string[] | null {
  const epoch = epochAt(config, time);
  const current = challengeOf(epoch);
  if (current === null) return null;
  const out = new Array<string>();
  out.push(current);
  if (epoch > 0) out.push(challengeOf(epoch - 1)!);
  return out;
}

/** A worker is live when it is active and reported (or registered) in this or the previous epoch. */
export function isLive(config: Config, w: Worker, time: u64): bool {
  if (w.status != STATUS_ACTIVE) return false;
  return epochAt(config, w.lastSeen) + 1 >= epochAt(config, time);
}
