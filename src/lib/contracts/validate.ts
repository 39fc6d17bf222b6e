/**
 * The contract validator: the rules a Secret Network node applies to uploaded code (`secret-wasm.md`), checked on
 * our side so that a contract that would be refused never reaches a chain. Used by the contracts build, by
 * `secretai contracts verify` and by the devnet's `MsgStoreCode`. Pure: bytes in, verdict out.
 *
 * Rules: the code may be gzip-compressed (the code hash is of the unzipped bytes) and is at most 2 MiB unzipped;
 * WebAssembly MVP only (sign-extension, which the uploader accepts, is allowed unless disabled); no f32/f64 value
 * type or instruction anywhere; no start function; exactly one memory, defined in the module, without maximum,
 * initially at most 512 pages; imports only functions of module `env` from the allowed list, with their
 * signatures; the CosmWasm v1 exports with their signatures.
 */
import {createHash} from 'node:crypto';
import {gunzipSync} from 'node:zlib';
import {
  functionType,
  isFloatType,
  readWasmModule,
  VALTYPE,
  valtypeName,
  WasmFormatError,
  type FuncType,
  type WasmModule,
} from './wasm-reader.js';

/** Largest accepted code, unzipped, in bytes (2 MiB). */
export const MAX_CONTRACT_BYTES = 2 * 1024 * 1024;
/** Largest accepted initial memory, in 64 KiB pages (the upload limit; the enclave caps memory at 192 pages). */
export const MAX_INITIAL_PAGES = 512;

type Int = 'i32' | 'i64';
/** A function signature of the contract interface. */
export interface Signature {
  params: Int[];
  results: Int[];
}

const sig = (params: Int[], results: Int[] = []): Signature => ({params, results});

/** The host functions a contract may import (module `env`), with their signatures. */
export const CONTRACT_IMPORTS: Readonly<Record<string, Signature>> = Object.freeze({
  db_read: sig(['i32'], ['i32']),
  db_write: sig(['i32', 'i32']),
  db_remove: sig(['i32']),
  addr_validate: sig(['i32'], ['i32']),
  addr_canonicalize: sig(['i32', 'i32'], ['i32']),
  addr_humanize: sig(['i32', 'i32'], ['i32']),
  secp256k1_verify: sig(['i32', 'i32', 'i32'], ['i32']),
  secp256k1_recover_pubkey: sig(['i32', 'i32', 'i32'], ['i64']),
  ed25519_verify: sig(['i32', 'i32', 'i32'], ['i32']),
  ed25519_batch_verify: sig(['i32', 'i32', 'i32'], ['i32']),
  debug: sig(['i32']),
  query_chain: sig(['i32'], ['i32']),
  secp256k1_sign: sig(['i32', 'i32'], ['i64']),
  ed25519_sign: sig(['i32', 'i32'], ['i64']),
  dcap_quote_verify: sig(['i32', 'i32'], ['i64']),
  check_gas: sig([], ['i64']),
  gas_evaporate: sig(['i32'], ['i32']),
});

/** Function exports every contract must have (besides the `memory` export), with their signatures. */
export const REQUIRED_EXPORTS: Readonly<Record<string, Signature>> = Object.freeze({
  interface_version_8: sig([]),
  allocate: sig(['i32'], ['i32']),
  deallocate: sig(['i32']),
  instantiate: sig(['i32', 'i32', 'i32'], ['i32']),
  execute: sig(['i32', 'i32', 'i32'], ['i32']),
  query: sig(['i32', 'i32'], ['i32']),
});

/** Function exports a contract may have; when present they must have these signatures. */
export const OPTIONAL_EXPORTS: Readonly<Record<string, Signature>> = Object.freeze({
  migrate: sig(['i32', 'i32'], ['i32']),
  reply: sig(['i32', 'i32'], ['i32']),
  requires_random: sig([]),
});

/** Which rule a violation breaks. */
export type ViolationRule = 'format' | 'size' | 'features' | 'float' | 'start' | 'memory' | 'imports' | 'exports';

export interface Violation {
  rule: ViolationRule;
  message: string;
}

export interface ValidationResult {
  /** True when there is no violation. */
  ok: boolean;
  violations: Violation[];
  /** SHA-256 (hex) of the unzipped code: the chain's code hash. Null when the input could not be unzipped. */
  codeHash: string | null;
  /** Size of the unzipped code in bytes (of the input when it could not be unzipped). */
  size: number;
  /** Whether the input was gzip-compressed. */
  gzipped: boolean;
}

export interface ValidateOptions {
  /** Accept the sign-extension instructions (the chain does; default true). The contracts build forbids them. */
  allowSignExtension?: boolean;
}

/** At most this many violations of one rule are listed; the rest are counted in one more line. */
const MAX_PER_RULE = 12;

/** True when `bytes` start as gzip data does (magic and the deflate method byte), the chain's own test. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
}

/**
 * The wasm bytes of contract code as the chain sees them: gunzipped when gzip-compressed. Throws a RangeError when
 * the unzipped code is larger than `limit` bytes (when given) and an Error when the gzip stream is corrupt.
 */
export function unzipContract(bytes: Uint8Array, limit?: number): {wasm: Uint8Array; gzipped: boolean} {
  if (!isGzip(bytes)) return {wasm: bytes, gzipped: false};
  const out = gunzipSync(bytes, limit === undefined ? {} : {maxOutputLength: limit + 1});
  if (limit !== undefined && out.length > limit) throw new RangeError(`larger than ${limit} bytes unzipped`);
  return {wasm: new Uint8Array(out.buffer, out.byteOffset, out.length), gzipped: true};
}

/** SHA-256 hex of wasm bytes (the code hash of uncompressed code). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The chain's code hash of contract code (gzip-compressed or not): SHA-256 of the unzipped bytes. */
export function contractCodeHash(bytes: Uint8Array): string {
  return sha256Hex(unzipContract(bytes).wasm);
}

/** Validates contract code (plain or gzip-compressed wasm) against the Secret Network rules. */
export function validateContract(input: Uint8Array, opts: ValidateOptions = {}): ValidationResult {
  const violations = new Collector();
  let wasm: Uint8Array;
  let gzipped = isGzip(input);
  try {
    ({wasm, gzipped} = unzipContract(input, MAX_CONTRACT_BYTES));
  } catch (err) {
    const tooLarge = err instanceof RangeError || (err as NodeJS.ErrnoException)?.code === 'ERR_BUFFER_TOO_LARGE';
    violations.add(tooLarge ? 'size' : 'format', tooLarge ? `code is larger than ${MAX_CONTRACT_BYTES} bytes after gunzip` : `gzip data is corrupt: ${(err as Error).message}`);
    return {ok: false, violations: violations.list(), codeHash: null, size: input.length, gzipped};
  }
  const result = (): ValidationResult => {
    const list = violations.list();
    return {ok: list.length === 0, violations: list, codeHash: sha256Hex(wasm), size: wasm.length, gzipped};
  };
  if (wasm.length > MAX_CONTRACT_BYTES) violations.add('size', `code is ${wasm.length} bytes, more than ${MAX_CONTRACT_BYTES}`);
  let m: WasmModule;
  try {
    m = readWasmModule(wasm);
  } catch (err) {
    if (!(err instanceof WasmFormatError)) throw err;
    violations.add('format', `not a valid WebAssembly module: ${err.message}`);
    return result();
  }
  const engineError = engineValidation(wasm);
  if (engineError) violations.add('format', `not a valid WebAssembly module: ${engineError}`);
  checkFeatures(m, violations, opts.allowSignExtension ?? true);
  checkFloats(m, violations);
  if (m.start !== undefined) violations.add('start', `has a start function (function ${m.start}); the enclave refuses modules with one`);
  checkMemory(m, violations);
  checkImports(m, violations);
  checkExports(m, violations);
  return result();
}

/** The part of the global `WebAssembly` API used here (the Node typings of this project do not declare it). */
const engine = (globalThis as unknown as {WebAssembly: {validate(b: Uint8Array): boolean; Module: new (b: Uint8Array) => object}}).WebAssembly;

/** The JS engine's own verdict on the module's well-formedness and typing (null when valid). */
function engineValidation(wasm: Uint8Array): string | null {
  if (engine.validate(wasm)) return null;
  try {
    new engine.Module(wasm);
    return 'rejected by the WebAssembly engine';
  } catch (err) {
    return (err as Error).message.replace(/^WebAssembly\.Module\(\): /, '');
  }
}

class Collector {
  private readonly byRule = new Map<ViolationRule, string[]>();
  private readonly counts = new Map<ViolationRule, number>();

  add(rule: ViolationRule, message: string): void {
    const n = (this.counts.get(rule) ?? 0) + 1;
    this.counts.set(rule, n);
    if (n <= MAX_PER_RULE) {
      const list = this.byRule.get(rule) ?? [];
      list.push(message);
      this.byRule.set(rule, list);
    }
  }

  list(): Violation[] {
    const out: Violation[] = [];
    for (const [rule, messages] of this.byRule) {
      for (const message of messages) out.push({rule, message});
      const more = (this.counts.get(rule) ?? 0) - messages.length;
      if (more > 0) out.push({rule, message: `… and ${more} more ${rule} violation${more === 1 ? '' : 's'}`});
    }
    return out;
  }
}

const MVP_VALTYPES = new Set<number>([VALTYPE.i32, VALTYPE.i64, VALTYPE.f32, VALTYPE.f64]);
const SECTION_FEATURES: Record<number, string> = {12: 'a data-count section (bulk memory)', 13: 'a tag section (exception handling)'};

function checkFeatures(m: WasmModule, v: Collector, allowSignExtension: boolean): void {
  for (const id of m.sectionOrder) {
    if (id > 11) v.add('features', `has ${SECTION_FEATURES[id] ?? `an unknown section ${id}`}`);
  }
  m.types.forEach((t, i) => {
    if (t.results.length > 1) v.add('features', `type ${i} returns ${t.results.length} values (multi-value)`);
    for (const vt of [...t.params, ...t.results]) if (!MVP_VALTYPES.has(vt)) v.add('features', `type ${i} uses value type ${valtypeName(vt)}`);
  });
  m.globals.forEach((g, i) => {
    if (!MVP_VALTYPES.has(g.type)) v.add('features', `global ${i} has value type ${valtypeName(g.type)}`);
  });
  for (const e of m.exports) {
    const imported = m.imports.filter((i) => i.kind === 'global').length;
    const g = e.kind === 'global' && e.index >= imported ? m.globals[e.index - imported] : undefined;
    if (g?.mutable) v.add('features', `exports the mutable global "${e.name}" (mutable-globals)`);
  }
  if (m.tables.length > 1) v.add('features', `defines ${m.tables.length} tables (reference types)`);
  m.tables.forEach((t, i) => {
    if (t.elemType !== VALTYPE.funcref) v.add('features', `table ${i} holds ${valtypeName(t.elemType)} (reference types)`);
  });
  m.elementFlags.forEach((f, i) => {
    if (f !== 0) v.add('features', `element segment ${i} uses form ${f} (bulk memory / reference types)`);
  });
  m.dataFlags.forEach((f, i) => {
    if (f !== 0) v.add('features', `data segment ${i} is ${f === 1 ? 'passive (bulk memory)' : 'bound to an explicit memory index'}`);
  });
  for (const body of m.bodies) {
    if (body.typedBlocks > 0) v.add('features', `function ${body.index} has blocks with a type index (multi-value)`);
    for (const vt of [...body.locals, ...body.blockResults]) {
      if (!MVP_VALTYPES.has(vt)) {
        v.add('features', `function ${body.index} uses value type ${valtypeName(vt)}`);
        break;
      }
    }
    const ops = body.notable.filter((o) => o.kind === 'non-mvp' || (o.kind === 'sign-extension' && !allowSignExtension));
    if (ops.length) v.add('features', `function ${body.index} uses ${describeOps(ops)}${body.truncated ? ' (rest of the body not examined)' : ''}`);
  }
}

function checkFloats(m: WasmModule, v: Collector): void {
  m.types.forEach((t, i) => {
    const where = [...t.params.map((p) => ['parameter', p] as const), ...t.results.map((r) => ['result', r] as const)].filter(([, vt]) => isFloatType(vt));
    if (where.length) v.add('float', `type ${i} ${signatureText(t)} has ${where.map(([k, vt]) => `an ${valtypeName(vt)} ${k}`).join(' and ')}`);
  });
  m.globals.forEach((g, i) => {
    if (isFloatType(g.type)) v.add('float', `global ${i} is ${valtypeName(g.type)}`);
  });
  for (const imp of m.imports) {
    if (imp.global && isFloatType(imp.global.type)) v.add('float', `imported global ${imp.module}.${imp.name} is ${valtypeName(imp.global.type)}`);
  }
  for (const body of m.bodies) {
    const locals = body.locals.filter(isFloatType);
    if (locals.length) v.add('float', `function ${body.index} has ${locals.length} ${[...new Set(locals.map(valtypeName))].join('/')} local${locals.length === 1 ? '' : 's'}`);
    const blocks = body.blockResults.filter(isFloatType);
    if (blocks.length) v.add('float', `function ${body.index} has blocks yielding ${[...new Set(blocks.map(valtypeName))].join('/')}`);
    const ops = body.notable.filter((o) => o.kind === 'float');
    if (ops.length) v.add('float', `function ${body.index} uses ${describeOps(ops)}`);
  }
}

function checkMemory(m: WasmModule, v: Collector): void {
  const imported = m.imports.filter((i) => i.kind === 'memory');
  for (const imp of imported) v.add('memory', `imports its memory (${imp.module}.${imp.name}); the memory must be defined in the module`);
  const total = imported.length + m.memories.length;
  if (total === 0) v.add('memory', 'has no memory');
  else if (total > 1) v.add('memory', `has ${total} memories; exactly one is allowed`);
  m.memories.forEach((mem, i) => {
    if (mem.flags & 0x02) v.add('features', `memory ${i} is shared (threads)`);
    if (mem.flags & 0x04) v.add('features', `memory ${i} is 64-bit (memory64)`);
    if (mem.max !== undefined) v.add('memory', `memory ${i} declares a maximum (${mem.max} pages); it must have none`);
    if (mem.min > MAX_INITIAL_PAGES) v.add('memory', `memory ${i} starts with ${mem.min} pages, more than ${MAX_INITIAL_PAGES}`);
  });
}

function checkImports(m: WasmModule, v: Collector): void {
  for (const imp of m.imports) {
    const name = `${imp.module}.${imp.name}`;
    if (imp.kind === 'memory') continue; // reported by the memory rule
    if (imp.module !== 'env') {
      v.add('imports', `imports ${name}: only module "env" is provided`);
      continue;
    }
    if (imp.kind !== 'func') {
      v.add('imports', `imports the ${imp.kind} ${name}: only functions can be imported`);
      continue;
    }
    const expected = CONTRACT_IMPORTS[imp.name];
    if (!expected || !Object.hasOwn(CONTRACT_IMPORTS, imp.name)) {
      v.add('imports', `imports ${name}, which the chain does not provide`);
      continue;
    }
    const actual = imp.typeIndex === undefined ? undefined : m.types[imp.typeIndex];
    if (!actual || !sameSignature(actual, expected)) {
      v.add('imports', `imports ${name} as ${actual ? signatureText(actual) : '?'}; the chain provides ${signatureText(expected)}`);
    }
  }
}

function checkExports(m: WasmModule, v: Collector): void {
  const byName = new Map(m.exports.map((e) => [e.name, e]));
  const check = (name: string, expected: Signature, required: boolean) => {
    const e = byName.get(name);
    if (!e) {
      if (required) v.add('exports', `does not export ${name} ${signatureText(expected)}`);
      return;
    }
    if (e.kind !== 'func') {
      v.add('exports', `exports ${name} as a ${e.kind}; it must be a function ${signatureText(expected)}`);
      return;
    }
    const actual = functionType(m, e.index);
    if (!actual || !sameSignature(actual, expected)) {
      v.add('exports', `exports ${name} as ${actual ? signatureText(actual) : '?'}; it must be ${signatureText(expected)}`);
    }
  };
  for (const [name, s] of Object.entries(REQUIRED_EXPORTS)) check(name, s, true);
  for (const [name, s] of Object.entries(OPTIONAL_EXPORTS)) check(name, s, false);
  const memory = byName.get('memory');
  if (!memory) v.add('exports', 'does not export its memory as "memory"');
  else if (memory.kind !== 'memory') v.add('exports', `exports "memory" as a ${memory.kind}; it must be the memory`);
}

const INT_TYPES: Record<Int, number> = {i32: VALTYPE.i32, i64: VALTYPE.i64};

function sameSignature(t: FuncType, s: Signature): boolean {
  const eq = (a: number[], b: Int[]) => a.length === b.length && a.every((x, i) => x === INT_TYPES[b[i]!]);
  return eq(t.params, s.params) && eq(t.results, s.results);
}

/** `(i32, i32) -> i32` style text of a signature. */
function signatureText(t: FuncType | Signature): string {
  const names = (xs: Array<number | string>) => xs.map((x) => (typeof x === 'number' ? valtypeName(x) : x));
  const results = names(t.results);
  return `(${names(t.params).join(', ')}) -> ${results.length === 0 ? '()' : results.length === 1 ? results[0] : `(${results.join(', ')})`}`;
}

function describeOps(ops: Array<{name: string; offset: number}>): string {
  const names = [...new Set(ops.map((o) => o.name))];
  const shown = names.slice(0, 4).join(', ');
  return `${shown}${names.length > 4 ? ` and ${names.length - 4} more` : ''} (first at byte ${ops[0]!.offset})`;
}
