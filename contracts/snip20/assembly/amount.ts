/**
 * Uint128 amounts with the texts of `contracts/common/uint128.ts`: parsing (`Invalid amount: …`), checked
 * addition (`Overflow: Cannot Add with a and b`), and storage as canonical decimal strings.
 */
import {fail} from "../../lib/result";
import {U128} from "../../lib/u128";
import {JsonValue} from "../../lib/json";
import {Storage} from "../../lib/storage";

/** True when `text` is one or more ASCII digits (`^[0-9]+$`). */
function isDecimal(text: string): bool {
  if (text.length == 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** `text` without leading zeros ("0" for all zeros). */
function stripZeros(text: string): string {
  let i = 0;
  while (i < text.length - 1 && text.charCodeAt(i) == 0x30) i++;
  return text.substring(i);
}

/** `parseUint128(text, what)`: the value, or null after recording the reference failure text. */
export function parseAmount(text: string, what: string = "amount"): U128 | null {
  if (!isDecimal(text)) {
    fail(`Invalid ${what}: "${text}" is not a decimal Uint128`);
    return null;
  }
  const value = U128.parse(stripZeros(text));
  if (value === null) {
    fail(`Invalid ${what}: ${text} exceeds the Uint128 maximum`);
    return null;
  }
  return value;
}

/** `checkedAdd(a, b)`: the sum, or null after recording `Overflow: Cannot Add with a and b`. */
export function checkedAdd(a: U128, b: U128): U128 | null {
  const sum = a.add(b);
  if (sum === null) fail(`Overflow: Cannot Add with ${a.toString()} and ${b.toString()}`);
  return sum;
}

/** Sum of two canonical decimal strings of any length (for texts that quote a sum above 2^128 − 1). */
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
  return stripZeros(out);
}

/** The amount stored under `key` (a decimal string), zero when absent. */
export function amountAt(key: string): U128 {
  const stored = Storage.getJson(key);
  if (stored === null) return U128.fromU64(0);
  return U128.parse(stored.asString())!;
}

/** Stores `value` under `key` as its decimal string. */
export function setAmount(key: string, value: U128): void {
  Storage.setJson(key, JsonValue.str(value.toString()));
}
