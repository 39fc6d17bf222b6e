/**
 * A small JSON Schema validator for the subset the contract schemas use (draft-07 keywords): `type`,
 * `properties`, `required`, `additionalProperties`, `oneOf`, `anyOf`, `allOf`, `enum`, `const`, `pattern`,
 * `minLength`, `maxLength`, `items`, `minItems`, `maxItems`, `uniqueItems`, `minimum`, `maximum`, and `$ref` to
 * local `#/definitions/…` or `#/$defs/…`. Annotations (`title`, `description`, `$schema`, `$id`, `$comment`,
 * `default`, `examples`) are ignored. Any other keyword is rejected when the schema is compiled, so a schema can
 * never silently ask for a check this validator does not perform.
 *
 * Errors name the path from a root label, e.g. `execute.send.amount: must match ^[0-9]+$`.
 */
import {ContractError} from './types.js';

/** JSON Schema primitive type names. */
export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

/** The schema subset understood here. */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $comment?: string;
  $ref?: string;
  title?: string;
  description?: string;
  default?: unknown;
  examples?: unknown[];
  type?: JsonType | JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minimum?: number;
  maximum?: number;
  definitions?: Record<string, JsonSchema>;
  $defs?: Record<string, JsonSchema>;
}

/** One validation failure. `path` starts below the root label; `depth` ranks how far into the value it got. */
export interface ValidationIssue {
  path: Array<string | number>;
  message: string;
  /** Nesting depth at which the failing check ran (used to pick the closest alternative of `oneOf`/`anyOf`). */
  depth: number;
  /** For type mismatches: the expected types (merged across alternatives). */
  expectedTypes?: JsonType[];
}

/** The schema itself is malformed or uses an unsupported keyword (a programming error, found at module load). */
export class SchemaDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaDefinitionError';
  }
}

const ANNOTATION_KEYWORDS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples']);
const VALIDATION_KEYWORDS = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'oneOf', 'anyOf', 'allOf', 'enum', 'const',
  'pattern', 'minLength', 'maxLength', 'items', 'minItems', 'maxItems', 'uniqueItems', 'minimum', 'maximum',
  'definitions', '$defs',
]);
const JSON_TYPES: ReadonlySet<string> = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean', 'null']);
const REF_PREFIXES = ['#/definitions/', '#/$defs/'] as const;
/** How many issues an error message lists before summarising the rest. */
const MAX_ISSUES_IN_MESSAGE = 3;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The JSON type name of a parsed JSON value (`integer` for whole numbers). */
export function jsonTypeOf(value: unknown): JsonType | 'undefined' | 'invalid' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      if (!Number.isFinite(value)) return 'invalid';
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'object':
      return 'object';
    case 'undefined':
      return 'undefined';
    default:
      return 'invalid';
  }
}

function matchesType(value: unknown, type: JsonType): boolean {
  const actual = jsonTypeOf(value);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return jsonTypeOf(value) === 'object';
}

function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** Deep equality of JSON values (for `const`, `enum`, `uniqueItems`). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Renders a path below `root`: `root.a.b[0]["odd key"]`. */
export function formatPath(root: string, path: ReadonlyArray<string | number>): string {
  let out = root;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Renders issues as one line: `root.path: message; root.other: message (and N more)`. */
export function formatIssues(root: string, issues: readonly ValidationIssue[]): string {
  const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((i) => `${formatPath(root, i.path)}: ${i.message}`);
  const rest = issues.length - shown.length;
  return shown.join('; ') + (rest > 0 ? ` (and ${rest} more)` : '');
}

/**
 * A compiled schema. Construction checks the schema itself (keywords, `$ref` targets, patterns) and throws
 * {@link SchemaDefinitionError} if it is malformed; `validate` never throws.
 */
export class SchemaValidator {
  readonly schema: JsonSchema;
  /** Label the paths start with (`instantiate`, `execute`, `query`, …). */
  readonly rootName: string;
  private readonly patterns = new Map<string, RegExp>();

  constructor(schema: JsonSchema, rootName: string) {
    this.schema = schema;
    this.rootName = rootName;
    this.checkSchema(schema, '#');
  }

  /** All issues of `value` against the schema; empty when valid. */
  validate(value: unknown): ValidationIssue[] {
    return this.validateAt(this.schema, value, []);
  }

  /** Throws {@link ContractError} with the formatted issues when `value` is invalid. */
  assert(value: unknown): void {
    const issues = this.validate(value);
    if (issues.length > 0) throw new ContractError(formatIssues(this.rootName, issues));
  }

  /** Resolves a local `$ref` (`#/definitions/Name` or `#/$defs/Name`). */
  resolveRef(ref: string): JsonSchema {
    for (const prefix of REF_PREFIXES) {
      if (!ref.startsWith(prefix)) continue;
      const name = ref.slice(prefix.length);
      const table = prefix === '#/definitions/' ? this.schema.definitions : this.schema.$defs;
      const target = table && hasOwn(table, name) ? table[name] : undefined;
      if (target) return target;
      throw new SchemaDefinitionError(`unresolved $ref ${ref}`);
    }
    throw new SchemaDefinitionError(`only local $ref to #/definitions or #/$defs is supported, got ${ref}`);
  }

  private checkSchema(schema: JsonSchema, where: string): void {
    if (jsonTypeOf(schema) !== 'object') throw new SchemaDefinitionError(`${where}: a schema must be an object`);
    for (const key of Object.keys(schema)) {
      if (!ANNOTATION_KEYWORDS.has(key) && !VALIDATION_KEYWORDS.has(key)) {
        throw new SchemaDefinitionError(`${where}: unsupported keyword "${key}"`);
      }
    }
    if (schema.$ref !== undefined) {
      const siblings = Object.keys(schema).filter((k) => !['$ref', 'definitions', '$defs'].includes(k) && !ANNOTATION_KEYWORDS.has(k));
      if (siblings.length > 0) throw new SchemaDefinitionError(`${where}: $ref cannot have sibling keywords (${siblings.join(', ')})`);
      this.resolveRef(schema.$ref);
    }
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      for (const t of types) if (!JSON_TYPES.has(t)) throw new SchemaDefinitionError(`${where}: unknown type "${t}"`);
    }
    if (schema.pattern !== undefined) this.regex(schema.pattern, where);
    if (schema.required !== undefined && !(Array.isArray(schema.required) && schema.required.every((r) => typeof r === 'string'))) {
      throw new SchemaDefinitionError(`${where}: "required" must be an array of strings`);
    }
    if (schema.enum !== undefined && !Array.isArray(schema.enum)) throw new SchemaDefinitionError(`${where}: "enum" must be an array`);
    for (const key of ['minLength', 'maxLength', 'minItems', 'maxItems'] as const) {
      const v = schema[key];
      if (v !== undefined && !(Number.isInteger(v) && v >= 0)) throw new SchemaDefinitionError(`${where}: "${key}" must be a non-negative integer`);
    }
    for (const [name, sub] of Object.entries(schema.properties ?? {})) this.checkSchema(sub, `${where}/properties/${name}`);
    if (isPlainObject(schema.additionalProperties)) this.checkSchema(schema.additionalProperties as JsonSchema, `${where}/additionalProperties`);
    if (schema.items !== undefined) this.checkSchema(schema.items, `${where}/items`);
    for (const kw of ['oneOf', 'anyOf', 'allOf'] as const) {
      const list = schema[kw];
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.length === 0) throw new SchemaDefinitionError(`${where}: "${kw}" must be a non-empty array`);
      list.forEach((sub, i) => this.checkSchema(sub, `${where}/${kw}/${i}`));
    }
    for (const table of ['definitions', '$defs'] as const) {
      for (const [name, sub] of Object.entries(schema[table] ?? {})) this.checkSchema(sub, `${where}/${table}/${name}`);
    }
  }

  private regex(pattern: string, where: string): RegExp {
    let re = this.patterns.get(pattern);
    if (!re) {
      try {
        re = new RegExp(pattern, 'u');
      } catch (e) {
        throw new SchemaDefinitionError(`${where}: invalid pattern ${pattern}: ${(e as Error).message}`);
      }
      this.patterns.set(pattern, re);
    }
    return re;
  }

  private validateAt(schema: JsonSchema, value: unknown, path: Array<string | number>): ValidationIssue[] {
    if (schema.$ref !== undefined) return this.validateAt(this.resolveRef(schema.$ref), value, path);
    const depth = path.length;
    const issue = (message: string, extra: Partial<ValidationIssue> = {}): ValidationIssue => ({path, message, depth, ...extra});
    const actual = jsonTypeOf(value);
    if (actual === 'undefined' || actual === 'invalid') return [issue('must be a JSON value')];

    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (!types.some((t) => matchesType(value, t))) {
        return [issue(`must be ${types.join(' or ')} (got ${actual})`, {expectedTypes: [...types]})];
      }
    }
    const issues: ValidationIssue[] = [];
    if (hasOwn(schema, 'const') && !jsonEqual(value, schema.const)) issues.push(issue(`must be ${JSON.stringify(schema.const)}`));
    if (schema.enum !== undefined && !schema.enum.some((e) => jsonEqual(value, e))) {
      issues.push(issue(`must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`));
    }

    if (typeof value === 'string') {
      const length = [...value].length;
      if (schema.minLength !== undefined && length < schema.minLength) {
        issues.push(issue(schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters long`));
      }
      if (schema.maxLength !== undefined && length > schema.maxLength) issues.push(issue(`must be at most ${schema.maxLength} characters long`));
      if (schema.pattern !== undefined && !this.regex(schema.pattern, '#').test(value)) issues.push(issue(`must match ${schema.pattern}`));
    }

    if (typeof value === 'number') {
      if (schema.minimum !== undefined && value < schema.minimum) issues.push(issue(`must be >= ${schema.minimum}`));
      if (schema.maximum !== undefined && value > schema.maximum) issues.push(issue(`must be <= ${schema.maximum}`));
    }

    if (Array.isArray(value)) {
      if (schema.minItems !== undefined && value.length < schema.minItems) issues.push(issue(`must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`));
      if (schema.maxItems !== undefined && value.length > schema.maxItems) issues.push(issue(`must have at most ${schema.maxItems} item${schema.maxItems === 1 ? '' : 's'}`));
      if (schema.uniqueItems === true) {
        const dup = value.findIndex((v, i) => value.findIndex((w) => jsonEqual(v, w)) !== i);
        if (dup >= 0) issues.push({path: [...path, dup], message: 'duplicates an earlier item', depth});
      }
      if (schema.items !== undefined) {
        value.forEach((item, i) => issues.push(...this.validateAt(schema.items!, item, [...path, i])));
      }
    }

    if (isPlainObject(value)) {
      for (const name of schema.required ?? []) {
        if (!hasOwn(value, name)) issues.push({path: [...path, name], message: 'is required', depth});
      }
      const props = schema.properties ?? {};
      for (const [name, v] of Object.entries(value)) {
        if (hasOwn(props, name)) {
          issues.push(...this.validateAt(props[name]!, v, [...path, name]));
        } else if (schema.additionalProperties === false) {
          const allowed = Object.keys(props);
          issues.push({
            path: [...path, name],
            message: `is not allowed${allowed.length > 0 ? ` (expected ${allowed.join(', ')})` : ' (expected no fields)'}`,
            depth,
          });
        } else if (isPlainObject(schema.additionalProperties)) {
          issues.push(...this.validateAt(schema.additionalProperties as JsonSchema, v, [...path, name]));
        }
      }
    }

    for (const sub of schema.allOf ?? []) issues.push(...this.validateAt(sub, value, path));
    if (schema.anyOf !== undefined) issues.push(...this.alternatives(schema.anyOf, value, path, 'anyOf'));
    if (schema.oneOf !== undefined) issues.push(...this.alternatives(schema.oneOf, value, path, 'oneOf'));
    return issues;
  }

  /** `anyOf` / `oneOf`: reports the alternative that got furthest, or one summary line when none got past this level. */
  private alternatives(branches: JsonSchema[], value: unknown, path: Array<string | number>, kind: 'anyOf' | 'oneOf'): ValidationIssue[] {
    const depth = path.length;
    const results = branches.map((b) => this.validateAt(b, value, path));
    const passing = results.filter((r) => r.length === 0).length;
    if (passing > 0) {
      if (kind === 'anyOf' || passing === 1) return [];
      return [{path, message: `matches ${passing} alternatives but must match exactly one`, depth}];
    }
    const reach = (r: ValidationIssue[]): number => Math.min(...r.map((i) => i.depth));
    const best = Math.max(...results.map(reach));
    if (best > depth) {
      // An alternative matched at this level and failed deeper inside: that is the one the caller meant.
      const candidates = results.filter((r) => reach(r) === best);
      return candidates.reduce((a, b) => (b.length < a.length ? b : a));
    }
    const variants = this.variantNames(branches);
    if (variants && isPlainObject(value)) {
      const keys = Object.keys(value);
      const message =
        keys.length === 1
          ? `unknown variant "${keys[0]}", expected one of ${variants.join(', ')}`
          : `must have exactly one of ${variants.join(', ')}${keys.length > 0 ? ` (got ${keys.join(', ')})` : ' (got an empty object)'}`;
      return [{path, message, depth}];
    }
    if (results.every((r) => r.length === 1 && r[0]!.expectedTypes && r[0]!.path.length === depth)) {
      const expected = [...new Set(results.flatMap((r) => r[0]!.expectedTypes!))];
      return [{path, message: `must be ${expected.join(' or ')} (got ${jsonTypeOf(value)})`, depth, expectedTypes: expected}];
    }
    const described = results.map((r) => r.map((i) => (i.path.length > depth ? `${formatPath('', i.path.slice(depth))}: ${i.message}` : i.message)).join(', '));
    return [{path, message: `must match one of the allowed forms: ${described.map((d, i) => `(${i + 1}) ${d}`).join('; ')}`, depth}];
  }

  /** For externally tagged enums (each alternative an object with exactly one required field): the field names. */
  private variantNames(branches: JsonSchema[]): string[] | undefined {
    const names: string[] = [];
    for (const b of branches) {
      const s = b.$ref !== undefined ? this.resolveRef(b.$ref) : b;
      if (s.required?.length !== 1 || !s.properties || !hasOwn(s.properties, s.required[0]!)) return undefined;
      names.push(s.required[0]!);
    }
    return names;
  }
}

/** Compiles `schema` (throws {@link SchemaDefinitionError} if malformed) and returns its validator. */
export function compileSchema(schema: unknown, rootName: string): SchemaValidator {
  return new SchemaValidator(schema as JsonSchema, rootName);
}
