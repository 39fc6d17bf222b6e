/**
 * The part of the global `WebAssembly` API the host uses, typed locally (the project's Node typings do not declare
 * it, and a global declaration would collide with other modules').
 */

/** A compiled module. */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** A linear memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** A global (the host reads and refills the metering budget). */
export interface WasmGlobal {
  value: number | bigint;
}

/** What an instance exports. */
export type WasmExports = Record<string, unknown>;

/** An instance. */
export interface WasmInstance {
  readonly exports: WasmExports;
}

interface WebAssemblyApi {
  Module: {
    new (bytes: Uint8Array): WasmModule;
    exports(module: WasmModule): Array<{name: string; kind: string}>;
    imports(module: WasmModule): Array<{module: string; name: string; kind: string}>;
  };
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: abstract new (...args: never[]) => WasmMemory;
  Global: abstract new (...args: never[]) => WasmGlobal;
  RuntimeError: abstract new (...args: never[]) => Error;
  validate(bytes: Uint8Array): boolean;
}

/** The engine's `WebAssembly` namespace. */
export const Wasm = (globalThis as unknown as {WebAssembly: WebAssemblyApi}).WebAssembly;
