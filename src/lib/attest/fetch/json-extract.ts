/**
 * Exact substrings of JSON members. Intel PCS signs the bytes of the `tcbInfo` / `enclaveIdentity`
 * object value exactly as served (attestation.md §1.3), so the fetchers keep that substring instead of
 * re-serialising a parsed object. This is a small, strict scanner over one top-level JSON object.
 */
import {EvidenceFormatError} from '../../../attest/types.js';

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

class Scanner {
  p = 0;
  constructor(readonly s: string) {}

  ws(): void {
    while (this.p < this.s.length && WS.has(this.s.charCodeAt(this.p))) this.p++;
  }

  fail(what: string): never {
    throw new EvidenceFormatError(`JSON: ${what} at offset ${this.p}`);
  }

  expect(ch: string): void {
    if (this.s[this.p] !== ch) this.fail(`expected "${ch}"`);
    this.p++;
  }

  /** Skips a string (the cursor is on its opening quote); returns its decoded value. */
  string(): string {
    const start = this.p;
    this.expect('"');
    while (this.p < this.s.length) {
      const c = this.s[this.p];
      if (c === '\\') this.p += 2;
      else if (c === '"') {
        this.p++;
        return JSON.parse(this.s.slice(start, this.p)) as string;
      } else if (c.charCodeAt(0) < 0x20) this.fail('control character in string');
      else this.p++;
    }
    return this.fail('unterminated string');
  }

  /** Skips one value; returns its [start, end) span. */
  value(depth = 0): [number, number] {
    if (depth > 64) this.fail('nesting too deep');
    this.ws();
    const start = this.p;
    const c = this.s[this.p];
    if (c === '"') this.string();
    else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      this.p++;
      this.ws();
      if (this.s[this.p] === close) this.p++;
      else {
        for (;;) {
          if (c === '{') {
            this.ws();
            this.string();
            this.ws();
            this.expect(':');
          }
          this.value(depth + 1);
          this.ws();
          if (this.s[this.p] === ',') {
            this.p++;
            continue;
          }
          this.expect(close);
          break;
        }
      }
    } else {
      const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.s.slice(this.p, this.p + 64));
      if (!m) this.fail('unexpected character');
      this.p += m[0].length;
    }
    return [start, this.p];
  }
}

/**
 * The exact text of each member value of a top-level JSON object, by key.
 * @throws EvidenceFormatError when the text is not one JSON object.
 */
export function memberTexts(text: string): Map<string, string> {
  const sc = new Scanner(text);
  sc.ws();
  if (text[sc.p] !== '{') sc.fail('expected an object');
  sc.p++;
  const out = new Map<string, string>();
  sc.ws();
  if (text[sc.p] === '}') sc.p++;
  else {
    for (;;) {
      sc.ws();
      const key = sc.string();
      sc.ws();
      sc.expect(':');
      const [a, b] = sc.value();
      if (out.has(key)) sc.fail(`duplicate key "${key}"`);
      out.set(key, text.slice(a, b));
      sc.ws();
      if (text[sc.p] === ',') {
        sc.p++;
        continue;
      }
      sc.expect('}');
      break;
    }
  }
  sc.ws();
  if (sc.p !== text.length) sc.fail('trailing data after the object');
  return out;
}

/**
 * Splits a PCS signed document `{"<key>":{…},"signature":"<hex>"}` into the exact signed text and the
 * 64-byte signature.
 * @throws EvidenceFormatError when either member is missing or malformed.
 */
export function signedMember(text: string, key: string): {text: string; signature: Uint8Array} {
  const m = memberTexts(text);
  const body = m.get(key);
  if (body === undefined || !body.startsWith('{')) throw new EvidenceFormatError(`PCS response has no "${key}" object`);
  const sigText = m.get('signature');
  const sig = sigText === undefined ? undefined : (JSON.parse(sigText) as unknown);
  if (typeof sig !== 'string' || !/^[0-9a-fA-F]{128}$/.test(sig)) throw new EvidenceFormatError('PCS response signature must be 64 bytes of hex');
  return {text: body, signature: Uint8Array.from(Buffer.from(sig, 'hex'))};
}
