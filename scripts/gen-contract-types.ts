/**
 * Writes, from the JSON Schemas (the wire interface):
 * - `contracts/common/types.generated.ts` — the types of the definitions shared by the contracts
 *   (`contracts/common/schema/definitions.json`: `Permit`, `ContractRef`, `Uint128`, …), written once;
 * and for every contract, from its schemas (`contracts/<name>/schema/**.json`):
 * - `contracts/<name>/types.ts` — TypeScript types of every message and answer; the shared definitions it uses
 *   are imported from the shared file (which it re-exports), never declared again;
 * - `contracts/<name>/schemas.ts` — the schemas themselves as a `ContractSchemaSet` (JSON imports), so the
 *   contract validates against exactly the files on disk and no answer schema is forgotten.
 * Run after changing a schema:
 *
 *     npx tsc -p tsconfig.json && npx node dist/scripts/gen-contract-types.js && npx tsc -p tsconfig.json
 *
 * `generateSharedTypes` / `generateContractTypes` / `generateSchemasModule` are pure (schemas in, source text
 * out); a test regenerates every file in memory and compares it with the committed one, so schemas and types
 * cannot drift apart.
 */
import {readdirSync, readFileSync, writeFileSync, existsSync, statSync} from 'node:fs';
import {join, relative, sep} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {JsonSchema, JsonType} from '../contracts/common/schema.js';
import {compileSchema, jsonEqual} from '../contracts/common/schema.js';

/** One schema file of a contract; `path` is relative to `contracts/<name>/schema/`, with `/` separators. */
export interface SchemaFile {
  path: string;
  schema: JsonSchema;
}

/** Root message files, in the order their types are written. */
const ROOT_FILES = ['instantiate.json', 'execute.json', 'query.json', 'receive_msg.json'];
const RESPONSES_DIR = 'responses/';
const EXECUTE_ANSWER_FILE = 'responses/execute.json';
const MAX_LINE = 110;
/** The shared definitions, relative to the repository root. */
export const SHARED_DEFINITIONS_FILE = 'contracts/common/schema/definitions.json';
/** The generated module of shared types, relative to the repository root. */
export const SHARED_TYPES_FILE = 'contracts/common/types.generated.ts';
/** How a contract's `types.ts` imports the shared types module. */
const SHARED_TYPES_IMPORT = '../common/types.generated.js';
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;

/** Thrown when schemas cannot be turned into types (missing title, conflicting definitions, …). */
export class TypeGenerationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TypeGenerationError';
  }
}

/** The repository root, from this module's location (`dist/scripts/` or `scripts/`). */
export function repoRootFromModule(moduleUrl: string = import.meta.url): string {
  let dir = fileURLToPath(new URL('.', moduleUrl));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'contracts'))) return dir;
    dir = join(dir, '..');
  }
  throw new Error('cannot find the repository root (package.json next to contracts/)');
}

/** Names of the contracts that have schemas (`contracts/<name>/schema/instantiate.json`), sorted. */
export function contractNames(root: string): string[] {
  const base = join(root, 'contracts');
  return readdirSync(base)
    .filter((n) => existsSync(join(base, n, 'schema', 'instantiate.json')))
    .sort();
}

/** The shared definitions by name (`definitions` of {@link SHARED_DEFINITIONS_FILE}). */
export type SharedDefinitions = Record<string, JsonSchema>;

/** Reads {@link SHARED_DEFINITIONS_FILE}. */
export function readSharedDefinitions(root: string): SharedDefinitions {
  const schema = JSON.parse(readFileSync(join(root, SHARED_DEFINITIONS_FILE), 'utf8')) as JsonSchema;
  return schema.definitions ?? {};
}

/** Reads every `*.json` under `contracts/<name>/schema/`, sorted by path. */
export function readSchemaFiles(root: string, name: string): SchemaFile[] {
  const dir = join(root, 'contracts', name, 'schema');
  const out: SchemaFile[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const full = join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.json')) {
        out.push({path: relative(dir, full).split(sep).join('/'), schema: JSON.parse(readFileSync(full, 'utf8')) as JsonSchema});
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function docComment(text: string | undefined, indent: string): string {
  if (!text) return '';
  const clean = text.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim();
  const single = `${indent}/** ${clean} */`;
  if (single.length <= MAX_LINE) return `${single}\n`;
  const lines: string[] = [];
  let line = '';
  for (const word of clean.split(' ')) {
    if (line && `${indent} * ${line} ${word}`.length > MAX_LINE) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

function literal(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  throw new TypeGenerationError(`only scalar const/enum values are supported, got ${JSON.stringify(value)}`);
}

function refName(ref: string): string {
  const m = /^#\/(?:definitions|\$defs)\/(.+)$/.exec(ref);
  if (!m || !TYPE_NAME.test(m[1]!)) throw new TypeGenerationError(`unsupported $ref ${ref} (definition names must be PascalCase)`);
  return m[1]!;
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  if (unique.includes('unknown')) return 'unknown';
  return unique.join(' | ');
}

/** TypeScript type expression for `schema`, laid out for a position indented by `indent`. */
function typeOf(schema: JsonSchema, indent: string): string {
  if (schema.$ref !== undefined) return refName(schema.$ref);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return unionOf(alternatives, indent);
  if (schema.const !== undefined) return literal(schema.const);
  if (schema.enum) return union(schema.enum.map(literal));
  const types: JsonType[] | undefined = schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (!types) return schema.properties ? objectType(schema, indent) : 'unknown';
  return union(types.map((t) => primitive(t, schema, indent)));
}

function primitive(type: JsonType, schema: JsonSchema, indent: string): string {
  switch (type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return schema.items ? `Array<${typeOf(schema.items, indent)}>` : 'unknown[]';
    case 'object':
      return objectType(schema, indent);
  }
}

function unionOf(alternatives: JsonSchema[], indent: string): string {
  const simple = alternatives.every((a) => a.$ref !== undefined || (a.type !== undefined && a.type !== 'object' && !a.properties));
  if (simple) return union(alternatives.map((a) => typeOf(a, indent)));
  const inner = `${indent}  `;
  return alternatives.map((a) => `\n${docComment(a.description, inner)}${inner}| ${typeOf(a, inner)}`).join('');
}

function objectType(schema: JsonSchema, indent: string): string {
  const props = Object.entries(schema.properties ?? {});
  const extra = schema.additionalProperties;
  if (props.length === 0) {
    if (extra === false) return 'Record<string, never>';
    if (extra && typeof extra === 'object') return `Record<string, ${typeOf(extra, indent)}>`;
    return 'Record<string, unknown>';
  }
  const required = new Set(schema.required ?? []);
  const inner = `${indent}  `;
  const lines = props.map(([name, sub]) => {
    const key = IDENTIFIER.test(name) ? name : JSON.stringify(name);
    return `${docComment(sub.description, inner)}${inner}${key}${required.has(name) ? '' : '?'}: ${typeOf(sub, inner)};`;
  });
  if (extra && typeof extra === 'object') lines.push(`${inner}[key: string]: ${typeOf(extra, inner)};`);
  else if (extra !== false) lines.push(`${inner}[key: string]: unknown;`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function declaration(name: string, schema: JsonSchema): string {
  const doc = docComment(schema.description, '');
  const isPlainObject = schema.$ref === undefined && !schema.oneOf && !schema.anyOf && schema.type === 'object' && schema.properties && Object.keys(schema.properties).length > 0;
  if (isPlainObject) return `${doc}export interface ${name} ${objectType(schema, '')}\n`;
  const body = typeOf(schema, '');
  return `${doc}export type ${name} =${body.startsWith('\n') ? body : ` ${body}`};\n`;
}

/** `<head>{A, B};` on one line when it fits, else one name per line. */
function nameList(head: string, names: string[], tail: string): string {
  const single = `${head}{${names.join(', ')}}${tail};`;
  if (single.length <= MAX_LINE) return `${single}\n`;
  return `${head}{\n${names.map((n) => `  ${n},\n`).join('')}}${tail};\n`;
}

/**
 * TypeScript source of {@link SHARED_TYPES_FILE}: one declaration per shared definition, sorted by name. Throws
 * {@link TypeGenerationError} on a definition name that is not PascalCase.
 */
export function generateSharedTypes(shared: SharedDefinitions): string {
  compileSchema({definitions: shared}, SHARED_DEFINITIONS_FILE);
  const out: string[] = [
    `/**\n * Types of the definitions shared by the contracts, written by scripts/gen-contract-types.ts from\n` +
      ` * ${SHARED_DEFINITIONS_FILE}. Each contract's generated types.ts imports and re-exports the ones it uses.\n` +
      ` * Do not edit by hand: change the schema and rerun the script.\n */\n`,
  ];
  for (const name of Object.keys(shared).sort()) {
    if (!TYPE_NAME.test(name)) throw new TypeGenerationError(`shared definition ${name}: names must be PascalCase`);
    out.push(declaration(name, shared[name]!));
  }
  return out.join('\n');
}

/** Adds to `into` the names of the definitions `schema` refers to, not counting its own definition tables. */
function collectRefs(schema: unknown, into: Set<string>): void {
  if (Array.isArray(schema)) for (const item of schema) collectRefs(item, into);
  else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string') into.add(refName(value));
      else if (key !== 'definitions' && key !== '$defs') collectRefs(value, into);
    }
  }
}

function titleOf(file: SchemaFile): string {
  const title = file.schema.title;
  if (!title || !TYPE_NAME.test(title)) throw new TypeGenerationError(`${file.path}: needs a PascalCase "title" (the type name)`);
  return title;
}

/**
 * TypeScript source of `contracts/<name>/types.ts` for one contract's schema files. Definitions that are in
 * `shared` are imported from {@link SHARED_TYPES_FILE} instead of declared (and every shared type is re-exported,
 * so `./types.js` offers the contract's whole vocabulary); a contract's copy must equal the shared one. Throws {@link TypeGenerationError} on a missing title, a name clash, two different
 * definitions with one name, or a copy of a shared definition that differs from it.
 */
export function generateContractTypes(contractName: string, files: SchemaFile[], shared: SharedDefinitions = {}): string {
  for (const f of files) compileSchema(f.schema, f.path);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const roots = ROOT_FILES.filter((p) => byPath.has(p)).map((p) => byPath.get(p)!);
  const answer = byPath.get(EXECUTE_ANSWER_FILE);
  const responses = files.filter((f) => f.path.startsWith(RESPONSES_DIR) && f.path !== EXECUTE_ANSWER_FILE);
  const known = new Set([...ROOT_FILES, EXECUTE_ANSWER_FILE, ...responses.map((f) => f.path)]);
  const stray = files.filter((f) => !known.has(f.path)).map((f) => f.path);
  if (stray.length > 0) throw new TypeGenerationError(`${contractName}: unexpected schema files ${stray.join(', ')}`);

  const definitions = new Map<string, {schema: JsonSchema; from: string}>();
  for (const f of files) {
    for (const table of [f.schema.definitions, f.schema.$defs]) {
      for (const [name, schema] of Object.entries(table ?? {})) {
        const seen = definitions.get(name);
        if (seen && !jsonEqual(seen.schema, schema)) {
          throw new TypeGenerationError(`${contractName}: definition ${name} differs between ${seen.from} and ${f.path}`);
        }
        if (!seen) definitions.set(name, {schema, from: f.path});
      }
    }
  }

  const names = new Set<string>();
  const claim = (name: string, where: string): string => {
    if (names.has(name)) throw new TypeGenerationError(`${contractName}: type name ${name} is used twice (${where})`);
    names.add(name);
    return name;
  };
  const imported: string[] = [];
  for (const [name, {schema, from}] of definitions) {
    if (!Object.prototype.hasOwnProperty.call(shared, name)) continue;
    if (!jsonEqual(schema, shared[name])) {
      throw new TypeGenerationError(`${contractName}: definition ${name} in ${from} differs from ${SHARED_DEFINITIONS_FILE}`);
    }
    imported.push(name);
  }
  imported.sort();
  for (const name of imported) definitions.delete(name);
  const out: string[] = [];
  out.push(
    `/**\n * Types of the \`${contractName}\` contract's messages and answers, written by scripts/gen-contract-types.ts from\n` +
      ` * contracts/${contractName}/schema/**.json. Do not edit by hand: change the schema and rerun the script.\n */\n`,
  );
  // Every shared name is reserved (the contract re-exports all of them), so a message type cannot shadow one.
  for (const name of Object.keys(shared)) claim(name, `shared definition in ${SHARED_DEFINITIONS_FILE}`);
  const referenced = new Set<string>();
  for (const f of files) collectRefs(f.schema, referenced);
  for (const {schema} of definitions.values()) collectRefs(schema, referenced);
  const used = imported.filter((name) => referenced.has(name));
  if (used.length > 0) out.push(nameList('import type ', used, ` from '${SHARED_TYPES_IMPORT}'`));
  if (Object.keys(shared).length > 0) out.push(`export type * from '${SHARED_TYPES_IMPORT}';\n`);
  for (const f of roots) out.push(declaration(claim(titleOf(f), f.path), f.schema));
  if (answer) out.push(declaration(claim(titleOf(answer), answer.path), answer.schema));
  const responseNames: Array<[string, string]> = [];
  for (const f of responses) {
    const title = claim(titleOf(f), f.path);
    responseNames.push([f.path.slice(RESPONSES_DIR.length, -'.json'.length), title]);
    out.push(declaration(title, f.schema));
  }
  if (responseNames.length > 0) {
    const lines = responseNames.map(([q, t]) => `  ${IDENTIFIER.test(q) ? q : JSON.stringify(q)}: ${t};`);
    out.push(`/** Answer type of each query, by query name. */\nexport interface QueryResponses {\n${lines.join('\n')}\n}\n`);
  }
  for (const name of [...definitions.keys()].sort()) {
    out.push(declaration(claim(name, `definition in ${definitions.get(name)!.from}`), definitions.get(name)!.schema));
  }
  return out.join('\n');
}

function camel(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * TypeScript source of `contracts/<name>/schemas.ts`: imports every schema file (JSON import attributes) and
 * exports `SCHEMAS` (messages, and answers keyed by query name plus `execute`) and, when the contract has one,
 * `RECEIVE_MSG_SCHEMA` (the inner message of SNIP-20 `receive`).
 */
export function generateSchemasModule(contractName: string, files: SchemaFile[]): string {
  const paths = new Set(files.map((f) => f.path));
  for (const required of ['instantiate.json', 'execute.json', 'query.json']) {
    if (!paths.has(required)) throw new TypeGenerationError(`${contractName}: missing schema/${required}`);
  }
  const responses = files.filter((f) => f.path.startsWith(RESPONSES_DIR)).map((f) => f.path.slice(RESPONSES_DIR.length, -'.json'.length));
  const imports: string[] = [];
  const imp = (id: string, path: string): void => {
    imports.push(`import ${id} from './schema/${path}' with {type: 'json'};`);
  };
  imp('instantiateSchema', 'instantiate.json');
  imp('executeSchema', 'execute.json');
  imp('querySchema', 'query.json');
  const hasReceive = paths.has('receive_msg.json');
  if (hasReceive) imp('receiveMsgSchema', 'receive_msg.json');
  for (const r of responses) imp(`${camel(r)}Answer`, `${RESPONSES_DIR}${r}.json`);
  const answerLines = responses.map((r) => `    ${IDENTIFIER.test(r) ? r : JSON.stringify(r)}: ${camel(r)}Answer,`);
  return (
    `/**\n * JSON Schemas of the \`${contractName}\` contract (its wire interface), loaded once at module initialisation.\n` +
    ` * Written by scripts/gen-contract-types.ts from the files in schema/; do not edit by hand.\n */\n` +
    `import type {ContractSchemaSet} from '../common/types.js';\n` +
    `${imports.join('\n')}\n\n` +
    `/** Message schemas, and answer schemas keyed by query name (\`execute\` = execute \`data\` answers). */\n` +
    `export const SCHEMAS: ContractSchemaSet = {\n  instantiate: instantiateSchema,\n  execute: executeSchema,\n  query: querySchema,\n` +
    `  responses: {\n${answerLines.join('\n')}\n  },\n};\n` +
    (hasReceive ? `\n/** Schema of the message carried base64-encoded in SNIP-20 \`receive.msg\`. */\nexport const RECEIVE_MSG_SCHEMA: object = receiveMsgSchema;\n` : '')
  );
}

/** Writes the shared types and every contract's `types.ts` and `schemas.ts`; returns the paths written. */
export function writeAllContractTypes(root: string): string[] {
  const shared = readSharedDefinitions(root);
  writeFileSync(join(root, SHARED_TYPES_FILE), generateSharedTypes(shared));
  const written: string[] = [SHARED_TYPES_FILE];
  for (const name of contractNames(root)) {
    const files = readSchemaFiles(root, name);
    for (const [file, text] of [['types.ts', generateContractTypes(name, files, shared)], ['schemas.ts', generateSchemasModule(name, files)]] as const) {
      const target = join(root, 'contracts', name, file);
      writeFileSync(target, text);
      written.push(relative(root, target));
    }
  }
  return written;
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  for (const p of writeAllContractTypes(repoRootFromModule())) process.stdout.write(`wrote ${p}\n`);
}
