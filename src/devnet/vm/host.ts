/**
 * The wasm host: runs one entry point of a contract as Secret's enclave does — a fresh instance per call of a
 * module compiled once per code hash, inputs written through `allocate`, the result read from the Region the entry
 * point returns, every cost charged to the caller's gas meter. It knows nothing of the devnet's store: storage,
 * chain queries and the log come in through a {@link CallContext}.
 */
import {utf8} from '../../../contracts/common/encoding.js';
import type {Coin} from '../../../contracts/common/types.js';
import {WASM_GAS} from '../gas.js';
import {CallState, type CallContext} from './call.js';
import {OutOfGasError, VmError} from './errors.js';
import {buildImports} from './imports.js';
import {CodeCache, type CompiledCode} from './module.js';
import {parseQueryResult, parseResponse, type Outcome, type VmResponse} from './result.js';
import {Wasm, type WasmInstance} from './wasm-api.js';

/** Largest result a contract may return, bytes. */
const MAX_RESULT_BYTES = 16 * 1024 * 1024;

/** The `env` argument of every entry point. */
export interface VmEnv {
  block: {
    height: number;
    /** Block time, Unix seconds (rendered as nanoseconds, as CosmWasm's `Timestamp`). */
    time: number;
    chain_id: string;
    /** 32 bytes given to contracts that export `requires_random`. */
    random?: Uint8Array;
  };
  /** The tx being executed (null in queries). */
  transaction: {index: number; hash: string} | null;
  contract: {address: string; code_hash: string};
}

/** The `info` argument of `instantiate`/`execute`. */
export interface VmInfo {
  sender: string;
  funds: Coin[];
}

/** The entry points the host calls. */
export type EntryPoint = 'instantiate' | 'execute' | 'migrate' | 'query';

/** The env JSON a contract sees (CosmWasm v1 as Secret serialises it). */
export function envJson(env: VmEnv, code: CompiledCode): Uint8Array {
  const block: Record<string, unknown> = {
    height: env.block.height,
    time: (BigInt(env.block.time) * 1_000_000_000n).toString(),
    chain_id: env.block.chain_id,
  };
  if (code.requiresRandom && env.block.random) block.random = Buffer.from(env.block.random).toString('base64');
  return utf8(JSON.stringify({block, transaction: env.transaction, contract: env.contract}));
}

/** Maps what an entry point threw onto the host's errors: traps and ABI breaks become {@link VmError}. */
function asVmError(err: unknown, call: CallState): unknown {
  if (err instanceof OutOfGasError) return err;
  if (err instanceof VmError || err instanceof Wasm.RuntimeError || err instanceof RangeError || err instanceof TypeError) {
    try {
      call.sync(); // a trap from the metering code means the budget ran out
    } catch (gasErr) {
      if (gasErr instanceof OutOfGasError) return gasErr;
    }
    if (err instanceof VmError) return err;
    if (err instanceof RangeError) return new VmError(`wasm trap: ${err.message}`);
    return new VmError(`wasm trap: ${(err as Error).message}`);
  }
  return err;
}

/** Where a host's time goes (diagnostics and benchmarks; never used for gas or results). */
export interface VmStats {
  /** Entry-point calls. */
  calls: number;
  /** Wall time creating instances, ms. */
  instantiateMs: number;
  /** Wall time inside calls (contract code and imports), ms. */
  runMs: number;
  /** Wasm instructions metered. */
  instructions: number;
}

/** Runs contract code. One instance per devnet (or test); it caches compiled modules by code hash. */
export class WasmVm {
  readonly codes = new CodeCache();
  readonly stats: VmStats = {calls: 0, instantiateMs: 0, runMs: 0, instructions: 0};

  /** The compiled code of `codeHash`, compiling `load()` the first time. */
  load(codeHash: string, load: () => Uint8Array): CompiledCode {
    return this.codes.get(codeHash, load);
  }

  /**
   * Calls the export `entry` on a fresh instance with each argument written as a Region, and returns the bytes of
   * the Region it returns. Throws {@link VmError} (or {@link OutOfGasError}) when the call traps or breaks the ABI.
   * The entry points go through {@link run} and {@link query}; any other export (test modules) can be called here.
   */
  call(code: CompiledCode, entry: string, args: Uint8Array[], ctx: CallContext): Uint8Array {
    const call = new CallState(ctx);
    call.charge(WASM_GAS.instance);
    const started = performance.now();
    let instance: WasmInstance;
    try {
      instance = new Wasm.Instance(code.module, {env: buildImports(call)});
    } catch (err) {
      throw new VmError(`cannot instantiate the contract: ${(err as Error).message}`);
    }
    const instantiated = performance.now();
    this.stats.calls++;
    this.stats.instantiateMs += instantiated - started;
    const fn = instance.exports[entry];
    if (typeof fn !== 'function') throw new VmError(`contract does not export ${entry}`);
    try {
      call.attach(instance.exports);
      const ptrs = args.map((a) => call.regions.write(a));
      const resultPtr = (fn as (...a: number[]) => number)(...ptrs);
      const out = call.regions.read(resultPtr, MAX_RESULT_BYTES);
      call.sync();
      return out;
    } catch (err) {
      throw asVmError(err, call);
    } finally {
      this.stats.runMs += performance.now() - instantiated;
      this.stats.instructions += call.instructionCount;
    }
  }

  /** `instantiate`/`execute`/`migrate`: the contract's Response, or its error text. */
  run(code: CompiledCode, entry: Exclude<EntryPoint, 'query'>, env: VmEnv, info: VmInfo | null, msg: Uint8Array, ctx: CallContext): Outcome<VmResponse> {
    const args = [envJson(env, code)];
    if (entry !== 'migrate') args.push(utf8(JSON.stringify(info ?? {sender: '', funds: []})));
    args.push(msg);
    return parseResponse(this.call(code, entry, args, ctx));
  }

  /** `query`: the answer bytes, or the error text. Storage is read-only whatever `ctx.readonly` says. */
  query(code: CompiledCode, env: VmEnv, msg: Uint8Array, ctx: CallContext): Outcome<Uint8Array> {
    return parseQueryResult(this.call(code, 'query', [envJson(env, code), msg], {...ctx, readonly: true}));
  }
}
