import {describe, expect, it} from '@jest/globals';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {compileSchema, jsonEqual, type JsonSchema} from '../../contracts/common/schema.js';
import {
  contractNames,
  generateContractTypes,
  generateSharedTypes,
  readSchemaFiles,
  readSharedDefinitions,
  SHARED_TYPES_FILE,
} from '../../scripts/gen-contract-types.js';
import {repoRoot} from '../helpers/shared.js';
import {schemasOf} from './wasm-contract.js';

const names = contractNames(repoRoot);
const shared = JSON.parse(readFileSync(join(repoRoot, 'contracts', 'common', 'schema', 'definitions.json'), 'utf8')) as JsonSchema;

describe('contracts', () => {
  it('are the four contracts, each with its schemas', () => {
    expect(names).toEqual(['rewards-manager', 'snip20', 'subscription-manager', 'worker-manager']);
    for (const name of names) expect(schemasOf(name)).toBeDefined();
  });
});

describe.each(names)('%s schemas', (name) => {
  const files = readSchemaFiles(repoRoot, name);

  it('compile, and every file is in the schema set the tests check answers against', () => {
    for (const f of files) expect(() => compileSchema(f.schema, f.path)).not.toThrow();
    const set = schemasOf(name)!;
    const byPath = new Map(files.map((f) => [f.path, f.schema]));
    expect(set.instantiate).toEqual(byPath.get('instantiate.json'));
    expect(set.execute).toEqual(byPath.get('execute.json'));
    expect(set.query).toEqual(byPath.get('query.json'));
    const responseFiles = files.filter((f) => f.path.startsWith('responses/')).map((f) => f.path.slice('responses/'.length, -'.json'.length));
    expect(Object.keys(set.responses).sort()).toEqual(responseFiles.sort());
  });

  it('have an answer schema for every query (transfer_history of snip20 always fails by design)', () => {
    const set = schemasOf(name)!;
    const queries = ((set.query as JsonSchema).oneOf ?? []).map((b) => b.required![0]!);
    const missing = queries.filter((q) => !(q in set.responses));
    expect(missing).toEqual(name === 'snip20' ? ['transfer_history'] : []);
  });

  it('carry copies of the shared definitions that equal contracts/common/schema/definitions.json', () => {
    const canonical = shared.definitions!;
    let copies = 0;
    for (const f of files) {
      for (const [def, schema] of Object.entries(f.schema.definitions ?? {})) {
        if (def in canonical) {
          copies++;
          expect({file: f.path, def, same: jsonEqual(schema, canonical[def])}).toEqual({file: f.path, def, same: true});
        }
      }
    }
    expect(copies).toBeGreaterThan(0);
  });

  it('match the committed types.ts (regenerated in memory)', () => {
    expect(generateContractTypes(name, files, readSharedDefinitions(repoRoot))).toBe(readFileSync(join(repoRoot, 'contracts', name, 'types.ts'), 'utf8'));
  });
});

describe('shared contract types', () => {
  const sharedDefs = readSharedDefinitions(repoRoot);
  const committed = (file: string) => readFileSync(join(repoRoot, file), 'utf8');

  it('match the committed types.generated.ts (regenerated in memory), one declaration per shared definition', () => {
    const text = generateSharedTypes(sharedDefs);
    expect(text).toBe(committed(SHARED_TYPES_FILE));
    for (const def of Object.keys(sharedDefs)) expect(text).toMatch(new RegExp(`^export (?:type|interface) ${def}\\b`, 'm'));
  });

  it.each(names)('are imported by %s/types.ts, never declared there again', (name) => {
    const text = committed(join('contracts', name, 'types.ts'));
    expect(text).toContain("from '../common/types.generated.js';");
    const declared = [...text.matchAll(/^export (?:type|interface) ([A-Za-z0-9]+)\b/gm)].map((m) => m[1]!);
    expect(declared.filter((d) => d in sharedDefs)).toEqual([]);
  });

  it('refuse a message type named like a shared definition', () => {
    const schema = {title: 'Permit', type: 'object', properties: {a: {type: 'string'}}} as JsonSchema;
    expect(() => generateContractTypes('t', [{path: 'query.json', schema}], sharedDefs)).toThrow('t: type name Permit is used twice');
  });

  it('refuse a contract copy of a shared definition that differs from the shared file', () => {
    const schema = {title: 'QueryMsg', type: 'object', properties: {a: {$ref: '#/definitions/Addr'}}, definitions: {Addr: {type: 'string'}}} as JsonSchema;
    expect(() => generateContractTypes('t', [{path: 'query.json', schema}], sharedDefs)).toThrow(
      't: definition Addr in query.json differs from contracts/common/schema/definitions.json',
    );
    const same = {...schema, definitions: {Addr: sharedDefs.Addr!}} as JsonSchema;
    const text = generateContractTypes('t', [{path: 'query.json', schema: same}], sharedDefs);
    expect(text).toContain("import type {Addr} from '../common/types.generated.js';\n\nexport type * from '../common/types.generated.js';\n");
    expect(text).not.toMatch(/^export type Addr =/m);
  });
});

describe('type generation', () => {
  it('refuses conflicting definitions and missing titles', () => {
    const a = {path: 'instantiate.json', schema: {title: 'InstantiateMsg', type: 'object', properties: {x: {$ref: '#/definitions/X'}}, definitions: {X: {type: 'string'}}} as JsonSchema};
    const b = {path: 'query.json', schema: {title: 'QueryMsg', type: 'object', properties: {x: {$ref: '#/definitions/X'}}, definitions: {X: {type: 'integer'}}} as JsonSchema};
    expect(() => generateContractTypes('t', [a, b])).toThrow('definition X differs between instantiate.json and query.json');
    expect(() => generateContractTypes('t', [{path: 'query.json', schema: {type: 'object'}}])).toThrow('needs a PascalCase "title"');
  });

  it('renders optional, nullable, union and record types', () => {
    const schema = {
      title: 'QueryMsg',
      oneOf: [{type: 'object', required: ['a'], additionalProperties: false, properties: {a: {type: 'object', additionalProperties: false, properties: {
        n: {type: ['integer', 'null']}, s: {enum: ['x', 'y']}, m: {type: 'object', additionalProperties: {type: 'string'}}, l: {type: 'array', items: {type: 'boolean'}},
      }, required: ['s']}}}],
    } as JsonSchema;
    const text = generateContractTypes('t', [{path: 'query.json', schema}]);
    expect(text).toContain('export type QueryMsg =\n  | {\n    a: {\n      n?: number | null;\n      s: "x" | "y";\n      m?: Record<string, string>;\n      l?: Array<boolean>;\n    };\n  };\n');
  });
});
