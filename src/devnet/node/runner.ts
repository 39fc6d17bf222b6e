/**
 * Runs one contract entry point, whatever the contract is: a TypeScript implementation of the registry (by name)
 * or stored wasm (by code id, through the wasm host of `src/devnet/vm`). Both give the wasm module the same result:
 * attributes, custom events, submessages and the answer bytes; both report a contract error by throwing
 * `ContractError`/`ContractFailure` and a VM failure by throwing `VmError`.
 */
import {ContractError, type Api, type Contract, type Env, type MessageInfo, type Querier} from '../../../contracts/common/types.js';
import {concatBytes, fromUtf8, sha256, u64be, utf8} from '../../../contracts/common/encoding.js';
import {isWasmCode, type ContractRecord, type Store} from '../store.js';
import {ContractFailure, OutOfGasError, VmError, WasmVm, toFrameMessage, type FrameSubMsg, type HostEnvironment, type QueryChainAnswer, type VmEnv, type VmGasMeter} from '../vm/index.js';
import {GasMeter, MAX_CALL_DEPTH, WASM_GAS, answerBytes, contractErrorText, type ContractRegistry} from './types.js';

/** A contract message: its exact bytes and, on demand, its JSON value. */
export class MsgInput {
  private constructor(
    private bytesOf: Uint8Array | undefined,
    private valueOf: {value: unknown} | undefined,
  ) {}

  /** A message given as a JSON value (a TypeScript contract's submessage or query). */
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
  /** Custom events (`wasm-<type>` on chain); TypeScript contracts have none. */
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

/** Runs contracts of both kinds. */
export class ContractRunner {
  readonly vm = new WasmVm();

  constructor(
    private readonly node: RunnerContext,
    private readonly store: Store,
    private readonly registry: ContractRegistry,
    private readonly api: Api,
  ) {}

  /** The implementation of a code name; throws when the registry has none (callers check first). */
  private implementation(name: string): Contract {
    const impl = this.registry.contracts[name];
    if (!impl) throw new VmError(`no devnet implementation for contract code ${JSON.stringify(name)}`);
    return impl;
  }

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

  private frameEnv(contract: ContractRecord, height: number, time: number): Env {
    return {block: {height, time, chain_id: this.node.chainId}, contract: {address: contract.address, code_hash: contract.codeHash}};
  }

  /** Runs `instantiate`/`execute`. */
  run(op: 'instantiate' | 'execute', contract: ContractRecord, info: MessageInfo, input: MsgInput, ctx: RunContext): RunResult {
    if (isWasmCode(contract)) {
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
    const impl = this.implementation(contract.name);
    const deps = {storage: this.store.contractStorage(contract.address, ctx.gas), api: this.api, querier: this.querier(0)};
    const env = this.frameEnv(contract, ctx.height, ctx.time);
    const response = op === 'execute' ? impl.execute(deps, env, info, input.value) : impl.instantiate(deps, env, info, input.value);
    return {
      attributes: (response?.attributes ?? []).map((a) => ({key: String(a.key), value: String(a.value), plaintext: !!a.plaintext})),
      events: [],
      messages: response?.messages ?? [],
      data: answerBytes(response?.data),
    };
  }

  /**
   * Runs a query against current state; returns the answer's JSON bytes. `gas` is the meter of the calling
   * contract (a wasm `query_chain`); top-level queries get their own meter of {@link WASM_GAS.queryLimit}.
   */
  query(contract: ContractRecord, input: MsgInput, depth: number, gas: VmGasMeter = new GasMeter(WASM_GAS.queryLimit)): Uint8Array {
    if (depth > MAX_CALL_DEPTH) throw new ContractError(`query depth exceeds ${MAX_CALL_DEPTH}`);
    const height = this.node.height;
    const time = this.node.currentTime();
    if (isWasmCode(contract)) {
      const storage = this.store.contractByteStorage(contract.address);
      const ctx = {storage, readonly: true, host: this.host(contract, depth, gas), gas};
      const outcome = this.vm.query(this.compiled(contract), this.vmEnv(contract, height, time), input.bytes, ctx);
      if (!outcome.ok) throw new ContractFailure(outcome.error);
      return outcome.value;
    }
    const impl = this.implementation(contract.name);
    const deps = {storage: this.store.readonlyContractStorage(contract.address), api: this.api, querier: this.querier(depth)};
    const answer = impl.query(deps, this.frameEnv(contract, height, time), input.value);
    return answerBytes(answer === undefined ? null : answer)!;
  }

  /** The cross-contract querier of a TypeScript contract at query depth `depth`. */
  private querier(depth: number): Querier {
    return {
      queryContract: <T = unknown>(contractAddr: string, codeHash: string, msg: unknown): T => {
        const target = this.store.getContract(contractAddr);
        if (!target) throw new ContractError(`Querier system error: contract ${contractAddr} not found`);
        if (String(codeHash).toLowerCase() !== target.codeHash) {
          throw new ContractError(`Querier system error: code hash mismatch for contract ${contractAddr}`);
        }
        try {
          // JSON round trips on both sides: the contracts share no objects, as across a real chain boundary.
          return JSON.parse(fromUtf8(this.query(target, MsgInput.fromValue(JSON.parse(JSON.stringify(msg))), depth + 1))) as T;
        } catch (err) {
          if (err instanceof ContractError && err.message.startsWith('Querier system error')) throw err;
          if (err instanceof OutOfGasError) throw err;
          throw new ContractError(`Querier contract error: ${contractErrorText(err)}`);
        }
      },
    };
  }

  /** What a wasm contract at query depth `depth` gets from the chain: `query_chain`, `debug`. */
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
