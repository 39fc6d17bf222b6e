/**
 * One HTTP exchange of the API layer: the request body, JSON and error answers, and the streaming driver that runs
 * a backend chat into a response — headers once the first token (or the backend's refusal) is known, every delta
 * written as it comes with backpressure respected, generation aborted when the client goes away, and delivered
 * tokens counted so a disconnected client is billed only for what reached its connection.
 */
import type {IncomingMessage, ServerResponse} from 'node:http';
import {setImmediate as nextTurn} from 'node:timers/promises';
import {isAbortError, BackendRequestError, UpstreamError, type ChatDelta, type ChatResult, type ChatStream} from '../backend.js';
import {REQUEST_ID_HEADER, USAGE_FIELD, USAGE_HEADER, type ApiKind, type ApiOptions, type CompletedUsage} from './types.js';

/** An error answered with an HTTP status in the API's own error shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = status === 401 ? 'authentication_error' : status >= 500 ? 'server_error' : 'invalid_request_error',
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** How one API writes its stream and its errors. */
export interface StreamFormat {
  contentType: string;
  /** The serialised event of one delta. */
  delta(text: string): string;
  /**
   * The serialised events sent once generation ended, before the completion hook runs (the OpenAI finish and usage
   * chunks); '' for none.
   */
  finish(result: ChatResult): string;
  /**
   * The serialised last events, after the completion hook: its document when there is one (`undefined` otherwise)
   * and the stream's end — the Ollama `done: true` object carrying the document, or the OpenAI chunk carrying it
   * followed by `data: [DONE]`.
   */
  close(result: ChatResult, doc: unknown): string;
}

/** How an API shapes an error body. */
export type ErrorShape = (status: number, message: string, type: string) => unknown;

export class Exchange {
  /** Aborted when the client goes away before the response finished. */
  readonly controller = new AbortController();
  principal?: unknown;
  /** Output tokens whose bytes were handed to the client's connection. */
  private delivered = 0;
  private clientGone = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    readonly api: ApiKind,
    readonly endpoint: string,
    readonly opts: ApiOptions,
    private readonly errorShape: ErrorShape,
  ) {
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.on('close', () => {
      if (!res.writableFinished) {
        this.clientGone = true;
        this.controller.abort(new DOMException('the client disconnected', 'AbortError'));
      }
    });
  }

  get gone(): boolean {
    return this.clientGone;
  }

  /** The parsed JSON body, at most `maxBodyBytes`; 413 / 400 otherwise. */
  async jsonBody(limit: number): Promise<Record<string, unknown>> {
    const declared = Number(this.req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `the request body is larger than ${limit} bytes`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of this.req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > limit) throw new HttpError(413, `the request body is larger than ${limit} bytes`);
      chunks.push(c);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new HttpError(400, 'the request body is not valid JSON');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'the request body must be a JSON object');
    return body as Record<string, unknown>;
  }

  /** A whole JSON answer. */
  sendJson(status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (this.res.headersSent || this.clientGone) return;
    const data = JSON.stringify(body);
    this.res.writeHead(status, {'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(data), ...headers});
    this.res.end(data);
  }

  /** An error answer in the API's shape; if the stream already started, `event` (serialised) ends it instead. */
  sendError(err: unknown, streamEvent?: (body: unknown) => string): void {
    const e = toHttpError(err);
    if (e.status >= 500 && !(err instanceof HttpError) && !(err instanceof UpstreamError)) this.opts.hooks?.onError?.(err, this.requestId);
    if (this.clientGone) return;
    const body = this.errorShape(e.status, e.message, e.type);
    if (!this.res.headersSent) {
      // A body not read to its end (too large, refused early) is not drained: the connection closes instead.
      this.sendJson(e.status, body, this.req.complete ? {} : {connection: 'close'});
      return;
    }
    if (streamEvent) this.res.write(streamEvent(body));
    this.res.end();
  }

  /** Writes `data`; resolves at once unless the connection's buffer is full, then on 'drain' (or close). */
  write(data: string, onFlushed?: () => void): Promise<void> | undefined {
    const ok = this.res.write(data, onFlushed ? (err) => err || onFlushed() : undefined);
    if (ok || this.clientGone) return undefined;
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  /** The completion hook, guarded: its document, or undefined. */
  async complete(usage: Omit<CompletedUsage, 'requestId' | 'api' | 'endpoint' | 'principal'>): Promise<unknown> {
    const hook = this.opts.hooks?.onComplete;
    if (!hook) return undefined;
    return hook({requestId: this.requestId, api: this.api, endpoint: this.endpoint, principal: this.principal, ...usage});
  }

  /**
   * Streams `chat` in `format`. The status line waits for the first delta so a refused request (unknown model,
   * upstream down) still gets its proper status; after that, failures end the stream with an error event.
   */
  async stream(chat: ChatStream, model: string, format: StreamFormat, errorEvent: (body: unknown) => string): Promise<void> {
    const it = chat[Symbol.asyncIterator]();
    const flushed = (n: number) => () => {
      this.delivered += n;
    };
    let first: IteratorResult<ChatDelta, void>;
    try {
      first = await it.next();
    } catch (err) {
      return this.failed(err, chat, model, errorEvent);
    }
    this.res.writeHead(200, {'content-type': format.contentType, 'cache-control': 'no-cache', 'x-accel-buffering': 'no'});
    try {
      let step = first;
      while (!step.done) {
        const d = step.value;
        const wait = this.write(format.delta(d.text), flushed(d.tokens));
        if (wait) await wait;
        if (this.clientGone) break;
        step = await it.next();
      }
    } catch (err) {
      return this.failed(err, chat, model, errorEvent);
    }
    if (this.clientGone) {
      await it.return?.();
      return this.disconnected(chat, model);
    }
    const result = chat.result();
    const finish = format.finish(result);
    if (finish) {
      const w = this.write(finish);
      if (w) await w;
    }
    let doc: unknown;
    try {
      doc = await this.complete({model, outcome: 'completed', inputTokens: result.inputTokens, outputTokens: result.outputTokens, counted: result.counted, finishReason: result.finishReason});
    } catch (err) {
      this.opts.hooks?.onError?.(err, this.requestId);
      this.res.end(errorEvent(this.errorShape(500, 'the usage record could not be made', 'server_error')));
      return;
    }
    if (this.clientGone) return;
    this.res.end(format.close(result, doc));
  }

  /** Runs `chat` to its end and answers once with `body(text, result)`; the hook's document goes in a header and the body. */
  async collect(chat: ChatStream, model: string, body: (text: string, result: ChatResult) => Record<string, unknown>): Promise<void> {
    let text = '';
    try {
      for await (const d of chat) text += d.text;
    } catch (err) {
      return this.failed(err, chat, model);
    }
    const result = chat.result();
    const doc = await this.complete({model, outcome: 'completed', inputTokens: result.inputTokens, outputTokens: result.outputTokens, counted: result.counted, finishReason: result.finishReason});
    const answer = body(text, result);
    if (doc === undefined) return this.sendJson(200, answer);
    this.sendJson(200, {...answer, [USAGE_FIELD]: doc}, {[USAGE_HEADER]: Buffer.from(JSON.stringify(doc)).toString('base64')});
  }

  private async failed(err: unknown, chat: ChatStream, model: string, errorEvent?: (body: unknown) => string): Promise<void> {
    if (this.clientGone || isAbortError(err)) return this.disconnected(chat, model);
    this.sendError(err, errorEvent);
  }

  /** The client left: bill the prompt and the tokens that reached its connection. */
  private async disconnected(chat: ChatStream, model: string): Promise<void> {
    // Let the flush callbacks of writes that reached the connection run before counting.
    await nextTurn();
    try {
      await this.complete({model, outcome: 'disconnected', inputTokens: chat.inputTokens(), outputTokens: this.delivered, counted: 'local'});
    } catch (err) {
      this.opts.hooks?.onError?.(err, this.requestId);
    }
  }
}

/** Any error as an {@link HttpError}: refusals 400/404, upstream failures 502, the rest 500. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof BackendRequestError) return new HttpError(err.status, err.message);
  if (err instanceof UpstreamError) return new HttpError(502, err.message, 'upstream_error');
  return new HttpError(500, 'internal error while serving the request', 'server_error');
}
