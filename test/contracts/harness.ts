/**
 * In-memory chain for running the contracts in tests: Map-backed storage (values kept as JSON text, like a
 * persisted store), an `Api` on node:crypto and secretjs's bech32, and a small runner that executes messages
 * atomically (state rolls back on error) and checks every answer against the contract's answer schemas.
 *
 * A contract under test is its built wasm run by the devnet's wasm host: `new ContractHarness(wasmContract('snip20'),
 * …)` (see `wasm-contract.ts`), over the harness's `MemoryStorage`.
 */
import {createHash, createPublicKey, verify as nodeVerify} from 'node:crypto';
import {fromBech32, toBech32} from 'secretjs';
import {compileSchema, type SchemaValidator} from '../../contracts/common/schema.js';
import type {Api, Coin, Deps, Env, MessageInfo, Querier, ReadonlyDeps, Response, Storage} from '../../contracts/common/types.js';
import type {Contract} from './wasm-contract.js';

export {wasmContract, type Contract, type WasmContract, type WasmContractOptions} from './wasm-contract.js';

/** Storage over a Map of JSON strings: `get` returns a fresh copy, so callers cannot alias stored state. */
export class MemoryStorage implements Storage {
  private readonly map = new Map<string, string>();

  get<T = unknown>(key: string): T | undefined {
    const raw = this.map.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  set(key: string, value: unknown): void {
    if (value === undefined) throw new Error(`storage value for ${key} is undefined`);
    this.map.set(key, JSON.stringify(value));
  }

  remove(key: string): void {
    this.map.delete(key);
  }

  /** The stored text of a key (what a wasm contract wrote), unparsed. */
  getRaw(key: string): string | undefined {
    return this.map.get(key);
  }

  /** Stores text as is (a wasm contract's bytes as UTF-8). */
  setRaw(key: string, text: string): void {
    this.map.set(key, text);
  }

  range<T = unknown>(prefix: string, opts: {startAfter?: string; limit?: number} = {}): Array<[string, T]> {
    const keys = [...this.map.keys()].filter((k) => k.startsWith(prefix) && (opts.startAfter === undefined || k > opts.startAfter)).sort();
    return keys.slice(0, opts.limit ?? keys.length).map((k) => [k, JSON.parse(this.map.get(k)!) as T]);
  }

  /** Copy of the raw contents (for rollback and for assertions). */
  snapshot(): Map<string, string> {
    return new Map(this.map);
  }

  restore(snapshot: Map<string, string>): void {
    this.map.clear();
    for (const [k, v] of snapshot) this.map.set(k, v);
  }

  keys(): string[] {
    return [...this.map.keys()].sort();
  }
}

/** DER prefix of an SPKI `SubjectPublicKeyInfo` for a 33-byte compressed secp256k1 key (id-ecPublicKey, secp256k1). */
const SECP256K1_SPKI_PREFIX = Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex');
const COMPRESSED_PUBKEY_BYTES = 33;
const SIGNATURE_BYTES = 64;
const ADDRESS_BYTES = 20;

function verifyOverMessage(message: Uint8Array, sig: Uint8Array, pubkey: Uint8Array): boolean {
  if (pubkey.length !== COMPRESSED_PUBKEY_BYTES || sig.length !== SIGNATURE_BYTES) return false;
  try {
    const key = createPublicKey({key: Buffer.concat([SECP256K1_SPKI_PREFIX, pubkey]), format: 'der', type: 'spki'});
    return nodeVerify('sha256', message, {key, dsaEncoding: 'ieee-p1363'}, sig);
  } catch {
    return false;
  }
}

/**
 * How signatures are checked:
 * - `message` (default): the host offers `secp256k1VerifySha256`, verified with node:crypto over the message;
 * - `prehash`: only the required `secp256k1Verify(hash, …)`. Node's verifier cannot take a digest, so this Api
 *   remembers the preimage of every digest its own `sha256` produced and verifies over that preimage; digests it
 *   did not produce never verify. This exercises the contracts' fallback path.
 */
export type VerifyMode = 'message' | 'prehash';

/** An `Api` on node:crypto (SHA-256, RIPEMD-160, secp256k1 via SPKI-wrapped keys) and secretjs bech32. */
export function nodeApi(mode: VerifyMode = 'message'): Api & {verifyCalls: number} {
  const preimages = new Map<string, Uint8Array>();
  const api: Api & {verifyCalls: number} = {
    verifyCalls: 0,
    addrValidate(addr: string): boolean {
      try {
        const {prefix, data} = fromBech32(addr);
        return prefix === 'secret' && data.length === ADDRESS_BYTES && addr === addr.toLowerCase();
      } catch {
        return false;
      }
    },
    sha256(data: Uint8Array): Uint8Array {
      const digest = new Uint8Array(createHash('sha256').update(data).digest());
      if (mode === 'prehash') preimages.set(Buffer.from(digest).toString('hex'), data.slice());
      return digest;
    },
    secp256k1Verify(hash: Uint8Array, sig: Uint8Array, pubkey: Uint8Array): boolean {
      api.verifyCalls++;
      const preimage = preimages.get(Buffer.from(hash).toString('hex'));
      return preimage !== undefined && verifyOverMessage(preimage, sig, pubkey);
    },
    pubkeyToAddress(pubkey: Uint8Array): string {
      const sha = createHash('sha256').update(pubkey).digest();
      return toBech32('secret', new Uint8Array(createHash('ripemd160').update(sha).digest()));
    },
  };
  if (mode === 'message') {
    api.secp256k1VerifySha256 = (message, sig, pubkey) => {
      api.verifyCalls++;
      return verifyOverMessage(message, sig, pubkey);
    };
  }
  return api;
}

/** A valid `secret1…` address whose 20-byte payload is `seed` repeated (deterministic test accounts). */
export function testAddress(seed: number): string {
  return toBech32('secret', new Uint8Array(ADDRESS_BYTES).fill(seed));
}

/** A querier for contracts that do not query others in these tests. */
export const noQuerier: Querier = {
  queryContract() {
    throw new Error('cross-contract queries are not wired in this harness');
  },
};

/** The answer a query returned, or the contract error text. */
export type QueryOutcome = {ok: true; value: unknown} | {ok: false; error: string};

/**
 * One contract instance at `address`: runs instantiate/execute atomically and validates each answer against the
 * contract's answer schemas (`responses/<query>.json`, `responses/execute.json`), so a test fails as soon as an
 * implementation answers something its own schema does not allow.
 */
export class ContractHarness<I = unknown, E = unknown, Q = unknown> {
  readonly storage = new MemoryStorage();
  readonly env: Env;
  private readonly answerValidators = new Map<string, SchemaValidator>();

  constructor(
    readonly contract: Contract<I, E, Q>,
    readonly api: Api = nodeApi(),
    opts: {address?: string; codeHash?: string; height?: number; time?: number; chainId?: string} = {},
  ) {
    this.env = {
      block: {height: opts.height ?? 100, time: opts.time ?? 1_700_000_000, chain_id: opts.chainId ?? 'secretdev-1'},
      contract: {address: opts.address ?? testAddress(200), code_hash: opts.codeHash ?? 'ab'.repeat(32)},
    };
    for (const [name, schema] of Object.entries(contract.schemas?.responses ?? {})) {
      this.answerValidators.set(name, compileSchema(schema, `answer.${name}`));
    }
  }

  get deps(): Deps {
    return {storage: this.storage, api: this.api, querier: noQuerier};
  }

  get readonlyDeps(): ReadonlyDeps {
    return {storage: this.storage, api: this.api, querier: noQuerier};
  }

  /** Moves the block forward (one block per call, `seconds` later). */
  advance(seconds: number): void {
    this.env.block.height += 1;
    this.env.block.time += seconds;
  }

  private atomically(run: () => Response): Response {
    const before = this.storage.snapshot();
    try {
      return run();
    } catch (e) {
      this.storage.restore(before);
      throw e;
    }
  }

  instantiate(sender: string, msg: I, funds: Coin[] = []): Response {
    const info: MessageInfo = {sender, funds};
    return this.atomically(() => this.contract.instantiate(this.deps, this.env, info, msg));
  }

  execute(sender: string, msg: E, funds: Coin[] = []): Response {
    const info: MessageInfo = {sender, funds};
    const res = this.atomically(() => this.contract.execute(this.deps, this.env, info, msg));
    const validator = this.answerValidators.get('execute');
    if (validator && res.data !== undefined) validator.assert(res.data);
    return res;
  }

  /** The contract error text of a failing execute (fails the test if it succeeds). */
  executeError(sender: string, msg: E, funds: Coin[] = []): string {
    try {
      this.execute(sender, msg, funds);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error(`expected ${JSON.stringify(msg)} to fail`);
  }

  query<T = unknown>(msg: Q): T {
    const answer = this.contract.query(this.readonlyDeps, this.env, msg);
    // The message passed the contract's schema, so it has exactly one (externally tagged) variant.
    const validator = this.answerValidators.get(Object.keys(msg as object)[0]!);
    if (validator) validator.assert(answer);
    return JSON.parse(JSON.stringify(answer)) as T;
  }

  /** The contract error text of a failing query (fails the test if it succeeds). */
  queryError(msg: Q): string {
    try {
      this.query(msg);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error(`expected query ${JSON.stringify(msg)} to fail`);
  }
}
