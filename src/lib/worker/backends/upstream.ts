/**
 * HTTP to an upstream inference server (Ollama or OpenAI-compatible), shared by both upstream backends: requests
 * on keep-alive agents, status → typed errors, NDJSON lines as they arrive, and the local token estimate used when
 * an upstream does not report its counts.
 */
import {http, https} from '../../../common/node-http.js';
import type {Agent, IncomingMessage} from 'node:http';
import {StringDecoder} from 'node:string_decoder';
import {oneLine} from '../../errors.js';
import {abortError, BackendRequestError, UpstreamError, type ChatMessage} from '../backend.js';

/** Largest non-streamed upstream answer read (model lists, error bodies), bytes. */
export const MAX_UPSTREAM_BODY_BYTES = 4 * 1024 * 1024;
/** Longest line of a streamed answer kept before the upstream is declared broken, characters. */
export const MAX_STREAM_LINE_CHARS = 1024 * 1024;
/** Time allowed to connect and get response headers, milliseconds (generation itself is not limited). */
export const UPSTREAM_HEADERS_TIMEOUT_MS = 120_000;
/** Characters of an upstream error message kept. */
const MAX_ERROR_CHARS = 300;
/** UTF-8 bytes per token assumed by the local estimate (the usual rule of thumb for English text and BPE vocabularies). */
export const ESTIMATE_BYTES_PER_TOKEN = 4;

/** A keep-alive agent for one upstream; its backend's `close()` destroys it so no socket outlives the server. */
export function upstreamAgent(url: string): Agent {
  return new URL(url).protocol === 'https:' ? new (https().Agent)({keepAlive: true}) : new http.Agent({keepAlive: true});
}

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Connection pool (see {@link upstreamAgent}); default: a new connection per request. */
  agent?: Agent;
}

/**
 * Sends a request and resolves with the response once its status is 2xx. A 404 becomes {@link BackendRequestError}
 * (the upstream does not know the model), any other status, a connection failure or a timeout an
 * {@link UpstreamError}; an abort rejects with an `AbortError`.
 */
export function upstreamRequest(r: UpstreamRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (r.signal?.aborted) {
      reject(abortError(r.signal));
      return;
    }
    const u = new URL(r.url);
    const lib = u.protocol === 'https:' ? https() : http;
    const payload = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body));
    const headers: Record<string, string> = {accept: 'application/json, text/event-stream, application/x-ndjson', ...r.headers};
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const req = lib.request(u, {method: r.method, headers, agent: r.agent ?? false, signal: r.signal});
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${UPSTREAM_HEADERS_TIMEOUT_MS / 1000} s`)), UPSTREAM_HEADERS_TIMEOUT_MS);
    timer.unref(); // the request's own socket keeps the process alive while it matters
    req.on('error', (err) => {
      clearTimeout(timer);
      if (r.signal?.aborted) reject(abortError(r.signal));
      else reject(new UpstreamError(`the upstream server at ${u.origin} failed: ${oneLine(err.message)}`, {cause: err}));
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        resolve(res);
        return;
      }
      readBody(res, MAX_UPSTREAM_BODY_BYTES)
        .catch(() => '')
        .then((text) => {
          const detail = errorText(text);
          if (status === 404) reject(new BackendRequestError(detail ?? `the upstream server does not know ${u.pathname}`, 404));
          else reject(new UpstreamError(`the upstream server answered ${status}${detail ? `: ${detail}` : ''}`, {upstreamStatus: status}));
        });
    });
    req.end(payload);
  });
}

/** GET/POST and parse the JSON answer. */
export async function upstreamJson(r: UpstreamRequest): Promise<unknown> {
  const res = await upstreamRequest(r);
  const text = await readBody(res, MAX_UPSTREAM_BODY_BYTES);
  try {
    return JSON.parse(text);
  } catch {
    throw new UpstreamError(`the upstream server's answer to ${new URL(r.url).pathname} is not JSON`);
  }
}

/** Reads a whole body as UTF-8, up to `limit` bytes. */
export async function readBody(res: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) {
      res.destroy();
      throw new UpstreamError(`the upstream server's answer is larger than ${limit} bytes`);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The lines of a streamed body as they arrive (NDJSON), without line ends; blank lines skipped. */
export async function* bodyLines(res: IncomingMessage, signal: AbortSignal): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      pending += decoder.write(chunk);
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line) yield line;
      }
      if (pending.length > MAX_STREAM_LINE_CHARS) throw new UpstreamError('the upstream server sent a line longer than 1 MiB');
    }
  } catch (err) {
    throw streamError(err, signal);
  } finally {
    if (!res.complete) res.destroy();
  }
  const last = (pending + decoder.end()).trim();
  if (last) yield last;
}

/** An error while reading a stream: the abort when aborted, else an upstream failure. */
export function streamError(err: unknown, signal: AbortSignal): Error {
  if (signal.aborted) return abortError(signal);
  if (err instanceof UpstreamError || err instanceof BackendRequestError) return err;
  return new UpstreamError(`the upstream stream broke: ${oneLine((err as Error)?.message ?? String(err))}`, {cause: err});
}

/** A message from an upstream error body (`{"error":"…"}`, `{"error":{"message":"…"}}`, or short text). */
export function errorText(text: string): string | undefined {
  let msg: unknown = text.trim();
  try {
    const j = JSON.parse(text) as {error?: unknown; message?: unknown};
    msg = typeof j.error === 'string' ? j.error : (j.error as {message?: unknown})?.message ?? j.message ?? msg;
  } catch {
    // not JSON: keep the text
  }
  if (typeof msg !== 'string' || msg === '') return undefined;
  const line = oneLine(msg);
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS)}…` : line;
}

/**
 * The local estimate of prompt tokens used when an upstream does not report them: ⌈UTF-8 bytes of the messages'
 * roles and contents / {@link ESTIMATE_BYTES_PER_TOKEN}⌉ plus one per message (its role and separators).
 */
export function estimatePromptTokens(messages: ChatMessage[]): number {
  let bytes = 0;
  for (const m of messages) bytes += Buffer.byteLength(m.role) + Buffer.byteLength(m.content);
  return Math.ceil(bytes / ESTIMATE_BYTES_PER_TOKEN) + messages.length;
}

/** A non-negative integer count from an upstream, or undefined. */
export function countField(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}
