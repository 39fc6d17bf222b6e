/**
 * Polite access to rate-limited services (AMD KDS answers HTTP 429 when hurried; Intel PCS has quotas):
 * one request at a time per host, a small pause between requests to the same host, and HTTP 429 honoured
 * by waiting for `Retry-After` (seconds or an HTTP date) before retrying, a bounded number of times.
 * Time comes in through injected `sleep` and `nowMs`, so tests run without real waiting.
 */
import {FetchError, header, type HttpGet, type HttpResponse} from './http.js';

/** Settings of {@link Throttle}. */
export interface ThrottleOptions {
  /** Pause after each request before the next one to the same host, milliseconds (default 200). */
  minIntervalMs?: number;
  /** Retries after a 429 (default 3). */
  maxRetries?: number;
  /** Wait used when a 429 carries no usable Retry-After, milliseconds (default 2000). */
  defaultRetryAfterMs?: number;
  /** Longest Retry-After honoured; a longer one gives up at once, milliseconds (default 60000). */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Current time, milliseconds since the epoch (for HTTP-date Retry-After values). */
  nowMs?: () => number;
}

const HTTP_TOO_MANY_REQUESTS = 429;

/** Parses a Retry-After value: delta seconds or an HTTP date. Undefined when absent or unusable. */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - nowMs);
}

/** Wraps an {@link HttpGet} with per-host serialisation, spacing and 429 handling. */
export class Throttle {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly opts: Required<ThrottleOptions>;
  /** Every wait performed because of a 429, milliseconds (for diagnostics and tests). */
  readonly rateLimitWaits: number[] = [];

  constructor(
    private readonly get: HttpGet,
    opts: ThrottleOptions = {},
  ) {
    this.opts = {
      minIntervalMs: opts.minIntervalMs ?? 200,
      maxRetries: opts.maxRetries ?? 3,
      defaultRetryAfterMs: opts.defaultRetryAfterMs ?? 2000,
      maxRetryAfterMs: opts.maxRetryAfterMs ?? 60_000,
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      nowMs: opts.nowMs ?? (() => Date.now()),
    };
  }

  /** GET through the host's queue. Rejects with FetchError('network') when no response came, ('rate-limited') when 429 persists. */
  fetch(url: string, headers?: Record<string, string>): Promise<HttpResponse> {
    return this.queue(url, {headers});
  }

  /** POST `body` through the host's queue (same rules as {@link fetch}). */
  post(url: string, body: Uint8Array, headers?: Record<string, string>): Promise<HttpResponse> {
    return this.queue(url, {headers, method: 'POST', body});
  }

  private queue(url: string, req: {headers?: Record<string, string>; method?: 'GET' | 'POST'; body?: Uint8Array}): Promise<HttpResponse> {
    const host = new URL(url).host;
    const prev = this.tails.get(host) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(() => this.attempt(url, req));
    const tail = run.then(
      () => this.opts.sleep(this.opts.minIntervalMs),
      () => this.opts.sleep(this.opts.minIntervalMs),
    );
    this.tails.set(host, tail);
    void tail.then(() => {
      if (this.tails.get(host) === tail) this.tails.delete(host);
    });
    return run;
  }

  private async attempt(url: string, req: {headers?: Record<string, string>; method?: 'GET' | 'POST'; body?: Uint8Array}): Promise<HttpResponse> {
    for (let i = 0; ; i++) {
      let res: HttpResponse;
      try {
        res = await this.get(url, req);
      } catch (e) {
        throw new FetchError(`cannot reach ${new URL(url).host}: ${e instanceof Error ? e.message : String(e)}`, 'network', url);
      }
      if (res.status !== HTTP_TOO_MANY_REQUESTS) return res;
      const wait = retryAfterMs(header(res, 'retry-after'), this.opts.nowMs()) ?? this.opts.defaultRetryAfterMs;
      if (i >= this.opts.maxRetries || wait > this.opts.maxRetryAfterMs) {
        throw new FetchError(
          `${new URL(url).host} is rate-limiting requests (HTTP 429${wait ? `, retry after ${Math.ceil(wait / 1000)} s` : ''}); try again later`,
          'rate-limited',
          url,
          HTTP_TOO_MANY_REQUESTS,
        );
      }
      this.rateLimitWaits.push(wait);
      await this.opts.sleep(wait);
    }
  }
}
