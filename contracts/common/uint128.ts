/**
 * CosmWasm `Uint128` arithmetic on decimal strings with BigInt — never floating point. Amounts travel and are
 * stored as decimal strings of base units; the functions below parse, check ranges and format them.
 */
import {ContractError} from './types.js';

/** Largest Uint128 value, 2^128 − 1. */
export const UINT128_MAX = (1n << 128n) - 1n;
/** Decimal digits of {@link UINT128_MAX} (the schema's `maxLength` for amounts). */
export const UINT128_MAX_DIGITS = 39;
const DECIMAL = /^[0-9]+$/;

/**
 * Parses a Uint128 decimal string. Throws {@link ContractError} if it is not a plain decimal number or does not fit
 * in 128 bits (`what` names the field in the message).
 */
export function parseUint128(text: string, what = 'amount'): bigint {
  if (typeof text !== 'string' || !DECIMAL.test(text)) throw new ContractError(`Invalid ${what}: "${String(text)}" is not a decimal Uint128`);
  const value = BigInt(text);
  if (value > UINT128_MAX) throw new ContractError(`Invalid ${what}: ${text} exceeds the Uint128 maximum`);
  return value;
}

/** Formats a value as a Uint128 decimal string; throws if it is negative or above 2^128 − 1. */
export function formatUint128(value: bigint): string {
  if (value < 0n || value > UINT128_MAX) throw new ContractError(`Uint128 out of range: ${value}`);
  return value.toString();
}

/** `a + b`, or `Overflow: Cannot Add with a and b` (CosmWasm `OverflowError` wording). */
export function checkedAdd(a: bigint, b: bigint): bigint {
  const sum = a + b;
  if (sum > UINT128_MAX) throw new ContractError(`Overflow: Cannot Add with ${a} and ${b}`);
  return sum;
}

/** `a − b`, or `Overflow: Cannot Sub with a and b` (CosmWasm `OverflowError` wording). */
export function checkedSub(a: bigint, b: bigint): bigint {
  if (b > a) throw new ContractError(`Overflow: Cannot Sub with ${a} and ${b}`);
  return a - b;
}

/** `a × b`, or `Overflow: Cannot Mul with a and b`. */
export function checkedMul(a: bigint, b: bigint): bigint {
  const product = a * b;
  if (product > UINT128_MAX) throw new ContractError(`Overflow: Cannot Mul with ${a} and ${b}`);
  return product;
}

/** `max(a − b, 0)`. */
export function saturatingSub(a: bigint, b: bigint): bigint {
  return b > a ? 0n : a - b;
}

/** `min(a + b, 2^128 − 1)`. */
export function saturatingAdd(a: bigint, b: bigint): bigint {
  const sum = a + b;
  return sum > UINT128_MAX ? UINT128_MAX : sum;
}
