/**
 * Chain clients: the one way the CLI speaks to a Secret Network LCD endpoint (the embedded devnet, pulsar-3,
 * secret-4), always through secretjs and always with the same code path.
 *
 * - {@link readClient}: no wallet; contract queries, balances, accounts, txs.
 * - {@link signingClient}: a wallet from a mnemonic; signs and broadcasts, with an encryption seed derived from
 *   the key so that a later process with the same key can decrypt its own past txs (`secret-lcd-devnet.md` §3a).
 *
 * Quirks handled here (`secret-lcd-devnet.md` §1, §3, §6, §8, §10): trailing slashes of the LCD URL; contract
 * query errors that secretjs would return as strings; space-padded answers; failed txs that do not throw; the
 * `data` of an execute wrapped in `MsgExecuteContractResponse`; secretjs's 6 s poll interval and 25 000 default
 * gas; thrown JSON bodies and network errors (→ {@link normalizeChainError}).
 */
import {concatBytes, fromUtf8, sha256, sha256Hex, utf8} from '../../../contracts/common/encoding.js';
import type {EncryptionUtilsImpl, SecretNetworkClient, TxOptions, TxResponse, Wallet} from 'secretjs';
import type {ContractRef, NetworkProfile} from '../config/index.js';
import {SecretaiError, UsageError} from '../errors.js';
import {normalizeMnemonic} from '../keys/index.js';
import {parseAddress} from './address.js';
import {USCRT, type Coin} from './amounts.js';
import {
  ChainRequestError,
  condense,
  ContractQueryError,
  isErrorLike,
  isLocalNetwork,
  normalizeChainError,
  TxFailedError,
  TxTimeoutError,
  BroadcastRejectedError,
  type ChainErrorContext,
} from './errors.js';
import {GAS_LIMITS, gasForStoreCode} from './gas.js';
import {DEFAULT_REQUEST_TIMEOUT_MS, loadComputeGateway, loadSecretjs, registerLcd, type Secretjs} from './secretjs.js';

/** A deployed contract: bech32 address and code hash (64 lower-case hex, always sent with every message). */
export type {ContractRef};

/** Protobuf type URL of `MsgExecuteContract`. */
export const MSG_EXECUTE_CONTRACT = '/secret.compute.v1beta1.MsgExecuteContract';
/** Protobuf type URL of a bank `MsgSend`. */
export const MSG_SEND = '/cosmos.bank.v1beta1.MsgSend';
/** Protobuf type URL of `MsgStoreCode` (upload contract code). */
export const MSG_STORE_CODE = '/secret.compute.v1beta1.MsgStoreCode';
/** Protobuf type URL of `MsgInstantiateContract`. */
export const MSG_INSTANTIATE_CONTRACT = '/secret.compute.v1beta1.MsgInstantiateContract';

/** Domain tag of the tx encryption seed: seed = SHA-256(tag ‖ secp256k1 private key). */
export const ENCRYPTION_SEED_TAG = 'secretai/v1/tx-encryption-seed';

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

/** One event of a tx result, with `wasm` attributes decrypted when this client sent the tx. */
export interface ChainEvent {
  type: string;
  attributes: Array<{key: string; value: string}>;
}

/** A message of a tx, in the CLI's own terms. */
export type TxMsg =
  | {type: 'execute'; contract: ContractRef; msg: object; funds?: Coin[]}
  | {type: 'send'; to: string; amount: Coin[]}
  /** Upload contract code (wasm, or gzip-compressed wasm). */
  | {type: 'store'; wasm: Uint8Array; source?: string; builder?: string}
  /** Instantiate stored code; `label` must be unique on the chain. */
  | {type: 'instantiate'; codeId: number; codeHash: string; msg: object; label: string; funds?: Coin[]; admin?: string};

const MSG_TYPE_URLS: Record<TxMsg['type'], string> = {
  execute: MSG_EXECUTE_CONTRACT,
  send: MSG_SEND,
  store: MSG_STORE_CODE,
  instantiate: MSG_INSTANTIATE_CONTRACT,
};

/** Default gas limit of one message: per kind, and for code uploads per byte. */
function defaultGas(m: TxMsg): number {
  if (m.type === 'store') return gasForStoreCode(m.wasm.length);
  if (m.type === 'instantiate') return GAS_LIMITS.instantiate;
  return m.type === 'execute' ? GAS_LIMITS.execute : GAS_LIMITS.bankSend;
}

/** Options of a signed tx. */
export interface TxSettings {
  /** Gas limit (gas units). Default: {@link GAS_LIMITS.execute} per contract message, {@link GAS_LIMITS.bankSend} per send. */
  gasLimit?: number;
  /** Tx memo (public, plaintext). */
  memo?: string;
  /** Use this account sequence instead of asking the node (batching, tests). */
  sequence?: number;
  /** How many times to re-sign with the sequence the node expects after a sequence mismatch (default 1). */
  sequenceRetries?: number;
}

/** The outcome of a successful tx. */
export interface TxResult {
  /** Upper-case hex SHA-256 of the broadcast tx bytes. */
  txHash: string;
  height: number;
  /** RFC 3339 block time. */
  timestamp: string;
  gasUsed: number;
  gasWanted: number;
  events: ChainEvent[];
  /**
   * Per message: the decoded answer. For contract executes, the contract's `data` parsed as JSON (trailing space
   * padding removed), the raw text when it is not JSON, or `null` when empty. Other messages: `null`.
   */
  data: unknown[];
  /** Per message: the raw (decrypted when possible) `msg_responses[i].value` bytes. */
  msgResponses: Uint8Array[];
}

/** A tx looked up by hash: a {@link TxResult} plus its code and log (it may have failed). */
export interface TxLookup extends TxResult {
  code: number;
  codespace: string;
  rawLog: string;
  /** Decoded input messages (contract messages decrypted when this client's key sent them). */
  messages: Array<{type: string; msg?: unknown; contract?: string; sender?: string}>;
}

/** Account facts needed to sign. */
export interface AccountInfo {
  address: string;
  accountNumber: number;
  sequence: number;
}

/** Tuning a client (tests and commands with special needs). */
export interface ChainClientOptions extends Partial<ChainTiming> {}

type Network = {name: string; chainId: string; lcdUrl: string};

/** Decodes standard base64 strictly (undefined when `s` is not base64). */
function strictBase64(s: string): Uint8Array | undefined {
  if (s.length === 0 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** UTF-8 text of bytes, or undefined when they are not valid UTF-8. */
function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return fromUtf8(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Parses a contract answer: space padding (SNIP-20 pads to 256-byte blocks) trimmed, then JSON; `null` when empty;
 * the trimmed text itself when it is not JSON.
 */
export function parseContractAnswer(text: string): unknown {
  const t = text.trim();
  if (t === '') return null;
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}

/**
 * The text of a decrypted contract error. The enclave JSON-serialises the error and trims the surrounding quotes,
 * so escapes stay escaped (`\"`); they are undone here. CosmWasm v0.10 contracts answer an object such as
 * `{"generic_err":{"msg":"…"}}`, rendered as `Generic error: …`.
 */
export function contractErrorText(decrypted: Uint8Array): string {
  let text = utf8OrUndefined(decrypted) ?? Buffer.from(decrypted).toString('latin1');
  // secretjs tries base64 first (older enclaves); only accept it when the decoded bytes are printable UTF-8.
  const b = strictBase64(text.trim());
  if (b) {
    const inner = utf8OrUndefined(b);
    if (inner !== undefined && /^[\P{C}\s]*$/u.test(inner) && inner.trim() !== '') text = inner;
  }
  try {
    const unescaped = JSON.parse(`"${text}"`) as string;
    if (typeof unescaped === 'string') text = unescaped;
  } catch {
    /* not an escaped JSON string body; keep as is */
  }
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      const o = JSON.parse(t) as Record<string, {msg?: string}>;
      const [kind] = Object.keys(o);
      const msg = o[kind]?.msg;
      if (kind && typeof msg === 'string') return kind === 'generic_err' ? `Generic error: ${msg}` : `${kind}: ${msg}`;
    } catch {
      /* plain text that starts with a brace */
    }
  }
  return t;
}

const ENCRYPTED_ERROR_RES = [
  /encrypted: (.+?): (?:instantiate|execute|query|reply to|migrate) contract failed/,
  /(?:instantiate|execute|query|reply to|migrate) contract failed: encrypted: ([\w+/=]+)/,
];

function checkCodeHash(ref: ContractRef): string {
  const h = String(ref.codeHash ?? '').replace(/^0x/i, '').toLowerCase();
  if (!CODE_HASH_RE.test(h)) {
    throw new UsageError(`contract ${ref.address} has an invalid code hash "${ref.codeHash}" (expected 64 hex characters)`, {
      code: 'CODE_HASH_INVALID',
      suggestion: 'fix the code hash in the network profile',
    });
  }
  return h;
}

function mapEvents(events: TxResponse['events'] | undefined): ChainEvent[] {
  return (events ?? []).map((e) => ({
    type: String(e.type ?? ''),
    attributes: (e.attributes ?? []).map((a) => ({key: String(a.key ?? ''), value: String(a.value ?? '')})),
  }));
}

/** Values of attribute `key` in events of `type` (e.g. `wasm`, `message`), in order. */
export function eventValues(events: ChainEvent[], type: string, key: string): string[] {
  const out: string[] = [];
  for (const e of events) if (e.type === type) for (const a of e.attributes) if (a.key === key) out.push(a.value);
  return out;
}

/** Reads account number and sequence from any account type secretjs accepts (§3g). */
function accountFields(acct: Record<string, unknown>): {accountNumber: number; sequence: number} | undefined {
  const candidates = [acct, acct.base_account, (acct.base_vesting_account as Record<string, unknown> | undefined)?.base_account] as Array<Record<string, unknown> | undefined>;
  for (const c of candidates) {
    if (c && c.account_number !== undefined) return {accountNumber: Number(c.account_number), sequence: Number(c.sequence ?? 0)};
  }
  return undefined;
}

/** A read-only client of one network. secretjs is loaded on first use. */
export class ChainClient {
  /** The network spoken to (LCD URL without trailing slashes). */
  readonly network: Network;
  readonly timing: ChainTiming;
  readonly gasPrice: string;
  private started?: Promise<{sjs: Secretjs; client: SecretNetworkClient; enc: EncryptionUtilsImpl}>;
  private readonly codeHashes = new Map<string, string>();

  constructor(
    profile: Pick<NetworkProfile, 'name' | 'chainId' | 'lcdUrl' | 'gasPrice'>,
    opts: ChainClientOptions = {},
    private readonly walletFactory?: (sjs: Secretjs) => {wallet: Wallet; seed: Uint8Array},
  ) {
    const lcdUrl = String(profile.lcdUrl ?? '').trim().replace(/\/+$/, '');
    this.network = {name: profile.name, chainId: profile.chainId, lcdUrl};
    this.gasPrice = profile.gasPrice ?? '0.1';
    this.timing = timingFor(this.network, opts);
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

  /** secretjs, the SecretNetworkClient and its encryption context, created once. */
  protected start(): Promise<{sjs: Secretjs; client: SecretNetworkClient; enc: EncryptionUtilsImpl}> {
    this.started ??= (async () => {
      const sjs = await loadSecretjs();
      const w = this.walletFactory?.(sjs);
      const enc = new sjs.EncryptionUtilsImpl(this.network.lcdUrl, w?.seed);
      const client = new sjs.SecretNetworkClient({
        url: this.network.lcdUrl,
        chainId: this.network.chainId,
        ...(w ? {wallet: w.wallet, walletAddress: w.wallet.address} : {}),
        encryptionUtils: enc,
      });
      return {sjs, client, enc};
    })();
    return this.started;
  }

  /**
   * Queries a contract and returns its answer parsed (see {@link parseContractAnswer}). The code hash is always
   * sent. A contract error → {@link ContractQueryError} with the decrypted text; transport errors → normalised.
   */
  async queryContract<R = unknown>(ref: ContractRef, msg: object, label?: string): Promise<R> {
    const text = await this.queryContractText(ref, msg, label);
    return parseContractAnswer(text) as R;
  }

  /** Like {@link queryContract}, returning the decrypted answer text untouched (not trimmed, not parsed). */
  async queryContractText(ref: ContractRef, msg: object, label?: string): Promise<string> {
    const codeHash = checkCodeHash(ref);
    const contract = parseAddress(ref.address, 'contract address');
    const action = `query ${Object.keys(msg)[0] ?? '?'} on ${label ?? contract}`;
    const {enc} = await this.start();
    const {Query} = await loadComputeGateway();
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
      answer = await Query.QuerySecretContract({contract_address: contract, query: encrypted}, {pathPrefix: this.network.lcdUrl});
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
          throw new ChainRequestError(`the node could not run ${action}: ${condense(message)}`, (err as {code?: number}).code, {
            code: 'CONTRACT_INPUT_REJECTED',
            cause: err,
            suggestion: 'the configured code hash may not match the contract; check the network profile',
          });
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
      throw new ChainRequestError(`could not decrypt the answer of ${action}: ${condense(String((err as Error)?.message ?? err))}`, undefined, {
        code: 'DECRYPT_FAILED',
        cause: err,
        suggestion: isLocalNetwork(this.network) ? 'the devnet was reset while this command ran; run it again' : undefined,
      });
    }
    if (decrypted.length === 0) return '';
    // The plaintext is the ASCII text of base64(answer bytes) (§5).
    const b64 = utf8OrUndefined(decrypted) ?? '';
    const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
    const text = utf8OrUndefined(bytes);
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
    const {client} = await this.start();
    let hash: string | undefined;
    try {
      ({code_hash: hash} = await client.query.compute.codeHashByContractAddress({contract_address: addr}));
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
    const {client} = await this.start();
    try {
      const {balance} = await client.query.bank.balance({address: addr, denom});
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
    const {client} = await this.start();
    try {
      const {account} = await client.query.auth.account({address: addr});
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
    let res: TxResponse | null;
    try {
      res = await client.query.getTx(hash, {resolveResponses: false});
    } catch (err) {
      this.fail(err, `look up tx ${hash}`);
    }
    if (!res) return null;
    const messages = (res.tx?.body?.messages ?? []) as Array<Record<string, unknown>>;
    return {
      ...this.toResult(sjs, res, messages.map((m) => String(m['@type'] ?? ''))),
      code: res.code,
      codespace: res.codespace ?? '',
      rawLog: res.rawLog ?? '',
      messages: messages.map((m) => ({
        type: String(m['@type'] ?? ''),
        ...(m.msg !== undefined ? {msg: m.msg} : {}),
        ...(typeof m.contract === 'string' ? {contract: m.contract} : {}),
        ...(typeof m.sender === 'string' ? {sender: m.sender} : typeof m.from_address === 'string' ? {sender: m.from_address} : {}),
      })),
    };
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

  /** Maps a secretjs TxResponse, decoding each contract message's `data` (§5: `MsgExecuteContractResponse.data`). */
  protected toResult(sjs: Secretjs, res: TxResponse, types: string[]): TxResult {
    const msgResponses = (res.data ?? []).map((d) => new Uint8Array(d));
    const data = msgResponses.map((bytes, i) => {
      if (types[i] !== MSG_EXECUTE_CONTRACT) return null;
      try {
        const inner = sjs.MsgExecuteContractResponse.decode(bytes).data;
        const text = utf8OrUndefined(inner);
        return text === undefined ? Buffer.from(inner).toString('base64') : parseContractAnswer(text);
      } catch {
        return null;
      }
    });
    return {
      txHash: res.transactionHash,
      height: res.height,
      timestamp: res.timestamp,
      gasUsed: res.gasUsed,
      gasWanted: res.gasWanted,
      events: mapEvents(res.events),
      data,
      msgResponses,
    };
  }
}

/** Result of one contract execute. */
export interface ExecuteResult<R> {
  txHash: string;
  height: number;
  /** The contract's answer (parsed JSON, padding removed). */
  data: R;
  events: ChainEvent[];
  gasUsed: number;
}

/** A client with a wallet: everything {@link ChainClient} does, plus signing. */
export class SigningClient extends ChainClient {
  /** The signer's `secret1…` address. */
  readonly address: string;
  /** 33-byte compressed secp256k1 public key of the signer. */
  readonly publicKey: Uint8Array;

  constructor(profile: Pick<NetworkProfile, 'name' | 'chainId' | 'lcdUrl' | 'gasPrice'>, wallet: Wallet, seed: Uint8Array, opts: ChainClientOptions = {}) {
    super(profile, opts, () => ({wallet, seed}));
    this.address = wallet.address;
    this.publicKey = wallet.publicKey;
  }

  protected override errorContext(action?: string, extra: Partial<ChainErrorContext> = {}): ChainErrorContext {
    return {...super.errorContext(action, extra), signer: this.address};
  }

  /** The underlying SecretNetworkClient (permit signing). Not for general use: go through the typed methods. */
  async secretjsClient(): Promise<SecretNetworkClient> {
    return (await this.start()).client;
  }

  /**
   * Signs and broadcasts `msgs` as ONE tx (all succeed or none), waits for it and returns the result.
   * CheckTx rejections → {@link BroadcastRejectedError} (a sequence mismatch is retried with the expected
   * sequence, `sequenceRetries` times); a failed tx → {@link TxFailedError} with the decrypted log.
   */
  async broadcast(msgs: TxMsg[], settings: TxSettings = {}): Promise<TxResult> {
    if (msgs.length === 0) throw new UsageError('a transaction needs at least one message', {code: 'TX_EMPTY'});
    const {sjs, client} = await this.start();
    const sdkMsgs = msgs.map((m) => this.toSdkMsg(sjs, m));
    const types = msgs.map((m) => MSG_TYPE_URLS[m.type]);
    const gasLimit = settings.gasLimit ?? msgs.reduce((g, m) => g + defaultGas(m), 0);
    if (!Number.isSafeInteger(gasLimit) || gasLimit <= 0) throw new UsageError(`invalid gas limit ${gasLimit}`, {code: 'GAS_INVALID'});
    const action = `broadcast ${describeMsgs(msgs)}`;
    let retries = settings.sequenceRetries ?? 1;
    let sequence = settings.sequence;
    for (;;) {
      const txOptions: TxOptions = {
        gasLimit,
        gasPriceInFeeDenom: Number(this.gasPrice),
        feeDenom: USCRT,
        memo: settings.memo ?? '',
        broadcastTimeoutMs: this.timing.broadcastTimeoutMs,
        broadcastCheckIntervalMs: this.timing.broadcastCheckIntervalMs,
        waitForCommit: true,
      };
      if (sequence !== undefined) {
        const acct = await this.account(this.address);
        txOptions.explicitSignerData = {accountNumber: acct?.accountNumber ?? 0, sequence, chainId: this.network.chainId};
      }
      let txBytes: Uint8Array;
      try {
        txBytes = await client.tx.signTx(sdkMsgs, txOptions);
      } catch (err) {
        this.fail(err, `sign ${describeMsgs(msgs)}`);
      }
      const txHash = sha256Hex(txBytes).toUpperCase();
      let res: TxResponse;
      try {
        res = await client.tx.broadcastSignedTx(txBytes, txOptions);
      } catch (err) {
        const e = normalizeChainError(err, this.errorContext(action, {txHash}));
        if (e instanceof BroadcastRejectedError && e.code === 'SEQUENCE_MISMATCH' && e.expectedSequence !== undefined && retries > 0) {
          retries--;
          sequence = e.expectedSequence;
          continue;
        }
        if (e instanceof TxTimeoutError) throw e;
        if (e instanceof SecretaiError && e.exitCode === 3) {
          // The node went away after the tx may have been accepted: say which tx to look for.
          throw Object.assign(e, {details: {...((e as {details?: object}).details ?? {}), txHash}});
        }
        throw e;
      }
      if (res.code !== 0) {
        throw new TxFailedError({txHash: res.transactionHash ?? txHash, code: res.code, codespace: res.codespace ?? '', rawLog: res.rawLog ?? '', height: res.height, gasUsed: res.gasUsed, gasWanted: res.gasWanted});
      }
      return this.toResult(sjs, res, types);
    }
  }

  /** Executes one contract message; returns the contract's decoded answer. */
  async execute<R = unknown>(contract: ContractRef, msg: object, opts: {funds?: Coin[]} & TxSettings = {}): Promise<ExecuteResult<R>> {
    const {funds, ...settings} = opts;
    const r = await this.broadcast([{type: 'execute', contract, msg, funds}], settings);
    return {txHash: r.txHash, height: r.height, data: r.data[0] as R, events: r.events, gasUsed: r.gasUsed};
  }

  /** Sends native coins (`MsgSend`). `amount` in uscrt. */
  async send(to: string, amount: bigint | Coin[], settings: TxSettings = {}): Promise<TxResult> {
    const coins = Array.isArray(amount) ? amount : [{denom: USCRT, amount: amount.toString()}];
    return this.broadcast([{type: 'send', to, amount: coins}], {gasLimit: GAS_LIMITS.bankSend, ...settings});
  }

  /** Broadcasts without waiting for a block; returns the tx hash (follow with {@link waitForTx}). */
  async broadcastNoWait(msgs: TxMsg[], settings: TxSettings = {}): Promise<{txHash: string}> {
    const {sjs, client} = await this.start();
    const sdkMsgs = msgs.map((m) => this.toSdkMsg(sjs, m));
    const gasLimit = settings.gasLimit ?? msgs.reduce((g, m) => g + defaultGas(m), 0);
    const txOptions: TxOptions = {gasLimit, gasPriceInFeeDenom: Number(this.gasPrice), feeDenom: USCRT, memo: settings.memo ?? '', waitForCommit: false};
    if (settings.sequence !== undefined) {
      const acct = await this.account(this.address);
      txOptions.explicitSignerData = {accountNumber: acct?.accountNumber ?? 0, sequence: settings.sequence, chainId: this.network.chainId};
    }
    try {
      const bytes = await client.tx.signTx(sdkMsgs, txOptions);
      const txHash = sha256Hex(bytes).toUpperCase();
      await client.tx.broadcastSignedTx(bytes, txOptions);
      return {txHash};
    } catch (err) {
      this.fail(err, `broadcast ${describeMsgs(msgs)}`);
    }
  }

  private toSdkMsg(sjs: Secretjs, m: TxMsg) {
    if (m.type === 'execute') {
      const codeHash = checkCodeHash(m.contract);
      return new sjs.MsgExecuteContract({
        sender: this.address,
        contract_address: parseAddress(m.contract.address, 'contract address'),
        code_hash: codeHash,
        msg: m.msg,
        sent_funds: m.funds ?? [],
      });
    }
    if (m.type === 'store') return new sjs.MsgStoreCode({sender: this.address, wasm_byte_code: m.wasm, source: m.source ?? '', builder: m.builder ?? ''});
    if (m.type === 'instantiate') {
      return new sjs.MsgInstantiateContract({
        sender: this.address,
        code_id: m.codeId,
        code_hash: checkCodeHash({address: `code ${m.codeId}`, codeHash: m.codeHash}),
        init_msg: m.msg,
        label: m.label,
        init_funds: m.funds ?? [],
        ...(m.admin ? {admin: parseAddress(m.admin, 'contract admin')} : {}),
      });
    }
    return new sjs.MsgSend({from_address: this.address, to_address: parseAddress(m.to, 'recipient'), amount: m.amount});
  }
}

function describeMsgs(msgs: TxMsg[]): string {
  return msgs
    .map((m) => (m.type === 'execute' ? Object.keys(m.msg)[0] ?? 'execute' : m.type === 'instantiate' ? `instantiate ${m.label}` : m.type === 'store' ? 'store code' : 'send'))
    .join(', ');
}

/** The tx encryption seed of a wallet: SHA-256(`secretai/v1/tx-encryption-seed` ‖ private key), 32 bytes. */
export function encryptionSeedFor(privateKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8(ENCRYPTION_SEED_TAG), privateKey));
}

/** A read-only client for a profile (no network request until first use). */
export function readClient(profile: Pick<NetworkProfile, 'name' | 'chainId' | 'lcdUrl' | 'gasPrice'>, opts: ChainClientOptions = {}): ChainClient {
  return new ChainClient(profile, opts);
}

/**
 * A signing client for a profile and a BIP-39 mnemonic (path m/44'/529'/0'/0/0). The tx encryption seed is derived
 * from the key ({@link encryptionSeedFor}), so the same key decrypts its own txs in any later process.
 */
export async function signingClient(profile: Pick<NetworkProfile, 'name' | 'chainId' | 'lcdUrl' | 'gasPrice'>, mnemonic: string, opts: ChainClientOptions = {}): Promise<SigningClient> {
  // secretjs would make a random wallet from an empty string and accept any words: check first (BIP-39 checksum).
  const words = await normalizeMnemonic(mnemonic);
  const sjs = await loadSecretjs();
  let wallet: Wallet;
  try {
    wallet = new sjs.Wallet(words);
  } catch {
    // Never echo the mnemonic.
    throw new UsageError('the key\'s mnemonic is not valid', {code: 'MNEMONIC_INVALID'});
  }
  return new SigningClient(profile, wallet, encryptionSeedFor(wallet.privateKey), opts);
}
