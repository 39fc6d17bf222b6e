/**
 * Small helpers over validated messages: required fields, JSON numbers as `JSON.stringify` writes them, address and
 * contract-reference checks with the `Invalid <what> address: …` text, and the `{"<name>":{"status":"success"}}`
 * answer (`contracts/common/contract.ts`). Optional fields (absent and `null` alike) are the library's `opt` /
 * `getString`.
 */
import {addrValidate} from "../../lib/crypto";
import {JsonValue} from "../../lib/json";
import {jsonNumberText} from "../../lib/number";
import {Response} from "../../lib/response";
import {fail} from "../../lib/result";

/** A required string field (present after schema validation). */
export function field(obj: JsonValue, key: string): string {
  return obj.get(key)!.asString();
}

/** A number of a message as the TypeScript contract stored or printed it (`JSON.stringify` / `String` of the double). */
export function numberText(v: JsonValue): string {
  return jsonNumberText(v.numText);
}

/** A copy of a message number, normalised as `JSON.stringify` writes it (`3600.0` → `3600`). */
export function numberJson(v: JsonValue): JsonValue {
  return JsonValue.num(numberText(v));
}

/**
 * A non-negative integer of a message (an `EpochId`, a count). The schema guarantees an integer ≥ 0; one above
 * 2^64 − 1 reads as 2^64 − 1 (see README: such epochs lie far beyond any reachable one).
 */
export function integerOf(v: JsonValue): u64 {
  return v.fitsU64() ? v.asU64() : u64.MAX_VALUE;
}

/** Checks a bech32 address through the host; false after recording `Invalid <what> address: <addr>`. */
export function validAddress(addr: string, what: string): bool {
  if (addrValidate(addr)) return true;
  fail("Invalid " + what + " address: " + addr);
  return false;
}

/** `{address, code_hash}` of a contract reference after checking its address; null after a failure. */
export function contractRef(ref: JsonValue, what: string): JsonValue | null {
  const address = field(ref, "address");
  if (!validAddress(address, what)) return null;
  return JsonValue.object().setString("address", address).setString("code_hash", field(ref, "code_hash"));
}

/** A response whose data is `{"<name>":{"status":"success"}}`. */
export function statusResponse(name: string): Response {
  return new Response().setData(JsonValue.object().set(name, JsonValue.object().setString("status", "success")));
}
