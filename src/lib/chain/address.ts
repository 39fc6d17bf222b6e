/**
 * Bech32 addresses of Secret Network (`secret1…`), checked with their checksum.
 *
 * A small BIP-173 decoder/encoder written here so that validating a flag costs microseconds and does not load
 * secretjs. Only the original bech32 checksum (constant 1) is accepted; bech32m (BIP-350) is not used by Cosmos
 * account addresses.
 */
import {UsageError} from '../errors.js';

/** Human-readable part of Secret Network account and contract addresses. */
export const SECRET_HRP = 'secret';

/** Payload length of an account or contract address (RIPEMD-160 / truncated SHA-256), in bytes. */
export const ADDRESS_BYTES = 20;

/** Payload length of module-derived 32-byte addresses (Cosmos SDK ≥ 0.46 `address.Module`), in bytes. */
export const LONG_ADDRESS_BYTES = 32;

/** BIP-173: total length limit of a bech32 string. */
const BECH32_MAX_LENGTH = 90;
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
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GENERATOR[i];
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
    const value = data[i];
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

/** Decodes any BIP-173 bech32 string (HRP lower-cased). Never throws. */
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

/** True when `s` is a `secret1…` address (20 or 32 bytes) with a valid checksum. */
export function isSecretAddress(s: string): boolean {
  const d = decodeBech32(s.trim());
  return d.ok && d.prefix === SECRET_HRP && (d.data.length === ADDRESS_BYTES || d.data.length === LONG_ADDRESS_BYTES);
}

const PROBLEM_TEXT: Record<Bech32Problem, string> = {
  length: 'wrong length',
  case: 'mixed upper and lower case',
  separator: 'no "1" separator before the data',
  character: 'a character outside the bech32 alphabet',
  checksum: 'the checksum does not match (a typo?)',
  padding: 'invalid padding',
};

/**
 * Validates and normalises (trims, lower-cases) a `secret1…` address; `what` names the value in the error
 * (e.g. `--payout`). Throws UsageError `ADDRESS_INVALID` (exit 2) otherwise.
 */
export function parseAddress(input: string, what = 'address'): string {
  const s = (input ?? '').trim();
  const d = decodeBech32(s);
  const shown = s.length > 70 ? `${s.slice(0, 67)}...` : s;
  if (!d.ok) {
    throw new UsageError(`invalid ${what} "${shown}": ${PROBLEM_TEXT[d.problem]}`, {
      code: 'ADDRESS_INVALID',
      suggestion: 'a Secret Network address looks like secret1… (45 characters); copy it again',
    });
  }
  if (d.prefix !== SECRET_HRP) {
    throw new UsageError(`invalid ${what} "${shown}": prefix "${d.prefix}" is not "${SECRET_HRP}"`, {
      code: 'ADDRESS_INVALID',
      suggestion: 'use a Secret Network address (secret1…)',
    });
  }
  if (d.data.length !== ADDRESS_BYTES && d.data.length !== LONG_ADDRESS_BYTES) {
    throw new UsageError(`invalid ${what} "${shown}": ${d.data.length}-byte payload (expected ${ADDRESS_BYTES})`, {code: 'ADDRESS_INVALID'});
  }
  return s.toLowerCase();
}

/** The 20- (or 32-) byte payload of a valid `secret1…` address; throws like {@link parseAddress}. */
export function addressBytes(address: string): Uint8Array {
  const normalised = parseAddress(address);
  const d = decodeBech32(normalised);
  if (!d.ok) throw new Error('unreachable: address validated above');
  return d.data;
}

/** `secret1…` address of a raw 20-byte payload. */
export function toSecretAddress(bytes: Uint8Array): string {
  if (bytes.length !== ADDRESS_BYTES && bytes.length !== LONG_ADDRESS_BYTES) {
    throw new RangeError(`address payload must be ${ADDRESS_BYTES} or ${LONG_ADDRESS_BYTES} bytes, got ${bytes.length}`);
  }
  return encodeBech32(SECRET_HRP, bytes);
}
