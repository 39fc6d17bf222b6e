/**
 * secp256k1 keys on Node's native crypto (OpenSSL): public keys, and ECDSA signatures over SHA-256 in the Cosmos
 * form — 64-byte compact `r ‖ s` with low S (BIP-62: `s ≤ n/2`).
 *
 * Two ways to sign, both giving signatures any secp256k1 verifier accepts:
 * - {@link Secp256k1Key.signSha256}: deterministic (RFC 6979 nonce from HMAC-SHA256), the same bytes as
 *   `@noble/curves` `secp256k1.sign(sha256(message), key, {lowS: true})` — for usage records and liveness reports,
 *   whose signatures are a function of key and message whichever code computes them;
 * - {@link Secp256k1Key.signSha256Hedged}: OpenSSL's own ECDSA with a fresh random nonce, as secretjs's wallet signs
 *   transactions and permits (its signatures are random too).
 *
 * The point multiplications run in OpenSSL (constant time); the few scalar operations left are BigInt arithmetic
 * modulo n, with the nonce inversion blinded by a random factor. Loading this module loads nothing but `node:crypto`
 * and the shared secp256k1 constants and checks of `contracts/common/crypto.ts`.
 */
import {nodeCrypto} from '../../common/node-crypto.js';
import type {ECDH, KeyObject} from 'node:crypto';
import {bytesToBigInt, compressSecp256k1Pubkey, SECP256K1_ORDER, SECP256K1_SIGNATURE_BYTES} from '../../../contracts/common/crypto.js';

const {createECDH, createHash, createHmac, createPrivateKey, randomBytes, sign: nodeSign} = nodeCrypto;

/** n / 2: a signature's S must not exceed it (low S). */
const HALF_ORDER = SECP256K1_ORDER >> 1n;
/** Bytes of a private key, of a scalar, of SHA-256. */
const SCALAR_BYTES = 32;
/** RFC 6979 gives up after this many rejected nonces (each happens with probability ~2^-128). */
const MAX_NONCE_TRIES = 1000;

/** One ECDH context for every `k·G` of the process (JavaScript runs one call at a time; reusing it saves a third). */
let ecdh: ECDH | undefined;

/** Thrown for a private key that is not 32 bytes or not in `[1, n)`. */
export class Secp256k1KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Secp256k1KeyError';
  }
}

/** `value` (0 ≤ value < 2^256) as 32 big-endian bytes. */
export function bigIntToBytes32(value: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(SCALAR_BYTES * 2, '0'), 'hex'));
}

/** Throws {@link Secp256k1KeyError} unless `key` is 32 bytes encoding an integer in `[1, n)`; returns that integer. */
export function checkPrivateKey(key: Uint8Array): bigint {
  if (!ArrayBuffer.isView(key) || key.length !== SCALAR_BYTES) throw new Secp256k1KeyError('a secp256k1 private key is 32 bytes');
  const d = bytesToBigInt(key);
  if (d === 0n || d >= SECP256K1_ORDER) throw new Secp256k1KeyError('secp256k1 private key out of range');
  return d;
}

/** The 33-byte compressed public key `d·G` of a 32-byte private key. */
export function compressedPublicKey(privateKey: Uint8Array): Uint8Array {
  checkPrivateKey(privateKey);
  return compressSecp256k1Pubkey(basePointMultiple(privateKey))!;
}

/** `k·G` as `0x04 ‖ x ‖ y` (OpenSSL's constant-time multiplication), for a scalar `k` in `[1, n)`. */
function basePointMultiple(k: Uint8Array): Uint8Array {
  ecdh ??= createECDH('secp256k1');
  ecdh.setPrivateKey(k);
  return new Uint8Array(ecdh.getPublicKey(null, 'uncompressed'));
}

/** `r ‖ s` with S replaced by `n − s` when it is above n/2 (both verify; only the low one is valid on Cosmos). */
export function toLowS(signature: Uint8Array): Uint8Array {
  const s = bytesToBigInt(signature.subarray(SCALAR_BYTES, SECP256K1_SIGNATURE_BYTES));
  if (s <= HALF_ORDER) return signature;
  const out = new Uint8Array(SECP256K1_SIGNATURE_BYTES);
  out.set(signature.subarray(0, SCALAR_BYTES));
  out.set(bigIntToBytes32(SECP256K1_ORDER - s), SCALAR_BYTES);
  return out;
}

/** `a^-1 mod n` (extended Euclid); `a` must be in `[1, n)`. */
function invertModN(a: bigint): bigint {
  let [r0, r1] = [SECP256K1_ORDER, a];
  let [t0, t1] = [0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  if (r0 !== 1n) throw new Error('not invertible modulo n');
  return t0 < 0n ? t0 + SECP256K1_ORDER : t0;
}

/** A uniformly random scalar in `[1, n)`, from 48 random bytes (bias below 2^-128). */
function randomScalar(): bigint {
  return (bytesToBigInt(randomBytes(48)) % (SECP256K1_ORDER - 1n)) + 1n;
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/**
 * A secp256k1 private key held for signing. The raw key stays in a private field; the OpenSSL key object for
 * hedged signatures is built on first use and kept.
 */
export class Secp256k1Key {
  /** 33-byte compressed public key. */
  readonly publicKey: Uint8Array;
  readonly #key: Uint8Array;
  readonly #d: bigint;
  /** `0x04 ‖ x ‖ y`. */
  readonly #point: Uint8Array;
  #keyObject?: KeyObject;

  /** Throws {@link Secp256k1KeyError} for a key that is not 32 bytes in `[1, n)`. The bytes are copied. */
  constructor(privateKey: Uint8Array) {
    this.#d = checkPrivateKey(privateKey);
    this.#key = Uint8Array.from(privateKey);
    this.#point = basePointMultiple(this.#key);
    this.publicKey = compressSecp256k1Pubkey(this.#point)!;
  }

  /**
   * Deterministic ECDSA over SHA-256(`message`): the RFC 6979 nonce (HMAC-SHA256 DRBG seeded with the key and the
   * digest), 64-byte `r ‖ s`, low S. Equal, byte for byte, to `@noble/curves`'s signature of the same digest.
   */
  signSha256(message: Uint8Array): Uint8Array {
    return this.signDigest(new Uint8Array(createHash('sha256').update(message).digest()));
  }

  /** {@link signSha256} of an already computed 32-byte SHA-256 digest. */
  signDigest(digest: Uint8Array): Uint8Array {
    if (digest.length !== SCALAR_BYTES) throw new Error('a SHA-256 digest is 32 bytes');
    // bits2int(h) mod n: for a 256-bit order, h read as an integer, reduced once.
    const m = bytesToBigInt(digest) % SECP256K1_ORDER;
    const seed = [this.#key, bigIntToBytes32(m)];
    // RFC 6979 §3.2 steps b–g.
    let v: Uint8Array = new Uint8Array(SCALAR_BYTES).fill(1);
    let k: Uint8Array = new Uint8Array(SCALAR_BYTES);
    k = hmacSha256(k, v, Uint8Array.of(0), ...seed);
    v = hmacSha256(k, v);
    k = hmacSha256(k, v, Uint8Array.of(1), ...seed);
    v = hmacSha256(k, v);
    for (let i = 0; i < MAX_NONCE_TRIES; i++) {
      v = hmacSha256(k, v);
      const sig = this.signWithNonce(v, m);
      if (sig) return sig;
      // Step h.3: reseed without input and try the next candidate.
      k = hmacSha256(k, v, Uint8Array.of(0));
      v = hmacSha256(k, v);
    }
    throw new Error('RFC 6979: no valid nonce found');
  }

  /** `r ‖ s` (low S) for nonce bytes `t`, or undefined when `t` is not a valid nonce or gives r = 0 or s = 0. */
  private signWithNonce(t: Uint8Array, m: bigint): Uint8Array | undefined {
    const k = bytesToBigInt(t);
    if (k === 0n || k >= SECP256K1_ORDER) return undefined;
    const r = bytesToBigInt(basePointMultiple(t).subarray(1, 1 + SCALAR_BYTES)) % SECP256K1_ORDER;
    if (r === 0n) return undefined;
    // s = k^-1 (m + r·d) mod n, computed as (b·k)^-1 (b·m + b·r·d) with a random b so that the inversion's
    // running time says nothing about k.
    const n = SECP256K1_ORDER;
    const b = randomScalar();
    const s0 = (invertModN((b * k) % n) * (((b * m) % n) + ((((b * r) % n) * this.#d) % n))) % n;
    if (s0 === 0n) return undefined;
    const s = s0 > HALF_ORDER ? n - s0 : s0;
    const out = new Uint8Array(SECP256K1_SIGNATURE_BYTES);
    out.set(bigIntToBytes32(r));
    out.set(bigIntToBytes32(s), SCALAR_BYTES);
    return out;
  }

  /**
   * ECDSA over SHA-256(`message`) by OpenSSL, with a random nonce: 64-byte `r ‖ s`, low S. Two signatures of the
   * same message differ; both verify.
   */
  signSha256Hedged(message: Uint8Array): Uint8Array {
    // A JWK with the public point given: OpenSSL then does not multiply again to find it.
    this.#keyObject ??= createPrivateKey({
      format: 'jwk',
      key: {
        kty: 'EC',
        crv: 'secp256k1',
        d: base64url(this.#key),
        x: base64url(this.#point.subarray(1, 1 + SCALAR_BYTES)),
        y: base64url(this.#point.subarray(1 + SCALAR_BYTES)),
      },
    });
    const sig = nodeSign('sha256', message, {key: this.#keyObject, dsaEncoding: 'ieee-p1363'});
    return toLowS(new Uint8Array(sig));
  }

  /** Never prints the key. */
  toJSON(): {publicKey: string} {
    return {publicKey: Buffer.from(this.publicKey).toString('hex')};
  }
}
