/**
 * Signatures and addresses for the wasm contracts, over the host's imports: `secp256k1_verify` (ECDSA over a
 * 32-byte digest), `addr_humanize` and `addr_validate`. Port of `contracts/common/crypto.ts` and of the address
 * part of the devnet `Api` (`pubkeyToAddress`). SHA-256 and RIPEMD-160 run in wasm.
 */
import {addr_humanize, addr_validate, secp256k1_verify} from './imports';
import {allocate, readRegion, regionOf} from './memory';
import {fromBase64, utf8Decode, utf8Encode} from './bytes';
import {ripemd160} from './ripemd160';
import {sha256} from './sha256';
import {fail} from './result';

/** Length of a compact secp256k1 signature r‖s. */
export const SECP256K1_SIGNATURE_BYTES: i32 = 64;
/** Length of a compressed secp256k1 public key (0x02/0x03 ‖ x). */
export const SECP256K1_COMPRESSED_PUBKEY_BYTES: i32 = 33;
/** Length of an uncompressed secp256k1 public key (0x04 ‖ x ‖ y). */
export const SECP256K1_UNCOMPRESSED_PUBKEY_BYTES: i32 = 65;
/** Length of a message digest `secp256k1_verify` takes. */
export const SECP256K1_DIGEST_BYTES: i32 = 32;
/** Capacity of the Region the host writes a human-readable address into (CosmWasm's `HUMAN_ADDRESS_BUFFER_LENGTH`). */
const HUMAN_ADDRESS_CAPACITY: u32 = 90;
/** Length of one affine coordinate. */
const COORDINATE_BYTES: i32 = 32;

/**
 * secp256k1 ECDSA verify through the host: `hash` = 32-byte digest, `sig` = 64-byte r‖s, `pubkey` = 33 or 65
 * bytes. True only for the host's "valid" answer (0); "invalid" (1) and its error codes give false.
 */
export function secp256k1Verify(hash: Uint8Array, sig: Uint8Array, pubkey: Uint8Array): bool {
  return secp256k1_verify(regionOf(hash), regionOf(sig), regionOf(pubkey)) == 0;
}

/**
 * secp256k1 ECDSA verify of `sig` (64-byte r‖s) over SHA-256(`message`) with a 33-byte compressed `pubkey`.
 * Malformed lengths give false.
 */
export function verifySha256Signature(message: Uint8Array, sig: Uint8Array, pubkey: Uint8Array): bool {
  if (sig.length != SECP256K1_SIGNATURE_BYTES || pubkey.length != SECP256K1_COMPRESSED_PUBKEY_BYTES) return false;
  return secp256k1Verify(sha256(message), sig, pubkey);
}

/**
 * Compresses a 65-byte uncompressed secp256k1 public key (0x04 ‖ x ‖ y) to 33 bytes (0x02|parity(y) ‖ x);
 * returns a 33-byte key unchanged and null for any other input.
 */
export function compressSecp256k1Pubkey(pubkey: Uint8Array): Uint8Array | null {
  const n = pubkey.length;
  if (n == SECP256K1_COMPRESSED_PUBKEY_BYTES && (pubkey[0] == 0x02 || pubkey[0] == 0x03)) return pubkey;
  if (n != SECP256K1_UNCOMPRESSED_PUBKEY_BYTES || pubkey[0] != 0x04) return null;
  const out = new Uint8Array(SECP256K1_COMPRESSED_PUBKEY_BYTES);
  out[0] = (pubkey[SECP256K1_UNCOMPRESSED_PUBKEY_BYTES - 1] & 1) == 1 ? 0x03 : 0x02;
  out.set(pubkey.subarray(1, 1 + COORDINATE_BYTES), 1);
  return out;
}

/** The 20-byte account id of a public key: RIPEMD-160(SHA-256(pubkey)). */
export function pubkeyAccountId(pubkey: Uint8Array): Uint8Array {
  return ripemd160(sha256(pubkey));
}

/**
 * The `secret1…` address of a 33-byte compressed secp256k1 public key: the host's `addr_humanize` of
 * RIPEMD-160(SHA-256(pubkey)). The host never refuses 20 bytes; if it does, that is a host fault and traps.
 */
export function pubkeyToAddress(pubkey: Uint8Array): string {
  return humanizeAddress(pubkeyAccountId(pubkey));
}

/** The host's `addr_humanize` of canonical address bytes; traps with the host's message if it refuses them. */
export function humanizeAddress(canonical: Uint8Array): string {
  const destination = allocate(HUMAN_ADDRESS_CAPACITY);
  const error = addr_humanize(regionOf(canonical), destination);
  if (error != 0) throw new Error('addr_humanize failed: ' + utf8Decode(readRegion(error)));
  return utf8Decode(readRegion(destination));
}

/** True when the host accepts `address` as a valid, normalised address of this chain (`addr_validate`). */
export function addrValidate(address: string): bool {
  return addr_validate(regionOf(utf8Encode(address))) == 0;
}

/** The worker's registered key: 33-byte compressed secp256k1; null after `Invalid worker_pubkey: …`. */
export function decodeWorkerPubkey(b64: string): Uint8Array | null {
  const key = fromBase64(b64);
  if (key === null) {
    fail("Invalid worker_pubkey: not base64");
    return null;
  }
  if (key.length != SECP256K1_COMPRESSED_PUBKEY_BYTES || (key[0] != 0x02 && key[0] != 0x03)) {
    fail("Invalid worker_pubkey: must be a 33-byte compressed secp256k1 public key");
    return null;
  }
  return key;
}
