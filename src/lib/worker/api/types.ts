/**
 * Options and hooks of the OpenAI / Ollama HTTP layer. `model serve` uses it bare; the `worker serve` gateway adds
 * the API-key check ({@link ApiHooks.authorize}) and the signed usage record ({@link ApiHooks.onComplete}).
 */
import type {IncomingMessage} from 'node:http';
import type {FinishReason, InferenceBackend} from '../backend.js';

/** Response header carrying the request id, on every response from the start (before any token). */
export const REQUEST_ID_HEADER = 'x-secretai-request-id';
/** Response header of non-streaming answers carrying the completion hook's document: base64 of its JSON. */
export const USAGE_HEADER = 'x-secretai-usage';
/** Member carrying the completion hook's document in a final stream event and in non-streaming bodies. */
export const USAGE_FIELD = 'secretai_usage';
/** Default largest request body, bytes. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The two wire APIs served. */
export type ApiKind = 'ollama' | 'openai';

/** Outcome of the authorization hook. `principal` is handed back to `onComplete` (e.g. the key's handle). */
export type Authorization = {ok: true; principal?: unknown} | {ok: false; status?: 401 | 402 | 403 | 429 | 503; message: string};

/** What a chat used, reported once per chat that ran. */
export interface CompletedUsage {
  requestId: string;
  api: ApiKind;
  /** `/api/chat`, `/api/generate` or `/v1/chat/completions`. */
  endpoint: string;
  model: string;
  /** `completed`: ran to its end; `disconnected`: the client left, output counts only tokens delivered to it. */
  outcome: 'completed' | 'disconnected';
  inputTokens: number;
  outputTokens: number;
  counted: 'upstream' | 'local';
  finishReason?: FinishReason;
  principal?: unknown;
}

export interface ApiHooks {
  /** Runs first, before the body is read or any work done. Default: everyone is allowed. */
  authorize?(req: IncomingMessage): Authorization | Promise<Authorization>;
  /** The request id (default: 16 random bytes, hex). */
  requestId?(req: IncomingMessage): string;
  /**
   * Called once for every chat that ran (not for refused requests, and not when the backend failed: then nothing
   * is billed). For a `completed` chat whose client is still there, a non-undefined return value (JSON) ends the
   * response as its `secretai_usage` member: in the Ollama `done: true` object (the last NDJSON line; Ollama
   * clients stop reading there), in an OpenAI chunk with empty `choices` before `data: [DONE]`, or, when not
   * streaming, in the body and the `X-Secretai-Usage` header. A throw here ends the response with a 500 error event
   * and is reported to `onError`.
   */
  onComplete?(usage: CompletedUsage): unknown | Promise<unknown>;
  /** Errors the layer could not answer normally (a hook that threw); for logs. */
  onError?(err: unknown, requestId: string): void;
}

export interface ApiOptions {
  backend: InferenceBackend;
  hooks?: ApiHooks;
  /** Largest request body, bytes (default {@link DEFAULT_MAX_BODY_BYTES}). */
  maxBodyBytes?: number;
  /** Clock for `created` fields, milliseconds (default `Date.now`). */
  now?: () => number;
}
