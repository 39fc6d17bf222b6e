/**
 * The SentencePiece BPE tokenizer of llama2.c, from its `tokenizer.bin` format: int32 max_token_length, then for
 * each of the model's vocab_size tokens a float32 merge score, an int32 byte length and the token's bytes
 * (SentencePiece's "▁" already turned into a space). Ids 0, 1, 2 are <unk>, BOS and EOS; ids 3..258 are the
 * byte-fallback tokens `<0x00>`..`<0xFF>`.
 *
 * Encoding follows llama2.c's `encode`: a dummy-prefix space before non-empty text, each UTF-8 code point looked
 * up whole (its bytes as byte-fallback tokens otherwise), then repeated merging of the adjacent pair whose merged
 * token has the best score (the leftmost on a tie) until no pair merges (bpe.ts). Decoding drops the leading space
 * of the first piece after BOS and renders byte tokens as their byte. Token strings are held as "binary" strings
 * (one char per byte) so that lookups are byte-exact whatever the UTF-8 validity of a piece.
 */
import {bpeMerge} from './bpe.js';
import {malformedModelFile} from './errors.js';

export const UNK_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
/** Id of the byte-fallback token for byte 0x00; byte b is token BYTE_TOKEN_BASE + b. */
export const BYTE_TOKEN_BASE = 3;
const BYTE_VALUES = 256;
/** Longest UTF-8 encoding of one code point. */
const MAX_UTF8_BYTES = 4;

const malformed = (what: string, source: string) => malformedModelFile('tokenizer', what, source);

/** Bytes → "binary" string (char code = byte). */
function binary(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function byteTokenName(b: number): string {
  return `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
}

export class Tokenizer {
  readonly vocabSize: number;
  readonly maxTokenLength: number;
  /** Token strings as binary strings. */
  private readonly vocab: string[];
  private readonly scores: Float32Array;
  private readonly lookup = new Map<string, number>();
  /** What each token renders as: its bytes, byte tokens as their byte, control tokens as nothing. */
  private readonly pieces: Uint8Array[];
  /** The same after BOS: one leading space dropped. */
  private readonly piecesAfterBos: Uint8Array[];
  private readonly spaceId: number;

  private constructor(vocab: string[], scores: Float32Array, maxTokenLength: number, source: string) {
    this.vocab = vocab;
    this.scores = scores;
    this.vocabSize = vocab.length;
    this.maxTokenLength = maxTokenLength;
    vocab.forEach((t, id) => {
      if (!this.lookup.has(t)) this.lookup.set(t, id);
    });
    if (vocab.length < BYTE_TOKEN_BASE + BYTE_VALUES) throw malformed(`${vocab.length} tokens, fewer than the ${BYTE_TOKEN_BASE + BYTE_VALUES} of the special and byte tokens`, source);
    for (let b = 0; b < BYTE_VALUES; b++) {
      if (vocab[BYTE_TOKEN_BASE + b] !== byteTokenName(b)) throw malformed(`token ${BYTE_TOKEN_BASE + b} is not the byte-fallback token ${byteTokenName(b)}`, source);
    }
    const space = this.lookup.get(' ');
    if (space === undefined) throw malformed('no token for a single space (the dummy prefix)', source);
    this.spaceId = space;
    this.pieces = vocab.map((t, id) => {
      if (id === BOS_ID || id === EOS_ID) return new Uint8Array(0);
      if (id >= BYTE_TOKEN_BASE && id < BYTE_TOKEN_BASE + BYTE_VALUES) return Uint8Array.of(id - BYTE_TOKEN_BASE);
      return Uint8Array.from(t, (c) => c.charCodeAt(0));
    });
    this.piecesAfterBos = this.pieces.map((p, id) => (p[0] === 0x20 && !(id >= BYTE_TOKEN_BASE && id < BYTE_TOKEN_BASE + BYTE_VALUES) ? p.subarray(1) : p));
  }

  /** Parses a llama2.c tokenizer file for a model of `vocabSize` tokens; the length must match exactly. */
  static parse(bytes: Uint8Array, vocabSize: number, source = '(in memory)'): Tokenizer {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 4) throw malformed(`${bytes.length} bytes, shorter than its 4-byte header`, source);
    const maxTokenLength = view.getInt32(0, true);
    if (maxTokenLength <= 0 || maxTokenLength > 1024) throw malformed(`max_token_length ${maxTokenLength} out of range (1..1024)`, source);
    const vocab: string[] = [];
    const scores = new Float32Array(vocabSize);
    let off = 4;
    for (let id = 0; id < vocabSize; id++) {
      if (off + 8 > bytes.length) throw malformed(`ends after ${id} of ${vocabSize} tokens`, source);
      scores[id] = view.getFloat32(off, true);
      const len = view.getInt32(off + 4, true);
      off += 8;
      if (len < 0 || len > maxTokenLength) throw malformed(`token ${id} has length ${len} (max_token_length ${maxTokenLength})`, source);
      if (off + len > bytes.length) throw malformed(`ends inside token ${id}`, source);
      if (!Number.isFinite(scores[id])) throw malformed(`token ${id} has a non-finite score`, source);
      vocab.push(binary(bytes.subarray(off, off + len)));
      off += len;
    }
    if (off !== bytes.length) throw malformed(`${bytes.length - off} bytes left after ${vocabSize} tokens`, source);
    return new Tokenizer(vocab, scores, maxTokenLength, source);
  }

  /** Token ids of `text` (see the module comment); BOS first and EOS last when asked. */
  encode(text: string, opts: {bos?: boolean; eos?: boolean} = {}): number[] {
    const bytes = new TextEncoder().encode(text);
    const tokens: number[] = [];
    if (opts.bos) tokens.push(BOS_ID);
    if (bytes.length > 0) tokens.push(this.spaceId);
    for (let i = 0; i < bytes.length; ) {
      // One code point: a lead byte and its continuation bytes (at most four bytes in all).
      let end = i + 1;
      while (end < bytes.length && (bytes[end] & 0xc0) === 0x80 && end - i < MAX_UTF8_BYTES) end++;
      const id = this.lookup.get(binary(bytes.subarray(i, end)));
      if (id !== undefined) tokens.push(id);
      else for (let j = i; j < end; j++) tokens.push(BYTE_TOKEN_BASE + bytes[j]);
      i = end;
    }
    const merged = bpeMerge(
      tokens,
      (a, b) => this.lookup.get(this.vocab[a] + this.vocab[b]) ?? -1,
      (id) => this.scores[id],
    );
    if (opts.eos) merged.push(EOS_ID);
    return merged;
  }

  /**
   * The bytes `token` renders as when it follows `prev` (llama2.c `decode`): nothing for BOS and EOS, the byte of
   * a byte token, and the token's bytes without their leading space right after BOS. Shared, not to be modified.
   */
  pieceBytes(prev: number, token: number): Uint8Array {
    if (token < 0 || token >= this.vocabSize) throw new RangeError(`token id ${token} outside the vocabulary`);
    return prev === BOS_ID ? this.piecesAfterBos[token] : this.pieces[token];
  }

  /** Text of a token sequence (as the stream of pieces renders it, BOS/EOS dropped). */
  decode(tokens: number[]): string {
    const out: number[] = [];
    let prev = -1;
    for (const t of tokens) {
      for (const b of this.pieceBytes(prev, t)) out.push(b);
      prev = t;
    }
    return new TextDecoder().decode(Uint8Array.from(out));
  }

  /** The raw token string (bytes as latin-1 chars), for diagnostics. */
  tokenString(id: number): string {
    return this.vocab[id];
  }
}
