/**
 * SubscriptionManager as Secret wasm (CosmWasm v1 interface): the AssemblyScript port of
 * `contracts/subscription-manager/contract.ts` — payments through SNIP-20 `send` → `receive`, plans, API keys and
 * the revenue of each epoch — with the same storage values, answers, error texts and sub-messages. Every message
 * is validated against the contract's JSON Schemas (`schema.generated.ts`) before dispatch.
 *
 * Not built: `charge_usage` (deposits become revenue only when charged), usage per epoch in `subscription`
 * (answered `null`), token quotas (stored with the plan, not enforced).
 */
import {Env, Info} from "../../lib/env";
import {runExecute, runInstantiate, runQuery, unsupported, variant, variantBody} from "../../lib/entry";
import {JsonValue} from "../../lib/json";
import {Response} from "../../lib/response";
import {SCHEMA_EXECUTE, SCHEMA_INSTANTIATE, SCHEMA_QUERY} from "./schema.generated";
import {chargeUsage, instantiateManager, removePlan, revokePermit, setPlan, updateConfig} from "./admin";
import {createApiKey, revokeApiKey} from "./apikeys";
import {receive} from "./payments";
import * as q from "./query";

export * from "../../lib/exports";

function executeManager(env: Env, info: Info, msg: JsonValue): Response | null {
  const name = variant(msg);
  const body = variantBody(msg);
  if (name == "receive") return receive(env, info, body);
  if (name == "create_api_key") return createApiKey(env, info, body);
  if (name == "revoke_api_key") return revokeApiKey(env, info, body);
  if (name == "set_plan") return setPlan(env, info, body);
  if (name == "remove_plan") return removePlan(env, info, body);
  if (name == "update_config") return updateConfig(env, info, body);
  if (name == "revoke_permit") return revokePermit(env, info, body);
  if (name == "charge_usage") return chargeUsage(env, info, body);
  unsupported(name);
  return null;
}

function queryManager(env: Env, msg: JsonValue): JsonValue | null {
  const name = variant(msg);
  const body = variantBody(msg);
  if (name == "config") return q.config(env, body);
  if (name == "plans") return q.plans(env, body);
  if (name == "subscription") return q.subscription(env, body);
  if (name == "api_key_status") return q.apiKeyStatus(env, body);
  if (name == "api_keys") return q.apiKeys(env, body);
  if (name == "api_keys_with_permit") return q.apiKeysWithPermit(env, body);
  if (name == "revenue") return q.revenue(env, body);
  if (name == "key_handle_matches") return q.keyHandleMatches(env, body);
  unsupported(name);
  return null;
}

export function instantiate(env: u32, info: u32, msg: u32): u32 {
  return runInstantiate(env, info, msg, SCHEMA_INSTANTIATE, instantiateManager);
}

export function execute(env: u32, info: u32, msg: u32): u32 {
  return runExecute(env, info, msg, SCHEMA_EXECUTE, executeManager);
}

export function query(env: u32, msg: u32): u32 {
  return runQuery(env, msg, SCHEMA_QUERY, queryManager);
}
