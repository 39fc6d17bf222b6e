/**
 * A small JSON reader and writer with the behaviour the TypeScript contracts had through `JSON.parse` and
 * `JSON.stringify`: object members in JavaScript's order (array-index keys first, ascending, then insertion
 * order; a repeated key keeps its first position and its last value), `stringify` byte-identical to
 * `JSON.stringify` (same escaping, lone surrogates as `\udXXX`), `canonical` with keys sorted by UTF-16 code
 * units as `Array.prototype.sort` does. Numbers are kept as their decimal text (see `number.ts`): no floats.
 * Parsing is in `json-parse.ts`, writing in `json-write.ts`; this module exports both.
 */
import { decodeStringSpan, Parser } from "./json-parse";
import { IntegerValue, integerValue, NUM_INTEGER, numberClass } from "./number";

export { jsonError, parseJson, parseJsonLazy } from "./json-parse";
export { canonical, jsonEqual, quoteJson, stringify, writeJsonString } from "./json-write";

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
    if (p.err !== null) abort("invalid JSON in a lazily parsed document");
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
