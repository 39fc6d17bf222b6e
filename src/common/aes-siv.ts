/**
 * AES-SIV (RFC 5297) with AES-128 on `node:crypto` — S2V over AES-CMAC (RFC 4493), then AES-CTR — the cipher of
 * Secret Network's contract-message encryption (`secret-lcd-devnet.md` §4–§5). One implementation for both sides:
 * the client's encryption context (`src/lib/chain/seal.ts`) and the devnet's (`src/devnet/crypto.ts`).
 */
import {nodeCrypto} from './node-crypto.js';
import type {Cipher} from 'node:crypto';

const {createCipheriv, timingSafeEqual} = nodeCrypto;

/** AES block, bytes. */
const BLOCK = 16;
const ZERO_BLOCK = new Uint8Array(BLOCK);
/** Length of the synthetic IV that prefixes every AES-SIV output, bytes. */
export const SIV_TAG_LENGTH = BLOCK;
/** The associated data of every contract message and output: exactly one empty element. */
export const SECRET_ASSOCIATED_DATA: readonly Uint8Array[] = Object.freeze([new Uint8Array(0)]);

/** Failure to open an AES-SIV output: truncated, tampered with, or sealed under another key. */
export class SivError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SivError';
  }
}

/** Doubling in GF(2^128) (RFC 5297 §2.3), in place: shift left by one bit, XOR 0x87 into the last byte on carry. */
function dbl(b: Uint8Array): Uint8Array {
  const carry = b[0]! >>> 7;
  for (let i = 0; i < BLOCK - 1; i++) b[i] = ((b[i]! << 1) | (b[i + 1]! >>> 7)) & 0xff;
  b[BLOCK - 1] = ((b[BLOCK - 1]! << 1) & 0xff) ^ (0x87 & -carry);
  return b;
}

function xorInto(target: Uint8Array, offset: number, source: Uint8Array): void {
  for (let i = 0; i < source.length; i++) target[offset + i]! ^= source[i]!;
}

/** AES-CMAC (RFC 4493) under one key: an ECB cipher for single blocks, CBC for longer messages. */
class Cmac {
  private readonly ecb: Cipher;
  /** K1 ‖ K2, the subkeys of RFC 4493 §2.3. */
  private readonly subkeys = new Uint8Array(2 * BLOCK);

  constructor(private readonly key: Uint8Array) {
    this.ecb = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
    const k1 = this.subkeys.subarray(0, BLOCK);
    k1.set(this.ecb.update(ZERO_BLOCK));
    dbl(k1);
    this.subkeys.set(k1, BLOCK);
    dbl(this.subkeys.subarray(BLOCK));
  }

  /**
   * CMAC of `message`, with `xorEnd` (16 bytes, optional; `message` then at least 16 bytes) XORed into its last 16
   * bytes first: S2V's `xorend` without copying the message.
   */
  mac(message: Uint8Array, xorEnd?: Uint8Array): Uint8Array {
    const n = message.length;
    const complete = n > 0 && n % BLOCK === 0;
    const lastStart = complete ? n - BLOCK : n - (n % BLOCK);
    // The whole blocks untouched by xorend and padding go through as they are; the rest (≤ 32 bytes) is copied.
    const tailStart = xorEnd ? Math.floor((n - BLOCK) / BLOCK) * BLOCK : lastStart;
    const tail = new Uint8Array(lastStart + BLOCK - tailStart);
    tail.set(message.subarray(tailStart));
    if (xorEnd) xorInto(tail, n - BLOCK - tailStart, xorEnd);
    if (!complete) tail[n - tailStart] = 0x80;
    xorInto(tail, tail.length - BLOCK, complete ? this.subkeys.subarray(0, BLOCK) : this.subkeys.subarray(BLOCK));
    if (tailStart === 0 && tail.length === BLOCK) return this.ecb.update(tail);
    const cbc = createCipheriv('aes-128-cbc', this.key, ZERO_BLOCK).setAutoPadding(false);
    if (tailStart > 0) cbc.update(message.subarray(0, tailStart));
    return cbc.update(tail).subarray(tail.length - BLOCK);
  }
}

/** S2V (RFC 5297 §2.4) under K1 over the associated-data elements and the plaintext: the 16-byte SIV. */
function s2v(k1: Uint8Array, associatedData: readonly Uint8Array[], plaintext: Uint8Array): Uint8Array {
  const cmac = new Cmac(k1);
  const d = cmac.mac(ZERO_BLOCK);
  for (const ad of associatedData) xorInto(dbl(d), 0, cmac.mac(ad));
  if (plaintext.length >= BLOCK) return cmac.mac(plaintext, d);
  dbl(d);
  xorInto(d, 0, plaintext);
  d[plaintext.length]! ^= 0x80;
  return cmac.mac(d);
}

/** AES-128-CTR under K2 from the SIV with bits 31 and 63 cleared (RFC 5297 §2.5). */
function ctr(k2: Uint8Array, siv: Uint8Array, data: Uint8Array): Uint8Array {
  const q = new Uint8Array(siv);
  q[8]! &= 0x7f;
  q[12]! &= 0x7f;
  const b = createCipheriv('aes-128-ctr', k2, q).update(data);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/**
 * AES-SIV (RFC 5297) with a 32-byte key (AES-128): SIV(16) ‖ ciphertext of `plaintext`, written into `out` at
 * `offset` when given (`out` must have room), else into a new array.
 */
export function sivSeal(key: Uint8Array, plaintext: Uint8Array, associatedData: readonly Uint8Array[] = SECRET_ASSOCIATED_DATA, out?: Uint8Array, offset = 0): Uint8Array {
  if (key.length !== 2 * BLOCK) throw new RangeError(`AES-SIV key must be ${2 * BLOCK} bytes, got ${key.length}`);
  const siv = s2v(key.subarray(0, BLOCK), associatedData, plaintext);
  const target = out ?? new Uint8Array(BLOCK + plaintext.length);
  target.set(siv, offset);
  target.set(ctr(key.subarray(BLOCK), siv, plaintext), offset + BLOCK);
  return target;
}

/** Opens AES-SIV output `sealed` (SIV ‖ ciphertext) under a 32-byte key; {@link SivError} when it does not authenticate. */
export function sivOpen(key: Uint8Array, sealed: Uint8Array, associatedData: readonly Uint8Array[] = SECRET_ASSOCIATED_DATA): Uint8Array {
  if (key.length !== 2 * BLOCK) throw new RangeError(`AES-SIV key must be ${2 * BLOCK} bytes, got ${key.length}`);
  if (sealed.length < BLOCK) throw new SivError('AES-SIV: ciphertext shorter than its 16-byte SIV');
  const siv = sealed.subarray(0, BLOCK);
  const plaintext = ctr(key.subarray(BLOCK), siv, sealed.subarray(BLOCK));
  if (!timingSafeEqual(s2v(key.subarray(0, BLOCK), associatedData, plaintext), siv)) throw new SivError('AES-SIV: ciphertext does not authenticate');
  return plaintext;
}
