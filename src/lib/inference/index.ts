/**
 * The embedded inference engine: a llama2.c-format Llama model (stories260K) run in plain TypeScript, tokens
 * streamed as they are produced. The backend layer uses this API: {@link loadEmbeddedModel} once, then
 * {@link EmbeddedModel.encode} and {@link EmbeddedModel.generate} per request ({@link chatPrompt} turns chat
 * messages into the prompt text). Heavy to import compared with a command's start-up: import it lazily.
 */
import {randomInt} from 'node:crypto';
import {UsageError} from '../errors.js';
import {parseCheckpoint} from './checkpoint.js';
import {defaultModelDir, readModelFiles, STORIES_260K} from './files.js';
import {Sampler} from './sampler.js';
import {BOS_ID, EOS_ID, Tokenizer} from './tokenizer.js';
import {RunState, Transformer} from './transformer.js';

export {chatPrompt, type ChatMessage} from './chat.js';
export {defaultModelDir, STORIES_260K} from './files.js';
export {DEFAULT_TEMPERATURE, DEFAULT_TOP_P} from './sampler.js';
export {BOS_ID, EOS_ID} from './tokenizer.js';

export interface GenerateOptions {
  /** Most new tokens to produce (fewer when EOS/BOS comes or the context is full). */
  maxTokens: number;
  /** 0 for greedy (deterministic) decoding; default 1.0. */
  temperature?: number;
  /** Nucleus sampling threshold in (0, 1); 0 or ≥ 1 samples the whole distribution; default 0.9. */
  topP?: number;
  /** PRNG seed (safe integer): the same seed, prompt and options give the same tokens. Default: random. */
  seed?: number;
  /** When aborted, generation stops before the next token (the generator returns; nothing is thrown). */
  signal?: AbortSignal;
}

export interface GeneratedPiece {
  /** The token id produced. */
  token: number;
  /**
   * The text it adds. Byte-fallback tokens that form one UTF-8 character together yield "" until the character
   * is complete; a character left incomplete when generation stops is dropped.
   */
  text: string;
}

/** Idle run states kept for reuse (each holds a full key/value cache). */
const MAX_IDLE_STATES = 8;
/** Exclusive bound of the seed drawn when none is given (the largest bound randomInt accepts). */
const RANDOM_SEED_BOUND = 2 ** 48 - 1;

export class EmbeddedModel {
  readonly name: string;
  /** Maximum tokens in prompt + generation (the checkpoint's seq_len). */
  readonly contextLength: number;
  readonly vocabSize: number;
  private readonly transformer: Transformer;
  private readonly tokenizer: Tokenizer;
  private readonly idle: RunState[] = [];

  constructor(name: string, transformer: Transformer, tokenizer: Tokenizer) {
    this.name = name;
    this.transformer = transformer;
    this.tokenizer = tokenizer;
    this.contextLength = transformer.config.seqLen;
    this.vocabSize = transformer.config.vocabSize;
  }

  /** Token ids of `text` (llama2.c's SentencePiece BPE), with BOS first / EOS last when asked. */
  encode(text: string, opts: {bos?: boolean; eos?: boolean} = {}): number[] {
    return this.tokenizer.encode(text, opts);
  }

  /** Text of token ids, as the generated pieces render it (BOS/EOS dropped, the space after BOS dropped). */
  decode(tokens: number[]): string {
    return this.tokenizer.decode(tokens);
  }

  /**
   * Runs the prompt (usually BOS + encode(text)) and then yields each new token as it is produced, until
   * `maxTokens`, an EOS or BOS token (not yielded), the abort signal, or the context (`contextLength` tokens in
   * all). Options are checked at once (a UsageError), before any work. Several generations may run interleaved.
   */
  generate(promptTokens: number[], opts: GenerateOptions): Generator<GeneratedPiece> {
    const bad = (what: string) => new UsageError(what, {code: 'BAD_GENERATION_REQUEST'});
    if (!Array.isArray(promptTokens) || promptTokens.length === 0) throw bad('the prompt must have at least one token (BOS for none)');
    if (promptTokens.length >= this.contextLength) throw bad(`the prompt has ${promptTokens.length} tokens; ${this.name}'s context holds ${this.contextLength} with the answer`);
    for (const t of promptTokens) if (!Number.isInteger(t) || t < 0 || t >= this.vocabSize) throw bad(`token id ${t} is outside the vocabulary (0..${this.vocabSize - 1})`);
    if (!Number.isSafeInteger(opts.maxTokens) || opts.maxTokens < 0) throw bad(`max tokens must be a whole number ≥ 0, got ${opts.maxTokens}`);
    const temperature = opts.temperature;
    if (temperature !== undefined && !(Number.isFinite(temperature) && temperature >= 0)) throw bad(`temperature must be a number ≥ 0, got ${temperature}`);
    if (opts.topP !== undefined && !(Number.isFinite(opts.topP) && opts.topP >= 0)) throw bad(`top-p must be a number ≥ 0, got ${opts.topP}`);
    if (opts.seed !== undefined && !Number.isSafeInteger(opts.seed)) throw bad(`seed must be a whole number, got ${opts.seed}`);
    const sampler = new Sampler(this.vocabSize, {temperature, topP: opts.topP, seed: opts.seed ?? randomInt(RANDOM_SEED_BOUND)});
    return this.run([...promptTokens], opts.maxTokens, sampler, opts.signal);
  }

  private *run(prompt: number[], maxTokens: number, sampler: Sampler, signal: AbortSignal | undefined): Generator<GeneratedPiece> {
    const state = this.idle.pop() ?? this.transformer.newState();
    const decoder = new TextDecoder('utf-8');
    const last = this.contextLength - 1;
    try {
      let pos = 0;
      for (; pos < prompt.length - 1; pos++) {
        if (signal?.aborted) return;
        this.transformer.forward(state, prompt[pos], pos);
      }
      let token = prompt[prompt.length - 1];
      for (let produced = 0; produced < maxTokens && pos < last; produced++) {
        if (signal?.aborted) return;
        const next = sampler.sample(this.transformer.forward(state, token, pos));
        pos++;
        if (next === EOS_ID || next === BOS_ID) return;
        yield {token: next, text: decoder.decode(this.tokenizer.pieceBytes(token, next), {stream: true})};
        token = next;
      }
    } finally {
      if (this.idle.length < MAX_IDLE_STATES) this.idle.push(state);
    }
  }
}

/**
 * Loads the embedded model from `dir` (default {@link defaultModelDir}): both files checked against their known
 * SHA-256 digests, then parsed and validated. Fails with a UsageError (exit 2) naming the path and what is missing,
 * modified or malformed.
 */
export async function loadEmbeddedModel(opts: {dir?: string} = {}): Promise<EmbeddedModel> {
  const dir = opts.dir ?? defaultModelDir();
  const files = await readModelFiles(dir);
  const checkpoint = parseCheckpoint(files.checkpoint, files.checkpointPath);
  const tokenizer = Tokenizer.parse(files.tokenizer, checkpoint.config.vocabSize, files.tokenizerPath);
  return new EmbeddedModel(STORIES_260K.name, new Transformer(checkpoint), tokenizer);
}
