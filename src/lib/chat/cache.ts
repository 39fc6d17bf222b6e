/**
 * `chat`'s per-worker attestation cache: `<home>/cache/chat/<chain id>/<worker id>.json` (mode 0600). An entry
 * remembers a `valid` verdict for exactly one (bundle, presented certificate, measurement policy) — its key is
 * SHA-256 over their canonical forms — until the earliest expiry the verdict relied on (`validUntil`), and only
 * while the registration challenge the bundle binds is still one the WorkerManager accepts. Anything else (another
 * bundle, a rotated certificate, a new policy, expiry) misses and is verified again before any byte is sent.
 * Verdicts without a known expiry are not cached.
 */
import {nodeCrypto} from '../../common/node-crypto.js';
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {canonicalJson} from '../../../contracts/common/encoding.js';
import type {Check} from '../../attest/types.js';

const {createHash} = nodeCrypto;

/** What a hit gives back: enough to pin, check usage signatures and report. */
export interface CachedVerdict {
  key: string;
  verdict: 'valid';
  dev: boolean;
  workerPubkey: string;
  tlsSpkiSha256: string;
  /** Unix seconds. */
  validUntil: number;
  /** The registration challenge the bundle binds (hex), if any. */
  challenge?: string;
  checks: Check[];
  verifiedAt: number;
}

/** Cache key of a worker's (bundle, certificate, policy). */
export function verdictKey(bundle: unknown, certDer: Uint8Array, policy: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(bundle ?? null))
    .update('\n')
    .update(certDer)
    .update('\n')
    .update(canonicalJson(policy ?? null))
    .digest('hex');
}

const SAFE = /^[A-Za-z0-9._-]{1,64}$/;

export class VerdictCache {
  constructor(private readonly dir: string) {}

  static forHome(home: string, chainId: string): VerdictCache {
    return new VerdictCache(path.join(home, 'cache', 'chat', SAFE.test(chainId) ? chainId : 'chain'));
  }

  private file(workerId: string): string | undefined {
    return SAFE.test(workerId) ? path.join(this.dir, `${workerId}.json`) : undefined;
  }

  /** The entry for `workerId` when its key matches, it has not expired at `now` and its challenge is accepted. */
  get(workerId: string, key: string, now: number, acceptedChallenges: string[]): CachedVerdict | undefined {
    const f = this.file(workerId);
    if (!f) return undefined;
    let e: CachedVerdict;
    try {
      e = JSON.parse(readFileSync(f, 'utf8')) as CachedVerdict;
    } catch {
      return undefined;
    }
    if (e.key !== key || e.verdict !== 'valid' || !(now < e.validUntil)) return undefined;
    if (e.challenge !== undefined && !acceptedChallenges.includes(e.challenge)) return undefined;
    return e;
  }

  put(workerId: string, e: CachedVerdict): void {
    const f = this.file(workerId);
    if (!f) return;
    mkdirSync(this.dir, {recursive: true, mode: 0o700});
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(e), {mode: 0o600});
    renameSync(tmp, f);
  }
}
