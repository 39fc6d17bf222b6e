/**
 * Compilation of contract code, once per code hash: gunzip, memory maximum rewritten to 192 pages, data segments
 * merged into one (a fresh instance initialises memory in one copy), instruction metering injected (`meter.ts`),
 * compiled to a `WebAssembly.Module` that every call instantiates afresh.
 */
import {sha256Hex} from '../../../contracts/common/encoding.js';
import {MAX_MEMORY_PAGES, capMemory, mergeDataSegments, readSections, unpackWasm, writeModule} from './binary.js';
import {VmError} from './errors.js';
import {GAS_GLOBAL, injectMetering} from './meter.js';
import {Wasm, type WasmModule} from './wasm-api.js';

/** A compiled contract code. */
export interface CompiledCode {
  /** The code hash it was compiled for (64 lower-case hex). */
  readonly codeHash: string;
  readonly module: WasmModule;
  /** Names of the module's own exports (the host's budget global excluded). */
  readonly exports: ReadonlySet<string>;
  /** True when the module exports `requires_random` (its env gets `block.random`). */
  readonly requiresRandom: boolean;
}

/** The code hash of contract code: SHA-256 of the (unzipped) wasm, 64 lower-case hex characters. */
export function codeHashOf(wasm: Uint8Array): string {
  return sha256Hex(wasm);
}

/** Exports every contract must have (CosmWasm v1 as Secret runs it). */
export const REQUIRED_EXPORTS = ['memory', 'allocate', 'deallocate', 'interface_version_8'] as const;

/**
 * Prepares and compiles contract code (raw or gzipped wasm). Throws {@link VmError} when it is not wasm, has a
 * memory minimum above 192 pages, uses an instruction the host cannot meter, or lacks a required export.
 */
export function compileCode(codeHash: string, bytes: Uint8Array): CompiledCode {
  const sections = readSections(unpackWasm(bytes));
  capMemory(sections, MAX_MEMORY_PAGES);
  mergeDataSegments(sections);
  injectMetering(sections);
  let module: WasmModule;
  try {
    module = new Wasm.Module(writeModule(sections));
  } catch (err) {
    throw new VmError(`invalid wasm: ${(err as Error).message}`);
  }
  const exports = new Set(Wasm.Module.exports(module).map((e) => e.name).filter((n) => n !== GAS_GLOBAL));
  const missing = REQUIRED_EXPORTS.filter((n) => !exports.has(n));
  if (missing.length) throw new VmError(`contract lacks the export${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return {codeHash, module, exports, requiresRandom: exports.has('requires_random')};
}

/** Compiled codes by code hash; a code is compiled on first use. */
export class CodeCache {
  private readonly compiled = new Map<string, CompiledCode>();

  /** The compiled code of `codeHash`; `load` gives its bytes the first time. */
  get(codeHash: string, load: () => Uint8Array): CompiledCode {
    let code = this.compiled.get(codeHash);
    if (!code) {
      code = compileCode(codeHash, load());
      this.compiled.set(codeHash, code);
    }
    return code;
  }

  /** Number of compiled codes (diagnostics and tests). */
  get size(): number {
    return this.compiled.size;
  }
}
