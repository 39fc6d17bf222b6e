/**
 * The wasm binary format, as far as the host needs it: LEB128, the section list, unpacking (with the validator's
 * gunzip), the memory section (capped at the enclave's 192 pages before compiling) and the import section (counting
 * imported globals). Everything else is copied through untouched.
 */
import {MAX_CONTRACT_BYTES, unzipContract} from '../../lib/contracts/validate.js';
import {VmError} from './errors.js';

/** `\0asm` followed by version 1. */
const HEADER = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
/** Largest wasm a chain accepts after unzipping (Secret's 2 MiB upload limit). */
export const MAX_WASM_BYTES = MAX_CONTRACT_BYTES;
/** The enclave's memory cap: 192 pages of 64 KiB (12 MiB). */
export const MAX_MEMORY_PAGES = 192;

/** Section ids of the MVP binary format. */
export const SECTION = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
} as const;

/** Position of each section id in the order the format requires (custom sections excepted). */
const ORDER: Record<number, number> = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11, 11: 12};

/** One section: its id and its payload (without the id and size). */
export interface Section {
  id: number;
  payload: Uint8Array;
}

/** A forward reader over bytes; every read past `end` is a malformed-module error. */
export class Reader {
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

  byte(): number {
    if (this.pos >= this.end) throw new VmError('malformed wasm: unexpected end');
    return this.bytes[this.pos++]!;
  }

  /** Unsigned LEB128 (up to 32 bits). */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) break;
      shift += 7;
      if (shift > 28) throw new VmError('malformed wasm: LEB128 too long');
    }
    if (result > 0xffffffff) throw new VmError('malformed wasm: integer too large');
    return result;
  }

  /** Skips a signed or unsigned LEB128 of at most `maxBytes` bytes. */
  skipLeb(maxBytes: number): void {
    for (let i = 0; i < maxBytes; i++) if (!(this.byte() & 0x80)) return;
    throw new VmError('malformed wasm: LEB128 too long');
  }

  skip(n: number): void {
    if (this.pos + n > this.end) throw new VmError('malformed wasm: unexpected end');
    this.pos += n;
  }

  /** A length-prefixed name (UTF-8). */
  name(): string {
    const n = this.u32();
    const start = this.pos;
    this.skip(n);
    return Buffer.from(this.bytes.subarray(start, start + n)).toString('utf8');
  }
}

/** Unsigned LEB128 encoding of `n`. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** Signed LEB128 encoding of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Concatenates byte chunks. */
export function concat(parts: ArrayLike<number>[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The raw wasm of an upload: gunzipped when gzipped (as the chain does), at most {@link MAX_WASM_BYTES}. */
export function unpackWasm(bytes: Uint8Array): Uint8Array {
  let wasm: Uint8Array;
  try {
    wasm = unzipContract(bytes, MAX_WASM_BYTES).wasm;
  } catch (err) {
    throw new VmError(err instanceof RangeError ? `wasm is ${err.message}` : `cannot gunzip the uploaded code: ${(err as Error).message}`);
  }
  if (wasm.length > MAX_WASM_BYTES) throw new VmError(`wasm is ${wasm.length} bytes, more than ${MAX_WASM_BYTES}`);
  return wasm;
}

/** Splits a module into its sections (header checked). */
export function readSections(bytes: Uint8Array): Section[] {
  if (bytes.length < HEADER.length || HEADER.some((b, i) => bytes[i] !== b)) {
    throw new VmError('not a wasm module (bad magic or version)');
  }
  const r = new Reader(bytes, HEADER.length);
  const sections: Section[] = [];
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    r.skip(size);
    sections.push({id, payload: bytes.subarray(start, start + size)});
  }
  return sections;
}

/** Assembles a module from sections. */
export function writeModule(sections: readonly Section[]): Uint8Array {
  const parts: ArrayLike<number>[] = [HEADER];
  for (const s of sections) parts.push([s.id, ...uleb(s.payload.length)], s.payload);
  return concat(parts);
}

/** Inserts `section` at the place the format's order requires (before the first later non-custom section). */
export function insertSection(sections: Section[], section: Section): void {
  const rank = ORDER[section.id]!;
  const at = sections.findIndex((s) => s.id !== SECTION.custom && ORDER[s.id]! > rank);
  if (at < 0) sections.push(section);
  else sections.splice(at, 0, section);
}

/** Reads limits `{min, max?}` (flags 0/1; shared-memory flags are refused). */
function readLimits(r: Reader): {min: number; max?: number} {
  const flag = r.byte();
  if (flag !== 0 && flag !== 1) throw new VmError(`unsupported memory limits flag ${flag}`);
  const min = r.u32();
  return flag === 1 ? {min, max: r.u32()} : {min};
}

/**
 * Rewrites the memory section so that every memory has a maximum of at most `maxPages` (`memory.grow` fails
 * beyond it, as in the enclave). A minimum above the cap is an error: the enclave could not instantiate it.
 */
export function capMemory(sections: Section[], maxPages = MAX_MEMORY_PAGES): void {
  const index = sections.findIndex((s) => s.id === SECTION.memory);
  if (index < 0) return;
  const r = new Reader(sections[index]!.payload);
  const count = r.u32();
  const out: number[] = [...uleb(count)];
  for (let i = 0; i < count; i++) {
    const {min, max} = readLimits(r);
    if (min > maxPages) throw new VmError(`memory minimum of ${min} pages exceeds the limit of ${maxPages} pages`);
    out.push(0x01, ...uleb(min), ...uleb(Math.min(max ?? maxPages, maxPages)));
  }
  sections[index] = {id: SECTION.memory, payload: Uint8Array.from(out)};
}

/** One import: module, name and kind (0 function, 1 table, 2 memory, 3 global). */
export interface ImportEntry {
  module: string;
  name: string;
  kind: number;
}

/** The imports of a module, in order. */
export function readImports(sections: readonly Section[]): ImportEntry[] {
  const section = sections.find((s) => s.id === SECTION.import);
  if (!section) return [];
  const r = new Reader(section.payload);
  const count = r.u32();
  const out: ImportEntry[] = [];
  for (let i = 0; i < count; i++) {
    const module = r.name();
    const name = r.name();
    const kind = r.byte();
    switch (kind) {
      case 0:
        r.u32();
        break;
      case 1:
        r.byte();
        readLimits(r);
        break;
      case 2:
        readLimits(r);
        break;
      case 3:
        r.byte();
        r.byte();
        break;
      default:
        throw new VmError(`malformed wasm: import kind ${kind}`);
    }
    out.push({module, name, kind});
  }
  return out;
}

/** Number of entries of a vector section (0 when the section is absent). */
export function sectionCount(sections: readonly Section[], id: number): number {
  const section = sections.find((s) => s.id === id);
  return section ? new Reader(section.payload).u32() : 0;
}

/** Reads a constant `i32.const N end` offset expression; undefined for anything else. */
function constOffset(r: Reader): number | undefined {
  if (r.byte() !== 0x41) return undefined;
  let result = 0;
  let shift = 0;
  let b: number;
  do {
    b = r.byte();
    result |= (b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80 && shift < 35);
  if (shift < 32 && b & 0x40) result |= ~0 << shift;
  return r.byte() === 0x0b ? result >>> 0 : undefined;
}

/**
 * Merges the active data segments of memory 0 into one (compilers such as AssemblyScript emit one per string, and
 * an engine initialises each separately on every instantiation, which dominates the cost of a fresh instance).
 * Later segments overwrite earlier ones as at instantiation; gaps are zeros, as fresh memory is. Modules with
 * passive segments or non-constant offsets are left unchanged.
 */
export function mergeDataSegments(sections: Section[]): void {
  const index = sections.findIndex((s) => s.id === SECTION.data);
  if (index < 0) return;
  const r = new Reader(sections[index]!.payload);
  const count = r.u32();
  if (count < 2) return;
  const segments: Array<{offset: number; bytes: Uint8Array}> = [];
  for (let i = 0; i < count; i++) {
    if (r.u32() !== 0) return; // passive or explicit memory index: keep as is
    const offset = constOffset(r);
    if (offset === undefined) return;
    const length = r.u32();
    const start = r.pos;
    r.skip(length);
    segments.push({offset, bytes: r.bytes.subarray(start, start + length)});
  }
  const from = Math.min(...segments.map((s) => s.offset));
  const to = Math.max(...segments.map((s) => s.offset + s.bytes.length));
  const image = new Uint8Array(to - from);
  for (const s of segments) image.set(s.bytes, s.offset - from);
  sections[index] = {id: SECTION.data, payload: concat([[1, 0, 0x41, ...sleb(from | 0), 0x0b, ...uleb(image.length)], image])};
  const countIndex = sections.findIndex((s) => s.id === SECTION.dataCount);
  if (countIndex >= 0) sections[countIndex] = {id: SECTION.dataCount, payload: Uint8Array.of(1)};
}

