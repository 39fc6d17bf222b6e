/**
 * The results a contract returns, parsed: `instantiate`/`execute` give `{"Ok": Response}` or `{"Err": text}`,
 * `query` gives `{"Ok": "<base64 answer>"}` or `{"Err": text}` (Secret's `ContractResult` spelling; cosmwasm's
 * `ok`/`error` and the v0.10 `StdError` objects are accepted too). A result that does not parse is a
 * {@link VmError}; a contract error is returned as such, for the chain to encrypt for the caller.
 */
import type {Coin} from '../../../contracts/common/types.js';
import {fromBase64} from '../../../contracts/common/encoding.js';
import {VmError} from './errors.js';

/** One attribute of a response or event; `encrypted` defaults to true (Secret). */
export interface VmAttribute {
  key: string;
  value: string;
  encrypted: boolean;
}

/** A custom event of a response (`wasm-<type>` on chain). */
export interface VmEvent {
  type: string;
  attributes: VmAttribute[];
}

/** A message a contract asks the chain to run after it returns. */
export type VmSubMsg =
  | {kind: 'wasm_execute'; contractAddr: string; codeHash: string; msg: Uint8Array; funds: Coin[]}
  | {kind: 'bank_send'; toAddress: string; amount: Coin[]}
  /** Anything the devnet does not run (other message types, replies): rejected by the chain. */
  | {kind: 'unsupported'; description: string};

/** A successful `instantiate`/`execute`. */
export interface VmResponse {
  messages: VmSubMsg[];
  attributes: VmAttribute[];
  events: VmEvent[];
  /** The answer bytes (`data`), or null. */
  data: Uint8Array | null;
}

/** A contract outcome: its value, or its error text. */
export type Outcome<T> = {ok: true; value: T} | {ok: false; error: string};

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new VmError(`contract result is not JSON: ${(err as Error).message}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new VmError(`contract result: ${what} must be a string`);
  return v;
}

function base64(v: unknown, what: string): Uint8Array {
  try {
    return fromBase64(str(v, what));
  } catch (err) {
    if (err instanceof VmError) throw err;
    throw new VmError(`contract result: ${what} is not base64`);
  }
}

/** The error text of an `Err` value: a string, or a v0.10 `StdError` object. */
export function errorText(err: unknown): string {
  if (typeof err === 'string') return err;
  if (isObject(err)) {
    const [variant, body] = Object.entries(err)[0] ?? [];
    const b = isObject(body) ? body : {};
    if (variant === 'generic_err' && typeof b.msg === 'string') return `Generic error: ${b.msg}`;
    if (variant === 'not_found' && typeof b.kind === 'string') return `${b.kind} not found`;
    if (variant === 'unauthorized') return 'Unauthorized';
    if (variant !== undefined) return `${variant}: ${JSON.stringify(body)}`;
  }
  return JSON.stringify(err);
}

/** `Ok`/`Err` of a result object in any accepted spelling. */
function envelope(result: unknown): {ok: unknown} | {err: unknown} {
  if (!isObject(result)) throw new VmError('contract result must be a JSON object');
  if ('Ok' in result) return {ok: result.Ok};
  if ('ok' in result) return {ok: result.ok};
  if ('Err' in result) return {err: result.Err};
  if ('error' in result) return {err: result.error};
  if ('err' in result) return {err: result.err};
  throw new VmError(`contract result has neither Ok nor Err: ${JSON.stringify(result).slice(0, 200)}`);
}

function coins(v: unknown, what: string): Coin[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new VmError(`contract result: ${what} must be a list`);
  return v.map((c) => {
    if (!isObject(c)) throw new VmError(`contract result: ${what} entries must be coins`);
    return {denom: str(c.denom, `${what}.denom`), amount: str(c.amount, `${what}.amount`)};
  });
}

function attributes(v: unknown, what: string): VmAttribute[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new VmError(`contract result: ${what} must be a list`);
  return v.map((a) => {
    if (!isObject(a)) throw new VmError(`contract result: ${what} entries must be objects`);
    return {key: str(a.key, `${what}.key`), value: str(a.value, `${what}.value`), encrypted: a.encrypted !== false};
  });
}

/** One SubMsg (`{id, msg, gas_limit, reply_on}`) or, leniently, a bare CosmosMsg. */
function subMsg(v: unknown): VmSubMsg {
  if (!isObject(v)) throw new VmError('contract result: messages must be objects');
  const msg = 'msg' in v ? v.msg : v;
  const replyOn = v.reply_on ?? 'never';
  if (replyOn !== 'never') return {kind: 'unsupported', description: `reply_on ${JSON.stringify(replyOn)}`};
  if (!isObject(msg)) throw new VmError('contract result: message must be an object');
  const wasm = isObject(msg.wasm) ? msg.wasm : undefined;
  if (wasm && isObject(wasm.execute)) {
    const e = wasm.execute;
    return {
      kind: 'wasm_execute',
      contractAddr: str(e.contract_addr, 'wasm.execute.contract_addr'),
      codeHash: str(e.code_hash, 'wasm.execute.code_hash'),
      msg: base64(e.msg, 'wasm.execute.msg'),
      funds: coins(e.funds ?? e.send, 'wasm.execute.funds'),
    };
  }
  const bank = isObject(msg.bank) ? msg.bank : undefined;
  if (bank && isObject(bank.send)) {
    return {kind: 'bank_send', toAddress: str(bank.send.to_address, 'bank.send.to_address'), amount: coins(bank.send.amount, 'bank.send.amount')};
  }
  const outer = Object.keys(msg)[0] ?? '?';
  const inner = isObject(msg[outer]) ? Object.keys(msg[outer] as object)[0] : undefined;
  return {kind: 'unsupported', description: inner ? `${outer}.${inner}` : outer};
}

/** Parses the result of `instantiate`/`execute`/`migrate`. */
export function parseResponse(bytes: Uint8Array): Outcome<VmResponse> {
  const env = envelope(parseJson(bytes));
  if ('err' in env) return {ok: false, error: errorText(env.err)};
  const r = env.ok;
  if (!isObject(r)) throw new VmError('contract result: Ok must be a Response object');
  const messages = r.messages ?? [];
  const events = r.events ?? [];
  if (!Array.isArray(messages)) throw new VmError('contract result: messages must be a list');
  if (!Array.isArray(events)) throw new VmError('contract result: events must be a list');
  return {
    ok: true,
    value: {
      messages: messages.map(subMsg),
      attributes: attributes(r.attributes, 'attributes'),
      events: events.map((e) => {
        if (!isObject(e)) throw new VmError('contract result: events must be objects');
        return {type: str(e.type, 'events.type'), attributes: attributes(e.attributes, 'events.attributes')};
      }),
      data: r.data === undefined || r.data === null ? null : base64(r.data, 'data'),
    },
  };
}

/** Parses the result of `query`: the answer bytes or the error text. */
export function parseQueryResult(bytes: Uint8Array): Outcome<Uint8Array> {
  const env = envelope(parseJson(bytes));
  if ('err' in env) return {ok: false, error: errorText(env.err)};
  return {ok: true, value: base64(env.ok, 'query answer')};
}
