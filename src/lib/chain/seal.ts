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
import {nodeCrypto} from '../../common/node-crypto.js';
import type {KeyObject} from 'node:crypto';
import type {EncryptionUtils} from 'secretjs/dist/encryption.js';
import {SECRET_ASSOCIATED_DATA, SIV_TAG_LENGTH, sivOpen, sivSeal} from '../../common/aes-siv.js';

const {createPrivateKey, createPublicKey, diffieHellman, hkdfSync, randomBytes, randomFillSync} = nodeCrypto;

export {SivError, sivOpen, sivSeal} from '../../common/aes-siv.js';

/** Length of X25519 keys and of a message key, bytes. */
const KEY_BYTES = 32;
/** Length of a message nonce, bytes. */
const NONCE_BYTES = 32;
/** Offset of the AES-SIV output in an encrypted input: after the nonce and the sender's public key. */
const SEALED_OFFSET = NONCE_BYTES + KEY_BYTES;

/** HKDF salt of the scheme (a Bitcoin block hash). */
const HKDF_SALT = Buffer.from('000000000000000000024bead8df69990852c202db0e0097c1a12ea637d7e96d', 'hex');
const NO_INFO = new Uint8Array(0);
/** DER prefix of a PKCS#8 X25519 private key, followed by the 32 raw bytes (RFC 8410). */
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');

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
    const out = new Uint8Array(SEALED_OFFSET + SIV_TAG_LENGTH + plaintext.length);
    const nonce = randomFillSync(out.subarray(0, NONCE_BYTES));
    out.set(this.pubkey, NONCE_BYTES);
    return sivSeal(this.messageKey(ioKey, nonce), plaintext, SECRET_ASSOCIATED_DATA, out, SEALED_OFFSET);
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
