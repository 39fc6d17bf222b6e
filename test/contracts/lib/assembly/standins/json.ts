// Stand-in for contracts/lib/json.ts (see README.md): a small JSON reader and writer with the design's names.
import {jsonQuote} from '../common/portable/usage-core';

export enum JsonKind {
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
}

export class JsonValue {
  kind: JsonKind = JsonKind.Null;
  boolValue: bool = false;
  numText: string = '';
  text: string = '';
  items: JsonValue[] = [];
  keys: string[] = [];

  static null_(): JsonValue {
    return new JsonValue();
  }

  static bool(b: bool): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.Bool;
    v.boolValue = b;
    return v;
  }

  static str(s: string): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.String;
    v.text = s;
    return v;
  }

  static num(text: string): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.Number;
    v.numText = text;
    return v;
  }

  static array(): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.Array;
    return v;
  }

  static object(): JsonValue {
    const v = new JsonValue();
    v.kind = JsonKind.Object;
    return v;
  }

  get(key: string): JsonValue | null {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.items[i];
    return null;
  }

  has(key: string): bool {
    return this.get(key) !== null;
  }

  set(key: string, value: JsonValue): JsonValue {
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] == key) {
        this.items[i] = value;
        return this;
      }
    }
    this.keys.push(key);
    this.items.push(value);
    return this;
  }

  push(value: JsonValue): JsonValue {
    this.items.push(value);
    return this;
  }

  asString(): string {
    return this.text;
  }

  asBool(): bool {
    return this.boolValue;
  }

  /** Plain decimal digits only, in this stand-in. */
  asU64(): u64 {
    let value: u64 = 0;
    for (let i = 0; i < this.numText.length; i++) value = value * 10 + <u64>(this.numText.charCodeAt(i) - 0x30);
    return value;
  }
}

class Reader {
  at: i32 = 0;
  constructor(public text: string) {}

  peek(): i32 {
    return this.at < this.text.length ? this.text.charCodeAt(this.at) : -1;
  }

  skipSpace(): void {
    while (this.peek() == 0x20 || this.peek() == 0x0a || this.peek() == 0x0d || this.peek() == 0x09) this.at++;
  }

  literal(word: string): bool {
    if (this.text.substr(this.at, word.length) != word) return false;
    this.at += word.length;
    return true;
  }

  value(): JsonValue | null {
    this.skipSpace();
    const c = this.peek();
    if (c == 0x7b) return this.object();
    if (c == 0x5b) return this.array();
    if (c == 0x22) {
      const s = this.string();
      return s === null ? null : JsonValue.str(s);
    }
    if (this.literal('true')) return JsonValue.bool(true);
    if (this.literal('false')) return JsonValue.bool(false);
    if (this.literal('null')) return JsonValue.null_();
    const start = this.at;
    while (this.at < this.text.length) {
      const d = this.peek();
      if ((d >= 0x30 && d <= 0x39) || d == 0x2d || d == 0x2b || d == 0x2e || d == 0x65 || d == 0x45) this.at++;
      else break;
    }
    return this.at > start ? JsonValue.num(this.text.substring(start, this.at)) : null;
  }

  object(): JsonValue | null {
    this.at++;
    const out = JsonValue.object();
    this.skipSpace();
    if (this.peek() == 0x7d) {
      this.at++;
      return out;
    }
    while (true) {
      this.skipSpace();
      const key = this.string();
      if (key === null) return null;
      this.skipSpace();
      if (this.peek() != 0x3a) return null;
      this.at++;
      const v = this.value();
      if (v === null) return null;
      out.set(key, v);
      this.skipSpace();
      const c = this.peek();
      this.at++;
      if (c == 0x7d) return out;
      if (c != 0x2c) return null;
    }
  }

  array(): JsonValue | null {
    this.at++;
    const out = JsonValue.array();
    this.skipSpace();
    if (this.peek() == 0x5d) {
      this.at++;
      return out;
    }
    while (true) {
      const v = this.value();
      if (v === null) return null;
      out.push(v);
      this.skipSpace();
      const c = this.peek();
      this.at++;
      if (c == 0x5d) return out;
      if (c != 0x2c) return null;
    }
  }

  string(): string | null {
    if (this.peek() != 0x22) return null;
    this.at++;
    let out = '';
    while (this.at < this.text.length) {
      const c = this.text.charCodeAt(this.at++);
      if (c == 0x22) return out;
      if (c != 0x5c) {
        out += String.fromCharCode(c);
        continue;
      }
      const e = this.text.charCodeAt(this.at++);
      if (e == 0x75) {
        let unit = 0;
        for (let k = 0; k < 4; k++) {
          const h = this.text.charCodeAt(this.at++);
          unit = unit * 16 + (h <= 0x39 ? h - 0x30 : (h | 0x20) - 0x57);
        }
        out += String.fromCharCode(unit);
      } else if (e == 0x6e) out += '\n';
      else if (e == 0x74) out += '\t';
      else if (e == 0x72) out += '\r';
      else if (e == 0x62) out += '\b';
      else if (e == 0x66) out += '\f';
      else out += String.fromCharCode(e);
    }
    return null;
  }
}

export function parseJson(text: string): JsonValue | null {
  const reader = new Reader(text);
  const v = reader.value();
  reader.skipSpace();
  return v !== null && reader.at == text.length ? v : null;
}

export function stringify(v: JsonValue): string {
  if (v.kind == JsonKind.Null) return 'null';
  if (v.kind == JsonKind.Bool) return v.boolValue ? 'true' : 'false';
  if (v.kind == JsonKind.Number) return v.numText;
  if (v.kind == JsonKind.String) return jsonQuote(v.text);
  let out = v.kind == JsonKind.Array ? '[' : '{';
  for (let i = 0; i < v.items.length; i++) {
    if (i > 0) out += ',';
    if (v.kind == JsonKind.Object) out += jsonQuote(v.keys[i]) + ':';
    out += stringify(v.items[i]);
  }
  return out + (v.kind == JsonKind.Array ? ']' : '}');
}
