/**
 * Seeded single-byte mutation of evidence for the attestation mutation tests: the same seed gives the same
 * positions and XOR values, so a failure can be replayed.
 */

/** Deterministic PRNG (mulberry32): returns a function giving numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Outcome of {@link mutateRegion}: a run where every mutant is rejected is `{valid: 0, notInvalid: [], thrown: 0, count}`. */
export interface MutationTally {
  /** Mutants whose verdict was `valid`. */
  valid: number;
  /** `position^xor: verdict` of every mutant whose verdict was not `invalid`. */
  notInvalid: string[];
  /** Mutants whose verification threw. */
  thrown: number;
  /** Mutants tried. */
  count: number;
}

/** Options of {@link mutateRegion}. */
export interface MutateRegionOptions {
  /** First byte offset that may change (inclusive). */
  from: number;
  /** End of the changeable range (exclusive). */
  to: number;
  /** PRNG seed. */
  seed: number;
  /** Number of mutants. */
  count: number;
  /** How a position is written in `notInvalid` (default: decimal). */
  formatPosition?: (pos: number) => string;
}

/**
 * Makes `count` copies of `bytes`, each with one byte in [from, to) XORed with a value in 1..255 (position
 * drawn first, then the value), and tallies the verdict `verdictOf` gives each copy.
 */
export function mutateRegion(bytes: Uint8Array, options: MutateRegionOptions, verdictOf: (mutant: Uint8Array) => string): MutationTally {
  const {from, to, seed, count} = options;
  const formatPosition = options.formatPosition ?? String;
  const rnd = prng(seed);
  let valid = 0;
  let thrown = 0;
  const notInvalid: string[] = [];
  for (let i = 0; i < count; i++) {
    const pos = from + Math.floor(rnd() * (to - from));
    const x = 1 + Math.floor(rnd() * 255);
    const m = Uint8Array.from(bytes);
    m[pos] ^= x;
    try {
      const verdict = verdictOf(m);
      if (verdict === 'valid') valid++;
      if (verdict !== 'invalid') notInvalid.push(`${formatPosition(pos)}^${x}: ${verdict}`);
    } catch {
      thrown++;
    }
  }
  return {valid, notInvalid, thrown, count};
}
