/**
 * The token's stored state: configuration, balances, minters and viewing keys (keys in `keys.ts`).
 */
import {JsonValue} from "../../lib/json";
import {fail} from "../../lib/result";
import {Storage} from "../../lib/storage";
import {checkedAdd, U128} from "../../lib/u128";
import {sha256} from "../../lib/sha256";
import {bytesEqual, fromHex, toHex, utf8Encode} from "../../lib/bytes";
import {amountAt, setAmount} from "./amount";
import {balanceKey, KEY_CONFIG, KEY_MINTERS, KEY_TOTAL_SUPPLY, viewingKeyKey} from "./keys";
import {jsonStrings, loadInstantiated, stringList} from "../../lib/contract";

/**
 * The stored configuration, in the key order of the TypeScript contract: `name, symbol, decimals, admin,
 * public_total_supply, enable_deposit, enable_redeem, enable_mint, enable_burn, supported_denoms`.
 */
export class Config {
  constructor(public json: JsonValue) {}

  get symbol(): string {
    return this.json.get("symbol")!.asString();
  }

  get decimals(): u32 {
    return <u32>this.json.get("decimals")!.asU64();
  }

  get admin(): string {
    return this.json.get("admin")!.asString();
  }

  flag(name: string): bool {
    return this.json.get(name)!.asBool();
  }

  get supportedDenoms(): string[] {
    return stringList(this.json.get("supported_denoms")!);
  }
}

/** The configuration, or null after recording `token is not instantiated`. */
export function loadConfig(): Config | null {
  const v = loadInstantiated(KEY_CONFIG, "token");
  if (v === null) return null;
  return new Config(v);
}

export function saveConfig(config: JsonValue): void {
  Storage.setJson(KEY_CONFIG, config);
}

export function balanceOf(owner: string): U128 {
  return amountAt(balanceKey(owner));
}

/** Debits `amount` from `owner`: false after `insufficient funds: balance=…, required=…`. */
export function debit(owner: string, amount: U128): bool {
  const balance = balanceOf(owner);
  if (balance.lt(amount)) {
    fail(`insufficient funds: balance=${balance.toString()}, required=${amount.toString()}`);
    return false;
  }
  setAmount(balanceKey(owner), balance.sub(amount)!);
  return true;
}

/**
 * Takes `amount` out of existence (burn, redeem): debits `owner` and lowers the total supply, failing with
 * `supplyError` when the supply is smaller. False after a failure.
 */
export function destroy(owner: string, amount: U128, supplyError: string): bool {
  if (!debit(owner, amount)) return false;
  const supply = amountAt(KEY_TOTAL_SUPPLY);
  if (supply.lt(amount)) {
    fail(supplyError);
    return false;
  }
  setAmount(KEY_TOTAL_SUPPLY, supply.sub(amount)!);
  return true;
}

/** Credits `amount` to `owner`: false after an overflow failure. */
export function credit(owner: string, amount: U128): bool {
  const next = checkedAdd(balanceOf(owner), amount);
  if (next === null) return false;
  setAmount(balanceKey(owner), next);
  return true;
}

/** The minters list (empty when none is stored). */
export function loadMinters(): string[] {
  const v = Storage.getJson(KEY_MINTERS);
  return v === null ? new Array<string>() : stringList(v);
}

export function saveMinters(minters: string[]): void {
  Storage.setJson(KEY_MINTERS, jsonStrings(minters));
}

/** Stores only the SHA-256 (hex) of a viewing key. */
export function storeViewingKey(owner: string, key: string): void {
  Storage.setJson(viewingKeyKey(owner), JsonValue.str(toHex(sha256(utf8Encode(key)))));
}

/** True when `key` is `address`'s viewing key (compares SHA-256 digests; a missing key never matches). */
export function viewingKeyMatches(address: string, key: string): bool {
  const stored = Storage.getJson(viewingKeyKey(address));
  const given = sha256(utf8Encode(key));
  if (stored === null) return false;
  const digest = fromHex(stored.asString());
  return digest !== null && bytesEqual(digest, given);
}
