/**
 * CosmWasm `Uint128` arithmetic for the wasm contracts: {@link U128}, an immutable unsigned 128-bit integer of two
 * u64 halves, with decimal parsing and formatting written with integer operations only (AssemblyScript's number
 * parsing and formatting go through floating point, which Secret refuses). Semantics and error texts as
 * `contracts/common/uint128.ts`: the free functions {@link parseUint128}, {@link checkedAdd}, {@link checkedSub}
 * and {@link checkedMul} record the same failure message with `fail()`; the methods return null instead.
 */
import {fail} from './result';

/** Decimal digits of 2^128 − 1 (the schema's `maxLength` for amounts). */
export const UINT128_MAX_DIGITS: i32 = 39;

/** Base of the decimal chunks used to format and parse (the largest power of ten below 2^32). */
const CHUNK_BASE: u64 = 1_000_000_000;
const CHUNK_DIGITS: i32 = 9;
const MASK32: u64 = 0xffffffff;
const CHAR_0: i32 = 0x30;
const CHAR_9: i32 = 0x39;

/** An unsigned 128-bit integer `hi · 2^64 + lo`. */
export class U128 {
  constructor(
    /** Upper 64 bits. */
    readonly hi: u64,
    /** Lower 64 bits. */
    readonly lo: u64,
  ) {}

  static zero(): U128 {
    return new U128(0, 0);
  }

  /** 2^128 − 1. */
  static max(): U128 {
    return new U128(u64.MAX_VALUE, u64.MAX_VALUE);
  }

  static fromU64(value: u64): U128 {
    return new U128(0, value);
  }

  /**
   * Parses a decimal Uint128: ASCII digits only (leading zeros allowed, no sign, no spaces, not empty), at most
   * 2^128 − 1. Null otherwise.
   */
  static parse(text: string): U128 | null {
    const n = text.length;
    if (n == 0) return null;
    let hi: u64 = 0;
    let lo: u64 = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < CHAR_0 || c > CHAR_9) return null;
      // (hi, lo) · 10 + digit, refusing anything past 2^128 − 1.
      const loTimes10 = lo * 10;
      const carry = mulHigh(lo, 10);
      if (mulHigh(hi, 10) != 0) return null;
      const hiTimes10 = hi * 10;
      hi = hiTimes10 + carry;
      if (hi < hiTimes10) return null;
      lo = loTimes10 + <u64>(c - CHAR_0);
      if (lo < loTimes10) {
        hi += 1;
        if (hi == 0) return null;
      }
    }
    return new U128(hi, lo);
  }

  /** Decimal text, without leading zeros. */
  toString(): string {
    if (this.hi == 0 && this.lo < CHUNK_BASE) return chunkText(<u32>this.lo, false);
    // Repeated division by 10^9 over four 32-bit limbs (most significant first).
    let l3 = this.hi >> 32;
    let l2 = this.hi & MASK32;
    let l1 = this.lo >> 32;
    let l0 = this.lo & MASK32;
    let out = '';
    while (l3 != 0 || l2 != 0 || l1 != 0 || l0 >= CHUNK_BASE) {
      let rem: u64 = 0;
      let cur = (rem << 32) | l3;
      l3 = cur / CHUNK_BASE;
      rem = cur % CHUNK_BASE;
      cur = (rem << 32) | l2;
      l2 = cur / CHUNK_BASE;
      rem = cur % CHUNK_BASE;
      cur = (rem << 32) | l1;
      l1 = cur / CHUNK_BASE;
      rem = cur % CHUNK_BASE;
      cur = (rem << 32) | l0;
      l0 = cur / CHUNK_BASE;
      rem = cur % CHUNK_BASE;
      out = chunkText(<u32>rem, true) + out;
    }
    return chunkText(<u32>l0, false) + out;
  }

  isZero(): bool {
    return this.hi == 0 && this.lo == 0;
  }

  /** True when the value fits in 64 bits (then it is {@link lo}). */
  fitsU64(): bool {
    return this.hi == 0;
  }

  /** −1, 0 or 1 as `this` is below, equal to or above `other`. */
  cmp(other: U128): i32 {
    if (this.hi != other.hi) return this.hi < other.hi ? -1 : 1;
    if (this.lo != other.lo) return this.lo < other.lo ? -1 : 1;
    return 0;
  }

  eq(other: U128): bool {
    return this.hi == other.hi && this.lo == other.lo;
  }

  lt(other: U128): bool {
    return this.cmp(other) < 0;
  }

  le(other: U128): bool {
    return this.cmp(other) <= 0;
  }

  gt(other: U128): bool {
    return this.cmp(other) > 0;
  }

  ge(other: U128): bool {
    return this.cmp(other) >= 0;
  }

  /** `this + other`, or null above 2^128 − 1. */
  add(other: U128): U128 | null {
    const lo = this.lo + other.lo;
    const carry: u64 = lo < this.lo ? 1 : 0;
    const hi = this.hi + other.hi;
    if (hi < this.hi) return null;
    const hiCarried = hi + carry;
    if (hiCarried < hi) return null;
    return new U128(hiCarried, lo);
  }

  /** `this − other`, or null below zero. */
  sub(other: U128): U128 | null {
    if (this.lt(other)) return null;
    const borrow: u64 = this.lo < other.lo ? 1 : 0;
    return new U128(this.hi - other.hi - borrow, this.lo - other.lo);
  }

  /** `this × other`, or null above 2^128 − 1. */
  mul(other: U128): U128 | null {
    if (this.hi != 0 && other.hi != 0) return null;
    const lo = this.lo * other.lo;
    const hi = mulHigh(this.lo, other.lo);
    // At most one cross product is non-zero; it must fit in the upper half.
    const big = this.hi != 0 ? this.hi : other.hi;
    const small = this.hi != 0 ? other.lo : this.lo;
    if (mulHigh(big, small) != 0) return null;
    const cross = big * small;
    const sum = hi + cross;
    if (sum < hi) return null;
    return new U128(sum, lo);
  }

  /** `min(this + other, 2^128 − 1)`. */
  saturatingAdd(other: U128): U128 {
    const sum = this.add(other);
    return sum === null ? U128.max() : sum;
  }

  /** `max(this − other, 0)`. */
  saturatingSub(other: U128): U128 {
    const difference = this.sub(other);
    return difference === null ? U128.zero() : difference;
  }

  /** `⌊this / divisor⌋`, or null for a zero divisor. */
  div(divisor: U128): U128 | null {
    if (divisor.isZero()) return null;
    if (this.hi == 0 && divisor.hi == 0) return U128.fromU64(this.lo / divisor.lo);
    return divide256(0, 0, this.hi, this.lo, divisor, false);
  }

  /** `this mod divisor`, or null for a zero divisor. */
  rem(divisor: U128): U128 | null {
    if (divisor.isZero()) return null;
    if (this.hi == 0 && divisor.hi == 0) return U128.fromU64(this.lo % divisor.lo);
    return divide256(0, 0, this.hi, this.lo, divisor, true);
  }

  /**
   * `⌊a × b / c⌋` with the full 256-bit product (no intermediate overflow; for pro-rata shares). Null when `c` is
   * zero or the quotient exceeds 2^128 − 1.
   */
  static mulDiv(a: U128, b: U128, c: U128): U128 | null {
    if (c.isZero()) return null;
    // 256-bit product as four 64-bit limbs p3 p2 p1 p0.
    const p0 = a.lo * b.lo;
    const p0High = mulHigh(a.lo, b.lo);
    const m1Low = a.lo * b.hi;
    const m1High = mulHigh(a.lo, b.hi);
    const m2Low = a.hi * b.lo;
    const m2High = mulHigh(a.hi, b.lo);
    const p3Low = a.hi * b.hi;
    const p3High = mulHigh(a.hi, b.hi);
    // p1 = p0High + m1Low + m2Low, carries into p2.
    let p1 = p0High + m1Low;
    let carry: u64 = p1 < m1Low ? 1 : 0;
    const p1b = p1 + m2Low;
    carry += p1b < p1 ? 1 : 0;
    p1 = p1b;
    // p2 = m1High + m2High + p3Low + carry, carries into p3.
    let p2 = m1High + m2High;
    let carry2: u64 = p2 < m1High ? 1 : 0;
    let p2b = p2 + p3Low;
    carry2 += p2b < p2 ? 1 : 0;
    p2 = p2b + carry;
    carry2 += p2 < p2b ? 1 : 0;
    const p3 = p3High + carry2;
    return divide256(p3, p2, p1, p0, c, false);
  }
}

/** Upper 64 bits of the 128-bit product `a × b`. */
export function mulHigh(a: u64, b: u64): u64 {
  const aLow = a & MASK32;
  const aHigh = a >> 32;
  const bLow = b & MASK32;
  const bHigh = b >> 32;
  const lowLow = aLow * bLow;
  const lowHigh = aLow * bHigh;
  const highLow = aHigh * bLow;
  const middle = (lowLow >> 32) + (lowHigh & MASK32) + (highLow & MASK32);
  return aHigh * bHigh + (lowHigh >> 32) + (highLow >> 32) + (middle >> 32);
}

/**
 * Divides the 256-bit `n3 n2 n1 n0` by `d` (not zero) by shift and subtract; returns the quotient, or the
 * remainder when `remainder` is set; null when the quotient does not fit in 128 bits.
 */
function divide256(n3: u64, n2: u64, n1: u64, n0: u64, d: U128, remainder: bool): U128 | null {
  // The upper half, reduced below d first, is where the remainder starts; it must already be below d.
  let rHi = n3;
  let rLo = n2;
  if (rHi > d.hi || (rHi == d.hi && rLo >= d.lo)) return null;
  let qHi: u64 = 0;
  let qLo: u64 = 0;
  // Skip the leading zero bits of the lower half.
  let bits: i32 = 128;
  if (rHi == 0 && rLo == 0) bits = n1 != 0 ? 128 - <i32>clz<u64>(n1) : 64 - <i32>clz<u64>(n0);
  let lowHi = n1;
  let lowLo = n0;
  if (bits < 128) {
    // Align the remaining numerator bits to the top of lowHi:lowLo.
    const shift = 128 - bits;
    if (shift >= 64) {
      lowHi = lowLo << <u64>(shift - 64);
      lowLo = 0;
    } else if (shift > 0) {
      lowHi = (lowHi << <u64>shift) | (lowLo >> <u64>(64 - shift));
      lowLo = lowLo << <u64>shift;
    }
  }
  for (let i = 0; i < bits; i++) {
    // r = r · 2 + next numerator bit; the bit shifted out of r is `top`.
    const top = rHi >> 63;
    rHi = (rHi << 1) | (rLo >> 63);
    rLo = (rLo << 1) | (lowHi >> 63);
    lowHi = (lowHi << 1) | (lowLo >> 63);
    lowLo <<= 1;
    qHi = (qHi << 1) | (qLo >> 63);
    qLo <<= 1;
    if (top != 0 || rHi > d.hi || (rHi == d.hi && rLo >= d.lo)) {
      const borrow: u64 = rLo < d.lo ? 1 : 0;
      rLo -= d.lo;
      rHi = rHi - d.hi - borrow;
      qLo |= 1;
    }
  }
  return remainder ? new U128(rHi, rLo) : new U128(qHi, qLo);
}

/** Decimal text of `value` (< 10^9), zero-padded to nine digits when `pad`. */
function chunkText(value: u32, pad: bool): string {
  let out = '';
  let rest = value;
  let digits = 0;
  do {
    out = String.fromCharCode(CHAR_0 + <i32>(rest % 10)) + out;
    rest /= 10;
    digits++;
  } while (rest != 0);
  if (pad) while (digits++ < CHUNK_DIGITS) out = '0' + out;
  return out;
}

/**
 * Parses a Uint128 decimal string; on failure records `Invalid <what>: "<text>" is not a decimal Uint128` or
 * `Invalid <what>: <text> exceeds the Uint128 maximum` with `fail()` and returns null.
 */
export function parseUint128(text: string, what: string = 'amount'): U128 | null {
  const value = U128.parse(text);
  if (value !== null) return value;
  if (text.length == 0 || !isDigits(text)) fail('Invalid ' + what + ': "' + text + '" is not a decimal Uint128');
  else fail('Invalid ' + what + ': ' + text + ' exceeds the Uint128 maximum');
  return null;
}

/** `a + b`, or records `Overflow: Cannot Add with a and b` (CosmWasm `OverflowError` wording) and returns null. */
export function checkedAdd(a: U128, b: U128): U128 | null {
  const sum = a.add(b);
  if (sum === null) fail('Overflow: Cannot Add with ' + a.toString() + ' and ' + b.toString());
  return sum;
}

/** `a − b`, or records `Overflow: Cannot Sub with a and b` and returns null. */
export function checkedSub(a: U128, b: U128): U128 | null {
  const difference = a.sub(b);
  if (difference === null) fail('Overflow: Cannot Sub with ' + a.toString() + ' and ' + b.toString());
  return difference;
}

/** `a × b`, or records `Overflow: Cannot Mul with a and b` and returns null. */
export function checkedMul(a: U128, b: U128): U128 | null {
  const product = a.mul(b);
  if (product === null) fail('Overflow: Cannot Mul with ' + a.toString() + ' and ' + b.toString());
  return product;
}

function isDigits(text: string): bool {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < CHAR_0 || c > CHAR_9) return false;
  }
  return true;
}
