/**
 * The wasm ("compute") module of the node: instantiates and executes contracts of the registry with their
 * encrypted inputs and outputs (§4–§6), records their events, answers encrypted and plaintext queries, and gives
 * contracts their host functions (`Api`) and cross-contract `Querier`. Submessages go back through the router.
 */
import {ContractError, type Api, type Coin, type Contract, type Env, type MessageInfo, type Querier, type Response as ContractResponse} from '../../../contracts/common/types.js';
import {concatBytes, sha256, toBase64, u64be, utf8} from '../../../contracts/common/encoding.js';
import {
  addressBytes,
  addressFromBytes,
  isSecretAddress,
  pubkeyToAddress,
  verifySecp256k1Prehashed,
  verifySecp256k1Sha256,
  type IoKey,
} from '../crypto.js';
import type {ContractRecord, Store} from '../store.js';
import type {BankModule} from './bank.js';
import {MsgExecuteContractResponse, MsgInstantiateContractResponse, TYPE_URL, type Any} from './codec.js';
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
  type ContractRegistry,
  type DecodedMsg,
  type EventAttribute,
  type ExecContext,
} from './types.js';

/** What the wasm module reads of the node besides the store. */
export interface WasmContext {
  readonly chainId: string;
  readonly io: IoKey;
  /** Height of the last block. */
  readonly height: number;
  /** Current block time, Unix seconds. */
  currentTime(): number;
}

/** A submessage a contract returns. */
export type SubMsg = NonNullable<ContractResponse['messages']>[number];
/** The `wasm_execute` submessage. */
export type WasmExecuteMsg = Extract<SubMsg, {wasm_execute: unknown}>['wasm_execute'];

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

/** Contracts: execution, instantiation, queries. */
export class WasmModule {
  /** Host functions given to contracts. */
  readonly api: Api;
  /** Set by the router that owns this module. */
  router!: SubmessageDispatcher;

  constructor(
    private readonly node: WasmContext,
    private readonly store: Store,
    private readonly registry: ContractRegistry,
    private readonly bank: BankModule,
  ) {
    this.api = {
      addrValidate: (addr) => isSecretAddress(addr),
      sha256: (data) => sha256(data),
      secp256k1Verify: (hash, sig, pubkey) => verifySecp256k1Prehashed(hash, sig, pubkey),
      secp256k1VerifySha256: (message, sig, pubkey) => verifySecp256k1Sha256(message, sig, pubkey, {dangerousAllowHighS: true}),
      pubkeyToAddress: (pubkey) => pubkeyToAddress(pubkey),
    };
  }

  /** The implementation of a code name; `TxError` code 9 when the registry has none. */
  implementationOf(name: string): Contract {
    const impl = this.registry.contracts[name];
    if (!impl) throw new TxError(9, 'compute', `no devnet implementation for contract code ${JSON.stringify(name)}: not found`);
    return impl;
  }

  private env(height: number, time: number, contract: ContractRecord): Env {
    return {
      block: {height, time, chain_id: this.node.chainId},
      contract: {address: contract.address, code_hash: contract.codeHash},
    };
  }

  /** Top-level `MsgExecuteContract`: funds, then the contract; returns its `msg_responses` entry. */
  execute(m: Extract<DecodedMsg, {kind: 'execute'}>, ctx: ExecContext): Any {
    ctx.cipher = m.input.cipher;
    pushMessageEvent(ctx, TYPE_URL.execute, m.signer, m.contract.address);
    if (m.funds.length) this.bank.transfer(m.signer, m.contract.address, m.funds, ctx, 0);
    ctx.gas.consume(GAS.inputPerByte * m.input.length);
    const answer = this.invoke('execute', m.contract, {sender: m.signer, funds: m.funds}, m.input.msg, ctx, 0);
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
      name: m.implName,
      createdHeight: ctx.height,
    };
    this.store.addContract(contract);
    this.store.ensureAccount(address);
    pushMessageEvent(ctx, TYPE_URL.instantiate, m.signer, address);
    if (m.funds.length) this.bank.transfer(m.signer, address, m.funds, ctx, 0);
    ctx.gas.consume(GAS.inputPerByte * m.input.length);
    const answer = this.invoke('instantiate', contract, {sender: m.signer, funds: m.funds}, m.input.msg, ctx, 0);
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
    const {contract_addr, code_hash, msg: subMsg, funds} = sub;
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
    const plain = JSON.parse(JSON.stringify(subMsg ?? null));
    ctx.gas.consume(GAS.inputPerByte * JSON.stringify(plain).length);
    this.invoke('execute', target, {sender: sender.address, funds: coins}, plain, ctx, depth);
  }

  /**
   * Runs a contract entry point, records its `execute`/`instantiate` and `wasm` events (attributes encrypted with
   * the top-level message key unless plaintext), then its submessages depth-first through the router. Returns the
   * contract's `data`.
   */
  invoke(
    op: 'execute' | 'instantiate',
    contract: ContractRecord,
    info: MessageInfo,
    msg: unknown,
    ctx: ExecContext,
    depth: number,
  ): unknown {
    if (depth > MAX_CALL_DEPTH) {
      throw new TxError(3, 'compute', `${NESTED_PREFIX.repeat(depth)}call depth exceeds ${MAX_CALL_DEPTH}: execute contract failed`);
    }
    const impl = this.implementationOf(contract.name);
    const cipher = ctx.cipher!;
    ctx.gas.consume(GAS.contractCall);
    const deps = {
      storage: this.store.contractStorage(contract.address, ctx.gas),
      api: this.api,
      querier: this.querier(0),
    };
    const env = this.env(ctx.height, ctx.time, contract);
    let response: ContractResponse;
    try {
      response = op === 'execute' ? impl.execute(deps, env, info, msg) : impl.instantiate(deps, env, info, msg);
    } catch (err) {
      if (err instanceof TxError) throw err;
      const code = op === 'instantiate' && depth === 0 ? 2 : 3;
      throw new TxError(
        code,
        'compute',
        `${NESTED_PREFIX.repeat(depth)}encrypted: ${encryptError(cipher, contractErrorText(err))}: ${op} contract failed`,
      );
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
    const wasm: EventAttribute[] = [attr('contract_address', contract.address)];
    for (const a of response?.attributes ?? []) {
      const key = String(a.key);
      const value = String(a.value);
      if (a.plaintext) {
        wasm.push(attr(key, value));
      } else {
        wasm.push(attr(toBase64(cipher.seal(utf8(key))), toBase64(cipher.seal(utf8(value)))));
      }
    }
    wasm.push(idx);
    ctx.events.push({type: 'wasm', attributes: wasm});

    this.router.dispatch(contract, response?.messages ?? [], ctx, depth);
    return response?.data;
  }

  // --- queries -------------------------------------------------------------------------------------------------

  /**
   * E5: decrypts an encrypted query (nonce ‖ pubkey ‖ SIV), checks the code hash, runs the contract's query
   * read-only and returns base64 of the encrypted answer. Contract errors throw a {@link QueryError} whose message is
   * `encrypted: <b64>: query contract failed` (§6.1).
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
    let answer: unknown;
    try {
      answer = this.runQuery(contract, msg, 0);
    } catch (err) {
      if (err instanceof TxError) throw new QueryError(2, `${err.log}: query contract failed`);
      throw new QueryError(2, `encrypted: ${encryptError(opened.cipher, contractErrorText(err))}: query contract failed`);
    }
    return toBase64(encryptAnswer(opened.cipher, answer ?? null));
  }

  /** Runs a contract query (plaintext) against current state; for queries and cross-contract reads. */
  private runQuery(contract: ContractRecord, msg: unknown, depth: number): unknown {
    if (depth > MAX_CALL_DEPTH) throw new ContractError(`query depth exceeds ${MAX_CALL_DEPTH}`);
    const impl = this.implementationOf(contract.name);
    const deps = {
      storage: this.store.readonlyContractStorage(contract.address),
      api: this.api,
      querier: this.querier(depth),
    };
    const answer = impl.query(deps, this.env(this.node.height, this.node.currentTime(), contract), msg);
    return answer === undefined ? null : answer;
  }

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
          return JSON.parse(JSON.stringify(this.runQuery(target, JSON.parse(JSON.stringify(msg)), depth + 1))) as T;
        } catch (err) {
          if (err instanceof ContractError && err.message.startsWith('Querier system error')) throw err;
          throw new ContractError(`Querier contract error: ${contractErrorText(err)}`);
        }
      },
    };
  }

  /**
   * Plaintext query for the devnet's own tools (faucet, tests): no encryption, same contract code path.
   * Throws the contract's error.
   */
  queryPlain(address: string, msg: unknown): unknown {
    const contract = this.store.getContract(address);
    if (!contract) throw new QueryError(5, `contract ${address} not found: not found`);
    return JSON.parse(JSON.stringify(this.runQuery(contract, JSON.parse(JSON.stringify(msg)), 0)));
  }
}
