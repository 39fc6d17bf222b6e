/**
 * The JSON Schema `pattern`s of the contract schemas, without a regex engine. A pattern must be one anchored
 * sequence `^…$` of atoms — a literal character, `.`, an escape (`\s`, `\d`, `\w`, an escaped syntax character)
 * or a character class `[…]` / `[^…]` — each with an optional quantifier (`?`, `*`, `+`, `{m}`, `{m,}`, `{m,n}`);
 * plus the one strict-base64 pattern of `Binary`, recognised by its exact text. Anything else (groups,
 * alternation, lazy quantifiers, anchors inside) is unsupported: `compilePattern` returns null and the schema
 * checks report it. Matching works on code points, as JavaScript's `u` flag does.
 */

/** `Binary` in definitions.json: standard base64 with padding. */
export const BASE64_PATTERN = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$";

/** A set of code points: inclusive ranges, possibly negated. */
class CharClass {
  ranges: i32[] = [];
  negated: bool = false;

  add(lo: i32, hi: i32): void {
    this.ranges.push(lo);
    this.ranges.push(hi);
  }

  matches(cp: i32): bool {
    let inside = false;
    const r = this.ranges;
    for (let i = 0; i < r.length; i += 2) {
      if (cp >= unchecked(r[i]) && cp <= unchecked(r[i + 1])) {
        inside = true;
        break;
      }
    }
    return inside != this.negated;
  }
}

/** JavaScript's `\s`: WhiteSpace and LineTerminator code points. */
function addWhitespace(c: CharClass): void {
  c.add(0x09, 0x0d);
  c.add(0x20, 0x20);
  c.add(0xa0, 0xa0);
  c.add(0x1680, 0x1680);
  c.add(0x2000, 0x200a);
  c.add(0x2028, 0x2029);
  c.add(0x202f, 0x202f);
  c.add(0x205f, 0x205f);
  c.add(0x3000, 0x3000);
  c.add(0xfeff, 0xfeff);
}

class Item {
  constructor(
    public cls: CharClass,
    public min: i32,
    public max: i32, // -1: unbounded
  ) {}
}

export class Pattern {
  items: Item[] = [];
  base64: bool = false;

  /** Whether `s` matches. */
  test(s: string): bool {
    if (this.base64) return isStrictBase64(s);
    return matchFrom(this.items, 0, codePoints(s), 0);
  }
}

function isBase64Char(c: i32): bool {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2b || c == 0x2f;
}

function isStrictBase64(s: string): bool {
  const n = s.length;
  if (n % 4 != 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (isBase64Char(c)) continue;
    // `=` only as the last one or two characters, after at least two data characters of the last quantum.
    if (c == 0x3d && i == n - 1) continue;
    if (c == 0x3d && i == n - 2 && s.charCodeAt(n - 1) == 0x3d) continue;
    return false;
  }
  return true;
}

function isPairAt(s: string, i: i32): bool {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) == 0xdc00;
}

function codePoints(s: string): i32[] {
  const n = s.length;
  let count = 0;
  for (let i = 0; i < n; i++, count++) if (isPairAt(s, i)) i++;
  const out = new Array<i32>(count);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (isPairAt(s, i)) {
      unchecked((out[o++] = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00)));
      i++;
    } else unchecked((out[o++] = c));
  }
  return out;
}

function matchFrom(items: Item[], k: i32, cps: i32[], pos: i32): bool {
  if (k == items.length) return pos == cps.length;
  const item = unchecked(items[k]);
  let count = 0;
  const room = cps.length - pos;
  const limit = item.max < 0 || item.max > room ? room : item.max;
  while (count < limit && item.cls.matches(unchecked(cps[pos + count]))) count++;
  for (let c = count; c >= item.min; c--) {
    if (matchFrom(items, k + 1, cps, pos + c)) return true;
  }
  return false;
}

const SYNTAX_CHARS = "^$\\.*+?()[]{}|/-";

/** Parses the pattern; null when it uses anything outside the supported subset. */
class PatternParser {
  pos: i32 = 0;
  constructor(public src: string) {}

  get done(): bool {
    return this.pos >= this.src.length;
  }

  peek(): i32 {
    return this.pos < this.src.length ? this.src.charCodeAt(this.pos) : -1;
  }

  /** An escape after `\` (already consumed) into `cls`; false when unsupported. */
  escape(cls: CharClass): bool {
    const c = this.peek();
    if (c < 0) return false;
    this.pos++;
    if (c == 0x73) addWhitespace(cls);
    else if (c == 0x64) cls.add(0x30, 0x39);
    else if (c == 0x77) {
      cls.add(0x30, 0x39);
      cls.add(0x41, 0x5a);
      cls.add(0x5f, 0x5f);
      cls.add(0x61, 0x7a);
    } else if (SYNTAX_CHARS.indexOf(String.fromCharCode(c)) >= 0) cls.add(c, c);
    else return false;
    return true;
  }

  /** One class member (a character, possibly the start of a range, or an escape); false when unsupported. */
  classMember(cls: CharClass): bool {
    let c = this.peek();
    if (c < 0) return false;
    this.pos++;
    if (c == 0x5c) {
      const e = this.peek();
      // Class escapes that denote sets cannot start ranges.
      if (e == 0x73 || e == 0x64 || e == 0x77) return this.escape(cls);
      if (e < 0 || SYNTAX_CHARS.indexOf(String.fromCharCode(e)) < 0) return false;
      this.pos++;
      c = e;
    } else if (c == 0x5b) return false;
    c = this.surrogateTail(c);
    // A range `a-b` (a `-` right before `]` is literal).
    if (this.peek() == 0x2d && this.pos + 1 < this.src.length && this.src.charCodeAt(this.pos + 1) != 0x5d) {
      this.pos++;
      let hi = this.peek();
      this.pos++;
      if (hi == 0x5c) {
        hi = this.peek();
        if (hi < 0 || SYNTAX_CHARS.indexOf(String.fromCharCode(hi)) < 0) return false;
        this.pos++;
      } else if (hi == 0x5b) return false;
      hi = this.surrogateTail(hi);
      if (hi < c) return false;
      cls.add(c, hi);
      return true;
    }
    cls.add(c, c);
    return true;
  }

  /** Combines a high surrogate just read with a following low surrogate into one code point. */
  surrogateTail(c: i32): i32 {
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = this.peek();
      if (d >= 0xdc00 && d <= 0xdfff) {
        this.pos++;
        return 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      }
    }
    return c;
  }

  /** A decimal number; -1 when there is none. */
  int(): i32 {
    const start = this.pos;
    let v = 0;
    while (this.peek() >= 0x30 && this.peek() <= 0x39) {
      v = v * 10 + (this.peek() - 0x30);
      if (v > 100000) return -1;
      this.pos++;
    }
    return this.pos == start ? -1 : v;
  }

  parse(): Pattern | null {
    const p = new Pattern();
    const src = this.src;
    if (src.length < 2 || src.charCodeAt(0) != 0x5e || src.charCodeAt(src.length - 1) != 0x24) return null;
    if (src.length >= 3 && src.charCodeAt(src.length - 2) == 0x5c) return null; // `\$` is a literal, not the anchor
    this.src = src.substring(1, src.length - 1);
    while (!this.done) {
      const cls = new CharClass();
      const c = this.peek();
      this.pos++;
      if (c == 0x5b) {
        if (this.peek() == 0x5e) {
          cls.negated = true;
          this.pos++;
        }
        let members = 0;
        while (this.peek() != 0x5d) {
          if (this.done || !this.classMember(cls)) return null;
          members++;
        }
        if (members == 0) return null;
        this.pos++; // ]
      } else if (c == 0x5c) {
        if (!this.escape(cls)) return null;
      } else if (c == 0x2e) {
        cls.negated = true;
        cls.add(0x0a, 0x0a);
        cls.add(0x0d, 0x0d);
        cls.add(0x2028, 0x2029);
      } else if ("^$*+?()]{}|".indexOf(String.fromCharCode(c)) >= 0) {
        return null;
      } else {
        const cp = this.surrogateTail(c);
        cls.add(cp, cp);
      }
      let min = 1;
      let max = 1;
      const q = this.peek();
      if (q == 0x3f) {
        min = 0;
        this.pos++;
      } else if (q == 0x2a) {
        min = 0;
        max = -1;
        this.pos++;
      } else if (q == 0x2b) {
        max = -1;
        this.pos++;
      } else if (q == 0x7b) {
        this.pos++;
        min = this.int();
        if (min < 0) return null;
        if (this.peek() == 0x7d) max = min;
        else if (this.peek() == 0x2c) {
          this.pos++;
          max = this.peek() == 0x7d ? -1 : this.int();
          if (this.peek() != 0x7d) return null;
          if (max >= 0 && max < min) return null;
        } else return null;
        this.pos++; // }
      }
      // Lazy or possessive forms are not supported.
      if (q == 0x3f || q == 0x2a || q == 0x2b || q == 0x7b) {
        const after = this.peek();
        if (after == 0x3f || after == 0x2b || after == 0x2a || after == 0x7b) return null;
      }
      p.items.push(new Item(cls, min, max));
    }
    return p;
  }
}

/** Compiles a pattern of the supported subset; null when unsupported. */
export function compilePattern(source: string): Pattern | null {
  if (source == BASE64_PATTERN) {
    const p = new Pattern();
    p.base64 = true;
    return p;
  }
  return new PatternParser(source).parse();
}
