import {describe, expect, it} from '@jest/globals';
import {compileSchema, formatIssues, SchemaDefinitionError, type JsonSchema} from '../../contracts/common/schema.js';
import {ContractError} from '../../contracts/common/types.js';

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
        tags: {type: 'array', items: {enum: ['a', 'b']}, maxItems: 2, uniqueItems: true},
        mode: {anyOf: [{const: 'fast'}, {type: 'integer', minimum: 1, maximum: 3}]},
      },
    },
  },
};

function errorOf(schema: JsonSchema, value: unknown, root = 'execute'): string {
  try {
    compileSchema(schema, root).assert(value);
  } catch (e) {
    expect(e).toBeInstanceOf(ContractError);
    return (e as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('schema validation', () => {
  const v = compileSchema(MESSAGES, 'execute');

  it('accepts valid messages', () => {
    expect(v.validate({send: {recipient: 'x', amount: '10'}})).toEqual([]);
    expect(v.validate({send: {recipient: 'x', amount: '10', memo: null, tags: ['a', 'b'], mode: 2}})).toEqual([]);
    expect(v.validate({send: {recipient: 'x', amount: '10', mode: 'fast'}})).toEqual([]);
    expect(v.validate({burn: {}})).toEqual([]);
  });

  it('reports the path and rule of a failing field inside the matching variant', () => {
    expect(errorOf(MESSAGES, {send: {recipient: 'x', amount: '1.5'}})).toBe('execute.send.amount: must match ^[0-9]+$');
    expect(errorOf(MESSAGES, {send: {recipient: 'x'}})).toBe('execute.send.amount: is required');
    expect(errorOf(MESSAGES, {send: {recipient: '', amount: '1'}})).toBe('execute.send.recipient: must not be empty');
    expect(errorOf(MESSAGES, {send: {recipient: 'x', amount: '1', memo: 'toolong'}})).toBe('execute.send.memo: must be at most 4 characters long');
    expect(errorOf(MESSAGES, {send: {recipient: 'x', amount: '1', memo: 3}})).toBe('execute.send.memo: must be string or null (got integer)');
    expect(errorOf(MESSAGES, {send: {recipient: 'x', amount: '1', tags: ['a', 'a']}})).toBe('execute.send.tags[1]: duplicates an earlier item');
    expect(errorOf(MESSAGES, {send: {recipient: 'x', amount: '1', tags: ['c']}})).toBe('execute.send.tags[0]: must be one of "a", "b"');
    expect(errorOf(MESSAGES, {send: {recipient: 'x', amount: '1', tags: ['a', 'b', 'a']}})).toMatch(/^execute\.send\.tags: must have at most 2 items/);
    expect(errorOf(MESSAGES, {send: {recipient: 'x', amount: '1', extra: true}})).toBe('execute.send.extra: is not allowed (expected recipient, amount, memo, tags, mode)');
  });

  it('summarises alternatives that all fail at the same level', () => {
    expect(errorOf(MESSAGES, {send: {recipient: 'x', amount: '1', mode: 9}})).toBe(
      'execute.send.mode: must match one of the allowed forms: (1) must be "fast"; (2) must be <= 3',
    );
    expect(errorOf({anyOf: [{type: 'string'}, {type: 'null'}]}, 5, 'x')).toBe('x: must be string or null (got integer)');
  });

  it('names unknown and ambiguous variants of an externally tagged message', () => {
    expect(errorOf(MESSAGES, {mint: {}})).toBe('execute: unknown variant "mint", expected one of send, burn');
    expect(errorOf(MESSAGES, {})).toBe('execute: must have exactly one of send, burn (got an empty object)');
    expect(errorOf(MESSAGES, {burn: {}, send: {}})).toBe('execute: must have exactly one of send, burn (got burn, send)');
    expect(errorOf(MESSAGES, [])).toBe('execute: must be object (got array)');
  });

  it('enforces oneOf exclusivity', () => {
    expect(errorOf({oneOf: [{type: 'integer'}, {type: 'number'}]}, 3, 'n')).toBe('n: matches 2 alternatives but must match exactly one');
  });

  it('distinguishes integer from number and quotes odd property names', () => {
    const s: JsonSchema = {type: 'object', properties: {'odd key': {type: 'integer'}}};
    expect(errorOf(s, {'odd key': 1.5}, 'q')).toBe('q["odd key"]: must be integer (got number)');
    expect(compileSchema({type: 'number'}, 'n').validate(1.5)).toEqual([]);
  });

  it('validates extra properties against a schema and resolves $defs', () => {
    const s: JsonSchema = {type: 'object', additionalProperties: {$ref: '#/$defs/Pos'}, $defs: {Pos: {type: 'integer', minimum: 0}}};
    expect(compileSchema(s, 'm').validate({a: 1, b: 2})).toEqual([]);
    expect(errorOf(s, {a: -1}, 'm')).toBe('m.a: must be >= 0');
  });

  it('lists the first three issues and counts the rest', () => {
    const issues = compileSchema({type: 'array', items: {type: 'string'}}, 'list').validate([1, 2, 3, 4, 5]);
    expect(formatIssues('list', issues)).toBe(
      'list[0]: must be string (got integer); list[1]: must be string (got integer); list[2]: must be string (got integer) (and 2 more)',
    );
  });

  it('rejects values that are not JSON', () => {
    expect(errorOf({type: 'number'}, Number.NaN, 'n')).toBe('n: must be a JSON value');
  });
});

describe('schema compilation', () => {
  it('refuses keywords it does not check, so no check is silently skipped', () => {
    expect(() => compileSchema({type: 'string', format: 'uint32'} as JsonSchema, 'x')).toThrow(SchemaDefinitionError);
    expect(() => compileSchema({type: 'string', format: 'uint32'} as JsonSchema, 'x')).toThrow('#: unsupported keyword "format"');
    expect(() => compileSchema({properties: {a: {multipleOf: 2}}} as JsonSchema, 'x')).toThrow('#/properties/a: unsupported keyword "multipleOf"');
  });

  it('refuses unresolved or non-local references, $ref siblings, bad patterns and bad types', () => {
    expect(() => compileSchema({$ref: '#/definitions/Nope'}, 'x')).toThrow('unresolved $ref #/definitions/Nope');
    expect(() => compileSchema({$ref: 'other.json#/definitions/A'}, 'x')).toThrow('only local $ref');
    expect(() => compileSchema({$ref: '#/definitions/A', type: 'string', definitions: {A: {}}}, 'x')).toThrow('$ref cannot have sibling keywords (type)');
    expect(() => compileSchema({type: 'string', pattern: '('}, 'x')).toThrow('invalid pattern');
    expect(() => compileSchema({type: 'text' as 'string'}, 'x')).toThrow('unknown type "text"');
    expect(() => compileSchema({oneOf: []}, 'x')).toThrow('"oneOf" must be a non-empty array');
  });
});
