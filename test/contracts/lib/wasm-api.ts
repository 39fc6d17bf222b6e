/**
 * The slice of the `WebAssembly` global these tests use. The project's TypeScript libs (es2023 + node types)
 * do not declare it, so it is typed here locally rather than through a global declaration.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
/** An opaque compiled module. */
export interface WasmModule {
  readonly __wasmModule?: never;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

export const Wasm = (globalThis as unknown as {WebAssembly: WasmApi}).WebAssembly;
