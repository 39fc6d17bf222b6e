/**
 * Types of the definitions shared by the contracts, written by scripts/gen-contract-types.ts from
 * contracts/common/schema/definitions.json. Each contract's generated types.ts imports and re-exports the ones it uses.
 * Do not edit by hand: change the schema and rerun the script.
 */

/** A Secret Network account or contract address: bech32 with prefix `secret`, 20-byte payload. */
export type Addr = string;

/** Bytes as standard base64 with padding (CosmWasm `Binary`). */
export type Binary = string;

/** A contract code hash: SHA-256 of the contract code, 64 lower-case hex characters. */
export type CodeHash = string;

/** Another contract: its address and code hash (the code hash is needed to call or query it). */
export interface ContractRef {
  address: Addr;
  code_hash: CodeHash;
}

/** Reward epoch number, counting from 0 at instantiation. */
export type EpochId = number;

/**
 * Opaque subscriber handle (32 bytes, lower-case hex): says which subscription an API key belongs to without
 * naming the subscriber.
 */
export type KeyHandle = string;

/** A model name as workers advertise it, e.g. `llama3.2:3b` or `stories260K`. */
export type ModelName = string;

/** A permission a SNIP-24 permit grants (secret-toolkit `TokenPermissions`); `owner` grants all of them. */
export type Permission = "allowance" | "balance" | "history" | "owner";

/** A SNIP-24 query permit: signed off-chain by the owner, it authenticates a query without a transaction. */
export interface Permit {
  params: PermitParams;
  signature: PermitSignature;
}

/** What the permit grants (signed as an amino `query_permit` sign document). */
export interface PermitParams {
  /** Name chosen by the signer; revoking it (`revoke_permit`) disables every permit with this name. */
  permit_name: string;
  /** Contracts the permit is valid for (or the single blanket value `ANY_TOKEN`, SNIP-24.1). */
  allowed_tokens: Array<string>;
  /** Chain id the permit was signed for; part of the signed bytes only. */
  chain_id: string;
  /** Granted permissions. */
  permissions: Array<Permission>;
  /** SNIP-24.1: ISO-8601 UTC time (`…Z`) before which the permit is not valid. */
  created?: string | null;
  /** SNIP-24.1: ISO-8601 UTC time (`…Z`) from which the permit is no longer valid. */
  expires?: string | null;
}

/** Signature of a permit. */
export interface PermitSignature {
  pub_key: PubKey;
  /** 64-byte secp256k1 signature r‖s over SHA-256 of the sign document. */
  signature: Binary;
}

/** Public key of the permit signer. */
export interface PubKey {
  /** Key type; `tendermint/PubKeySecp256k1` is supported. */
  type: string;
  /** The public key: 33 bytes compressed (or 65 uncompressed) secp256k1. */
  value: Binary;
}

/** Outcome of an execute message. */
export type ResponseStatus = "success" | "failure";

/** A SHA-256 digest as 64 lower-case hex characters. */
export type Sha256Hex = string;

/** Body of the SNIP-20 `receive` callback the token contract sends to a registered recipient. */
export interface Snip20ReceiveMsg {
  /** Who called `send` (or `send_from`) on the token. */
  sender: Addr;
  /** Owner of the tokens that were sent. */
  from: Addr;
  amount: Uint128;
  memo?: string | null;
  /** The base64 JSON message given to `send`, or null. */
  msg?: Binary | null;
}

/** The usual execute answer body. */
export interface StatusAnswer {
  status: ResponseStatus;
}

/** A Uint128 amount in base units, as a decimal string (CosmWasm `Uint128`); at most 2^128 − 1. */
export type Uint128 = string;

/** A point in time as Unix seconds (UTC), compared with the block time. */
export type UnixSeconds = number;

/** What one request used; signed by the worker key and optionally countersigned by the subscriber. */
export interface UsageRecord {
  worker_id: WorkerId;
  key_handle: KeyHandle;
  model: ModelName;
  /** Unique per worker; a record whose request id was already counted is rejected. */
  request_id: string;
  /** Prompt tokens processed. */
  input_tokens: number;
  /** Tokens generated; weight = input_tokens + 4 × output_tokens. */
  output_tokens: number;
  epoch: EpochId;
}

/** Worker id assigned by the WorkerManager at registration (decimal string). */
export type WorkerId = string;
