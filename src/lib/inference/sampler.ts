/**
 * Choosing the next token from the logits, as llama2.c's sampler does: the most likely token at temperature 0;
 * otherwise softmax(logits / temperature) sampled whole, or restricted to the smallest set of most likely tokens
 * whose probabilities sum past top-p (nucleus sampling). Randomness comes from a seeded PRNG, so the same seed,
 * prompt and options give the same tokens. No allocation per token.
 */

/** Temperature when none is given (llama2.c's default). */
export const DEFAULT_TEMPERATURE = 1.0;
/** Top-p when none is given (llama2.c's default); 1 (or more) or 0 (or less) samples from the whole distribution. */
export const DEFAULT_TOP_P = 0.9;

/**
 * A small seeded PRNG (Mulberry32, 32-bit state, period 2^32), with the seed's high bits folded into the state.
 * Not for anything secret: it only makes sampling reproducible.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(Math.abs(seed) / 2 ** 32) >>> 0;
    this.state = (lo ^ Math.imul(hi, 0x9e3779b9) ^ (seed < 0 ? 0x85ebca6b : 0)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** Index of the largest value (the first one on a tie). */
export function argmax(v: Float32Array): number {
  let best = 0;
  let max = v[0];
  for (let i = 1; i < v.length; i++) {
    if (v[i] > max) {
      max = v[i];
      best = i;
    }
  }
  return best;
}

export interface SamplerOptions {
  /** 0 for greedy decoding; default {@link DEFAULT_TEMPERATURE}. */
  temperature?: number;
  /** Nucleus threshold in (0, 1); default {@link DEFAULT_TOP_P}. */
  topP?: number;
  /** PRNG seed (a safe integer); unused at temperature 0. */
  seed: number;
}

export class Sampler {
  readonly temperature: number;
  readonly topP: number;
  private readonly rng: SeededRandom;
  /** Candidate token ids for top-p, sorted by probability. */
  private readonly order: Int32Array;

  constructor(vocabSize: number, opts: SamplerOptions) {
    const temperature = opts.temperature ?? DEFAULT_TEMPERATURE;
    const topP = opts.topP ?? DEFAULT_TOP_P;
    if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new RangeError(`temperature must be a finite number ≥ 0, got ${temperature}`);
    if (!Number.isFinite(topP)) throw new RangeError(`top-p must be a finite number, got ${topP}`);
    this.temperature = temperature;
    this.topP = topP;
    this.rng = new SeededRandom(opts.seed);
    this.order = new Int32Array(vocabSize);
  }

  /** The next token. Overwrites `logits` (with probabilities) unless the temperature is 0. */
  sample(logits: Float32Array): number {
    if (this.temperature === 0) return argmax(logits);
    const n = logits.length;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = logits[i] / this.temperature;
      logits[i] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(logits[i] - max);
      logits[i] = e;
      sum += e;
    }
    for (let i = 0; i < n; i++) logits[i] /= sum;
    const coin = this.rng.next();
    return this.topP <= 0 || this.topP >= 1 ? sampleAll(logits, coin) : this.sampleTopP(logits, coin);
  }

  private sampleTopP(probs: Float32Array, coin: number): number {
    const n = probs.length;
    const order = this.order;
    // Tokens below this probability cannot be in the nucleus (llama2.c's pre-filter); keeps the sort short.
    const cutoff = (1 - this.topP) / (n - 1);
    let count = 0;
    for (let i = 0; i < n; i++) if (probs[i] >= cutoff) order[count++] = i;
    sortByProbabilityDesc(order, count, probs);
    let cumulative = 0;
    let last = count - 1;
    for (let i = 0; i < count; i++) {
      cumulative += probs[order[i]];
      if (cumulative > this.topP) {
        last = i;
        break;
      }
    }
    const r = coin * cumulative;
    let cdf = 0;
    for (let i = 0; i <= last; i++) {
      cdf += probs[order[i]];
      if (r < cdf) return order[i];
    }
    return order[last];
  }
}

/** Samples index i with probability probs[i], given a uniform coin in [0, 1). */
function sampleAll(probs: Float32Array, coin: number): number {
  let cdf = 0;
  for (let i = 0; i < probs.length; i++) {
    cdf += probs[i];
    if (coin < cdf) return i;
  }
  return probs.length - 1;
}

/** True when token `a` sorts before token `b`: larger probability, then smaller id. */
function before(probs: Float32Array, a: number, b: number): boolean {
  return probs[a] > probs[b] || (probs[a] === probs[b] && a < b);
}

/** Restores the heap below `root` in `ids[0..end)`; the heap's root is the token that sorts last. */
function siftDown(ids: Int32Array, probs: Float32Array, root: number, end: number): void {
  for (;;) {
    let child = 2 * root + 1;
    if (child >= end) return;
    if (child + 1 < end && before(probs, ids[child], ids[child + 1])) child++;
    if (!before(probs, ids[root], ids[child])) return;
    const t = ids[root];
    ids[root] = ids[child];
    ids[child] = t;
    root = child;
  }
}

/**
 * Heap sort of `ids[0..count)` by `probs[id]`, largest first, ties by smaller id first: in place, no allocation,
 * O(count log count) whatever the distribution.
 */
function sortByProbabilityDesc(ids: Int32Array, count: number, probs: Float32Array): void {
  for (let i = (count >> 1) - 1; i >= 0; i--) siftDown(ids, probs, i, count);
  for (let end = count - 1; end > 0; end--) {
    const t = ids[0];
    ids[0] = ids[end];
    ids[end] = t;
    siftDown(ids, probs, 0, end);
  }
}
