/**
 * The one module of byte/text codecs shared by `contracts/`, `src/devnet` and `src/lib`: UTF-8, standard base64
 * (RFC 4648 §4, the encoding of CosmWasm `Binary`) and its lenient variant for transport, lower-case hex, bech32
 * (BIP-173) addresses, SHA-256 (re-exported from `sha256.ts`) and the canonical JSON used for signed documents.
 *
 * Written as plain ECMAScript so the contracts stay portable. Where the host has Node's `Buffer`, base64 and hex use
 * it (same results, native speed); the portable code runs everywhere else.
 */

import {sha256} from './sha256.js';

export {sha256, SHA256_DIGEST_BYTES} from './sha256.js';

/** Node's `Buffer` when the host has one (the fast path); `undefined` in a plain ECMAScript host. */
const hostBuffer: typeof Buffer | undefined = (globalThis as {Buffer?: typeof Buffer}).Buffer;

function asBuffer(bytes: Uint8Array): Buffer {
  return hostBuffer!.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_PAD = '=';
const BASE64_DECODE = new Map<string, number>([...BASE64_ALPHABET].map((c, i) => [c, i]));
/** Characters per base64 quantum and bytes it encodes. */
const BASE64_QUANTUM_CHARS = 4;
const BASE64_QUANTUM_BYTES = 3;

/** Padded standard base64, exactly what {@link fromBase64} accepts. */
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Standard or URL-safe base64 characters, padding optional. */
const LENIENT_BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

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
  return hostBuffer ? asBuffer(bytes).toString('base64') : portable.toBase64(bytes);
}

function toBase64Portable(bytes: Uint8Array): string {
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
  if (hostBuffer && STRICT_BASE64.test(text)) return new Uint8Array(hostBuffer.from(text, 'base64'));
  return portable.fromBase64(text);
}

function fromBase64Portable(text: string): Uint8Array {
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

/**
 * Decodes standard or URL-safe base64, padding optional (what HTTP clients send in URLs and bodies). Throws
 * {@link EncodingError} on characters outside both alphabets, so that a garbled parameter is reported instead of
 * silently decoded to garbage.
 */
export function fromBase64Lenient(text: string): Uint8Array {
  if (!LENIENT_BASE64.test(text)) throw new EncodingError('Invalid Base64 string');
  const urlSafe = text.includes('-') || text.includes('_');
  if (hostBuffer) return new Uint8Array(hostBuffer.from(text, urlSafe ? 'base64url' : 'base64'));
  return portable.fromBase64Lenient(text);
}

function fromBase64LenientPortable(text: string): Uint8Array {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (standard.length % BASE64_QUANTUM_CHARS === 1) throw new EncodingError('Invalid Base64 string: length');
  return fromBase64Portable(standard.padEnd(Math.ceil(standard.length / BASE64_QUANTUM_CHARS) * BASE64_QUANTUM_CHARS, BASE64_PAD));
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return hostBuffer ? asBuffer(bytes).toString('hex') : portable.toHex(bytes);
}

/** Lower-case hex SHA-256 of bytes, or of a string's UTF-8. */
export function sha256Hex(data: Uint8Array | string): string {
  return toHex(sha256(typeof data === 'string' ? utf8(data) : data));
}

function toHexPortable(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Decodes hex (either case, even length); throws {@link EncodingError} otherwise. */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new EncodingError('Invalid hex string');
  return hostBuffer ? new Uint8Array(hostBuffer.from(text, 'hex')) : portable.fromHex(text);
}

function fromHexPortable(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * The portable implementations behind {@link toBase64}, {@link fromBase64}, {@link fromBase64Lenient},
 * {@link toHex} and {@link fromHex} (input already validated where noted), exported so tests can check them on a
 * host that has `Buffer`.
 */
export const portable = {
  toBase64: toBase64Portable,
  fromBase64: fromBase64Portable,
  fromBase64Lenient: fromBase64LenientPortable,
  toHex: toHexPortable,
  /** Expects even-length hex (checked by {@link fromHex}). */
  fromHex: fromHexPortable,
};

// ---------------------------------------------------------------------------------------------------------------
// bech32 (BIP-173) and Secret Network addresses
// ---------------------------------------------------------------------------------------------------------------

/** Human-readable part of Secret Network account and contract addresses. */
export const SECRET_HRP = 'secret';
/** Payload length of an account or contract address (RIPEMD-160 / truncated SHA-256), in bytes. */
export const ADDRESS_BYTES = 20;

/** BIP-173: total length limit of a bech32 string. */
export const BECH32_MAX_LENGTH = 90;
/** BIP-173: number of 5-bit checksum characters. */
const CHECKSUM_CHARS = 6;
/** BIP-173 data alphabet (index = 5-bit value). */
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
/** BIP-173 polymod generator coefficients. */
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const;
/** The residue a valid bech32 (not bech32m) checksum leaves. */
const BECH32_CONST = 1;

const CHAR_VALUE: Record<string, number> = Object.fromEntries([...CHARSET].map((c, i) => [c, i]));

function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GENERATOR[i]!;
  }
  return chk >>> 0;
}

function hrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) >>> 5);
  out.push(0);
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) & 31);
  return out;
}

/** Regroups bits (8→5 with padding, or 5→8 without). Returns undefined on non-zero or excess padding. */
function convertBits(data: ArrayLike<number>, from: number, to: number, pad: boolean): number[] | undefined {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const maxv = (1 << to) - 1;
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    if (value < 0 || value >> from !== 0) return undefined;
    acc = (acc << from) | value;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((acc >> bits) & maxv);
    }
  }
  if (pad) {
    if (bits > 0) out.push((acc << (to - bits)) & maxv);
  } else if (bits >= from || ((acc << (to - bits)) & maxv) !== 0) {
    return undefined;
  }
  return out;
}

/** Why a string is not a valid bech32 value (for messages). */
export type Bech32Problem = 'length' | 'case' | 'separator' | 'character' | 'checksum' | 'padding';

/** Result of {@link decodeBech32}. */
export type Bech32Decoded = {ok: true; prefix: string; data: Uint8Array} | {ok: false; problem: Bech32Problem};

/**
 * Decodes any BIP-173 bech32 string (original checksum, constant 1; bech32m is not used by Cosmos addresses).
 * The prefix comes back lower-cased. Never throws.
 */
export function decodeBech32(input: string): Bech32Decoded {
  if (input.length < 8 || input.length > BECH32_MAX_LENGTH) return {ok: false, problem: 'length'};
  const lower = input.toLowerCase();
  if (input !== lower && input !== input.toUpperCase()) return {ok: false, problem: 'case'};
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || sep + 1 + CHECKSUM_CHARS > lower.length) return {ok: false, problem: 'separator'};
  const prefix = lower.slice(0, sep);
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    if (c < 33 || c > 126) return {ok: false, problem: 'character'};
  }
  const values: number[] = [];
  for (const ch of lower.slice(sep + 1)) {
    const v = CHAR_VALUE[ch];
    if (v === undefined) return {ok: false, problem: 'character'};
    values.push(v);
  }
  if (polymod([...hrpExpand(prefix), ...values]) !== BECH32_CONST) return {ok: false, problem: 'checksum'};
  const bytes = convertBits(values.slice(0, -CHECKSUM_CHARS), 5, 8, false);
  if (!bytes) return {ok: false, problem: 'padding'};
  return {ok: true, prefix, data: Uint8Array.from(bytes)};
}

/** Encodes bytes as bech32 with the given prefix (lower case). */
export function encodeBech32(prefix: string, data: Uint8Array): string {
  const words = convertBits(data, 8, 5, true)!;
  const chk = polymod([...hrpExpand(prefix), ...words, 0, 0, 0, 0, 0, 0]) ^ BECH32_CONST;
  const checksum: number[] = [];
  for (let i = 0; i < CHECKSUM_CHARS; i++) checksum.push((chk >>> (5 * (CHECKSUM_CHARS - 1 - i))) & 31);
  return prefix + '1' + [...words, ...checksum].map((v) => CHARSET[v]).join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Bytes
// ---------------------------------------------------------------------------------------------------------------

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
