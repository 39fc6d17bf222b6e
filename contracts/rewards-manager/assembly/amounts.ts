/**
 * Uint128 amounts and weights as the TypeScript contract kept them: BigInt arithmetic whose results were stored
 * with `formatUint128`, which refuses values outside 0 … 2^128 − 1 with `Uint128 out of range: <value>`. Sums and
 * differences here fail with that text (and the exact out-of-range value) instead of wrapping.
 */
import {JsonValue} from "../../lib/json";
import {fail} from "../../lib/result";
import {U128} from "../../lib/u128";

/** The decimal amount stored in member `key` of a stored object. */
export function amountIn(obj: JsonValue, key: string): U128 {
  const v = obj.get(key);
  const parsed: U128 | null = v !== null ? U128.parse(v.asString()) : null;
  if (parsed === null) throw new Error("stored amount is not a decimal Uint128: " + key);
  return parsed!;
}

/** Sets member `key` to the amount's decimal text. */
export function setAmountIn(obj: JsonValue, key: string, value: U128): void {
  obj.setString(key, value.toString());
}

/** Sum of two decimal strings of any length. */
function decimalSum(a: string, b: string): string {
  let out = "";
  let carry: i32 = 0;
  let i = a.length - 1;
  let j = b.length - 1;
  while (i >= 0 || j >= 0 || carry > 0) {
    const d = (i >= 0 ? a.charCodeAt(i) - 0x30 : 0) + (j >= 0 ? b.charCodeAt(j) - 0x30 : 0) + carry;
    out = String.fromCharCode(0x30 + (d % 10)) + out;
    carry = d / 10;
    i--;
    j--;
  }
  return out;
}

/** `a + b`, or null after `Uint128 out of range: <a + b>`. */
export function addAmounts(a: U128, b: U128): U128 | null {
  const sum = a.add(b);
  if (sum === null) fail("Uint128 out of range: " + decimalSum(a.toString(), b.toString()));
  return sum;
}

/** `a − b`, or null after `Uint128 out of range: -<b − a>`. */
export function subAmounts(a: U128, b: U128): U128 | null {
  const difference = a.sub(b);
  if (difference === null) fail("Uint128 out of range: -" + b.sub(a)!.toString());
  return difference;
}
