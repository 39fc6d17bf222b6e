/**
 * DECLARATION STUB of the embedded inference engine's API (stories260K-class llama2.c models in pure TypeScript).
 * The engine itself is built on its own branch; at merge this file is replaced by the real `src/lib/inference/`,
 * whose exports have exactly these signatures. Until then every entry point throws NOT_BUILT, so `model serve
 * --backend embedded` says plainly that the embedded engine is not built rather than pretending.
 */
import {OperationError} from '../errors.js';

/** Sampling and limits of one generation. */
export interface GenerateOptions {
  maxTokens: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  signal?: AbortSignal;
}

/** One generated token and its text. */
export interface GeneratedPiece {
  token: number;
  text: string;
}

function notBuilt(): never {
  throw new OperationError('the embedded inference engine is not built yet in this version', {
    code: 'NOT_BUILT',
    suggestion: 'use --backend ollama=URL or --backend openai=URL',
  });
}

/** A loaded model (stub: cannot be constructed into a working model). */
export class EmbeddedModel {
  readonly name: string = '';
  readonly contextLength: number = 0;

  encode(_text: string, _opts?: {bos?: boolean; eos?: boolean}): number[] {
    return notBuilt();
  }

  // eslint-disable-next-line require-yield
  *generate(_promptTokens: number[], _opts: GenerateOptions): Generator<GeneratedPiece> {
    notBuilt();
  }
}

/** Loads the model from `dir` (default {@link defaultModelDir}). Stub: throws NOT_BUILT. */
export async function loadEmbeddedModel(_opts?: {dir?: string}): Promise<EmbeddedModel> {
  return notBuilt();
}

/** `$SECRETAI_MODEL_DIR`, else the shared stories260K folder. Stub: throws NOT_BUILT. */
export function defaultModelDir(): string {
  return notBuilt();
}

/** The chat template of the embedded model. Stub: throws NOT_BUILT. */
export function chatPrompt(_messages: {role: string; content: string}[]): string {
  return notBuilt();
}
