import {describe, expect, it} from '@jest/globals';
import {
  feeFor,
  formatScrt,
  formatTokenAmount,
  formatUnits,
  parseDenominated,
  parseScrt,
  parseTokenAmount,
  parseUint128,
  parseUnits,
  toUint128,
  UINT128_MAX,
  uscrtCoins,
} from '../../src/lib/chain/amounts.js';
import {UsageError} from '../../src/lib/errors.js';

function usage(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe('AMOUNT_INVALID');
    expect((err as UsageError).exitCode).toBe(2);
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('amounts', () => {
  it('parses SCRT with units into uscrt, exactly', () => {
    expect(parseScrt('1.5scrt')).toBe(1_500_000n);
    expect(parseScrt('1.5 SCRT')).toBe(1_500_000n);
    expect(parseScrt('1500000uscrt')).toBe(1_500_000n);
    expect(parseScrt('0.000001scrt')).toBe(1n);
    expect(parseScrt('1500000')).toBe(1_500_000n);
    expect(parseScrt('2', {bare: 'scrt'})).toBe(2_000_000n);
    // A value a float cannot hold exactly survives.
    expect(parseScrt('123456789012345678901.123456scrt')).toBe(123456789012345678901123456n);
  });

  it('refuses malformed amounts with a usage error naming the value', () => {
    for (const bad of ['', ' ', '-1scrt', '+1scrt', '1e6uscrt', '0x10uscrt', '1,000scrt', '1.scrt', '.5scrt', '1.5.1scrt', 'abc', 'NaN', 'Infinity', '1 5scrt', '1.5btc']) {
      usage(() => parseScrt(bad));
    }
    expect(usage(() => parseScrt('1.0000001scrt')).message).toMatch(/at most 6 digits/);
    expect(usage(() => parseScrt('1.5')).message).toMatch(/at most 0 digits/);
    expect(usage(() => parseScrt('5btc', {what: '--stake'})).message).toMatch(/--stake.*unknown unit "btc"/);
  });

  it('keeps within Uint128', () => {
    expect(parseUint128(UINT128_MAX.toString())).toBe(UINT128_MAX);
    usage(() => parseUint128((UINT128_MAX + 1n).toString()));
    usage(() => parseUnits('340282366920938463463374607431768211456', 0));
    expect(() => toUint128(-1n)).toThrow(RangeError);
    expect(() => toUint128(1.5)).toThrow(RangeError);
    expect(toUint128('0042')).toBe('42');
  });

  it('formats base units as whole units without trailing zeros', () => {
    expect(formatUnits(1_500_000n, 6)).toBe('1.5');
    expect(formatUnits(2_000_000n, 6)).toBe('2');
    expect(formatUnits(1n, 6)).toBe('0.000001');
    expect(formatUnits(0n, 6)).toBe('0');
    expect(formatUnits('123', 0)).toBe('123');
    expect(formatScrt(1_234_567n)).toBe('1.234567');
    expect(formatTokenAmount(10_000_000n, {symbol: 'SAIT', decimals: 6})).toBe('10 SAIT');
  });

  it('round-trips parse ∘ format for many values and decimals', () => {
    for (const decimals of [0, 1, 6, 8, 18]) {
      for (const v of [0n, 1n, 9n, 10n, 123456789n, 10n ** 30n + 7n]) {
        expect(parseUnits(formatUnits(v, decimals), decimals)).toBe(v);
      }
    }
  });

  it('reads token amounts in whole tokens, by symbol, or in base units', () => {
    const token = {symbol: 'SAIT', decimals: 6};
    expect(parseTokenAmount('10', token)).toBe(10_000_000n);
    expect(parseTokenAmount('10sait', token)).toBe(10_000_000n);
    expect(parseTokenAmount('2.5 SAIT', token)).toBe(2_500_000n);
    expect(parseTokenAmount('2500000base', token)).toBe(2_500_000n);
    expect(parseTokenAmount('2500000', token, {bare: 'base'})).toBe(2_500_000n);
    usage(() => parseTokenAmount('1.2345678', token));
    usage(() => parseTokenAmount('1scrt', token));
  });

  it('requires a unit when no bare unit is set', () => {
    expect(parseDenominated('3kg', {units: {kg: 3, g: 0}})).toBe(3000n);
    expect(usage(() => parseDenominated('3', {units: {kg: 3, g: 0}})).message).toMatch(/unit is required/);
  });

  it('computes fees exactly as ceil(gas × price)', () => {
    expect(feeFor(200_000, '0.1')).toBe(20_000n);
    expect(feeFor(25_001, '0.1')).toBe(2_501n);
    expect(feeFor(3, '0.25')).toBe(1n);
    expect(feeFor(100, '0')).toBe(0n);
    expect(feeFor(7, '1.000001')).toBe(8n);
  });

  it('builds coin lists', () => {
    expect(uscrtCoins(0n)).toEqual([]);
    expect(uscrtCoins(5n)).toEqual([{denom: 'uscrt', amount: '5'}]);
  });
});
