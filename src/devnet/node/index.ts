/**
 * Public entry of the devnet node: the executor (decode → ante → execute with submessages → commit) without HTTP,
 * for the LCD adapter, the devnet's signer and genesis, and contract tests that drive contracts through the same
 * code path as secretjs does over HTTP.
 *
 *   const store = Store.open(path);            // or a fresh file per test
 *   Chain.initialise(store, {...});  // or createGenesis(store, spec) from the devnet's entry
 *   const node = new Chain(store);
 *   node.broadcast(signer.sign(node, [signer.execute(node, contract, msg).any]));
 */
export {Chain, DEFAULT_COMMIT_WINDOW_MS, type ChainOptions, type DevnetNode} from './chain.js';
export {TYPE_URL} from './codec.js';
export {
  FEE_COLLECTOR_ADDRESS,
  GAS,
  MAX_CALL_DEPTH,
  MAX_MEMO_CHARACTERS,
  NATIVE_DENOM,
  QueryError,
  TxError,
  rfc3339,
  type BroadcastResult,
  type EventAttribute,
  type SimulateResult,
  type TxEvent,
  type TxResponseJson,
} from './types.js';
export {Store, META, type AccountRecord, type CodeRecord, type ContractRecord} from '../store.js';
