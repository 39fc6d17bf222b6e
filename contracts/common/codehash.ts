/**
 * Stable synthetic code hashes for the TypeScript contracts. On a real chain a code hash is the SHA-256 of the
 * wasm; these contracts have no wasm, so the hash is SHA-256 of `secretai-contract:<name>:<version>` — the same on
 * every devnet start, changing only when a contract's version does (docs `secret-lcd-devnet.md` §3f).
 */
import {toHex, utf8} from './encoding.js';
import {sha256} from './sha256.js';

/** Prefix of the hashed identity string. */
export const CODE_HASH_DOMAIN = 'secretai-contract';

/** 64 lower-case hex characters: SHA-256 of `secretai-contract:<name>:<version>`. */
export function contractCodeHash(name: string, version: string): string {
  return toHex(sha256(utf8(`${CODE_HASH_DOMAIN}:${name}:${version}`)));
}
