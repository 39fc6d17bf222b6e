/**
 * Chain clients: the one way the CLI speaks to a Secret Network LCD endpoint (the embedded devnet, pulsar-3,
 * secret-4), always through secretjs and always with the same code path. By responsibility:
 *
 * - `read-client.ts` — {@link readClient}: no wallet; contract queries (only secretjs's query kit is loaded),
 *   code hashes, balances, accounts, tx lookups; the consensus IO key from an {@link IoKeyStore}.
 * - `signing-client.ts` — {@link signingClient}: a wallet from a mnemonic; signs and broadcasts (the whole secretjs).
 * - `answers.ts` — decoding contract answers and contract errors; `tx-results.ts` — txs in the CLI's terms.
 * - `seal.ts` — the encryption context of contract messages (on `node:crypto`, the same bytes as secretjs's), which
 *   both clients and secretjs use; `io-key.ts` — where the consensus IO key is remembered; `errors.ts` — error
 *   normalisation.
 */
export * from './answers.js';
export * from './io-key.js';
export * from './read-client.js';
export * from './signing-client.js';
export * from './tx-results.js';
