/**
 * What the benchmark programs share: where the repository and the shared fixtures are, the median, and the
 * timing of one call or of repeated rounds on the monotonic clock (`process.hrtime.bigint`).
 */
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** Repository root (the benchmarks run from dist/bench/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared data folder: `$SECRETAI_SHARED`, else `../shared` beside the repository. */
export const sharedDir = process.env.SECRETAI_SHARED ? path.resolve(process.env.SECRETAI_SHARED) : path.resolve(repoRoot, '..', 'shared');

/** Nanoseconds in a millisecond and in a second. */
const NS_PER_MS = 1e6;
const NS_PER_S = 1e9;

/** Median of `xs`; for an even count, the upper of the two middle values. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Milliseconds since `t0`, a `process.hrtime.bigint()` reading. */
export function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / NS_PER_MS;
}

/** Seconds since `t0`, a `process.hrtime.bigint()` reading. */
export function secondsSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / NS_PER_S;
}

/** Wall time of one call of `f`, milliseconds. */
export function timeOnce(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return msSince(t0);
}

/** Median over `rounds` of (iterations / seconds) for `iterations` calls of `f`, after one untimed warm-up round. */
export function rate(f: () => void, iterations: number, rounds: number): number {
  for (let i = 0; i < iterations; i++) f();
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) f();
    rates.push(iterations / secondsSince(t0));
  }
  return median(rates);
}
