/**
 * JSON integers as the TypeScript contract sees them: `JSON.parse` makes a double, `JSON.stringify` writes it back
 * in its shortest form (`5.0`, `5e0` and `50e-1` all become `5`). Values the schema accepted as integers are turned
 * into that form here, exactly for every integer up to 2^53 (the range where doubles are exact).
 */
import {JsonValue} from "../../lib/json";

const MAX_SAFE_INTEGER: u64 = 9007199254740991;
const U64_MAX_DIGITS = 20;

/** The value of a JSON integer's text, saturated at `u64.MAX_VALUE`; 0 for negative or non-integer text. */
export function integerText(text: string): u64 {
  let digits = "";
  let i = 0;
  if (i < text.length && text.charCodeAt(i) == 0x2d) return 0; // "-0" is the only negative integer allowed
  let exp: i32 = 0;
  let inFraction = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      digits += String.fromCharCode(c);
      if (inFraction) exp--;
    } else if (c == 0x2e) {
      inFraction = true;
    } else {
      break; // e / E
    }
  }
  if (i < text.length) {
    i++;
    let sign: i32 = 1;
    if (text.charCodeAt(i) == 0x2d) { sign = -1; i++; } else if (text.charCodeAt(i) == 0x2b) i++;
    let e: i32 = 0;
    for (; i < text.length; i++) {
      e = e * 10 + (text.charCodeAt(i) - 0x30);
      if (e > 1000) e = 1000; // far beyond any u64
    }
    exp += sign * e;
  }
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) == 0x30) start++;
  digits = digits.substring(start);
  if (digits.length == 0) return 0;
  if (exp < 0) {
    const keep = digits.length + exp;
    if (keep <= 0) return 0;
    digits = digits.substring(0, keep);
  } else if (exp > 0) {
    if (digits.length + exp > U64_MAX_DIGITS) return u64.MAX_VALUE;
    digits = digits + "0".repeat(exp);
  }
  if (digits.length > U64_MAX_DIGITS) return u64.MAX_VALUE;
  let value: u64 = 0;
  for (let k = 0; k < digits.length; k++) {
    const d = <u64>(digits.charCodeAt(k) - 0x30);
    if (value > (u64.MAX_VALUE - d) / 10) return u64.MAX_VALUE;
    value = value * 10 + d;
  }
  return value;
}

/** A JSON integer in the form `JSON.stringify` gives it (exact up to 2^53; larger values keep their text). */
export function integerValue(v: JsonValue): JsonValue {
  const n = integerText(v.numText);
  return n <= MAX_SAFE_INTEGER ? JsonValue.uint(n) : v;
}
