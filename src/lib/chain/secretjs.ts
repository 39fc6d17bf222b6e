/**
 * The one place secretjs is loaded (lazily: an eager import costs every command ~300 ms).
 *
 * Two ways in:
 * - {@link loadQueryKit}: only the modules a read-only query needs — the generated REST bindings of the compute
 *   module, and of the auth and bank modules when first used (a small part of the full import; contract messages
 *   are sealed by `seal.ts`). They are CommonJS, taken with `require`: an ES import would make Node parse each
 *   one's source again for its export names;
 * - {@link loadSecretjs}: the whole library (the SecretNetworkClient: wallets, signing, txs).
 *
 * Two process-wide side effects of secretjs 1.22.1 are absorbed here:
 * - On import it replaces `globalThis.fetch` with `cross-fetch` (node-fetch 2) when there is no `window`; that would
 *   hand every other part of the CLI (worker HTTP, streaming chat) a different fetch. The fetch that was there
 *   before is put back, wrapped so that requests to a registered LCD endpoint get a timeout.
 * - secretjs's HTTP calls have no timeout at all; a stalled node would hang a command. {@link registerLcd} gives an
 *   LCD URL prefix a request timeout; other URLs pass through untouched (long streaming responses must not time out).
 */
import type * as SecretjsModule from 'secretjs';
import type * as ComputeGatewayModule from 'secretjs/dist/grpc_gateway/secret/compute/v1beta1/query.pb.js';
import type * as AuthQueryModule from 'secretjs/dist/query/auth.js';
import type * as BankQueryModule from 'secretjs/dist/query/bank.js';
import module from 'node:module';
import {lcdFetch, type LcdRequestInit} from './lcd-fetch.js';

const require = module.createRequire(import.meta.url);

export type Secretjs = typeof SecretjsModule;
export type ComputeGateway = typeof ComputeGatewayModule;

/** What a read-only query needs of secretjs, without loading the SecretNetworkClient. */
export interface QueryKit {
  /** REST bindings of the compute module (contract queries, code hashes). */
  compute: ComputeGateway['Query'];
  /** Account queries (loaded on first use). */
  readonly AuthQuerier: typeof AuthQueryModule.AuthQuerier;
  /** Balance queries (loaded on first use). */
  readonly BankQuerier: typeof BankQueryModule.BankQuerier;
}

/** Default timeout of one HTTP request to an LCD endpoint, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Error name used when an LCD request exceeds its timeout (as `AbortSignal.timeout` reports it). */
export const REQUEST_TIMEOUT_ERROR = 'TimeoutError';

type FetchFn = typeof globalThis.fetch;

/** The runtime's own fetch as this module found it (before any secretjs import it may precede). */
const RUNTIME_FETCH: FetchFn | undefined = isPolyfill(globalThis.fetch) ? undefined : globalThis.fetch;

const lcdTimeouts = new Map<string, number>();
let loaded: Promise<Secretjs> | undefined;
let kit: Promise<QueryKit> | undefined;

/**
 * Registers an LCD base URL (no trailing slash) and the timeout, in ms, of every request under it.
 * The longest matching prefix wins; re-registering replaces the timeout.
 */
export function registerLcd(baseUrl: string, timeoutMs: number): void {
  lcdTimeouts.set(baseUrl.replace(/\/+$/, ''), timeoutMs);
}

function timeoutFor(url: string): number | undefined {
  let best: string | undefined;
  for (const prefix of lcdTimeouts.keys()) {
    if ((url === prefix || url.startsWith(prefix + '/')) && (!best || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : lcdTimeouts.get(best);
}

function urlOf(input: Parameters<FetchFn>[0]): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return (input as Request).url;
}

const WRAPPED = Symbol.for('secretai.chain.fetch');

/** cross-fetch marks its node-fetch ponyfill with `ponyfill = true`. */
function isPolyfill(f: FetchFn | undefined): boolean {
  return Boolean(f && (f as unknown as {ponyfill?: boolean}).ponyfill);
}

/**
 * Wraps a fetch so that requests to a registered LCD endpoint go through {@link lcdFetch} (not the runtime's fetch,
 * whose start-up costs every chain command ~40 ms), with {@link timeoutFor} as an abort timeout when they carry no
 * signal of their own. Other URLs go to `base` untouched.
 */
function wrapFetch(base: FetchFn): FetchFn {
  if ((base as unknown as Record<symbol, unknown>)[WRAPPED]) return base;
  const wrapped = function (input: Parameters<FetchFn>[0], init?: Parameters<FetchFn>[1]) {
    const ms = timeoutFor(urlOf(input));
    if (ms === undefined) return base(input, init);
    const signal = init?.signal ?? AbortSignal.timeout(ms);
    return lcdFetch(input, {...(init as LcdRequestInit | undefined), signal}) as unknown as Promise<Response>;
  } as FetchFn;
  (wrapped as unknown as Record<symbol, unknown>)[WRAPPED] = true;
  return wrapped;
}

/** secretjs, loaded once per process, with the global fetch restored and wrapped (see the module comment). */
export function loadSecretjs(): Promise<Secretjs> {
  loaded ??= (async () => {
    const before = globalThis.fetch;
    const mod = (await import('secretjs')) as Secretjs;
    const after = globalThis.fetch;
    // Prefer the runtime's own fetch; if secretjs was imported elsewhere first, `before` is already its polyfill.
    const base = !isPolyfill(before) ? before : (RUNTIME_FETCH ?? before ?? after);
    globalThis.fetch = wrapFetch(base);
    return mod;
  })();
  return loaded;
}

/**
 * The read-only part of secretjs (see {@link QueryKit}), loaded once per process. These modules do not replace the
 * global fetch; the runtime's fetch is wrapped here so that LCD requests get their timeout all the same.
 */
export function loadQueryKit(): Promise<QueryKit> {
  kit ??= (async () => {
    const compute = (require('secretjs/dist/grpc_gateway/secret/compute/v1beta1/query.pb.js') as ComputeGateway).Query;
    const current = globalThis.fetch;
    globalThis.fetch = wrapFetch(!isPolyfill(current) ? current : (RUNTIME_FETCH ?? current));
    return {
      compute,
      get AuthQuerier() {
        return (require('secretjs/dist/query/auth.js') as typeof AuthQueryModule).AuthQuerier;
      },
      get BankQuerier() {
        return (require('secretjs/dist/query/bank.js') as typeof BankQueryModule).BankQuerier;
      },
    };
  })();
  return kit;
}
