/**
 * Storage for cached collateral, injected by the caller: the CLI maps it to files under
 * `<home>/cache/attestation/`; tests use {@link MemoryStorage}. Keys are relative paths made of
 * `[a-z0-9._-]` segments joined by `/` (see {@link cacheKey}).
 */

export interface CacheStorage {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
}

/** In-memory storage (tests, and one-shot runs that must not touch the disk). */
export class MemoryStorage implements CacheStorage {
  readonly map = new Map<string, Uint8Array>();
  /** Keys read, in order (tests use it to prove a cache hit). */
  readonly reads: string[] = [];

  async get(key: string): Promise<Uint8Array | undefined> {
    this.reads.push(key);
    return this.map.get(key);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.map.set(key, Uint8Array.from(value));
  }
}

const SEGMENT = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/** A storage key from path segments, lower-cased and checked (no `..`, no separators inside a segment). */
export function cacheKey(...segments: string[]): string {
  const parts = segments.map((s) => s.toLowerCase());
  for (const p of parts) {
    if (!SEGMENT.test(p) || p.includes('..')) throw new RangeError(`invalid cache key segment "${p}"`);
  }
  return parts.join('/');
}
