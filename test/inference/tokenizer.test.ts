import {readFileSync} from 'node:fs';
import {describe, expect, it} from '@jest/globals';
import {BOS_ID, BYTE_TOKEN_BASE, EOS_ID, Tokenizer} from '../../src/lib/inference/tokenizer.js';
import {caught} from '../chain/helpers/caught.js';
import {describeShared, sharedPath} from '../helpers/shared.js';
import {tokenizerFile} from './synthetic.js';

// Ids of the synthetic pieces: they follow the 259 special and byte tokens.
const SPACE = 259;
const A = 260;
const B = 261;
const AB = 262;
const SPACE_A = 263;
const AA = 264;
const SPACE_AA = 265;
const synthetic = tokenizerFile([
  {piece: ' ', score: -5},
  {piece: 'a', score: -1},
  {piece: 'b', score: -1},
  {piece: 'ab', score: 1},
  {piece: ' a', score: 2},
  {piece: 'aa', score: 2},
  {piece: ' aa', score: 0.5},
]);
const tok = Tokenizer.parse(synthetic.bytes, synthetic.vocabSize, 'synthetic');

/** The message of the MODEL_MALFORMED error parsing `bytes` throws; it names the file. */
async function malformed(bytes: Uint8Array, vocabSize: number): Promise<string> {
  const e = await caught((async () => Tokenizer.parse(bytes, vocabSize, '/models/tok.bin'))());
  expect(e.code).toBe('MODEL_MALFORMED');
  expect(e.message).toContain('/models/tok.bin');
  return e.message;
}

describe('SentencePiece BPE tokenizer (llama2.c format)', () => {
  it('adds the dummy-prefix space and merges the best-scoring pair first, the leftmost on a tie', () => {
    // " a" and "aa" both score 2: the leftmost (" a") merges; then "ab" (1) beats " aa" (0.5).
    expect(tok.encode('aab')).toEqual([SPACE_A, AB]);
    expect(tok.encode('aab', {bos: true, eos: true})).toEqual([BOS_ID, SPACE_A, AB, EOS_ID]);
    expect(tok.encode('aa')).toEqual([SPACE_AA]);
    expect(tok.encode('b')).toEqual([SPACE, B]);
    expect(tok.encode('', {bos: true})).toEqual([BOS_ID]);
    expect(tok.encode('')).toEqual([]);
  });

  it('falls back to byte tokens for what the vocabulary lacks, a whole UTF-8 character at a time', () => {
    expect(tok.encode('c')).toEqual([SPACE, BYTE_TOKEN_BASE + 0x63]);
    expect(tok.encode('é')).toEqual([SPACE, BYTE_TOKEN_BASE + 0xc3, BYTE_TOKEN_BASE + 0xa9]);
    expect(tok.encode('a🙂')).toEqual([SPACE_A, ...[0xf0, 0x9f, 0x99, 0x82].map((b) => BYTE_TOKEN_BASE + b)]);
  });

  it('decodes byte tokens to their bytes and drops the leading space after BOS only', () => {
    expect(tok.decode([BOS_ID, SPACE_A, AB])).toBe('aab');
    expect(tok.decode([SPACE_A, AB])).toBe(' aab');
    expect(tok.decode([BOS_ID, SPACE_A, SPACE_A, EOS_ID])).toBe('a a');
    expect(tok.decode([BOS_ID, ...[0xf0, 0x9f, 0x99, 0x82].map((b) => BYTE_TOKEN_BASE + b)])).toBe('🙂');
    // A byte token for a space right after BOS is a byte, not a piece with a leading space: it stays.
    expect(tok.decode([BOS_ID, BYTE_TOKEN_BASE + 0x20, A])).toBe(' a');
    expect(Array.from(tok.pieceBytes(A, BYTE_TOKEN_BASE + 0x0a))).toEqual([0x0a]);
    expect(() => tok.pieceBytes(A, synthetic.vocabSize)).toThrow(RangeError);
  });

  it('round-trips text through encode and decode', () => {
    for (const text of ['aab', 'ba ab  a', ' leading space', 'tabs\tand\nnewlines', 'héllo wörld 🙂 ✓', 'a'.repeat(300)]) {
      expect(tok.decode(tok.encode(text, {bos: true}))).toBe(text);
    }
  });

  it('refuses malformed tokenizer files, naming the file', async () => {
    const {bytes, vocabSize} = synthetic;
    expect(await malformed(bytes.subarray(0, 3), vocabSize)).toMatch(/shorter than its 4-byte header/);
    expect(await malformed(bytes.subarray(0, bytes.length - 1), vocabSize)).toMatch(/ends inside token 265/);
    expect(await malformed(bytes, vocabSize + 1)).toMatch(/ends after 266 of 267 tokens/);
    expect(await malformed(bytes, vocabSize - 1)).toMatch(/bytes left after 265 tokens/);
    const zeroMax = Uint8Array.from(bytes);
    new DataView(zeroMax.buffer).setInt32(0, 0, true);
    expect(await malformed(zeroMax, vocabSize)).toMatch(/max_token_length 0/);
    const shortMax = Uint8Array.from(bytes);
    new DataView(shortMax.buffer).setInt32(0, 3, true);
    expect(await malformed(shortMax, vocabSize)).toMatch(/token 0 has length 5 \(max_token_length 3\)/);
    const noBytes = tokenizerFile([{piece: ' ', score: 0}]);
    const renamed = Uint8Array.from(noBytes.bytes);
    // Overwrite the "<0x41>" token's text (same length) so the byte-fallback table is broken.
    const at = Buffer.from(renamed).indexOf('<0x41>');
    renamed.set(new TextEncoder().encode('<0x42>'), at);
    expect(await malformed(renamed, noBytes.vocabSize)).toMatch(/token 68 is not the byte-fallback token <0x41>/);
    const noSpace = tokenizerFile([{piece: 'a', score: 0}]);
    expect(await malformed(noSpace.bytes, noSpace.vocabSize)).toMatch(/no token for a single space/);
  });
});

describeShared('models/stories260K')('tokenizer of stories260K (tok512.bin)', () => {
  const real = Tokenizer.parse(readFileSync(sharedPath('models/stories260K/tok512.bin')), 512, 'tok512.bin');

  it('encodes the golden prompt exactly', () => {
    // BOS, " Once", " upon", " a", " time" — the prompt of the README's golden check.
    const ids = real.encode('Once upon a time', {bos: true});
    expect(ids).toEqual([1, 403, 407, 261, 378]);
    expect(ids.map((id) => real.tokenString(id))).toEqual(['\n<s>\n', ' Once', ' upon', ' a', ' time']);
  });

  it('round-trips stories, punctuation, newlines and characters outside the vocabulary', () => {
    for (const text of [
      'Once upon a time, there was a little girl named Lily.',
      "Lily's mom said: \"Don't go!\"\nThey played in the park.",
      '  two spaces, then émoji 🙂 and 中文',
      '',
    ]) {
      expect(real.decode(real.encode(text, {bos: true}))).toBe(text);
    }
    // No piece for the emoji: the dummy-prefix space, then its four bytes.
    expect(real.encode('🙂').map((id) => real.tokenString(id))).toEqual([' ', '<0xF0>', '<0x9F>', '<0x99>', '<0x82>']);
  });
});
