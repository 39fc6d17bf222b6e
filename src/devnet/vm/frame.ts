/**
 * A wasm contract's results in the shape of the TypeScript contract frame (`contracts/common/types.ts`), which
 * the devnet's router and the contract tests' harness use: `data` parsed from its JSON bytes, attributes with
 * `plaintext = !encrypted`, messages as `{wasm_execute: …}` / `{bank_send: …}` (a `wasm_execute` keeps the exact
 * bytes of its message too), anything else as `{unsupported: description}`.
 */
import type {Coin, Response} from '../../../contracts/common/types.js';
import type {VmResponse, VmSubMsg} from './result.js';

/** A frame `wasm_execute` with the exact message bytes when the sender is wasm. */
export interface FrameWasmExecute {
  contract_addr: string;
  code_hash: string;
  /** The message as JSON (undefined when the bytes are not JSON). */
  msg: unknown;
  funds: Coin[];
  msgBytes?: Uint8Array;
}

/** A submessage as the router runs it. */
export type FrameSubMsg =
  | {wasm_execute: FrameWasmExecute}
  | {bank_send: {to_address: string; amount: Coin[]}}
  | {unsupported: string};

/** JSON of bytes, or undefined when they are not JSON. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The frame form of one VM submessage. */
export function toFrameMessage(m: VmSubMsg): FrameSubMsg {
  switch (m.kind) {
    case 'wasm_execute':
      return {wasm_execute: {contract_addr: m.contractAddr, code_hash: m.codeHash, msg: parseJsonBytes(m.msg), funds: m.funds, msgBytes: m.msg}};
    case 'bank_send':
      return {bank_send: {to_address: m.toAddress, amount: m.amount}};
    default:
      return {unsupported: m.description};
  }
}

/**
 * The frame `Response` of a VM response, exactly as a TypeScript contract would return it (messages without their
 * bytes, so tests compare them as before); custom events are kept beside it.
 */
export function toFrameResponse(r: VmResponse): Response & {events: VmResponse['events']; messages: FrameSubMsg[]} {
  const messages = r.messages.map(toFrameMessage).map((m) => {
    if (!('wasm_execute' in m)) return m;
    const {msgBytes: _bytes, ...plain} = m.wasm_execute;
    return {wasm_execute: plain};
  });
  const response = {
    attributes: r.attributes.map((a) => (a.encrypted ? {key: a.key, value: a.value} : {key: a.key, value: a.value, plaintext: true})),
    messages,
  } as Response & {events: VmResponse['events']; messages: FrameSubMsg[]};
  // not enumerable: a response compares equal to the TypeScript contract's, which has no events
  Object.defineProperty(response, 'events', {value: r.events, enumerable: false});
  if (r.data !== null) response.data = parseJsonBytes(r.data) ?? Buffer.from(r.data).toString('utf8');
  return response;
}
