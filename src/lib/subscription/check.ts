/**
 * API key checks for a gateway: is this bearer key accepted, and which opaque subscription handle does it carry.
 * The answer comes from the SubscriptionManager's public `api_key_status` query through the chain layer.
 *
 * Cache (per checker, in memory, by key hash): an accepted key is remembered for {@link API_KEY_CACHE_TTL_MS}
 * (30 s), a refused one for {@link API_KEY_NEGATIVE_CACHE_TTL_MS} (10 s). So a revoked key, or a subscription that
 * ran out, stops working within 30 s; a new key or a renewed subscription starts working within 10 s; and a flood
 * of requests with a wrong key costs one chain query per 10 s, not one per request. Failed queries are not cached
 * (they throw, and the gateway should answer 503).
 */
import type {Context} from '../cli/base-command.js';
import {apiKeyHash} from '../keys/apikeys.js';

/** `active` → serve; `unknown`/`revoked` → 401; `expired`/`no_balance` → 402. */
export type ApiKeyCheckStatus = 'active' | 'unknown' | 'revoked' | 'expired' | 'no_balance';

export interface ApiKeyCheck {
  status: ApiKeyCheckStatus;
  /** Opaque subscription handle (64 hex), only for an active key. */
  handle?: string;
}

/** How long an accepted key's answer is reused, ms. */
export const API_KEY_CACHE_TTL_MS = 30_000;
/** How long a refused key's answer is reused, ms. */
export const API_KEY_NEGATIVE_CACHE_TTL_MS = 10_000;
/** Most cached answers; the oldest is dropped beyond it. */
export const API_KEY_CACHE_MAX = 10_000;

/** Source of `api_key_status` answers (the SubscriptionManager client, or a stand-in in tests). */
export interface ApiKeyStatusSource {
  apiKeyStatus(hash: string): Promise<{active: boolean; key_handle: string | null; reason?: string | null}>;
}

/** A cached checker over one SubscriptionManager. `now` is injectable for tests. */
export class ApiKeyChecker {
  private readonly cache = new Map<string, {until: number; result: ApiKeyCheck}>();

  constructor(
    private readonly source: ApiKeyStatusSource,
    private readonly opts: {ttlMs?: number; negativeTtlMs?: number; maxEntries?: number; now?: () => number} = {},
  ) {}

  /** The status of a bearer key (hashed here; the key itself is neither stored nor sent). */
  async check(key: string): Promise<ApiKeyCheck> {
    if (!key) return {status: 'unknown'};
    const hash = apiKeyHash(key);
    const now = (this.opts.now ?? Date.now)();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.result;
    const answer = await this.source.apiKeyStatus(hash);
    const result: ApiKeyCheck = answer.active
      ? {status: 'active', ...(answer.key_handle ? {handle: answer.key_handle} : {})}
      : {status: toStatus(answer.reason)};
    const ttl = answer.active ? (this.opts.ttlMs ?? API_KEY_CACHE_TTL_MS) : (this.opts.negativeTtlMs ?? API_KEY_NEGATIVE_CACHE_TTL_MS);
    this.cache.delete(hash);
    this.cache.set(hash, {until: now + ttl, result});
    const max = this.opts.maxEntries ?? API_KEY_CACHE_MAX;
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value!);
    return result;
  }
}

function toStatus(reason: string | null | undefined): ApiKeyCheckStatus {
  return reason === 'revoked' || reason === 'expired' || reason === 'no_balance' ? reason : 'unknown';
}

const checkers = new Map<string, ApiKeyChecker>();

/**
 * The status of `key` on the invocation's network, through one cached {@link ApiKeyChecker} per network and
 * SubscriptionManager in this process (see the module comment for the cache times).
 */
export async function checkApiKey(ctx: Context, key: string): Promise<ApiKeyCheck> {
  const profile = ctx.profile;
  const id = `${profile.chainId}|${profile.lcdUrl}|${profile.contracts?.subscriptionManager?.address ?? ''}`;
  let checker = checkers.get(id);
  if (!checker) {
    const {contractsFor} = await import('../chain/index.js');
    checker = new ApiKeyChecker(contractsFor(ctx).subscriptionManager);
    checkers.set(id, checker);
  }
  return checker.check(key);
}
