/**
 * A small JSON reader and writer with the behaviour the TypeScript contracts had through `JSON.parse` and
 * `JSON.stringify`: object members in JavaScript's order (array-index keys first, ascending, then insertion
 * order; a repeated key keeps its first position and its last value), `stringify` byte-identical to
 * `JSON.stringify` (same escaping, lone surrogates as `\udXXX`), `canonical` with keys sorted by UTF-16 code
 * units as `Array.prototype.sort` does. Numbers are kept as their decimal text (see `number.ts`): no floats.
 */
import { StringBuilder } from "./bytes";
import { IntegerValue, integerValue, jsonNumberText, NUM_INTEGER, numberClass, numbersEqual } from "./number";

export enum JsonKind {
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
}

/** Nesting deeper than this is a parse error (as serde_json's default recursion limit). */
export const MAX_JSON_DEPTH: i32 = 128;

/** Objects with more members than this get a hash index for `get`. */
const INDEX_THRESHOLD: i32 = 12;

/** True for the keys JavaScript orders first: canonical decimal integers 0 … 2^32 − 2. */
function isArrayIndex(key: string): bool {
  const n = key.length;
  if (n == 0 || n > 10) return false;
  const c0 = key.charCodeAt(0);
  if (c0 == 0x30) return n == 1;
  let v: u64 = 0;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
    v = v * 10 + <u64>(c - 0x30);
  }
  return v <= 4294967294;
}

/** Numeric value of an array-index key (see `isArrayIndex`). */
function indexValue(key: string): u64 {
  let v: u64 = 0;
  for (let i = 0; i < key.length; i++) v = v * 10 + <u64>(key.charCodeAt(i) - 0x30);
  return v;
}

/** Orders strings by UTF-16 code units (JavaScript's `<` on strings): negative, zero or positive. */
export function compareUtf16(a: string, b: string): i32 {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x != y) return x - y;
  }
  return a.length - b.length;
}

/** Sorts strings in place by UTF-16 code units (stable merge sort; no closures needed). */
export function sortStrings(list: string[]): void {
  const n = list.length;
  if (n < 2) return;
  let src = list.slice(0);
  let dst = new Array<string>(n);
  for (let width = 1; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = lo + width < n ? lo + width : n;
      const hi = lo + (width << 1) < n ? lo + (width << 1) : n;
      let i = lo;
      let j = mid;
      let o = lo;
      while (i < mid && j < hi) {
        if (compareUtf16(unchecked(src[j]), unchecked(src[i])) < 0) unchecked((dst[o++] = src[j++]));
        else unchecked((dst[o++] = src[i++]));
      }
      while (i < mid) unchecked((dst[o++] = src[i++]));
      while (j < hi) unchecked((dst[o++] = src[j++]));
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < n; i++) unchecked((list[i] = src[i]));
}

/**
 * A JSON value. Containers and strings parsed with `parseJsonLazy` stay unexpanded (a span of the source text)
 * until first read, so a large trusted document (a schema) costs only what is looked at. `keys`, `values` and
 * `items` are read-only views: change a value with `set`, `remove` and `push`.
 */
export class JsonValue {
  private k: u8;
  private flag: bool = false;
  /** A string's value or a number's text, once known. */
  private text: string | null = null;
  private names: string[] | null = null;
  private children: JsonValue[] | null = null;
  private index: Map<string, i32> | null = null;
  /** While not expanded: the source text and where the value starts in it. */
  private src: string | null = null;
  private start: i32 = 0;

  constructor(kind: JsonKind) {
    this.k = <u8>kind;
  }

  get kind(): JsonKind {
    return <JsonKind>this.k;
  }

  // -- construction ------------------------------------------------------------------------------------------

  static null_(): JsonValue {
    return new JsonValue(JsonKind.Null);
  }

  static bool(b: bool): JsonValue {
    const v = new JsonValue(JsonKind.Bool);
    v.flag = b;
    return v;
  }

  static str(s: string): JsonValue {
    const v = new JsonValue(JsonKind.String);
    v.text = s;
    return v;
  }

  /** A number from its JSON text (the caller guarantees it matches the JSON number grammar). */
  static num(text: string): JsonValue {
    const v = new JsonValue(JsonKind.Number);
    v.text = text;
    return v;
  }

  static int(n: i64): JsonValue {
    return JsonValue.num(n.toString());
  }

  static uint(n: u64): JsonValue {
    return JsonValue.num(n.toString());
  }

  static array(): JsonValue {
    return new JsonValue(JsonKind.Array);
  }

  static object(): JsonValue {
    return new JsonValue(JsonKind.Object);
  }

  /** `s` as a JSON string, or JSON null when `s` is null. */
  static strOrNull(s: string | null): JsonValue {
    return s === null ? JsonValue.null_() : JsonValue.str(s);
  }

  /** An unexpanded container or string starting at `src[start]` (see `parseJsonLazy`). */
  static lazy(kind: JsonKind, src: string, start: i32): JsonValue {
    const v = new JsonValue(kind);
    v.src = src;
    v.start = start;
    return v;
  }

  /** A deep copy. */
  clone(): JsonValue {
    const v = new JsonValue(this.kind);
    v.flag = this.flag;
    if (this.kind == JsonKind.String) v.text = this.asString();
    else v.text = this.text;
    const children = this.values; // expands
    const names = this.names;
    if (this.kind == JsonKind.Object && names !== null) {
      for (let i = 0; i < names.length; i++) v.set(unchecked(names[i]), unchecked(children[i]).clone());
    } else if (this.kind == JsonKind.Array) {
      for (let i = 0; i < children.length; i++) v.push(unchecked(children[i]).clone());
    }
    return v;
  }

  // -- expansion of lazy values ------------------------------------------------------------------------------

  private expand(): void {
    const src = this.src;
    if (src === null) return;
    this.src = null;
    const p = new Parser(src, true);
    p.pos = this.start;
    if (this.kind == JsonKind.String) {
      p.skipString();
      this.text = decodeStringSpan(src, this.start, p.pos);
      return;
    }
    if (this.kind == JsonKind.Object) p.objectInto(this, 0);
    else p.arrayInto(this, 0);
    if (p.err !== null) throw new Error("invalid JSON in a lazily parsed document");
  }

  // -- kind tests and accessors ------------------------------------------------------------------------------

  get isNull(): bool {
    return this.kind == JsonKind.Null;
  }
  get isBool(): bool {
    return this.kind == JsonKind.Bool;
  }
  get isNumber(): bool {
    return this.kind == JsonKind.Number;
  }
  get isString(): bool {
    return this.kind == JsonKind.String;
  }
  get isArray(): bool {
    return this.kind == JsonKind.Array;
  }
  get isObject(): bool {
    return this.kind == JsonKind.Object;
  }

  /** A number's decimal text as written (or as built by `int` / `uint`); "" for other kinds. */
  get numText(): string {
    const t = this.text;
    return this.kind == JsonKind.Number && t !== null ? t : "";
  }

  /** The string value ("" for other kinds). */
  asString(): string {
    if (this.kind != JsonKind.String) return "";
    this.expand();
    const t = this.text;
    return t !== null ? t : "";
  }

  /** The boolean value (false for other kinds). */
  asBool(): bool {
    return this.flag;
  }

  /** An object's member names, in JavaScript's order (read-only). */
  get keys(): string[] {
    this.expand();
    const n = this.names;
    return n !== null ? n : new Array<string>(0);
  }

  /** An object's member values, parallel to `keys` (read-only). */
  get values(): JsonValue[] {
    if (this.kind != JsonKind.Object) return new Array<JsonValue>(0);
    this.expand();
    const c = this.children;
    return c !== null ? c : new Array<JsonValue>(0);
  }

  /** An array's items (read-only; append with `push`). */
  get items(): JsonValue[] {
    if (this.kind != JsonKind.Array) return new Array<JsonValue>(0);
    this.expand();
    const c = this.children;
    return c !== null ? c : new Array<JsonValue>(0);
  }

  /** True for a number that is an integer as a double (`Number.isInteger(JSON.parse(text))`). */
  isInteger(): bool {
    return this.kind == JsonKind.Number && numberClass(this.numText) == NUM_INTEGER;
  }

  /** True for an integer number in 0 … 2^64 − 1 (see `asU64`). */
  fitsU64(): bool {
    if (this.kind != JsonKind.Number) return false;
    const r = integerValue(this.numText);
    return r.ok && (!r.neg || r.magnitude == 0);
  }

  /** The value of an integer number in 0 … 2^64 − 1; 0 for anything else (check `fitsU64` first when unsure). */
  asU64(): u64 {
    if (this.kind != JsonKind.Number) return 0;
    const r = integerValue(this.numText);
    if (!r.ok || (r.neg && r.magnitude != 0)) return 0;
    return r.magnitude;
  }

  /** True for an integer number in −2^63 … 2^63 − 1. */
  fitsI64(): bool {
    if (this.kind != JsonKind.Number) return false;
    const r = integerValue(this.numText);
    return r.ok && (r.neg ? r.magnitude <= 0x8000000000000000 : r.magnitude <= 0x7fffffffffffffff);
  }

  /** The value of an integer number in −2^63 … 2^63 − 1; 0 for anything else. */
  asI64(): i64 {
    if (!this.fitsI64()) return 0;
    const r: IntegerValue = integerValue(this.numText);
    return r.neg ? -(<i64>r.magnitude) : <i64>r.magnitude;
  }

  /** Number of array items or object members. */
  get length(): i32 {
    if (this.kind != JsonKind.Object && this.kind != JsonKind.Array) return 0;
    this.expand();
    const c = this.children;
    return c !== null ? c.length : 0;
  }

  /** Array item `i` (null when out of range). */
  at(i: i32): JsonValue | null {
    if (this.kind != JsonKind.Array) return null;
    this.expand();
    const c = this.children;
    if (c === null || i < 0 || i >= c.length) return null;
    return unchecked(c[i]);
  }

  // -- objects -----------------------------------------------------------------------------------------------

  private find(key: string): i32 {
    if (this.kind != JsonKind.Object) return -1;
    this.expand();
    const index = this.index;
    if (index !== null) return index.has(key) ? index.get(key) : -1;
    const names = this.names;
    if (names === null) return -1;
    for (let i = 0; i < names.length; i++) if (unchecked(names[i]) == key) return i;
    return -1;
  }

  private reindex(): void {
    const names = this.names;
    if (names === null || names.length <= INDEX_THRESHOLD) {
      this.index = null;
      return;
    }
    const m = new Map<string, i32>();
    for (let i = 0; i < names.length; i++) m.set(unchecked(names[i]), i);
    this.index = m;
  }

  /** Member `key`, or null when absent. */
  get(key: string): JsonValue | null {
    const i = this.find(key);
    return i < 0 ? null : unchecked((this.children as JsonValue[])[i]);
  }

  /** True when the object has member `key` (even if its value is JSON null). */
  has(key: string): bool {
    return this.find(key) >= 0;
  }

  /**
   * Sets member `key`: replaces the value in place when present, otherwise adds it where JavaScript would
   * (array-index keys in ascending order before all others, other keys at the end). Returns this object.
   */
  set(key: string, v: JsonValue): JsonValue {
    const i = this.find(key);
    if (i >= 0) {
      (this.children as JsonValue[])[i] = v;
      return this;
    }
    let names = this.names;
    let children = this.children;
    if (names === null || children === null) {
      names = new Array<string>(0);
      children = new Array<JsonValue>(0);
      this.names = names;
      this.children = children;
    }
    let pos = names.length;
    if (isArrayIndex(key)) {
      const value = indexValue(key);
      pos = 0;
      while (pos < names.length && isArrayIndex(names[pos]) && indexValue(names[pos]) < value) pos++;
    }
    names.push(key);
    children.push(v);
    if (pos == names.length - 1) {
      const index = this.index;
      if (index !== null) index.set(key, pos);
      else if (names.length > INDEX_THRESHOLD) this.reindex();
    } else {
      // Move the new member from the end to `pos`.
      for (let j = names.length - 1; j > pos; j--) {
        names[j] = names[j - 1];
        children[j] = children[j - 1];
      }
      names[pos] = key;
      children[pos] = v;
      this.reindex();
    }
    return this;
  }

  /** Removes member `key`; true when it was present. */
  remove(key: string): bool {
    const i = this.find(key);
    if (i < 0) return false;
    (this.names as string[]).splice(i, 1);
    (this.children as JsonValue[]).splice(i, 1);
    this.reindex();
    return true;
  }

  setString(key: string, s: string): JsonValue {
    return this.set(key, JsonValue.str(s));
  }
  setBool(key: string, b: bool): JsonValue {
    return this.set(key, JsonValue.bool(b));
  }
  setU64(key: string, n: u64): JsonValue {
    return this.set(key, JsonValue.uint(n));
  }
  setI64(key: string, n: i64): JsonValue {
    return this.set(key, JsonValue.int(n));
  }
  setNull(key: string): JsonValue {
    return this.set(key, JsonValue.null_());
  }

  /** Member `key` unless it is absent or JSON null (how the contracts read optional fields). */
  opt(key: string): JsonValue | null {
    const v = this.get(key);
    return v === null || v.kind == JsonKind.Null ? null : v;
  }

  /** Member `key` as a string; null when absent, null or not a string. */
  getString(key: string): string | null {
    const v = this.get(key);
    return v === null || v.kind != JsonKind.String ? null : v.asString();
  }

  /** Member `key` as a boolean; `fallback` when absent or not a boolean. */
  getBool(key: string, fallback: bool = false): bool {
    const v = this.get(key);
    return v === null || v.kind != JsonKind.Bool ? fallback : v.flag;
  }

  /** Member `key` as an unsigned integer; `fallback` when absent or not one. */
  getU64(key: string, fallback: u64 = 0): u64 {
    const v = this.get(key);
    return v === null || !v.fitsU64() ? fallback : v.asU64();
  }

  // -- arrays ------------------------------------------------------------------------------------------------

  /** Appends an item; returns this array. */
  push(v: JsonValue): JsonValue {
    this.expand();
    let c = this.children;
    if (c === null) {
      c = new Array<JsonValue>(0);
      this.children = c;
    }
    c.push(v);
    return this;
  }

  /**
   * Fills an object or array from parsed members (parser use): `children[base + i]` with name
   * `names[nameBase + i]` for objects. Exact-size arrays; JavaScript member order.
   */
  adopt(names: string[] | null, nameBase: i32, children: JsonValue[], base: i32, top: i32): void {
    const n = top - base;
    if (n == 0) return;
    if (names === null) {
      const c = new Array<JsonValue>(n);
      for (let i = 0; i < n; i++) unchecked((c[i] = children[base + i]));
      this.children = c;
      return;
    }
    // Common case: no array-index keys and no repeated keys, in the order given.
    let plain = n <= 32;
    for (let i = 0; plain && i < n; i++) {
      const k = unchecked(names[nameBase + i]);
      if (isArrayIndex(k)) plain = false;
      for (let j = 0; plain && j < i; j++) if (unchecked(names[nameBase + j]) == k) plain = false;
    }
    if (!plain) {
      for (let i = 0; i < n; i++) this.set(unchecked(names[nameBase + i]), unchecked(children[base + i]));
      return;
    }
    const ks = new Array<string>(n);
    const vs = new Array<JsonValue>(n);
    for (let i = 0; i < n; i++) {
      unchecked((ks[i] = names[nameBase + i]));
      unchecked((vs[i] = children[base + i]));
    }
    this.names = ks;
    this.children = vs;
    if (n > INDEX_THRESHOLD) this.reindex();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------------

let lastError: string = "";

/** Why the last `parseJson` returned null. */
export function jsonError(): string {
  return lastError;
}

function hexDigit(h: i32): i32 {
  if (h >= 0x30 && h <= 0x39) return h - 0x30;
  if (h >= 0x61 && h <= 0x66) return h - 0x61 + 10;
  if (h >= 0x41 && h <= 0x46) return h - 0x41 + 10;
  return -1;
}

/** The value of a string literal spanning `src[start, end)` (quotes included) of well-formed JSON. */
function decodeStringSpan(src: string, start: i32, end: i32): string {
  let plain = true;
  for (let i = start + 1; i < end - 1; i++) {
    if (src.charCodeAt(i) == 0x5c) {
      plain = false;
      break;
    }
  }
  if (plain) return src.substring(start + 1, end - 1);
  const p = new Parser(src, false);
  p.pos = start;
  const s = p.string();
  if (s === null) throw new Error("invalid string in a lazily parsed document");
  return s as string;
}

/**
 * Member names and values of the containers being parsed, as stacks shared by all parsers (parses never
 * interleave: expanding a lazy value parses one level and returns), so a parse allocates only what it keeps.
 */
let nameStack: string[] | null = null;
let childStack: JsonValue[] | null = null;

/** Schema keywords and other frequent member names, returned as these static strings instead of new copies. */
const COMMON_KEYS: StaticArray<string> = [
  "type", "properties", "required", "additionalProperties", "description", "title", "$ref", "oneOf", "anyOf", "allOf",
  "items", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "enum", "const",
  "definitions", "$schema", "uniqueItems",
];

/** The static copy of `src[start, end)` when it is one of `COMMON_KEYS`, else null. */
function commonKey(src: string, start: i32, end: i32): string | null {
  const n = end - start;
  for (let k = 0; k < COMMON_KEYS.length; k++) {
    const key = unchecked(COMMON_KEYS[k]);
    if (key.length != n) continue;
    let same = true;
    for (let i = 0; i < n && same; i++) if (key.charCodeAt(i) != src.charCodeAt(start + i)) same = false;
    if (same) return key;
  }
  return null;
}

class Parser {
  pos: i32 = 0;
  err: string | null = null;
  private names: string[];
  private children: JsonValue[];

  /** `lazy`: containers and strings below the top are kept unexpanded (for trusted, well-formed text). */
  constructor(
    public text: string,
    public lazy: bool,
  ) {
    let names = nameStack;
    let children = childStack;
    if (names === null || children === null) {
      names = new Array<string>(0);
      children = new Array<JsonValue>(0);
      nameStack = names;
      childStack = children;
    }
    this.names = names;
    this.children = children;
  }

  fail(message: string): JsonValue | null {
    if (this.err === null) this.err = message + " at position " + this.pos.toString();
    return null;
  }

  unexpected(): JsonValue | null {
    if (this.pos >= this.text.length) return this.fail("Unexpected end of JSON input");
    return this.fail("Unexpected token " + this.text.charAt(this.pos));
  }

  skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) this.pos++;
      else break;
    }
  }

  literal(word: string): bool {
    if (this.text.length - this.pos < word.length) return false;
    for (let i = 0; i < word.length; i++) if (this.text.charCodeAt(this.pos + i) != word.charCodeAt(i)) return false;
    this.pos += word.length;
    return true;
  }

  /** Skips a string literal starting at its opening quote (lazy mode). */
  skipString(): void {
    const t = this.text;
    this.pos++;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c == 0x22) {
        this.pos++;
        return;
      }
      this.pos += c == 0x5c ? 2 : 1;
    }
  }

  /** Skips a container starting at its opening bracket (lazy mode). */
  skipContainer(): void {
    const t = this.text;
    let depth = 0;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c == 0x22) {
        this.skipString();
        continue;
      }
      this.pos++;
      if (c == 0x7b || c == 0x5b) depth++;
      else if (c == 0x7d || c == 0x5d) {
        depth--;
        if (depth == 0) return;
      }
    }
  }

  value(depth: i32): JsonValue | null {
    this.skipWhitespace();
    const t = this.text;
    if (this.pos >= t.length) return this.unexpected();
    const c = t.charCodeAt(this.pos);
    if (c == 0x7b || c == 0x5b) {
      const kind = c == 0x7b ? JsonKind.Object : JsonKind.Array;
      if (this.lazy) {
        const start = this.pos;
        this.skipContainer();
        return JsonValue.lazy(kind, t, start);
      }
      const v = new JsonValue(kind);
      return (kind == JsonKind.Object ? this.objectInto(v, depth + 1) : this.arrayInto(v, depth + 1)) ? v : null;
    }
    if (c == 0x22) {
      if (this.lazy) {
        const start = this.pos;
        this.skipString();
        return JsonValue.lazy(JsonKind.String, t, start);
      }
      const s = this.string();
      return s === null ? null : JsonValue.str(s);
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.literal("true")) return JsonValue.bool(true);
    if (this.literal("false")) return JsonValue.bool(false);
    if (this.literal("null")) return JsonValue.null_();
    return this.unexpected();
  }

  digits(): i32 {
    const start = this.pos;
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c < 0x30 || c > 0x39) break;
      this.pos++;
    }
    return this.pos - start;
  }

  number(): JsonValue | null {
    const t = this.text;
    const start = this.pos;
    if (t.charCodeAt(this.pos) == 0x2d) this.pos++;
    if (this.pos < t.length && t.charCodeAt(this.pos) == 0x30) this.pos++;
    else if (this.digits() == 0) return this.unexpected();
    if (this.pos < t.length && t.charCodeAt(this.pos) == 0x2e) {
      this.pos++;
      if (this.digits() == 0) return this.unexpected();
    }
    if (this.pos < t.length && (t.charCodeAt(this.pos) | 0x20) == 0x65) {
      this.pos++;
      if (this.pos < t.length && (t.charCodeAt(this.pos) == 0x2b || t.charCodeAt(this.pos) == 0x2d)) this.pos++;
      if (this.digits() == 0) return this.unexpected();
    }
    return JsonValue.num(t.substring(start, this.pos));
  }

  /** Parses a string starting at the opening quote; null on error. */
  string(): string | null {
    const t = this.text;
    this.pos++; // opening quote
    const start = this.pos;
    // Fast path: no escapes.
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c == 0x22) {
        const s = t.substring(start, this.pos);
        this.pos++;
        return s;
      }
      if (c == 0x5c || c < 0x20) break;
      this.pos++;
    }
    const sb = new StringBuilder();
    sb.str(t.substring(start, this.pos));
    while (true) {
      if (this.pos >= t.length) {
        this.fail("Unterminated string in JSON");
        return null;
      }
      const c = t.charCodeAt(this.pos);
      if (c == 0x22) {
        this.pos++;
        return sb.toString();
      }
      if (c < 0x20) {
        this.fail("Bad control character in string literal in JSON");
        return null;
      }
      if (c != 0x5c) {
        sb.code(c);
        this.pos++;
        continue;
      }
      this.pos++;
      if (this.pos >= t.length) {
        this.fail("Unterminated string in JSON");
        return null;
      }
      const e = t.charCodeAt(this.pos);
      this.pos++;
      if (e == 0x22 || e == 0x5c || e == 0x2f) sb.code(e);
      else if (e == 0x62) sb.code(0x08);
      else if (e == 0x66) sb.code(0x0c);
      else if (e == 0x6e) sb.code(0x0a);
      else if (e == 0x72) sb.code(0x0d);
      else if (e == 0x74) sb.code(0x09);
      else if (e == 0x75) {
        let v = 0;
        for (let i = 0; i < 4; i++) {
          const d = this.pos < t.length ? hexDigit(t.charCodeAt(this.pos)) : -1;
          if (d < 0) {
            this.fail("Bad Unicode escape in JSON");
            return null;
          }
          v = (v << 4) | d;
          this.pos++;
        }
        sb.code(v);
      } else {
        this.pos--;
        this.fail("Bad escaped character in JSON");
        return null;
      }
    }
    return null;
  }

  /** Parses the array at `pos` (its `[`) into `arr`; false on error. */
  arrayInto(arr: JsonValue, depth: i32): bool {
    if (depth > MAX_JSON_DEPTH) {
      this.fail("JSON nested too deeply");
      return false;
    }
    this.pos++;
    const base = this.children.length;
    this.skipWhitespace();
    if (this.pos < this.text.length && this.text.charCodeAt(this.pos) == 0x5d) {
      this.pos++;
      return true;
    }
    while (true) {
      const v = this.value(depth);
      if (v === null) return false;
      this.children.push(v);
      this.skipWhitespace();
      if (this.pos >= this.text.length) {
        this.unexpected();
        return false;
      }
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c == 0x2c) continue;
      if (c == 0x5d) break;
      this.pos--;
      this.unexpected();
      return false;
    }
    const top = this.children.length;
    arr.adopt(null, 0, this.children, base, top);
    this.children.length = base;
    return true;
  }

  /** Parses the object at `pos` (its `{`) into `obj`; false on error. */
  objectInto(obj: JsonValue, depth: i32): bool {
    if (depth > MAX_JSON_DEPTH) {
      this.fail("JSON nested too deeply");
      return false;
    }
    this.pos++;
    const base = this.children.length;
    const nameBase = this.names.length;
    this.skipWhitespace();
    if (this.pos < this.text.length && this.text.charCodeAt(this.pos) == 0x7d) {
      this.pos++;
      return true;
    }
    while (true) {
      this.skipWhitespace();
      if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) != 0x22) {
        this.unexpected();
        return false;
      }
      let key: string | null = null;
      if (this.lazy) {
        // Trusted text: a key without escapes may be one of the common ones.
        const start = this.pos;
        this.skipString();
        key = commonKey(this.text, start + 1, this.pos - 1);
        if (key === null) key = decodeStringSpan(this.text, start, this.pos);
      } else key = this.string();
      if (key === null) return false;
      this.skipWhitespace();
      if (this.pos >= this.text.length || this.text.charCodeAt(this.pos) != 0x3a) {
        this.unexpected();
        return false;
      }
      this.pos++;
      const v = this.value(depth);
      if (v === null) return false;
      this.names.push(key);
      this.children.push(v);
      this.skipWhitespace();
      if (this.pos >= this.text.length) {
        this.unexpected();
        return false;
      }
      const c = this.text.charCodeAt(this.pos);
      this.pos++;
      if (c == 0x2c) continue;
      if (c == 0x7d) break;
      this.pos--;
      this.unexpected();
      return false;
    }
    const top = this.children.length;
    obj.adopt(this.names, nameBase, this.children, base, top);
    this.children.length = base;
    this.names.length = nameBase;
    return true;
  }
}

/** Parses JSON text (RFC 8259, as `JSON.parse`); null on malformed input, with the reason in `jsonError()`. */
export function parseJson(text: string): JsonValue | null {
  const p = new Parser(text, false);
  const v = p.value(0);
  if (v !== null) {
    p.skipWhitespace();
    if (p.pos < text.length) {
      p.unexpected();
    } else {
      lastError = "";
      return v;
    }
  }
  const err = p.err;
  lastError = err !== null ? err : "Invalid JSON";
  return null;
}

/**
 * Parses trusted, well-formed JSON (a schema compiled into the contract) lazily: containers and strings are
 * expanded when first read. Malformed text is a bug: it aborts when the broken part is reached.
 */
export function parseJsonLazy(text: string): JsonValue {
  const p = new Parser(text, true);
  const v = p.value(0);
  if (v === null) throw new Error("invalid JSON in a lazily parsed document");
  return v as JsonValue;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------------

const HEX = "0123456789abcdef";

function escapeUnit(sb: StringBuilder, c: i32): void {
  sb.code(0x5c).code(0x75);
  sb.code(HEX.charCodeAt((c >> 12) & 15));
  sb.code(HEX.charCodeAt((c >> 8) & 15));
  sb.code(HEX.charCodeAt((c >> 4) & 15));
  sb.code(HEX.charCodeAt(c & 15));
}

/** Writes `s` as a JSON string literal exactly as `JSON.stringify` does. */
export function writeJsonString(sb: StringBuilder, s: string): void {
  sb.code(0x22);
  const n = s.length;
  let run = 0; // start of the pending run of characters that need no escaping
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let plain = c >= 0x20 && c != 0x22 && c != 0x5c && (c & 0xf800) != 0xd800;
    if ((c & 0xf800) == 0xd800) {
      // A surrogate is plain only as part of a well-formed pair.
      if (c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) == 0xdc00) {
        i++;
        continue;
      }
    }
    if (plain) continue;
    if (i > run) sb.str(s.substring(run, i));
    run = i + 1;
    if (c == 0x22) sb.code(0x5c).code(0x22);
    else if (c == 0x5c) sb.code(0x5c).code(0x5c);
    else if (c == 0x08) sb.code(0x5c).code(0x62);
    else if (c == 0x0c) sb.code(0x5c).code(0x66);
    else if (c == 0x0a) sb.code(0x5c).code(0x6e);
    else if (c == 0x0d) sb.code(0x5c).code(0x72);
    else if (c == 0x09) sb.code(0x5c).code(0x74);
    else escapeUnit(sb, c);
  }
  if (n > run) sb.str(run == 0 ? s : s.substring(run, n));
  sb.code(0x22);
}

/** `JSON.stringify` of a string. */
export function quoteJson(s: string): string {
  const sb = new StringBuilder();
  writeJsonString(sb, s);
  return sb.toString();
}

function write(sb: StringBuilder, v: JsonValue, sorted: bool): void {
  switch (v.kind) {
    case JsonKind.Null:
      sb.str("null");
      break;
    case JsonKind.Bool:
      sb.str(v.asBool() ? "true" : "false");
      break;
    case JsonKind.Number:
      sb.str(jsonNumberText(v.numText));
      break;
    case JsonKind.String:
      writeJsonString(sb, v.asString());
      break;
    case JsonKind.Array: {
      sb.code(0x5b);
      const items = v.items;
      for (let i = 0; i < items.length; i++) {
        if (i > 0) sb.code(0x2c);
        write(sb, items[i], sorted);
      }
      sb.code(0x5d);
      break;
    }
    default: {
      sb.code(0x7b);
      let keys = v.keys;
      if (sorted) {
        keys = keys.slice(0);
        sortStrings(keys);
      }
      for (let i = 0; i < keys.length; i++) {
        if (i > 0) sb.code(0x2c);
        writeJsonString(sb, keys[i]);
        sb.code(0x3a);
        write(sb, sorted ? (v.get(keys[i]) as JsonValue) : v.values[i], sorted);
      }
      sb.code(0x7d);
    }
  }
}

/** `JSON.stringify(value)`: members in the object's order, no whitespace, `JSON.stringify`'s escaping. */
export function stringify(v: JsonValue): string {
  const sb = new StringBuilder();
  write(sb, v, false);
  return sb.toString();
}

/** Canonical JSON: like `stringify` with every object's keys sorted by UTF-16 code units (recursively). */
export function canonical(v: JsonValue): string {
  const sb = new StringBuilder();
  write(sb, v, true);
  return sb.toString();
}

/** Deep equality of JSON values as `jsonEqual` in `contracts/common/schema.ts` (numbers by value, key order ignored). */
export function jsonEqual(a: JsonValue, b: JsonValue): bool {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case JsonKind.Null:
      return true;
    case JsonKind.Bool:
      return a.asBool() == b.asBool();
    case JsonKind.Number:
      return numbersEqual(a.numText, b.numText);
    case JsonKind.String:
      return a.asString() == b.asString();
    case JsonKind.Array: {
      if (a.items.length != b.items.length) return false;
      for (let i = 0; i < a.items.length; i++) if (!jsonEqual(a.items[i], b.items[i])) return false;
      return true;
    }
    default: {
      if (a.keys.length != b.keys.length) return false;
      for (let i = 0; i < a.keys.length; i++) {
        const other = b.get(a.keys[i]);
        if (other === null || !jsonEqual(a.values[i], other)) return false;
      }
      return true;
    }
  }
}
