/**
 * The SubscriptionManager's storage: the same keys and JSON values as `contracts/subscription-manager/contract.ts`
 * (`SUBSCRIPTION_MANAGER_KEYS`), plus the indexes that stand in for the key ranges Secret wasm has no iterator for:
 * `plans#` (plan ids), `apikeys#` (every key hash ever created) and `owner_keys#<subscriber>#` (one subscriber's
 * key hashes). Indexes list members sorted as the ranges listed keys.
 */
import {JsonValue} from "../../lib/json";
import {Storage, IndexedList} from "../../lib/storage";
import {isAbsent, loadInstantiated} from "../../lib/contract";
import {parseUint128, U128} from "../../lib/u128";

export const CONTRACT_NAME = "subscription-manager";
/** Most API keys one subscriber may hold at once (revoked keys do not count). */
export const MAX_ACTIVE_API_KEYS: u64 = 16;
/** Most plans on offer. */
export const MAX_PLANS: u64 = 32;
/** Domain tag of key handles. */
export const KEY_HANDLE_TAG = "secretai/v1/key-handle";

export const KEY_CONFIG = "config";
export function planKey(id: string): string {
  return "plan:" + id;
}
export function balanceKey(subscriber: string): string {
  return "balance:" + subscriber;
}
export function subscriptionKey(subscriber: string): string {
  return "subscription:" + subscriber;
}
export function apiKeyKey(hash: string): string {
  return "apikey:" + hash;
}
export function ownerKeyKey(subscriber: string, hash: string): string {
  return "owner_key:" + subscriber + ":" + hash;
}
export function activeKeyCountKey(subscriber: string): string {
  return "active_keys:" + subscriber;
}
export function handleKey(subscriber: string): string {
  return "handle:" + subscriber;
}
export function handleOwnerKey(handle: string): string {
  return "handle_owner:" + handle;
}
export function revenueKey(epoch: u64): string {
  return "revenue:" + epoch.toString();
}

/** Plan ids on offer. */
export function planIndex(): IndexedList {
  return new IndexedList("plans#");
}
/** Every API key hash ever created (revoked ones included). */
export function apiKeyIndex(): IndexedList {
  return new IndexedList("apikeys#");
}
/** The key hashes one subscriber created (revoked ones included). */
export function ownerKeyIndex(subscriber: string): IndexedList {
  return new IndexedList("owner_keys#" + subscriber + "#");
}

/** The configuration `{admin, payment_token, worker_manager, rewards_manager}`, or null after `fail`. */
export function loadConfig(): JsonValue | null {
  return loadInstantiated(KEY_CONFIG, CONTRACT_NAME);
}

/** A subscriber's pay-as-you-go balance in payment-token base units. */
export function depositBalance(subscriber: string): U128 {
  const text = Storage.getJsonString(balanceKey(subscriber));
  if (text === null) return U128.zero();
  const v = U128.parse(text);
  if (v === null) throw new Error("stored balance is not a Uint128");
  return v!;
}

/** A subscriber's stored plan period `{plan_id, expires_at}`, or null. */
export function loadSubscription(subscriber: string): JsonValue | null {
  const v = Storage.getJson(subscriptionKey(subscriber));
  return isAbsent(v) ? null : v;
}

/** Why `subscriber` may not use API keys at block time `now` (`expired`, `no_balance`), or null when they may. */
export function entitlement(subscriber: string, now: u64): string | null {
  const sub = loadSubscription(subscriber);
  if (sub !== null && sub.getU64("expires_at") > now) return null;
  if (!depositBalance(subscriber).isZero()) return null;
  return sub !== null ? "expired" : "no_balance";
}

/** The status answer of a key hash at block time `now`: `{active, key_handle, reason}`. */
export function keyStatus(hash: string, now: u64): JsonValue {
  const key = Storage.getJson(apiKeyKey(hash));
  const out = JsonValue.object();
  if (isAbsent(key)) return out.setBool("active", false).setNull("key_handle").setString("reason", "unknown");
  if (key!.getBool("revoked")) return out.setBool("active", false).setNull("key_handle").setString("reason", "revoked");
  const refusal = entitlement(key!.getString("owner")!, now);
  if (refusal !== null) return out.setBool("active", false).setNull("key_handle").setString("reason", refusal);
  const handle = Storage.getJsonString(handleKey(key!.getString("owner")!));
  return out.setBool("active", true).set("key_handle", JsonValue.strOrNull(handle)).setNull("reason");
}

/** A plan as stored: `{id, price, period_seconds, token_quota?}` with amounts checked; null after `fail`. */
export function normalisePlan(plan: JsonValue): JsonValue | null {
  const price = plan.getString("price")!;
  if (parseUint128(price, "plan price") === null) return null;
  const out = JsonValue.object().setString("id", plan.getString("id")!).setString("price", price).set("period_seconds", plan.get("period_seconds")!);
  const quota = plan.get("token_quota");
  if (!isAbsent(quota)) {
    const q = parseUint128(quota!.asString(), "token_quota");
    if (q === null) return null;
    out.setString("token_quota", q.toString());
  }
  return out;
}
