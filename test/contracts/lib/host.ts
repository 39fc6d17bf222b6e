import {Wasm, type WasmMemory, type WasmModule} from './wasm-api.js';

/**
 * A minimal host for the runtime library's tests: the `env` imports over an in-memory byte storage, Regions in
 * and out, a fresh instance per call (as the real host does). The devnet's host (`src/devnet/vm`) is tested on
 * its own; this one only has to be simple and obviously right.
 */

/** What the imports touch; tests inspect and prepare it. */
export interface TestHostState {
  /** Storage with keys and values as UTF-8 strings. */
  storage: Map<string, string>;
  /** Messages the module sent to `debug`. */
  logs: string[];
  /** When true, `db_write` / `db_remove` trap (as in a query). */
  readOnly: boolean;
  /** Answers `query_chain` requests (JSON text in, JSON text out). */
  queryChain?: (request: string) => string;
}

export function newHostState(): TestHostState {
  return {storage: new Map(), logs: [], readOnly: false};
}

interface LibExports {
  memory: WasmMemory;
  allocate(size: number): number;
  [name: string]: unknown;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', {fatal: true});

export class TestInstance {
  readonly exports: LibExports;

  constructor(module: WasmModule, readonly state: TestHostState) {
    // The imports close over `self` because the memory only exists once the instance does.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const read = (ptr: number): Uint8Array => self.readRegion(ptr);
    const write = (bytes: Uint8Array): number => self.writeRegion(bytes);
    const unavailable = (name: string) => () => {
      throw new Error(`${name} is not available in the library test host`);
    };
    const env: Record<string, unknown> = {
      db_read: (key: number) => {
        const value = state.storage.get(fromUtf8.decode(read(key)));
        return value === undefined ? 0 : write(utf8.encode(value));
      },
      db_write: (key: number, value: number) => {
        if (state.readOnly) throw new Error('db_write in a query');
        state.storage.set(fromUtf8.decode(read(key)), fromUtf8.decode(read(value)));
      },
      db_remove: (key: number) => {
        if (state.readOnly) throw new Error('db_remove in a query');
        state.storage.delete(fromUtf8.decode(read(key)));
      },
      debug: (msg: number) => {
        state.logs.push(fromUtf8.decode(read(msg)));
      },
      query_chain: (request: number) => {
        if (!state.queryChain) throw new Error('query_chain: no querier in this test');
        return write(utf8.encode(state.queryChain(fromUtf8.decode(read(request)))));
      },
    };
    for (const name of [
      'addr_validate', 'addr_canonicalize', 'addr_humanize', 'secp256k1_verify', 'secp256k1_recover_pubkey',
      'ed25519_verify', 'ed25519_batch_verify', 'secp256k1_sign', 'ed25519_sign', 'check_gas', 'gas_evaporate',
      'dcap_quote_verify',
    ]) {
      env[name] = unavailable(name);
    }
    this.exports = new Wasm.Instance(module, {env}).exports as unknown as LibExports;
  }

  private view(): DataView {
    return new DataView(this.exports.memory.buffer);
  }

  readRegion(ptr: number): Uint8Array {
    const v = this.view();
    const offset = v.getUint32(ptr, true);
    const length = v.getUint32(ptr + 8, true);
    return new Uint8Array(this.exports.memory.buffer.slice(offset, offset + length));
  }

  writeRegion(bytes: Uint8Array): number {
    const region = this.exports.allocate(bytes.length);
    const v = this.view();
    const offset = v.getUint32(region, true);
    const capacity = v.getUint32(region + 4, true);
    if (capacity < bytes.length) throw new Error('allocate returned a Region that is too small');
    new Uint8Array(this.exports.memory.buffer, offset, bytes.length).set(bytes);
    v.setUint32(region + 8, bytes.length, true);
    return region;
  }

  /** Calls export `name` with each argument written as a Region (strings as UTF-8); returns the result Region's UTF-8 text. */
  call(name: string, ...args: Array<string | Uint8Array>): string {
    const fn = this.exports[name] as (...ptrs: number[]) => number;
    const ptrs = args.map((a) => this.writeRegion(typeof a === 'string' ? utf8.encode(a) : a));
    return fromUtf8.decode(this.readRegion(fn(...ptrs)));
  }

  /** Like `call`, returning the raw bytes. */
  callBytes(name: string, ...args: Array<string | Uint8Array>): Uint8Array {
    const fn = this.exports[name] as (...ptrs: number[]) => number;
    const ptrs = args.map((a) => this.writeRegion(typeof a === 'string' ? utf8.encode(a) : a));
    return this.readRegion(fn(...ptrs));
  }
}

/** Runs one export in a fresh instance (one call = one instance, as on chain). */
export function callOnce(module: WasmModule, state: TestHostState, name: string, ...args: Array<string | Uint8Array>): string {
  return new TestInstance(module, state).call(name, ...args);
}
