/**
 * Where the chain's consensus IO public key is remembered between processes. Every encrypted contract query is
 * sealed to that key (`secret-lcd-devnet.md` §3a); a client asks the node for it (`/registration/v1beta1/tx-key`)
 * once (`seal.ts`), so without a cache every command pays one more round trip before its first query.
 *
 * Entries are keyed by chain id and LCD URL (a devnet restarted on the same port keeps its chain id but not its
 * key). A remembered key is only a guess: when the node cannot decrypt a query sealed to it, the read client
 * fetches the key again, stores it and retries once (see `read-client.ts`). The key is public; the file holds
 * nothing secret.
 */
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import path from 'node:path';

/** A cache of consensus IO public keys (32 bytes each). */
export interface IoKeyStore {
  get(chainId: string, lcdUrl: string): Uint8Array | undefined;
  set(chainId: string, lcdUrl: string, key: Uint8Array): void;
}

/** File of remembered IO keys under the home directory. */
export const IO_KEYS_FILE = path.join('cache', 'chain', 'io-keys.json');

/** Length of a consensus IO public key (curve25519). */
export const IO_KEY_BYTES = 32;

function entryKey(chainId: string, lcdUrl: string): string {
  return `${chainId} ${lcdUrl.replace(/\/+$/, '')}`;
}

function decodeKey(b64: unknown): Uint8Array | undefined {
  if (typeof b64 !== 'string') return undefined;
  const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
  return bytes.length === IO_KEY_BYTES ? bytes : undefined;
}

/** IO keys in memory (one process; tests). */
export class MemoryIoKeyStore implements IoKeyStore {
  private readonly map = new Map<string, Uint8Array>();

  get(chainId: string, lcdUrl: string): Uint8Array | undefined {
    return this.map.get(entryKey(chainId, lcdUrl));
  }

  set(chainId: string, lcdUrl: string, key: Uint8Array): void {
    if (key.length === IO_KEY_BYTES) this.map.set(entryKey(chainId, lcdUrl), new Uint8Array(key));
  }
}

/**
 * IO keys in one JSON file, `{"<chain id> <LCD URL>": {"key": base64, "fetchedAt": ISO time}}`, written atomically.
 * A missing or damaged file is an empty cache (it only costs a `tx-key` request); a failed write is ignored.
 */
export class FileIoKeyStore implements IoKeyStore {
  constructor(readonly file: string) {}

  /** The cache of a home directory: `<home>/cache/chain/io-keys.json`. */
  static forHome(home: string): FileIoKeyStore {
    return new FileIoKeyStore(path.join(home, IO_KEYS_FILE));
  }

  private read(): Record<string, {key?: unknown; fetchedAt?: unknown}> {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, {key?: unknown}>) : {};
    } catch {
      return {};
    }
  }

  get(chainId: string, lcdUrl: string): Uint8Array | undefined {
    return decodeKey(this.read()[entryKey(chainId, lcdUrl)]?.key);
  }

  set(chainId: string, lcdUrl: string, key: Uint8Array): void {
    if (key.length !== IO_KEY_BYTES) return;
    const all = this.read();
    all[entryKey(chainId, lcdUrl)] = {key: Buffer.from(key).toString('base64'), fetchedAt: new Date().toISOString()};
    try {
      mkdirSync(path.dirname(this.file), {recursive: true, mode: 0o700});
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n');
      renameSync(tmp, this.file);
    } catch {
      // A read-only home only loses the cache.
    }
  }
}
