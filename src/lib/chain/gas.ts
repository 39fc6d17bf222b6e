/**
 * Explicit gas limits per operation (secretjs's default of 25 000 is too low for any contract call;
 * `secret-lcd-devnet.md` §12). Figures are generous for the real chain (Secret Network contract calls cost roughly
 * 30 000–200 000 gas; stored bytes and tx bytes dominate large messages) and pass the devnet's deterministic gas
 * model, which runs the contracts' wasm and charges its instructions and imports besides tx bytes, input bytes and
 * storage reads and writes like the Cosmos SDK KV store (a SNIP-20 `send` into a manager uses about 400 000).
 * The fee paid is `ceil(gasLimit × gasPrice)` uscrt whatever is used, so limits are not padded without reason.
 */

/** Gas limits of fixed-size operations, in gas units. */
export const GAS_LIMITS = {
  /** A native `MsgSend` of uscrt. */
  bankSend: 40_000,
  /** A contract call with a small message and little storage (default when nothing better is known). */
  execute: 400_000,
  /** SNIP-20 `transfer` (two balance writes, history). */
  snip20Transfer: 350_000,
  /** SNIP-20 `send` with a `receive` callback into a second contract. */
  snip20Send: 1_600_000,
  /** SNIP-20 `create_viewing_key` / `set_viewing_key`. */
  snip20ViewingKey: 300_000,
  /** SNIP-20 `deposit` / `redeem` (with a bank transfer). */
  snip20DepositRedeem: 400_000,
  /** SNIP-20 / SNIP-24 `revoke_permit`. */
  snip20RevokePermit: 250_000,
  /** An admin or bookkeeping call that touches a handful of keys. */
  admin: 500_000,
  /** RewardsManager `close_epoch` / `claim_rewards` (reads every touched epoch, pays out through a SNIP-20 transfer). */
  rewardsPayout: 2_000_000,
  /** Instantiating a contract (its `instantiate` may register with a token through a sub-message). */
  instantiate: 1_000_000,
} as const;

/** Gas charged per byte of uploaded contract code (unzipped), with margin: compilation and storage of the code. */
export const GAS_PER_CODE_BYTE = 30;

/** Gas limit of a `MsgStoreCode` of `codeBytes` bytes of wasm (unzipped). */
export function gasForStoreCode(codeBytes: number): number {
  return 1_000_000 + codeBytes * GAS_PER_CODE_BYTE;
}

/** Gas charged per byte of a message that is broadcast and stored (tx bytes + input bytes + storage write), with margin. */
export const GAS_PER_STORED_BYTE = 60;

/**
 * Gas charged per byte of a message that is broadcast but not stored, with margin: tx bytes and input bytes, and the
 * wasm that parses and checks it (usage reports: the RewardsManager verifies each record's signatures and queries the
 * other managers, several hundred thousand gas per record of about 600 bytes on the devnet's wasm gas model).
 */
export const GAS_PER_PASSED_BYTE = 4000;

/**
 * Gas for a contract call whose size is dominated by its JSON payload: `base` plus a per-byte charge.
 * @param payloadBytes UTF-8 length of the message JSON.
 * @param stored whether the contract stores the payload (e.g. an attestation bundle) or only reads it.
 */
export function gasForPayload(base: number, payloadBytes: number, stored: boolean): number {
  const perByte = stored ? GAS_PER_STORED_BYTE : GAS_PER_PASSED_BYTE;
  return Math.ceil(base + payloadBytes * perByte);
}

/** UTF-8 length of the JSON of a message, in bytes. */
export function jsonBytes(msg: unknown): number {
  return Buffer.byteLength(JSON.stringify(msg), 'utf8');
}
