/**
 * AES-SIV (RFC 5297) with AES-128 over `node:crypto`: S2V over AES-CMAC (RFC 4493), then AES-CTR — the cipher of
 * Secret Network's contract-message encryption (`secret-lcd-devnet.md` §4–§5).
 */
import {createCipheriv, timingSafeEqual} from 'node:crypto';

/** Throws when `bytes` is not `length` long; `what` names the value. */
export function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) throw new Error(`${what} must be ${length} bytes, got ${bytes.length}`);
}

// ---------------------------------------------------------------------------------------------------------------
// AES-SIV (RFC 5297) with AES-128: S2V over AES-CMAC (RFC 4493), then AES-CTR
// ---------------------------------------------------------------------------------------------------------------

const BLOCK = 16;
const ZERO_BLOCK = Buffer.alloc(BLOCK);
/** Length of the synthetic IV that prefixes every AES-SIV ciphertext, bytes. */
export const SIV_TAG_LENGTH = BLOCK;
/** The associated data Secret Network uses: exactly one empty element. */
export const SECRET_ASSOCIATED_DATA: readonly Uint8Array[] = Object.freeze([new Uint8Array(0)]);

/** Doubling in GF(2^128) as defined by RFC 5297 §2.3 (shift left, conditional XOR with 0x87). */
function dbl(block: Buffer): Buffer {
  const out = Buffer.allocUnsafe(BLOCK);
  let carry = 0;
  for (let i = BLOCK - 1; i >= 0; i--) {
    const b = block[i]!;
    out[i] = ((b << 1) | carry) & 0xff;
    carry = b >>> 7;
  }
  if (carry) out[BLOCK - 1]! ^= 0x87;
  return out;
}

function xorInto(target: Buffer, targetOffset: number, source: Buffer): void {
  for (let i = 0; i < source.length; i++) target[targetOffset + i]! ^= source[i]!;
}

/**
 * AES-128-SIV with a fixed 32-byte key (`K1 ‖ K2`: K1 for S2V/CMAC, K2 for CTR). Build once per key and reuse it for
 * every output of a message.
 */
export class AesSiv {
  private readonly macKey: Buffer;
  private readonly ctrKey: Buffer;
  private readonly subkey1: Buffer;
  private readonly subkey2: Buffer;
  /** CMAC of the all-zero block, the first S2V step; constant per key. */
  private readonly cmacZero: Buffer;

  constructor(key: Uint8Array) {
    checkLength(key, 2 * BLOCK, 'AES-SIV key');
    this.macKey = Buffer.from(key.subarray(0, BLOCK));
    this.ctrKey = Buffer.from(key.subarray(BLOCK));
    const ecb = createCipheriv('aes-128-ecb', this.macKey, null);
    ecb.setAutoPadding(false);
    const l = ecb.update(ZERO_BLOCK);
    this.subkey1 = dbl(l);
    this.subkey2 = dbl(this.subkey1);
    this.cmacZero = this.cmac(ZERO_BLOCK);
  }

  /** AES-CMAC (RFC 4493) of `message` under K1: CBC-MAC with the last block masked by a subkey. */
  private cmac(message: Uint8Array): Buffer {
    const blocks = Math.max(1, Math.ceil(message.length / BLOCK));
    const complete = message.length > 0 && message.length % BLOCK === 0;
    const buf = Buffer.alloc(blocks * BLOCK);
    buf.set(message);
    const lastOffset = (blocks - 1) * BLOCK;
    if (complete) {
      xorInto(buf, lastOffset, this.subkey1);
    } else {
      buf[message.length] = 0x80;
      xorInto(buf, lastOffset, this.subkey2);
    }
    const cbc = createCipheriv('aes-128-cbc', this.macKey, ZERO_BLOCK);
    cbc.setAutoPadding(false);
    const out = cbc.update(buf);
    return out.subarray(out.length - BLOCK);
  }

  /** S2V (RFC 5297 §2.4) over the associated-data elements followed by the plaintext. */
  private s2v(associatedData: readonly Uint8Array[], plaintext: Uint8Array): Buffer {
    let d = this.cmacZero;
    for (const ad of associatedData) {
      d = dbl(d);
      xorInto(d, 0, this.cmac(ad));
    }
    let t: Buffer;
    if (plaintext.length >= BLOCK) {
      t = Buffer.from(plaintext);
      xorInto(t, t.length - BLOCK, d);
    } else {
      t = dbl(d);
      const padded = Buffer.alloc(BLOCK);
      padded.set(plaintext);
      padded[plaintext.length] = 0x80;
      xorInto(t, 0, padded);
    }
    return this.cmac(t);
  }

  /** AES-CTR under K2 with the counter block = SIV with bits 31 and 63 (from the right of each 32-bit word) cleared. */
  private ctr(siv: Uint8Array, data: Uint8Array): Buffer {
    const iv = Buffer.from(siv);
    iv[8]! &= 0x7f;
    iv[12]! &= 0x7f;
    return createCipheriv('aes-128-ctr', this.ctrKey, iv).update(data);
  }

  /** Encrypts: returns `SIV(16) ‖ ciphertext`. Default associated data: one empty element (Secret Network). */
  seal(plaintext: Uint8Array, associatedData: readonly Uint8Array[] = SECRET_ASSOCIATED_DATA): Uint8Array {
    const siv = this.s2v(associatedData, plaintext);
    const out = Buffer.allocUnsafe(BLOCK + plaintext.length);
    siv.copy(out, 0);
    this.ctr(siv, plaintext).copy(out, BLOCK);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }

  /** Decrypts and authenticates `SIV ‖ ciphertext`; throws `AesSivError` when the tag does not match. */
  open(sealed: Uint8Array, associatedData: readonly Uint8Array[] = SECRET_ASSOCIATED_DATA): Uint8Array {
    if (sealed.length < BLOCK) throw new AesSivError('ciphertext shorter than the 16-byte SIV');
    const siv = sealed.subarray(0, BLOCK);
    const plaintext = this.ctr(siv, sealed.subarray(BLOCK));
    const expected = this.s2v(associatedData, plaintext);
    if (!timingSafeEqual(expected, siv)) throw new AesSivError('AES-SIV authentication failed');
    return new Uint8Array(plaintext.buffer, plaintext.byteOffset, plaintext.length);
  }
}

/** Authentication or format failure of AES-SIV decryption. */
export class AesSivError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AesSivError';
  }
}

