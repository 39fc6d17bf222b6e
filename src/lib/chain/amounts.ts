/**
 * Amounts: decimal strings ↔ BigInt base units, never floating point (`snip20-and-permits.md` §1).
 *
 * Native SCRT has 6 decimals (1 SCRT = 1 000 000 uscrt). SNIP-20 amounts are CosmWasm `Uint128` decimal strings in
 * the token's base unit; its `decimals` (from `token_info`) say how a person writes them. A malformed amount is a
 * UsageError (`AMOUNT_INVALID`, exit 2) raised before anything is sent. More fractional digits than the unit has
 * are refused rather than rounded.
 */
import {UsageError} from '../errors.js';

/** Largest CosmWasm `Uint128` (2^128 − 1). */
export const UINT128_MAX = (1n << 128n) - 1n;

/** Decimals of native SCRT: 1 SCRT = 10^6 uscrt. */
export const SCRT_DECIMALS = 6;

/** The native fee and staking denom. */
export const USCRT = 'uscrt';

/** Upper bound of decimals accepted for a token (the SNIP-20 reference implementation allows at most 18). */
export const MAX_DECIMALS = 18;

const INTEGER_RE = /^[0-9]+$/;
const DECIMAL_RE = /^([0-9]+)(?:\.([0-9]+))?$/;
const WITH_UNIT_RE = /^([0-9]+(?:\.[0-9]+)?)\s?([a-zA-Z][a-zA-Z0-9/_-]*)?$/;

/** A native coin in base units, as the chain writes it. */
export interface Coin {
  denom: string;
  /** Decimal string of base units. */
  amount: string;
}

function invalid(what: string, input: string, why: string, suggestion?: string): UsageError {
  const shown = input.length > 60 ? `${input.slice(0, 57)}...` : input;
  return new UsageError(`invalid ${what} "${shown}": ${why}`, {code: 'AMOUNT_INVALID', ...(suggestion ? {suggestion} : {})});
}

function checkDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new RangeError(`decimals must be an integer in 0..${MAX_DECIMALS}, got ${decimals}`);
  }
}

function checkRange(value: bigint, what: string, input: string): bigint {
  if (value > UINT128_MAX) throw invalid(what, input, 'larger than the largest Uint128 amount');
  return value;
}

/**
 * Parses a `Uint128` decimal string of base units (digits only, e.g. `"1500000"`).
 * @param what names the value in the error message (a flag or field name).
 */
export function parseUint128(input: string, what = 'amount'): bigint {
  const s = String(input ?? '').trim();
  if (!INTEGER_RE.test(s)) throw invalid(what, s, 'expected a whole number of base units (digits only)');
  return checkRange(BigInt(s), what, s);
}

/**
 * Parses a decimal number written in whole units (`"1.5"`) into base units for `decimals` (→ `1500000n` for 6).
 * Refuses signs, exponents, separators and more than `decimals` fractional digits.
 */
export function parseUnits(input: string, decimals: number, what = 'amount'): bigint {
  checkDecimals(decimals);
  const s = String(input ?? '').trim();
  const m = DECIMAL_RE.exec(s);
  if (!m) throw invalid(what, s, 'expected a decimal number such as 1.5 (no sign, exponent or separators)');
  const [, whole, frac = ''] = m;
  if (frac.length > decimals) {
    throw invalid(what, s, `at most ${decimals} digit${decimals === 1 ? '' : 's'} after the decimal point`, decimals === 0 ? 'use a whole number' : undefined);
  }
  const base = BigInt(whole) * 10n ** BigInt(decimals) + (frac ? BigInt(frac.padEnd(decimals, '0')) : 0n);
  return checkRange(base, what, s);
}

/**
 * Formats base units as a decimal string in whole units: `formatUnits(1500000n, 6)` → `"1.5"`,
 * `formatUnits(2000000n, 6)` → `"2"`. Accepts a bigint or a Uint128 decimal string.
 */
export function formatUnits(base: bigint | string, decimals: number): string {
  checkDecimals(decimals);
  const v = typeof base === 'bigint' ? base : parseUint128(base);
  if (v < 0n) throw new RangeError('amounts are never negative');
  if (decimals === 0) return v.toString();
  const s = v.toString().padStart(decimals + 1, '0');
  const whole = s.slice(0, -decimals);
  const frac = s.slice(-decimals).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

/** How to read a number and its unit suffix. */
export interface UnitTable {
  /** Unit names (case-insensitive) → decimals of base units per one of that unit (0 = the base unit itself). */
  units: Record<string, number>;
  /** Unit assumed when the input has no suffix; when absent a suffix is required. */
  bare?: string;
}

/**
 * Parses `<number>[ ]<unit>` with a unit from `table` into base units: with `{scrt: 6, uscrt: 0}`,
 * `"1.5scrt"` and `"1500000uscrt"` both give `1500000n`.
 */
export function parseDenominated(input: string, table: UnitTable, what = 'amount'): bigint {
  const s = String(input ?? '').trim();
  const units = Object.fromEntries(Object.entries(table.units).map(([k, v]) => [k.toLowerCase(), v]));
  const names = Object.keys(table.units).join(', ');
  const m = WITH_UNIT_RE.exec(s);
  if (!m) throw invalid(what, s, `expected a number followed by a unit (${names}), e.g. 1.5${Object.keys(table.units)[0] ?? ''}`);
  const [, num, unitRaw] = m;
  const unit = unitRaw ? unitRaw.toLowerCase() : table.bare?.toLowerCase();
  if (unit === undefined) throw invalid(what, s, `a unit is required (${names})`);
  const decimals = units[unit];
  if (decimals === undefined) throw invalid(what, s, `unknown unit "${unitRaw}" (use ${names})`);
  return parseUnits(num, decimals, what);
}

/**
 * Native SCRT amounts: `"1.5scrt"`, `"1.5 SCRT"`, `"1500000uscrt"`; a bare number is read in `bare` units
 * (default `uscrt`, so a bare `"1.5"` is refused as a fraction of a base unit). Returns uscrt.
 */
export function parseScrt(input: string, opts: {bare?: 'scrt' | 'uscrt'; what?: string} = {}): bigint {
  return parseDenominated(input, {units: {scrt: SCRT_DECIMALS, uscrt: 0}, bare: opts.bare ?? 'uscrt'}, opts.what ?? 'amount');
}

/** uscrt as SCRT in whole units (`1500000n` → `"1.5"`). */
export function formatScrt(uscrt: bigint | string): string {
  return formatUnits(uscrt, SCRT_DECIMALS);
}

/** A SNIP-20 token's display facts (from `token_info`). */
export interface TokenUnits {
  symbol: string;
  decimals: number;
}

/**
 * SNIP-20 amounts: `"1.5"` or `"1.5<symbol>"` in whole tokens, or `"1500000base"` in base units. A bare number is
 * read in whole tokens unless `bare` is `base`. Returns base units.
 */
export function parseTokenAmount(input: string, token: TokenUnits, opts: {bare?: 'token' | 'base'; what?: string} = {}): bigint {
  checkDecimals(token.decimals);
  const sym = token.symbol.toLowerCase();
  const units: Record<string, number> = {token: token.decimals, base: 0};
  if (/^[a-z][a-z0-9/_-]*$/.test(sym)) units[sym] = token.decimals;
  return parseDenominated(input, {units, bare: opts.bare === 'base' ? 'base' : 'token'}, opts.what ?? 'amount');
}

/** Token base units in whole tokens with the symbol (`1500000n`, sSCRT/6 → `"1.5 sSCRT"`). */
export function formatTokenAmount(base: bigint | string, token: TokenUnits): string {
  return `${formatUnits(base, token.decimals)} ${token.symbol}`;
}

/** The `Uint128` wire form of an amount (decimal string), range-checked. */
export function toUint128(value: bigint | number | string): string {
  const v = typeof value === 'bigint' ? value : typeof value === 'number' ? toBigIntExact(value) : parseUint128(value);
  if (v < 0n || v > UINT128_MAX) throw new RangeError(`amount out of Uint128 range: ${v}`);
  return v.toString();
}

function toBigIntExact(n: number): bigint {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a safe integer amount: ${n}`);
  return BigInt(n);
}

/** A uscrt coin list for `sent_funds` / bank sends (empty for zero). */
export function uscrtCoins(uscrt: bigint): Coin[] {
  if (uscrt < 0n) throw new RangeError('amounts are never negative');
  return uscrt === 0n ? [] : [{denom: USCRT, amount: toUint128(uscrt)}];
}

/**
 * The fee secretjs pays for a gas limit at a price: `ceil(gasLimit × gasPrice)` uscrt, computed exactly on the
 * decimal string of the price (secretjs does the same product in floating point, then rounds up).
 */
export function feeFor(gasLimit: number, gasPrice: string): bigint {
  const m = DECIMAL_RE.exec(gasPrice.trim());
  if (!m || !Number.isSafeInteger(gasLimit) || gasLimit < 0) throw new RangeError(`invalid gas ${gasLimit} or price ${gasPrice}`);
  const [, whole, frac = ''] = m;
  const scale = 10n ** BigInt(frac.length);
  const price = BigInt(whole) * scale + (frac ? BigInt(frac) : 0n);
  const product = BigInt(gasLimit) * price;
  return (product + scale - 1n) / scale;
}
