/**
 * Messages for comparing the wasm schema validator with `contracts/common/schema.ts`: for every contract
 * schema, a valid sample of each message variant (every optional field filled in), then systematic breakages of
 * it — wrong types, nulls, missing and extra fields, strings that break the pattern or the length limits,
 * integers out of range or fractional, duplicate and surplus array items, the other branches of nested
 * alternatives, unknown and doubled variants. Cases are JSON texts (so that `1e400` can be one).
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import type {JsonSchema} from '../../../contracts/common/schema.js';
import {repoRoot} from '../../helpers/shared.js';

/** One valid sample per pattern of the contract schemas; a new pattern without a sample fails the tests. */
export const PATTERN_SAMPLES: Record<string, string> = {
  '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$': 'aGVsbG8=',
  '^[0-9]+$': '1000',
  '^[0-9a-f]{64}$': 'ab'.repeat(32),
  '^[0-9a-f]{96}$': 'cd'.repeat(48),
  '^[1-9][0-9]{0,19}$': '42',
  '^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$': 'llama3.1:8b',
  '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$': 'plan_1',
  '^[A-Za-z][A-Za-z0-9-]{2,19}$': 'pulsar-3',
  '^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$': 'uscrt',
  '^https?://[^\\s]+$': 'https://worker.example:8443/v1',
  '^secret1[02-9ac-hj-np-z]{38}$': `secret1${'q'.repeat(38)}`,
};

/** Strings to try against every pattern (besides its sample and variations of it). */
export const PATTERN_PROBES = [
  '', ' ', '0', '1', '01', '9'.repeat(20), '1'.repeat(21), 'a', 'ab', 'abc', 'A-b', 'a b', 'a\tb', 'a\nb', 'a\u00a0b', 'a\u2028b',
  'http://', 'https://', 'http://x', 'https://x y', 'ftp://x', 'HTTPS://x', 'https://\ud83d\ude42', 'https://\ud800', 'https://x\ufeff',
  '====', 'aGVsbG8', 'aGVsbG8==', 'aGVs=G8=', 'aGVsbA==', 'aGVsbA=', 'a===', '+/+/', 'ab-_', 'é', '\ud83d\ude42', '\ud800',
  `secret1${'q'.repeat(37)}`, `secret1${'q'.repeat(39)}`, `secret1${'b'.repeat(38)}`, `secret1${'1'.repeat(38)}`, `SECRET1${'Q'.repeat(38)}`,
  'ab'.repeat(32).toUpperCase(), 'ab'.repeat(31), 'ab'.repeat(33), 'g'.repeat(64), 'x'.repeat(128), 'x'.repeat(129), 'x'.repeat(200),
  '.dot', '_under', 'a.b_c-d', 'a@b+c/d:e', 'model\ud83d\ude42', 'a/b', 'ab', 'abc-', '-abc',
];

export interface ContractSchema {
  /** `snip20/execute`, … */
  name: string;
  /** The label paths start with: `instantiate`, `execute`, `query`, `receive.msg`. */
  root: string;
  schema: JsonSchema;
}

/** Every message schema of every contract, made self-contained with the shared definitions. */
export function loadContractSchemas(): ContractSchema[] {
  const contractsDir = path.join(repoRoot, 'contracts');
  const shared = JSON.parse(readFileSync(path.join(contractsDir, 'common', 'schema', 'definitions.json'), 'utf8')) as JsonSchema;
  const out: ContractSchema[] = [];
  for (const contract of readdirSync(contractsDir).sort()) {
    const dir = path.join(contractsDir, contract, 'schema');
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    } catch {
      continue;
    }
    for (const file of files) {
      const schema = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as JsonSchema;
      schema.definitions = {...shared.definitions, ...schema.definitions};
      const kind = file.replace(/\.json$/, '');
      out.push({name: `${contract}/${kind}`, root: kind === 'receive_msg' ? 'receive.msg' : kind, schema});
    }
  }
  return out;
}

type Json = null | boolean | number | string | Json[] | {[key: string]: Json};

class Generator {
  readonly missingPatterns = new Set<string>();

  constructor(private readonly root: JsonSchema) {}

  resolve(s: JsonSchema): JsonSchema {
    let cur = s;
    for (let i = 0; cur.$ref !== undefined && i < 32; i++) {
      const name = cur.$ref.replace(/^#\/(definitions|\$defs)\//, '');
      const table = cur.$ref.startsWith('#/$defs/') ? this.root.$defs : this.root.definitions;
      cur = table![name]!;
    }
    return cur;
  }

  /** A valid value (every optional field filled in); `branch` picks the alternative at the top. */
  sample(schema: JsonSchema, branch = 0): Json {
    const s = this.resolve(schema);
    if (s.const !== undefined) return s.const as Json;
    if (s.enum !== undefined) return s.enum[0] as Json;
    const alternatives = s.oneOf ?? s.anyOf;
    if (alternatives) return this.sample(alternatives[Math.min(branch, alternatives.length - 1)]!);
    const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
    const type = types.find((t) => t !== 'null') ?? types[0] ?? 'object';
    switch (type) {
      case 'object': {
        const obj: {[key: string]: Json} = {};
        for (const [name, sub] of Object.entries(s.properties ?? {})) obj[name] = this.sample(sub);
        return obj;
      }
      case 'array':
        return s.items ? [this.sample(s.items)] : [];
      case 'string': {
        if (s.pattern !== undefined) {
          const sample = PATTERN_SAMPLES[s.pattern];
          if (sample === undefined) this.missingPatterns.add(s.pattern);
          return sample ?? 'x';
        }
        return 'x'.repeat(Math.max(s.minLength ?? 1, 1));
      }
      case 'integer':
        return s.minimum ?? 1;
      case 'number':
        return 1.5;
      case 'boolean':
        return true;
      default:
        return null;
    }
  }
}

function setAt(value: Json, p: Array<string | number>, replacement: Json | undefined): Json {
  if (p.length === 0) return replacement === undefined ? null : replacement;
  const copy = structuredClone(value) as Json;
  let cur = copy as {[key: string]: Json} | Json[];
  for (const seg of p.slice(0, -1)) cur = (cur as Record<string | number, Json>)[seg] as {[key: string]: Json} | Json[];
  const last = p[p.length - 1]!;
  if (replacement === undefined) {
    if (Array.isArray(cur)) cur.splice(last as number, 1);
    else delete cur[last as string];
  } else (cur as Record<string | number, Json>)[last] = replacement;
  return copy;
}

function getAt(value: Json, p: Array<string | number>): Json {
  let cur = value;
  for (const seg of p) cur = (cur as Record<string | number, Json>)[seg]!;
  return cur;
}

const REPLACEMENTS: Json[] = [null, true, 0, -1, 1.5, 4294967296, '', 'x', 'a'.repeat(300), [], [1, 1], {}, {x: 1}];

/** Texts of JSON values: valid samples of every variant and many breakages of them. */
export function messageCases(schema: JsonSchema): {texts: string[]; missingPatterns: string[]} {
  const g = new Generator(schema);
  const root = g.resolve(schema);
  const samples: Json[] = [];
  const branches = root.oneOf ?? root.anyOf;
  if (branches) branches.forEach((_, i) => samples.push(g.sample(schema, i)));
  else samples.push(g.sample(schema));

  const texts = new Set<string>();
  const add = (v: Json) => texts.add(JSON.stringify(v));
  for (const base of samples) {
    add(base);
    // Breakages at every node of this sample.
    for (const {path: p, schema: s} of collectNodes(schema, base)) {
      let current: Json;
      try {
        current = getAt(base, p);
      } catch {
        continue;
      }
      if (current === undefined) continue;
      for (const r of REPLACEMENTS) add(setAt(base, p, r));
      if (p.length > 0) add(setAt(base, p, undefined));
      if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
        add(setAt(base, p, {...current, zz_extra: 1}));
        add(setAt(base, p, {'odd key': 1, ...current}));
        add(setAt(base, p, {...current, 7: 'index key'}));
      }
      if (typeof current === 'string') {
        for (const v of [`${current} `, current.toUpperCase(), current.slice(1), `${current}é`, '\ud800', current.repeat(5), `${current}\u2028`, `${current}🙂`]) {
          add(setAt(base, p, v));
        }
        if (s.maxLength !== undefined) add(setAt(base, p, 'a'.repeat(s.maxLength + 1)));
        if (s.maxLength !== undefined) add(setAt(base, p, '🙂'.repeat(s.maxLength)));
        if (s.minLength !== undefined && s.minLength > 0) add(setAt(base, p, 'a'.repeat(s.minLength - 1)));
      }
      if (typeof current === 'number') {
        for (const v of [current + 1, current - 1, -current, current + 0.5, 2 ** 53, 2 ** 64, 1e21]) add(setAt(base, p, v));
        if (s.maximum !== undefined) add(setAt(base, p, s.maximum + 1));
        if (s.minimum !== undefined) add(setAt(base, p, s.minimum - 1));
        texts.add(JSON.stringify(setAt(base, p, 424242)).replace('424242', '1e400'));
        texts.add(JSON.stringify(setAt(base, p, 424242)).replace('424242', '1.0'));
        texts.add(JSON.stringify(setAt(base, p, 424242)).replace('424242', '1e2'));
      }
      if (Array.isArray(current)) {
        add(setAt(base, p, [...current, ...current]));
        add(setAt(base, p, Array.from({length: (s.maxItems ?? 70) + 1}, () => current[0] ?? 1)));
        add(setAt(base, p, current.map(() => 'wrong')));
      }
      const alternatives = s.oneOf ?? s.anyOf;
      if (alternatives && p.length > 0) {
        alternatives.forEach((_, i) => add(setAt(base, p, new Generator(schema).sample(s, i))));
      }
    }
  }
  // The root itself.
  for (const v of [{}, [], 'x', 1, null, {nope: {}}, {nope: 1, other: 2}, {zz: {}, aa: {}}] as Json[]) add(v);
  if (samples.length >= 2 && typeof samples[0] === 'object' && typeof samples[1] === 'object') {
    add({...(samples[0] as object), ...(samples[1] as object)} as Json);
  }
  return {texts: [...texts], missingPatterns: [...g.missingPatterns]};
}

/** Nodes of `value` with the schema that applies there (following the first matching alternative). */
function collectNodes(schema: JsonSchema, value: Json): Array<{path: Array<string | number>; schema: JsonSchema}> {
  const g = new Generator(schema);
  const out: Array<{path: Array<string | number>; schema: JsonSchema}> = [];
  const visit = (s0: JsonSchema, v: Json, p: Array<string | number>) => {
    const s = g.resolve(s0);
    out.push({path: p, schema: s});
    const alternatives = s.oneOf ?? s.anyOf;
    if (alternatives) {
      // Follow the alternative whose required keys or type fit the value.
      const fit = alternatives.map((a) => g.resolve(a)).find((a) => fits(a, v));
      if (fit) visit(fit, v, p);
      return;
    }
    if (Array.isArray(v) && s.items) v.forEach((item, i) => visit(s.items!, item, [...p, i]));
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, sub] of Object.entries(v)) {
        const ps = s.properties?.[k];
        if (ps) visit(ps, sub, [...p, k]);
      }
    }
  };
  visit(schema, value, []);
  return out;
}

function fits(s: JsonSchema, v: Json): boolean {
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  const actual = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
  if (types.length > 0 && !types.some((t) => t === actual || (t === 'number' && actual === 'integer'))) return false;
  if (s.required && v !== null && typeof v === 'object' && !Array.isArray(v)) return s.required.every((r) => r in v);
  return true;
}
