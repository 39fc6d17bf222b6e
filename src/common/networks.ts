/**
 * Network constants shared by the devnet (`src/devnet`) and the CLI (`src/lib`), in a module that imports nothing,
 * so either side can use them without depending on the other or loading anything.
 */

/** Chain id of the embedded devnet (`secretai devnet`, profile `local`). */
export const DEVNET_CHAIN_ID = 'secretdev-1';
