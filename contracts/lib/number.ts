/**
 * JSON numbers without floating point. A number is kept as its decimal text; this module answers what the
 * TypeScript contracts got from `JSON.parse` (an IEEE double) exactly, with integer arithmetic only:
 * - its JSON Schema type: `integer` (`Number.isInteger`), `number`, or invalid (it overflows to Infinity);
 *   rounding is taken into account (`1.0000000000000001` and `1e-400` are integers, `1e400` is invalid);
 * - comparisons (`minimum`, `maximum`) and equality (`const`, `enum`, `uniqueItems`);
 * - its text as `JSON.stringify` writes it, for every number with at most 15 significant digits and every
 *   integer up to 2^53. Other numbers keep their own text (no schema of ours admits them except as large
 *   integers, where the double would have lost digits anyway).
 */

/** `(-1)^neg × digits × 10^exp`; `digits` has no leading or trailing zeros and is "" for zero. */
export class Decimal {
  constructor(
    public neg: bool,
    public digits: string,
    public exp: i32,
  ) {}

  get isZero(): bool {
    return this.digits.length == 0;
  }

  /** Decimal exponent of the leading digit plus one: the value lies in [10^(mag-1), 10^mag). */
  get mag(): i32 {
    return this.exp + this.digits.length;
  }
}

/** Classes of `numberClass`. */
export const NUM_INTEGER: i32 = 0;
export const NUM_FRACTION: i32 = 1;
export const NUM_INFINITE: i32 = 2;

/** Exponents beyond this are saturated while parsing (far outside the double range either way). */
const EXP_LIMIT: i32 = 100000000;

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

/** Parses text that already matches the JSON number grammar. */
export function parseDecimal(text: string): Decimal {
  let i = 0;
  const n = text.length;
  let neg = false;
  if (i < n && text.charCodeAt(i) == 0x2d) {
    neg = true;
    i++;
  }
  const start = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  let mantissa = text.substring(start, i);
  let fracLen = 0;
  if (i < n && text.charCodeAt(i) == 0x2e) {
    i++;
    const fs = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    mantissa += text.substring(fs, i);
    fracLen = i - fs;
  }
  let e: i32 = 0;
  if (i < n && (text.charCodeAt(i) | 0x20) == 0x65) {
    i++;
    let eneg = false;
    if (i < n && (text.charCodeAt(i) == 0x2b || text.charCodeAt(i) == 0x2d)) {
      eneg = text.charCodeAt(i) == 0x2d;
      i++;
    }
    while (i < n && isDigit(text.charCodeAt(i))) {
      if (e < EXP_LIMIT) e = e * 10 + (text.charCodeAt(i) - 0x30);
      i++;
    }
    if (eneg) e = -e;
  }
  // Strip leading and trailing zeros.
  let a = 0;
  let b = mantissa.length;
  while (a < b && mantissa.charCodeAt(a) == 0x30) a++;
  while (b > a && mantissa.charCodeAt(b - 1) == 0x30) b--;
  if (a == b) return new Decimal(neg, "", 0);
  const exp = e - fracLen + (mantissa.length - b);
  return new Decimal(neg, mantissa.substring(a, b), exp);
}

// ---------------------------------------------------------------------------------------------------------------
// Arbitrary-size non-negative integers as digit arrays (most significant first), for the rare exact checks.
// ---------------------------------------------------------------------------------------------------------------

function digitsOf(s: string, trailingZeros: i32): Uint8Array {
  const out = new Uint8Array(s.length + trailingZeros);
  for (let i = 0; i < s.length; i++) unchecked((out[i] = <u8>(s.charCodeAt(i) - 0x30)));
  return out;
}

/** `d × 2^m` (d without leading zeros). */
function timesPow2(d: Uint8Array, m: i32): Uint8Array {
  let cur = d;
  while (m > 0) {
    const step = m < 20 ? m : 20;
    m -= step;
    const factor: u32 = 1 << step;
    // Result has at most 7 more digits than the input (2^20 < 10^7).
    const out = new Uint8Array(cur.length + 7);
    let carry: u32 = 0;
    for (let i = cur.length - 1, o = out.length - 1; i >= 0; i--, o--) {
      const v = <u32>unchecked(cur[i]) * factor + carry;
      unchecked((out[o] = <u8>(v % 10)));
      carry = v / 10;
    }
    for (let o = 6; carry > 0; o--) {
      unchecked((out[o] = <u8>(carry % 10)));
      carry /= 10;
    }
    let lead = 0;
    while (lead < out.length - 1 && unchecked(out[lead]) == 0) lead++;
    cur = out.subarray(lead);
  }
  return cur;
}

/** Compares two digit arrays without leading zeros as integers. */
function cmpDigits(a: Uint8Array, b: Uint8Array): i32 {
  if (a.length != b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < a.length; i++) {
    const x = unchecked(a[i]);
    const y = unchecked(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Compares `d` (no leading zeros) with 10^p. */
function cmpPow10(d: Uint8Array, p: i32): i32 {
  if (d.length != p + 1) return d.length < p + 1 ? -1 : 1;
  if (unchecked(d[0]) > 1) return 1;
  for (let i = 1; i < d.length; i++) if (unchecked(d[i]) != 0) return 1;
  return 0;
}

/** `10^len − d` for a digit array of length `len` (d < 10^len), without leading zeros. */
function complementPow10(d: Uint8Array): Uint8Array {
  const out = new Uint8Array(d.length + 1);
  let borrow = 0;
  for (let i = d.length - 1; i >= 0; i--) {
    let v = 0 - <i32>unchecked(d[i]) - borrow;
    borrow = 0;
    if (v < 0) {
      v += 10;
      borrow = 1;
    }
    unchecked((out[i + 1] = <u8>v));
  }
  unchecked((out[0] = <u8>(1 - borrow)));
  let lead = 0;
  while (lead < out.length - 1 && unchecked(out[lead]) == 0) lead++;
  return out.subarray(lead);
}

function stripLeading(d: Uint8Array): Uint8Array {
  let lead = 0;
  while (lead < d.length - 1 && unchecked(d[lead]) == 0) lead++;
  return d.subarray(lead);
}

/** 2^52: from here on every double is an integer. */
const TWO_52: u64 = 4503599627370496;
/** 2^53: every integer up to here is exact as a double. */
const TWO_53: u64 = 9007199254740992;

/** The value of up to 19 leading digits of `s` (missing positions count as 0) as an integer. */
function leadingU64(s: string, count: i32): u64 {
  let v: u64 = 0;
  for (let i = 0; i < count; i++) v = v * 10 + (i < s.length ? <u64>(s.charCodeAt(i) - 0x30) : 0);
  return v;
}

function decimalOfU64(neg: bool, v: u64): Decimal {
  if (v == 0) return new Decimal(neg, "", 0);
  let exp = 0;
  while (v % 10 == 0) {
    v /= 10;
    exp++;
  }
  return new Decimal(neg, v.toString(), exp);
}

/** Result of `analyse`: the class and, for integers, the integer the double holds (when it differs from the text). */
class Analysis {
  constructor(
    public cls: i32,
    public effective: Decimal,
  ) {}
}

/** Is `sig × 10^exp` (exp < 0) at most 2^-1075, i.e. does the double round to zero? */
function roundsToZero(d: Decimal): bool {
  if (d.mag <= -324) return true;
  if (d.mag >= -322) return false;
  return cmpPow10(timesPow2(digitsOf(d.digits, 0), 1075), -d.exp) <= 0;
}

/** Does `sig × 10^exp` overflow to Infinity (≥ 2^1024 − 2^970, where ties round to 2^1024)? */
function overflows(d: Decimal): bool {
  if (d.mag > 309) return true;
  if (d.mag < 309) return false;
  const limit = timesPow2(digitsOf("18014398509481983", d.exp < 0 ? -d.exp : 0), 970); // (2^54 − 1) · 2^970
  return cmpDigits(digitsOf(d.digits, d.exp > 0 ? d.exp : 0), limit) >= 0;
}

function analyse(d: Decimal): Analysis {
  if (d.isZero) return new Analysis(NUM_INTEGER, d);
  if (overflows(d)) return new Analysis(NUM_INFINITE, d);
  const mag = d.mag;
  if (mag >= 17) return new Analysis(NUM_INTEGER, d);
  if (d.exp >= 0) return new Analysis(NUM_INTEGER, d);
  if (mag == 16) {
    const floor = leadingU64(d.digits, 16);
    if (floor >= TWO_53) return new Analysis(NUM_INTEGER, d);
    if (floor >= TWO_52) {
      // Spacing 1 here: round to the nearest integer, ties to even.
      const half = compareMagnitude(new Decimal(false, d.digits.substring(16), -(d.digits.length - 16)), new Decimal(false, "5", -1));
      const up = half > 0 || (half == 0 && (floor & 1) == 1);
      return new Analysis(NUM_INTEGER, decimalOfU64(d.neg, up ? floor + 1 : floor));
    }
  }
  if (roundsToZero(d)) return new Analysis(NUM_INTEGER, new Decimal(d.neg, "", 0));
  // A non-integer with at most 15 significant digits is too far from every integer to round to one, and one below
  // 0.1 can only round to zero (handled above).
  if (d.digits.length <= 15 || mag < 0) return new Analysis(NUM_FRACTION, d);
  // Now 0.1 ≤ |v| < 2^52 with a fractional part: does the double land on floor(v) or floor(v) + 1?
  const intLen = mag;
  const floor = leadingU64(d.digits, intLen);
  const frac = digitsOf(d.digits.substring(intLen), 0);
  const fracLen = frac.length;
  if (floor >= 1) {
    const k = 63 - <i32>clz(floor);
    if (cmpPow10(timesPow2(stripLeading(frac), 53 - k), fracLen) <= 0) return new Analysis(NUM_INTEGER, decimalOfU64(d.neg, floor));
  }
  const up = floor + 1;
  const ku = 63 - <i32>clz(up);
  const m = (up & (up - 1)) == 0 ? 54 - ku : 53 - ku;
  if (cmpPow10(timesPow2(complementPow10(frac), m), fracLen) <= 0) return new Analysis(NUM_INTEGER, decimalOfU64(d.neg, up));
  return new Analysis(NUM_FRACTION, d);
}

/**
 * Number of digits when `text` is a plain integer (`-?[0-9]+`, no fraction or exponent), else -1. The JSON
 * grammar already rules out leading zeros.
 */
function plainDigits(text: string): i32 {
  const n = text.length;
  let i = n > 0 && text.charCodeAt(0) == 0x2d ? 1 : 0;
  if (i == n) return -1;
  for (let j = i; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c < 0x30 || c > 0x39) return -1;
  }
  return n - i;
}

/** The value of a plain integer of at most 18 digits (see `plainDigits`). */
function plainValue(text: string): i64 {
  const neg = text.charCodeAt(0) == 0x2d;
  let v: i64 = 0;
  for (let j = neg ? 1 : 0; j < text.length; j++) v = v * 10 + <i64>(text.charCodeAt(j) - 0x30);
  return neg ? -v : v;
}

/** `NUM_INTEGER`, `NUM_FRACTION` or `NUM_INFINITE` for a JSON number's text. */
export function numberClass(text: string): i32 {
  const digits = plainDigits(text);
  if (digits >= 0 && digits <= 308) return NUM_INTEGER;
  return analyse(parseDecimal(text)).cls;
}

/** The value the double holds when it is an integer (e.g. 1 for `1.0000000000000001`), else the decimal itself. */
export function effectiveDecimal(text: string): Decimal {
  return analyse(parseDecimal(text)).effective;
}

/** Compares two JSON numbers by value; Infinity compares above every finite number of its sign. */
export function compareNumbers(a: string, b: string): i32 {
  const da = plainDigits(a);
  const db = plainDigits(b);
  if (da >= 0 && da <= 18 && db >= 0 && db <= 18) {
    const x = plainValue(a);
    const y = plainValue(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = analyse(parseDecimal(a));
  const y = analyse(parseDecimal(b));
  return compareAnalysed(x, y);
}

function signOf(a: Analysis): i32 {
  if (a.effective.isZero) return 0;
  return a.effective.neg ? -1 : 1;
}

function compareAnalysed(x: Analysis, y: Analysis): i32 {
  const sx = signOf(x);
  const sy = signOf(y);
  if (sx != sy) return sx < sy ? -1 : 1;
  if (sx == 0) return 0;
  let c: i32;
  if (x.cls == NUM_INFINITE || y.cls == NUM_INFINITE) {
    c = x.cls == y.cls ? 0 : x.cls == NUM_INFINITE ? 1 : -1;
  } else {
    c = compareMagnitude(x.effective, y.effective);
  }
  return sx < 0 ? -c : c;
}

function compareMagnitude(a: Decimal, b: Decimal): i32 {
  if (a.mag != b.mag) return a.mag < b.mag ? -1 : 1;
  const n = a.digits.length > b.digits.length ? a.digits.length : b.digits.length;
  for (let i = 0; i < n; i++) {
    const x = i < a.digits.length ? a.digits.charCodeAt(i) : 0x30;
    const y = i < b.digits.length ? b.digits.charCodeAt(i) : 0x30;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** `===` of the two doubles. */
export function numbersEqual(a: string, b: string): bool {
  return compareNumbers(a, b) == 0;
}

function zeros(n: i32): string {
  return "0".repeat(n);
}

/** `Number::toString` of a value given as digits (no leading/trailing zeros, non-empty) and decimal point position `n`. */
function jsFormat(neg: bool, digits: string, n: i32): string {
  const k = digits.length;
  let out: string;
  if (k <= n && n <= 21) out = digits + zeros(n - k);
  else if (0 < n && n <= 21) out = digits.substring(0, n) + "." + digits.substring(n);
  else if (-6 < n && n <= 0) out = "0." + zeros(-n) + digits;
  else {
    const e = n - 1;
    const es = (e < 0 ? "-" : "+") + (e < 0 ? -e : e).toString();
    out = k == 1 ? digits + "e" + es : digits.substring(0, 1) + "." + digits.substring(1) + "e" + es;
  }
  return neg ? "-" + out : out;
}

/**
 * The number's text as `JSON.stringify(JSON.parse(text))` writes it: `null` for Infinity; canonical for up to
 * 15 significant digits and for integers up to 2^53; otherwise the text itself.
 */
export function jsonNumberText(text: string): string {
  const digits = plainDigits(text);
  if (digits >= 0 && digits <= 15) return text == "-0" ? "0" : text;
  const a = analyse(parseDecimal(text));
  if (a.cls == NUM_INFINITE) return "null";
  const d = a.effective;
  if (d.isZero) return "0";
  if (d.digits.length <= 15) return jsFormat(d.neg, d.digits, d.mag);
  if (a.cls == NUM_INTEGER && d.mag <= 16 && leadingU64(d.digits, d.mag) <= TWO_53) return jsFormat(d.neg, d.digits, d.mag);
  return text;
}

/**
 * The integer value of a JSON number as an unsigned 64-bit integer; `ok` is false when it is not an integer, is
 * negative (other than zero) or does not fit. Integers above 2^53 are read from the text (a fraction is dropped),
 * where the double would have lost digits.
 */
export class IntegerValue {
  ok: bool = false;
  neg: bool = false;
  magnitude: u64 = 0;
}

export function integerValue(text: string): IntegerValue {
  const r = new IntegerValue();
  const digits = plainDigits(text);
  if (digits >= 0 && digits <= 18) {
    const v = plainValue(text);
    r.ok = true;
    r.neg = v < 0;
    r.magnitude = <u64>(v < 0 ? -v : v);
    return r;
  }
  const a = analyse(parseDecimal(text));
  if (a.cls != NUM_INTEGER) return r;
  const d = a.effective;
  if (d.isZero) {
    r.ok = true;
    return r;
  }
  if (d.mag > 20) return r;
  let v: u64 = 0;
  for (let i = 0; i < d.mag; i++) {
    const digit: u64 = i < d.digits.length ? <u64>(d.digits.charCodeAt(i) - 0x30) : 0;
    if (v > (u64.MAX_VALUE - digit) / 10) return r;
    v = v * 10 + digit;
  }
  r.ok = true;
  r.neg = d.neg;
  r.magnitude = v;
  return r;
}
