/**
 * The message schemas a contract embeds: `contracts/<name>/schema/*.json` made self-contained and small, written
 * as `contracts/<name>/assembly/schema.generated.ts` (`export const SCHEMA_EXECUTE: string = "…"`, one constant per
 * schema file, e.g. SCHEMA_INSTANTIATE, SCHEMA_EXECUTE, SCHEMA_QUERY, SCHEMA_RECEIVE_MSG).
 *
 * Each embedded schema keeps only what validation uses: annotations (`title`, `description`, …) are removed, and
 * its `definitions` hold exactly the definitions it references, taken from its own `definitions` or else from
 * `contracts/common/schema/definitions.json`, so every `$ref` is a local `#/definitions/X`.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';

type Json = null | boolean | number | string | Json[] | {[k: string]: Json};
type Schema = {[k: string]: Json};

/** Keywords that only annotate (ignored by the validators). */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples']);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAPS = new Set(['properties', 'definitions', '$defs', 'patternProperties']);
/** Keywords whose value is a schema or an array of schemas. */
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'anyOf', 'oneOf', 'allOf', 'not', 'contains', 'propertyNames', 'if', 'then', 'else']);

const REF_PREFIX = '#/definitions/';

function isObject(v: Json | undefined): v is {[k: string]: Json} {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A schema without annotations (data under `enum`/`const` is kept as is). */
export function stripAnnotations(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(stripAnnotations);
  if (!isObject(schema)) return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (ANNOTATIONS.has(k)) continue;
    if (SCHEMA_MAPS.has(k) && isObject(v)) out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, stripAnnotations(s)]));
    else if (SCHEMA_VALUES.has(k)) out[k] = stripAnnotations(v);
    else out[k] = v;
  }
  return out;
}

/** `$ref` names used in a schema (outside its `definitions`). */
function refsOf(schema: Json, into: Set<string>, where: string): void {
  if (Array.isArray(schema)) {
    for (const s of schema) refsOf(s, into, where);
    return;
  }
  if (!isObject(schema)) return;
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'definitions' || k === 'enum' || k === 'const') continue;
    if (k === '$ref') {
      if (typeof v !== 'string' || !v.startsWith(REF_PREFIX)) throw new Error(`${where}: unsupported $ref ${JSON.stringify(v)} (only ${REF_PREFIX}Name)`);
      into.add(v.slice(REF_PREFIX.length));
    } else if (SCHEMA_MAPS.has(k) && isObject(v)) for (const s of Object.values(v)) refsOf(s, into, where);
    else if (SCHEMA_VALUES.has(k)) refsOf(v, into, where);
  }
}

/**
 * One schema made self-contained: annotations removed, `definitions` = the transitive closure of its references,
 * each taken from its own definitions first, then from `common`. Throws on an unresolved reference.
 */
export function embeddableSchema(schema: Schema, common: Record<string, Json>, where: string): Schema {
  const own = isObject(schema.definitions) ? schema.definitions : {};
  const lookup = (name: string): Json => {
    if (Object.hasOwn(own, name)) return own[name]!;
    if (Object.hasOwn(common, name)) return common[name]!;
    throw new Error(`${where}: unresolved $ref ${REF_PREFIX}${name}`);
  };
  const stripped = stripAnnotations(schema) as Schema;
  delete stripped.definitions;
  const needed = new Set<string>();
  refsOf(stripped, needed, where);
  const definitions: Schema = {};
  const queue = [...needed];
  while (queue.length) {
    const name = queue.shift()!;
    if (Object.hasOwn(definitions, name)) continue;
    const def = stripAnnotations(lookup(name));
    definitions[name] = def;
    const more = new Set<string>();
    refsOf(def, more, `${where} (definition ${name})`);
    for (const m of more) if (!Object.hasOwn(definitions, m)) queue.push(m);
  }
  const sorted = Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]!]));
  return Object.keys(sorted).length ? {...stripped, definitions: sorted} : stripped;
}

/** The constant name of a schema file: `receive_msg.json` → `SCHEMA_RECEIVE_MSG`. */
export function schemaConstName(file: string): string {
  return `SCHEMA_${path.basename(file, '.json').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`;
}

/** A string literal that AssemblyScript (and TypeScript) read back as `text`, ASCII only. */
function stringLiteral(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The embedded schemas of a contract directory, by constant name in file order. */
export function contractSchemas(contractDir: string, definitionsFile: string): Array<{name: string; json: string}> {
  const schemaDir = path.join(contractDir, 'schema');
  if (!existsSync(schemaDir)) return [];
  const common = existsSync(definitionsFile) ? ((JSON.parse(readFileSync(definitionsFile, 'utf8')) as Schema).definitions as Record<string, Json>) ?? {} : {};
  return readdirSync(schemaDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const file = path.join(schemaDir, f);
      const schema = JSON.parse(readFileSync(file, 'utf8')) as Schema;
      return {name: schemaConstName(f), json: JSON.stringify(embeddableSchema(schema, common, file))};
    });
}

/** The text of `schema.generated.ts` for a contract. */
export function schemaModuleSource(contractName: string, schemas: Array<{name: string; json: string}>): string {
  const lines = [
    `// Generated by the contracts build from contracts/${contractName}/schema/*.json and contracts/common/schema/definitions.json`,
    '// (annotations removed; only the referenced definitions kept). Do not edit; not committed.',
    '',
    ...schemas.map((s) => `export const ${s.name}: string = ${stringLiteral(s.json)};`),
    '',
  ];
  return lines.join('\n');
}
