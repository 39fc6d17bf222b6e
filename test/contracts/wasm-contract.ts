/**
 * A built contract (`contracts/<name>/<name>.wasm`, or any wasm bytes) as a frame `Contract`, run by the devnet's
 * wasm host, so `ContractHarness` and the multi-contract test chains run the same cases against the wasm as against
 * the TypeScript state machines:
 * - storage is the harness's `MemoryStorage` seen as bytes: UTF-8 keys, values kept as their text (the JSON the
 *   contract wrote), so tests still snapshot, restore and inspect it;
 * - `Err` results throw `ContractError` with the contract's message (without the `Generic error: ` prefix the chain
 *   adds); traps and ABI breaks throw `VmError`, never `ContractError`;
 * - answers and `data` are parsed from their JSON bytes; attributes get `plaintext = !encrypted`; submessages come
 *   back as `{wasm_execute: …}` / `{bank_send: …}`;
 * - `query_chain` goes to the harness's `Querier`.
 */
import {existsSync, readFileSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {concatBytes, sha256, toHex, u64be, utf8} from '../../contracts/common/encoding.js';
import {ContractError, type Deps, type Env, type MessageInfo, type Querier, type ReadonlyDeps, type ReadonlyStorage, type Response, type Storage} from '../../contracts/common/types.js';

/** The JSON Schemas of one contract's wire interface (`contracts/<name>/schema/*.json`). */
export interface ContractSchemaSet {
  instantiate: object;
  execute: object;
  query: object;
  /** Answer schemas keyed by message name (`config`, `balance`, …), plus `execute` for execute `data` answers. */
  responses: Record<string, object>;
}

/** A contract under test, called with the frame arguments the harness gives (storage, host functions, querier). */
export interface Contract<I = unknown, E = unknown, Q = unknown> {
  readonly name: string;
  readonly version: string;
  readonly schemas?: ContractSchemaSet;
  instantiate(deps: Deps, env: Env, info: MessageInfo, msg: I): Response;
  execute(deps: Deps, env: Env, info: MessageInfo, msg: E): Response;
  query(deps: ReadonlyDeps, env: Env, msg: Q): unknown;
}
import {GasMeter} from '../../src/devnet/node/types.js';
import {
  WasmVm,
  codeHashOf,
  toFrameResponse,
  type ByteStorage,
  type CompiledCode,
  type HostEnvironment,
  type QueryChainAnswer,
  type VmEnv,
} from '../../src/devnet/vm/index.js';

/** Repository root (this module runs from dist/test/contracts/). */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** One host for all adapters of a test file (modules are compiled once per code hash). */
const vm = new WasmVm();

const GENERIC = 'Generic error: ';
/** Marks a stored key or value that is not UTF-8 (kept as hex so it round-trips). */
const BINARY_MARK = '\u0000hex:';
const fatal = new TextDecoder('utf-8', {fatal: true});

function toText(bytes: Uint8Array): string {
  try {
    return fatal.decode(bytes);
  } catch {
    return BINARY_MARK + toHex(bytes);
  }
}

function fromText(text: string): Uint8Array {
  return text.startsWith(BINARY_MARK) ? new Uint8Array(Buffer.from(text.slice(BINARY_MARK.length), 'hex')) : utf8(text);
}

/** Raw text access that `MemoryStorage` offers (the value text as stored, not parsed). */
export interface RawTextStorage {
  getRaw(key: string): string | undefined;
  setRaw(key: string, text: string): void;
  remove(key: string): void;
}

function isRaw(storage: unknown): storage is RawTextStorage {
  return typeof (storage as RawTextStorage).getRaw === 'function' && typeof (storage as RawTextStorage).setRaw === 'function';
}

/** The frame storage of a harness as the host's byte storage. */
export function byteStorageOf(storage: Storage | ReadonlyStorage): ByteStorage {
  if (isRaw(storage)) {
    return {
      get: (key) => {
        const text = storage.getRaw(toText(key));
        return text === undefined ? undefined : fromText(text);
      },
      set: (key, value) => storage.setRaw(toText(key), toText(value)),
      remove: (key) => storage.remove(toText(key)),
    };
  }
  // A plain JSON storage: values must be JSON text.
  return {
    get: (key) => {
      const value = storage.get(toText(key));
      return value === undefined ? undefined : utf8(JSON.stringify(value));
    },
    set: (key, value) => (storage as Storage).set(toText(key), JSON.parse(toText(value))),
    remove: (key) => (storage as Storage).remove(toText(key)),
  };
}

/** `query_chain` through the harness's querier (wasm smart queries only). */
function hostOf(querier: Querier, logs: string[]): HostEnvironment {
  return {
    debug: (message) => logs.push(message),
    queryChain: (request): QueryChainAnswer => {
      const smart = (request as {wasm?: {smart?: {contract_addr: string; code_hash: string; msg: string}}})?.wasm?.smart;
      if (!smart) return {systemError: {unsupported_request: {kind: Object.keys(request ?? {})[0] ?? 'unknown'}}};
      let msg: unknown;
      try {
        msg = JSON.parse(Buffer.from(smart.msg, 'base64').toString('utf8'));
      } catch (err) {
        return {systemError: {invalid_request: {error: (err as Error).message, request: Buffer.from(JSON.stringify(request)).toString('base64')}}};
      }
      try {
        return {ok: utf8(JSON.stringify(querier.queryContract(smart.contract_addr, smart.code_hash, msg) ?? null))};
      } catch (err) {
        const text = (err as Error).message;
        if (/^Querier system error: contract .* not found/.test(text)) return {systemError: {no_such_contract: {addr: smart.contract_addr}}};
        return {error: text.startsWith(GENERIC) ? text : `${GENERIC}${text}`};
      }
    },
  };
}

/** Options of {@link wasmContract}. */
export interface WasmContractOptions {
  /** Answer schemas the harness checks answers against (default: `contracts/<name>/schema/` for a named contract). */
  schemas?: ContractSchemaSet;
  /** Gas limit of each call (default 100 000 000). */
  gasLimit?: number;
}

/** A wasm contract as a frame `Contract`, with what its last call used. */
export interface WasmContract extends Contract {
  readonly codeHash: string;
  /** Gas used by the last call. */
  readonly lastGasUsed: number;
  /** `debug` messages of every call so far. */
  readonly logs: string[];
}

function readJson(file: string): object {
  return JSON.parse(readFileSync(file, 'utf8')) as object;
}

/** The schemas of `contracts/<name>/schema/` (messages and answers), or undefined when absent. */
export function schemasOf(name: string): ContractSchemaSet | undefined {
  const dir = path.join(repoRoot, 'contracts', name, 'schema');
  if (!existsSync(path.join(dir, 'execute.json'))) return undefined;
  const responses: Record<string, object> = {};
  const answers = path.join(dir, 'responses');
  if (existsSync(answers)) {
    for (const f of readdirSync(answers).filter((n) => n.endsWith('.json'))) responses[f.slice(0, -5)] = readJson(path.join(answers, f));
  }
  return {instantiate: readJson(path.join(dir, 'instantiate.json')), execute: readJson(path.join(dir, 'execute.json')), query: readJson(path.join(dir, 'query.json')), responses};
}

/** The built artifact of a contract: `contracts/<name>/<name>.wasm`. */
export function artifactPath(name: string): string {
  return path.join(repoRoot, 'contracts', name, `${name}.wasm`);
}

/**
 * A contract's wasm as a frame `Contract`: `wasmContract('snip20')` loads `contracts/snip20/snip20.wasm` (built by
 * `npm run build`); `wasmContract(bytes)` takes any wasm. The second argument is the answer schemas or
 * {@link WasmContractOptions}.
 */
export function wasmContract(source: string | Uint8Array, schemasOrOptions?: ContractSchemaSet | WasmContractOptions): WasmContract {
  const name = typeof source === 'string' ? source : 'wasm';
  let wasm: Uint8Array;
  if (typeof source === 'string') {
    const file = artifactPath(source);
    if (!existsSync(file)) throw new Error(`${file} is not built (npm run build builds the contracts)`);
    wasm = new Uint8Array(readFileSync(file));
  } else {
    wasm = source;
  }
  const options: WasmContractOptions = schemasOrOptions && 'responses' in schemasOrOptions ? {schemas: schemasOrOptions as ContractSchemaSet} : ((schemasOrOptions as WasmContractOptions) ?? {});
  const codeHash = codeHashOf(wasm);
  const code: CompiledCode = vm.load(codeHash, () => wasm);
  const logs: string[] = [];
  let lastGasUsed = 0;

  const vmEnv = (env: Env, txSeed?: Uint8Array): VmEnv => {
    const hash = txSeed ? sha256(concatBytes(u64be(env.block.height), u64be(env.block.time), txSeed)) : undefined;
    return {
      block: {height: env.block.height, time: env.block.time, chain_id: env.block.chain_id, random: hash && sha256(hash)},
      transaction: hash ? {index: 0, hash: toHex(hash)} : null,
      contract: {address: env.contract.address, code_hash: env.contract.code_hash},
    };
  };
  const gasMeter = () => new GasMeter(options.gasLimit ?? 100_000_000);
  const respond = (out: ReturnType<WasmVm['run']>, gas: GasMeter): Response => {
    lastGasUsed = gas.used;
    if (!out.ok) throw new ContractError(out.error.startsWith(GENERIC) ? out.error.slice(GENERIC.length) : out.error);
    return toFrameResponse(out.value) as Response;
  };
  const run = (entry: 'instantiate' | 'execute') => (deps: Parameters<Contract['execute']>[0], env: Env, info: Parameters<Contract['execute']>[2], msg: unknown): Response => {
    const bytes = utf8(JSON.stringify(msg));
    const gas = gasMeter();
    const ctx = {storage: byteStorageOf(deps.storage), readonly: false, host: hostOf(deps.querier, logs), gas};
    return respond(vm.run(code, entry, vmEnv(env, bytes), info, bytes, ctx), gas);
  };

  return {
    name,
    version: `wasm:${codeHash.slice(0, 12)}`,
    codeHash,
    schemas: options.schemas ?? (typeof source === 'string' ? schemasOf(source) : undefined),
    logs,
    get lastGasUsed() {
      return lastGasUsed;
    },
    instantiate: run('instantiate'),
    execute: run('execute'),
    query(deps, env, msg) {
      const gas = gasMeter();
      const ctx = {storage: byteStorageOf(deps.storage), readonly: true, host: hostOf(deps.querier, logs), gas};
      const out = vm.query(code, vmEnv(env), utf8(JSON.stringify(msg)), ctx);
      lastGasUsed = gas.used;
      if (!out.ok) throw new ContractError(out.error.startsWith(GENERIC) ? out.error.slice(GENERIC.length) : out.error);
      return JSON.parse(Buffer.from(out.value).toString('utf8'));
    },
  };
}
