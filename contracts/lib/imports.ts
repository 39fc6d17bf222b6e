/**
 * The host functions a Secret contract may import (module `env`; anything else is rejected at upload). Every
 * pointer is a Region pointer (see `memory.ts`). Semantics: `/work/shared/docs/secret-wasm.md` and CosmWasm v1.
 */

/** Value stored under the key (a new Region the host allocated), or 0 when absent. */
@external("env", "db_read")
export declare function db_read(key: u32): u32;

/** Stores `value` under `key`. Traps in a query. */
@external("env", "db_write")
export declare function db_write(key: u32, value: u32): void;

/** Removes `key`. Traps in a query. */
@external("env", "db_remove")
export declare function db_remove(key: u32): void;

/** 0 when the human address is valid, else a pointer to an error message Region. */
@external("env", "addr_validate")
export declare function addr_validate(source: u32): u32;

/** Writes the canonical bytes of `source` into the Region `destination`; 0 = ok, else an error Region. */
@external("env", "addr_canonicalize")
export declare function addr_canonicalize(source: u32, destination: u32): u32;

/** Writes the human address of canonical `source` into the Region `destination`; 0 = ok, else an error Region. */
@external("env", "addr_humanize")
export declare function addr_humanize(source: u32, destination: u32): u32;

/** 0 = valid, 1 = invalid signature, other values are error codes. */
@external("env", "secp256k1_verify")
export declare function secp256k1_verify(messageHash: u32, signature: u32, publicKey: u32): u32;

/** High half: error code (0 = ok); low half: Region pointer of the recovered public key. */
@external("env", "secp256k1_recover_pubkey")
export declare function secp256k1_recover_pubkey(messageHash: u32, signature: u32, recoveryParam: u32): u64;

/** 0 = valid, 1 = invalid signature, other values are error codes. */
@external("env", "ed25519_verify")
export declare function ed25519_verify(message: u32, signature: u32, publicKey: u32): u32;

/** 0 = all valid, 1 = some invalid, other values are error codes. */
@external("env", "ed25519_batch_verify")
export declare function ed25519_batch_verify(messages: u32, signatures: u32, publicKeys: u32): u32;

/** Writes a UTF-8 message to the node's log. */
@external("env", "debug")
export declare function debug(message: u32): void;

/** Runs a query request (JSON) against the chain; returns a Region with the JSON result. */
@external("env", "query_chain")
export declare function query_chain(request: u32): u32;

/** Secret only. High half: error code; low half: Region pointer of the 64-byte signature. */
@external("env", "secp256k1_sign")
export declare function secp256k1_sign(message: u32, privateKey: u32): u64;

/** Secret only. High half: error code; low half: Region pointer of the 64-byte signature. */
@external("env", "ed25519_sign")
export declare function ed25519_sign(message: u32, privateKey: u32): u64;

/** Secret only. Gas used so far. */
@external("env", "check_gas")
export declare function check_gas(): u64;

/** Secret only. Burns `evaporate` gas units (hides the real cost of a code path). */
@external("env", "gas_evaporate")
export declare function gas_evaporate(evaporate: u32): u32;

/** Secret only. Verifies an Intel DCAP quote; high half: error code, low half: verification result. */
@external("env", "dcap_quote_verify")
export declare function dcap_quote_verify(quote: u32, collateral: u32): u64;
