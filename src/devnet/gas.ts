/**
 * The devnet's deterministic gas model in one place: the chain's costs ({@link GAS}: signatures, tx bytes, bank
 * transfers, contract calls, storage) and the wasm host's ({@link WASM_GAS}: instructions, imports, bytes crossing
 * the host boundary). Nothing here depends on wall-clock time: the same tx always uses the same gas.
 */

/**
 * Chain costs (the devnet does not meter real execution for TypeScript contracts). Figures follow Cosmos SDK
 * KV-store costs so that a tx whose `gas_limit` is far too low for mainnet (e.g. secretjs's default 25 000 for a
 * contract call) also fails here, with code 11.
 */
export const GAS = {
  /** Signature verification of the one signer (SDK `SigVerifyCostSecp256k1`). */
  signature: 1_000,
  /** Per byte of the broadcast tx (SDK `TxSizeCostPerByte`). */
  txPerByte: 10,
  /** A bank transfer (top-level `MsgSend`, contract `bank_send`, funds sent with a contract call). */
  bankSend: 5_000,
  /** One contract invocation (execute, instantiate, nested call). */
  contractCall: 30_000,
  /** Per byte of a contract's JSON input. */
  inputPerByte: 3,
  storageReadFlat: 1_000,
  storageReadPerByte: 3,
  storageWriteFlat: 2_000,
  storageWritePerByte: 30,
  storageRemoveFlat: 1_000,
  /** Per byte of uploaded (unzipped) wasm, `MsgStoreCode` (wasmd's compile cost per byte). */
  storeCodePerByte: 3,
} as const;

/**
 * Costs of the wasm host (`src/devnet/vm`), in the same gas units. Storage imports use the storage costs of
 * {@link GAS}; these are the costs specific to running wasm.
 */
export const WASM_GAS = {
  /** A fresh instance for one entry-point call (instantiation, the call itself). */
  instance: 1_000,
  /** Wasm instructions per unit of gas. Metered at function entries and loop headers (see `vm/meter.ts`). */
  instructionsPerGas: 100,
  /** Every import call, before its own cost. */
  importCall: 20,
  /** Per byte copied across the host boundary (inputs written, results and import arguments read). */
  regionPerByte: 1,
  /** `addr_validate`, `addr_canonicalize`, `addr_humanize`. */
  address: 100,
  /** `secp256k1_verify`, `secp256k1_recover_pubkey`. */
  secp256k1Verify: 1_000,
  /** `secp256k1_sign`, `ed25519_sign`. */
  sign: 1_000,
  /** `ed25519_verify`. */
  ed25519Verify: 1_000,
  /** `ed25519_batch_verify`: base plus per signature. */
  ed25519BatchBase: 500,
  ed25519BatchEach: 700,
  /** `query_chain`, besides what the queried contract uses. */
  queryChain: 1_000,
  /** `dcap_quote_verify`. */
  dcapQuoteVerify: 10_000,
  /** Gas limit of a query that does not run inside a tx (E5, the devnet's plaintext queries). */
  queryLimit: 3_000_000,
} as const;
