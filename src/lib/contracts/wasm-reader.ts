/**
 * A small reader of WebAssembly binaries for the contract validator: the sections a Secret contract can have and
 * each function body decoded instruction by instruction with the MVP opcode table. Instructions outside the MVP
 * (and every floating-point one) are not rejected here: they are recorded as {@link NotableOp}s for the rules in
 * `validate.ts` to judge. A malformed binary throws {@link WasmFormatError}.
 */
import {FC_OPS, OPS, POST_MVP} from './wasm-opcodes.js';

/** A value type byte. */
export const VALTYPE = {i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f} as const;

const VALTYPE_NAMES = new Map<number, string>(Object.entries(VALTYPE).map(([k, v]) => [v, k]));

/** The name of a value type byte (`i32`, `f64`, …, or `0x..`). */
export function valtypeName(t: number): string {
  return VALTYPE_NAMES.get(t) ?? `0x${t.toString(16).padStart(2, '0')}`;
}

/** True for `f32` and `f64`. */
export function isFloatType(t: number): boolean {
  return t === VALTYPE.f32 || t === VALTYPE.f64;
}

export class WasmFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'WasmFormatError';
  }
}

export interface FuncType {
  params: number[];
  results: number[];
}

export type ImportKind = 'func' | 'table' | 'memory' | 'global';

export interface Limits {
  min: number;
  max?: number;
  /** The raw flags byte (0 = min, 1 = min and max; others are non-MVP: shared, 64-bit). */
  flags: number;
}

export interface WasmImport {
  module: string;
  name: string;
  kind: ImportKind;
  /** Function imports: the type index. */
  typeIndex?: number;
  /** Memory imports. */
  limits?: Limits;
  /** Global imports. */
  global?: {type: number; mutable: boolean};
}

export interface WasmExport {
  name: string;
  kind: ImportKind;
  index: number;
}

export interface WasmGlobal {
  type: number;
  mutable: boolean;
  /** Opcode of the (single) constant instruction of the initialiser. */
  initOp: number;
}

/** An instruction the rules must look at: floating point, non-MVP, or unknown. */
export interface NotableOp {
  /** Mnemonic, e.g. `f64.add`, `memory.copy`, `i32.extend8_s`; `0x..` when unknown. */
  name: string;
  /** `float`: uses f32/f64; `sign-extension`: the sign-extension proposal; `non-mvp`: another post-MVP feature. */
  kind: 'float' | 'sign-extension' | 'non-mvp';
  /** Byte offset in the module. */
  offset: number;
}

export interface WasmFunctionBody {
  /** Index in the function index space (imports first). */
  index: number;
  /** Declared local types (one entry per local, parameters excluded). */
  locals: number[];
  notable: NotableOp[];
  /** True when decoding stopped at an unknown instruction (the rest of the body was not examined). */
  truncated: boolean;
  /** Block types of `block`/`loop`/`if` that are not empty or a single value type (multi-value). */
  typedBlocks: number;
  /** Value types used as block results. */
  blockResults: number[];
}

export interface WasmModule {
  /** Section ids in the order they appear (custom sections as 0). */
  sectionOrder: number[];
  customSections: string[];
  types: FuncType[];
  imports: WasmImport[];
  /** Type index of each defined function. */
  functions: number[];
  tables: Array<{elemType: number; limits: Limits}>;
  memories: Limits[];
  globals: WasmGlobal[];
  exports: WasmExport[];
  start?: number;
  /** Flags of each element segment (0 = MVP active segment of table 0). */
  elementFlags: number[];
  /** Flags of each data segment (0 = MVP active segment of memory 0). */
  dataFlags: number[];
  /** Whether a data-count section (bulk memory) is present. */
  dataCount: boolean;
  bodies: WasmFunctionBody[];
  /** Number of imported functions (defined functions are numbered after them). */
  importedFunctions: number;
}

/** The signature of function `index` of the function index space, or undefined when out of range. */
export function functionType(m: WasmModule, index: number): FuncType | undefined {
  const imported = m.imports.filter((i) => i.kind === 'func');
  const typeIndex = index < imported.length ? imported[index]!.typeIndex : m.functions[index - imported.length];
  return typeIndex === undefined ? undefined : m.types[typeIndex];
}

// ---------------------------------------------------------------------------------------------------------------
// Byte reader

class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string): never {
    throw new WasmFormatError(message, this.pos);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end');
    return this.bytes[this.pos++]!;
  }

  /** Unsigned LEB128 of at most 32 bits. */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) this.fail('integer too large');
        return result;
      }
      shift += 7;
    }
    this.fail('integer representation too long');
  }

  /** Skips a signed LEB128 of at most `bits` bits. */
  skipSigned(bits: number): void {
    const max = Math.ceil(bits / 7);
    for (let i = 0; i < max; i++) if ((this.u8() & 0x80) === 0) return;
    this.fail('integer representation too long');
  }

  skip(n: number): void {
    if (n > this.end - this.pos) this.fail('unexpected end');
    this.pos += n;
  }

  name(): string {
    const len = this.u32();
    const start = this.pos;
    this.skip(len);
    try {
      return new TextDecoder('utf-8', {fatal: true}).decode(this.bytes.subarray(start, start + len));
    } catch {
      throw new WasmFormatError('name is not UTF-8', start);
    }
  }

  limits(): Limits {
    const flags = this.u8();
    if (flags > 0x07) this.fail(`invalid limits flags 0x${flags.toString(16)}`);
    const wide = (flags & 0x04) !== 0;
    const read = () => (wide ? (this.skipSigned(64), 0) : this.u32());
    const min = read();
    return (flags & 0x01) !== 0 ? {flags, min, max: read()} : {flags, min};
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Module

const KINDS: ImportKind[] = ['func', 'table', 'memory', 'global'];

function kindOf(r: Reader): ImportKind {
  const k = r.u8();
  const kind = KINDS[k];
  if (!kind) r.fail(`unsupported import/export kind 0x${k.toString(16)}`);
  return kind;
}

/** Reads a constant expression (one instruction and `end`); returns the opcode of the instruction. */
function constExpr(r: Reader): number {
  const code = r.u8();
  switch (code) {
    case 0x41:
      r.skipSigned(32);
      break;
    case 0x42:
      r.skipSigned(64);
      break;
    case 0x43:
      r.skip(4);
      break;
    case 0x44:
      r.skip(8);
      break;
    case 0x23:
      r.u32();
      break;
    default:
      r.fail(`unsupported constant expression opcode 0x${code.toString(16)}`);
  }
  if (r.u8() !== 0x0b) r.fail('constant expression must be a single instruction');
  return code;
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Parses a WebAssembly binary. Throws {@link WasmFormatError} on malformed input. */
export function readWasmModule(bytes: Uint8Array): WasmModule {
  const r = new Reader(bytes);
  for (const b of WASM_MAGIC) if (r.u8() !== b) throw new WasmFormatError('not a WebAssembly binary (bad magic)', 0);
  const version = [r.u8(), r.u8(), r.u8(), r.u8()];
  if (version.join() !== '1,0,0,0') throw new WasmFormatError(`unsupported WebAssembly version ${version.join('.')}`, 4);
  const m: WasmModule = {
    sectionOrder: [],
    customSections: [],
    types: [],
    imports: [],
    functions: [],
    tables: [],
    memories: [],
    globals: [],
    exports: [],
    elementFlags: [],
    dataFlags: [],
    dataCount: false,
    bodies: [],
    importedFunctions: 0,
  };
  while (!r.done) {
    const id = r.u8();
    const size = r.u32();
    const start = r.pos;
    if (size > r.end - start) r.fail(`section ${id} runs past the end`);
    const s = new Reader(bytes, start, start + size);
    m.sectionOrder.push(id);
    readSection(m, id, s);
    if (id !== 0 && !s.done) s.fail(`section ${id} has ${s.end - s.pos} trailing bytes`);
    r.pos = start + size;
  }
  if (m.bodies.length !== m.functions.length) {
    throw new WasmFormatError(`${m.functions.length} functions declared but ${m.bodies.length} bodies`, bytes.length);
  }
  return m;
}

function readSection(m: WasmModule, id: number, s: Reader): void {
  switch (id) {
    case 0:
      m.customSections.push(s.name());
      return;
    case 1:
      for (let n = s.u32(), i = 0; i < n; i++) {
        const form = s.u8();
        if (form !== 0x60) s.fail(`type ${i} is not a function type (form 0x${form.toString(16)})`);
        const params = Array.from({length: s.u32()}, () => s.u8());
        const results = Array.from({length: s.u32()}, () => s.u8());
        m.types.push({params, results});
      }
      return;
    case 2:
      for (let n = s.u32(), i = 0; i < n; i++) {
        const module = s.name();
        const name = s.name();
        const kind = kindOf(s);
        const imp: WasmImport = {module, name, kind};
        if (kind === 'func') {
          imp.typeIndex = s.u32();
          m.importedFunctions++;
        } else if (kind === 'table') {
          s.u8();
          s.limits();
        } else if (kind === 'memory') imp.limits = s.limits();
        else imp.global = {type: s.u8(), mutable: s.u8() === 1};
        m.imports.push(imp);
      }
      return;
    case 3:
      for (let n = s.u32(), i = 0; i < n; i++) m.functions.push(s.u32());
      return;
    case 4:
      for (let n = s.u32(), i = 0; i < n; i++) m.tables.push({elemType: s.u8(), limits: s.limits()});
      return;
    case 5:
      for (let n = s.u32(), i = 0; i < n; i++) m.memories.push(s.limits());
      return;
    case 6:
      for (let n = s.u32(), i = 0; i < n; i++) {
        const type = s.u8();
        const mutable = s.u8() === 1;
        m.globals.push({type, mutable, initOp: constExpr(s)});
      }
      return;
    case 7:
      for (let n = s.u32(), i = 0; i < n; i++) m.exports.push({name: s.name(), kind: kindOf(s), index: s.u32()});
      return;
    case 8:
      m.start = s.u32();
      return;
    case 9:
      for (let n = s.u32(), i = 0; i < n; i++) {
        const flags = s.u32();
        m.elementFlags.push(flags);
        if (flags !== 0) {
          // Post-MVP segment forms are reported by the rules; their layout is not decoded.
          s.pos = s.end;
          return;
        }
        constExpr(s);
        for (let k = s.u32(), j = 0; j < k; j++) s.u32();
      }
      return;
    case 10:
      for (let n = s.u32(), i = 0; i < n; i++) {
        const size = s.u32();
        const start = s.pos;
        s.skip(size);
        m.bodies.push(readBody(s.bytes, start, start + size, m.importedFunctions + i));
      }
      return;
    case 11:
      for (let n = s.u32(), i = 0; i < n; i++) {
        const flags = s.u32();
        m.dataFlags.push(flags);
        if (flags === 1) {
          s.skip(s.u32());
          continue;
        }
        if (flags === 2) s.u32();
        else if (flags !== 0) s.fail(`invalid data segment flags ${flags}`);
        constExpr(s);
        s.skip(s.u32());
      }
      return;
    case 12:
      m.dataCount = true;
      s.u32();
      return;
    default:
      // Unknown (post-MVP) section: recorded in sectionOrder, content skipped.
      s.pos = s.end;
  }
}

/** Decodes one function body; notable instructions are recorded, decoding stops at an unknown one. */
function readBody(bytes: Uint8Array, start: number, end: number, index: number): WasmFunctionBody {
  const r = new Reader(bytes, start, end);
  const body: WasmFunctionBody = {index, locals: [], notable: [], truncated: false, typedBlocks: 0, blockResults: []};
  let total = 0;
  for (let n = r.u32(), i = 0; i < n; i++) {
    const count = r.u32();
    const type = r.u8();
    total += count;
    if (total > 50_000) r.fail('too many locals');
    for (let k = 0; k < count; k++) body.locals.push(type);
  }
  let depth = 1;
  while (depth > 0) {
    const at = r.pos;
    const code = r.u8();
    const info = OPS.get(code);
    if (!info) {
      let name = POST_MVP.get(code) ?? `0x${code.toString(16).padStart(2, '0')}`;
      if (code === 0xfc) {
        const sub = r.u32();
        name = FC_OPS[sub] ?? `0xfc ${sub}`;
        body.notable.push({name, kind: sub < 8 ? 'float' : 'non-mvp', offset: at});
      } else body.notable.push({name, kind: 'non-mvp', offset: at});
      body.truncated = true;
      return body;
    }
    if (info.float) body.notable.push({name: info.name, kind: 'float', offset: at});
    if (info.signExt) body.notable.push({name: info.name, kind: 'sign-extension', offset: at});
    switch (info.imm) {
      case 'block': {
        depth++;
        const bt = r.bytes[r.pos];
        if (bt === 0x40) r.pos++;
        else if (bt !== undefined && VALTYPE_NAMES.has(bt)) {
          r.pos++;
          body.blockResults.push(bt);
        } else {
          r.skipSigned(33);
          body.typedBlocks++;
        }
        break;
      }
      case 'u32':
        r.u32();
        break;
      case 'br_table':
        for (let n = r.u32(), i = 0; i <= n; i++) r.u32();
        break;
      case 'call_indirect':
        r.u32();
        if (r.u8() !== 0x00) body.notable.push({name: 'call_indirect (table index)', kind: 'non-mvp', offset: at});
        break;
      case 'memarg':
        r.u32();
        r.u32();
        break;
      case 'zero':
        if (r.u8() !== 0x00) body.notable.push({name: `${info.name} (memory index)`, kind: 'non-mvp', offset: at});
        break;
      case 's32':
        r.skipSigned(32);
        break;
      case 's64':
        r.skipSigned(64);
        break;
      case 'f32':
        r.skip(4);
        break;
      case 'f64':
        r.skip(8);
        break;
      case 'none':
        if (code === 0x0b) depth--;
        break;
    }
  }
  if (r.pos !== end) r.fail(`function ${index}: ${end - r.pos} bytes after the final end`);
  return body;
}
