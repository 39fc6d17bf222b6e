import {beforeAll, describe, expect, it} from '@jest/globals';
import {randomBytes} from 'node:crypto';
import {checkedAdd, checkedMul, checkedSub, parseUint128, saturatingAdd, saturatingSub, UINT128_MAX} from '../../../contracts/common/uint128.js';
import {compileTestModule, secretWasmProblems} from './asc.js';
import {TestModule} from './as-host.js';

const EDGES: bigint[] = [
  0n, 1n, 2n, 9n, 10n, 11n, 999_999_999n, 1_000_000_000n, (1n << 32n) - 1n, 1n << 32n, (1n << 63n) - 1n, 1n << 63n,
  (1n << 64n) - 1n, 1n << 64n, (1n << 64n) + 1n, 10n ** 19n - 1n, 10n ** 19n, 10n ** 20n, (1n << 96n) + 12345n,
  1n << 127n, 10n ** 38n, UINT128_MAX - 1n, UINT128_MAX,
];

/** A random value of a random bit length (0…128), so that small, mid-sized and full-width values all occur. */
function random128(): bigint {
  const bits = randomBytes(1)[0]! % 129;
  const raw = BigInt(`0x${randomBytes(16).toString('hex')}`);
  return bits === 0 ? 0n : raw & ((1n << BigInt(bits)) - 1n);
}

function operands(count: number): bigint[] {
  const out = [...EDGES];
  while (out.length < count) out.push(random128());
  return out;
}

/** What the TypeScript function gives: its result, or `fail:<message>` of the ContractError it throws. */
function ts(f: () => bigint): string {
  try {
    return f().toString();
  } catch (e) {
    return `fail:${(e as Error).message}`;
  }
}

const orNull = (v: bigint | null): string => (v === null ? 'null' : v.toString());

/** Every line's answer equals the expected one (the differing lines are listed on failure). */
function expectAnswers(lines: string[], got: string[], expected: string[]): void {
  expect(got).toHaveLength(lines.length);
  const wrong = lines.flatMap((line, i) => (got[i] === expected[i] ? [] : [{line, got: got[i], expected: expected[i]}]));
  expect(wrong).toEqual([]);
}

describe('contracts/lib U128 (wasm) against BigInt and contracts/common/uint128.ts', () => {
  let m: TestModule;
  const batch = (lines: string[]) => m.run('runBatch', lines.join('\n')).text.split('\n');

  beforeAll(async () => {
    m = await TestModule.load('u128');
  });

  it('parses and formats like BigInt, with the TypeScript error texts', () => {
    const texts = [
      ...operands(300).map(String), '0000', '007', `000${UINT128_MAX}`, (UINT128_MAX + 1n).toString(), (2n ** 129n).toString(),
      '9'.repeat(39), '9'.repeat(60), '', '-1', '+1', ' 1', '1 ', '1.0', '1e3', '0x10', '\u0661', '12a', 'amount"x',
    ];
    const parse = texts.map((t) => `parse ${t}`);
    expectAnswers(parse, batch(parse), texts.map((t) => (/^[0-9]+$/.test(t) && BigInt(t) <= UINT128_MAX ? BigInt(t).toString() : 'null')));
    const checked = texts.map((t) => `parseUint128 price ${t}`);
    expectAnswers(checked, batch(checked), texts.map((t) => ts(() => parseUint128(t, 'price'))));
  });

  it('adds, subtracts, multiplies and saturates like BigInt, with CosmWasm overflow texts', () => {
    const values = operands(60);
    const lines: string[] = [];
    const expected: string[] = [];
    for (const a of values) {
      for (const b of values.slice(0, 30)) {
        for (const op of ['add', 'sub', 'mul'] as const) {
          const exact = op === 'add' ? a + b : op === 'sub' ? a - b : a * b;
          lines.push(`${op} ${a} ${b}`);
          expected.push(exact < 0n || exact > UINT128_MAX ? 'null' : exact.toString());
        }
        lines.push(`checkedAdd ${a} ${b}`, `checkedSub ${a} ${b}`, `checkedMul ${a} ${b}`, `saturatingAdd ${a} ${b}`, `saturatingSub ${a} ${b}`);
        expected.push(
          ts(() => checkedAdd(a, b)), ts(() => checkedSub(a, b)), ts(() => checkedMul(a, b)),
          saturatingAdd(a, b).toString(), saturatingSub(a, b).toString(),
        );
        const order = a < b ? -1 : a > b ? 1 : 0;
        lines.push(`cmp ${a} ${b}`);
        expected.push(`${order}${order === 0 ? ' eq' : ''}${order < 0 ? ' lt' : ''}${order <= 0 ? ' le' : ''}${order > 0 ? ' gt' : ''}${order >= 0 ? ' ge' : ''}`);
      }
    }
    expectAnswers(lines, batch(lines), expected);
  });

  it('divides with remainder like BigInt and refuses a zero divisor', () => {
    const values = operands(80);
    const lines: string[] = [];
    const expected: string[] = [];
    for (const a of values) {
      for (const b of values.slice(0, 40)) {
        lines.push(`div ${a} ${b}`, `rem ${a} ${b}`);
        expected.push(orNull(b === 0n ? null : a / b), orNull(b === 0n ? null : a % b));
      }
    }
    expectAnswers(lines, batch(lines), expected);
  });

  it('computes a × b / c through a 256-bit product, null for c = 0 or a quotient above 2^128 − 1', () => {
    const values = operands(40);
    const lines: string[] = [];
    const expected: string[] = [];
    const add = (a: bigint, b: bigint, c: bigint) => {
      lines.push(`mulDiv ${a} ${b} ${c}`);
      const q = c === 0n ? null : (a * b) / c;
      expected.push(orNull(q !== null && q > UINT128_MAX ? null : q));
    };
    for (const a of values) for (const b of values) add(a, b, values[(Number(a % 37n) + Number(b % 41n)) % values.length]!);
    // Pro-rata shares: weight ≤ total, so the share never exceeds the amount even when a × b is far beyond 2^128.
    for (let i = 0; i < 300; i++) {
      const total = random128() || 1n;
      const weight = total === 0n ? 0n : random128() % (total + 1n);
      add(weight, random128(), total);
    }
    add(UINT128_MAX, UINT128_MAX, UINT128_MAX);
    add(UINT128_MAX, UINT128_MAX, UINT128_MAX - 1n);
    add(UINT128_MAX, 2n, 1n);
    add(1n << 64n, 1n << 64n, 1n);
    add(1n << 64n, 1n << 64n, 2n);
    add(UINT128_MAX, 1n, 0n);
    expectAnswers(lines, batch(lines), expected);
    expect(expected.filter((e) => e === 'null').length).toBeGreaterThan(10);
  });

  it('compiles to an MVP module without floating point, optimised or not', async () => {
    expect(await secretWasmProblems(await compileTestModule('u128'))).toEqual([]);
    expect(await secretWasmProblems(await compileTestModule('u128', false))).toEqual([]);
  });
});
