/**
 * The fetch secretjs's LCD requests go through: a small WHATWG-shaped `fetch` over node:http / node:https with
 * keep-alive connections, for the requests of registered LCD endpoints only (see `secretjs.ts`).
 *
 * Why not the runtime's fetch: Node's fetch is its bundled undici, compiled and started on the first call — about
 * 40 ms of CPU on these machines, on every command that reads the chain — and its `Response` and `Headers` classes
 * load it too. secretjs's REST bindings use a small part of fetch: `fetch(url, {method, headers, body, signal})`,
 * then `ok`, `status` and `json()` (the tx-key request, `text()`), so that part is what this provides.
 *
 * Behaviour kept from fetch: redirects are followed (at most {@link MAX_REDIRECTS}; 303, and 301/302 after a POST,
 * become a GET without body); network failures reject with `TypeError('fetch failed')` whose `cause` carries the
 * system error (`ECONNREFUSED`, …), which is what the chain layer's error normaliser reads; an aborted signal
 * rejects with its reason (a `TimeoutError` for `AbortSignal.timeout`). Bodies are read whole (LCD answers are
 * JSON documents), and no compression is asked for.
 */
import type {IncomingMessage} from 'node:http';
import {http, https} from '../../common/node-http.js';

/** Redirects followed before giving up, as browsers and undici do. */
export const MAX_REDIRECTS = 20;

/** The part of a fetch `Response` this fetch gives. */
export interface LcdResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly redirected: boolean;
  readonly headers: {get(name: string): string | null; has(name: string): boolean};
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** What an LCD request may carry. */
export interface LcdRequestInit {
  method?: string;
  headers?: Record<string, string> | Array<[string, string]> | {forEach(cb: (value: string, key: string) => void): void};
  body?: string | Uint8Array | null;
  signal?: AbortSignal | null;
  redirect?: 'follow' | 'error' | 'manual';
}

const agents: {http?: import('node:http').Agent; https?: import('node:https').Agent} = {};

/** Keep-alive connection pools, created on first use; idle sockets do not keep the process alive. */
function agentFor(protocol: string): import('node:http').Agent {
  if (protocol === 'https:') return (agents.https ??= new (https().Agent)({keepAlive: true}));
  return (agents.http ??= new http.Agent({keepAlive: true}));
}

function headerRecord(h: LcdRequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (Array.isArray(h)) for (const [k, v] of h) out[k.toLowerCase()] = v;
  else if (typeof (h as {forEach?: unknown}).forEach === 'function') (h as {forEach(cb: (v: string, k: string) => void): void}).forEach((v, k) => (out[k.toLowerCase()] = v));
  else for (const [k, v] of Object.entries(h as Record<string, string>)) out[k.toLowerCase()] = String(v);
  return out;
}

function urlOf(input: string | URL | {url: string}): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', {cause});
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** One request and its whole body, with redirects followed. */
export async function lcdFetch(input: string | URL | {url: string}, init: LcdRequestInit = {}): Promise<LcdResponse> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) throw abortReason(signal);
  let url = new URL(urlOf(input));
  let method = (init.method ?? 'GET').toUpperCase();
  let body: string | Uint8Array | undefined = init.body ?? undefined;
  const headers = headerRecord(init.headers);
  for (let redirects = 0; ; redirects++) {
    const {res, data} = await exchange(url, method, headers, body, signal);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location && (init.redirect ?? 'follow') === 'follow') {
      if (redirects >= MAX_REDIRECTS) throw fetchFailed(new Error('redirect count exceeded'));
      url = new URL(location, url);
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
        delete headers['content-length'];
      }
      continue;
    }
    return response(url.href, redirects > 0, res, data);
  }
}

function exchange(url: URL, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined, signal: AbortSignal | undefined): Promise<{res: IncomingMessage; data: Buffer}> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(fetchFailed(new Error(`unsupported protocol ${url.protocol}`)));
  const lib = url.protocol === 'https:' ? https() : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: unknown, value?: {res: IncomingMessage; data: Buffer}) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value!);
    };
    const req = lib.request(url, {method, headers, agent: agentFor(url.protocol)}, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish(null, {res, data: Buffer.concat(chunks)}));
      res.on('error', (e) => finish(signal?.aborted ? abortReason(signal) : fetchFailed(e)));
      res.on('aborted', () => finish(fetchFailed(new Error('the connection closed before the answer ended'))));
    });
    const onAbort = () => {
      finish(abortReason(signal!));
      req.destroy();
    };
    signal?.addEventListener('abort', onAbort, {once: true});
    req.on('error', (e) => finish(signal?.aborted ? abortReason(signal) : fetchFailed(e)));
    req.end(body === undefined ? undefined : typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });
}

function response(url: string, redirected: boolean, res: IncomingMessage, data: Buffer): LcdResponse {
  const status = res.statusCode ?? 0;
  const get = (name: string): string | null => {
    const v = res.headers[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : String(v);
  };
  let used = false;
  const consume = (): Buffer => {
    if (used) throw new TypeError('Body is unusable: Body has already been read');
    used = true;
    return data;
  };
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? '',
    url,
    redirected,
    headers: {get, has: (name) => get(name) !== null},
    text: async () => consume().toString('utf8'),
    json: async () => JSON.parse(consume().toString('utf8')) as unknown,
    arrayBuffer: async () => {
      const b = consume();
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
  };
}
