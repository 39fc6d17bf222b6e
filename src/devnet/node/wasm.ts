/**
 * The wasm ("compute") module of the node: stores uploaded code (`MsgStoreCode`), instantiates and executes
 * contracts with their encrypted inputs and outputs (§4–§6), records their events, answers encrypted and plaintext
 * queries. Every contract is stored wasm, run through the wasm host ({@link ContractRunner}); its submessages go back
 * through the router.
 */
import type {Coin} from '../../../contracts/common/types.js';
import {concatBytes, fromUtf8, sha256, toBase64, u64be, utf8} from '../../../contracts/common/encoding.js';
import {addressBytes, addressFromBytes, type IoKey} from '../crypto.js';
import type {ContractRecord, Store} from '../store.js';
import {OutOfGasError, VmError, type FrameSubMsg, type FrameWasmExecute} from '../vm/index.js';
import type {BankModule} from './bank.js';
import {MsgExecuteContractResponse, MsgInstantiateContractResponse, MsgStoreCodeResponse, TYPE_URL, type Any} from './codec.js';
import {ContractRunner, MsgInput, type RunnerContext} from './runner.js';
import {
  GAS,
  MAX_CALL_DEPTH,
  NESTED_PREFIX,
  QueryError,
  TxError,
  attr,
  contractErrorText,
  encryptAnswer,
  encryptError,
  validateCoins,
  type DecodedMsg,
  type EventAttribute,
  type ExecContext,
} from './types.js';

/** What the wasm module reads of the node besides the store. */
export interface WasmContext extends RunnerContext {
  readonly io: IoKey;
}

/** A submessage a contract returns. */
export type SubMsg = FrameSubMsg;
/** The `wasm_execute` submessage. */
export type WasmExecuteMsg = FrameWasmExecute;

/** Dispatches the submessages a contract returns (the router). */
export interface SubmessageDispatcher {
  dispatch(sender: ContractRecord, messages: readonly SubMsg[], ctx: ExecContext, depth: number): void;
}

/** The `message` event of a top-level compute message. */
function pushMessageEvent(ctx: ExecContext, action: string, sender: string, contract: string): void {
  ctx.events.push({
    type: 'message',
    attributes: [
      attr('action', action),
      attr('module', 'compute'),
      attr('sender', sender),
      attr('contract_address', contract),
      attr('msg_index', String(ctx.msgIndex)),
    ],
  });
}

/** The event attributes of contract attributes: encrypted with the message key unless plaintext. */
function eventAttributes(ctx: ExecContext, attributes: ReadonlyArray<{key: string; value: string; plaintext: boolean}>): EventAttribute[] {
  const cipher = ctx.cipher!;
  return attributes.map((a) => (a.plaintext ? attr(a.key, a.value) : attr(toBase64(cipher.seal(utf8(a.key))), toBase64(cipher.seal(utf8(a.value))))));
}

/** Contracts: code upload, execution, instantiation, queries. */
export class WasmModule {
  /** Runs the contracts. */
  readonly runner: ContractRunner;
  /** Set by the router that owns this module. */
  router!: SubmessageDispatcher;

  constructor(
    private readonly node: WasmContext,
    private readonly store: Store,
    private readonly bank: BankModule,
  ) {
    this.runner = new ContractRunner(node, store);
  }

  /** Top-level `MsgStoreCode`: the (validated, unzipped) wasm under the next code id. */
  storeCode(m: Extract<DecodedMsg, {kind: 'storeCode'}>, ctx: ExecContext): Any {
    ctx.gas.consume(GAS.storeCodePerByte * m.wasm.length);
    const codeId = this.store.nextCodeId();
    this.store.addWasmCode({codeId, codeHash: m.codeHash, creator: m.signer, source: m.source, builder: m.builder}, m.wasm);
    ctx.events.push({
      type: 'message',
      attributes: [
        attr('action', TYPE_URL.storeCode),
        attr('module', 'compute'),
        attr('sender', m.signer),
        attr('code_id', String(codeId)),
        attr('msg_index', String(ctx.msgIndex)),
      ],
    });
    return {type_url: TYPE_URL.storeCodeResponse, value: MsgStoreCodeResponse.encode({code_id: String(codeId)}).finish()};
  }

  /** Top-level `MsgExecuteContract`: funds, then the contract; returns its `msg_responses` entry. */
  execute(m: Extract<DecodedMsg, {kind: 'execute'}>, ctx: ExecContext): Any {
    ctx.cipher = m.input.cipher;
    pushMessageEvent(ctx, TYPE_URL.execute, m.signer, m.contract.address);
    if (m.funds.length) this.bank.transfer(m.signer, m.contract.address, m.funds, ctx, 0);
    ctx.gas.consume(GAS.inputPerByte * m.input.length);
    const input = MsgInput.fromBytes(utf8(m.input.text), {value: m.input.msg});
    const answer = this.invoke('execute', m.contract, {sender: m.signer, funds: m.funds}, input, ctx, 0);
    const value = MsgExecuteContractResponse.encode({data: encryptAnswer(m.input.cipher, answer)}).finish();
    return {type_url: TYPE_URL.executeResponse, value};
  }

  /** Top-level `MsgInstantiateContract`: new contract account, funds, then the contract's `instantiate`. */
  instantiate(m: Extract<DecodedMsg, {kind: 'instantiate'}>, ctx: ExecContext): Any {
    ctx.cipher = m.input.cipher;
    const address = this.contractAddress(m.codeId, m.signer, m.label);
    if (this.store.getContract(address) || this.store.getAccount(address)) {
      throw new TxError(6, 'compute', `contract account ${address} already exists: contract account already exists`);
    }
    const contract: ContractRecord = {
      address,
      codeId: m.codeId,
      codeHash: m.codeHash,
      label: m.label,
      admin: m.admin,
      creator: m.signer,
      name: '',
      createdHeight: ctx.height,
    };
    this.store.addContract(contract);
    this.store.ensureAccount(address);
    pushMessageEvent(ctx, TYPE_URL.instantiate, m.signer, address);
    if (m.funds.length) this.bank.transfer(m.signer, address, m.funds, ctx, 0);
    ctx.gas.consume(GAS.inputPerByte * m.input.length);
    const input = MsgInput.fromBytes(utf8(m.input.text), {value: m.input.msg});
    const answer = this.invoke('instantiate', contract, {sender: m.signer, funds: m.funds}, input, ctx, 0);
    const value = MsgInstantiateContractResponse.encode({address, data: encryptAnswer(m.input.cipher, answer)}).finish();
    return {type_url: TYPE_URL.instantiateResponse, value};
  }

  /** Deterministic contract address: first 20 bytes of SHA-256("secretai-devnet/contract" ‖ code id ‖ creator ‖ label). */
  contractAddress(codeId: number, creator: string, label: string): string {
    const preimage = concatBytes(utf8('secretai-devnet/contract'), u64be(codeId), addressBytes(creator), utf8(label));
    return addressFromBytes(sha256(preimage).subarray(0, 20));
  }

  /** A `wasm_execute` submessage of `sender` at nesting `depth`: target and code hash checked, funds moved, then the target runs. */
  executeNested(sender: ContractRecord, sub: WasmExecuteMsg, ctx: ExecContext, depth: number): void {
    const {contract_addr, code_hash, msg: subMsg, msgBytes, funds} = sub;
    const prefix = NESTED_PREFIX.repeat(depth);
    const target = this.store.getContract(contract_addr);
    if (!target) throw new TxError(9, 'compute', `${prefix}contract ${contract_addr} not found: not found`);
    if (String(code_hash).toLowerCase() !== target.codeHash) {
      throw new TxError(
        3,
        'compute',
        `${prefix}failed to validate transaction: code hash ${code_hash} does not match contract ${contract_addr}: execute contract failed`,
      );
    }
    let coins: Coin[];
    try {
      coins = validateCoins(funds ?? [], true);
    } catch (err) {
      throw new TxError(10, 'sdk', `${prefix}${(err as TxError).log}`);
    }
    if (coins.length) this.bank.transfer(sender.address, target.address, coins, ctx, depth);
    const input = msgBytes ? MsgInput.fromBytes(msgBytes) : MsgInput.fromValue(JSON.parse(JSON.stringify(subMsg ?? null)));
    ctx.gas.consume(GAS.inputPerByte * input.bytes.length);
    this.invoke('execute', target, {sender: sender.address, funds: coins}, input, ctx, depth);
  }

  /**
   * Runs a contract entry point, records its `execute`/`instantiate`, `wasm` and custom (`wasm-<type>`) events
   * (attributes encrypted with the top-level message key unless plaintext), then its submessages depth-first
   * through the router. Returns the contract's answer bytes. A contract error is encrypted for the caller; a VM
   * failure (trap) is a plain failed tx; running out of gas is code 11.
   */
  invoke(op: 'execute' | 'instantiate', contract: ContractRecord, info: {sender: string; funds: Coin[]}, input: MsgInput, ctx: ExecContext, depth: number): Uint8Array | undefined {
    if (depth > MAX_CALL_DEPTH) {
      throw new TxError(3, 'compute', `${NESTED_PREFIX.repeat(depth)}call depth exceeds ${MAX_CALL_DEPTH}: execute contract failed`);
    }
    const cipher = ctx.cipher!;
    ctx.gas.consume(GAS.contractCall);
    let result: ReturnType<ContractRunner['run']>;
    try {
      result = this.runner.run(op, contract, info, input, ctx);
    } catch (err) {
      if (err instanceof TxError) throw err;
      const code = op === 'instantiate' && depth === 0 ? 2 : 3;
      const prefix = NESTED_PREFIX.repeat(depth);
      if (err instanceof OutOfGasError) ctx.gas.check(`contract ${contract.address}`);
      if (err instanceof VmError) throw new TxError(code, 'compute', `${prefix}execution error: ${err.message}: ${op} contract failed`);
      throw new TxError(code, 'compute', `${prefix}encrypted: ${encryptError(cipher, contractErrorText(err))}: ${op} contract failed`);
    }
    ctx.gas.check(`contract ${contract.address}`);
    const idx = attr('msg_index', String(ctx.msgIndex));
    if (op === 'instantiate') {
      ctx.events.push({
        type: 'instantiate',
        attributes: [attr('contract_address', contract.address), attr('code_id', String(contract.codeId)), idx],
      });
    } else {
      ctx.events.push({type: 'execute', attributes: [attr('contract_address', contract.address), idx]});
    }
    ctx.events.push({type: 'wasm', attributes: [attr('contract_address', contract.address), ...eventAttributes(ctx, result.attributes), idx]});
    for (const e of result.events) {
      ctx.events.push({type: `wasm-${e.type}`, attributes: [attr('contract_address', contract.address), ...eventAttributes(ctx, e.attributes), idx]});
    }
    this.router.dispatch(contract, result.messages, ctx, depth);
    return result.data;
  }

  // --- queries -------------------------------------------------------------------------------------------------

  /**
   * E5: decrypts an encrypted query (nonce ‖ pubkey ‖ SIV), checks the code hash, runs the contract's query
   * read-only and returns base64 of the encrypted answer. Contract errors throw a {@link QueryError} whose message is
   * `encrypted: <b64>: query contract failed` (§6.1); a VM failure is a plain query error.
   */
  queryContract(address: string, encryptedQuery: Uint8Array): string {
    const contract = this.store.getContract(address);
    if (!contract) throw new QueryError(5, `contract ${address} not found: not found`);
    let opened: ReturnType<IoKey['openInput']>;
    try {
      opened = this.node.io.openInput(encryptedQuery);
    } catch (err) {
      throw new QueryError(2, `failed to decrypt data: ${(err as Error).message}: query contract failed`);
    }
    if (opened.codeHash.toLowerCase() !== contract.codeHash) {
      throw new QueryError(
        2,
        `failed to validate transaction: code hash ${opened.codeHash} does not match contract ${address} (code hash ${contract.codeHash}): query contract failed`,
      );
    }
    let msg: unknown;
    try {
      msg = JSON.parse(opened.json);
    } catch (err) {
      throw new QueryError(3, `query is not valid JSON: ${(err as Error).message}: query contract failed`);
    }
    let answer: Uint8Array;
    try {
      answer = this.runner.query(contract, MsgInput.fromBytes(utf8(opened.json), {value: msg}), 0);
    } catch (err) {
      if (err instanceof TxError) throw new QueryError(2, `${err.log}: query contract failed`);
      if (err instanceof VmError) throw new QueryError(2, `execution error: ${err.message}: query contract failed`);
      throw new QueryError(2, `encrypted: ${encryptError(opened.cipher, contractErrorText(err))}: query contract failed`);
    }
    return toBase64(encryptAnswer(opened.cipher, answer));
  }

  /**
   * Plaintext query for the devnet's own tools (faucet, tests): no encryption, same contract code path.
   * Throws the contract's error.
   */
  queryPlain(address: string, msg: unknown): unknown {
    const contract = this.store.getContract(address);
    if (!contract) throw new QueryError(5, `contract ${address} not found: not found`);
    return JSON.parse(fromUtf8(this.runner.query(contract, MsgInput.fromValue(JSON.parse(JSON.stringify(msg))), 0)));
  }
}
