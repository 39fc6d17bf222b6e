/**
 * The SNIP-20 token contract as Secret wasm (CosmWasm v1 interface): the AssemblyScript port of
 * `contracts/snip20/contract.ts`, with the same storage keys and values, answers, error texts and sub-messages.
 * Every message is validated against the contract's JSON Schemas (`schema.generated.ts`) before dispatch.
 */
import {Env, Info} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {Response} from "../../lib/response";
import {runExecute, runInstantiate, runQuery, unsupported, variant, variantBody} from "../../lib/entry";
import {SCHEMA_EXECUTE, SCHEMA_INSTANTIATE, SCHEMA_QUERY} from "./schema.generated";
import {changeAllowance} from "./allowance";
import {createViewingKey, deposit, redeem, revokePermit, setViewingKey} from "./account";
import {instantiateToken} from "./instantiate";
import * as q from "./query";
import {addMinters, burn, changeAdmin, mint, removeMinters, setMinters} from "./supply";
import {registerReceive, send, sendFrom, transfer, transferFrom} from "./transfer";

export * from "../../lib/exports";

function executeToken(env: Env, info: Info, msg: JsonValue): Response | null {
  const name = variant(msg);
  const body = variantBody(msg);
  if (name == "transfer") return transfer(env, info, body);
  if (name == "send") return send(env, info, body);
  if (name == "register_receive") return registerReceive(env, info, body);
  if (name == "create_viewing_key") return createViewingKey(env, info, body);
  if (name == "set_viewing_key") return setViewingKey(env, info, body);
  if (name == "revoke_permit") return revokePermit(env, info, body);
  if (name == "deposit") return deposit(env, info, body);
  if (name == "redeem") return redeem(env, info, body);
  if (name == "mint") return mint(env, info, body);
  if (name == "burn") return burn(env, info, body);
  if (name == "increase_allowance") return changeAllowance(env, info, body, name, true);
  if (name == "decrease_allowance") return changeAllowance(env, info, body, name, false);
  if (name == "transfer_from") return transferFrom(env, info, body);
  if (name == "send_from") return sendFrom(env, info, body);
  if (name == "add_minters") return addMinters(env, info, body);
  if (name == "remove_minters") return removeMinters(env, info, body);
  if (name == "set_minters") return setMinters(env, info, body);
  if (name == "change_admin") return changeAdmin(env, info, body);
  unsupported(name);
  return null;
}

function queryToken(env: Env, msg: JsonValue): JsonValue | null {
  const name = variant(msg);
  const body = variantBody(msg);
  if (name == "token_info") return q.tokenInfo(env, body);
  if (name == "token_config") return q.tokenConfig(env, body);
  if (name == "exchange_rate") return q.exchangeRate(env, body);
  if (name == "minters") return q.minters(env, body);
  if (name == "balance") return q.balance(env, body);
  if (name == "transaction_history") return q.transactionHistory(env, body);
  if (name == "transfer_history") return q.transferHistory(env, body);
  if (name == "allowance") return q.allowance(env, body);
  if (name == "with_permit") return q.withPermit(env, body);
  unsupported(name);
  return null;
}

export function instantiate(env: u32, info: u32, msg: u32): u32 {
  return runInstantiate(env, info, msg, SCHEMA_INSTANTIATE, instantiateToken);
}

export function execute(env: u32, info: u32, msg: u32): u32 {
  return runExecute(env, info, msg, SCHEMA_EXECUTE, executeToken);
}

export function query(env: u32, msg: u32): u32 {
  return runQuery(env, msg, SCHEMA_QUERY, queryToken);
}
