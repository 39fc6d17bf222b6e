import {describe, expect, it} from '@jest/globals';
import {parseCheckpoint, type Checkpoint, type ModelConfig} from '../../src/lib/inference/checkpoint.js';
import {matmul, Transformer} from '../../src/lib/inference/transformer.js';
import {checkpointFile, pseudoRandom} from './synthetic.js';

/**
 * A deliberately plain forward pass written from the llama2.c reference (`run.c`), in float64 with fresh arrays
 * everywhere, that the optimised engine must agree with.
 */
function referenceLogits(ck: Checkpoint, tokens: number[]): number[][] {
  const c = ck.config;
  const w = ck.weights;
  const hs = c.dim / c.nHeads;
  const kvDim = hs * c.nKvHeads;
  const mat = (W: Float32Array, off: number, x: number[], n: number, d: number) =>
    Array.from({length: d}, (_, i) => x.reduce((s, xj, j) => s + W[off + i * n + j] * xj, 0));
  const rms = (x: number[], W: Float32Array, off: number) => {
    const ss = x.reduce((s, v) => s + v * v, 0) / x.length + 1e-5;
    return x.map((v, j) => W[off + j] * (v / Math.sqrt(ss)));
  };
  const keys: number[][][] = Array.from({length: c.nLayers}, () => []);
  const values: number[][][] = Array.from({length: c.nLayers}, () => []);
  const out: number[][] = [];
  tokens.forEach((token, pos) => {
    let x = Array.from(w.tokenEmbedding.subarray(token * c.dim, (token + 1) * c.dim));
    for (let l = 0; l < c.nLayers; l++) {
      const xb = rms(x, w.rmsAtt, l * c.dim);
      const q = mat(w.wq, l * c.dim * c.dim, xb, c.dim, c.dim);
      const k = mat(w.wk, l * c.dim * kvDim, xb, c.dim, kvDim);
      const v = mat(w.wv, l * c.dim * kvDim, xb, c.dim, kvDim);
      for (let i = 0; i < c.dim; i += 2) {
        const angle = pos / Math.pow(10000, (i % hs) / hs);
        const rot = (vec: number[]) => {
          const [a, b] = [vec[i], vec[i + 1]];
          vec[i] = a * Math.cos(angle) - b * Math.sin(angle);
          vec[i + 1] = a * Math.sin(angle) + b * Math.cos(angle);
        };
        rot(q);
        if (i < kvDim) rot(k);
      }
      keys[l].push(k);
      values[l].push(v);
      const att: number[] = [];
      for (let h = 0; h < c.nHeads; h++) {
        const g = Math.floor(h / (c.nHeads / c.nKvHeads)) * hs;
        const scores = keys[l].map((kt) => q.slice(h * hs, (h + 1) * hs).reduce((s, qi, i) => s + qi * kt[g + i], 0) / Math.sqrt(hs));
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let i = 0; i < hs; i++) att.push(values[l].reduce((s, vt, t) => s + (e[t] / z) * vt[g + i], 0));
      }
      const o = mat(w.wo, l * c.dim * c.dim, att, c.dim, c.dim);
      x = x.map((xi, i) => xi + o[i]);
      const xf = rms(x, w.rmsFfn, l * c.dim);
      const h1 = mat(w.w1, l * c.dim * c.hiddenDim, xf, c.dim, c.hiddenDim);
      const h3 = mat(w.w3, l * c.dim * c.hiddenDim, xf, c.dim, c.hiddenDim);
      const g = h1.map((a, i) => (a / (1 + Math.exp(-a))) * h3[i]);
      const f = mat(w.w2, l * c.dim * c.hiddenDim, g, c.hiddenDim, c.dim);
      x = x.map((xi, i) => xi + f[i]);
    }
    out.push(mat(w.classifier, 0, rms(x, w.rmsFinal, 0), c.dim, c.vocabSize));
  });
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1, ...expected.map(Math.abs));
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-4 * scale);
}

describe('transformer forward pass', () => {
  it.each<[string, ModelConfig]>([
    ['head size 8, grouped-query attention, separate classifier', {dim: 32, hiddenDim: 40, nLayers: 3, nHeads: 4, nKvHeads: 2, vocabSize: 23, seqLen: 12, sharedClassifier: false}],
    ['head size 4, one kv head per head, shared classifier', {dim: 12, hiddenDim: 20, nLayers: 2, nHeads: 3, nKvHeads: 3, vocabSize: 17, seqLen: 10, sharedClassifier: true}],
    ['head size 6, one kv head for all', {dim: 18, hiddenDim: 13, nLayers: 1, nHeads: 3, nKvHeads: 1, vocabSize: 9, seqLen: 9, sharedClassifier: true}],
  ])('agrees with a plain reference implementation (%s) at every position', (_name, config) => {
    const ck = parseCheckpoint(checkpointFile(config));
    const tokens = Array.from({length: config.seqLen}, (_, i) => (i * 7 + 3) % config.vocabSize);
    const expected = referenceLogits(ck, tokens);
    const t = new Transformer(ck);
    const state = t.newState();
    tokens.forEach((token, pos) => expectClose(t.forward(state, token, pos), expected[pos]));
    // A reused state gives the same logits again (nothing leaks from the previous run).
    tokens.slice(0, 3).forEach((token, pos) => expectClose(t.forward(state, token, pos), expected[pos]));
  });

  it('matmul writes W·x at the given offsets for any row count', () => {
    for (const [n, d] of [[5, 1], [7, 6], [3, 13], [64, 172]]) {
      const w = Float32Array.from({length: 3 + n * d}, (_, k) => pseudoRandom(k));
      const x = Float32Array.from({length: n}, (_, k) => pseudoRandom(1000 + k));
      const out = new Float32Array(d + 2).fill(42);
      matmul(out, 1, x, w, 3, n, d);
      expect(out[0]).toBe(42);
      expect(out[d + 1]).toBe(42);
      const expected = Array.from({length: d}, (_, i) => Array.from(x).reduce((s, xj, j) => s + w[3 + i * n + j] * xj, 0));
      expectClose(out.subarray(1, d + 1), expected);
    }
  });
});
