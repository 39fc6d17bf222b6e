/**
 * The devnet's wasm host (Secret's CosmWasm v1 interface): compile once per code hash with memory capped at 192
 * pages and instruction metering, a fresh instance per call, Regions, every `env` import, a deterministic gas model
 * (`src/devnet/gas.ts`), traps as {@link VmError}. Pure of the devnet's store: storage, chain queries and the log
 * come in through a {@link CallContext}, so tests run it over an in-memory map.
 *
 *   const vm = new WasmVm();
 *   const code = vm.load(codeHash, () => wasmBytes);
 *   const outcome = vm.run(code, 'execute', env, {sender, funds: []}, utf8(JSON.stringify(msg)), ctx);
 */
export {WasmVm, envJson, type EntryPoint, type VmEnv, type VmInfo, type VmStats} from './host.js';
export {
  DCAP_UNAVAILABLE,
  type ByteStorage,
  type CallContext,
  type HostEnvironment,
  type QueryChainAnswer,
  type VmGasMeter,
} from './call.js';
export {ContractFailure, OutOfGasError, VmError} from './errors.js';
export {CodeCache, REQUIRED_EXPORTS, codeHashOf, compileCode, type CompiledCode} from './module.js';
export {MAX_MEMORY_PAGES, MAX_WASM_BYTES, unpackWasm} from './binary.js';
export {CRYPTO_ERROR, addressProblem} from './imports.js';
export {errorText, parseQueryResult, parseResponse, type Outcome, type VmAttribute, type VmEvent, type VmResponse, type VmSubMsg} from './result.js';
export {parseJsonBytes, toFrameMessage, toFrameResponse, type FrameSubMsg, type FrameWasmExecute} from './frame.js';
