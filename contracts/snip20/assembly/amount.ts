/**
 * Amounts in storage (canonical decimal strings, zero when absent), and the one sum the contract quotes beyond
 * 2^128 − 1 (the BigInt total of a multi-denomination deposit). Parsing and checked arithmetic with the texts of
 * `contracts/common/uint128.ts` are the library's `parseUint128` / `checkedAdd`.
 */
import {JsonValue} from "../../lib/json";
import {Storage} from "../../lib/storage";
import {U128} from "../../lib/u128";

/** Sum of two canonical decimal strings of any length. */
export function decimalAdd(a: string, b: string): string {
  let out = "";
  let carry: i32 = 0;
  let i = a.length - 1;
  let j = b.length - 1;
  while (i >= 0 || j >= 0 || carry > 0) {
    const da: i32 = i >= 0 ? a.charCodeAt(i) - 0x30 : 0;
    const db: i32 = j >= 0 ? b.charCodeAt(j) - 0x30 : 0;
    const d = da + db + carry;
    out = String.fromCharCode(0x30 + (d % 10)) + out;
    carry = d / 10;
    i--;
    j--;
  }
  return out;
}

/** The amount stored under `key` (a decimal string), zero when absent. */
export function amountAt(key: string): U128 {
  const stored = Storage.getJsonString(key);
  return stored === null ? U128.zero() : U128.parse(stored)!;
}

/** Stores `value` under `key` as its decimal string. */
export function setAmount(key: string, value: U128): void {
  Storage.setJson(key, JsonValue.str(value.toString()));
}
