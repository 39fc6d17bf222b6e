/**
 * The AssemblyScript JSON reader/writer against JavaScript's own: `stringify` must be byte-identical to
 * `JSON.stringify` of `JSON.parse` of the same text, `canonical` must sort keys as `Array.prototype.sort`, and
 * numbers must behave as the doubles the TypeScript contracts saw.
 */
import {beforeAll, describe, expect, it} from '@jest/globals';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {canonicalJson} from '../../../contracts/common/encoding.js';
import {repoRoot} from '../../helpers/shared.js';
import {newHostState, TestInstance} from './host.js';
import {libTestModule} from './modules.js';
import type {WasmModule} from './wasm-api.js';

let module: WasmModule;
beforeAll(async () => {
  module = (await libTestModule('harness')).module;
});

function call(name: string, ...args: string[]): string {
  return new TestInstance(module, newHostState()).call(name, ...args);
}

const TRICKY_STRINGS = [
  '',
  'plain',
  'quote " and backslash \\ and slash /',
  'controls \u0000\u0001\u0007\b\t\n\u000b\f\r\u000e\u001f end',
  'delete \u007f and C1 \u0080\u009f',
  'line separators \u2028 \u2029',
  'non-ASCII: é ü ß 中文 日本語 🙂 𝄞',
  'lone high \ud800 here',
  'lone low \udc00 here',
  'reversed pair \udc00\ud800',
  'high at end \udbff',
  'pair then lone \ud83d\ude42\ud83d',
  '\ud83d\ude42',
  '<script>&amp;</script>',
  'tab\tand \\u0041 literal',
];

describe('stringify parity with JSON.stringify', () => {
  it('escapes strings exactly like JSON.stringify (control characters, quotes, U+2028, lone surrogates)', () => {
    for (const s of TRICKY_STRINGS) {
      const text = JSON.stringify(s);
      expect(call('json_roundtrip', text)).toBe(`OK:${text}`);
      // Also as an object key and inside an array.
      const nested = JSON.stringify({[s]: [s, {k: s}]});
      expect(call('json_roundtrip', nested)).toBe(`OK:${nested}`);
    }
  });

  it('decodes every escape form the same way JSON.parse does', () => {
    const inputs = [
      '"\\u0041\\u00e9\\u4e2d\\ud83d\\ude42\\/\\b\\f\\n\\r\\t\\"\\\\"',
      '"\\uD800"',
      '"\\uDBFF\\uDFFF"',
      '"\\u002f\\u005C"',
    ];
    for (const text of inputs) expect(call('json_roundtrip', text)).toBe(`OK:${JSON.stringify(JSON.parse(text))}`);
  });

  it('keeps JavaScript member order: array-index keys ascending first, then insertion order; duplicates keep the first position and the last value', () => {
    const inputs = [
      '{"b":1,"a":2,"10":3,"2":4,"01":5,"-1":6,"4294967294":7,"4294967295":8,"0":9,"1.5":10}',
      '{"a":1,"b":2,"a":3}',
      '{"x":{"z":1,"y":[{"2":0,"1":0}]}}',
      '{"__proto__":1,"constructor":2}',
      '{"":1," ":2}',
    ];
    for (const text of inputs) expect(call('json_roundtrip', text)).toBe(`OK:${JSON.stringify(JSON.parse(text))}`);
  });

  it('edits objects as JavaScript assignment and delete would', () => {
    const input = '{"c":0,"a":1,"7":2}';
    const js = JSON.parse(input) as Record<string, unknown>;
    Object.assign(js, {5: 5, b: true, 0: null, a: 'replaced'});
    delete js.c;
    expect(call('json_edit', input)).toBe(JSON.stringify(js));
  });

  it('writes whitespace-free JSON for nested values and all literal kinds', () => {
    const text = ' { "a" : [ 1 , -2 , 3.25 , true , false , null , { } , [ ] ] ,\n\t"b" : { "c" : "d" } } ';
    expect(call('json_roundtrip', text)).toBe(`OK:${JSON.stringify(JSON.parse(text))}`);
  });

  it('rejects what JSON.parse rejects', () => {
    const bad = [
      '', ' ', '{', '[1,]', '{"a":1,}', '{a:1}', "{'a':1}", '01', '1.', '.5', '+1', '-', '1e', '1e+', '0x10', 'NaN',
      'Infinity', 'tru', 'nul', '"unterminated', '"bad \\x escape"', '"\\u12"', '"raw \u0001 control"', '[1] 2', '{"a" 1}',
      '{"a":1 "b":2}', '"\\ud800" x', '\u00a01',
    ];
    for (const text of bad) {
      expect(() => JSON.parse(text)).toThrow();
      expect(call('json_roundtrip', text)).toMatch(/^ERR:.+ at position \d+$/);
    }
  });

  it('limits nesting depth instead of exhausting the stack', () => {
    expect(call('json_roundtrip', '['.repeat(128) + ']'.repeat(128))).toBe(`OK:${'['.repeat(128)}${']'.repeat(128)}`);
    expect(call('json_roundtrip', '['.repeat(129) + ']'.repeat(129))).toMatch(/^ERR:JSON nested too deeply/);
    expect(call('json_roundtrip', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000))).toMatch(/^ERR:JSON nested too deeply/);
  });

  it('handles objects large enough to use the member index', () => {
    const obj: Record<string, number> = {};
    for (let i = 0; i < 200; i++) obj[`k${(i * 7919) % 200}`] = i;
    const text = JSON.stringify(obj).replace('"k5":', '"k5":0,"k5":');
    expect(call('json_roundtrip', text)).toBe(`OK:${JSON.stringify(JSON.parse(text))}`);
  });
});

describe('lazy parsing of trusted documents', () => {
  it('gives the same values as the eager parser, for every contract schema and tricky documents', () => {
    const docs: string[] = [
      ...TRICKY_STRINGS.map((s) => JSON.stringify({[s]: [s, {k: s, n: [1, -2.5e3, {}]}], a: null, b: true})),
      '{"b":1,"a":2,"10":3,"2":4,"a":5}',
      ' [ { "x" : [ [ ] , { } , "\\\"" ] } , 0 , false ] ',
      '"just a string with \\\\u escapes \\u00e9"',
      '42',
    ];
    const dir = path.join(repoRoot, 'contracts');
    for (const c of readdirSync(dir)) {
      const sdir = path.join(dir, c, 'schema');
      if (!existsSync(sdir)) continue;
      for (const f of readdirSync(sdir).filter((n) => n.endsWith('.json'))) docs.push(readFileSync(path.join(sdir, f), 'utf8'));
    }
    const wrong: Array<{doc: string; got: string}> = [];
    for (const doc of docs) {
      let got: string;
      try {
        got = call('json_lazy_roundtrip', doc);
      } catch (e) {
        got = String(e);
      }
      if (got !== `EQ:${JSON.stringify(JSON.parse(doc))}`) wrong.push({doc: doc.slice(0, 200), got: got.slice(0, 200)});
    }
    expect(wrong).toEqual([]);
  });
});

describe('canonical JSON', () => {
  it('sorts keys recursively by UTF-16 code units, like canonicalJson in contracts/common', () => {
    const values = [
      {b: 1, a: {d: [{z: 1, y: 2}], c: null}, A: true, _: 'x', '10': 1, '9': 2},
      {'é': 1, 'e': 2, '\ud83d\ude42': 3, '\uffff': 4, '\u2028': 5, 'Z': 6, '': 7},
      {msgs: [{type: 'query_permit', value: {permit_name: 'p', allowed_tokens: ['secret1x'], permissions: ['balance']}}], chain_id: 'c', account_number: '0', sequence: '0', fee: {gas: '1', amount: [{denom: 'uscrt', amount: '0'}]}, memo: ''},
    ];
    for (const v of values) expect(call('json_canonical', JSON.stringify(v))).toBe(canonicalJson(v));
  });
});

describe('numbers without floating point', () => {
  const NUMBERS = [
    '0', '-0', '1', '-1', '10', '100', '1.0', '1.50', '-1.5', '0.1', '0.000001', '0.0000001', '1e0', '1E2', '1e+2', '1e-2', '12e-1',
    '123456789012345', '1234567890123456', '9007199254740991', '9007199254740992', '9007199254740993', '4503599627370495.5',
    '4503599627370496.5', '4503599627370495.9', '4294967295', '4294967296', '18446744073709551615', '18446744073709551616',
    '1e21', '1e20', '123e18', '1.5e300', '1e308', '1.7976931348623157e308', '1.7976931348623158e308', '1.7976931348623159e308',
    '1e309', '-1e400', '1e-7', '5e-324', '2e-324', '2.4703282292062327e-324', '2.4703282292062328e-324', '1e-400', '-1e-400',
    '1.0000000000000001', '1.000000000000001', '0.99999999999999999', '0.9999999999999999', '2.0000000000000004',
    '2.00000000000000044', '2.0000000000000002', '3.0000000000000004', '0.5000000000000001', '100.00000000000001',
    '123.456', '-0.0', '0e10', '0.000e-5', '1e-10', '25e-1', '7.0e1',
  ];

  it('classifies numbers as Number.isInteger / isFinite of the parsed double do', () => {
    for (const t of NUMBERS) {
      const n = Number(t);
      const expected = !Number.isFinite(n) ? '2' : Number.isInteger(n) ? '0' : '1';
      expect([t, call('number_info', t).split('|')[0]]).toEqual([t, expected]);
    }
  });

  it('writes numbers as JSON.stringify does (up to 15 significant digits, and integers up to 2^53)', () => {
    for (const t of NUMBERS) {
      const n = Number(t);
      const digits = t.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
      const exactAtMost2p53 = /^-?\d+$/.test(t) ? BigInt(t.replace('-', '')) <= 2n ** 53n : Math.abs(n) <= 2 ** 53;
      const covered = !Number.isFinite(n) || digits <= 15 || (Number.isInteger(n) && exactAtMost2p53);
      const written = call('number_info', t).split('|')[1];
      if (covered) expect([t, written]).toEqual([t, JSON.stringify(n)]);
      else expect([t, written]).toEqual([t, t]);
    }
  });

  it('reads integer values exactly', () => {
    expect(call('number_info', '18446744073709551615')).toBe('0|18446744073709551615|1|18446744073709551615|0|0');
    expect(call('number_info', '18446744073709551616')).toBe('0|18446744073709551616|0|0|0|0');
    expect(call('number_info', '1e2')).toBe('0|100|1|100|1|100');
    expect(call('number_info', '-5')).toBe('0|-5|0|0|1|-5');
    expect(call('number_info', '-9223372036854775808')).toBe('0|-9223372036854775808|0|0|1|-9223372036854775808');
    expect(call('number_info', '1.5')).toBe('1|1.5|0|0|0|0');
    expect(call('number_info', '1.0000000000000001')).toBe('0|1|1|1|1|1');
  });

  it('compares numbers as the doubles compare', () => {
    const pairs: Array<[string, string]> = [];
    const sample = ['0', '-0', '1', '-1', '1.0', '0.5', '-0.5', '4294967295', '4294967296', '1e3', '999.9', '1e400', '-1e400', '1e-400', '100', '99.99999999999999999', '10000'];
    for (const a of sample) for (const b of sample) pairs.push([a, b]);
    for (const [a, b] of pairs) {
      const x = Number(a);
      const y = Number(b);
      expect([a, b, call('number_compare', a, b)]).toEqual([a, b, x < y ? '-1' : x > y ? '1' : '0']);
    }
  });
});
