/**
 * JSON writing for `json.ts`: `stringify` (byte-identical to `JSON.stringify`), `canonical` (keys sorted by
 * UTF-16 code units) and `jsonEqual` (deep equality as `contracts/common/schema.ts` defines it).
 */
import { StringBuilder } from "./bytes";
import { JsonKind, JsonValue, sortStrings } from "./json";
import { jsonNumberText, numbersEqual } from "./number";

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
