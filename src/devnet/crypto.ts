/**
 * Cryptography of the devnet.
 *
 * - Contract-message encryption of Secret Network (`secret-lcd-devnet.md` §4–§5): X25519, HKDF-SHA256 with the
 *   chain's fixed salt, AES-128-SIV (RFC 5297, `aes-siv.ts`) with one empty associated-data element (`node:crypto`).
 * - secp256k1 (Cosmos signatures): signing and public keys on the CLI's own keys (`src/lib/keys/secp256k1.ts`,
 *   OpenSSL, RFC 6979); verification of an already hashed 32-byte digest (the contract `Api`) on `@noble/curves`
 *   (audited). Verification of SHA-256-hashed tx signatures, the hot path, goes through OpenSSL (`node:crypto`)
 *   with the same low-S rule (`contracts/common/crypto.ts`).
 * - Addresses: `RIPEMD-160(SHA-256(pubkey))` in bech32 (the shared codec of `contracts/common/encoding.ts`); BIP-39
 *   seed and BIP-32 derivation for the fixed development accounts, as the CLI derives its keys
 *   (`src/lib/keys/hd.ts`).
 */
import {createPrivateKey, createPublicKey, diffieHellman, hkdfSync, randomBytes, verify as nodeVerify, type KeyObject} from 'node:crypto';
import {secp256k1} from '@noble/curves/secp256k1.js';
import {isLowSCompactSignature, SECP256K1_COMPRESSED_PUBKEY_BYTES, SECP256K1_SIGNATURE_BYTES} from '../../contracts/common/crypto.js';
import {derivePath, mnemonicToSeed, pubkeyAddress} from '../lib/keys/hd.js';
import {compressedPublicKey, Secp256k1Key} from '../lib/keys/secp256k1.js';
import {
  ADDRESS_BYTES,
  concatBytes,
  decodeBech32,
  encodeBech32,
  fromHex,
  SECRET_HRP,
  toHex,
} from '../../contracts/common/encoding.js';
import {AesSiv, AesSivError, checkLength, SIV_TAG_LENGTH} from './aes-siv.js';

export {AesSiv, AesSivError, SECRET_ASSOCIATED_DATA, SIV_TAG_LENGTH} from './aes-siv.js';

// ---------------------------------------------------------------------------------------------------------------
// X25519 (RFC 7748) through node:crypto with raw 32-byte keys
// ---------------------------------------------------------------------------------------------------------------

/** Length of X25519 private and public keys, bytes. */
export const X25519_KEY_LENGTH = 32;
/** DER prefix of a PKCS#8 X25519 private key; followed by the 32 raw private-key bytes. */
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
/** DER prefix of an SPKI X25519 public key; followed by the 32 raw public-key bytes. */
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** Wraps a raw 32-byte X25519 private key (any 32 bytes; clamped by the curve operation) into a KeyObject. */
export function x25519PrivateKeyObject(privateKey: Uint8Array): KeyObject {
  checkLength(privateKey, X25519_KEY_LENGTH, 'X25519 private key');
  return createPrivateKey({key: Buffer.concat([X25519_PKCS8_PREFIX, privateKey]), format: 'der', type: 'pkcs8'});
}

/** Wraps a raw 32-byte X25519 public key into a KeyObject. */
export function x25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  checkLength(publicKey, X25519_KEY_LENGTH, 'X25519 public key');
  return createPublicKey({key: Buffer.concat([X25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki'});
}

/** Raw 32-byte public key of a raw 32-byte X25519 private key. */
export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  const spki = createPublicKey(x25519PrivateKeyObject(privateKey)).export({format: 'der', type: 'spki'});
  return new Uint8Array(spki.subarray(spki.length - X25519_KEY_LENGTH));
}

/** X25519 shared secret (32 bytes) of a private key and a peer's public key, both raw 32 bytes. */
export function x25519SharedSecret(privateKey: Uint8Array | KeyObject, publicKey: Uint8Array): Uint8Array {
  const priv = privateKey instanceof Uint8Array ? x25519PrivateKeyObject(privateKey) : privateKey;
  return new Uint8Array(diffieHellman({privateKey: priv, publicKey: x25519PublicKeyObject(publicKey)}));
}

/** A raw X25519 key pair. */
export interface X25519KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/** New X25519 key pair from 32 random bytes (or from `seed`, used as the raw private key). */
export function generateX25519KeyPair(seed?: Uint8Array): X25519KeyPair {
  const privateKey = seed ? new Uint8Array(seed) : new Uint8Array(randomBytes(X25519_KEY_LENGTH));
  return {privateKey, publicKey: x25519PublicKey(privateKey)};
}

// ---------------------------------------------------------------------------------------------------------------
// Key derivation for contract messages (secret-lcd-devnet.md §4)
// ---------------------------------------------------------------------------------------------------------------

/** HKDF salt of the Secret Network encryption scheme (a Bitcoin block hash), 32 bytes. */
export const TX_ENCRYPTION_HKDF_SALT = fromHex('000000000000000000024bead8df69990852c202db0e0097c1a12ea637d7e96d');
/** Length of the per-message nonce, bytes. */
export const TX_NONCE_LENGTH = 32;
/** Length of the derived AES-SIV key, bytes. */
export const TX_KEY_LENGTH = 32;

/** HKDF-SHA256(IKM = sharedSecret ‖ nonce, salt = {@link TX_ENCRYPTION_HKDF_SALT}, info = empty) → 32-byte key. */
export function deriveTxEncryptionKey(sharedSecret: Uint8Array, nonce: Uint8Array): Uint8Array {
  checkLength(sharedSecret, X25519_KEY_LENGTH, 'shared secret');
  checkLength(nonce, TX_NONCE_LENGTH, 'nonce');
  const ikm = Buffer.concat([sharedSecret, nonce]);
  return new Uint8Array(hkdfSync('sha256', ikm, TX_ENCRYPTION_HKDF_SALT, new Uint8Array(0), TX_KEY_LENGTH));
}

// ---------------------------------------------------------------------------------------------------------------
// The encrypted contract-input envelope (§4): nonce(32) ‖ client X25519 pubkey(32) ‖ AES-SIV(code_hash ‖ JSON)
// ---------------------------------------------------------------------------------------------------------------

/** Offset of the client public key in an encrypted contract input. */
const ENVELOPE_PUBKEY_OFFSET = TX_NONCE_LENGTH;
/** Offset of the AES-SIV ciphertext in an encrypted contract input. */
const ENVELOPE_CIPHERTEXT_OFFSET = TX_NONCE_LENGTH + X25519_KEY_LENGTH;
/** Length of the code-hash prefix of every plaintext contract input (64 hex characters). */
export const CODE_HASH_HEX_LENGTH = 64;
/** Shortest acceptable encrypted input: nonce + pubkey + SIV tag + 2 bytes (the enclave's rule, §4). */
export const MIN_ENCRYPTED_INPUT_LENGTH = ENVELOPE_CIPHERTEXT_OFFSET + SIV_TAG_LENGTH + 2;

/** The parts of an encrypted contract input. */
export interface EncryptedEnvelope {
  nonce: Uint8Array;
  clientPublicKey: Uint8Array;
  ciphertext: Uint8Array;
}

/** Splits `nonce ‖ pubkey ‖ ciphertext`; throws when shorter than {@link MIN_ENCRYPTED_INPUT_LENGTH}. */
export function splitEnvelope(input: Uint8Array): EncryptedEnvelope {
  if (input.length < MIN_ENCRYPTED_INPUT_LENGTH) {
    throw new AesSivError(`encrypted input is ${input.length} bytes, shorter than ${MIN_ENCRYPTED_INPUT_LENGTH}`);
  }
  return {
    nonce: input.subarray(0, ENVELOPE_PUBKEY_OFFSET),
    clientPublicKey: input.subarray(ENVELOPE_PUBKEY_OFFSET, ENVELOPE_CIPHERTEXT_OFFSET),
    ciphertext: input.subarray(ENVELOPE_CIPHERTEXT_OFFSET),
  };
}

/** Bound of the cache of X25519 shared secrets per client public key. */
const SHARED_SECRET_CACHE_LIMIT = 4096;

/**
 * The devnet's side of the scheme: holds the persistent IO ("consensus IO exchange") key pair, derives per-message
 * keys, caches shared secrets per client public key (clients reuse one key pair for all their messages).
 */
export class IoKey {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
  private readonly privateKeyObject: KeyObject;
  private readonly sharedSecrets = new Map<string, Uint8Array>();

  constructor(privateKey: Uint8Array) {
    checkLength(privateKey, X25519_KEY_LENGTH, 'IO private key');
    this.privateKey = new Uint8Array(privateKey);
    this.privateKeyObject = x25519PrivateKeyObject(this.privateKey);
    this.publicKey = x25519PublicKey(this.privateKey);
  }

  /** New random IO key. */
  static generate(): IoKey {
    return new IoKey(new Uint8Array(randomBytes(X25519_KEY_LENGTH)));
  }

  /** X25519 shared secret with a client public key (cached). */
  sharedSecret(clientPublicKey: Uint8Array): Uint8Array {
    const id = toHex(clientPublicKey);
    let secret = this.sharedSecrets.get(id);
    if (!secret) {
      secret = x25519SharedSecret(this.privateKeyObject, clientPublicKey);
      if (this.sharedSecrets.size >= SHARED_SECRET_CACHE_LIMIT) this.sharedSecrets.clear();
      this.sharedSecrets.set(id, secret);
    }
    return secret;
  }

  /** The AES-SIV cipher for one message, from its nonce and client public key. */
  messageCipher(nonce: Uint8Array, clientPublicKey: Uint8Array): AesSiv {
    return new AesSiv(deriveTxEncryptionKey(this.sharedSecret(clientPublicKey), nonce));
  }

  /**
   * Opens an encrypted contract input. Returns the message cipher (for encrypting every output of the message), the
   * nonce, the 64-character code hash prefix (as sent) and the remaining plaintext.
   */
  openInput(input: Uint8Array): {cipher: AesSiv; nonce: Uint8Array; codeHash: string; json: string} {
    const {nonce, clientPublicKey, ciphertext} = splitEnvelope(input);
    const cipher = this.messageCipher(nonce, clientPublicKey);
    const plaintext = Buffer.from(cipher.open(ciphertext)).toString('utf8');
    if (plaintext.length < CODE_HASH_HEX_LENGTH) throw new AesSivError('decrypted input shorter than a code hash');
    return {
      cipher,
      nonce: new Uint8Array(nonce),
      codeHash: plaintext.slice(0, CODE_HASH_HEX_LENGTH),
      json: plaintext.slice(CODE_HASH_HEX_LENGTH),
    };
  }
}

/**
 * The client's side of the scheme (what secretjs does), used by the devnet's own signer (genesis, faucet) and tests:
 * encrypts `codeHash ‖ JSON.stringify(msg)` for the chain's IO public key. Returns the envelope and the cipher for
 * decrypting the outputs.
 */
export function encryptContractInput(
  chainIoPublicKey: Uint8Array,
  client: X25519KeyPair,
  codeHash: string,
  msg: unknown,
  nonce: Uint8Array = new Uint8Array(randomBytes(TX_NONCE_LENGTH)),
): {envelope: Uint8Array; cipher: AesSiv} {
  const shared = x25519SharedSecret(client.privateKey, chainIoPublicKey);
  const cipher = new AesSiv(deriveTxEncryptionKey(shared, nonce));
  const plaintext = Buffer.from(codeHash.toLowerCase() + JSON.stringify(msg), 'utf8');
  return {envelope: concatBytes(nonce, client.publicKey, cipher.seal(plaintext)), cipher};
}

// ---------------------------------------------------------------------------------------------------------------
// secp256k1
// ---------------------------------------------------------------------------------------------------------------

/** Length of a compressed secp256k1 public key, bytes. */
export const SECP256K1_PUBKEY_LENGTH = SECP256K1_COMPRESSED_PUBKEY_BYTES;
/** Length of a compact `r ‖ s` signature, bytes. */
export const SECP256K1_SIGNATURE_LENGTH = SECP256K1_SIGNATURE_BYTES;
/** Length of a secp256k1 private key, bytes. */
const SECP256K1_PRIVATE_KEY_LENGTH = 32;
/** DER prefix of an SPKI secp256k1 public key with a compressed point; followed by the 33 key bytes. */
const SECP256K1_SPKI_PREFIX = Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex');

const publicKeyObjects = new Map<string, KeyObject>();
const PUBLIC_KEY_CACHE_LIMIT = 4096;

/** OpenSSL KeyObject of a 33-byte compressed secp256k1 public key (cached); throws when the point is invalid. */
function secp256k1PublicKeyObject(pubkey: Uint8Array): KeyObject {
  checkLength(pubkey, SECP256K1_PUBKEY_LENGTH, 'secp256k1 public key');
  const id = toHex(pubkey);
  let key = publicKeyObjects.get(id);
  if (!key) {
    key = createPublicKey({key: Buffer.concat([SECP256K1_SPKI_PREFIX, pubkey]), format: 'der', type: 'spki'});
    if (publicKeyObjects.size >= PUBLIC_KEY_CACHE_LIMIT) publicKeyObjects.clear();
    publicKeyObjects.set(id, key);
  }
  return key;
}

/**
 * True when a 64-byte compact signature has `0 < r, s < n` and `s ≤ n/2` (the Cosmos low-S rule against
 * malleability).
 */
export const isLowS = isLowSCompactSignature;

/**
 * Verifies a Cosmos signature: ECDSA over SHA-256(`message`), 64-byte `r ‖ s`, low-S required (unless
 * `dangerousAllowHighS`, for the contract `Api`, which follows CosmWasm in accepting both), 33-byte compressed key.
 * Returns false (never throws) for malformed keys or signatures.
 */
export function verifySecp256k1Sha256(
  message: Uint8Array,
  signature: Uint8Array,
  pubkey: Uint8Array,
  options: {dangerousAllowHighS?: boolean} = {},
): boolean {
  if (signature.length !== SECP256K1_SIGNATURE_LENGTH) return false;
  if (!options.dangerousAllowHighS && !isLowS(signature)) return false;
  try {
    const key = secp256k1PublicKeyObject(pubkey);
    return nodeVerify('sha256', message, {key, dsaEncoding: 'ieee-p1363'}, signature);
  } catch {
    return false;
  }
}

/** Signs SHA-256(`message`) with a raw 32-byte private key (RFC 6979); returns a 64-byte low-S `r ‖ s` signature. */
export function signSecp256k1Sha256(message: Uint8Array, privateKey: Uint8Array): Uint8Array {
  checkLength(privateKey, SECP256K1_PRIVATE_KEY_LENGTH, 'secp256k1 private key');
  return new Secp256k1Key(privateKey).signSha256(message);
}

/** 33-byte compressed public key of a raw 32-byte secp256k1 private key. */
export function secp256k1PublicKey(privateKey: Uint8Array): Uint8Array {
  checkLength(privateKey, SECP256K1_PRIVATE_KEY_LENGTH, 'secp256k1 private key');
  return compressedPublicKey(privateKey);
}

/**
 * ECDSA secp256k1 verification of an already hashed 32-byte digest (CosmWasm `secp256k1_verify`): 64-byte `r ‖ s`
 * (high-S accepted, as CosmWasm normalises), 33-byte compressed key. Returns false for malformed input.
 */
export function verifySecp256k1Prehashed(hash: Uint8Array, signature: Uint8Array, pubkey: Uint8Array): boolean {
  if (hash.length !== 32 || signature.length !== SECP256K1_SIGNATURE_LENGTH) return false;
  if (pubkey.length !== SECP256K1_PUBKEY_LENGTH) return false;
  try {
    return secp256k1.verify(signature, hash, pubkey, {prehash: false, lowS: false, format: 'compact'});
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// bech32 (BIP-173) and addresses
// ---------------------------------------------------------------------------------------------------------------

/** True when `address` is a valid lower-case `secret1…` bech32 address with a 20-byte payload. */
export function isSecretAddress(address: string): boolean {
  if (typeof address !== 'string') return false;
  const decoded = decodeBech32(address);
  return decoded.ok && decoded.prefix === SECRET_HRP && decoded.data.length === ADDRESS_BYTES && address === address.toLowerCase();
}

/** 20-byte payload of a `secret1…` address; throws when invalid. */
export function addressBytes(address: string): Uint8Array {
  const decoded = decodeBech32(address);
  if (!decoded.ok || decoded.prefix !== SECRET_HRP || decoded.data.length !== ADDRESS_BYTES) {
    throw new Error(`invalid address ${address}${decoded.ok ? '' : ` (bech32: ${decoded.problem})`}`);
  }
  return decoded.data;
}

/** `secret1…` address of a 20-byte payload. */
export function addressFromBytes(bytes: Uint8Array): string {
  return encodeBech32(SECRET_HRP, bytes);
}

/** `secret1…` address of a 33-byte compressed secp256k1 public key: bech32(RIPEMD-160(SHA-256(pubkey))). */
export function pubkeyToAddress(pubkey: Uint8Array): string {
  checkLength(pubkey, SECP256K1_PUBKEY_LENGTH, 'secp256k1 public key');
  return pubkeyAddress(pubkey, SECRET_HRP);
}

// ---------------------------------------------------------------------------------------------------------------
// BIP-39 seed and BIP-32 derivation (secp256k1), for the fixed development accounts
// ---------------------------------------------------------------------------------------------------------------

/** Derivation path of Secret Network accounts (coin type 529), as `Wallet` uses. */
export const SECRET_HD_PATH = "m/44'/529'/0'/0/0";

/**
 * secp256k1 private key (32 bytes) of a BIP-39 mnemonic (empty passphrase) at a BIP-32 path, derived as the CLI's
 * keys are (`src/lib/keys/hd.ts`). The mnemonic's checksum is not checked: the devnet only derives its own fixed
 * mnemonics.
 */
export function privateKeyFromMnemonic(mnemonic: string, path: string = SECRET_HD_PATH): Uint8Array {
  const normalised = mnemonic.normalize('NFKD').trim().split(/\s+/).join(' ');
  return derivePath(mnemonicToSeed(normalised), path).privateKey;
}
