/**
 * Shapes shared by the devnet, the contract clients and the portable helpers of `contracts/common` (permits, usage
 * records): coins, storage and host-function interfaces, the call's env and sender, a contract's response
 * (attributes, submessages, answer) as the router runs it, and the error a contract reports.
 */

/** A native coin amount; `amount` is a decimal string of base units (uscrt). */
export interface Coin {
  denom: string;
  amount: string;
}

/** Key-value storage of one contract. Values are JSON-serialisable. Keys sort as strings for `range`. */
export interface Storage {
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  remove(key: string): void;
  /** Entries whose key starts with `prefix`, in ascending key order, starting after `startAfter` (a full key), at most `limit`. */
  range<T = unknown>(prefix: string, opts?: {startAfter?: string; limit?: number}): Array<[string, T]>;
}

/** Read-only view of storage, given to queries. */
export type ReadonlyStorage = Pick<Storage, 'get' | 'range'>;

/** Host functions a contract may call (the devnet implements them with real crypto). */
export interface Api {
  /** True when `addr` is a valid `secret1…` bech32 account address. */
  addrValidate(addr: string): boolean;
  /** SHA-256 of bytes. */
  sha256(data: Uint8Array): Uint8Array;
  /** secp256k1 ECDSA verify: `hash` = 32-byte message digest, `sig` = 64-byte r‖s, `pubkey` = 33-byte compressed. */
  secp256k1Verify(hash: Uint8Array, sig: Uint8Array, pubkey: Uint8Array): boolean;
  /** bech32 `secret1…` address of a 33-byte compressed secp256k1 public key (RIPEMD-160(SHA-256(pubkey))). */
  pubkeyToAddress(pubkey: Uint8Array): string;
  /**
   * Optional: secp256k1 ECDSA verify of `sig` (64-byte r‖s) over SHA-256(`message`), `pubkey` 33-byte compressed.
   * Same result as `secp256k1Verify(sha256(message), sig, pubkey)`, for hosts whose crypto library only verifies
   * over the message and hashes internally (Node's `crypto.verify('sha256', …)` cannot take a prehashed digest).
   * Contracts use it when present and fall back to `secp256k1Verify` otherwise (see `contracts/common/crypto.ts`).
   */
  secp256k1VerifySha256?(message: Uint8Array, sig: Uint8Array, pubkey: Uint8Array): boolean;
}

/** Cross-contract read access (a contract querying another contract). */
export interface Querier {
  queryContract<T = unknown>(contractAddr: string, codeHash: string, msg: unknown): T;
}

export interface Deps {
  storage: Storage;
  api: Api;
  querier: Querier;
}

export interface ReadonlyDeps {
  storage: ReadonlyStorage;
  api: Api;
  querier: Querier;
}

export interface Env {
  block: {
    height: number;
    /** Block time in Unix seconds (UTC). The only clock a contract sees. */
    time: number;
    chain_id: string;
  };
  contract: {address: string; code_hash: string};
}

export interface MessageInfo {
  /** Direct caller: the tx signer, or the calling contract for nested calls. */
  sender: string;
  /** Native funds sent with the message (`sent_funds`). */
  funds: Coin[];
}

/** One event attribute. Attributes are encrypted for the tx sender unless `plaintext` is set. */
export interface Attribute {
  key: string;
  value: string;
  plaintext?: boolean;
}

/** Messages a contract asks the devnet to run after it returns (depth-first, atomically with the tx). */
export type SubMsg =
  | {wasm_execute: {contract_addr: string; code_hash: string; msg: unknown; funds: Coin[]}}
  | {bank_send: {to_address: string; amount: Coin[]}};

export interface Response {
  /** Answer returned to the caller as JSON bytes (`MsgExecuteContractResponse.data`). */
  data?: unknown;
  attributes: Attribute[];
  messages: SubMsg[];
}

/**
 * An error the contract reports to the caller. The devnet renders it as the chain does for CosmWasm v1
 * contracts: `Generic error: <message>` (encrypted for the caller).
 */
export class ContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}
