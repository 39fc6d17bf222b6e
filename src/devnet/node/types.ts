/**
 * Constants, errors, result shapes and small helpers shared by the parts of the devnet node (ante, bank, wasm,
 * router, chain), over the contract frame of `contracts/common/types.ts`.
 */
import {ContractError, type Coin} from '../../../contracts/common/types.js';
import {sha256, toBase64, utf8} from '../../../contracts/common/encoding.js';
import {addressFromBytes, type AesSiv} from '../crypto.js';
import type {ContractRecord, StorageObserver} from '../store.js';
import type {Any, MsgExecuteContract, MsgInstantiateContract, MsgSend, MsgStoreCode} from './codec.js';
import {ContractFailure} from '../vm/index.js';
import {GAS} from '../gas.js';

// ---------------------------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------------------------

/** Native staking/fee denom. */
export const NATIVE_DENOM = 'uscrt';

/** The chain's gas costs (`src/devnet/gas.ts`, beside the wasm host's). */
export {GAS, WASM_GAS} from '../gas.js';

/** Longest memo the SDK accepts (`MaxMemoCharacters`). */
export const MAX_MEMO_CHARACTERS = 256;
/** Deepest chain of nested contract calls (submessages) or cross-contract queries. */
export const MAX_CALL_DEPTH = 10;
/** Module account receiving fees: first 20 bytes of SHA-256("fee_collector") (Cosmos module address rule). */
export const FEE_COLLECTOR_ADDRESS = addressFromBytes(sha256(utf8('fee_collector')).subarray(0, 20));

export const DENOM_RE = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
export const AMOUNT_RE = /^[0-9]{1,78}$/;
export const CODE_HASH_RE = /^[0-9a-f]{64}$/;
/** Prefix of an error raised by a submessage, once per nesting level. */
export const NESTED_PREFIX = 'dispatch: submessages: ';

// ---------------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------------

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

export function attr(key: string, value: string): EventAttribute {
  return {key, value, index: true};
}

export function coinsToString(coins: readonly Coin[]): string {
  return coins.map((c) => `${c.amount}${c.denom}`).join(',');
}

/** RFC 3339 UTC time of Unix seconds, without fractional seconds. */
export function rfc3339(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Validates coins (denom syntax, positive integer amounts, no duplicate denoms). */
export function validateCoins(coins: readonly Coin[], allowEmpty: boolean): Coin[] {
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
export function contractErrorText(err: unknown): string {
  if (err instanceof ContractFailure) return err.text;
  if (err instanceof ContractError) return `Generic error: ${err.message}`;
  if (err instanceof Error) return `Generic error: ${err.message}`;
  return `Generic error: ${String(err)}`;
}

/**
 * Encrypts an error for the caller as the enclave does (§6.1): JSON-serialise the string, drop the surrounding
 * quotes, AES-SIV with the message key, base64.
 */
export function encryptError(cipher: AesSiv, text: string): string {
  const plain = JSON.stringify(text).slice(1, -1);
  return toBase64(cipher.seal(utf8(plain)));
}

/** The JSON bytes of a TypeScript contract's answer; undefined for no answer. */
export function answerBytes(answer: unknown): Uint8Array | undefined {
  if (answer === undefined) return undefined;
  const json = JSON.stringify(answer);
  return json === undefined ? undefined : utf8(json);
}

/** Encrypts a contract answer's bytes: the ASCII text of base64(bytes), AES-SIV with the message key (§5). */
export function encryptAnswer(cipher: AesSiv, answer: Uint8Array | undefined): Uint8Array {
  if (answer === undefined) return new Uint8Array(0);
  return cipher.seal(utf8(Buffer.from(answer).toString('base64')));
}

/** Gas meter with a limit; `check` throws code 11 (out of gas) past the limit. */
export class GasMeter implements StorageObserver {
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

export interface OpenedInput {
  cipher: AesSiv;
  msg: unknown;
  /** The JSON text as sent (what a wasm contract receives). */
  text: string;
  /** Length of the JSON text, for gas. */
  length: number;
}

export type DecodedMsg =
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
      label: string;
      admin: string;
      funds: Coin[];
      input: OpenedInput;
      json: Record<string, unknown>;
    }
  | {kind: 'send'; signer: string; to: string; amount: Coin[]; json: Record<string, unknown>}
  | {
      kind: 'storeCode';
      signer: string;
      /** The unzipped wasm. */
      wasm: Uint8Array;
      codeHash: string;
      source: string;
      builder: string;
      json: Record<string, unknown>;
    };

/** A message decoded from its `Any` (once, at CheckTx), with its signer. */
export type RawMsg =
  | {type: 'execute'; signer: string; m: ReturnType<typeof MsgExecuteContract.decode>}
  | {type: 'instantiate'; signer: string; m: ReturnType<typeof MsgInstantiateContract.decode>}
  | {type: 'send'; signer: string; m: ReturnType<typeof MsgSend.decode>}
  | {type: 'storeCode'; signer: string; m: ReturnType<typeof MsgStoreCode.decode>};

export interface DecodedTx {
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
export interface ExecContext {
  height: number;
  time: number;
  gas: GasMeter;
  /** Cipher of the top-level message being executed (outputs of nested calls use it too). */
  cipher: AesSiv | null;
  msgIndex: number;
  events: TxEvent[];
  /** Lower-case hex hash of the tx (wasm contracts' `env.transaction.hash`). */
  txHash?: string;
}

/** A CheckTx answer or an empty E6 `tx_response` (no height, no events). */
export function emptyResponse(txhash: string, code: number, codespace: string, rawLog: string): TxResponseJson {
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

/** The raw_log of an error: message-scoped errors get `failed to execute message; message index: i: `. */
export function renderLog(err: TxError, msgIndex: number): string {
  if (!err.messageScoped || msgIndex < 0) return err.log;
  return `failed to execute message; message index: ${msgIndex}: ${err.log}`;
}

