import {describe, expect, it} from '@jest/globals';
import {HEADER_BYTES, parseCheckpoint, parseHeader, weightCount, type ModelConfig} from '../../src/lib/inference/checkpoint.js';
import type {SecretaiError} from '../../src/lib/errors.js';
import {caught} from '../chain/helpers/caught.js';
import {checkpointFile} from './synthetic.js';

const base: ModelConfig = {dim: 16, hiddenDim: 24, nLayers: 2, nHeads: 4, nKvHeads: 2, vocabSize: 10, seqLen: 8, sharedClassifier: true};

/** The error `f` throws, which must be a MODEL_MALFORMED usage error. */
async function malformed(f: () => unknown): Promise<SecretaiError> {
  const e = await caught((async () => f())());
  expect(e.code).toBe('MODEL_MALFORMED');
  expect(e.exitCode).toBe(2);
  return e;
}

/** A checkpoint of `base` with header int32 number `index` replaced by `value`. */
function withHeaderValue(index: number, value: number): Uint8Array {
  const bytes = checkpointFile(base);
  new DataView(bytes.buffer).setInt32(index * 4, value, true);
  return bytes;
}

describe('llama2.c checkpoint reader', () => {
  it('reads the header and lays the weights out in llama2.c order, classifier shared with the embedding', () => {
    const ck = parseCheckpoint(checkpointFile(base, (k) => k));
    expect(ck.config).toEqual(base);
    const {dim, hiddenDim, nLayers: L, vocabSize: V} = base;
    const kvDim = (dim / base.nHeads) * base.nKvHeads;
    const w = ck.weights;
    // Each tensor's first value is its offset in the file's weight area.
    let off = 0;
    const expectAt = (t: Float32Array, size: number) => {
      expect(t.length).toBe(size);
      expect(t[0]).toBe(off);
      expect(t[size - 1]).toBe(off + size - 1);
      off += size;
    };
    expectAt(w.tokenEmbedding, V * dim);
    expectAt(w.rmsAtt, L * dim);
    expectAt(w.wq, L * dim * dim);
    expectAt(w.wk, L * dim * kvDim);
    expectAt(w.wv, L * dim * kvDim);
    expectAt(w.wo, L * dim * dim);
    expectAt(w.rmsFfn, L * dim);
    expectAt(w.w1, L * dim * hiddenDim);
    expectAt(w.w2, L * dim * hiddenDim);
    expectAt(w.w3, L * dim * hiddenDim);
    expectAt(w.rmsFinal, dim);
    expect(w.classifier).toBe(w.tokenEmbedding);
  });

  it('reads a separate classifier after the RoPE tables when vocab_size is negative', () => {
    const cfg = {...base, sharedClassifier: false};
    const bytes = checkpointFile(cfg, (k) => k);
    expect(new DataView(bytes.buffer).getInt32(5 * 4, true)).toBe(-base.vocabSize);
    const ck = parseCheckpoint(bytes);
    expect(ck.config.sharedClassifier).toBe(false);
    expect(ck.config.vocabSize).toBe(base.vocabSize);
    const count = weightCount(cfg);
    expect(ck.weights.classifier).not.toBe(ck.weights.tokenEmbedding);
    expect(ck.weights.classifier.length).toBe(base.vocabSize * base.dim);
    expect(ck.weights.classifier[0]).toBe(count - base.vocabSize * base.dim);
    expect(ck.weights.classifier.at(-1)).toBe(count - 1);
  });

  it.each([
    ['dim 0', 0, 0, /dim 0/],
    ['negative dim', 0, -16, /dim -16/],
    ['hidden_dim 0', 1, 0, /hidden_dim 0/],
    ['no layers', 2, 0, /n_layers 0/],
    ['absurd layer count', 2, 1 << 30, /n_layers/],
    ['heads not dividing dim', 3, 3, /n_heads 3 does not divide dim 16/],
    ['odd head size', 3, 16, /head size 1 is odd/],
    ['kv heads not dividing heads', 4, 3, /n_kv_heads 3/],
    ['more kv heads than heads', 4, 8, /n_kv_heads 8/],
    ['vocab 0', 5, 0, /vocab_size 0/],
    ['seq_len 0', 6, 0, /seq_len 0/],
    ['absurd seq_len', 6, 0x7fffffff, /seq_len/],
  ])('refuses a header with %s', async (_name, index, value, message) => {
    const e = await malformed(() => parseCheckpoint(withHeaderValue(index, value), '/models/x.bin'));
    expect(e.message).toMatch(message);
    expect(e.message).toContain('/models/x.bin');
  });

  it('refuses a file shorter than its header, or not the size its header implies', async () => {
    expect((await malformed(() => parseHeader(new Uint8Array(HEADER_BYTES - 1)))).message).toMatch(/shorter than the 28-byte header/);
    const bytes = checkpointFile(base);
    expect((await malformed(() => parseCheckpoint(bytes.subarray(0, bytes.length - 4)))).message).toMatch(/implies/);
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expect((await malformed(() => parseCheckpoint(longer))).message).toMatch(/implies/);
    // A header that claims a separate classifier the file does not hold.
    expect((await malformed(() => parseCheckpoint(withHeaderValue(5, -base.vocabSize)))).message).toMatch(/separate classifier/);
  });

  it('refuses non-finite weights', async () => {
    const bytes = checkpointFile(base);
    new DataView(bytes.buffer).setFloat32(HEADER_BYTES + 4 * 7, Number.NaN, true);
    expect((await malformed(() => parseCheckpoint(bytes))).message).toMatch(/weight 7 is not a finite number/);
  });
});
