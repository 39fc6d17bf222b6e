/**
 * Transaction history: serial transaction ids (`tx_count`), one entry per transaction (`tx:<id>`), and per address
 * a length (`history_len:<addr>`) and the list of its ids (`history:<addr>:<index>`), read newest first.
 */
import {Env} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {fail} from "../../lib/result";
import {Storage} from "../../lib/storage";
import {U128} from "../../lib/u128";
import {ERR_INVALID_PAGE_SIZE} from "./errors";
import {historyKey, historyLenKey, KEY_TX_COUNT, txKey} from "./keys";
import {unique} from "./msg";

function counterAt(key: string): u64 {
  const v = Storage.getJson(key);
  return v === null ? 0 : v.asU64();
}

/** `{"<name>":{…}}` — a history action. */
export function action(name: string, body: JsonValue): JsonValue {
  return JsonValue.object().set(name, body);
}

/** `{"transfer":{"from","sender","recipient"}}`. */
export function transferAction(from: string, sender: string, recipient: string): JsonValue {
  return action("transfer", JsonValue.object()
    .set("from", JsonValue.str(from))
    .set("sender", JsonValue.str(sender))
    .set("recipient", JsonValue.str(recipient)));
}

/** `{"mint":{"minter","recipient"}}`. */
export function mintAction(minter: string, recipient: string): JsonValue {
  return action("mint", JsonValue.object().set("minter", JsonValue.str(minter)).set("recipient", JsonValue.str(recipient)));
}

/**
 * Appends a history entry `{id, action, coins:{denom, amount}, block_time, block_height, memo?}` and lists it for
 * each distinct address of `parties`.
 */
export function recordTx(env: Env, act: JsonValue, denom: string, amount: U128, memo: string | null, parties: string[]): void {
  const id = counterAt(KEY_TX_COUNT) + 1;
  Storage.setJson(KEY_TX_COUNT, JsonValue.uint(id));
  const tx = JsonValue.object()
    .set("id", JsonValue.uint(id))
    .set("action", act)
    .set("coins", JsonValue.object().set("denom", JsonValue.str(denom)).set("amount", JsonValue.str(amount.toString())))
    .set("block_time", JsonValue.uint(env.time))
    .set("block_height", JsonValue.uint(env.height));
  if (memo !== null) tx.set("memo", JsonValue.str(memo));
  Storage.setJson(txKey(id), tx);
  const distinct = unique(parties);
  for (let i = 0; i < distinct.length; i++) {
    const addr = distinct[i];
    const len = counterAt(historyLenKey(addr));
    Storage.setJson(historyKey(addr, len), JsonValue.uint(id));
    Storage.setJson(historyLenKey(addr), JsonValue.uint(len + 1));
  }
}

/** `{"transaction_history":{"txs":[…],"total":N}}`, newest first, `pageSize` entries from page `page`. */
export function historyAnswer(address: string, page: u64, pageSize: u64): JsonValue | null {
  if (pageSize == 0) {
    fail(ERR_INVALID_PAGE_SIZE);
    return null;
  }
  const total = counterAt(historyLenKey(address));
  const txs = JsonValue.array();
  // page and page_size are at most 2^32 − 1 (schema), so start + pageSize fits in a u64
  const start = page * pageSize;
  const end = start + pageSize < total ? start + pageSize : total;
  for (let i = start; i < end; i++) {
    const index = total - 1 - i;
    const id = Storage.getJson(historyKey(address, index));
    const tx: JsonValue | null = id === null ? null : Storage.getJson(txKey(id.asU64()));
    if (tx === null) {
      fail(`transaction history is corrupt at index ${index}`);
      return null;
    }
    txs.push(tx);
  }
  return JsonValue.object().set("transaction_history", JsonValue.object().set("txs", txs).set("total", JsonValue.uint(total)));
}
