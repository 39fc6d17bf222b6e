/**
 * JSON parsing for `json.ts`: `parseJson` (RFC 8259, with `JSON.parse`'s verdicts) and `parseJsonLazy` (trusted
 * text such as a schema compiled into the contract: containers and strings are expanded when first read).
 */
import { StringBuilder } from "./bytes";
import { JsonKind, JsonValue, MAX_JSON_DEPTH } from "./json";

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
export function decodeStringSpan(src: string, start: i32, end: i32): string {
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
  if (s === null) abort("invalid string in a lazily parsed document");
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

export class Parser {
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
  if (v === null) abort("invalid JSON in a lazily parsed document");
  return v as JsonValue;
}
