/**
 * The devnet database's tables (created when absent, so a database of an older devnet gains the new tables on
 * open) and the names of its meta entries.
 */

/** The schema: every table of the devnet's state. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS accounts (
  address TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE, sequence INTEGER NOT NULL, pubkey BLOB
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS balances (
  address TEXT NOT NULL, denom TEXT NOT NULL, amount TEXT NOT NULL, PRIMARY KEY (address, denom)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS codes (
  code_id INTEGER PRIMARY KEY, name TEXT NOT NULL, code_hash TEXT NOT NULL, creator TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS contracts (
  address TEXT PRIMARY KEY, code_id INTEGER NOT NULL, code_hash TEXT NOT NULL, label TEXT NOT NULL UNIQUE,
  admin TEXT NOT NULL, creator TEXT NOT NULL, name TEXT NOT NULL, created_height INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS contracts_by_code ON contracts (code_id, created_height);
CREATE TABLE IF NOT EXISTS code_wasm (
  code_id INTEGER PRIMARY KEY, wasm BLOB NOT NULL, source TEXT NOT NULL, builder TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS contract_store (
  contract TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL, PRIMARY KEY (contract, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS contract_kv (
  contract TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (contract, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS txs (hash TEXT PRIMARY KEY, height INTEGER NOT NULL, json TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS txs_by_height ON txs (height);
`;

/** Names of the meta entries. */
export const META = {
  chainId: 'chain_id',
  height: 'height',
  /** Seconds added to the wall clock for block time (moved by `advance`). */
  timeOffset: 'time_offset_s',
  /** Time of the last block, Unix seconds (block time never goes backwards). */
  lastBlockTime: 'last_block_time_s',
  /** Raw 32-byte X25519 IO private key, hex. */
  ioPrivateKey: 'io_private_key',
  nextAccountNumber: 'next_account_number',
  /** JSON of the genesis result (accounts, contracts). */
  genesis: 'genesis',
} as const;
