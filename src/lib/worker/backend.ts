/**
 * The inference backend: what the HTTP layer (`model serve`, and the `worker serve` gateway) streams from.
 * A backend streams one chat for a model as text deltas and then says how many tokens it used, and lists its
 * models. Implementations: the embedded engine (`backends/embedded.ts`), an Ollama server (`backends/ollama.ts`)
 * and an OpenAI-compatible server (`backends/openai.ts`); {@link parseBackend} reads the `--backend` flag.
 */
import {OperationError, UsageError, type ErrorOptions} from '../errors.js';

/** One chat message (text only). */
export interface ChatMessage {
  role: string;
  content: string;
}

/** A chat to run. Unset sampling options take the backend's defaults. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** Most tokens to generate; unset = the backend's default (the embedded model: the rest of its context). */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
}

/** A piece of generated text and how many output tokens it carries. */
export interface ChatDelta {
  text: string;
  /**
   * Output tokens this delta stands for: exactly 1 per generated token for the embedded model; for an upstream
   * server 1 per streamed chunk (Ollama and OpenAI-compatible servers stream one token per chunk). The HTTP layer
   * sums the deltas it delivered to bill a client that disconnects.
   */
  tokens: number;
}

/** Why generation stopped: end of text / a stop sequence, or the token limit. */
export type FinishReason = 'stop' | 'length';

/** Token counts of one chat. `upstream`: reported by the upstream server; `local`: counted here (see each backend). */
export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  counted: 'upstream' | 'local';
}

/** The final account of a chat that ran to its end. */
export interface ChatResult extends TokenCounts {
  finishReason: FinishReason;
}

/**
 * A running chat: iterate it for the deltas as they are produced (never buffered); when the iteration has ended
 * normally, {@link ChatStream.result} holds the final counts. Aborting the signal given to `chat` stops generation
 * (and the upstream request); the iteration then throws an `AbortError`.
 */
export interface ChatStream extends AsyncIterable<ChatDelta> {
  /** The final counts; only after the iteration completed without error. */
  result(): ChatResult;
  /** Prompt tokens as known now (before the end: the backend's own count or estimate; see each backend). */
  inputTokens(): number;
}

/** A model a backend serves. */
export interface BackendModel {
  name: string;
  /** Context length in tokens, when known. */
  contextLength?: number;
  /** Size of the weights in bytes, when known. */
  size?: number;
  /** Who provides it: `secretai` for the embedded engine, else the upstream's `owned_by` or `ollama`. */
  ownedBy?: string;
}

export interface InferenceBackend {
  /** `embedded`, `ollama` or `openai`, or another name for test backends. */
  readonly kind: string;
  /** What it is, for logs and `--json` (an upstream URL, the embedded model's name). Never holds a secret. */
  readonly description: string;
  listModels(signal?: AbortSignal): Promise<BackendModel[]>;
  /**
   * Starts a chat. Throws (from the iteration) {@link BackendRequestError} for a request the backend refuses
   * (unknown model, prompt too long) and {@link UpstreamError} when an upstream server fails.
   */
  chat(request: ChatRequest, signal: AbortSignal): ChatStream;
  /** Frees resources (keep-alive sockets). */
  close?(): Promise<void>;
}

/** An upstream server failed or answered something unusable. The HTTP layer answers 502; nothing is billed. */
export class UpstreamError extends OperationError {
  /** HTTP status the upstream answered, if it answered. */
  readonly upstreamStatus?: number;

  constructor(message: string, opts: ErrorOptions & {upstreamStatus?: number} = {}) {
    super(message, {code: 'UPSTREAM_FAILED', ...opts});
    this.upstreamStatus = opts.upstreamStatus;
  }
}

/** The backend refuses the request itself: unknown model (`status` 404) or bad parameters (400). */
export class BackendRequestError extends UsageError {
  readonly status: 400 | 404;

  constructor(message: string, status: 400 | 404, opts: ErrorOptions = {}) {
    super(message, {code: status === 404 ? 'MODEL_NOT_FOUND' : 'BAD_REQUEST', ...opts});
    this.status = status;
  }
}

/** A parsed `--backend` value. */
export type BackendSpec = {kind: 'embedded'} | {kind: 'ollama'; url: string} | {kind: 'openai'; url: string};

/** The `--backend` forms, for help texts. */
export const BACKEND_FORMS = 'embedded | ollama=URL | openai=URL';

/**
 * Parses `embedded`, `ollama=URL` or `openai=URL`. The URL is http(s), without credentials (secrets never go on
 * the command line: an OpenAI-compatible server's key comes from `SECRETAI_BACKEND_API_KEY`), query or fragment;
 * it is returned without a trailing slash. Throws a {@link UsageError} otherwise.
 */
export function parseBackend(value: string): BackendSpec {
  const v = value.trim();
  if (v === 'embedded') return {kind: 'embedded'};
  const eq = v.indexOf('=');
  const kind = eq > 0 ? v.slice(0, eq) : '';
  if (kind !== 'ollama' && kind !== 'openai') {
    throw new UsageError(`unknown backend "${v.slice(0, 40)}"`, {code: 'BAD_BACKEND', suggestion: `use --backend ${BACKEND_FORMS}`});
  }
  const raw = v.slice(eq + 1);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`--backend ${kind}=URL needs an http(s) URL`, {code: 'BAD_BACKEND', suggestion: `e.g. --backend ${kind}=http://127.0.0.1:11434`});
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UsageError(`--backend ${kind}=URL needs an http(s) URL, not ${u.protocol}`, {code: 'BAD_BACKEND'});
  }
  if (u.username || u.password) {
    throw new UsageError('the backend URL must not hold credentials', {
      code: 'BAD_BACKEND',
      suggestion: 'give an OpenAI-compatible server\'s key in SECRETAI_BACKEND_API_KEY',
    });
  }
  if (u.search || u.hash) throw new UsageError('the backend URL must not have a query or fragment', {code: 'BAD_BACKEND'});
  return {kind, url: `${u.origin}${u.pathname}`.replace(/\/+$/, '')};
}

/**
 * Builds a {@link ChatStream} from a generator that yields the deltas and returns the final counts. It can be
 * iterated once; stopping the iteration early (a `break`, an error) closes the generator.
 */
export function chatStream(produce: () => AsyncGenerator<ChatDelta, ChatResult>, inputTokens: () => number): ChatStream {
  let final: ChatResult | undefined;
  let started = false;
  return {
    async *[Symbol.asyncIterator]() {
      if (started) throw new Error('a chat stream can be iterated only once');
      started = true;
      final = yield* produce();
    },
    result() {
      if (!final) throw new Error('the chat has not completed');
      return final;
    },
    inputTokens,
  };
}

/** The error an aborted chat throws (`name` `AbortError`, as `fetch` and node streams use). */
export function abortError(signal: AbortSignal): Error {
  const reason = signal.reason as unknown;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('the chat was aborted', 'AbortError');
}

/** True for the error of an aborted operation. */
export function isAbortError(err: unknown): boolean {
  return (err as {name?: string})?.name === 'AbortError' || (err as {code?: string})?.code === 'ABORT_ERR';
}
