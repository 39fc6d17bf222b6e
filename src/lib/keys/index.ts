/**
 * The keyring: named secp256k1 keys for Secret Network (BIP-44 coin type 529, `m/44'/529'/0'/0/0`, bech32 `secret1…`).
 *
 * Backends:
 * - `file`: the mnemonic is encrypted at rest — scrypt (N=2^15, r=8, p=1) derives a 256-bit key from the passphrase,
 *   AES-256-GCM encrypts; files are mode 0600 in a 0700 directory.
 * - `test`: the mnemonic is stored in plaintext, for devnets and CI only; refused on networks that do not allow it.
 *
 * Address and public key are stored in clear beside the ciphertext so `keys list/show` never need the passphrase.
 */
import {createCipheriv, createDecipheriv, randomBytes, scryptSync, timingSafeEqual} from 'node:crypto';
import {existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {ensureDir} from '../config/index.js';
import {OperationError, UsageError} from '../errors.js';

export type KeyringBackend = 'file' | 'test';
export const KEYRING_BACKENDS: readonly KeyringBackend[] = ['file', 'test'];

/** What `keys list` / `keys show` return. */
export interface KeyInfo {
  name: string;
  /** bech32 `secret1…` account address. */
  address: string;
  /** 33-byte compressed secp256k1 public key, base64. */
  pubkey: string;
  backend: KeyringBackend;
  createdAt: string;
}

interface EncryptedBlob {
  kdf: 'scrypt';
  n: number;
  r: number;
  p: number;
  /** base64 */
  salt: string;
  cipher: 'aes-256-gcm';
  /** base64 */
  iv: string;
  /** base64 */
  tag: string;
  /** base64 */
  ciphertext: string;
}

interface KeyFile extends KeyInfo {
  version: 1;
  /** Only for the `test` backend. */
  mnemonic?: string;
  /** Only for the `file` backend. */
  crypto?: EncryptedBlob;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;
const SCRYPT = {N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024};

/** Derived identity of a mnemonic. */
export interface DerivedKey {
  address: string;
  pubkey: Uint8Array;
}

export function validateKeyName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new UsageError(`invalid key name "${name}": use letters, digits, ".", "_" or "-" (max 64, not starting with a symbol)`, {
      code: 'KEY_NAME_INVALID',
    });
  }
}

/** Normalises a mnemonic (whitespace, case) and checks its words and checksum against the BIP-39 English list. */
export async function normalizeMnemonic(input: string): Promise<string> {
  const words = input.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (![12, 15, 18, 21, 24].includes(words.length)) {
    throw new UsageError(`a mnemonic has 12, 15, 18, 21 or 24 words; got ${words.length}`, {code: 'MNEMONIC_INVALID'});
  }
  const bip39 = await import('bip39');
  const m = words.join(' ');
  const lib = (bip39 as unknown as {default?: typeof bip39}).default ?? bip39;
  if (!lib.validateMnemonic(m)) {
    throw new UsageError('the mnemonic is not valid (unknown word or bad checksum)', {code: 'MNEMONIC_INVALID'});
  }
  return m;
}

/** Generates a new 24-word mnemonic (256 bits of entropy). */
export async function generateMnemonic(): Promise<string> {
  const bip39 = await import('bip39');
  const lib = (bip39 as unknown as {default?: typeof bip39}).default ?? bip39;
  return lib.generateMnemonic(256);
}

/** Address and public key for a mnemonic, derived by secretjs's own `Wallet` (so they always agree with it). */
export async function deriveKey(mnemonic: string): Promise<DerivedKey> {
  const {Wallet} = await import('secretjs');
  const w = new Wallet(mnemonic);
  return {address: w.address, pubkey: w.publicKey};
}

export class Keyring {
  readonly dir: string;

  constructor(home: string) {
    this.dir = path.join(home, 'keys');
  }

  private file(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }

  exists(name: string): boolean {
    validateKeyName(name);
    return existsSync(this.file(name));
  }

  private read(name: string): KeyFile {
    validateKeyName(name);
    const f = this.file(name);
    if (!existsSync(f)) {
      throw new UsageError(`no key named "${name}"`, {code: 'KEY_NOT_FOUND', suggestion: 'run "secretai keys list" to see your keys, or "secretai keys add NAME"'});
    }
    try {
      return JSON.parse(readFileSync(f, 'utf8')) as KeyFile;
    } catch (err) {
      throw new OperationError(`key file ${f} is unreadable: ${(err as Error).message}`, {code: 'KEY_FILE_CORRUPT'});
    }
  }

  list(): KeyInfo[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .filter((n) => NAME_RE.test(n))
      .sort()
      .map((n) => info(this.read(n)));
  }

  show(name: string): KeyInfo {
    return info(this.read(name));
  }

  /**
   * Stores a key. `passphrase` is required for the `file` backend (at least 8 characters).
   * Fails if the name exists unless `overwrite`.
   */
  async add(name: string, mnemonic: string, opts: {backend: KeyringBackend; passphrase?: string; overwrite?: boolean}): Promise<KeyInfo> {
    validateKeyName(name);
    if (this.exists(name) && !opts.overwrite) {
      throw new UsageError(`a key named "${name}" already exists`, {code: 'KEY_EXISTS', suggestion: `choose another name, or "secretai keys delete ${name}" first`});
    }
    const derived = await deriveKey(mnemonic);
    const rec: KeyFile = {
      version: 1,
      name,
      address: derived.address,
      pubkey: Buffer.from(derived.pubkey).toString('base64'),
      backend: opts.backend,
      createdAt: new Date().toISOString(),
    };
    if (opts.backend === 'test') rec.mnemonic = mnemonic;
    else {
      if (!opts.passphrase) throw new UsageError('a passphrase is required for the file keyring', {code: 'PASSPHRASE_REQUIRED'});
      checkPassphraseStrength(opts.passphrase);
      rec.crypto = encrypt(mnemonic, opts.passphrase);
    }
    ensureDir(this.dir);
    const f = this.file(name);
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(rec, null, 2) + '\n', {mode: 0o600});
    renameSync(tmp, f);
    return info(rec);
  }

  delete(name: string): KeyInfo {
    const rec = this.read(name);
    rmSync(this.file(name));
    return info(rec);
  }

  /** Whether reading this key's mnemonic needs a passphrase. */
  needsPassphrase(name: string): boolean {
    return this.read(name).backend === 'file';
  }

  /** Decrypts the mnemonic (for signing). Wrong passphrase → usage error; the passphrase is never echoed. */
  mnemonic(name: string, passphrase?: string): string {
    const rec = this.read(name);
    if (rec.backend === 'test') {
      if (!rec.mnemonic) throw new OperationError(`key file for "${name}" has no mnemonic`, {code: 'KEY_FILE_CORRUPT'});
      return rec.mnemonic;
    }
    if (!rec.crypto) throw new OperationError(`key file for "${name}" has no ciphertext`, {code: 'KEY_FILE_CORRUPT'});
    if (!passphrase) {
      throw new UsageError(`key "${name}" is encrypted and no passphrase was given`, {
        code: 'PASSPHRASE_REQUIRED',
        suggestion: 'set SECRETAI_KEYRING_PASSPHRASE or run in a terminal to be prompted',
      });
    }
    return decrypt(rec.crypto, passphrase, name);
  }
}

function info(rec: KeyFile): KeyInfo {
  return {name: rec.name, address: rec.address, pubkey: rec.pubkey, backend: rec.backend, createdAt: rec.createdAt};
}

export function checkPassphraseStrength(p: string): void {
  if (p.length < 8) throw new UsageError('the passphrase must have at least 8 characters', {code: 'PASSPHRASE_WEAK'});
}

function encrypt(plaintext: string, passphrase: string): EncryptedBlob {
  const salt = randomBytes(16);
  const key = scryptSync(passphrase, salt, 32, SCRYPT);
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return {
    kdf: 'scrypt',
    n: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
    salt: salt.toString('base64'),
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: c.getAuthTag().toString('base64'),
    ciphertext: ct.toString('base64'),
  };
}

function decrypt(b: EncryptedBlob, passphrase: string, name: string): string {
  if (b.kdf !== 'scrypt' || b.cipher !== 'aes-256-gcm') throw new OperationError(`key "${name}" uses an unknown encryption scheme`, {code: 'KEY_FILE_CORRUPT'});
  const key = scryptSync(passphrase, Buffer.from(b.salt, 'base64'), 32, {N: b.n, r: b.r, p: b.p, maxmem: SCRYPT.maxmem});
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(b.iv, 'base64'));
  const tag = Buffer.from(b.tag, 'base64');
  if (tag.length !== 16) throw new OperationError(`key "${name}" has a malformed tag`, {code: 'KEY_FILE_CORRUPT'});
  d.setAuthTag(tag);
  try {
    return Buffer.concat([d.update(Buffer.from(b.ciphertext, 'base64')), d.final()]).toString('utf8');
  } catch {
    throw new UsageError(`wrong passphrase for key "${name}"`, {code: 'PASSPHRASE_WRONG'});
  }
}

/** Constant-time string comparison (for confirmations). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
