/**
 * The wasm schema validator (contracts/lib/schema.ts) against the TypeScript one (contracts/common/schema.ts):
 * the same verdict and the same message, character for character, for thousands of valid and broken messages
 * over every real contract schema, and for hand-written schemas that use the keywords the contracts do not.
 */
import {beforeAll, describe, expect, it} from '@jest/globals';
import {compileSchema, formatIssues, type JsonSchema} from '../../../contracts/common/schema.js';
import {newHostState, TestInstance} from './host.js';
import {libTestModule} from './modules.js';
import {loadContractSchemas, messageCases, PATTERN_PROBES, PATTERN_SAMPLES} from './schema-cases.js';
import type {WasmModule} from './wasm-api.js';

let module: WasmModule;
beforeAll(async () => {
  module = (await libTestModule('harness')).module;
});

const compiled = new Map<JsonSchema, ReturnType<typeof compileSchema>>();

/** What the TypeScript validator says about a JSON text: `VALID` or its message. */
function tsVerdict(schema: JsonSchema, root: string, text: string): string {
  let validator = compiled.get(schema);
  if (!validator) compiled.set(schema, (validator = compileSchema(schema, root)));
  const issues = validator.validate(JSON.parse(text));
  return issues.length === 0 ? 'VALID' : formatIssues(root, issues);
}

/** What the wasm validator says, for many texts at once (fresh instances, batches of 200). */
function wasmVerdicts(schema: JsonSchema, root: string, texts: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < texts.length; i += 200) {
    const batch = texts.slice(i, i + 200);
    const answer = new TestInstance(module, newHostState()).call('schema_validate_lines', JSON.stringify(schema), root, batch.join('\n'));
    out.push(...answer.split('\n'));
  }
  return out;
}

/** Checks that both validators agree on every text (all disagreements reported at once); returns how many are invalid. */
function expectSameVerdicts(schema: JsonSchema, root: string, texts: string[]): number {
  const wasm = wasmVerdicts(schema, root, texts);
  let invalid = 0;
  const disagreements: Array<{text: string; wasm: string; ts: string}> = [];
  texts.forEach((text, i) => {
    const ts = tsVerdict(schema, root, text);
    if (ts !== 'VALID') invalid++;
    if (wasm[i] !== ts) disagreements.push({text, wasm: wasm[i]!, ts});
  });
  expect(disagreements.slice(0, 5)).toEqual([]);
  return invalid;
}

describe('patterns', () => {
  it('every pattern of the contract schemas has a sample, and the samples match', () => {
    for (const [pattern, sample] of Object.entries(PATTERN_SAMPLES)) expect([pattern, new RegExp(pattern, 'u').test(sample)]).toEqual([pattern, true]);
  });

  it('match exactly what the JavaScript RegExp (u flag) matches', () => {
    for (const [pattern, sample] of Object.entries(PATTERN_SAMPLES)) {
      const subjects = [sample, `${sample}x`, sample.slice(1), sample.toUpperCase(), ` ${sample}`, ...PATTERN_PROBES];
      const expected = subjects.map((s) => (new RegExp(pattern, 'u').test(s) ? '1' : '0')).join('');
      const got = new TestInstance(module, newHostState()).call('pattern_test', pattern, subjects.map((s) => JSON.stringify(s)).join('\n'));
      expect({pattern, got}).toEqual({pattern, got: expected});
    }
  });

  it('supports the simple anchored forms generally and refuses the rest', () => {
    const check = (pattern: string, subjects: string[]) => {
      const got = new TestInstance(module, newHostState()).call('pattern_test', pattern, subjects.map((s) => JSON.stringify(s)).join('\n'));
      expect({pattern, got}).toEqual({pattern, got: subjects.map((s) => (new RegExp(pattern, 'u').test(s) ? '1' : '0')).join('')});
    };
    check('^a?b*c+\\d{2}\\w{1,}[^x-z]{0,2}.$', ['cc12_!', 'abbc99a', 'c00xyz!', 'c0', 'abc12__', 'c12\n', 'c12🙂', 'ac12a\u2028']);
    check('^[\\]\\-a]+$', ['-]a', 'b', '']);
    check('^x{3,}$', ['xx', 'xxx', 'xxxxxx']);
    for (const unsupported of ['a', '^a', 'a$', '^(a)$', '^a|b$', '^a+?$', '^[a$', '^a{2$', '^\\p{L}$', '^\\$', '^a{3,1}$']) {
      expect([unsupported, new TestInstance(module, newHostState()).call('pattern_test', unsupported, '"a"')]).toEqual([unsupported, 'unsupported']);
    }
  });
});

describe('contract schemas', () => {
  const schemas = loadContractSchemas();

  it('are all usable by the wasm validator (keywords, $refs, patterns)', () => {
    expect(schemas.length).toBeGreaterThanOrEqual(15);
    for (const {name, schema} of schemas) {
      expect([name, new TestInstance(module, newHostState()).call('schema_problem', JSON.stringify(schema))]).toEqual([name, 'OK']);
    }
  });

  it('give the same verdict and message as contracts/common/schema.ts for valid and broken messages', () => {
    let total = 0;
    let invalid = 0;
    for (const {name, root, schema} of schemas) {
      const {texts, missingPatterns} = messageCases(schema);
      expect([name, missingPatterns]).toEqual([name, []]);
      invalid += expectSameVerdicts(schema, root, texts);
      total += texts.length;
    }
    // The cases must exercise both verdicts at scale.
    expect(total).toBeGreaterThan(5000);
    expect(invalid).toBeGreaterThan(total / 2);
    expect(total - invalid).toBeGreaterThan(50);
  });
});

describe('keywords the contract schemas do not use', () => {
  const AMOUNT: JsonSchema = {type: 'string', pattern: '^[0-9]+$', maxLength: 39};
  const MESSAGES: JsonSchema = {
    oneOf: [
      {type: 'object', required: ['send'], additionalProperties: false, properties: {send: {$ref: '#/definitions/Send'}}},
      {type: 'object', required: ['burn'], additionalProperties: false, properties: {burn: {type: 'object', additionalProperties: false, properties: {}}}},
    ],
    definitions: {
      Amount: AMOUNT,
      Send: {
        type: 'object',
        required: ['recipient', 'amount'],
        additionalProperties: false,
        properties: {
          recipient: {type: 'string', minLength: 1},
          amount: {$ref: '#/definitions/Amount'},
          memo: {type: ['string', 'null'], maxLength: 4},
          tags: {type: 'array', items: {enum: ['a', 'b', 1, null, {k: [1]}]}, maxItems: 3, minItems: 1, uniqueItems: true},
          mode: {anyOf: [{const: 'fast'}, {type: 'integer', minimum: 1, maximum: 3}]},
          weights: {type: 'object', additionalProperties: {$ref: '#/$defs/Pos'}},
          ratio: {type: 'number', minimum: 0.5, maximum: 2},
          both: {allOf: [{type: 'string', minLength: 2}, {maxLength: 3}]},
          exact: {const: {a: [1, 'x', null]}},
          pair: {type: 'array', minItems: 2, maxItems: 2, items: {type: ['integer', 'string']}},
        },
      },
    },
    $defs: {Pos: {type: 'integer', minimum: 0}},
  };

  it('match for const, enum, uniqueItems, allOf, anyOf, additionalProperties schemas, number bounds and $defs', () => {
    const texts = [
      {send: {recipient: 'x', amount: '10'}},
      {send: {recipient: 'x', amount: '10', memo: null, tags: ['a', 'b'], mode: 2}},
      {send: {recipient: 'x', amount: '10', mode: 'fast'}},
      {burn: {}},
      {send: {recipient: 'x', amount: '1.5'}},
      {send: {recipient: 'x'}},
      {send: {recipient: '', amount: '1'}},
      {send: {recipient: 'x', amount: '1', memo: 'toolong'}},
      {send: {recipient: 'x', amount: '1', memo: '🙂🙂🙂🙂'}},
      {send: {recipient: 'x', amount: '1', memo: 3}},
      {send: {recipient: 'x', amount: '1', tags: ['a', 'a']}},
      {send: {recipient: 'x', amount: '1', tags: [{k: [1]}, 1, {k: [1]}]}},
      {send: {recipient: 'x', amount: '1', tags: [null, null]}},
      {send: {recipient: 'x', amount: '1', tags: []}},
      {send: {recipient: 'x', amount: '1', tags: ['c']}},
      {send: {recipient: 'x', amount: '1', tags: ['a', 'b', 1, null]}},
      {send: {recipient: 'x', amount: '1', extra: true}},
      {send: {recipient: 'x', amount: '1', mode: 9}},
      {send: {recipient: 'x', amount: '1', mode: 'slow'}},
      {send: {recipient: 'x', amount: '1', mode: [1]}},
      {send: {recipient: 'x', amount: '1', weights: {a: 1, b: -1, 'c d': 'x'}}},
      {send: {recipient: 'x', amount: '1', ratio: 0.25}},
      {send: {recipient: 'x', amount: '1', ratio: 2.5}},
      {send: {recipient: 'x', amount: '1', ratio: 1}},
      {send: {recipient: 'x', amount: '1', both: 'a'}},
      {send: {recipient: 'x', amount: '1', both: 'abcd'}},
      {send: {recipient: 'x', amount: '1', both: 5}},
      {send: {recipient: 'x', amount: '1', exact: {a: [1, 'x', null]}}},
      {send: {recipient: 'x', amount: '1', exact: {a: [1.0, 'x', null]}}},
      {send: {recipient: 'x', amount: '1', exact: {a: [2, 'x', null]}}},
      {send: {recipient: 'x', amount: '1', pair: [1, 'a']}},
      {send: {recipient: 'x', amount: '1', pair: [1, 'a', 2]}},
      {send: {recipient: 'x', amount: '1', pair: [true, 1.5]}},
      {mint: {}},
      {},
      {burn: {}, send: {}},
      [],
      {send: {recipient: 1, amount: 2, memo: 3, tags: 4, mode: null}},
    ].map((v) => JSON.stringify(v));
    texts.push('{"send":{"recipient":"x","amount":"1","ratio":1e400}}', '{"send":{"recipient":"x","amount":"1","mode":2.0}}', '{"send":{"recipient":"x","amount":"1","mode":3.0000000000000001}}');
    expectSameVerdicts(MESSAGES, 'execute', texts);
  });

  it('match for exactly-one violations, type unions through alternatives and odd member names', () => {
    expectSameVerdicts({oneOf: [{type: 'integer'}, {type: 'number'}]}, 'n', ['3', '1.5', '"x"']);
    expectSameVerdicts({anyOf: [{type: 'string'}, {type: 'null'}]}, 'x', ['5', '"a"', 'null', '[]']);
    expectSameVerdicts({type: 'object', properties: {'odd key': {type: 'integer'}, 'é': {type: 'string'}, $ok: {type: 'string'}, _1: {type: 'string'}, '1a': {type: 'string'}}}, 'q', [
      '{"odd key":1.5}', '{"é":1}', '{"$ok":1}', '{"_1":1}', '{"1a":1}', '{"odd key":"x","é":2,"$ok":3,"_1":4,"1a":5}',
    ]);
    expectSameVerdicts({type: 'array', items: {type: 'string'}}, 'list', ['[1,2,3,4,5]', '[1,2,3]', '[1,2,3,4]', '["a"]']);
    expectSameVerdicts({type: 'object', additionalProperties: false}, 'e', ['{}', '{"a":1}']);
    expectSameVerdicts({type: 'number'}, 'n', ['1e400', '-1e400', '1e-400', '0']);
    expectSameVerdicts({type: 'object', required: ['a'], properties: {a: {type: 'object', required: ['b'], properties: {b: {oneOf: [{type: 'object', required: ['c'], properties: {c: {type: 'string'}}, additionalProperties: false}, {type: 'object', required: ['d'], properties: {d: {type: 'string'}}, additionalProperties: false}]}}}}}, 'deep', [
      '{"a":{"b":{"c":"x"}}}', '{"a":{"b":{"c":1}}}', '{"a":{"b":{"e":1}}}', '{"a":{"b":{}}}', '{"a":{"b":{"c":"x","d":"y"}}}', '{"a":{"b":[]}}', '{"a":{}}', '{}',
    ]);
  });
});

describe('schema checks', () => {
  it('refuse what contracts/common/schema.ts refuses at compile time', () => {
    const bad: JsonSchema[] = [
      {type: 'string', format: 'uint32'} as JsonSchema,
      {properties: {a: {multipleOf: 2}}} as JsonSchema,
      {$ref: '#/definitions/Nope'},
      {$ref: 'other.json#/definitions/A'},
      {$ref: '#/definitions/A', type: 'string', definitions: {A: {}}},
      {type: 'text' as 'string'},
      {oneOf: []},
      {minLength: -1},
      {maxItems: 1.5},
      {required: [1]} as unknown as JsonSchema,
    ];
    for (const schema of bad) {
      expect(() => compileSchema(schema, 'x').validate(null)).toThrow();
      const problem = new TestInstance(module, newHostState()).call('schema_problem', JSON.stringify(schema));
      expect([schema, problem]).not.toEqual([schema, 'OK']);
    }
  });
});
