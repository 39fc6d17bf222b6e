/**
 * The API key store: keys made by `apikey create`, kept for `chat`. One file per key,
 * `<home>/apikeys/<chain id>/<key hash>.json` (mode 0600, directories 0700). The key is sealed like a mnemonic
 * (`sealed.ts`, its SHA-256 hash authenticated as additional data) with the keyring passphrase when the owning
 * signing key is in the `file` keyring; with a `test`-keyring owner (devnets) it is stored in clear, as that
 * owner's mnemonic is.
 */
import {nodeCrypto} from '../../common/node-crypto.js';
import {existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {ensureDir} from '../config/index.js';
import {OperationError} from '../errors.js';
import type {KeyringBackend} from './index.js';
import {seal, sealedAad, unseal, type SealedBlob} from './sealed.js';

const {createHash, randomBytes} = nodeCrypto;

/** Prefix of the API keys this CLI generates. */
export const API_KEY_PREFIX = 'sai_';
const API_KEY_BYTES = 32;
const HASH_RE = /^[0-9a-f]{64}$/;
const CHAIN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A fresh API key: `sai_` + 32 random bytes as base64url (43 characters). */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(API_KEY_BYTES).toString('base64url');
}

/**
 * SHA-256 of the key's UTF-8 bytes, 64 lower-case hex (what the SubscriptionManager and gateways store). Native
 * hashing: a gateway computes it for every request, before the first token.
 */
export function apiKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What is stored beside a key (never the key in clear for a `file` owner). */
export interface StoredApiKeyInfo {
  keyHash: string;
  chainId: string;
  /** SubscriptionManager address the key was registered with. */
  contract: string;
  /** Signing key name and address of the subscriber. */
  owner: {name: string; address: string};
  backend: KeyringBackend;
  createdAt: string;
}

interface ApiKeyFile extends StoredApiKeyInfo {
  version: 1;
  key?: string;
  crypto?: SealedBlob;
}

export class ApiKeyStore {
  readonly dir: string;

  constructor(home: string) {
    this.dir = path.join(home, 'apikeys');
  }

  private file(chainId: string, keyHash: string): string {
    if (!CHAIN_ID_RE.test(chainId) || !HASH_RE.test(keyHash)) throw new OperationError('invalid API key store path', {code: 'APIKEY_STORE_INVALID'});
    return path.join(this.dir, chainId, `${keyHash}.json`);
  }

  /** Stores `key`; `passphrase` is required for a `file` backend owner. */
  save(key: string, info: Omit<StoredApiKeyInfo, 'keyHash' | 'createdAt'>, passphrase?: string): StoredApiKeyInfo {
    const keyHash = apiKeyHash(key);
    const rec: ApiKeyFile = {version: 1, keyHash, ...info, createdAt: new Date().toISOString()};
    if (info.backend === 'test') rec.key = key;
    else {
      if (!passphrase) throw new OperationError('a passphrase is needed to store the API key', {code: 'PASSPHRASE_REQUIRED'});
      rec.crypto = seal(key, passphrase, sealedAad({keyHash}));
    }
    const f = this.file(info.chainId, keyHash);
    ensureDir(this.dir);
    ensureDir(path.dirname(f));
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(rec, null, 2) + '\n', {mode: 0o600});
    renameSync(tmp, f);
    return strip(rec);
  }

  /** Stored keys of a chain (optionally of one owner address), oldest first. */
  list(chainId: string, owner?: string): StoredApiKeyInfo[] {
    const dir = path.join(this.dir, chainId);
    if (!CHAIN_ID_RE.test(chainId) || !existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => HASH_RE.test(f.replace(/\.json$/, '')) && f.endsWith('.json'))
      .map((f) => this.read(chainId, f.slice(0, -5)))
      .filter((r): r is ApiKeyFile => r !== undefined && (!owner || r.owner.address === owner))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map(strip);
  }

  private read(chainId: string, keyHash: string): ApiKeyFile | undefined {
    const f = this.file(chainId, keyHash);
    if (!existsSync(f)) return undefined;
    try {
      const rec = JSON.parse(readFileSync(f, 'utf8')) as ApiKeyFile;
      return rec.keyHash === keyHash ? rec : undefined;
    } catch {
      return undefined;
    }
  }

  /** The key in clear; `passphrase` for sealed keys. Undefined when not stored here. */
  open(chainId: string, keyHash: string, passphrase?: string): string | undefined {
    const rec = this.read(chainId, keyHash);
    if (!rec) return undefined;
    const what = `API key ${keyHash.slice(0, 12)}…`;
    let key: string;
    if (rec.crypto) {
      if (!passphrase) throw new OperationError(`${what} is encrypted and no passphrase was given`, {code: 'PASSPHRASE_REQUIRED'});
      key = unseal(rec.crypto, passphrase, sealedAad({keyHash}), what).plaintext;
    } else key = String(rec.key ?? '');
    if (apiKeyHash(key) !== keyHash) throw new OperationError(`${what}: the stored key does not match its hash`, {code: 'KEY_FILE_TAMPERED'});
    return key;
  }

  /** Removes a stored key; true when there was one. */
  remove(chainId: string, keyHash: string): boolean {
    const f = this.file(chainId, keyHash);
    if (!existsSync(f)) return false;
    rmSync(f);
    return true;
  }
}

function strip(rec: ApiKeyFile): StoredApiKeyInfo {
  return {keyHash: rec.keyHash, chainId: rec.chainId, contract: rec.contract, owner: rec.owner, backend: rec.backend, createdAt: rec.createdAt};
}
