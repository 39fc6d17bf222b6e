/**
 * Secret Network accounts from a BIP-39 mnemonic, on Node's native crypto: the same private key, compressed public
 * key and `secret1…` address as secretjs's `Wallet` (and so as every Secret wallet), in a few milliseconds.
 *
 * - Seed (BIP-39): PBKDF2-HMAC-SHA512 of the NFKD mnemonic, salt `"mnemonic" ‖ NFKD passphrase`, 2048 rounds,
 *   64 bytes. The mnemonic is taken as given: callers check its words and checksum first (`normalizeMnemonic`).
 * - Keys (BIP-32): master = HMAC-SHA512(key "Bitcoin seed", seed); child i = parent + IL mod n with
 *   IL ‖ chain code = HMAC-SHA512(chain code, 0x00 ‖ key ‖ i) for hardened i, (compressed pubkey ‖ i) otherwise.
 *   An invalid key (IL ≥ n, or a zero key; probability ~2^-127 per step) is refused with {@link HdKeyError} rather
 *   than skipped to the next index, so a key is always the one its path names.
 * - Path: `m/44'/{coin type}'/0'/0/{account index}`, coin type 529 (Secret) and account index 0 by default.
 * - Address: bech32 `secret` of RIPEMD-160(SHA-256(compressed public key)).
 */
import {nodeCrypto} from '../../common/node-crypto.js';
import {encodeBech32, SECRET_HRP} from '../../../contracts/common/encoding.js';
import {bytesToBigInt, SECP256K1_ORDER} from '../../../contracts/common/crypto.js';
import {bigIntToBytes32, compressedPublicKey} from './secp256k1.js';

const {createHash, createHmac, pbkdf2Sync} = nodeCrypto;

/** BIP-44 coin type of Secret Network. */
export const SECRET_COIN_TYPE = 529;
/** First hardened child index. */
export const HARDENED_OFFSET = 0x80000000;
const BIP39_ROUNDS = 2048;
const BIP39_SEED_BYTES = 64;
const MASTER_HMAC_KEY = 'Bitcoin seed';

/** Thrown when a derivation step gives no valid key, or for a malformed path or mnemonic. */
export class HdKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HdKeyError';
  }
}

/** A BIP-32 extended private key: the 32-byte key and its 32-byte chain code. */
export interface ExtendedKey {
  privateKey: Uint8Array;
  chainCode: Uint8Array;
}

/** Options of an account, as secretjs's `Wallet` takes them. */
export interface AccountOptions {
  /** Last index of the path (default 0). */
  hdAccountIndex?: number;
  /** BIP-44 coin type (default {@link SECRET_COIN_TYPE}). */
  coinType?: number;
  /** Address prefix (default `secret`). */
  bech32Prefix?: string;
  /** BIP-39 passphrase (default empty). */
  passphrase?: string;
}

/** A derived account. */
export interface SecretAccount {
  /** 32-byte secp256k1 private key: keep it in memory only. */
  privateKey: Uint8Array;
  /** 33-byte compressed public key. */
  publicKey: Uint8Array;
  /** bech32 address. */
  address: string;
}

/**
 * The BIP-39 seed of a mnemonic (64 bytes). Synchronous: its ~1 ms of PBKDF2 costs less than a trip through libuv's
 * thread pool (whose threads a short command would otherwise start just for it).
 */
export function mnemonicToSeed(mnemonic: string, passphrase = ''): Uint8Array {
  const password = mnemonic.normalize('NFKD');
  const salt = 'mnemonic' + passphrase.normalize('NFKD');
  return new Uint8Array(pbkdf2Sync(password, salt, BIP39_ROUNDS, BIP39_SEED_BYTES, 'sha512'));
}

/** Splits a 64-byte HMAC-SHA512 output into IL (as an integer) and the chain code IR. */
function split(i: Buffer): {il: bigint; chainCode: Uint8Array} {
  return {il: bytesToBigInt(i.subarray(0, 32)), chainCode: new Uint8Array(i.subarray(32))};
}

/** The master key of a seed (BIP-32 "master key generation"). */
export function masterKey(seed: Uint8Array): ExtendedKey {
  if (seed.length < 16 || seed.length > 64) throw new HdKeyError('a BIP-32 seed is 16 to 64 bytes');
  const {il, chainCode} = split(createHmac('sha512', MASTER_HMAC_KEY).update(seed).digest());
  if (il === 0n || il >= SECP256K1_ORDER) throw new HdKeyError('the seed gives no valid BIP-32 master key');
  return {privateKey: bigIntToBytes32(il), chainCode};
}

/** Child `index` of `parent` (BIP-32 CKDpriv); `index` ≥ {@link HARDENED_OFFSET} is a hardened child. */
export function deriveChild(parent: ExtendedKey, index: number): ExtendedKey {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) throw new HdKeyError(`invalid BIP-32 child index ${index}`);
  const data = Buffer.alloc(37);
  if (index >= HARDENED_OFFSET) data.set(parent.privateKey, 1);
  else data.set(compressedPublicKey(parent.privateKey), 0);
  data.writeUInt32BE(index, 33);
  const {il, chainCode} = split(createHmac('sha512', parent.chainCode).update(data).digest());
  if (il >= SECP256K1_ORDER) throw new HdKeyError(`BIP-32 child ${index} is invalid (IL ≥ n)`);
  const key = (il + bytesToBigInt(parent.privateKey)) % SECP256K1_ORDER;
  if (key === 0n) throw new HdKeyError(`BIP-32 child ${index} is invalid (zero key)`);
  return {privateKey: bigIntToBytes32(key), chainCode};
}

/** Child indexes of a path such as `m/44'/529'/0'/0/0` (`'` or `h` marks a hardened index). */
export function parsePath(path: string): number[] {
  const [root, ...segments] = path.trim().split('/');
  if (root !== 'm') throw new HdKeyError(`invalid derivation path "${path}": it starts with m`);
  return segments.map((s) => {
    const hardened = s.endsWith("'") || s.endsWith('h');
    const digits = hardened ? s.slice(0, -1) : s;
    const n = /^\d{1,10}$/.test(digits) ? Number(digits) : NaN;
    if (!(n < HARDENED_OFFSET)) throw new HdKeyError(`invalid derivation path "${path}": bad segment "${s}"`);
    return hardened ? n + HARDENED_OFFSET : n;
  });
}

/** The extended key at `path` from `seed`. */
export function derivePath(seed: Uint8Array, path: string): ExtendedKey {
  return parsePath(path).reduce(deriveChild, masterKey(seed));
}

/** The account path `m/44'/{coinType}'/0'/0/{accountIndex}`. */
export function accountPath(coinType = SECRET_COIN_TYPE, accountIndex = 0): string {
  for (const [what, v] of [['coin type', coinType], ['account index', accountIndex]] as const) {
    if (!Number.isInteger(v) || v < 0 || v >= HARDENED_OFFSET) throw new HdKeyError(`invalid ${what} ${v}`);
  }
  return `m/44'/${coinType}'/0'/0/${accountIndex}`;
}

/** bech32 address (`secret1…` by default) of a 33-byte compressed public key: RIPEMD-160(SHA-256(key)). */
export function pubkeyAddress(publicKey: Uint8Array, prefix: string = SECRET_HRP): string {
  const hash = createHash('ripemd160').update(createHash('sha256').update(publicKey).digest()).digest();
  return encodeBech32(prefix, new Uint8Array(hash));
}

/**
 * The account of a mnemonic at `m/44'/529'/0'/0/0` (or the options' coin type and index): what secretjs's
 * `new Wallet(mnemonic, options)` derives. The mnemonic must already be checked; an empty one is refused.
 */
export function deriveAccount(mnemonic: string, opts: AccountOptions = {}): SecretAccount {
  if (mnemonic.trim() === '') throw new HdKeyError('empty mnemonic');
  const path = accountPath(opts.coinType ?? SECRET_COIN_TYPE, opts.hdAccountIndex ?? 0);
  const {privateKey} = derivePath(mnemonicToSeed(mnemonic, opts.passphrase ?? ''), path);
  const publicKey = compressedPublicKey(privateKey);
  return {privateKey, publicKey, address: pubkeyAddress(publicKey, opts.bech32Prefix ?? SECRET_HRP)};
}
