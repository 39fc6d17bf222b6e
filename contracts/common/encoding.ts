/**
 * Byte/text encodings contracts need on the wire, written without Node's `Buffer` so the contracts stay plain
 * ECMAScript: UTF-8, standard base64 (RFC 4648 §4, the encoding of CosmWasm `Binary`), lower-case hex, and the
 * canonical JSON used for signed documents.
 */

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_PAD = '=';
const BASE64_DECODE = new Map<string, number>([...BASE64_ALPHABET].map((c, i) => [c, i]));
/** Characters per base64 quantum and bytes it encodes. */
const BASE64_QUANTUM_CHARS = 4;
const BASE64_QUANTUM_BYTES = 3;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', {fatal: true});

/** Thrown when text is not valid in the expected encoding. */
export class EncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncodingError';
  }
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Decodes UTF-8 bytes; throws {@link EncodingError} on malformed input. */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw new EncodingError('Invalid UTF-8 data');
  }
}

/** Standard base64 with `=` padding. */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += BASE64_QUANTUM_BYTES) {
    const b0 = bytes[i]!;
    const b1 = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    const n = (b0 << 16) | (b1 << 8) | b2;
    out += BASE64_ALPHABET[(n >> 18) & 63]! + BASE64_ALPHABET[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? BASE64_ALPHABET[(n >> 6) & 63]! : BASE64_PAD;
    out += i + 2 < bytes.length ? BASE64_ALPHABET[n & 63]! : BASE64_PAD;
  }
  return out;
}

/**
 * Decodes standard, padded base64 (length a multiple of 4, `=` only at the end). Throws {@link EncodingError}
 * with `Invalid Base64 string` otherwise — the same strictness as CosmWasm `Binary`.
 */
export function fromBase64(text: string): Uint8Array {
  if (text.length % BASE64_QUANTUM_CHARS !== 0) throw new EncodingError('Invalid Base64 string: length');
  const padding = text.endsWith(BASE64_PAD + BASE64_PAD) ? 2 : text.endsWith(BASE64_PAD) ? 1 : 0;
  const outLength = (text.length / BASE64_QUANTUM_CHARS) * BASE64_QUANTUM_BYTES - padding;
  const out = new Uint8Array(outLength);
  let o = 0;
  for (let i = 0; i < text.length; i += BASE64_QUANTUM_CHARS) {
    let n = 0;
    for (let j = 0; j < BASE64_QUANTUM_CHARS; j++) {
      const c = text[i + j]!;
      const isTailPad = c === BASE64_PAD && i + BASE64_QUANTUM_CHARS === text.length && j >= BASE64_QUANTUM_CHARS - padding;
      const v = isTailPad ? 0 : BASE64_DECODE.get(c);
      if (v === undefined) throw new EncodingError(`Invalid Base64 string: unexpected character at ${i + j}`);
      n = (n << 6) | v;
    }
    const bytes = [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
    for (const b of bytes) if (o < outLength) out[o++] = b;
  }
  return out;
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Decodes hex (either case, even length); throws {@link EncodingError} otherwise. */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new EncodingError('Invalid hex string');
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** 8-byte big-endian encoding of a non-negative safe integer (block heights, Unix seconds). */
export function u64be(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), false);
  return out;
}

/** Constant-time equality of two byte arrays (length is not secret). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Canonical JSON: object keys sorted (by UTF-16 code unit, equal to byte order for the ASCII keys used on the
 * wire), no whitespace, `undefined` members dropped, strings escaped exactly as `JSON.stringify` does — which
 * matches serde-json (only `"`, `\\` and control characters are escaped; no HTML escaping of `<`, `>`, `&`).
 * This is the serialisation of an amino `StdSignDoc` as the Secret contracts rebuild it (SNIP-24 §5.2).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    if (s === undefined) throw new EncodingError(`Cannot serialise ${typeof value} as JSON`);
    return s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
