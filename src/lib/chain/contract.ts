/**
 * A generic typed contract client bound to one deployed contract. Every query and execute passes the code hash
 * (never left to secretjs to look up; that would cost a request and print a warning per call).
 */
import {UsageError} from '../errors.js';
import {parseAddress} from './address.js';
import type {Coin} from './amounts.js';
import type {ChainClient, ChainEvent, ContractRef, ExecuteResult, SigningClient, TxMsg, TxSettings} from './client.js';
import {ViewingKeyError} from './errors.js';
import {GAS_LIMITS} from './gas.js';

const CODE_HASH_RE = /^[0-9a-f]{64}$/;

/** A contract as configured: its code hash may be absent (it is then asked of the node once). */
export interface ContractBinding {
  address: string;
  codeHash?: string;
}

/** Options of one execute. */
export interface ExecuteOptions extends TxSettings {
  /** Native funds sent with the message (`sent_funds`), base units. */
  funds?: Coin[];
}

/** One message of {@link ContractClient.executeMany}: the message alone, or with funds. */
export type ManyItem<E> = E | {msg: E; funds?: Coin[]};

/** Result of a multi-message tx. */
export interface ExecuteManyResult {
  txHash: string;
  height: number;
  /** Per message: the contract's decoded answer. */
  data: unknown[];
  events: ChainEvent[];
  gasUsed: number;
}

/** Normalises a configured code hash (strips `0x`, lower-cases) and checks it is 64 hex characters. */
export function normalizeCodeHash(codeHash: string, what = 'code hash'): string {
  const h = String(codeHash).trim().replace(/^0x/i, '').toLowerCase();
  if (!CODE_HASH_RE.test(h)) {
    throw new UsageError(`invalid ${what} "${codeHash}": expected 64 hex characters`, {code: 'CODE_HASH_INVALID'});
  }
  return h;
}

/** `opts` with `gasLimit` defaulting to `limit` (an explicit `undefined` does not erase the default). */
export function withGas<O extends TxSettings>(limit: number, opts: O): O & {gasLimit: number} {
  return {...opts, gasLimit: opts.gasLimit ?? limit};
}

/** True when an answer is a SNIP-20-style `{"viewing_key_error":{"msg":…}}`. */
export function isViewingKeyError(answer: unknown): answer is {viewing_key_error: {msg?: string}} {
  return typeof answer === 'object' && answer !== null && !Array.isArray(answer) && 'viewing_key_error' in answer;
}

/**
 * A contract client: `Q` is the union of its query messages, `E` of its execute messages (e.g. from the
 * generated `contracts/<name>/types.ts`).
 */
export class ContractClient<Q extends object = object, E extends object = object> {
  /** `secret1…` address of the contract. */
  readonly address: string;
  private codeHash?: string;
  private resolving?: Promise<ContractRef>;

  /**
   * @param chain the client queries go through (a read or signing client of the same network)
   * @param binding address and (normally) code hash
   * @param label a name for messages, e.g. `paymentToken`
   * @param defaultGas gas limit of an execute when the caller gives none
   */
  constructor(
    readonly chain: ChainClient,
    binding: ContractBinding,
    readonly label: string,
    protected readonly defaultGas: number = GAS_LIMITS.execute,
  ) {
    this.address = parseAddress(binding.address, `${label} contract address`);
    if (binding.codeHash !== undefined && binding.codeHash !== '') this.codeHash = normalizeCodeHash(binding.codeHash, `${label} code hash`);
  }

  /** Address and code hash; the code hash is looked up once when it was not configured. */
  ref(): Promise<ContractRef> {
    if (this.codeHash) return Promise.resolve({address: this.address, codeHash: this.codeHash});
    this.resolving ??= this.chain.codeHashOf(this.address).then(
      (h) => {
        this.codeHash = h;
        return {address: this.address, codeHash: h};
      },
      (err) => {
        this.resolving = undefined;
        throw err;
      },
    );
    return this.resolving;
  }

  /**
   * Runs a query and returns the answer parsed. Contract errors → ContractQueryError; a `viewing_key_error`
   * answer → {@link ViewingKeyError}.
   */
  async query<R = unknown>(msg: Q): Promise<R> {
    const answer = await this.chain.queryContract<R>(await this.ref(), msg, this.label);
    if (isViewingKeyError(answer)) throw new ViewingKeyError(this.address, String(answer.viewing_key_error?.msg ?? 'viewing key error'));
    return answer;
  }

  /** The tx message for `msg` (to combine messages of several contracts in one tx with `signer.broadcast`). */
  async message(msg: E, funds?: Coin[]): Promise<TxMsg> {
    return {type: 'execute', contract: await this.ref(), msg, ...(funds && funds.length ? {funds} : {})};
  }

  /** Executes one message signed by `signer`; returns the tx hash, height, decoded answer and events. */
  async execute<R = unknown>(signer: SigningClient, msg: E, opts: ExecuteOptions = {}): Promise<ExecuteResult<R>> {
    this.sameNetwork(signer);
    const {funds, ...settings} = opts;
    return signer.execute<R>(await this.ref(), msg, {funds, gasLimit: this.defaultGas, ...dropUndefined(settings)});
  }

  /**
   * Executes several messages on this contract in ONE tx: all are applied or none. The default gas limit is the
   * per-message default times the number of messages.
   */
  async executeMany(signer: SigningClient, msgs: Array<ManyItem<E>>, opts: TxSettings = {}): Promise<ExecuteManyResult> {
    this.sameNetwork(signer);
    const items = await Promise.all(msgs.map((m) => (isWithFunds(m) ? this.message(m.msg, m.funds) : this.message(m))));
    const r = await signer.broadcast(items, {gasLimit: this.defaultGas * Math.max(1, items.length), ...dropUndefined(opts)});
    return {txHash: r.txHash, height: r.height, data: r.data, events: r.events, gasUsed: r.gasUsed};
  }

  private sameNetwork(signer: SigningClient): void {
    if (signer.network.chainId !== this.chain.network.chainId) {
      throw new UsageError(`the signer is on chain ${signer.network.chainId} but contract ${this.label} is on ${this.chain.network.chainId}`, {
        code: 'NETWORK_MISMATCH',
      });
    }
  }
}

function isWithFunds<E>(m: ManyItem<E>): m is {msg: E; funds?: Coin[]} {
  return typeof m === 'object' && m !== null && 'msg' in m && Object.keys(m).every((k) => k === 'msg' || k === 'funds');
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
