/** Small wrappers over the host {@link Api} used by several contracts. */
import type {Api} from './types.js';

/**
 * secp256k1 ECDSA verify of `sig` (64-byte r‖s) over SHA-256(`message`) with a 33-byte compressed `pubkey`.
 * Uses the host's `secp256k1VerifySha256` when it has one, else `secp256k1Verify(sha256(message), …)`.
 * Malformed lengths give `false`, never an exception.
 */
export function verifySha256Signature(api: Api, message: Uint8Array, sig: Uint8Array, pubkey: Uint8Array): boolean {
  if (sig.length !== SECP256K1_SIGNATURE_BYTES || pubkey.length !== SECP256K1_COMPRESSED_PUBKEY_BYTES) return false;
  if (api.secp256k1VerifySha256) return api.secp256k1VerifySha256(message, sig, pubkey);
  return api.secp256k1Verify(api.sha256(message), sig, pubkey);
}

/** Length of a compact secp256k1 signature r‖s. */
export const SECP256K1_SIGNATURE_BYTES = 64;
/** Length of a compressed secp256k1 public key (0x02/0x03 ‖ x). */
export const SECP256K1_COMPRESSED_PUBKEY_BYTES = 33;
/** Length of an uncompressed secp256k1 public key (0x04 ‖ x ‖ y). */
export const SECP256K1_UNCOMPRESSED_PUBKEY_BYTES = 65;
/** Length of one affine coordinate, and of a scalar (r, s, a private key). */
const COORDINATE_BYTES = 32;
/** The order n of secp256k1's group. */
export const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** n / 2: the largest S of a low-S signature. */
const HALF_ORDER = SECP256K1_ORDER >> 1n;

/** Big-endian unsigned integer of `bytes` (0 for none). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'));
}

/** True when `signature` is a 64-byte r‖s with 0 < r < n and 0 < s ≤ n/2 (the low-S form Cosmos accepts). */
export function isLowSCompactSignature(signature: Uint8Array): boolean {
  if (signature.length !== SECP256K1_SIGNATURE_BYTES) return false;
  const r = bytesToBigInt(signature.subarray(0, COORDINATE_BYTES));
  const s = bytesToBigInt(signature.subarray(COORDINATE_BYTES));
  return r > 0n && r < SECP256K1_ORDER && s > 0n && s <= HALF_ORDER;
}

/**
 * Compresses a 65-byte uncompressed secp256k1 public key (0x04 ‖ x ‖ y) to 33 bytes (0x02|parity(y) ‖ x);
 * returns a 33-byte key unchanged and `undefined` for any other input.
 */
export function compressSecp256k1Pubkey(pubkey: Uint8Array): Uint8Array | undefined {
  if (pubkey.length === SECP256K1_COMPRESSED_PUBKEY_BYTES && (pubkey[0] === 0x02 || pubkey[0] === 0x03)) return pubkey;
  if (pubkey.length !== SECP256K1_UNCOMPRESSED_PUBKEY_BYTES || pubkey[0] !== 0x04) return undefined;
  const out = new Uint8Array(SECP256K1_COMPRESSED_PUBKEY_BYTES);
  out[0] = (pubkey[SECP256K1_UNCOMPRESSED_PUBKEY_BYTES - 1]! & 1) === 1 ? 0x03 : 0x02;
  out.set(pubkey.subarray(1, 1 + COORDINATE_BYTES), 1);
  return out;
}
