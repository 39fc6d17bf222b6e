/**
 * The attestation collateral cache on disk: `<home>/cache/attestation/<key>` (keys from
 * `lib/attest/fetch/storage.ts` `cacheKey`, e.g. `tdx/b0c06f000000-platform.json`, `snp/milan/crl.der`).
 * Writes are atomic (temp file + rename) so a crash never leaves a torn entry.
 */
import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import type {CacheStorage} from './fetch/storage.js';

/** The cache directory of a home. */
export function attestationCacheDir(home: string): string {
  return path.join(home, 'cache', 'attestation');
}

/** {@link CacheStorage} on files under a directory. */
export class FileStorage implements CacheStorage {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    const p = path.resolve(this.dir, ...key.split('/'));
    if (!p.startsWith(path.resolve(this.dir) + path.sep)) throw new RangeError(`cache key "${key}" escapes the cache directory`);
    return p;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const f = this.file(key);
    if (!existsSync(f)) return undefined;
    try {
      return new Uint8Array(readFileSync(f));
    } catch {
      return undefined;
    }
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const f = this.file(key);
    mkdirSync(path.dirname(f), {recursive: true, mode: 0o700});
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, value, {mode: 0o600});
    renameSync(tmp, f);
  }
}
