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

/** (iterations / seconds) of each of `rounds` rounds of `iterations` calls of `f`, after one untimed warm-up round. */
export function rates(f: () => void, iterations: number, rounds: number): number[] {
  for (let i = 0; i < iterations; i++) f();
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) f();
    out.push(iterations / secondsSince(t0));
  }
  return out;
}

/** Median over `rounds` of (iterations / seconds) for `iterations` calls of `f`, after one untimed warm-up round. */
export function rate(f: () => void, iterations: number, rounds: number): number {
  return median(rates(f, iterations, rounds));
}

/**
 * The output contract every bench program follows, so `npm run bench` (bench/all.ts) can gather one table:
 * given `--json` (or `SECRETAI_BENCH_JSON=1` in the environment) a program prints exactly one JSON array of
 * {@link BenchResult} on stdout, and its usual human lines go to stderr instead. Without it, output is unchanged.
 * A program opts in by importing this module (which takes `--json` out of `process.argv`, so positional
 * arguments keep their places) and calling {@link report} once with its figures. A program that does not is
 * still run by the runner, which shows its last lines instead of table rows.
 */
export interface BenchResult {
  /** What was measured, e.g. `secretai --help (user: bin/run.js)`. */
  name: string;
  /** The median of the rounds. */
  median: number;
  /** Interquartile range of the rounds (same unit), or null when the program keeps only the median. */
  spread: number | null;
  /** Unit of median and spread, e.g. `ms`, `verifications/s`, `tokens/s`. */
  unit: string;
  /** median / baseline's median (or the ratio the program defines), when there is a baseline. */
  ratio?: number;
  /** What the ratio is against, e.g. `node -e 0`, `@phala/dcap-qvl`. */
  baseline?: string;
}

const jsonFlag = process.argv.indexOf('--json');
if (jsonFlag >= 2) process.argv.splice(jsonFlag, 1);

/** True when the program must print its results as one JSON array on stdout (see {@link BenchResult}). */
export const jsonMode = jsonFlag >= 2 || process.env.SECRETAI_BENCH_JSON === '1';

// In JSON mode stdout carries only the array: the human lines a program prints go to stderr.
if (jsonMode) console.log = (...args: unknown[]) => console.error(...args);

/** Interquartile range of `xs` (upper quartile − lower quartile; 0 for fewer than two values). */
export function spread(xs: number[]): number {
  if (xs.length < 2) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return q(0.75) - q(0.25);
}

/** Median and spread of the same samples. */
export function stats(xs: number[]): {median: number; spread: number} {
  return {median: median(xs), spread: spread(xs)};
}

/** Prints the program's results as one JSON array on stdout in JSON mode; does nothing otherwise. */
export function report(results: BenchResult[]): void {
  if (jsonMode) process.stdout.write(JSON.stringify(results) + '\n');
}
