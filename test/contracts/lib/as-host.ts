/**
 * A minimal Node host for the runtime-library test modules: instantiates a module compiled by `asc.ts` with an
 * inline `env` import object — `secp256k1_verify` (on `@noble/curves`), `addr_humanize` / `addr_validate`
 * (bech32 `secret`, 20 bytes), `db_read` / `db_write` / `db_remove` over an in-memory map, and asc's `abort` —
 * and passes strings and bytes through the module's `io.ts` buffers. Regions are CosmWasm's
 * `{offset, capacity, length}` (u32, little-endian).
 */
import {secp256k1} from '@noble/curves/secp256k1.js';
import {addressFromBytes, isSecretAddress} from '../../../src/devnet/crypto.js';
import {compileTestModule} from './asc.js';

/** cosmwasm `secp256k1_verify` results. */
const VERIFY_OK = 0;
const VERIFY_INVALID = 1;
const INVALID_HASH_FORMAT = 3;
const INVALID_SIGNATURE_FORMAT = 4;
const INVALID_PUBKEY_FORMAT = 5;

/** The part of the `WebAssembly` global used here (`@types/node` 22 does not declare it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => {exports: object};
}
const wasm = (globalThis as unknown as {WebAssembly: WasmApi}).WebAssembly;

/** What a `run…` export produced. */
export interface RunResult {
  /** The export's return value (1, or 0 where the tested function answered null / false). */
  status: number;
  /** The output buffer as bytes. */
  bytes: Uint8Array;
  /** The output buffer as a string of UTF-16 code units (what `setOutputText` wrote). */
  text: string;
}

interface TestExports {
  memory: {buffer: ArrayBuffer};
  inputBuffer(length: number): number;
  outputPointer(): number;
  outputLength(): number;
  allocate?(size: number): number;
  [name: string]: unknown;
}

/** A compiled test module with its host state; every call runs in a fresh instance. */
export class TestModule {
  /** Storage of the module (`db_*`), keyed by the UTF-8 key text. */
  readonly storage = new Map<string, Uint8Array>();
  /** Number of `secp256k1_verify` calls. */
  verifyCalls = 0;
  private exports!: TestExports;

  private constructor(private readonly module: object) {}

  static async load(name: string): Promise<TestModule> {
    return new TestModule(await wasm.compile(await compileTestModule(name)));
  }

  /**
   * Calls export `fn` with `input` (a string, sent as UTF-16 code units, or bytes) in a fresh instance, as the
   * chain runs every call; only {@link storage} carries over.
   */
  run(fn: string, input: string | Uint8Array = ''): RunResult {
    const instance = new wasm.Instance(this.module, {env: this.env()});
    this.exports = instance.exports as unknown as TestExports;
    const bytes = typeof input === 'string' ? utf16Bytes(input) : input;
    const at = this.exports.inputBuffer(bytes.length);
    this.view().set(bytes, at);
    const status = (this.exports[fn] as () => number | undefined)();
    const out = this.view().slice(this.exports.outputPointer(), this.exports.outputPointer() + this.exports.outputLength());
    return {status: status ?? 1, bytes: out, text: utf16Text(out)};
  }

  private view(): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer);
  }

  private readRegion(pointer: number): Uint8Array {
    const dv = new DataView(this.exports.memory.buffer);
    const offset = dv.getUint32(pointer, true);
    const length = dv.getUint32(pointer + 8, true);
    return this.view().slice(offset, offset + length);
  }

  /** Writes `data` into the Region at `pointer`; throws when it does not fit its capacity. */
  private fillRegion(pointer: number, data: Uint8Array): void {
    const dv = new DataView(this.exports.memory.buffer);
    if (data.length > dv.getUint32(pointer + 4, true)) throw new Error('region too small');
    this.view().set(data, dv.getUint32(pointer, true));
    dv.setUint32(pointer + 8, data.length, true);
  }

  /** A new Region (through the module's `allocate`) holding `data`. */
  private newRegion(data: Uint8Array): number {
    if (!this.exports.allocate) throw new Error('test module exports no allocate');
    const pointer = this.exports.allocate(data.length);
    this.fillRegion(pointer, data);
    return pointer;
  }

  private env(): Record<string, unknown> {
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    const bytes = (s: string) => new TextEncoder().encode(s);
    return {
      secp256k1_verify: (hashPtr: number, sigPtr: number, keyPtr: number): number => {
        this.verifyCalls++;
        const hash = this.readRegion(hashPtr);
        const sig = this.readRegion(sigPtr);
        const key = this.readRegion(keyPtr);
        if (hash.length !== 32) return INVALID_HASH_FORMAT;
        if (sig.length !== 64) return INVALID_SIGNATURE_FORMAT;
        if (key.length !== 33 && key.length !== 65) return INVALID_PUBKEY_FORMAT;
        try {
          return secp256k1.verify(sig, hash, key, {prehash: false, lowS: false, format: 'compact'}) ? VERIFY_OK : VERIFY_INVALID;
        } catch {
          return INVALID_PUBKEY_FORMAT;
        }
      },
      addr_humanize: (sourcePtr: number, destinationPtr: number): number => {
        const canonical = this.readRegion(sourcePtr);
        if (canonical.length !== 20) return this.newRegion(bytes('Invalid canonical address length'));
        this.fillRegion(destinationPtr, bytes(addressFromBytes(canonical)));
        return 0;
      },
      addr_validate: (sourcePtr: number): number =>
        isSecretAddress(text(this.readRegion(sourcePtr))) ? 0 : this.newRegion(bytes('Invalid address')),
      db_read: (keyPtr: number): number => {
        const value = this.storage.get(text(this.readRegion(keyPtr)));
        return value === undefined ? 0 : this.newRegion(value);
      },
      db_write: (keyPtr: number, valuePtr: number): void => {
        this.storage.set(text(this.readRegion(keyPtr)), this.readRegion(valuePtr));
      },
      db_remove: (keyPtr: number): void => {
        this.storage.delete(text(this.readRegion(keyPtr)));
      },
      abort: (messagePtr: number, filePtr: number, line: number, column: number): never => {
        throw new Error(`abort: ${this.asString(messagePtr)} at ${this.asString(filePtr)}:${line}:${column}`);
      },
    };
  }

  /** An AssemblyScript string object (UTF-16, byte length at −4). */
  private asString(pointer: number): string {
    if (pointer === 0) return '';
    const length = new DataView(this.exports.memory.buffer).getUint32(pointer - 4, true);
    return utf16Text(this.view().slice(pointer, pointer + length));
  }
}

function utf16Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < s.length; i++) dv.setUint16(i * 2, s.charCodeAt(i), true);
  return out;
}

/** Code units as they are (no replacement of lone surrogates, unlike TextDecoder). */
function utf16Text(b: Uint8Array): string {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(dv.getUint16(i, true));
  return s;
}
