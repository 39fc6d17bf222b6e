/** The compiled AssemblyScript test modules of the runtime library, compiled once (and cached by content). */
import {compileAssemblyScript} from './asc.js';
import {Wasm, type WasmModule} from './wasm-api.js';

const modules = new Map<string, Promise<{bytes: Uint8Array; module: WasmModule}>>();

/** `test/contracts/lib/assembly/<name>.ts`, compiled with the contracts build flags. */
export function libTestModule(name: string): Promise<{bytes: Uint8Array; module: WasmModule}> {
  let m = modules.get(name);
  if (!m) {
    m = compileAssemblyScript(`test/contracts/lib/assembly/${name}.ts`).then((bytes) => ({bytes, module: new Wasm.Module(bytes)}));
    modules.set(name, m);
  }
  return m;
}
