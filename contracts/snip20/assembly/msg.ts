/**
 * Small helpers over validated messages and answers: required fields, string lists, address checks with the
 * `Invalid <what> address: …` text, and the `{"<name>":{"status":"success"}}` answer. Optional fields (absent and
 * `null` alike, as serde reads them) are the library's `opt` / `getString` / `getBool`.
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

/** `list` without repeats, first occurrences kept in order (`[...new Set(list)]`). */
export function unique(list: string[]): string[] {
  const out = new Array<string>();
  for (let i = 0; i < list.length; i++) if (!out.includes(list[i])) out.push(list[i]);
  return out;
}

/** Checks a bech32 address through the host; false after recording `Invalid <what> address: <addr>`. */
export function validAddress(addr: string, what: string): bool {
  if (addrValidate(addr)) return true;
  fail(`Invalid ${what} address: ${addr}`);
  return false;
}

/** A response whose data is `{"<name>":{"status":"success"}}`. */
export function statusResponse(name: string): Response {
  const res = new Response();
  res.setData(JsonValue.object().set(name, JsonValue.object().set("status", JsonValue.str("success"))));
  return res;
}
