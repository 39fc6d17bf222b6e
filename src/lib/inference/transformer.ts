/**
 * The Llama transformer forward pass of llama2.c's `run.c`, one token at a time: RMSNorm, rotary position
 * embeddings (RoPE), grouped-query attention over a key/value cache, a SwiGLU feed-forward layer, and the
 * classifier. All arithmetic runs over Float32Array weights into scratch buffers allocated once per
 * {@link RunState}; the per-token path allocates nothing (tensors are addressed by offsets, never by subarray
 * views, which would allocate).
 */
import type {Checkpoint, ModelConfig, Weights} from './checkpoint.js';

/** RMSNorm epsilon (llama2.c). */
const RMS_EPS = 1e-5;
/** RoPE base frequency θ. */
const ROPE_THETA = 10000;

/**
 * `out[outOff + i] = Σ_j w[wOff + i·n + j] · x[j]` for i < d: W (d × n, row-major, at offset wOff) times x (n).
 * Four rows at a time share each load of x and keep four independent sums.
 */
export function matmul(out: Float32Array, outOff: number, x: Float32Array, w: Float32Array, wOff: number, n: number, d: number): void {
  let i = 0;
  for (; i + 3 < d; i += 4) {
    const r0 = wOff + i * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < n; j++) {
      const xj = x[j];
      s0 += w[r0 + j] * xj;
      s1 += w[r1 + j] * xj;
      s2 += w[r2 + j] * xj;
      s3 += w[r3 + j] * xj;
    }
    out[outOff + i] = s0;
    out[outOff + i + 1] = s1;
    out[outOff + i + 2] = s2;
    out[outOff + i + 3] = s3;
  }
  for (; i < d; i++) {
    const r = wOff + i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += w[r + j] * x[j];
    out[outOff + i] = s;
  }
}

/** `out = weight[wOff..] ⊙ x / rms(x)`; `out` may be `x`. */
function rmsnorm(out: Float32Array, x: Float32Array, weight: Float32Array, wOff: number, size: number): void {
  let ss = 0;
  for (let j = 0; j < size; j++) ss += x[j] * x[j];
  const scale = 1 / Math.sqrt(ss / size + RMS_EPS);
  for (let j = 0; j < size; j++) out[j] = weight[wOff + j] * (scale * x[j]);
}

/** Softmax of `x[off .. off+size)` in place. */
function softmax(x: Float32Array, off: number, size: number): void {
  let max = x[off];
  for (let i = 1; i < size; i++) if (x[off + i] > max) max = x[off + i];
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const e = Math.exp(x[off + i] - max);
    x[off + i] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let i = 0; i < size; i++) x[off + i] *= inv;
}

/** Scratch buffers and the key/value cache of one generation. Reusable for another once that one is done. */
export class RunState {
  readonly x: Float32Array;
  readonly xb: Float32Array;
  readonly xb2: Float32Array;
  readonly hb: Float32Array;
  readonly hb2: Float32Array;
  readonly q: Float32Array;
  /** Attention scores, (nHeads, seqLen). */
  readonly att: Float32Array;
  readonly logits: Float32Array;
  /** (layer, seqLen, kvDim) */
  readonly keyCache: Float32Array;
  /** (layer, seqLen, kvDim) */
  readonly valueCache: Float32Array;
  /** cos and sin of the current position's rotation angle per pair of a head. */
  readonly ropeCos: Float64Array;
  readonly ropeSin: Float64Array;

  constructor(c: ModelConfig) {
    const headSize = c.dim / c.nHeads;
    const kvDim = c.nKvHeads * headSize;
    this.x = new Float32Array(c.dim);
    this.xb = new Float32Array(c.dim);
    this.xb2 = new Float32Array(c.dim);
    this.hb = new Float32Array(c.hiddenDim);
    this.hb2 = new Float32Array(c.hiddenDim);
    this.q = new Float32Array(c.dim);
    this.att = new Float32Array(c.nHeads * c.seqLen);
    this.logits = new Float32Array(c.vocabSize);
    this.keyCache = new Float32Array(c.nLayers * c.seqLen * kvDim);
    this.valueCache = new Float32Array(c.nLayers * c.seqLen * kvDim);
    this.ropeCos = new Float64Array(headSize / 2);
    this.ropeSin = new Float64Array(headSize / 2);
  }
}

export class Transformer {
  readonly config: ModelConfig;
  private readonly w: Weights;
  private readonly headSize: number;
  private readonly kvDim: number;
  /** Query heads per key/value head. */
  private readonly kvMul: number;
  /** RoPE frequency of each pair index within a head. */
  private readonly ropeFreq: Float64Array;

  constructor(checkpoint: Checkpoint) {
    this.config = checkpoint.config;
    this.w = checkpoint.weights;
    const c = this.config;
    this.headSize = c.dim / c.nHeads;
    this.kvDim = c.nKvHeads * this.headSize;
    this.kvMul = c.nHeads / c.nKvHeads;
    this.ropeFreq = new Float64Array(this.headSize / 2);
    for (let p = 0; p < this.headSize / 2; p++) this.ropeFreq[p] = 1 / Math.pow(ROPE_THETA, (2 * p) / this.headSize);
  }

  newState(): RunState {
    return new RunState(this.config);
  }

  /**
   * Runs `token` at position `pos` (0-based; positions before it must have been run in this state) and returns
   * the logits over the vocabulary: `s.logits`, overwritten by the next call.
   */
  forward(s: RunState, token: number, pos: number): Float32Array {
    const c = this.config;
    const w = this.w;
    const {dim, hiddenDim, nLayers, nHeads, seqLen} = c;
    const {headSize, kvDim, kvMul} = this;
    const x = s.x;
    const xb = s.xb;
    const q = s.q;
    const att = s.att;
    const keyCache = s.keyCache;
    const valueCache = s.valueCache;
    const ropeCos = s.ropeCos;
    const ropeSin = s.ropeSin;
    const half = headSize / 2;
    const invSqrtHead = 1 / Math.sqrt(headSize);

    const emb = w.tokenEmbedding;
    for (let i = 0, e = token * dim; i < dim; i++) x[i] = emb[e + i];
    for (let p = 0; p < half; p++) {
      const angle = pos * this.ropeFreq[p];
      ropeCos[p] = Math.cos(angle);
      ropeSin[p] = Math.sin(angle);
    }

    for (let l = 0; l < nLayers; l++) {
      rmsnorm(xb, x, w.rmsAtt, l * dim, dim);
      const layerCache = l * seqLen * kvDim;
      const kOff = layerCache + pos * kvDim;
      // q, and k, v written straight into the cache row of this position.
      matmul(q, 0, xb, w.wq, l * dim * dim, dim, dim);
      matmul(keyCache, kOff, xb, w.wk, l * dim * kvDim, dim, kvDim);
      matmul(valueCache, kOff, xb, w.wv, l * dim * kvDim, dim, kvDim);

      // RoPE: rotate each (even, odd) pair of every head of q and k by the position's angle for that pair.
      for (let i = 0; i < dim; i += 2) {
        const p = (i % headSize) >> 1;
        const fc = ropeCos[p];
        const fs = ropeSin[p];
        const q0 = q[i];
        const q1 = q[i + 1];
        q[i] = q0 * fc - q1 * fs;
        q[i + 1] = q0 * fs + q1 * fc;
        if (i < kvDim) {
          const k0 = keyCache[kOff + i];
          const k1 = keyCache[kOff + i + 1];
          keyCache[kOff + i] = k0 * fc - k1 * fs;
          keyCache[kOff + i + 1] = k0 * fs + k1 * fc;
        }
      }

      // Grouped-query attention: head h reads key/value head h / kvMul at every position up to pos.
      for (let h = 0; h < nHeads; h++) {
        const qOff = h * headSize;
        const attOff = h * seqLen;
        const headKv = layerCache + ((h / kvMul) | 0) * headSize;
        for (let t = 0; t <= pos; t++) {
          const kt = headKv + t * kvDim;
          let score = 0;
          for (let i = 0; i < headSize; i++) score += q[qOff + i] * keyCache[kt + i];
          att[attOff + t] = score * invSqrtHead;
        }
        softmax(att, attOff, pos + 1);
        for (let i = 0; i < headSize; i++) xb[qOff + i] = 0;
        for (let t = 0; t <= pos; t++) {
          const vt = headKv + t * kvDim;
          const a = att[attOff + t];
          for (let i = 0; i < headSize; i++) xb[qOff + i] += a * valueCache[vt + i];
        }
      }

      matmul(s.xb2, 0, xb, w.wo, l * dim * dim, dim, dim);
      for (let i = 0; i < dim; i++) x[i] += s.xb2[i];

      // SwiGLU feed-forward: w2 · (silu(w1 · x) ⊙ (w3 · x)).
      rmsnorm(xb, x, w.rmsFfn, l * dim, dim);
      matmul(s.hb, 0, xb, w.w1, l * dim * hiddenDim, dim, hiddenDim);
      matmul(s.hb2, 0, xb, w.w3, l * dim * hiddenDim, dim, hiddenDim);
      const hb = s.hb;
      const hb2 = s.hb2;
      for (let i = 0; i < hiddenDim; i++) {
        const v = hb[i];
        hb[i] = (v / (1 + Math.exp(-v))) * hb2[i];
      }
      matmul(xb, 0, hb, w.w2, l * dim * hiddenDim, hiddenDim, dim);
      for (let i = 0; i < dim; i++) x[i] += xb[i];
    }

    rmsnorm(x, x, w.rmsFinal, 0, dim);
    matmul(s.logits, 0, x, w.classifier, 0, dim, c.vocabSize);
    return s.logits;
  }
}
