/**
 * The encryption context of contract messages (`secret-lcd-devnet.md` §4–§5) on `node:crypto`: the same bytes as
 * secretjs's own `EncryptionUtilsImpl`, which it replaces in every client, without its pure-JavaScript curve25519,
 * AES-SIV and HKDF (about 95 ms of CPU in one `chat` run, most of it an X25519 multiplication per message).
 *
 * - Key pair: X25519 with the 32-byte seed as private key (a random seed when none is given).
 * - Key of a message: HKDF-SHA256(IKM = X25519(private key, consensus IO key) ‖ nonce, salt = the chain's fixed salt,
 *   empty info), 32 bytes. The shared secret depends on the IO key only: it is computed once per IO key.
 * - Cipher: AES-SIV (RFC 5297) with AES-128 (the 32-byte key is K1 for S2V ‖ K2 for CTR) and exactly one empty
 *   associated-data element; the output is SIV(16) ‖ ciphertext.
 * - `encrypt` → nonce(32) ‖ public key(32) ‖ AES-SIV(code hash (64 hex) ‖ JSON); `decrypt` opens an output with the
 *   nonce of the message it answers.
 *
 * The consensus IO key is a plain member: preset from a remembered one, else fetched from the LCD
 * (`/registration/v1beta1/tx-key`) once for all concurrent callers, and fetched again on demand (`read-client.ts`).
 * This module is on the start-up path of `chat`: it must not load secretjs (the interface is imported as a type).
 */
import {createCipheriv, createPrivateKey, createPublicKey, diffieHellman, hkdfSync, randomBytes, randomFillSync, timingSafeEqual, type Cipher, type KeyObject} from 'node:crypto';
import type {EncryptionUtils} from 'secretjs/dist/encryption.js';

/** Length of X25519 keys and of a message key, bytes. */
const KEY_BYTES = 32;
/** Length of a message nonce, bytes. */
const NONCE_BYTES = 32;
/** AES block, bytes. */
const BLOCK = 16;
/** Offset of the AES-SIV output in an encrypted input: after the nonce and the sender's public key. */
const SEALED_OFFSET = NONCE_BYTES + KEY_BYTES;

/** HKDF salt of the scheme (a Bitcoin block hash). */
const HKDF_SALT = Buffer.from('000000000000000000024bead8df69990852c202db0e0097c1a12ea637d7e96d', 'hex');
const NO_INFO = new Uint8Array(0);
const ZERO_BLOCK = new Uint8Array(BLOCK);
/** The associated data of every contract message and output: one empty element. */
const ONE_EMPTY: readonly Uint8Array[] = Object.freeze([new Uint8Array(0)]);
/** DER prefix of a PKCS#8 X25519 private key, followed by the 32 raw bytes (RFC 8410). */
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');

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
export function sivSeal(key: Uint8Array, plaintext: Uint8Array, associatedData: readonly Uint8Array[] = ONE_EMPTY, out?: Uint8Array, offset = 0): Uint8Array {
  if (key.length !== 2 * BLOCK) throw new RangeError(`AES-SIV key must be ${2 * BLOCK} bytes, got ${key.length}`);
  const siv = s2v(key.subarray(0, BLOCK), associatedData, plaintext);
  const target = out ?? new Uint8Array(BLOCK + plaintext.length);
  target.set(siv, offset);
  target.set(ctr(key.subarray(BLOCK), siv, plaintext), offset + BLOCK);
  return target;
}

/** Opens AES-SIV output `sealed` (SIV ‖ ciphertext) under a 32-byte key; {@link SivError} when it does not authenticate. */
export function sivOpen(key: Uint8Array, sealed: Uint8Array, associatedData: readonly Uint8Array[] = ONE_EMPTY): Uint8Array {
  if (key.length !== 2 * BLOCK) throw new RangeError(`AES-SIV key must be ${2 * BLOCK} bytes, got ${key.length}`);
  if (sealed.length < BLOCK) throw new SivError('AES-SIV: ciphertext shorter than its 16-byte SIV');
  const siv = sealed.subarray(0, BLOCK);
  const plaintext = ctr(key.subarray(BLOCK), siv, sealed.subarray(BLOCK));
  if (!timingSafeEqual(s2v(key.subarray(0, BLOCK), associatedData, plaintext), siv)) throw new SivError('AES-SIV: ciphertext does not authenticate');
  return plaintext;
}

/** Options of a {@link Seal} beyond secretjs's `(url, seed)`. */
export interface SealOptions {
  /** Called with every consensus IO key fetched from the node (not with a preset one): to remember it. */
  onIoKeyFetched?: (key: Uint8Array) => void;
}

/**
 * The encryption context of one client, for secretjs (`encryptionUtils` of a SecretNetworkClient) and for the read
 * client's own queries. `lcdUrl` has no trailing slash.
 */
export class Seal implements EncryptionUtils {
  /** The X25519 public key sent with every message, 32 bytes. */
  readonly pubkey: Uint8Array;
  private readonly privateKey: KeyObject;
  private ioKeyHeld?: Uint8Array;
  private ioKeyPending?: Promise<Uint8Array>;
  /** X25519(private key, IO key) ‖ room for a nonce: the HKDF input of the held IO key, its secret computed once. */
  private ikm?: {ioKey: Uint8Array; bytes: Uint8Array};

  constructor(
    private readonly lcdUrl: string,
    seed: Uint8Array = randomBytes(KEY_BYTES),
    private readonly opts: SealOptions = {},
  ) {
    if (seed.length !== KEY_BYTES) throw new RangeError(`the encryption seed must be ${KEY_BYTES} bytes, got ${seed.length}`);
    const der = Buffer.concat([PKCS8_X25519, seed]);
    this.privateKey = createPrivateKey({key: der, format: 'der', type: 'pkcs8'});
    der.fill(0);
    this.pubkey = new Uint8Array(Buffer.from(createPublicKey(this.privateKey).export({format: 'jwk'}).x!, 'base64url'));
  }

  /** The consensus IO key held, if any (preset or fetched); no request. */
  get knownIoKey(): Uint8Array | undefined {
    return this.ioKeyHeld;
  }

  /** Seals messages to `key` (32 bytes), e.g. one remembered from an earlier process, without asking the node. */
  presetIoKey(key: Uint8Array): void {
    if (key.length !== KEY_BYTES) throw new RangeError(`a consensus IO key is ${KEY_BYTES} bytes, got ${key.length}`);
    this.ioKeyHeld = new Uint8Array(key);
  }

  /** The consensus IO key: the one held, else fetched from the node (one request for all concurrent callers). */
  ioKey(): Promise<Uint8Array> {
    return this.ioKeyHeld ? Promise.resolve(this.ioKeyHeld) : this.fetchIoKey();
  }

  /** Forgets the key held and fetches the node's current one (joining a fetch already under way). */
  refetchIoKey(): Promise<Uint8Array> {
    this.ioKeyHeld = undefined;
    return this.fetchIoKey();
  }

  private fetchIoKey(): Promise<Uint8Array> {
    this.ioKeyPending ??= (async () => {
      try {
        const res = await fetch(`${this.lcdUrl}/registration/v1beta1/tx-key`);
        // As secretjs's REST bindings do: a non-2xx answer is thrown as its parsed JSON body.
        const body = (await res.json()) as {key?: unknown};
        if (!res.ok) throw body;
        const key = typeof body?.key === 'string' ? Buffer.from(body.key, 'base64') : undefined;
        if (key?.length !== KEY_BYTES) throw new Error(`the node answered tx-key without a ${KEY_BYTES}-byte key: ${JSON.stringify(body).slice(0, 200)}`);
        this.ioKeyHeld = new Uint8Array(key);
        this.opts.onIoKeyFetched?.(this.ioKeyHeld);
        return this.ioKeyHeld;
      } finally {
        this.ioKeyPending = undefined;
      }
    })();
    return this.ioKeyPending;
  }

  /** The 32-byte AES-SIV key of the message with `nonce` (32 bytes), under the IO key held or fetched. */
  async getTxEncryptionKey(nonce: Uint8Array): Promise<Uint8Array> {
    return this.messageKey(await this.ioKey(), nonce);
  }

  private messageKey(ioKey: Uint8Array, nonce: Uint8Array): Uint8Array {
    if (nonce?.length !== NONCE_BYTES) throw new RangeError(`a message nonce is ${NONCE_BYTES} bytes, got ${nonce?.length}`);
    if (this.ikm?.ioKey !== ioKey) {
      const publicKey = createPublicKey({key: {kty: 'OKP', crv: 'X25519', x: Buffer.from(ioKey).toString('base64url')}, format: 'jwk'});
      const bytes = new Uint8Array(KEY_BYTES + NONCE_BYTES);
      bytes.set(diffieHellman({privateKey: this.privateKey, publicKey}));
      this.ikm = {ioKey, bytes};
    }
    // Synchronous from here to the derived key: the nonce slot is never shared by two calls.
    this.ikm.bytes.set(nonce, KEY_BYTES);
    return new Uint8Array(hkdfSync('sha256', this.ikm.bytes, HKDF_SALT, NO_INFO, KEY_BYTES));
  }

  /** nonce(32) ‖ public key(32) ‖ AES-SIV(`contractCodeHash` ‖ JSON of `msg`) under a fresh random nonce. */
  async encrypt(contractCodeHash: string, msg: object): Promise<Uint8Array> {
    const ioKey = await this.ioKey();
    const plaintext = Buffer.from(contractCodeHash + JSON.stringify(msg), 'utf8');
    const out = new Uint8Array(SEALED_OFFSET + BLOCK + plaintext.length);
    const nonce = randomFillSync(out.subarray(0, NONCE_BYTES));
    out.set(this.pubkey, NONCE_BYTES);
    return sivSeal(this.messageKey(ioKey, nonce), plaintext, ONE_EMPTY, out, SEALED_OFFSET);
  }

  /** Opens an output (SIV ‖ ciphertext) of the message with `nonce`; empty in, empty out; {@link SivError} if forged. */
  async decrypt(ciphertext: Uint8Array, nonce: Uint8Array): Promise<Uint8Array> {
    if (!ciphertext?.length) return new Uint8Array(0);
    return sivOpen(this.messageKey(await this.ioKey(), nonce), ciphertext);
  }

  /** The X25519 public key sent with every message. */
  getPubkey(): Promise<Uint8Array> {
    return Promise.resolve(this.pubkey);
  }
}
