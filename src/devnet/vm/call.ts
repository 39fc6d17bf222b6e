/**
 * One entry-point call: what the host gives a contract (storage, the chain through callbacks, a gas meter) and the
 * gas bookkeeping between the meter and the instance's instruction budget. Every cost is charged to one meter, so
 * the instance's budget is refilled from what the meter has left at each import call.
 */
import {WASM_GAS} from '../gas.js';
import {OutOfGasError, VmError} from './errors.js';
import {Regions, type RegionExports} from './memory.js';
import {GAS_GLOBAL} from './meter.js';
import {Wasm, type WasmExports, type WasmGlobal, type WasmMemory} from './wasm-api.js';

/** A contract's key-value storage, bytes to bytes. */
export interface ByteStorage {
  get(key: Uint8Array): Uint8Array | undefined;
  set(key: Uint8Array, value: Uint8Array): void;
  remove(key: Uint8Array): void;
}

/** The gas meter a call charges (the devnet's `GasMeter` fits). */
export interface VmGasMeter {
  readonly used: number;
  readonly limit: number;
  consume(amount: number): void;
}

/** The answer to a `query_chain` request. */
export type QueryChainAnswer =
  /** The queried contract's answer bytes (`{"Ok":{"Ok":"<b64>"}}`). */
  | {ok: Uint8Array}
  /** The queried contract's error text (`{"Ok":{"Err":"…"}}`). */
  | {error: string}
  /** A system error, e.g. `{no_such_contract: {addr}}` (`{"Err":{…}}`). */
  | {systemError: Record<string, unknown>};

/** What the chain gives a contract besides storage: queries, the debug log, quote verification. */
export interface HostEnvironment {
  /** Answers a `query_chain` request (its JSON, parsed). May throw a {@link VmError} (e.g. out of gas). */
  queryChain(request: unknown): QueryChainAnswer;
  /** Receives `debug` messages. */
  debug?(message: string): void;
  /**
   * `dcap_quote_verify`: `error` 0 and the verification `result` (0 = OK) on success. Without it the import answers
   * {@link DCAP_UNAVAILABLE}.
   */
  dcapQuoteVerify?(quote: Uint8Array, collateral: Uint8Array): {error: number; result: number};
}

/** Error code of `dcap_quote_verify` when the host has no quote verifier. */
export const DCAP_UNAVAILABLE = 1;

/** Everything one call runs against. */
export interface CallContext {
  storage: ByteStorage;
  /** Queries: `db_write`/`db_remove` trap. */
  readonly: boolean;
  host: HostEnvironment;
  gas: VmGasMeter;
}

/** Largest budget the i32 global can hold. */
const MAX_BUDGET = 0x7fffffff;

/** The state of one call: the instance's Regions, its budget global, and the gas charged so far. */
export class CallState {
  private regionsOf?: Regions;
  private budget?: WasmGlobal;
  private budgetSet = 0;
  private instructions = 0;
  private instructionGas = 0;
  private bytesCharged = 0;

  constructor(readonly ctx: CallContext) {}

  /** Binds the call to its instance and gives it its first budget. */
  attach(exports: WasmExports): void {
    const memory = exports.memory;
    const allocate = exports.allocate;
    if (!(memory instanceof Wasm.Memory)) throw new VmError('contract does not export its memory');
    if (typeof allocate !== 'function') throw new VmError('contract does not export allocate');
    this.regionsOf = new Regions({memory: memory as WasmMemory, allocate: allocate as RegionExports['allocate']});
    const budget = exports[GAS_GLOBAL];
    if (!(budget instanceof Wasm.Global)) throw new VmError('metering global missing');
    this.budget = budget as WasmGlobal;
    this.refill();
  }

  get regions(): Regions {
    if (!this.regionsOf) throw new VmError('contract called an import before the host attached');
    return this.regionsOf;
  }

  /** Charges `amount` gas; {@link OutOfGasError} past the limit. */
  charge(amount: number): void {
    const {gas} = this.ctx;
    gas.consume(amount);
    if (gas.used > gas.limit) throw new OutOfGasError(gas.used, gas.limit);
  }

  /**
   * Moves the instructions executed since the last refill and the bytes copied since the last sync into the
   * meter; {@link OutOfGasError} when the budget ran out. Then refills the budget from what is left.
   */
  sync(): void {
    if (this.budget) {
      const left = this.budget.value as number;
      this.instructions += this.budgetSet - left;
      const gas = Math.floor(this.instructions / WASM_GAS.instructionsPerGas);
      this.ctx.gas.consume(gas - this.instructionGas);
      this.instructionGas = gas;
      this.budgetSet = left;
      if (left < 0) {
        const {gas: meter} = this.ctx;
        if (meter.used <= meter.limit) meter.consume(meter.limit - meter.used + 1);
        throw new OutOfGasError(meter.used, meter.limit);
      }
    }
    if (this.regionsOf) {
      const moved = this.regionsOf.bytesMoved;
      this.charge((moved - this.bytesCharged) * WASM_GAS.regionPerByte);
      this.bytesCharged = moved;
    }
    const {gas} = this.ctx;
    if (gas.used > gas.limit) throw new OutOfGasError(gas.used, gas.limit);
    this.refill();
  }

  /** Sets the budget to the instructions the meter can still pay for. */
  private refill(): void {
    if (!this.budget) return;
    const {gas} = this.ctx;
    const remaining = Math.max(0, gas.limit - gas.used);
    const budget = Math.min(MAX_BUDGET, remaining * WASM_GAS.instructionsPerGas);
    this.budget.value = budget;
    this.budgetSet = budget;
  }

  /** Start of an import call: sync, then the import's flat cost. */
  enter(cost: number): void {
    this.sync();
    this.charge(WASM_GAS.importCall + cost);
  }

  /** Instructions executed so far (diagnostics and tests). */
  get instructionCount(): number {
    return this.instructions;
  }
}
