/**
 * Small helpers over validated messages and stored values: required fields, string lists, integers, address and
 * contract-reference checks with the `Invalid <what> address: …` text, and the `{"<name>":{"status":"success"}}`
 * answer. Optional fields (absent and `null` alike) are read with the library's `opt` / `getString`.
 */
import {JsonValue} from "../../lib/json";
import {fail} from "../../lib/result";
import {addrValidate} from "../../lib/crypto";
import {Response} from "../../lib/response";

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

/** The value of a string of ASCII digits that fits in u64 (callers check the range). */
export function decimalU64(digits: string): u64 {
  let v: u64 = 0;
  for (let i = 0; i < digits.length; i++) v = v * 10 + <u64>(digits.charCodeAt(i) - 0x30);
  return v;
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

/** A response whose data is `{"<name>":{"status":"success"}}`. */
export function statusResponse(name: string): Response {
  const res = new Response();
  res.setData(JsonValue.object().set(name, JsonValue.object().setString("status", "success")));
  return res;
}
