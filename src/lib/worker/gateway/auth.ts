/**
 * API-key checks of the worker gateway. A request carries `Authorization: Bearer <API key>`; an
 * {@link ApiKeyChecker} says whether the key may be served and under which opaque key handle its usage is
 * recorded (the handle names a subscription without naming the subscriber).
 *
 * Implementations:
 * - {@link subscriptionKeyChecker}: an adapter over a subscription lookup (the SubscriptionManager's
 *   `api_key_status`), mapping its statuses to 401 (unknown, revoked) and 402 (expired, no balance). This is what
 *   a gateway uses on every network with a SubscriptionManager ({@link gatewayKeyChecker}).
 * - {@link devApiKeyChecker}: one extra key from `SECRETAI_DEV_API_KEY`, only on a network whose profile allows
 *   dev attestation (the devnet), for development without a subscription.
 */
import {sha256Hex} from '../../../../contracts/common/encoding.js';
import type {IncomingMessage} from 'node:http';
import {UsageError} from '../../errors.js';
import {sameSecret} from '../../keys/index.js';
import type {Authorization} from '../api/types.js';

/** Environment variable holding the dev API key (never a flag: secrets stay off argv). */
export const DEV_API_KEY_ENV = 'SECRETAI_DEV_API_KEY';
/** Shortest dev API key accepted, characters. */
export const MIN_DEV_API_KEY_LENGTH = 16;
/** Longest `Authorization` header value looked at, characters. */
const MAX_AUTH_HEADER = 4096;

/** What a checker decided about one key. */
export type ApiKeyDecision = {ok: true; keyHandle: string} | {ok: false; status: 401 | 402; message: string};

/** Checks API keys for the gateway. */
export interface ApiKeyChecker {
  /** A name for logs and `--json` (never holds a secret). */
  readonly kind: string;
  check(apiKey: string): Promise<ApiKeyDecision>;
}

/** Statuses of a key as the subscription lookup (`api_key_status`) answers them. */
export type SubscriptionKeyStatus = 'active' | 'unknown' | 'revoked' | 'expired' | 'no_balance';

/** A subscription lookup: the key's status and, when the key is known, its opaque handle (64 hex). */
export type CheckApiKey = (apiKey: string) => Promise<{status: SubscriptionKeyStatus; keyHandle?: string}>;

/** The principal the gateway hands to the HTTP layer for an authorized request. */
export interface GatewayPrincipal {
  keyHandle: string;
}

/** The handle of a dev key: SHA-256 over a domain and the key's SHA-256 (the key itself never appears). */
export function devKeyHandle(apiKey: string): string {
  return sha256Hex(`secretai/dev-key-handle/v1\n${sha256Hex(apiKey)}`);
}

/**
 * The dev checker: accepts exactly the key in {@link DEV_API_KEY_ENV}. Refuses to be built (usage error) on a
 * network that does not allow dev attestation, or without a key of at least {@link MIN_DEV_API_KEY_LENGTH}
 * characters.
 */
export function devApiKeyChecker(env: NodeJS.ProcessEnv, network: {name: string; allowDev: boolean}): ApiKeyChecker {
  if (!network.allowDev) {
    throw new UsageError(`network ${network.name} does not allow dev API keys (${DEV_API_KEY_ENV})`, {
      code: 'DEV_API_KEY_REFUSED',
      suggestion: `unset ${DEV_API_KEY_ENV}: on this network API keys are checked against subscriptions`,
    });
  }
  const key = env[DEV_API_KEY_ENV];
  if (!key) {
    throw new UsageError(`no API key to accept: set ${DEV_API_KEY_ENV}`, {code: 'DEV_API_KEY_REQUIRED', suggestion: `e.g. export ${DEV_API_KEY_ENV}=$(openssl rand -hex 16)`});
  }
  if (key.length < MIN_DEV_API_KEY_LENGTH) {
    throw new UsageError(`${DEV_API_KEY_ENV} is shorter than ${MIN_DEV_API_KEY_LENGTH} characters`, {code: 'DEV_API_KEY_WEAK'});
  }
  const handle = devKeyHandle(key);
  return {
    kind: 'dev',
    async check(apiKey) {
      return sameSecret(apiKey, key)
        ? {ok: true, keyHandle: handle}
        : {ok: false, status: 401, message: 'unknown API key'};
    },
  };
}

/** What each refused status answers: HTTP status and a message saying what to do. */
const REFUSALS: Record<Exclude<SubscriptionKeyStatus, 'active'>, {status: 401 | 402; message: string}> = {
  unknown: {status: 401, message: 'unknown API key: create one with "secretai apikey create"'},
  revoked: {status: 401, message: 'this API key was revoked: create a new one with "secretai apikey create"'},
  expired: {status: 402, message: 'the subscription of this API key has expired: renew it with "secretai subscribe --plan ID"'},
  no_balance: {status: 402, message: 'the prepaid balance of this API key is used up: add to it with "secretai subscribe --deposit N"'},
};

/** Adapts a subscription lookup to {@link ApiKeyChecker}: active → served; otherwise 401 / 402. Fails closed. */
export function subscriptionKeyChecker(checkApiKey: CheckApiKey): ApiKeyChecker {
  return {
    kind: 'subscription',
    async check(apiKey) {
      const r = await checkApiKey(apiKey);
      if (r.status === 'active') {
        if (typeof r.keyHandle !== 'string' || !/^[0-9a-f]{64}$/.test(r.keyHandle)) return {ok: false, status: 401, message: 'the API key has no valid key handle'};
        return {ok: true, keyHandle: r.keyHandle};
      }
      return {ok: false, ...(REFUSALS[r.status] ?? REFUSALS.unknown)};
    },
  };
}

/** The bearer token of a request, or undefined. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string' || h.length > MAX_AUTH_HEADER) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(h);
  return m ? m[1] : undefined;
}

/** The HTTP layer's `authorize` hook over a checker. A checker that throws refuses with 503 (fail closed). */
export function authorizeWith(checker: ApiKeyChecker): (req: IncomingMessage) => Promise<Authorization> {
  return async (req) => {
    const key = bearerToken(req);
    if (!key) return {ok: false, status: 401, message: 'missing API key: send "Authorization: Bearer <API key>"'};
    let d: ApiKeyDecision;
    try {
      d = await checker.check(key);
    } catch {
      return {ok: false, status: 503, message: 'the API key could not be checked right now; try again'};
    }
    if (!d.ok) return {ok: false, status: d.status, message: d.message};
    const principal: GatewayPrincipal = {keyHandle: d.keyHandle};
    return {ok: true, principal};
  };
}

/** The subscription lookup a checker needs, as the subscriptions service answers it. */
export type SubscriptionLookup = (apiKey: string) => Promise<{status: SubscriptionKeyStatus; handle?: string}>;

/**
 * The gateway's checker for a network: API keys checked against the SubscriptionManager's `api_key_status`
 * (cached briefly, see `src/lib/subscription/check.ts`), plus the dev key of {@link DEV_API_KEY_ENV} when it is set
 * on a network that allows dev attestation. Without a SubscriptionManager and without a dev key there is nothing
 * to accept: a usage error.
 */
export function gatewayKeyChecker(
  env: NodeJS.ProcessEnv,
  network: {name: string; allowDev: boolean; hasSubscriptionManager: boolean},
  lookup: SubscriptionLookup,
): ApiKeyChecker {
  const sub = network.hasSubscriptionManager
    ? subscriptionKeyChecker(async (k) => {
        const r = await lookup(k);
        return {status: r.status, ...(r.handle ? {keyHandle: r.handle} : {})};
      })
    : undefined;
  const dev = env[DEV_API_KEY_ENV] ? devApiKeyChecker(env, network) : undefined;
  if (sub && dev) {
    return {
      kind: 'subscription+dev',
      async check(apiKey) {
        const d = await dev.check(apiKey);
        return d.ok ? d : sub.check(apiKey);
      },
    };
  }
  if (sub) return sub;
  if (dev) return dev;
  throw new UsageError(`network ${network.name} has no SubscriptionManager to check API keys against`, {
    code: 'NO_KEY_CHECKER',
    suggestion: `set the network's subscriptionManager contract (secretai network add …), or on the devnet set ${DEV_API_KEY_ENV}`,
  });
}
