/**
 * The read-only chain client: contract queries, code hashes, balances, accounts and tx lookups against one LCD
 * endpoint, through secretjs's REST bindings and client; contract messages are sealed by the client's own
 * encryption context (`seal.ts`, the same bytes as secretjs's), which secretjs uses too.
 *
 * Contract queries, code hashes, balances and accounts load only secretjs's query kit (its REST bindings, see
 * `secretjs.ts`), not the whole library; tx lookups decode and decrypt txs with the full SecretNetworkClient, loaded
 * on first use. The consensus IO public key that queries are sealed to comes from an {@link IoKeyStore} when the
 * client has one, and is fetched again when the node cannot decrypt a query sealed to it.
 *
 * Quirks handled here (`secret-lcd-devnet.md` §1, §5, §6): trailing slashes of the LCD URL; contract query errors
 * that secretjs would return as strings; space-padded answers; thrown JSON bodies and network errors
 * (→ {@link normalizeChainError}).
 */
import {bytesEqual} from '../../../contracts/common/encoding.js';
import type {SecretNetworkClient} from 'secretjs';
import type {Signer} from 'secretjs/dist/wallet_amino.js';
import type {ContractRef, NetworkProfile} from '../config/index.js';
import {UsageError} from '../errors.js';
import {parseAddress} from './address.js';
import {USCRT} from './amounts.js';
import {answerText, contractErrorText, ENCRYPTED_ERROR_RES, parseContractAnswer} from './answers.js';
import {ChainRequestError, condense, ContractQueryError, isErrorLike, isLocalNetwork, normalizeChainError, TxFailedError, TxTimeoutError, type ChainErrorContext} from './errors.js';
import type {IoKeyStore} from './io-key.js';
import {Seal} from './seal.js';
import {DEFAULT_REQUEST_TIMEOUT_MS, loadQueryKit, loadSecretjs, registerLcd, type QueryKit, type Secretjs} from './secretjs.js';
import {toTxLookup, type TxLookup} from './tx-results.js';

/** A deployed contract: bech32 address and code hash (64 lower-case hex, always sent with every message). */
export type {ContractRef};

/** Chain id of the embedded devnet. */
export {DEVNET_CHAIN_ID} from '../../common/networks.js';

const CODE_HASH_RE = /^[0-9a-f]{64}$/;

/** Timing of requests and tx confirmation, in milliseconds. */
export interface ChainTiming {
  /** Timeout of one HTTP request to the LCD. */
  requestTimeoutMs: number;
  /** How long to wait for a broadcast tx to appear in a block. */
  broadcastTimeoutMs: number;
  /** Interval between polls for the tx (secretjs sleeps half of it before the first poll). */
  broadcastCheckIntervalMs: number;
}

/** Timing for the embedded devnet: it answers a tx as soon as it is broadcast. */
export const LOCAL_TIMING: ChainTiming = {requestTimeoutMs: 15_000, broadcastTimeoutMs: 30_000, broadcastCheckIntervalMs: 150};
/** Timing for public networks (blocks every ~6 s). */
export const REMOTE_TIMING: ChainTiming = {requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS, broadcastTimeoutMs: 90_000, broadcastCheckIntervalMs: 1_500};

/** Per-network timing: fast polling for the local devnet chain id, block-paced elsewhere; overrides win. */
export function timingFor(profile: Pick<NetworkProfile, 'name' | 'chainId' | 'lcdUrl'>, overrides: Partial<ChainTiming> = {}): ChainTiming {
  const base = isLocalNetwork(profile) ? LOCAL_TIMING : REMOTE_TIMING;
  return {...base, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined))};
}

/** Account facts needed to sign. */
export interface AccountInfo {
  address: string;
  accountNumber: number;
  sequence: number;
}

/** Tuning a client (tests and commands with special needs). */
export interface ChainClientOptions extends Partial<ChainTiming> {
  /**
   * Where the consensus IO public key is remembered across processes (read clients only; a signing client always
   * asks the node, so that a tx is never sealed to a stale key). Default: asked once per client.
   */
  ioKeys?: IoKeyStore;
}

/** The network profile fields a client needs. */
export type ClientProfile = Pick<NetworkProfile, 'name' | 'chainId' | 'lcdUrl' | 'gasPrice'>;

type Network = {name: string; chainId: string; lcdUrl: string};

/** The wallet of a signing client and its tx encryption seed. */
export interface ClientWallet {
  /** What secretjs signs with (its `Signer`), and its address. */
  wallet: Signer & {address: string};
  seed: Uint8Array;
}

/** Checks and normalises the code hash of `ref` (64 lower-case hex); UsageError `CODE_HASH_INVALID` otherwise. */
export function checkCodeHash(ref: ContractRef): string {
  const h = String(ref.codeHash ?? '').replace(/^0x/i, '').toLowerCase();
  if (!CODE_HASH_RE.test(h)) {
    throw new UsageError(`contract ${ref.address} has an invalid code hash "${ref.codeHash}" (expected 64 hex characters)`, {
      code: 'CODE_HASH_INVALID',
      suggestion: 'fix the code hash in the network profile',
    });
  }
  return h;
}

/** Reads account number and sequence from any account type secretjs accepts (§3g). */
function accountFields(acct: Record<string, unknown>): {accountNumber: number; sequence: number} | undefined {
  const candidates = [acct, acct.base_account, (acct.base_vesting_account as Record<string, unknown> | undefined)?.base_account] as Array<Record<string, unknown> | undefined>;
  for (const c of candidates) {
    if (c && c.account_number !== undefined) return {accountNumber: Number(c.account_number), sequence: Number(c.sequence ?? 0)};
  }
  return undefined;
}

/** Errors of a query that a stale consensus IO key would explain (the node, or this client, could not decrypt). */
const undecryptable = new WeakSet<object>();

/** A read-only client of one network. secretjs is loaded on first use, and only as much of it as the call needs. */
export class ChainClient {
  /** The network spoken to (LCD URL without trailing slashes). */
  readonly network: Network;
  readonly timing: ChainTiming;
  readonly gasPrice: string;
  private readonly ioKeys?: IoKeyStore;
  private seal?: Seal;
  private full?: Promise<{sjs: Secretjs; client: SecretNetworkClient; enc: Seal}>;
  private readonly codeHashes = new Map<string, string>();

  constructor(profile: ClientProfile, opts: ChainClientOptions = {}, protected readonly wallet?: ClientWallet) {
    const {ioKeys, ...timing} = opts;
    const lcdUrl = String(profile.lcdUrl ?? '').trim().replace(/\/+$/, '');
    this.network = {name: profile.name, chainId: profile.chainId, lcdUrl};
    this.gasPrice = profile.gasPrice ?? '0.1';
    this.timing = timingFor(this.network, timing);
    if (!wallet && ioKeys) this.ioKeys = ioKeys;
    registerLcd(lcdUrl, this.timing.requestTimeoutMs);
  }

  /** Error context of this client (network; signer in subclasses). */
  protected errorContext(action?: string, extra: Partial<ChainErrorContext> = {}): ChainErrorContext {
    return {network: this.network, ...(action ? {action} : {}), ...extra};
  }

  /** Normalises and throws (see {@link normalizeChainError}). */
  protected fail(err: unknown, action?: string, extra: Partial<ChainErrorContext> = {}): never {
    throw normalizeChainError(err, this.errorContext(action, extra));
  }

  /**
   * The encryption context of this client (`seal.ts`), created once, with the wallet's seed for a signing client. It
   * starts with the remembered consensus IO key when the client's store has one, and stores every key it fetches.
   */
  protected encryption(): Seal {
    if (!this.seal) {
      const {chainId, lcdUrl} = this.network;
      const store = this.ioKeys;
      this.seal = new Seal(lcdUrl, this.wallet?.seed, {onIoKeyFetched: store && ((key) => store.set(chainId, lcdUrl, key))});
      const known = store?.get(chainId, lcdUrl);
      if (known) this.seal.presetIoKey(known);
    }
    return this.seal;
  }

  /** The consensus IO key queries are sealed to: the known one, else asked of the node once (and remembered). */
  private async ioKey(seal: Seal, action: string): Promise<Uint8Array> {
    try {
      return await seal.ioKey();
    } catch (err) {
      this.fail(err, action);
    }
  }

  /**
   * The node's current consensus IO key after a query sealed to `used` could not be decrypted: asked once for all
   * the queries that failed alike; a query that used an older key than the current one just retries with it.
   */
  private async refreshIoKey(seal: Seal, used: Uint8Array, action: string): Promise<Uint8Array> {
    const held = seal.knownIoKey;
    if (held && !bytesEqual(held, used)) return held;
    try {
      return await seal.refetchIoKey();
    } catch (err) {
      this.fail(err, action);
    }
  }

  /**
   * The whole secretjs and a SecretNetworkClient sharing this client's encryption context (tx lookups; signing in
   * the signing client), created once.
   */
  protected start(): Promise<{sjs: Secretjs; client: SecretNetworkClient; enc: Seal}> {
    this.full ??= (async () => {
      const sjs = await loadSecretjs();
      const enc = this.encryption();
      const w = this.wallet;
      const client = new sjs.SecretNetworkClient({
        url: this.network.lcdUrl,
        chainId: this.network.chainId,
        ...(w ? {wallet: w.wallet, walletAddress: w.wallet.address} : {}),
        encryptionUtils: enc,
      });
      return {sjs, client, enc};
    })();
    return this.full;
  }

  /**
   * Queries a contract and returns its answer parsed (see {@link parseContractAnswer}). The code hash is always
   * sent. A contract error → {@link ContractQueryError} with the decrypted text; transport errors → normalised.
   */
  async queryContract<R = unknown>(ref: ContractRef, msg: object, label?: string): Promise<R> {
    const text = await this.queryContractText(ref, msg, label);
    return parseContractAnswer(text) as R;
  }

  /**
   * Like {@link queryContract}, returning the decrypted answer text untouched (not trimmed, not parsed). When the
   * query cannot be decrypted (by the node, or its answer by this client), the consensus IO key is fetched again and,
   * if it changed, the query is sent once more.
   */
  async queryContractText(ref: ContractRef, msg: object, label?: string): Promise<string> {
    const codeHash = checkCodeHash(ref);
    const contract = parseAddress(ref.address, 'contract address');
    const action = `query ${Object.keys(msg)[0] ?? '?'} on ${label ?? contract}`;
    const enc = this.encryption();
    const {compute} = await loadQueryKit();
    const used = await this.ioKey(enc, action);
    try {
      return await this.sendQuery(enc, compute, contract, codeHash, msg, action);
    } catch (err) {
      if (!(err && typeof err === 'object' && undecryptable.has(err))) throw err;
      const fresh = await this.refreshIoKey(enc, used, action);
      if (bytesEqual(fresh, used)) throw err;
      return this.sendQuery(enc, compute, contract, codeHash, msg, action);
    }
  }

  /** One encrypted query and its decrypted answer text. */
  private async sendQuery(enc: Seal, compute: QueryKit['compute'], contract: string, codeHash: string, msg: object, action: string): Promise<string> {
    let encrypted: Uint8Array;
    try {
      encrypted = await enc.encrypt(codeHash, msg);
    } catch (err) {
      this.fail(err, action);
    }
    const nonce = encrypted.slice(0, 32);
    // Typed as bytes by the generated bindings, but JSON carries a base64 string.
    let answer: {data?: unknown};
    try {
      answer = await compute.QuerySecretContract({contract_address: contract, query: encrypted}, {pathPrefix: this.network.lcdUrl});
    } catch (err) {
      const message = err && typeof err === 'object' && typeof (err as {message?: unknown}).message === 'string' ? (err as {message: string}).message : undefined;
      if (message !== undefined && !isErrorLike(err)) {
        for (const re of ENCRYPTED_ERROR_RES) {
          const m = re.exec(message);
          if (!m) continue;
          let plain: Uint8Array | undefined;
          try {
            plain = await enc.decrypt(new Uint8Array(Buffer.from(m[1], 'base64')), nonce);
          } catch {
            plain = undefined;
          }
          if (plain) throw new ContractQueryError(contract, contractErrorText(plain), {details: {query: Object.keys(msg)[0]}});
        }
        if (/failed to (?:validate|decrypt)|code.?hash/i.test(message)) {
          const e = new ChainRequestError(`the node could not run ${action}: ${condense(message)}`, (err as {code?: number}).code, {
            code: 'CONTRACT_INPUT_REJECTED',
            cause: err,
            suggestion: 'the configured code hash may not match the contract; check the network profile',
          });
          if (/failed to decrypt/i.test(message)) undecryptable.add(e);
          throw e;
        }
      }
      this.fail(err, action);
    }
    const data = answer?.data;
    if (typeof data !== 'string') {
      throw new ChainRequestError(`the node answered ${action} without data`, undefined, {code: 'CHAIN_BAD_ANSWER'});
    }
    let decrypted: Uint8Array;
    try {
      decrypted = await enc.decrypt(new Uint8Array(Buffer.from(data, 'base64')), nonce);
    } catch (err) {
      const e = new ChainRequestError(`could not decrypt the answer of ${action}: ${condense(String((err as Error)?.message ?? err))}`, undefined, {
        code: 'DECRYPT_FAILED',
        cause: err,
        suggestion: isLocalNetwork(this.network) ? 'the devnet was reset while this command ran; run it again' : undefined,
      });
      undecryptable.add(e);
      throw e;
    }
    const text = answerText(decrypted);
    if (text === undefined) throw new ChainRequestError(`the answer of ${action} is not UTF-8 text`, undefined, {code: 'CHAIN_BAD_ANSWER'});
    return text;
  }

  /**
   * Code hash of a contract (64 lower-case hex), asked of the node once per client and address; used for contracts
   * configured without one (the legacy Secret AI worker manager).
   */
  async codeHashOf(address: string): Promise<string> {
    const addr = parseAddress(address, 'contract address');
    const cached = this.codeHashes.get(addr);
    if (cached) return cached;
    const {compute} = await loadQueryKit();
    let hash: string | undefined;
    try {
      ({code_hash: hash} = await compute.CodeHashByContractAddress({contract_address: addr}, {pathPrefix: this.network.lcdUrl}));
    } catch (err) {
      this.fail(err, `look up the code hash of ${addr}`);
    }
    const h = String(hash ?? '').replace(/^0x/i, '').toLowerCase();
    if (!CODE_HASH_RE.test(h)) throw new ChainRequestError(`the node returned an invalid code hash for ${addr}: "${hash}"`, undefined, {code: 'CHAIN_BAD_ANSWER'});
    this.codeHashes.set(addr, h);
    return h;
  }

  /** Bank balance of `address` in `denom` (default uscrt), in base units. */
  async balance(address: string, denom: string = USCRT): Promise<bigint> {
    const addr = parseAddress(address);
    const {BankQuerier} = await loadQueryKit();
    try {
      const {balance} = await new BankQuerier(this.network.lcdUrl).balance({address: addr, denom});
      const amount = balance?.amount ?? '0';
      if (!/^[0-9]+$/.test(amount)) throw new ChainRequestError(`the node returned an invalid balance "${amount}"`, undefined, {code: 'CHAIN_BAD_ANSWER'});
      return BigInt(amount);
    } catch (err) {
      this.fail(err, `read the ${denom} balance of ${addr}`);
    }
  }

  /** Account number and sequence, or `null` when the account does not exist yet (never funded). */
  async account(address: string): Promise<AccountInfo | null> {
    const addr = parseAddress(address);
    const {AuthQuerier} = await loadQueryKit();
    try {
      const {account} = await new AuthQuerier(this.network.lcdUrl).account({address: addr});
      const f = account ? accountFields(account as unknown as Record<string, unknown>) : undefined;
      if (!f) return null;
      return {address: addr, ...f};
    } catch (err) {
      const body = err as {code?: unknown; message?: unknown};
      if (body && typeof body === 'object' && !isErrorLike(err) && body.code === 5) return null;
      this.fail(err, `read account ${addr}`);
    }
  }

  /**
   * A tx by hash, or `null` when the node does not know it (yet). Contract inputs, outputs, events and errors are
   * decrypted when this client's encryption key sent the tx (same key ⇒ same seed, even in a new process).
   */
  async getTx(txHash: string): Promise<TxLookup | null> {
    const hash = String(txHash ?? '').trim().toUpperCase();
    if (!/^[0-9A-F]{64}$/.test(hash)) throw new UsageError(`invalid tx hash "${txHash}" (expected 64 hex characters)`, {code: 'TX_HASH_INVALID'});
    const {client, sjs} = await this.start();
    let res: Awaited<ReturnType<SecretNetworkClient['query']['getTx']>>;
    try {
      res = await client.query.getTx(hash, {resolveResponses: false});
    } catch (err) {
      this.fail(err, `look up tx ${hash}`);
    }
    return res ? toTxLookup(sjs, res) : null;
  }

  /**
   * Waits until a tx is in a block and returns it; a failed tx → {@link TxFailedError}; not found in time →
   * {@link TxTimeoutError}.
   */
  async waitForTx(txHash: string, opts: {timeoutMs?: number; intervalMs?: number} = {}): Promise<TxLookup> {
    const timeoutMs = opts.timeoutMs ?? this.timing.broadcastTimeoutMs;
    const intervalMs = opts.intervalMs ?? this.timing.broadcastCheckIntervalMs;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const tx = await this.getTx(txHash);
      if (tx) {
        if (tx.code !== 0) throw new TxFailedError({txHash: tx.txHash, code: tx.code, codespace: tx.codespace, rawLog: tx.rawLog, height: tx.height, gasUsed: tx.gasUsed, gasWanted: tx.gasWanted});
        return tx;
      }
      if (Date.now() >= deadline) throw new TxTimeoutError(txHash.toUpperCase(), timeoutMs);
      await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
    }
  }
}

/** A read-only client for a profile (no network request until first use). */
export function readClient(profile: ClientProfile, opts: ChainClientOptions = {}): ChainClient {
  return new ChainClient(profile, opts);
}
