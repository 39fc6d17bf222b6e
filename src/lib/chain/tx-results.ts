/**
 * Txs in the CLI's own terms: results, events and lookups, mapped from secretjs's TxResponse (§5: the `data` of an
 * execute is wrapped in `MsgExecuteContractResponse`).
 */
import type {TxResponse} from 'secretjs';
import {parseContractAnswer, utf8OrUndefined} from './answers.js';
import type {Secretjs} from './secretjs.js';

/** Protobuf type URL of `MsgExecuteContract`. */
export const MSG_EXECUTE_CONTRACT = '/secret.compute.v1beta1.MsgExecuteContract';
/** Protobuf type URL of a bank `MsgSend`. */
export const MSG_SEND = '/cosmos.bank.v1beta1.MsgSend';

/** One event of a tx result, with `wasm` attributes decrypted when this client sent the tx. */
export interface ChainEvent {
  type: string;
  attributes: Array<{key: string; value: string}>;
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

/** Values of attribute `key` in events of `type` (e.g. `wasm`, `message`), in order. */
export function eventValues(events: ChainEvent[], type: string, key: string): string[] {
  const out: string[] = [];
  for (const e of events) if (e.type === type) for (const a of e.attributes) if (a.key === key) out.push(a.value);
  return out;
}

function mapEvents(events: TxResponse['events'] | undefined): ChainEvent[] {
  return (events ?? []).map((e) => ({
    type: String(e.type ?? ''),
    attributes: (e.attributes ?? []).map((a) => ({key: String(a.key ?? ''), value: String(a.value ?? '')})),
  }));
}

/** Maps a secretjs TxResponse, decoding each contract message's `data` (`types`: each message's type URL). */
export function toTxResult(sjs: Secretjs, res: TxResponse, types: string[]): TxResult {
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

/** Maps a looked-up tx: its result, code, log and decoded input messages. */
export function toTxLookup(sjs: Secretjs, res: TxResponse): TxLookup {
  const messages = (res.tx?.body?.messages ?? []) as Array<Record<string, unknown>>;
  return {
    ...toTxResult(sjs, res, messages.map((m) => String(m['@type'] ?? ''))),
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
