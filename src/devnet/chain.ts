/**
 * The devnet state machine: what a Secret Network node does for the transactions and queries secretjs sends
 * (`secret-lcd-devnet.md` §4–§9), over the contract frame of `contracts/common/types.ts`.
 *
 * One tx = one block. {@link Chain.broadcast} runs the ante checks ("CheckTx", §7 steps 1–7, plus validation of every
 * message so that a malformed tx changes nothing), then fee, sequence and message execution ("DeliverTx") inside ONE
 * SQLite transaction that is committed before it returns. A failed message rolls back every message of the tx (a
 * SAVEPOINT); the fee and the sequence increment stay, as on the real chain.
 */
import {TxRaw, TxBody, AuthInfo, SignDoc} from 'secretjs/dist/protobuf/cosmos/tx/v1beta1/tx.js';
import {PubKey} from 'secretjs/dist/protobuf/cosmos/crypto/secp256k1/keys.js';
import {
  MsgExecuteContract,
  MsgExecuteContractResponse,
  MsgInstantiateContract,
  MsgInstantiateContractResponse,
} from 'secretjs/dist/protobuf/secret/compute/v1beta1/msg.js';
import {MsgSend} from 'secretjs/dist/protobuf/cosmos/bank/v1beta1/tx.js';
import {TxMsgData} from 'secretjs/dist/protobuf/cosmos/base/abci/v1beta1/abci.js';
import type {Any} from 'secretjs/dist/protobuf/google/protobuf/any.js';
import {
  ContractError,
  type Api,
  type Coin,
  type Contract,
  type Env,
  type MessageInfo,
  type Querier,
  type Response as ContractResponse,
} from '../../contracts/common/types.js';
import {
  AesSiv,
  IoKey,
  addressBytes,
  addressFromBytes,
  isSecretAddress,
  pubkeyToAddress,
  sha256,
  toBase64,
  toHex,
  verifySecp256k1Prehashed,
  verifySecp256k1Sha256,
  CODE_HASH_HEX_LENGTH,
  SECP256K1_PUBKEY_LENGTH,
} from './crypto.js';
import {META, Store, type AccountRecord, type ContractRecord, type StorageObserver} from './store.js';

// ---------------------------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------------------------

/** Chain id of the devnet. */
export const DEVNET_CHAIN_ID = 'secretdev-1';
/** Native staking/fee denom. */
export const NATIVE_DENOM = 'uscrt';

/** Type URLs of the messages the devnet executes. */
export const TYPE_URL = {
  tx: '/cosmos.tx.v1beta1.Tx',
  execute: '/secret.compute.v1beta1.MsgExecuteContract',
  executeResponse: '/secret.compute.v1beta1.MsgExecuteContractResponse',
  instantiate: '/secret.compute.v1beta1.MsgInstantiateContract',
  instantiateResponse: '/secret.compute.v1beta1.MsgInstantiateContractResponse',
  storeCode: '/secret.compute.v1beta1.MsgStoreCode',
  send: '/cosmos.bank.v1beta1.MsgSend',
  sendResponse: '/cosmos.bank.v1beta1.MsgSendResponse',
  secp256k1PubKey: '/cosmos.crypto.secp256k1.PubKey',
  baseAccount: '/cosmos.auth.v1beta1.BaseAccount',
} as const;

/** `SignMode.SIGN_MODE_DIRECT`. */
const SIGN_MODE_DIRECT = 1;
const SIGN_MODE_NAMES: Record<number, string> = {
  0: 'SIGN_MODE_UNSPECIFIED',
  1: 'SIGN_MODE_DIRECT',
  2: 'SIGN_MODE_TEXTUAL',
  3: 'SIGN_MODE_DIRECT_AUX',
  127: 'SIGN_MODE_LEGACY_AMINO_JSON',
  191: 'SIGN_MODE_EIP_191',
};

/**
 * Deterministic gas model (the devnet does not meter real execution). Figures follow Cosmos SDK KV-store costs so
 * that a tx whose `gas_limit` is far too low for mainnet (e.g. secretjs's default 25 000 for a contract call) also
 * fails here, with code 11.
 */
export const GAS = {
  /** Signature verification of the one signer (SDK `SigVerifyCostSecp256k1`). */
  signature: 1_000,
  /** Per byte of the broadcast tx (SDK `TxSizeCostPerByte`). */
  txPerByte: 10,
  /** A bank transfer (top-level `MsgSend`, contract `bank_send`, funds sent with a contract call). */
  bankSend: 5_000,
  /** One contract invocation (execute, instantiate, nested call). */
  contractCall: 30_000,
  /** Per byte of a contract's JSON input. */
  inputPerByte: 3,
  storageReadFlat: 1_000,
  storageReadPerByte: 3,
  storageWriteFlat: 2_000,
  storageWritePerByte: 30,
  storageRemoveFlat: 1_000,
} as const;

/** Longest memo the SDK accepts (`MaxMemoCharacters`). */
export const MAX_MEMO_CHARACTERS = 256;
/** Deepest chain of nested contract calls (submessages) or cross-contract queries. */
export const MAX_CALL_DEPTH = 10;
/** Module account receiving fees: first 20 bytes of SHA-256("fee_collector") (Cosmos module address rule). */
export const FEE_COLLECTOR_ADDRESS = addressFromBytes(sha256(new TextEncoder().encode('fee_collector')).subarray(0, 20));

const DENOM_RE = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
const AMOUNT_RE = /^[0-9]{1,78}$/;
const CODE_HASH_RE = /^[0-9a-f]{64}$/;
const NESTED_PREFIX = 'dispatch: submessages: ';

// ---------------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------------

/** Contract implementations the devnet can run, by name, with their stable code hashes. */
export interface ContractRegistry {
  /** Implementations by name (`snip20`, `worker-manager`, …). */
  readonly contracts: Readonly<Record<string, Contract>>;
  /** Stable code hash of an implementation: 64 lower-case hex characters. */
  codeHashOf(name: string): string;
}

/** An event attribute as the LCD renders it. */
export interface EventAttribute {
  key: string;
  value: string;
  index: boolean;
}

/** An ABCI event as the LCD renders it. */
export interface TxEvent {
  type: string;
  attributes: EventAttribute[];
}

/** `tx_response` of E6/E7 (SDK 0.50 shape; `tx` and `timestamp` filled for committed txs). */
export interface TxResponseJson {
  height: string;
  txhash: string;
  codespace: string;
  code: number;
  data: string;
  raw_log: string;
  logs: never[];
  info: string;
  gas_wanted: string;
  gas_used: string;
  tx: unknown;
  timestamp: string;
  events: TxEvent[];
}

/** Result of {@link Chain.broadcast}. */
export interface BroadcastResult {
  /** Upper-case hex SHA-256 of the tx bytes. */
  txhash: string;
  /** The CheckTx answer E6 returns (code 0, or the rejection). */
  checkTx: TxResponseJson;
  /** The committed result (E7), when the tx passed CheckTx. */
  deliverTx?: TxResponseJson;
}

/** Result of {@link Chain.simulate}. */
export interface SimulateResult {
  gasUsed: number;
  gasWanted: number;
  events: TxEvent[];
  msgResponses: Any[];
}

/** A chain-level error with an ABCI code, codespace and log text (§6.2). */
export class TxError extends Error {
  /**
   * @param code ABCI code (e.g. 4 unauthorized, 5 insufficient funds, 32 wrong sequence; compute 2/3 contract failed)
   * @param codespace `sdk` or `compute`
   * @param log the text after `message index: i: ` (message-scoped errors) or the whole raw_log
   * @param messageScoped whether the raw_log gets the `failed to execute message; message index: i: ` prefix
   */
  constructor(
    readonly code: number,
    readonly codespace: string,
    readonly log: string,
    readonly messageScoped = true,
  ) {
    super(log);
    this.name = 'TxError';
  }
}

/** A query failure, rendered by the server as a gRPC-gateway error body. */
export class QueryError extends Error {
  /**
   * @param grpcCode gRPC status code (2 Unknown, 3 InvalidArgument, 5 NotFound)
   * @param message text of the error body; contract errors are `encrypted: <b64>: query contract failed`
   */
  constructor(
    readonly grpcCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------------------

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', {fatal: true});

function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

function attr(key: string, value: string): EventAttribute {
  return {key, value, index: true};
}

function coinsToString(coins: readonly Coin[]): string {
  return coins.map((c) => `${c.amount}${c.denom}`).join(',');
}

/** RFC 3339 UTC time of Unix seconds, without fractional seconds. */
export function rfc3339(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Validates coins (denom syntax, positive integer amounts, no duplicate denoms). */
function validateCoins(coins: readonly Coin[], allowEmpty: boolean): Coin[] {
  if (!Array.isArray(coins)) throw new TxError(10, 'sdk', 'coins must be a list: invalid coins');
  if (!allowEmpty && coins.length === 0) throw new TxError(10, 'sdk', 'no coins given: invalid coins');
  const seen = new Set<string>();
  const out: Coin[] = [];
  for (const c of coins) {
    const denom = c?.denom;
    const amount = c?.amount;
    if (typeof denom !== 'string' || !DENOM_RE.test(denom) || typeof amount !== 'string' || !AMOUNT_RE.test(amount)) {
      throw new TxError(10, 'sdk', `${JSON.stringify(c)}: invalid coins`);
    }
    if (BigInt(amount) === 0n) throw new TxError(10, 'sdk', `${amount}${denom}: zero amount: invalid coins`);
    if (seen.has(denom)) throw new TxError(10, 'sdk', `duplicate denomination ${denom}: invalid coins`);
    seen.add(denom);
    out.push({denom, amount: BigInt(amount).toString()});
  }
  return out;
}

/** The text a contract error renders as (CosmWasm v1 `StdError::GenericErr`). */
function contractErrorText(err: unknown): string {
  if (err instanceof ContractError) return `Generic error: ${err.message}`;
  if (err instanceof Error) return `Generic error: ${err.message}`;
  return `Generic error: ${String(err)}`;
}

/**
 * Encrypts an error for the caller as the enclave does (§6.1): JSON-serialise the string, drop the surrounding
 * quotes, AES-SIV with the message key, base64.
 */
function encryptError(cipher: AesSiv, text: string): string {
  const plain = JSON.stringify(text).slice(1, -1);
  return toBase64(cipher.seal(utf8(plain)));
}

/** Encrypts a contract answer: the ASCII text of base64(JSON bytes), AES-SIV with the message key (§5). */
function encryptAnswer(cipher: AesSiv, answer: unknown): Uint8Array {
  if (answer === undefined) return new Uint8Array(0);
  const json = JSON.stringify(answer);
  if (json === undefined) return new Uint8Array(0);
  return cipher.seal(utf8(Buffer.from(json, 'utf8').toString('base64')));
}

/** Gas meter with a limit; `check` throws code 11 (out of gas) past the limit. */
class GasMeter implements StorageObserver {
  used = 0;
  constructor(readonly limit: number) {}

  consume(amount: number): void {
    this.used += amount;
  }

  check(location: string): void {
    if (this.used > this.limit) {
      throw new TxError(
        11,
        'sdk',
        `out of gas in location: ${location}; gasWanted: ${this.limit}, gasUsed: ${this.used}: out of gas`,
        false,
      );
    }
  }

  onRead(bytes: number): void {
    this.used += GAS.storageReadFlat + GAS.storageReadPerByte * bytes;
  }

  onWrite(bytes: number): void {
    this.used += GAS.storageWriteFlat + GAS.storageWritePerByte * bytes;
  }

  onRemove(): void {
    this.used += GAS.storageRemoveFlat;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Decoded messages (validated at CheckTx, executed at DeliverTx)
// ---------------------------------------------------------------------------------------------------------------

interface OpenedInput {
  cipher: AesSiv;
  msg: unknown;
  /** Length of the JSON text, for gas. */
  length: number;
}

type DecodedMsg =
  | {
      kind: 'execute';
      signer: string;
      contract: ContractRecord;
      funds: Coin[];
      input: OpenedInput;
      json: Record<string, unknown>;
    }
  | {
      kind: 'instantiate';
      signer: string;
      codeId: number;
      codeHash: string;
      implName: string;
      label: string;
      admin: string;
      funds: Coin[];
      input: OpenedInput;
      json: Record<string, unknown>;
    }
  | {kind: 'send'; signer: string; to: string; amount: Coin[]; json: Record<string, unknown>};

/** A message decoded from its `Any` (once, at CheckTx), with its signer. */
type RawMsg =
  | {type: 'execute'; signer: string; m: ReturnType<typeof MsgExecuteContract.decode>}
  | {type: 'instantiate'; signer: string; m: ReturnType<typeof MsgInstantiateContract.decode>}
  | {type: 'send'; signer: string; m: ReturnType<typeof MsgSend.decode>};

interface DecodedTx {
  hash: string;
  bodyBytes: Uint8Array;
  authInfoBytes: Uint8Array;
  signature: Uint8Array;
  pubkey: Uint8Array;
  signer: string;
  sequence: number;
  signMode: number;
  fee: Coin[];
  gasLimit: number;
  memo: string;
  timeoutHeight: string;
  messages: RawMsg[];
  /** JSON of `tx` as E7 renders it (messages filled after message validation). */
  txJson: Record<string, unknown>;
}

/** Per-tx execution context. */
interface ExecContext {
  height: number;
  time: number;
  gas: GasMeter;
  /** Cipher of the top-level message being executed (outputs of nested calls use it too). */
  cipher: AesSiv | null;
  msgIndex: number;
  events: TxEvent[];
}

// ---------------------------------------------------------------------------------------------------------------
// The chain
// ---------------------------------------------------------------------------------------------------------------

/** Options of {@link Chain}. */
export interface ChainOptions {
  /** Wall clock in milliseconds (default `Date.now`); block time = clock + persisted offset. */
  now?: () => number;
  /**
   * How long a group commit waits for more txs before committing, ms (default {@link DEFAULT_COMMIT_WINDOW_MS});
   * 0 commits at the end of the current event-loop turn. Longer windows mean fewer fsyncs under load and a little
   * more latency per tx.
   */
  commitWindowMs?: number;
}

/**
 * Default group-commit window, ms: long enough to gather the txs of concurrent clients into one fsync (measured
 * with `bench/devnet.ts`: ~3.5 txs per commit instead of ~1.7 at 0 ms), short against a client's poll interval.
 */
export const DEFAULT_COMMIT_WINDOW_MS = 2;

/** The devnet state machine over a {@link Store}. Synchronous; one instance per database. */
export class Chain {
  readonly store: Store;
  readonly chainId: string;
  readonly io: IoKey;
  readonly registry: ContractRegistry;
  private readonly now: () => number;
  private readonly commitWindowMs: number;
  /** Host functions given to contracts. */
  readonly api: Api;

  constructor(store: Store, registry: ContractRegistry, options: ChainOptions = {}) {
    this.store = store;
    this.registry = registry;
    this.now = options.now ?? Date.now;
    this.commitWindowMs = options.commitWindowMs ?? DEFAULT_COMMIT_WINDOW_MS;
    const chainId = store.getMeta(META.chainId);
    const ioHex = store.getMeta(META.ioPrivateKey);
    if (!chainId || !ioHex) throw new Error('devnet database is not initialised (missing chain id or IO key)');
    this.chainId = chainId;
    this.io = new IoKey(new Uint8Array(Buffer.from(ioHex, 'hex')));
    this.api = {
      addrValidate: (addr) => isSecretAddress(addr),
      sha256: (data) => sha256(data),
      secp256k1Verify: (hash, sig, pubkey) => verifySecp256k1Prehashed(hash, sig, pubkey),
      secp256k1VerifySha256: (message, sig, pubkey) => verifySecp256k1Sha256(message, sig, pubkey, {dangerousAllowHighS: true}),
      pubkeyToAddress: (pubkey) => pubkeyToAddress(pubkey),
    };
  }

  /**
   * Initialises an empty database: chain id, a fresh IO key, height 1, genesis accounts and balances, codes of the
   * registry (code ids from 1 in the order given). Runs in one transaction.
   */
  static initialise(
    store: Store,
    registry: ContractRegistry,
    genesis: {chainId: string; balances: Array<{address: string; coins: Coin[]}>; codeNames: string[]; creator: string},
    now: () => number = Date.now,
  ): void {
    store.transaction(() => {
      if (store.getMeta(META.chainId)) throw new Error('devnet database already initialised');
      store.setMeta(META.chainId, genesis.chainId);
      store.setMeta(META.ioPrivateKey, toHex(IoKey.generate().privateKey));
      store.setMeta(META.height, '1');
      store.setMeta(META.timeOffset, '0');
      store.setMeta(META.lastBlockTime, String(Math.floor(now() / 1000)));
      for (const {address, coins} of genesis.balances) {
        store.ensureAccount(address);
        for (const c of validateCoins(coins, true)) {
          store.setBalance(address, c.denom, store.getBalance(address, c.denom) + BigInt(c.amount));
        }
      }
      genesis.codeNames.forEach((name, i) => {
        const codeHash = registry.codeHashOf(name);
        if (!CODE_HASH_RE.test(codeHash)) throw new Error(`code hash of ${name} is not 64 lower-case hex characters`);
        store.addCode({codeId: i + 1, name, codeHash, creator: genesis.creator});
      });
    });
  }

  // --- clock and height ----------------------------------------------------------------------------------------

  /** Current height (the last block). */
  get height(): number {
    return this.store.getMetaNumber(META.height, 1);
  }

  /** Seconds added to the wall clock. */
  get timeOffset(): number {
    return this.store.getMetaNumber(META.timeOffset, 0);
  }

  /** Current chain time, Unix seconds: max(wall clock + offset, last block time). */
  currentTime(): number {
    const wall = Math.floor(this.now() / 1000) + this.timeOffset;
    return Math.max(wall, this.store.getMetaNumber(META.lastBlockTime, 0));
  }

  /** Moves block time forward by `seconds` (persisted). Returns the height and the new current time. */
  advance(seconds: number): {height: number; time: number} {
    if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError('seconds must be a non-negative integer');
    this.flush();
    this.store.transaction(() => this.store.setMeta(META.timeOffset, String(this.timeOffset + seconds)));
    return {height: this.height, time: this.currentTime()};
  }

  // --- read-side helpers ---------------------------------------------------------------------------------------

  /** Account JSON of E2, or undefined when the account does not exist. */
  accountJson(address: string): Record<string, unknown> | undefined {
    const acc = this.store.getAccount(address);
    if (!acc) return undefined;
    return {
      '@type': TYPE_URL.baseAccount,
      address: acc.address,
      pub_key: acc.pubkey ? {'@type': TYPE_URL.secp256k1PubKey, key: toBase64(acc.pubkey)} : null,
      account_number: String(acc.number),
      sequence: String(acc.sequence),
    };
  }

  /** Balance of one denom in base units (0 when absent). */
  balance(address: string, denom: string): bigint {
    return this.store.getBalance(address, denom);
  }

  private implementationOf(name: string): Contract {
    const impl = this.registry.contracts[name];
    if (!impl) throw new TxError(9, 'compute', `no devnet implementation for contract code ${JSON.stringify(name)}: not found`);
    return impl;
  }

  private env(height: number, time: number, contract: ContractRecord): Env {
    return {
      block: {height, time, chain_id: this.chainId},
      contract: {address: contract.address, code_hash: contract.codeHash},
    };
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
      opened = this.io.openInput(encryptedQuery);
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
    const answer = impl.query(deps, this.env(this.height, this.currentTime(), contract), msg);
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

  // --- transactions --------------------------------------------------------------------------------------------

  /** Stored `{tx, tx_response}` JSON text (E7), or undefined. */
  txJson(hash: string): string | undefined {
    return this.store.getTxJson(hash.toUpperCase());
  }

  // --- group commit ------------------------------------------------------------------------------------------
  //
  // Txs broadcast over HTTP within the commit window share one SQLite transaction (each in its own SAVEPOINT); the
  // transaction is committed (fsynced) when the window closes, and only then are their results released.
  // A result is therefore never reported before it is durable. Other readers wait for the commit
  // (`whenCommitted`), so nothing uncommitted is ever served.

  /** Counters of the group commit: commits made and txs they carried (diagnostics, benchmarks). */
  readonly commitStats = {commits: 0, txs: 0, commitMs: 0};
  private batchTxs = 0;
  private batchOpen = false;
  private flushScheduled = false;
  private waiters: Array<{resolve: () => void; reject: (err: unknown) => void}> = [];

  /** True while txs are executed but not yet committed. */
  get hasUncommitted(): boolean {
    return this.batchOpen;
  }

  /** Resolves once nothing uncommitted remains (at once when nothing is pending). */
  whenCommitted(): Promise<void> {
    if (!this.batchOpen) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({resolve, reject}));
  }

  /** Commits the open batch now (if any) and releases everything waiting for it. */
  flush(): void {
    if (!this.batchOpen) return;
    const waiters = this.waiters;
    this.waiters = [];
    this.batchOpen = false;
    const started = performance.now();
    try {
      this.store.commit();
      this.commitStats.commits++;
      this.commitStats.txs += this.batchTxs;
      this.commitStats.commitMs += performance.now() - started;
      this.batchTxs = 0;
    } catch (err) {
      this.batchTxs = 0;
      this.store.rollback();
      for (const w of waiters) w.reject(err);
      return;
    }
    for (const w of waiters) w.resolve();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const run = () => {
      this.flushScheduled = false;
      this.flush();
    };
    if (this.commitWindowMs > 0) setTimeout(run, this.commitWindowMs);
    else setImmediate(run);
  }

  /** CheckTx: decode, ante checks, message validation; no state change. */
  private check(txBytes: Uint8Array, txhash: string): {ok: true; tx: DecodedTx; account: AccountRecord; msgs: DecodedMsg[]} | {ok: false; result: BroadcastResult} {
    try {
      if (this.store.hasTx(txhash)) throw new TxError(19, 'sdk', 'tx already exists in cache', false);
      const tx = this.decodeTx(txBytes, txhash);
      const account = this.checkSigner(tx, false);
      const msgs = this.validateMessages(tx);
      return {ok: true, tx, account, msgs};
    } catch (err) {
      if (!(err instanceof TxError)) throw err;
      return {ok: false, result: {txhash, checkTx: this.emptyResponse(txhash, err.code, err.codespace, this.renderLog(err, -1))}};
    }
  }

  /**
   * E6: checks, executes and commits a tx (one block), committing at once. Returns the CheckTx answer and, when
   * accepted, the committed result (already durable when this returns).
   */
  broadcast(txBytes: Uint8Array): BroadcastResult {
    this.flush();
    const txhash = toHex(sha256(txBytes)).toUpperCase();
    const checked = this.check(txBytes, txhash);
    if (!checked.ok) return checked.result;
    const deliverTx = this.store.transaction(() => this.deliver(checked.tx, checked.account, checked.msgs, txBytes.length));
    return {txhash, checkTx: this.emptyResponse(txhash, 0, '', ''), deliverTx};
  }

  /**
   * E6 for the HTTP server: like {@link broadcast}, but the tx joins the current group commit; the promise
   * resolves once the tx is durable. Rejected txs resolve at once (nothing to commit).
   */
  broadcastQueued(txBytes: Uint8Array): Promise<BroadcastResult> {
    const txhash = toHex(sha256(txBytes)).toUpperCase();
    const checked = this.check(txBytes, txhash);
    if (!checked.ok) return Promise.resolve(checked.result);
    if (!this.batchOpen) {
      this.store.begin();
      this.batchOpen = true;
    }
    let deliverTx: TxResponseJson;
    try {
      deliverTx = this.store.savepoint(() => this.deliver(checked.tx, checked.account, checked.msgs, txBytes.length));
      this.batchTxs++;
    } finally {
      this.scheduleFlush();
    }
    const result: BroadcastResult = {txhash, checkTx: this.emptyResponse(txhash, 0, '', ''), deliverTx};
    return this.whenCommitted().then(() => result);
  }

  /**
   * E10: runs a tx without committing anything and without signature or sequence checks. Throws {@link TxError}
   * on failure.
   */
  simulate(txBytes: Uint8Array): SimulateResult {
    const txhash = toHex(sha256(txBytes)).toUpperCase();
    const tx = this.decodeTx(txBytes, txhash);
    const account = this.checkSigner(tx, true);
    const msgs = this.validateMessages(tx);
    return this.store.discard(() => {
      const gas = new GasMeter(Number.MAX_SAFE_INTEGER);
      gas.consume(GAS.signature + GAS.txPerByte * txBytes.length);
      this.chargeFee(tx, account);
      const ctx: ExecContext = {
        height: this.height + 1,
        time: this.currentTime(),
        gas,
        cipher: null,
        msgIndex: 0,
        events: [],
      };
      const msgResponses: Any[] = [];
      msgs.forEach((m, i) => {
        ctx.msgIndex = i;
        try {
          msgResponses.push(this.executeMessage(m, ctx));
        } catch (err) {
          if (err instanceof TxError) throw new TxError(err.code, err.codespace, this.renderLog(err, i), false);
          throw err;
        }
      });
      return {gasUsed: gas.used, gasWanted: tx.gasLimit, events: ctx.events, msgResponses};
    });
  }

  private emptyResponse(txhash: string, code: number, codespace: string, rawLog: string): TxResponseJson {
    return {
      height: '0',
      txhash,
      codespace,
      code,
      data: '',
      raw_log: rawLog,
      logs: [],
      info: '',
      gas_wanted: '0',
      gas_used: '0',
      tx: null,
      timestamp: '',
      events: [],
    };
  }

  private renderLog(err: TxError, msgIndex: number): string {
    if (!err.messageScoped || msgIndex < 0) return err.log;
    return `failed to execute message; message index: ${msgIndex}: ${err.log}`;
  }

  // --- CheckTx -------------------------------------------------------------------------------------------------

  /** §7 step 1: decode TxRaw, TxBody, AuthInfo; one secp256k1 signer; code 2 on any decoding failure. */
  private decodeTx(txBytes: Uint8Array, hash: string): DecodedTx {
    let raw: ReturnType<typeof TxRaw.decode>;
    let body: ReturnType<typeof TxBody.decode>;
    let authInfo: ReturnType<typeof AuthInfo.decode>;
    try {
      raw = TxRaw.decode(txBytes);
      body = TxBody.decode(raw.body_bytes);
      authInfo = AuthInfo.decode(raw.auth_info_bytes);
    } catch (err) {
      throw new TxError(2, 'sdk', `${(err as Error).message}: tx parse error`, false);
    }
    if (body.messages.length === 0) throw new TxError(18, 'sdk', 'must contain at least one message: invalid request', false);
    if (body.memo.length > MAX_MEMO_CHARACTERS) {
      throw new TxError(12, 'sdk', `maximum number of characters is ${MAX_MEMO_CHARACTERS} but received ${body.memo.length} characters: memo too large`, false);
    }
    const timeoutHeight = Number(body.timeout_height);
    if (timeoutHeight > 0 && timeoutHeight <= this.height) {
      throw new TxError(30, 'sdk', `tx timeout height; current height: ${this.height + 1}, timeout height: ${timeoutHeight}: tx timeout height`, false);
    }
    if (authInfo.signer_infos.length !== 1) {
      throw new TxError(4, 'sdk', `wrong number of signers; expected 1, got ${authInfo.signer_infos.length}: unauthorized`, false);
    }
    if (raw.signatures.length !== 1) {
      throw new TxError(4, 'sdk', `wrong number of signatures; expected 1, got ${raw.signatures.length}: unauthorized`, false);
    }
    const signerInfo = authInfo.signer_infos[0]!;
    const pk = signerInfo.public_key;
    if (!pk || pk.type_url !== TYPE_URL.secp256k1PubKey) {
      throw new TxError(8, 'sdk', `unsupported public key type ${pk?.type_url ?? '(none)'}: invalid pubkey`, false);
    }
    let pubkey: Uint8Array;
    try {
      pubkey = PubKey.decode(pk.value).key;
    } catch (err) {
      throw new TxError(2, 'sdk', `${(err as Error).message}: tx parse error`, false);
    }
    if (pubkey.length !== SECP256K1_PUBKEY_LENGTH) {
      throw new TxError(8, 'sdk', `secp256k1 public key must be ${SECP256K1_PUBKEY_LENGTH} bytes: invalid pubkey`, false);
    }
    const fee = authInfo.fee;
    const gasLimit = Number(fee?.gas_limit ?? '0');
    const feeCoins = (fee?.amount ?? []).filter((c) => c.amount !== '0');
    const signMode = signerInfo.mode_info?.single?.mode ?? -1;
    const txJson = {
      body: {
        messages: [] as unknown[],
        memo: body.memo,
        timeout_height: body.timeout_height,
        extension_options: [],
        non_critical_extension_options: [],
      },
      auth_info: {
        signer_infos: [
          {
            public_key: {'@type': TYPE_URL.secp256k1PubKey, key: toBase64(pubkey)},
            mode_info: {single: {mode: SIGN_MODE_NAMES[signMode] ?? String(signMode)}},
            sequence: signerInfo.sequence,
          },
        ],
        fee: {amount: fee?.amount ?? [], gas_limit: fee?.gas_limit ?? '0', payer: fee?.payer ?? '', granter: fee?.granter ?? ''},
        tip: null,
      },
      signatures: [toBase64(raw.signatures[0]!)],
    };
    return {
      hash,
      bodyBytes: raw.body_bytes,
      authInfoBytes: raw.auth_info_bytes,
      signature: raw.signatures[0]!,
      pubkey,
      signer: pubkeyToAddress(pubkey),
      sequence: Number(signerInfo.sequence),
      signMode,
      fee: feeCoins,
      gasLimit,
      memo: body.memo,
      timeoutHeight: body.timeout_height,
      messages: body.messages.map((any) => this.decodeMessage(any)),
      txJson,
    };
  }

  /**
   * §7 steps 2–7: account exists (9), every message signer is the key's address (8), SIGN_MODE_DIRECT (4), sequence
   * (32), signature over SHA-256(SignDoc) with this chain id and the account number (4), fee ≤ balance (5), gas for
   * the tx bytes (11). `simulation` skips the sign-mode, sequence and signature checks.
   */
  private checkSigner(tx: DecodedTx, simulation: boolean): AccountRecord {
    const account = this.store.getAccount(tx.signer);
    if (!account) throw new TxError(9, 'sdk', `account ${tx.signer} not found: unknown address`, false);
    for (const raw of tx.messages) {
      const msgSigner = raw.signer;
      if (msgSigner !== tx.signer) {
        throw new TxError(8, 'sdk', `pubKey does not match signer address ${msgSigner} with signer index: 0: invalid pubkey`, false);
      }
    }
    if (!simulation) {
      if (tx.signMode !== SIGN_MODE_DIRECT) {
        const name = SIGN_MODE_NAMES[tx.signMode] ?? String(tx.signMode);
        throw new TxError(4, 'sdk', `sign mode ${name} is not supported by the devnet (SIGN_MODE_DIRECT only): unauthorized`, false);
      }
      if (tx.sequence !== account.sequence) {
        throw new TxError(
          32,
          'sdk',
          `account sequence mismatch, expected ${account.sequence}, got ${tx.sequence}: incorrect account sequence`,
          false,
        );
      }
      if (account.pubkey && toHex(account.pubkey) !== toHex(tx.pubkey)) {
        throw new TxError(8, 'sdk', `public key does not match the account's stored key: invalid pubkey`, false);
      }
      const signBytes = SignDoc.encode({
        body_bytes: tx.bodyBytes,
        auth_info_bytes: tx.authInfoBytes,
        chain_id: this.chainId,
        account_number: String(account.number),
      }).finish();
      if (!verifySecp256k1Sha256(signBytes, tx.signature, tx.pubkey)) {
        throw new TxError(
          4,
          'sdk',
          `signature verification failed; please verify account number (${account.number}) and chain-id (${this.chainId}): unauthorized`,
          false,
        );
      }
    }
    let feeCoins: Coin[];
    try {
      feeCoins = validateCoins(tx.fee, true);
    } catch (err) {
      throw new TxError(10, 'sdk', `invalid fee: ${(err as TxError).log}`, false);
    }
    for (const c of feeCoins) {
      const have = this.store.getBalance(tx.signer, c.denom);
      if (have < BigInt(c.amount)) {
        throw new TxError(5, 'sdk', `${have}${c.denom} is smaller than ${c.amount}${c.denom}: insufficient funds`, false);
      }
    }
    if (!simulation) {
      const anteGas = GAS.signature + GAS.txPerByte * (tx.bodyBytes.length + tx.authInfoBytes.length + 64);
      if (tx.gasLimit < anteGas) {
        throw new TxError(
          11,
          'sdk',
          `out of gas in location: txSize; gasWanted: ${tx.gasLimit}, gasUsed: ${anteGas}: out of gas`,
          false,
        );
      }
    }
    return account;
  }

  /** Decodes a message `Any` of a type the devnet runs; code 2 for undecodable or unknown types. */
  private decodeMessage(any: Any): RawMsg {
    try {
      switch (any.type_url) {
        case TYPE_URL.execute: {
          const m = MsgExecuteContract.decode(any.value);
          return {type: 'execute', signer: addressFromBytes(m.sender), m};
        }
        case TYPE_URL.instantiate: {
          const m = MsgInstantiateContract.decode(any.value);
          return {type: 'instantiate', signer: addressFromBytes(m.sender), m};
        }
        case TYPE_URL.send: {
          const m = MsgSend.decode(any.value);
          return {type: 'send', signer: m.from_address, m};
        }
      }
    } catch (err) {
      throw new TxError(2, 'sdk', `${(err as Error).message}: tx parse error`, false);
    }
    if (any.type_url === TYPE_URL.storeCode) {
      throw new TxError(
        2,
        'sdk',
        `${TYPE_URL.storeCode} is not supported by the devnet: contract codes are registered at genesis (see /compute/v1beta1/codes): tx parse error`,
        false,
      );
    }
    throw new TxError(2, 'sdk', `unable to resolve type URL ${any.type_url}: tx parse error`, false);
  }

  /** Opens an encrypted contract input for a contract with `codeHash` (§4), code 3/2 on failure. */
  private openInput(bytes: Uint8Array, codeHash: string, op: 'execute' | 'instantiate'): OpenedInput {
    const code = op === 'execute' ? 3 : 2;
    let opened: ReturnType<IoKey['openInput']>;
    try {
      opened = this.io.openInput(bytes);
    } catch (err) {
      throw new TxError(code, 'compute', `failed to decrypt data: ${(err as Error).message}: ${op} contract failed`);
    }
    if (opened.codeHash.toLowerCase() !== codeHash) {
      throw new TxError(
        code,
        'compute',
        `failed to validate transaction: code hash ${opened.codeHash} does not match the contract's code hash ${codeHash}: ${op} contract failed`,
      );
    }
    let msg: unknown;
    try {
      msg = JSON.parse(opened.json);
    } catch (err) {
      throw new TxError(code, 'compute', `failed to parse the message as JSON: ${(err as Error).message}: ${op} contract failed`);
    }
    return {cipher: opened.cipher, msg, length: opened.json.length};
  }

  /**
   * Decodes and validates every message without changing state: contract exists, input decrypts, code hash
   * matches, JSON parses, addresses and coins valid. Failures reject the tx at CheckTx.
   */
  private validateMessages(tx: DecodedTx): DecodedMsg[] {
    const out: DecodedMsg[] = [];
    const labels = new Set<string>();
    tx.messages.forEach((raw, i) => {
      try {
        out.push(this.validateMessage(raw, labels));
      } catch (err) {
        if (err instanceof TxError) {
          throw new TxError(err.code, err.codespace, this.renderLog(err, i), false);
        }
        throw err;
      }
    });
    (tx.txJson.body as {messages: unknown[]}).messages = out.map((m) => m.json);
    return out;
  }

  private validateMessage(raw: RawMsg, labels: Set<string>): DecodedMsg {
    if (raw.type === 'execute') {
      const {m, signer} = raw;
      let contractAddr: string;
      try {
        contractAddr = addressFromBytes(m.contract);
      } catch {
        throw new TxError(7, 'sdk', 'contract address is not 20 bytes: invalid address');
      }
      const funds = validateCoins(m.sent_funds, true);
      const json = {
        '@type': TYPE_URL.execute,
        sender: signer,
        contract: contractAddr,
        msg: toBase64(m.msg),
        callback_code_hash: m.callback_code_hash,
        sent_funds: m.sent_funds,
        callback_sig: m.callback_sig.length ? toBase64(m.callback_sig) : null,
      };
      const contract = this.store.getContract(contractAddr);
      if (!contract) throw new TxError(9, 'compute', `contract ${contractAddr} not found: not found`);
      this.implementationOf(contract.name);
      const input = this.openInput(m.msg, contract.codeHash, 'execute');
      return {kind: 'execute', signer, contract, funds, input, json};
    }
    if (raw.type === 'instantiate') {
      const {m, signer} = raw;
      const funds = validateCoins(m.init_funds, true);
      const json = {
        '@type': TYPE_URL.instantiate,
        sender: signer,
        callback_code_hash: m.callback_code_hash,
        code_id: m.code_id,
        label: m.label,
        init_msg: toBase64(m.init_msg),
        init_funds: m.init_funds,
        callback_sig: m.callback_sig.length ? toBase64(m.callback_sig) : null,
        admin: m.admin,
      };
      const codeId = Number(m.code_id);
      const code = Number.isSafeInteger(codeId) ? this.store.getCode(codeId) : undefined;
      if (!code) throw new TxError(9, 'compute', `code id ${m.code_id} not found: not found`);
      this.implementationOf(code.name);
      if (!m.label.trim()) throw new TxError(13, 'compute', 'label is required: invalid');
      if (this.store.getContractByLabel(m.label) || labels.has(m.label)) {
        throw new TxError(6, 'compute', `label ${JSON.stringify(m.label)} already exists: contract account already exists`);
      }
      labels.add(m.label);
      if (m.admin && !isSecretAddress(m.admin)) throw new TxError(7, 'sdk', `admin ${m.admin}: invalid address`);
      const input = this.openInput(m.init_msg, code.codeHash, 'instantiate');
      return {
        kind: 'instantiate',
        signer,
        codeId,
        codeHash: code.codeHash,
        implName: code.name,
        label: m.label,
        admin: m.admin,
        funds,
        input,
        json,
      };
    }
    const {m} = raw;
    if (!isSecretAddress(m.from_address)) throw new TxError(7, 'sdk', `from address ${m.from_address}: invalid address`);
    if (!isSecretAddress(m.to_address)) throw new TxError(7, 'sdk', `to address ${m.to_address}: invalid address`);
    const amount = validateCoins(m.amount, false);
    const json = {'@type': TYPE_URL.send, from_address: m.from_address, to_address: m.to_address, amount: m.amount};
    return {kind: 'send', signer: m.from_address, to: m.to_address, amount, json};
  }

  // --- DeliverTx -----------------------------------------------------------------------------------------------

  private chargeFee(tx: DecodedTx, account: AccountRecord): void {
    for (const c of tx.fee) {
      const have = this.store.getBalance(tx.signer, c.denom);
      this.store.setBalance(tx.signer, c.denom, have - BigInt(c.amount));
      this.store.ensureAccount(FEE_COLLECTOR_ADDRESS);
      this.store.setBalance(FEE_COLLECTOR_ADDRESS, c.denom, this.store.getBalance(FEE_COLLECTOR_ADDRESS, c.denom) + BigInt(c.amount));
    }
    this.store.setAccountSequence(tx.signer, account.sequence + 1, tx.pubkey);
  }

  /** Inside the tx's SQLite transaction: new block, fee, sequence, messages (atomic), stored result. */
  private deliver(tx: DecodedTx, account: AccountRecord, msgs: DecodedMsg[], txLength: number): TxResponseJson {
    const height = this.height + 1;
    const time = this.currentTime();
    this.store.setMeta(META.height, String(height));
    this.store.setMeta(META.lastBlockTime, String(time));
    this.chargeFee(tx, account);

    const gas = new GasMeter(tx.gasLimit);
    gas.consume(GAS.signature + GAS.txPerByte * txLength);
    const anteEvents: TxEvent[] = [
      {type: 'tx', attributes: [attr('fee', coinsToString(tx.fee)), attr('fee_payer', tx.signer)]},
      {type: 'tx', attributes: [attr('acc_seq', `${tx.signer}/${account.sequence}`)]},
      {type: 'tx', attributes: [attr('signature', toBase64(tx.signature))]},
    ];
    const ctx: ExecContext = {height, time, gas, cipher: null, msgIndex: 0, events: []};
    let code = 0;
    let codespace = '';
    let rawLog = '';
    let data = '';
    try {
      const responses = this.store.savepoint(() => {
        const out: Any[] = [];
        msgs.forEach((m, i) => {
          ctx.msgIndex = i;
          try {
            out.push(this.executeMessage(m, ctx));
            gas.check('message execution');
          } catch (err) {
            if (err instanceof TxError) throw new TxError(err.code, err.codespace, this.renderLog(err, i), false);
            throw err;
          }
        });
        return out;
      });
      data = toHex(TxMsgData.encode({data: [], msg_responses: responses}).finish()).toUpperCase();
    } catch (err) {
      if (!(err instanceof TxError)) throw err;
      code = err.code;
      codespace = err.codespace;
      rawLog = err.log;
      ctx.events = [];
    }
    const txJson = tx.txJson;
    const response: TxResponseJson = {
      height: String(height),
      txhash: tx.hash,
      codespace,
      code,
      data,
      raw_log: rawLog,
      logs: [],
      info: '',
      gas_wanted: String(tx.gasLimit),
      gas_used: String(gas.used),
      tx: {'@type': TYPE_URL.tx, ...txJson},
      timestamp: rfc3339(time),
      events: [...anteEvents, ...ctx.events],
    };
    this.store.putTx(tx.hash, height, JSON.stringify({tx: txJson, tx_response: response}));
    return response;
  }

  /** Executes one validated top-level message; returns its `msg_responses` entry. */
  private executeMessage(m: DecodedMsg, ctx: ExecContext): Any {
    const idx = attr('msg_index', String(ctx.msgIndex));
    switch (m.kind) {
      case 'send': {
        ctx.events.push({
          type: 'message',
          attributes: [attr('action', TYPE_URL.send), attr('sender', m.signer), attr('module', 'bank'), idx],
        });
        this.transfer(m.signer, m.to, m.amount, ctx, 0);
        return {type_url: TYPE_URL.sendResponse, value: new Uint8Array(0)};
      }
      case 'execute': {
        ctx.cipher = m.input.cipher;
        ctx.events.push({
          type: 'message',
          attributes: [
            attr('action', TYPE_URL.execute),
            attr('module', 'compute'),
            attr('sender', m.signer),
            attr('contract_address', m.contract.address),
            idx,
          ],
        });
        if (m.funds.length) this.transfer(m.signer, m.contract.address, m.funds, ctx, 0);
        ctx.gas.consume(GAS.inputPerByte * m.input.length);
        const answer = this.invoke('execute', m.contract, {sender: m.signer, funds: m.funds}, m.input.msg, ctx, 0);
        const value = MsgExecuteContractResponse.encode({data: encryptAnswer(m.input.cipher, answer)}).finish();
        return {type_url: TYPE_URL.executeResponse, value};
      }
      case 'instantiate': {
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
        ctx.events.push({
          type: 'message',
          attributes: [
            attr('action', TYPE_URL.instantiate),
            attr('module', 'compute'),
            attr('sender', m.signer),
            attr('contract_address', address),
            idx,
          ],
        });
        if (m.funds.length) this.transfer(m.signer, address, m.funds, ctx, 0);
        ctx.gas.consume(GAS.inputPerByte * m.input.length);
        const answer = this.invoke('instantiate', contract, {sender: m.signer, funds: m.funds}, m.input.msg, ctx, 0);
        const value = MsgInstantiateContractResponse.encode({address, data: encryptAnswer(m.input.cipher, answer)}).finish();
        return {type_url: TYPE_URL.instantiateResponse, value};
      }
    }
  }

  /** Deterministic contract address: first 20 bytes of SHA-256("secretai-devnet/contract" ‖ code id ‖ creator ‖ label). */
  contractAddress(codeId: number, creator: string, label: string): string {
    const id = Buffer.alloc(8);
    id.writeBigUInt64BE(BigInt(codeId));
    const preimage = Buffer.concat([utf8('secretai-devnet/contract'), id, addressBytes(creator), utf8(label)]);
    return addressFromBytes(sha256(preimage).subarray(0, 20));
  }

  /** Bank transfer with the `transfer` event; code 5 when the sender's balance is too small. */
  private transfer(from: string, to: string, coins: readonly Coin[], ctx: ExecContext, depth: number): void {
    ctx.gas.consume(GAS.bankSend);
    for (const c of coins) {
      const have = this.store.getBalance(from, c.denom);
      const amount = BigInt(c.amount);
      if (have < amount) {
        throw new TxError(
          5,
          'sdk',
          `${NESTED_PREFIX.repeat(depth)}spendable balance ${have}${c.denom} is smaller than ${c.amount}${c.denom}: insufficient funds`,
        );
      }
    }
    this.store.ensureAccount(to);
    for (const c of coins) {
      const amount = BigInt(c.amount);
      this.store.setBalance(from, c.denom, this.store.getBalance(from, c.denom) - amount);
      this.store.setBalance(to, c.denom, this.store.getBalance(to, c.denom) + amount);
    }
    ctx.events.push({
      type: 'transfer',
      attributes: [
        attr('recipient', to),
        attr('sender', from),
        attr('amount', coinsToString(coins)),
        attr('msg_index', String(ctx.msgIndex)),
      ],
    });
  }

  /**
   * Runs a contract entry point, records its `execute`/`instantiate` and `wasm` events (attributes encrypted with
   * the top-level message key unless plaintext), then its submessages depth-first. Returns the contract's `data`.
   */
  private invoke(
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

    for (const sub of response?.messages ?? []) {
      if ('wasm_execute' in sub) {
        const {contract_addr, code_hash, msg: subMsg, funds} = sub.wasm_execute;
        const prefix = NESTED_PREFIX.repeat(depth + 1);
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
        if (coins.length) this.transfer(contract.address, target.address, coins, ctx, depth + 1);
        const plain = JSON.parse(JSON.stringify(subMsg ?? null));
        ctx.gas.consume(GAS.inputPerByte * JSON.stringify(plain).length);
        this.invoke('execute', target, {sender: contract.address, funds: coins}, plain, ctx, depth + 1);
      } else if ('bank_send' in sub) {
        const {to_address, amount} = sub.bank_send;
        const prefix = NESTED_PREFIX.repeat(depth + 1);
        if (!isSecretAddress(to_address)) throw new TxError(7, 'sdk', `${prefix}to address ${to_address}: invalid address`);
        let coins: Coin[];
        try {
          coins = validateCoins(amount, false);
        } catch (err) {
          throw new TxError(10, 'sdk', `${prefix}${(err as TxError).log}`);
        }
        this.transfer(contract.address, to_address, coins, ctx, depth + 1);
      } else {
        throw new TxError(
          10,
          'compute',
          `${NESTED_PREFIX.repeat(depth + 1)}unknown submessage ${JSON.stringify(Object.keys(sub ?? {}))}: invalid CosmosMsg from the contract`,
        );
      }
    }
    return response?.data;
  }

  // --- explorer-style reads ------------------------------------------------------------------------------------

  /** Contract info JSON (E-opt `/compute/v1beta1/info/{address}`). */
  contractInfoJson(contract: ContractRecord): Record<string, unknown> {
    return {
      code_id: String(contract.codeId),
      creator: contract.creator,
      label: contract.label,
      created: {block_height: String(contract.createdHeight), tx_index: '0'},
      ibc_port_id: '',
      admin: contract.admin,
      admin_proof: null,
    };
  }

  /** Whether `codeHash` looks like a code hash (64 hex). */
  static isCodeHash(codeHash: string): boolean {
    return typeof codeHash === 'string' && codeHash.length === CODE_HASH_HEX_LENGTH && /^[0-9a-fA-F]+$/.test(codeHash);
  }

  /** UTF-8 decoding that throws on invalid sequences. */
  static decodeUtf8(bytes: Uint8Array): string {
    return utf8Decoder.decode(bytes);
  }
}
