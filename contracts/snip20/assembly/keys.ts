/**
 * Storage layout of the token — the same string keys as `contracts/snip20/contract.ts` (`KEY`); values are the
 * same JSON texts (amounts as decimal strings, counters and ids as numbers).
 */

/** Zero-padding width of numeric key parts, so keys sort numerically. */
const KEY_NUMBER_WIDTH = 12;

function pad(n: u64): string {
  return n.toString().padStart(KEY_NUMBER_WIDTH, "0");
}

export const KEY_CONFIG = "config";
export const KEY_PRNG_SEED = "prng_seed";
export const KEY_MINTERS = "minters";
export const KEY_TOTAL_SUPPLY = "total_supply";
export const KEY_TX_COUNT = "tx_count";
export const KEY_VK_NONCE = "vk_nonce";

export function balanceKey(addr: string): string {
  return "balance:" + addr;
}

export function viewingKeyKey(addr: string): string {
  return "vk:" + addr;
}

export function receiverKey(addr: string): string {
  return "receiver:" + addr;
}

export function allowanceKey(owner: string, spender: string): string {
  return "allowance:" + owner + ":" + spender;
}

export function reserveKey(denom: string): string {
  return "reserve:" + denom;
}

export function txKey(id: u64): string {
  return "tx:" + pad(id);
}

export function historyLenKey(addr: string): string {
  return "history_len:" + addr;
}

export function historyKey(addr: string, index: u64): string {
  return "history:" + addr + ":" + pad(index);
}
