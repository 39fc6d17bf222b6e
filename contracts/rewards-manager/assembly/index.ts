/**
 * The RewardsManager as Secret wasm (CosmWasm v1 interface): the AssemblyScript port of
 * `contracts/rewards-manager/contract.ts` — usage reports, epochs and payouts, with the same storage keys and
 * values, answers, error texts, attributes and sub-messages. Every message is validated against the contract's JSON
 * Schemas (`schema.generated.ts`) before dispatch.
 */
import {Env, Info} from "../../lib/env";
import {runExecute, runInstantiate, runQuery, unsupported, variant} from "../../lib/entry";
import {JsonValue} from "../../lib/json";
import {Response} from "../../lib/response";
import {failed} from "../../lib/result";
import {instantiateRewards, revokePermit, updateConfig} from "./config";
import {claimRewards, closeEpoch} from "./payout";
import * as q from "./query";
import {receive} from "./revenue";
import {SCHEMA_EXECUTE, SCHEMA_INSTANTIATE, SCHEMA_QUERY} from "./schema.generated";
import {reportWork} from "./work";

export * from "../../lib/exports";

function executeRewards(env: Env, info: Info, msg: JsonValue): Response | null {
  const name = variant(msg);
  if (failed()) return null;
  const body = msg.get(name)!;
  if (name == "report_work") return reportWork(env, info, body);
  if (name == "close_epoch") return closeEpoch(env, info, body);
  if (name == "claim_rewards") return claimRewards(env, info, body);
  if (name == "receive") return receive(env, info, body);
  if (name == "update_config") return updateConfig(env, info, body);
  if (name == "revoke_permit") return revokePermit(env, info, body);
  unsupported(name);
  return null;
}

function queryRewards(env: Env, msg: JsonValue): JsonValue | null {
  const name = variant(msg);
  if (failed()) return null;
  const body = msg.get(name)!;
  if (name == "config") return q.config(env, body);
  if (name == "epoch") return q.epoch(env, body);
  if (name == "pending_rewards") return q.pendingRewards(env, body);
  if (name == "worker_usage") return q.workerUsage(env, body);
  unsupported(name);
  return null;
}

export function instantiate(env: u32, info: u32, msg: u32): u32 {
  return runInstantiate(env, info, msg, SCHEMA_INSTANTIATE, instantiateRewards);
}

export function execute(env: u32, info: u32, msg: u32): u32 {
  return runExecute(env, info, msg, SCHEMA_EXECUTE, executeRewards);
}

export function query(env: u32, msg: u32): u32 {
  return runQuery(env, msg, SCHEMA_QUERY, queryRewards);
}
