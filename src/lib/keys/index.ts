/**
 * The keyring: named secp256k1 keys for Secret Network (BIP-44 coin type 529, `m/44'/529'/0'/0/0`, bech32 `secret1…`).
 *
 * Backends:
 * - `file`: the mnemonic is sealed at rest (`sealed.ts`: scrypt + AES-256-GCM, with the key's `name`, `address` and
 *   `pubkey` authenticated as additional data, so an edited address is refused); files are mode 0600 in a 0700
 *   directory. Files written before the fields were authenticated still open; {@link Keyring.unlock} re-seals them
 *   after checking their address and public key against the mnemonic.
 * - `test`: the mnemonic is stored in plaintext, for devnets and CI only; refused on networks that do not allow it.
 *
 * Address and public key are stored in clear beside the ciphertext so `keys list/show` never need the passphrase.
 */
import {existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {ensureDir} from '../config/index.js';
import {OperationError, UsageError} from '../errors.js';
import {deriveAccount} from './hd.js';
import {nodeCrypto, seal, sealedAad, unseal, type SealedBlob} from './sealed.js';

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

interface KeyFile extends KeyInfo {
  /** 1: legacy sealing without additional data; 2: sealed with `name`, `address`, `pubkey` authenticated. */
  version: 1 | 2;
  /** Only for the `test` backend. */
  mnemonic?: string;
  /** Only for the `file` backend. */
  crypto?: SealedBlob;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;

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

/** Address and public key for a mnemonic at `m/44'/529'/0'/0/0` (what secretjs's `Wallet` derives), on native crypto. */
export async function deriveKey(mnemonic: string): Promise<DerivedKey> {
  const {address, publicKey} = deriveAccount(mnemonic);
  return {address, pubkey: publicKey};
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
    let rec: KeyFile;
    try {
      rec = JSON.parse(readFileSync(f, 'utf8')) as KeyFile;
    } catch (err) {
      throw new OperationError(`key file ${f} is unreadable: ${(err as Error).message}`, {code: 'KEY_FILE_CORRUPT'});
    }
    // A file copied under another name is not that key (the name is also authenticated with the mnemonic).
    if (rec?.name !== name) throw new OperationError(`key file ${f} holds a key named ${JSON.stringify(rec?.name)}, not "${name}"`, {code: 'KEY_FILE_CORRUPT'});
    return rec;
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
      version: 2,
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
      rec.crypto = seal(mnemonic, opts.passphrase, keyAad(rec));
    }
    this.write(rec);
    return info(rec);
  }

  private write(rec: KeyFile): void {
    ensureDir(this.dir);
    const f = this.file(rec.name);
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(rec, null, 2) + '\n', {mode: 0o600});
    renameSync(tmp, f);
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
    return this.open(this.read(name), passphrase).plaintext;
  }

  /**
   * Like {@link mnemonic}, and migrates a file written before its fields were authenticated: its address and public
   * key are checked against the mnemonic (a mismatch is refused as tampering) and it is re-sealed with them as
   * additional data.
   */
  async unlock(name: string, passphrase?: string): Promise<string> {
    const rec = this.read(name);
    const {plaintext, legacy} = this.open(rec, passphrase);
    if (legacy && passphrase) {
      const derived = await deriveKey(plaintext);
      if (derived.address !== rec.address || Buffer.from(derived.pubkey).toString('base64') !== rec.pubkey) {
        throw new OperationError(`key "${name}" was altered: its stored address or public key is not the mnemonic's`, {
          code: 'KEY_FILE_TAMPERED',
          suggestion: 'do not use this file; recover the key from its mnemonic (secretai keys add NAME --recover)',
        });
      }
      this.write({...rec, version: 2, crypto: seal(plaintext, passphrase, keyAad(rec))});
    }
    return plaintext;
  }

  private open(rec: KeyFile, passphrase: string | undefined): {plaintext: string; legacy: boolean} {
    const name = rec.name;
    if (rec.backend === 'test') {
      if (!rec.mnemonic) throw new OperationError(`key file for "${name}" has no mnemonic`, {code: 'KEY_FILE_CORRUPT'});
      return {plaintext: rec.mnemonic, legacy: false};
    }
    if (!rec.crypto) throw new OperationError(`key file for "${name}" has no ciphertext`, {code: 'KEY_FILE_CORRUPT'});
    if (!passphrase) {
      throw new UsageError(`key "${name}" is encrypted and no passphrase was given`, {
        code: 'PASSPHRASE_REQUIRED',
        suggestion: 'set SECRETAI_KEYRING_PASSPHRASE or run in a terminal to be prompted',
      });
    }
    return unseal(rec.crypto, passphrase, keyAad(rec), `key "${name}"`);
  }
}

/** Additional data of a key file: the fields `keys list/show` print without the passphrase. */
function keyAad(rec: Pick<KeyFile, 'name' | 'address' | 'pubkey'>): Buffer {
  return sealedAad({name: rec.name, address: rec.address, pubkey: rec.pubkey});
}

function info(rec: KeyFile): KeyInfo {
  return {name: rec.name, address: rec.address, pubkey: rec.pubkey, backend: rec.backend, createdAt: rec.createdAt};
}

export function checkPassphraseStrength(p: string): void {
  if (p.length < 8) throw new UsageError('the passphrase must have at least 8 characters', {code: 'PASSPHRASE_WEAK'});
}

/** Constant-time string comparison (for confirmations). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && nodeCrypto().timingSafeEqual(x, y);
}
