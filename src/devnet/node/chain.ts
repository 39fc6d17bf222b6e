/**
 * The devnet node: what a Secret Network node does for the transactions and queries secretjs sends
 * (`secret-lcd-devnet.md` §4–§9), in the shape of cw-multi-test's `App`: decode and ante checks ({@link Ante}),
 * execution through a router over the bank and wasm modules (with submessages), and commit.
 *
 * One tx = one block. {@link Chain.broadcast} runs the ante checks ("CheckTx", plus validation of every message so
 * that a malformed tx changes nothing), then fee, sequence and message execution ("DeliverTx") inside ONE SQLite
 * transaction that is committed before it returns. A failed message rolls back every message of the tx (a
 * SAVEPOINT); the fee and the sequence increment stay, as on the real chain. Over HTTP, txs share a group commit
 * ({@link Chain.broadcastQueued}).
 *
 * The LCD adapter reads the node only through {@link DevnetNode}; tests and tools may drive a `Chain` directly.
 */
import type {Coin} from '../../../contracts/common/types.js';
import {sha256, toBase64, toHex} from '../../../contracts/common/encoding.js';
import {IoKey} from '../crypto.js';
import {META, type AccountRecord, type CodeRecord, type ContractRecord, type Store} from '../store.js';
import {Ante} from './ante.js';
import {BankModule} from './bank.js';
import {TxMsgData, TYPE_URL, type Any} from './codec.js';
import {Router} from './router.js';
import {
  GAS,
  GasMeter,
  TxError,
  attr,
  coinsToString,
  emptyResponse,
  renderLog,
  rfc3339,
  validateCoins,
  type BroadcastResult,
  type DecodedMsg,
  type DecodedTx,
  type ExecContext,
  type SimulateResult,
  type TxEvent,
  type TxResponseJson,
} from './types.js';
import {WasmModule} from './wasm.js';

/**
 * What the LCD adapter (and the devnet's own signer) may use of a node: reads of accounts, balances, codes,
 * contracts and stored txs, encrypted queries, broadcast, simulation and the clock. Never the store.
 */
export interface DevnetNode {
  readonly chainId: string;
  /** Raw 32-byte X25519 public key that clients encrypt contract inputs for (E1). */
  readonly ioPublicKey: Uint8Array;
  /** Height of the last block. */
  readonly height: number;
  /** Seconds added to the wall clock by `advance`. */
  readonly timeOffset: number;
  /** Current chain time, Unix seconds. */
  currentTime(): number;
  account(address: string): AccountRecord | undefined;
  /** Balance of one denom in base units (0 when absent). */
  balance(address: string, denom: string): bigint;
  /** All non-zero balances, sorted by denom. */
  balances(address: string): Coin[];
  contract(address: string): ContractRecord | undefined;
  contractByLabel(label: string): ContractRecord | undefined;
  contractsByCode(codeId: number): ContractRecord[];
  code(codeId: number): CodeRecord | undefined;
  /** The wasm of a stored code (unzipped), or undefined for a TypeScript implementation. */
  codeWasm(codeId: number): Uint8Array | undefined;
  codes(): CodeRecord[];
  /** Stored `{tx, tx_response}` JSON text of a tx (E7), or undefined. */
  txJson(hash: string): string | undefined;
  /** Stored txs in height order after `afterHeight`, at most `limit` (tx search). */
  txsAfter(afterHeight: number, limit: number): Array<{height: number; json: string}>;
  /** E5: an encrypted query; base64 of the encrypted answer. */
  queryContract(address: string, encryptedQuery: Uint8Array): string;
  /** E6, committing at once. */
  broadcast(txBytes: Uint8Array): BroadcastResult;
  /** E6 within the group commit; resolves once durable. */
  broadcastQueued(txBytes: Uint8Array): Promise<BroadcastResult>;
  /** E10. */
  simulate(txBytes: Uint8Array): SimulateResult;
  /** Moves block time forward. */
  advance(seconds: number): {height: number; time: number};
  /** True while txs are executed but not yet committed. */
  readonly hasUncommitted: boolean;
  /** Resolves once nothing uncommitted remains. */
  whenCommitted(): Promise<void>;
}

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
  /** Receives the `debug` messages of wasm contracts (the devnet log). Default: dropped. */
  debugLog?: (contract: string, message: string) => void;
}

/**
 * Default group-commit window, ms: long enough to gather the txs of concurrent clients into one fsync (measured
 * with `bench/devnet.ts`: ~3.5 txs per commit instead of ~1.7 at 0 ms), short against a client's poll interval.
 */
export const DEFAULT_COMMIT_WINDOW_MS = 2;

/** The devnet node over a {@link Store}. Synchronous; one instance per database. */
export class Chain implements DevnetNode {
  readonly store: Store;
  readonly chainId: string;
  readonly io: IoKey;
  readonly bank: BankModule;
  readonly wasm: WasmModule;
  readonly router: Router;
  private readonly ante: Ante;
  private readonly now: () => number;
  private readonly commitWindowMs: number;
  /** Where wasm contracts' `debug` messages go. */
  readonly debugLog?: (contract: string, message: string) => void;

  constructor(store: Store, options: ChainOptions = {}) {
    this.store = store;
    this.now = options.now ?? Date.now;
    this.commitWindowMs = options.commitWindowMs ?? DEFAULT_COMMIT_WINDOW_MS;
    this.debugLog = options.debugLog;
    const chainId = store.getMeta(META.chainId);
    const ioHex = store.getMeta(META.ioPrivateKey);
    if (!chainId || !ioHex) throw new Error('devnet database is not initialised (missing chain id or IO key)');
    this.chainId = chainId;
    this.io = new IoKey(new Uint8Array(Buffer.from(ioHex, 'hex')));
    this.bank = new BankModule(store);
    this.wasm = new WasmModule(this, store, this.bank);
    this.router = new Router(this.bank, this.wasm);
    this.ante = new Ante(this);
  }

  /** Raw 32-byte X25519 public key that clients encrypt contract inputs for. */
  get ioPublicKey(): Uint8Array {
    return this.io.publicKey;
  }

  /**
   * Initialises an empty database: chain id, a fresh IO key, height 1, genesis accounts and balances (codes are
   * stored afterwards with `MsgStoreCode`). Runs in one transaction.
   */
  static initialise(
    store: Store,
    genesis: {chainId: string; balances: Array<{address: string; coins: Coin[]}>},
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

  // --- reads ---------------------------------------------------------------------------------------------------

  account(address: string): AccountRecord | undefined {
    return this.store.getAccount(address);
  }

  /** Balance of one denom in base units (0 when absent). */
  balance(address: string, denom: string): bigint {
    return this.store.getBalance(address, denom);
  }

  balances(address: string): Coin[] {
    return this.store.getBalances(address);
  }

  contract(address: string): ContractRecord | undefined {
    return this.store.getContract(address);
  }

  contractByLabel(label: string): ContractRecord | undefined {
    return this.store.getContractByLabel(label);
  }

  contractsByCode(codeId: number): ContractRecord[] {
    return this.store.listContractsByCode(codeId);
  }

  code(codeId: number): CodeRecord | undefined {
    return this.store.getCode(codeId);
  }

  codeWasm(codeId: number): Uint8Array | undefined {
    return this.store.getCodeWasm(codeId);
  }

  codes(): CodeRecord[] {
    return this.store.listCodes();
  }

  /** Stored `{tx, tx_response}` JSON text (E7), or undefined. */
  txJson(hash: string): string | undefined {
    return this.store.getTxJson(hash.toUpperCase());
  }

  txsAfter(afterHeight: number, limit: number): Array<{height: number; json: string}> {
    return this.store.listTxJson(afterHeight, limit);
  }

  /** Deterministic address of a contract instantiated by `creator` with `label` from `codeId`. */
  contractAddress(codeId: number, creator: string, label: string): string {
    return this.wasm.contractAddress(codeId, creator, label);
  }

  // --- queries -------------------------------------------------------------------------------------------------

  queryContract(address: string, encryptedQuery: Uint8Array): string {
    return this.wasm.queryContract(address, encryptedQuery);
  }

  /**
   * Plaintext query for the devnet's own tools (faucet, tests): no encryption, same contract code path.
   * Throws the contract's error.
   */
  queryPlain(address: string, msg: unknown): unknown {
    return this.wasm.queryPlain(address, msg);
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

  /**
   * E6: checks, executes and commits a tx (one block), committing at once. Returns the CheckTx answer and, when
   * accepted, the committed result (already durable when this returns).
   */
  broadcast(txBytes: Uint8Array): BroadcastResult {
    this.flush();
    const txhash = toHex(sha256(txBytes)).toUpperCase();
    const checked = this.ante.check(txBytes, txhash);
    if (!checked.ok) return checked.result;
    const deliverTx = this.store.transaction(() => this.deliver(checked.tx, checked.account, checked.msgs, txBytes.length));
    return {txhash, checkTx: emptyResponse(txhash, 0, '', ''), deliverTx};
  }

  /**
   * E6 for the HTTP server: like {@link broadcast}, but the tx joins the current group commit; the promise
   * resolves once the tx is durable. Rejected txs resolve at once (nothing to commit).
   */
  broadcastQueued(txBytes: Uint8Array): Promise<BroadcastResult> {
    const txhash = toHex(sha256(txBytes)).toUpperCase();
    const checked = this.ante.check(txBytes, txhash);
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
    const result: BroadcastResult = {txhash, checkTx: emptyResponse(txhash, 0, '', ''), deliverTx};
    return this.whenCommitted().then(() => result);
  }

  /**
   * E10: runs a tx without committing anything and without signature or sequence checks. Throws {@link TxError}
   * on failure.
   */
  simulate(txBytes: Uint8Array): SimulateResult {
    const txhash = toHex(sha256(txBytes)).toUpperCase();
    const tx = this.ante.decodeTx(txBytes, txhash);
    const account = this.ante.checkSigner(tx, true);
    const msgs = this.ante.validateMessages(tx);
    return this.store.discard(() => {
      const gas = new GasMeter(Number.MAX_SAFE_INTEGER);
      gas.consume(GAS.signature + GAS.txPerByte * txBytes.length);
      this.bank.chargeFee(tx, account);
      const ctx: ExecContext = {
        height: this.height + 1,
        time: this.currentTime(),
        gas,
        cipher: null,
        msgIndex: 0,
        events: [],
        txHash: txhash.toLowerCase(),
      };
      const msgResponses: Any[] = [];
      msgs.forEach((m, i) => {
        ctx.msgIndex = i;
        try {
          msgResponses.push(this.router.execute(m, ctx));
        } catch (err) {
          if (err instanceof TxError) throw new TxError(err.code, err.codespace, renderLog(err, i), false);
          throw err;
        }
      });
      return {gasUsed: gas.used, gasWanted: tx.gasLimit, events: ctx.events, msgResponses};
    });
  }

  // --- DeliverTx -----------------------------------------------------------------------------------------------

  /** Inside the tx's SQLite transaction: new block, fee, sequence, messages (atomic), stored result. */
  private deliver(tx: DecodedTx, account: AccountRecord, msgs: DecodedMsg[], txLength: number): TxResponseJson {
    const height = this.height + 1;
    const time = this.currentTime();
    this.store.setMeta(META.height, String(height));
    this.store.setMeta(META.lastBlockTime, String(time));
    this.bank.chargeFee(tx, account);

    const gas = new GasMeter(tx.gasLimit);
    gas.consume(GAS.signature + GAS.txPerByte * txLength);
    const anteEvents: TxEvent[] = [
      {type: 'tx', attributes: [attr('fee', coinsToString(tx.fee)), attr('fee_payer', tx.signer)]},
      {type: 'tx', attributes: [attr('acc_seq', `${tx.signer}/${account.sequence}`)]},
      {type: 'tx', attributes: [attr('signature', toBase64(tx.signature))]},
    ];
    const ctx: ExecContext = {height, time, gas, cipher: null, msgIndex: 0, events: [], txHash: tx.hash.toLowerCase()};
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
            out.push(this.router.execute(m, ctx));
            gas.check('message execution');
          } catch (err) {
            if (err instanceof TxError) throw new TxError(err.code, err.codespace, renderLog(err, i), false);
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

}
