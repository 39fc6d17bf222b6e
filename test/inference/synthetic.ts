/**
 * Builders of small llama2.c-format files for tests: a tokenizer with the special and byte-fallback tokens plus
 * chosen pieces, and a checkpoint of any shape with deterministic pseudo-random weights.
 */
import {HEADER_BYTES, weightCount, type ModelConfig} from '../../src/lib/inference/checkpoint.js';

/** A llama2.c tokenizer file: <unk>, BOS, EOS, the 256 byte tokens (score 0), then `extra` pieces. */
export function tokenizerFile(extra: Array<{piece: string; score: number}>): {bytes: Uint8Array; vocabSize: number} {
  const entries: Array<{bytes: Uint8Array; score: number}> = [];
  const utf8 = (s: string) => new TextEncoder().encode(s);
  for (const s of ['<unk>', '\n<s>\n', '\n</s>\n']) entries.push({bytes: utf8(s), score: 0});
  for (let b = 0; b < 256; b++) entries.push({bytes: utf8(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`), score: 0});
  for (const e of extra) entries.push({bytes: utf8(e.piece), score: e.score});
  const maxLen = Math.max(...entries.map((e) => e.bytes.length));
  const out = new Uint8Array(4 + entries.reduce((n, e) => n + 8 + e.bytes.length, 0));
  const view = new DataView(out.buffer);
  view.setInt32(0, maxLen, true);
  let off = 4;
  for (const e of entries) {
    view.setFloat32(off, e.score, true);
    view.setInt32(off + 4, e.bytes.length, true);
    out.set(e.bytes, off + 8);
    off += 8 + e.bytes.length;
  }
  return {bytes: out, vocabSize: entries.length};
}

/** The seven header int32s of `c` (vocab_size negative for a separate classifier). */
export function header(c: ModelConfig): number[] {
  return [c.dim, c.hiddenDim, c.nLayers, c.nHeads, c.nKvHeads, c.sharedClassifier ? c.vocabSize : -c.vocabSize, c.seqLen];
}

/** A checkpoint file for `c`; weight k is `fill(k)` (default: small deterministic pseudo-random values). */
export function checkpointFile(c: ModelConfig, fill: (k: number) => number = pseudoRandom): Uint8Array {
  const count = weightCount(c);
  const out = new Uint8Array(HEADER_BYTES + count * 4);
  const view = new DataView(out.buffer);
  header(c).forEach((v, i) => view.setInt32(i * 4, v, true));
  for (let k = 0; k < count; k++) view.setFloat32(HEADER_BYTES + k * 4, fill(k), true);
  return out;
}

/** A value in (-0.5, 0.5) from an integer, the same on every run. */
export function pseudoRandom(k: number): number {
  const x = Math.sin(k * 12.9898 + 78.233) * 43758.5453;
  return x - Math.floor(x) - 0.5;
}
