/**
 * The HTTP surface the collateral fetchers need, injected by the caller: tests pass a client bound to a
 * local HTTPS server, the CLI passes one built on node:https. Nothing in src/attest opens a socket itself.
 */

/** A response with its body read in full. Header names are lower-case. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * GET `url` (or POST `body` when `method` is `POST`, e.g. an OCSP request); resolves with any status
 * (callers interpret it), rejects only when no response arrived.
 */
export type HttpGet = (url: string, opts?: {headers?: Record<string, string>; signal?: AbortSignal; method?: 'GET' | 'POST'; body?: Uint8Array}) => Promise<HttpResponse>;

/** Why a fetch did not produce usable material. */
export type FetchFailure = 'network' | 'not-found' | 'rate-limited' | 'http' | 'malformed';

/** A failed fetch, with a one-line reason. `failure` tells "could not check" (all of them) apart for messages. */
export class FetchError extends Error {
  constructor(
    message: string,
    readonly failure: FetchFailure,
    readonly url?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

/** Minimal shape of WHATWG `fetch` (Node's global fetch, undici) accepted by {@link fromFetch}. */
export type FetchFunction = (
  url: string,
  init?: {method?: string; headers?: Record<string, string>; signal?: AbortSignal; body?: Uint8Array},
) => Promise<{status: number; headers: {forEach(cb: (value: string, key: string) => void): void}; arrayBuffer(): Promise<ArrayBuffer>}>;

/** Adapts a `fetch`-like function to {@link HttpGet}. */
export function fromFetch(f: FetchFunction): HttpGet {
  return async (url, opts) => {
    const res = await f(url, {method: opts?.method ?? 'GET', headers: opts?.headers, signal: opts?.signal, ...(opts?.body ? {body: opts.body} : {})});
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k.toLowerCase()] = v;
    });
    return {status: res.status, headers, body: new Uint8Array(await res.arrayBuffer())};
  };
}

/** Header value by case-insensitive name. */
export function header(res: HttpResponse, name: string): string | undefined {
  return res.headers[name.toLowerCase()];
}

/** Text of a body as UTF-8. */
export function bodyText(res: HttpResponse): string {
  return Buffer.from(res.body).toString('utf8');
}
