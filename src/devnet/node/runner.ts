/**
 * Runs one contract entry point of stored wasm (by code id, through the wasm host of `src/devnet/vm`): gives the
 * wasm module attributes, custom events, submessages and the answer bytes; reports a contract error by throwing
 * `ContractError`/`ContractFailure` and a VM failure by throwing `VmError`.
 */
import {ContractError, type MessageInfo} from '../../../contracts/common/types.js';
import {concatBytes, fromUtf8, sha256, u64be, utf8} from '../../../contracts/common/encoding.js';
import type {ContractRecord, Store} from '../store.js';
import {ContractFailure, OutOfGasError, VmError, WasmVm, toFrameMessage, type FrameSubMsg, type HostEnvironment, type QueryChainAnswer, type VmEnv, type VmGasMeter} from '../vm/index.js';
import {GasMeter, MAX_CALL_DEPTH, WASM_GAS, contractErrorText} from './types.js';

/** A contract message: its exact bytes and, on demand, its JSON value. */
export class MsgInput {
  private constructor(
    private bytesOf: Uint8Array | undefined,
    private valueOf: {value: unknown} | undefined,
  ) {}

  /** A message given as a JSON value (a devnet tool's query). */
  static fromValue(value: unknown): MsgInput {
    return new MsgInput(undefined, {value});
  }

  /** A message given as bytes (a client's input, a wasm contract's submessage or query). */
  static fromBytes(bytes: Uint8Array, value?: {value: unknown}): MsgInput {
    return new MsgInput(bytes, value);
  }

  get bytes(): Uint8Array {
    this.bytesOf ??= utf8(JSON.stringify(this.valueOf!.value) ?? 'null');
    return this.bytesOf;
  }

  /** The JSON value (a fresh copy each time); a contract error when the bytes are not JSON. */
  get value(): unknown {
    if (!this.valueOf) {
      try {
        this.valueOf = {value: JSON.parse(fromUtf8(this.bytesOf!))};
      } catch (err) {
        throw new ContractError(`Error parsing message: ${(err as Error).message}`);
      }
    }
    return JSON.parse(JSON.stringify(this.valueOf.value ?? null));
  }
}

/** What one `instantiate`/`execute` produced. */
export interface RunResult {
  attributes: Array<{key: string; value: string; plaintext: boolean}>;
  /** Custom events (`wasm-<type>` on chain). */
  events: Array<{type: string; attributes: Array<{key: string; value: string; plaintext: boolean}>}>;
  messages: FrameSubMsg[];
  /** The answer bytes, or undefined. */
  data: Uint8Array | undefined;
}

/** Where a call runs: block, tx and the gas meter. */
export interface RunContext {
  height: number;
  time: number;
  gas: GasMeter;
  /** Lower-case hex hash of the tx (wasm `env.transaction.hash`). */
  txHash?: string;
}

/** What the runner reads of the node. */
export interface RunnerContext {
  readonly chainId: string;
  readonly height: number;
  currentTime(): number;
  /** Bank balances (for `query_chain` bank requests). */
  balances(address: string): Array<{denom: string; amount: string}>;
  /** Receives wasm contracts' `debug` messages. */
  debugLog?(contract: string, message: string): void;
}

/** Runs stored contract code through the wasm host. */
export class ContractRunner {
  readonly vm = new WasmVm();

  constructor(
    private readonly node: RunnerContext,
    private readonly store: Store,
  ) {}

  private compiled(contract: ContractRecord) {
    return this.vm.load(contract.codeHash, () => {
      const wasm = this.store.getCodeWasm(contract.codeId);
      if (!wasm) throw new VmError(`code ${contract.codeId} has no stored wasm`);
      return wasm;
    });
  }

  private vmEnv(contract: ContractRecord, height: number, time: number, txHash?: string): VmEnv {
    const random = txHash ? sha256(concatBytes(utf8('secretai-devnet/random'), utf8(this.node.chainId), u64be(height), utf8(txHash))) : undefined;
    return {
      block: {height, time, chain_id: this.node.chainId, random},
      transaction: txHash ? {index: 0, hash: txHash} : null,
      contract: {address: contract.address, code_hash: contract.codeHash},
    };
  }

  /** Runs `instantiate`/`execute`. */
  run(op: 'instantiate' | 'execute', contract: ContractRecord, info: MessageInfo, input: MsgInput, ctx: RunContext): RunResult {
    const env = this.vmEnv(contract, ctx.height, ctx.time, ctx.txHash);
    const host = this.host(contract, 0, ctx.gas);
    const storage = this.store.contractByteStorage(contract.address);
    const outcome = this.vm.run(this.compiled(contract), op, env, info, input.bytes, {storage, readonly: false, host, gas: ctx.gas});
    if (!outcome.ok) throw new ContractFailure(outcome.error);
    const r = outcome.value;
    const attr = (a: {key: string; value: string; encrypted: boolean}) => ({key: a.key, value: a.value, plaintext: !a.encrypted});
    return {
      attributes: r.attributes.map(attr),
      events: r.events.map((e) => ({type: e.type, attributes: e.attributes.map(attr)})),
      messages: r.messages.map(toFrameMessage),
      data: r.data ?? undefined,
    };
  }

  /**
   * Runs a query against current state; returns the answer's JSON bytes. `gas` is the meter of the calling
   * contract (a wasm `query_chain`); top-level queries get their own meter of {@link WASM_GAS.queryLimit}.
   */
  query(contract: ContractRecord, input: MsgInput, depth: number, gas: VmGasMeter = new GasMeter(WASM_GAS.queryLimit)): Uint8Array {
    if (depth > MAX_CALL_DEPTH) throw new ContractError(`query depth exceeds ${MAX_CALL_DEPTH}`);
    const storage = this.store.contractByteStorage(contract.address);
    const ctx = {storage, readonly: true, host: this.host(contract, depth, gas), gas};
    const outcome = this.vm.query(this.compiled(contract), this.vmEnv(contract, this.node.height, this.node.currentTime()), input.bytes, ctx);
    if (!outcome.ok) throw new ContractFailure(outcome.error);
    return outcome.value;
  }

  /** What a contract at query depth `depth` gets from the chain: `query_chain`, `debug`. */
  private host(contract: ContractRecord, depth: number, gas: VmGasMeter): HostEnvironment {
    return {
      queryChain: (request) => this.queryChain(request, depth, gas),
      debug: this.node.debugLog ? (message) => this.node.debugLog!(contract.address, message) : undefined,
    };
  }

  /** `query_chain`: wasm smart queries through the same query path, bank balances from the store. */
  private queryChain(request: unknown, depth: number, gas: VmGasMeter): QueryChainAnswer {
    const req = request as {wasm?: {smart?: {contract_addr?: unknown; code_hash?: unknown; msg?: unknown}}; bank?: Record<string, {address?: unknown; denom?: unknown}>};
    const smart = req?.wasm?.smart;
    if (smart) {
      const addr = String(smart.contract_addr);
      const target = this.store.getContract(addr);
      if (!target) return {systemError: {no_such_contract: {addr}}};
      if (String(smart.code_hash).toLowerCase() !== target.codeHash) {
        return {systemError: {invalid_request: {error: `code hash mismatch for contract ${addr}`, request: Buffer.from(JSON.stringify(request)).toString('base64')}}};
      }
      let msg: Uint8Array;
      try {
        msg = Buffer.from(String(smart.msg), 'base64');
      } catch {
        return {systemError: {invalid_request: {error: 'msg is not base64', request: Buffer.from(JSON.stringify(request)).toString('base64')}}};
      }
      try {
        return {ok: this.query(target, MsgInput.fromBytes(new Uint8Array(msg)), depth + 1, gas)};
      } catch (err) {
        if (err instanceof OutOfGasError) throw err;
        if (err instanceof VmError) return {error: `wasm trap: ${err.message}`};
        if (err instanceof Error && !(err instanceof ContractError) && !(err instanceof ContractFailure)) throw err;
        return {error: contractErrorText(err)};
      }
    }
    const balance = req?.bank?.balance;
    if (balance) {
      const denom = String(balance.denom);
      const amount = this.node.balances(String(balance.address)).find((c) => c.denom === denom)?.amount ?? '0';
      return {ok: utf8(JSON.stringify({amount: {denom, amount}}))};
    }
    const all = req?.bank?.all_balances;
    if (all) return {ok: utf8(JSON.stringify({amount: this.node.balances(String(all.address))}))};
    const kind = request && typeof request === 'object' ? Object.keys(request)[0] ?? 'unknown' : 'unknown';
    return {systemError: {unsupported_request: {kind}}};
  }
}
