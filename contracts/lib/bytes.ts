/**
 * Byte and text codecs: UTF-8 (as `TextEncoder` / `TextDecoder` do it), standard padded base64 (CosmWasm
 * `Binary`, as strict as `contracts/common/encoding.ts`), lower-case hex, and small byte helpers. Integer-only
 * code: nothing here may pull a float into the module.
 */

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX_DIGITS = "0123456789abcdef";
const REPLACEMENT: i32 = 0xfffd;

/** Grows `buf` (bytes) so that `need` more bytes fit after `len`; returns the (possibly moved) buffer. */
function ensureBytes(buf: Uint8Array, len: i32, need: i32): Uint8Array {
  if (len + need <= buf.length) return buf;
  let cap = buf.length << 1;
  if (cap < len + need) cap = len + need;
  const out = new Uint8Array(cap);
  memory.copy(out.dataStart, buf.dataStart, <usize>len);
  return out;
}

/** A copy of the first `len` bytes of `buf`. */
function truncated(buf: Uint8Array, len: i32): Uint8Array {
  const out = new Uint8Array(len);
  memory.copy(out.dataStart, buf.dataStart, <usize>len);
  return out;
}

/** UTF-8 bytes of a string; a lone surrogate becomes U+FFFD (as `TextEncoder` does). */
export function utf8Encode(s: string): Uint8Array {
  const n = s.length;
  // Exact size first, then fill: one allocation.
  let size = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) size += 1;
    else if (c < 0x800) size += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) == 0xdc00) {
      size += 4;
      i++;
    } else size += 3;
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      unchecked((out[o++] = <u8>c));
    } else if (c < 0x800) {
      unchecked((out[o++] = <u8>(0xc0 | (c >> 6))));
      unchecked((out[o++] = <u8>(0x80 | (c & 63))));
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) == 0xdc00) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00);
      i++;
      unchecked((out[o++] = <u8>(0xf0 | (cp >> 18))));
      unchecked((out[o++] = <u8>(0x80 | ((cp >> 12) & 63))));
      unchecked((out[o++] = <u8>(0x80 | ((cp >> 6) & 63))));
      unchecked((out[o++] = <u8>(0x80 | (cp & 63))));
    } else {
      if ((c & 0xf800) == 0xd800) c = REPLACEMENT; // lone surrogate
      unchecked((out[o++] = <u8>(0xe0 | (c >> 12))));
      unchecked((out[o++] = <u8>(0x80 | ((c >> 6) & 63))));
      unchecked((out[o++] = <u8>(0x80 | (c & 63))));
    }
  }
  return out;
}

/** Appends UTF-16 code units to a growable buffer and turns them into one string at the end (linear time). */
export class StringBuilder {
  private ptr: usize = 0;
  private cap: i32 = 0;
  /** Number of UTF-16 code units written so far. */
  length: i32 = 0;

  private reserve(units: i32): void {
    const need = this.length + units;
    if (need <= this.cap) return;
    let cap = this.cap << 1;
    if (cap < need) cap = need;
    if (cap < 32) cap = 32;
    this.ptr = this.ptr == 0 ? heap.alloc(<usize>cap << 1) : heap.realloc(this.ptr, <usize>cap << 1);
    this.cap = cap;
  }

  /** Appends one UTF-16 code unit. */
  code(c: i32): StringBuilder {
    this.reserve(1);
    store<u16>(this.ptr + (<usize>this.length << 1), <u16>c);
    this.length++;
    return this;
  }

  /** Appends a string. */
  str(s: string): StringBuilder {
    const n = s.length;
    if (n == 0) return this;
    this.reserve(n);
    memory.copy(this.ptr + (<usize>this.length << 1), changetype<usize>(s), <usize>n << 1);
    this.length += n;
    return this;
  }

  toString(): string {
    if (this.length == 0) return "";
    return String.UTF16.decodeUnsafe(this.ptr, <usize>this.length << 1);
  }
}

/** A new string of `units` UTF-16 code units, to be filled by the caller. */
function rawString(units: i32): string {
  return changetype<string>(__new(<usize>units << 1, idof<string>()));
}

/**
 * Decodes UTF-8 as `TextDecoder` does (non-fatal): each maximal invalid subsequence becomes one U+FFFD.
 * `utf8DecodeStrict` returns null instead.
 */
export function utf8Decode(b: Uint8Array): string {
  return utf8DecodeUnsafe(b.dataStart, b.length, false) as string;
}

/** Decodes UTF-8; null when the bytes are not well-formed UTF-8 (as a fatal `TextDecoder` throws). */
export function utf8DecodeStrict(b: Uint8Array): string | null {
  return utf8DecodeUnsafe(b.dataStart, b.length, true);
}

/**
 * Decodes `len` bytes of UTF-8 at `ptr` (e.g. a Region's data, without copying it first). Two passes: the first
 * validates and counts, the second writes into a string of the exact size.
 */
export function utf8DecodeUnsafe(ptr: usize, len: i32, fatal: bool): string | null {
  const units = utf8Pass(ptr, len, fatal, 0);
  if (units < 0) return null;
  if (units == 0) return "";
  const out = rawString(units);
  utf8Pass(ptr, len, fatal, changetype<usize>(out));
  return out;
}

/** One decoding pass: returns the number of UTF-16 code units (-1 when invalid and `fatal`); writes them when `out` != 0. */
function utf8Pass(ptr: usize, n: i32, fatal: bool, out: usize): i32 {
  let units = 0;
  let i = 0;
  while (i < n) {
    const b0 = <i32>load<u8>(ptr + <usize>i);
    if (b0 < 0x80) {
      if (out != 0) store<u16>(out + (<usize>units << 1), <u16>b0);
      units++;
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let lower = 0x80;
    let upper = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      cp = b0 & 0x1f;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      cp = b0 & 0x0f;
      if (b0 == 0xe0) lower = 0xa0;
      if (b0 == 0xed) upper = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      cp = b0 & 0x07;
      if (b0 == 0xf0) lower = 0x90;
      if (b0 == 0xf4) upper = 0x8f;
    } else {
      if (fatal) return -1;
      if (out != 0) store<u16>(out + (<usize>units << 1), <u16>REPLACEMENT);
      units++;
      i++;
      continue;
    }
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++) {
      if (j >= n) {
        ok = false;
        break;
      }
      const bk = <i32>load<u8>(ptr + <usize>j);
      if (bk < lower || bk > upper) {
        ok = false;
        break;
      }
      lower = 0x80;
      upper = 0xbf;
      cp = (cp << 6) | (bk & 0x3f);
      j++;
    }
    if (!ok) {
      // The maximal invalid subpart read so far becomes one replacement character.
      if (fatal) return -1;
      if (out != 0) store<u16>(out + (<usize>units << 1), <u16>REPLACEMENT);
      units++;
      i = j;
      continue;
    }
    if (cp >= 0x10000) {
      if (out != 0) {
        const v = cp - 0x10000;
        store<u16>(out + (<usize>units << 1), <u16>(0xd800 | (v >> 10)));
        store<u16>(out + (<usize>(units + 1) << 1), <u16>(0xdc00 | (v & 0x3ff)));
      }
      units += 2;
    } else {
      if (out != 0) store<u16>(out + (<usize>units << 1), <u16>cp);
      units++;
    }
    i = j;
  }
  return units;
}

/** Standard base64 with `=` padding. */
export function toBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n == 0) return "";
  const out = rawString(((n + 2) / 3) * 4);
  let o = changetype<usize>(out);
  for (let i = 0; i < n; i += 3) {
    const b0 = <i32>unchecked(bytes[i]);
    const b1 = i + 1 < n ? <i32>unchecked(bytes[i + 1]) : 0;
    const b2 = i + 2 < n ? <i32>unchecked(bytes[i + 2]) : 0;
    const v = (b0 << 16) | (b1 << 8) | b2;
    store<u16>(o, <u16>BASE64_ALPHABET.charCodeAt((v >> 18) & 63));
    store<u16>(o + 2, <u16>BASE64_ALPHABET.charCodeAt((v >> 12) & 63));
    store<u16>(o + 4, <u16>(i + 1 < n ? BASE64_ALPHABET.charCodeAt((v >> 6) & 63) : 0x3d));
    store<u16>(o + 6, <u16>(i + 2 < n ? BASE64_ALPHABET.charCodeAt(v & 63) : 0x3d));
    o += 8;
  }
  return out;
}

/** Value of one base64 character, or -1. */
function base64Value(c: i32): i32 {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c == 0x2b) return 62;
  if (c == 0x2f) return 63;
  return -1;
}

/**
 * Decodes standard padded base64 (length a multiple of 4, `=` only at the end), the strictness of CosmWasm
 * `Binary` and of `fromBase64` in `contracts/common/encoding.ts`; null otherwise. Like it, unused low bits of the
 * last quantum are ignored.
 */
export function fromBase64(s: string): Uint8Array | null {
  const n = s.length;
  if (n % 4 != 0) return null;
  let padding = 0;
  if (n >= 2 && s.charCodeAt(n - 1) == 0x3d && s.charCodeAt(n - 2) == 0x3d) padding = 2;
  else if (n >= 1 && s.charCodeAt(n - 1) == 0x3d) padding = 1;
  const outLen = (n / 4) * 3 - padding;
  const out = new Uint8Array(outLen);
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    let v = 0;
    for (let j = 0; j < 4; j++) {
      const c = s.charCodeAt(i + j);
      let d: i32;
      if (c == 0x3d && i + 4 == n && j >= 4 - padding) d = 0;
      else {
        d = base64Value(c);
        if (d < 0) return null;
      }
      v = (v << 6) | d;
    }
    if (o < outLen) unchecked((out[o++] = <u8>(v >> 16)));
    if (o < outLen) unchecked((out[o++] = <u8>(v >> 8)));
    if (o < outLen) unchecked((out[o++] = <u8>v));
  }
  return out;
}

/** Lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  if (bytes.length == 0) return "";
  const out = rawString(bytes.length << 1);
  const o = changetype<usize>(out);
  for (let i = 0; i < bytes.length; i++) {
    const b = <i32>unchecked(bytes[i]);
    store<u16>(o + (<usize>i << 2), <u16>HEX_DIGITS.charCodeAt(b >> 4));
    store<u16>(o + (<usize>i << 2) + 2, <u16>HEX_DIGITS.charCodeAt(b & 15));
  }
  return out;
}

function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Decodes hex (either case, even length); null otherwise. */
export function fromHex(s: string): Uint8Array | null {
  const n = s.length;
  if (n & 1) return null;
  const out = new Uint8Array(n >> 1);
  for (let i = 0; i < n; i += 2) {
    const hi = hexValue(s.charCodeAt(i));
    const lo = hexValue(s.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return null;
    unchecked((out[i >> 1] = <u8>((hi << 4) | lo)));
  }
  return out;
}

/** Equality of two byte arrays in time that depends only on the length. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= <i32>unchecked(a[i]) ^ <i32>unchecked(b[i]);
  return diff == 0;
}

/** `a` followed by `b`. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  memory.copy(out.dataStart, a.dataStart, <usize>a.length);
  memory.copy(out.dataStart + <usize>a.length, b.dataStart, <usize>b.length);
  return out;
}

/** All parts, in order, as one array. */
export function concatAll(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (let i = 0; i < parts.length; i++) n += parts[i].length;
  const out = new Uint8Array(n);
  let o = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    memory.copy(out.dataStart + <usize>o, p.dataStart, <usize>p.length);
    o += p.length;
  }
  return out;
}

/** 8-byte big-endian encoding of `n`. */
export function u64be(n: u64): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 7; i >= 0; i--) {
    unchecked((out[i] = <u8>(n & 0xff)));
    n >>= 8;
  }
  return out;
}

/** Bytes `[start, end)` of `b` as a new array (`end` clamped to the length). */
export function slice(b: Uint8Array, start: i32, end: i32): Uint8Array {
  if (end > b.length) end = b.length;
  if (start < 0) start = 0;
  if (start > end) start = end;
  const out = new Uint8Array(end - start);
  memory.copy(out.dataStart, b.dataStart + <usize>start, <usize>(end - start));
  return out;
}

/** Grows a byte buffer for callers that assemble bytes incrementally (see `ensureBytes`). */
export class ByteBuilder {
  private buf: Uint8Array = new Uint8Array(64);
  length: i32 = 0;

  byte(v: i32): ByteBuilder {
    this.buf = ensureBytes(this.buf, this.length, 1);
    unchecked((this.buf[this.length++] = <u8>v));
    return this;
  }

  bytes(b: Uint8Array): ByteBuilder {
    this.buf = ensureBytes(this.buf, this.length, b.length);
    memory.copy(this.buf.dataStart + <usize>this.length, b.dataStart, <usize>b.length);
    this.length += b.length;
    return this;
  }

  finish(): Uint8Array {
    return truncated(this.buf, this.length);
  }
}
