/** Shared fixtures of the wasm host tests: an in-memory byte storage, a gas meter, a call context, envs. */
import {encodeBech32, utf8} from '../../../contracts/common/encoding.js';
import {GasMeter} from '../../../src/devnet/node/types.js';
import type {ByteStorage, CallContext, HostEnvironment, QueryChainAnswer, VmEnv} from '../../../src/devnet/vm/index.js';

/** Byte storage over a Map keyed by hex. */
export class MapStorage implements ByteStorage {
  readonly map = new Map<string, Uint8Array>();

  get(key: Uint8Array): Uint8Array | undefined {
    const v = this.map.get(Buffer.from(key).toString('hex'));
    return v && v.slice();
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.map.set(Buffer.from(key).toString('hex'), value.slice());
  }

  remove(key: Uint8Array): void {
    this.map.delete(Buffer.from(key).toString('hex'));
  }

  /** Entries as UTF-8 key → hex value. */
  dump(): Record<string, string> {
    return Object.fromEntries([...this.map].map(([k, v]) => [Buffer.from(k, 'hex').toString('utf8'), Buffer.from(v).toString('hex')]));
  }
}

/** A host whose `query_chain` answers with `answer` and records requests and debug messages. */
export function recordingHost(answer: (request: unknown) => QueryChainAnswer = () => ({ok: utf8('{}')})): HostEnvironment & {
  requests: unknown[];
  logs: string[];
} {
  const requests: unknown[] = [];
  const logs: string[] = [];
  return {
    requests,
    logs,
    queryChain: (request) => {
      requests.push(request);
      return answer(request);
    },
    debug: (message) => logs.push(message),
  };
}

/** A call context over `storage` with a fresh meter of `limit` gas. */
export function context(storage: ByteStorage, opts: {limit?: number; host?: HostEnvironment; readonly?: boolean} = {}): CallContext & {gas: GasMeter} {
  return {storage, readonly: opts.readonly ?? false, host: opts.host ?? recordingHost(), gas: new GasMeter(opts.limit ?? 10_000_000)};
}

export const CONTRACT = encodeBech32('secret', new Uint8Array(20).fill(9));

export const ENV: VmEnv = {
  block: {height: 7, time: 1_700_000_000, chain_id: 'secretdev-1'},
  transaction: {index: 0, hash: 'AB'.repeat(32)},
  contract: {address: CONTRACT, code_hash: 'cd'.repeat(32)},
};

export const SENDER = 'secret1jx9mh97y0r33wrzjkptxynkfa7e454ff63s7yz';

/** UTF-8 of a message's JSON. */
export function msg(value: unknown): Uint8Array {
  return utf8(JSON.stringify(value));
}

/** The JSON of bytes. */
export function json(bytes: Uint8Array | null | undefined): unknown {
  return bytes ? JSON.parse(Buffer.from(bytes).toString('utf8')) : undefined;
}
