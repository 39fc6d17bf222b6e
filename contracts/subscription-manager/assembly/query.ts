/** The SubscriptionManager's queries; answers are byte-identical to the TypeScript contract's. */
import {field, isAbsent} from "../../lib/contract";
import {Env} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {verifyPermit} from "../../lib/permit";
import {fail} from "../../lib/result";
import {Storage} from "../../lib/storage";
import {apiKeyIndex, apiKeyKey, depositBalance, handleOwnerKey, keyStatus, loadConfig, loadSubscription, ownerKeyIndex, planIndex, planKey, revenueKey} from "./state";

export function config(env: Env, body: JsonValue): JsonValue | null {
  return loadConfig();
}

export function plans(env: Env, body: JsonValue): JsonValue | null {
  const ids = planIndex().sorted();
  const list = JsonValue.array();
  for (let i = 0; i < ids.length; i++) {
    const plan = Storage.getJson(planKey(ids[i]));
    if (plan !== null) list.push(plan);
  }
  return JsonValue.object().set("plans", list);
}

export function subscription(env: Env, body: JsonValue): JsonValue | null {
  const subscriber = verifyPermit(body.get("permit")!, env.contractAddress, env.time, "balance");
  if (subscriber === null) return null;
  const sub = loadSubscription(subscriber);
  const active = sub !== null && sub.getU64("expires_at") > env.time;
  return JsonValue.object()
    .setString("subscriber", subscriber)
    .setBool("active", active)
    .setString("status", active ? "active" : sub !== null ? "expired" : "none")
    .set("plan_id", sub !== null ? sub.get("plan_id")! : JsonValue.null_())
    .set("expires_at", sub !== null ? sub.get("expires_at")! : JsonValue.null_())
    .setString("balance", depositBalance(subscriber).toString())
    .setNull("usage");
}

export function apiKeyStatus(env: Env, body: JsonValue): JsonValue | null {
  return keyStatus(field(body, "key_hash"), env.time);
}

export function apiKeys(env: Env, body: JsonValue): JsonValue | null {
  const subscriber = verifyPermit(body.get("permit")!, env.contractAddress, env.time, "balance");
  if (subscriber === null) return null;
  const hashes = ownerKeyIndex(subscriber).sorted();
  const list = JsonValue.array();
  for (let i = 0; i < hashes.length; i++) {
    const key = Storage.getJson(apiKeyKey(hashes[i]))!;
    list.push(
      JsonValue.object()
        .setString("key_hash", hashes[i])
        .setBool("active", keyStatus(hashes[i], env.time).getBool("active"))
        .setBool("revoked", key.getBool("revoked"))
        .set("created_at", key.get("created_at")!),
    );
  }
  return JsonValue.object().set("api_keys", list);
}

export function apiKeysWithPermit(env: Env, body: JsonValue): JsonValue | null {
  const signer = verifyPermit(body.get("permit")!, env.contractAddress, env.time, null);
  if (signer === null) return null;
  const config = loadConfig();
  if (config === null) return null;
  if (signer != field(config, "admin")) {
    fail("Unauthorized: only the admin may list every API key");
    return null;
  }
  const hashes = apiKeyIndex().sorted();
  const list = JsonValue.array();
  for (let i = 0; i < hashes.length; i++) {
    if (keyStatus(hashes[i], env.time).getBool("active")) list.push(JsonValue.object().setString("hashed_key", hashes[i]));
  }
  return JsonValue.object().set("api_keys", list);
}

export function revenue(env: Env, body: JsonValue): JsonValue | null {
  const epoch = body.get("epoch")!;
  const r = Storage.getJson(revenueKey(epoch.asU64()));
  const out = JsonValue.object().set("epoch", epoch);
  if (isAbsent(r)) return out.setString("amount", "0").setU64("payments", 0);
  return out.set("amount", r!.get("amount")!).set("payments", r!.get("payments")!);
}

export function keyHandleMatches(env: Env, body: JsonValue): JsonValue | null {
  const owner = Storage.getJsonString(handleOwnerKey(field(body, "key_handle")));
  return JsonValue.object().setBool("matches", owner !== null && owner == field(body, "subscriber"));
}
