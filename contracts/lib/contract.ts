/**
 * Helpers most contract handlers need, over messages already valid against the contract's schema: required
 * fields, string lists, integers, address and contract-reference checks with the `Invalid <what> address: …` text,
 * the stored value written at instantiation, and the `{"<name>":{"status":"success"}}` answer. The texts are those
 * of `contracts/common/contract.ts`.
 */
import {addrValidate} from "./crypto";
import {JsonKind, JsonValue} from "./json";
import {Response} from "./response";
import {fail} from "./result";
import {Storage} from "./storage";
import {requireAdmin} from "./entry";

/** A required string field (present after schema validation). */
export function field(obj: JsonValue, key: string): string {
  return obj.get(key)!.asString();
}

/** The strings of an array value. */
export function stringList(v: JsonValue): string[] {
  const out = new Array<string>();
  const items = v.items;
  for (let i = 0; i < items.length; i++) out.push(items[i].asString());
  return out;
}

/** A JSON array of strings. */
export function jsonStrings(list: string[]): JsonValue {
  const out = JsonValue.array();
  for (let i = 0; i < list.length; i++) out.push(JsonValue.str(list[i]));
  return out;
}

/**
 * A non-negative integer number as u64. The schemas admit integers without an upper bound; beyond 2^64 − 1 (far
 * outside any block time or duration) the value saturates.
 */
export function u64Of(v: JsonValue): u64 {
  return v.fitsU64() ? v.asU64() : u64.MAX_VALUE;
}

/** Checks a bech32 address through the host; false after recording `Invalid <what> address: <addr>`. */
export function validAddress(addr: string, what: string): bool {
  if (addrValidate(addr)) return true;
  fail(`Invalid ${what} address: ${addr}`);
  return false;
}

/** A copy of a `ContractRef` (only `address` and `code_hash`) after checking its address; null after `fail`. */
export function contractRef(ref: JsonValue, what: string): JsonValue | null {
  const address = field(ref, "address");
  if (!validAddress(address, what)) return null;
  return JsonValue.object().setString("address", address).setString("code_hash", field(ref, "code_hash"));
}

/** True when an optional member is absent or JSON null (serde reads both as `None`). */
export function isAbsent(v: JsonValue | null): bool {
  return v === null || v.kind == JsonKind.Null;
}

/** The value stored under `key` at instantiation, or null after recording `<contractName> is not instantiated`. */
export function loadInstantiated(key: string, contractName: string): JsonValue | null {
  const v = Storage.getJson(key);
  if (v === null || v.kind == JsonKind.Null) {
    fail(`${contractName} is not instantiated`);
    return null;
  }
  return v;
}

/** A response whose data is `{"<name>":{"status":"success"}}`. */
export function statusResponse(name: string): Response {
  const res = new Response();
  res.setData(JsonValue.object().set(name, JsonValue.object().setString("status", "success")));
  return res;
}

/** `requireAdmin` against the `admin` member of a stored configuration. */
export function requireAdminOf(config: JsonValue, sender: string, action: string): bool {
  return requireAdmin(field(config, "admin"), sender, action);
}
