/**
 * The WorkerManager as Secret wasm (CosmWasm v1 interface): the AssemblyScript port of
 * `contracts/worker-manager/contract.ts` — registry of GPU workers and their assignment to subscribers — with the
 * same storage keys and values, answers, error texts, attributes and sub-messages. Every message is validated
 * against the contract's JSON Schemas (`schema.generated.ts`) before dispatch.
 */
import {runExecute, runInstantiate, runQuery, unsupported, variant, variantBody} from "../../lib/entry";
import {Env, Info} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {Response} from "../../lib/response";
import {SCHEMA_EXECUTE, SCHEMA_INSTANTIATE, SCHEMA_QUERY} from "./schema.generated";
import {instantiate as instantiateManager, removeWorker, revokePermit, setAcceptedMeasurements, slashWorker, updateConfig} from "./admin";
import {getNextWorker} from "./assign";
import * as q from "./query";
import {deregisterWorker, registerWorker, reportLiveness, updateWorker, withdrawStake} from "./workers";

export * from "../../lib/exports";

function executeManager(env: Env, info: Info, msg: JsonValue): Response | null {
  const name = variant(msg);
  const body = variantBody(msg);
  if (name == "register_worker") return registerWorker(env, info, body);
  if (name == "update_worker") return updateWorker(env, info, body);
  if (name == "deregister_worker") return deregisterWorker(env, info, body);
  if (name == "withdraw_stake") return withdrawStake(env, info, body);
  if (name == "report_liveness") return reportLiveness(env, info, body);
  if (name == "remove_worker") return removeWorker(env, info, body);
  if (name == "slash_worker") return slashWorker(env, info, body);
  if (name == "update_config") return updateConfig(env, info, body);
  if (name == "set_accepted_measurements") return setAcceptedMeasurements(env, info, body);
  if (name == "revoke_permit") return revokePermit(env, info, body);
  unsupported(name);
  return null;
}

function queryManager(env: Env, msg: JsonValue): JsonValue | null {
  const name = variant(msg);
  const body = variantBody(msg);
  if (name == "config") return q.config(env, body);
  if (name == "get_models") return q.getModels(env, body);
  if (name == "get_workers") return q.getWorkers(env, body);
  if (name == "get_worker") return q.getWorker(env, body);
  if (name == "get_next_worker") return getNextWorker(env, body);
  if (name == "accepted_measurements") return q.acceptedMeasurements(env, body);
  if (name == "get_registration_challenge") return q.getRegistrationChallenge(env, body);
  if (name == "get_u_r_ls") return q.getURLs(env, body);
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
