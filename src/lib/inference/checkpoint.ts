/**
 * Reader of llama2.c checkpoints (the `run.c` "legacy" format, version 0): a header of seven little-endian int32
 * — dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len — then the float32 weights in a fixed
 * order. A negative vocab_size says the classifier (output projection) is stored separately after the other
 * weights; otherwise it is shared with the token embedding table. Two RoPE tables (freq_cis_real/imag,
 * seq_len × head_size/2 each) sit between the final RMSNorm weight and the classifier: they are skipped, the
 * rotation is computed. Pure: bytes in, typed arrays out; every size is checked against the file length.
 */
import {UsageError} from '../errors.js';

/** Header: seven int32 values. */
export const HEADER_INT32S = 7;
/** Header length in bytes. */
export const HEADER_BYTES = HEADER_INT32S * 4;
/** Bytes in one float32 weight. */
const FLOAT_BYTES = 4;
/** Upper bounds on header values that keep a malformed header from asking for absurd allocations. */
const MAX_DIM = 1 << 16;
const MAX_LAYERS = 1024;
const MAX_VOCAB = 1 << 20;
const MAX_SEQ_LEN = 1 << 20;

/** Model hyper-parameters from the checkpoint header. */
export interface ModelConfig {
  /** Transformer width (embedding size). */
  dim: number;
  /** Width of the SwiGLU feed-forward layer. */
  hiddenDim: number;
  nLayers: number;
  /** Query heads. */
  nHeads: number;
  /** Key/value heads (grouped-query attention: nHeads is a multiple of it). */
  nKvHeads: number;
  vocabSize: number;
  /** Maximum context, tokens. */
  seqLen: number;
  /** True when the classifier is the token embedding table (vocab_size positive in the header). */
  sharedClassifier: boolean;
}

/** The weights, each a view into one Float32Array; per-layer tensors are stacked layer after layer. */
export interface Weights {
  /** (vocab, dim) */
  tokenEmbedding: Float32Array;
  /** (layer, dim) */
  rmsAtt: Float32Array;
  /** (layer, nHeads·headSize, dim) */
  wq: Float32Array;
  /** (layer, nKvHeads·headSize, dim) */
  wk: Float32Array;
  /** (layer, nKvHeads·headSize, dim) */
  wv: Float32Array;
  /** (layer, dim, nHeads·headSize) */
  wo: Float32Array;
  /** (layer, dim) */
  rmsFfn: Float32Array;
  /** (layer, hidden, dim) */
  w1: Float32Array;
  /** (layer, dim, hidden) */
  w2: Float32Array;
  /** (layer, hidden, dim) */
  w3: Float32Array;
  /** (dim) */
  rmsFinal: Float32Array;
  /** (vocab, dim): the token embedding table itself when shared. */
  classifier: Float32Array;
}

export interface Checkpoint {
  config: ModelConfig;
  weights: Weights;
}

function malformed(what: string, source: string): UsageError {
  return new UsageError(`malformed llama2.c checkpoint ${source}: ${what}`, {
    code: 'MODEL_MALFORMED',
    suggestion: 'point SECRETAI_MODEL_DIR at an unmodified copy of the model',
  });
}

/** Reads and validates the header; throws MODEL_MALFORMED naming the bad value. */
export function parseHeader(bytes: Uint8Array, source = '(in memory)'): ModelConfig {
  if (bytes.length < HEADER_BYTES) throw malformed(`${bytes.length} bytes, shorter than the ${HEADER_BYTES}-byte header`, source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const h = Array.from({length: HEADER_INT32S}, (_, i) => view.getInt32(i * 4, true));
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, rawVocab, seqLen] = h;
  const check = (ok: boolean, what: string) => {
    if (!ok) throw malformed(what, source);
  };
  check(dim > 0 && dim <= MAX_DIM, `dim ${dim} out of range (1..${MAX_DIM})`);
  check(hiddenDim > 0 && hiddenDim <= 16 * MAX_DIM, `hidden_dim ${hiddenDim} out of range`);
  check(nLayers > 0 && nLayers <= MAX_LAYERS, `n_layers ${nLayers} out of range (1..${MAX_LAYERS})`);
  check(nHeads > 0 && dim % nHeads === 0, `n_heads ${nHeads} does not divide dim ${dim}`);
  check((dim / nHeads) % 2 === 0, `head size ${dim / nHeads} is odd (RoPE rotates pairs)`);
  check(nKvHeads > 0 && nKvHeads <= nHeads && nHeads % nKvHeads === 0, `n_kv_heads ${nKvHeads} does not divide n_heads ${nHeads}`);
  const vocabSize = Math.abs(rawVocab);
  check(vocabSize > 0 && vocabSize <= MAX_VOCAB, `vocab_size ${rawVocab} out of range`);
  check(seqLen > 0 && seqLen <= MAX_SEQ_LEN, `seq_len ${seqLen} out of range (1..${MAX_SEQ_LEN})`);
  return {dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen, sharedClassifier: rawVocab > 0};
}

/** Number of float32 values the weights of `c` occupy, RoPE tables included. */
export function weightCount(c: ModelConfig): number {
  const headSize = c.dim / c.nHeads;
  const kvDim = c.nKvHeads * headSize;
  const L = c.nLayers;
  return (
    c.vocabSize * c.dim + // token embedding
    L * c.dim + // rms_att
    L * c.dim * c.dim + // wq
    2 * L * c.dim * kvDim + // wk, wv
    L * c.dim * c.dim + // wo
    L * c.dim + // rms_ffn
    3 * L * c.dim * c.hiddenDim + // w1, w2, w3
    c.dim + // rms_final
    c.seqLen * headSize + // freq_cis_real + freq_cis_imag (seq_len × head_size/2 each)
    (c.sharedClassifier ? 0 : c.vocabSize * c.dim)
  );
}

/**
 * Parses a whole checkpoint. The file length must be exactly the header plus the weights the header implies.
 * The weights are copied into one aligned Float32Array (the file's float32 values are little-endian, as on
 * every platform Node supports in practice; a big-endian host is refused).
 */
export function parseCheckpoint(bytes: Uint8Array, source = '(in memory)'): Checkpoint {
  const config = parseHeader(bytes, source);
  const count = weightCount(config);
  const expected = HEADER_BYTES + count * FLOAT_BYTES;
  if (bytes.length !== expected) {
    throw malformed(`${bytes.length} bytes, but its header (dim ${config.dim}, ${config.nLayers} layers, vocab ${config.vocabSize}, seq_len ${config.seqLen}, ${config.sharedClassifier ? 'shared' : 'separate'} classifier) implies ${expected}`, source);
  }
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw malformed('this host is big-endian; the checkpoint is little-endian', source);
  const all = new Float32Array(count);
  new Uint8Array(all.buffer).set(bytes.subarray(HEADER_BYTES, expected));
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(all[i])) throw malformed(`weight ${i} is not a finite number`, source);
  }

  const headSize = config.dim / config.nHeads;
  const kvDim = config.nKvHeads * headSize;
  const L = config.nLayers;
  let off = 0;
  const take = (n: number): Float32Array => {
    const v = all.subarray(off, off + n);
    off += n;
    return v;
  };
  const tokenEmbedding = take(config.vocabSize * config.dim);
  const rmsAtt = take(L * config.dim);
  const wq = take(L * config.dim * config.dim);
  const wk = take(L * config.dim * kvDim);
  const wv = take(L * config.dim * kvDim);
  const wo = take(L * config.dim * config.dim);
  const rmsFfn = take(L * config.dim);
  const w1 = take(L * config.dim * config.hiddenDim);
  const w2 = take(L * config.hiddenDim * config.dim);
  const w3 = take(L * config.dim * config.hiddenDim);
  const rmsFinal = take(config.dim);
  take(config.seqLen * headSize); // RoPE tables, unused
  const classifier = config.sharedClassifier ? tokenEmbedding : take(config.vocabSize * config.dim);
  return {config, weights: {tokenEmbedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, classifier}};
}
