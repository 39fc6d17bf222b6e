/**
 * Queries: the public ones (`token_info`, `token_config`, `exchange_rate`, `minters`), the ones authenticated by a
 * viewing key (`balance`, `transaction_history`, `allowance`; a wrong key is an answer, not an error), and
 * `with_permit` (SNIP-24; permit failures are errors).
 */
import {Env} from "../../lib/env";
import {JsonValue, quoteJson} from "../../lib/json";
import {fail} from "../../lib/result";
import {variant, variantBody} from "../../lib/entry";
import {verifyPermit} from "../../lib/permit";
import {Storage} from "../../lib/storage";
import {amountAt} from "./amount";
import {allowanceAnswer} from "./allowance";
import {ERR_TRANSFER_HISTORY_UNSUPPORTED, ERR_VIEWING_KEY} from "./errors";
import {historyAnswer} from "./history";
import {KEY_MINTERS, KEY_TOTAL_SUPPLY} from "./keys";
import {field, validAddress} from "../../lib/contract";
import {balanceOf, loadConfig, viewingKeyMatches} from "./state";

/** Decimals of SCRT, the reference point of `exchange_rate`. */
const SCRT_DECIMALS: u32 = 6;

function viewingKeyError(): JsonValue {
  return JsonValue.object().set("viewing_key_error", JsonValue.object().set("msg", JsonValue.str(ERR_VIEWING_KEY)));
}

function balanceAnswer(address: string): JsonValue {
  return JsonValue.object().set("balance", JsonValue.object().set("amount", JsonValue.str(balanceOf(address).toString())));
}

/** `page` (default 0) and `page_size` of a history query. */
function historyPage(address: string, body: JsonValue): JsonValue | null {
  const page = body.opt("page");
  return historyAnswer(address, page === null ? 0 : page.asU64(), body.get("page_size")!.asU64());
}

export function tokenInfo(env: Env, body: JsonValue): JsonValue | null {
  const config = loadConfig();
  if (config === null) return null;
  const c = config.json;
  const supply = c.get("public_total_supply")!.asBool() ? JsonValue.str(amountAt(KEY_TOTAL_SUPPLY).toString()) : JsonValue.null_();
  return JsonValue.object().set("token_info", JsonValue.object()
    .set("name", c.get("name")!)
    .set("symbol", c.get("symbol")!)
    .set("decimals", c.get("decimals")!)
    .set("total_supply", supply));
}

export function tokenConfig(env: Env, body: JsonValue): JsonValue | null {
  const config = loadConfig();
  if (config === null) return null;
  const c = config.json;
  return JsonValue.object().set("token_config", JsonValue.object()
    .set("public_total_supply", c.get("public_total_supply")!)
    .set("deposit_enabled", c.get("enable_deposit")!)
    .set("redeem_enabled", c.get("enable_redeem")!)
    .set("mint_enabled", c.get("enable_mint")!)
    .set("burn_enabled", c.get("enable_burn")!)
    .set("supported_denoms", c.get("supported_denoms")!));
}

function pow10(n: u32): u64 {
  let out: u64 = 1;
  for (let i: u32 = 0; i < n; i++) out *= 10;
  return out;
}

function exchangeRateAnswer(rate: string, denom: string): JsonValue {
  return JsonValue.object().set("exchange_rate", JsonValue.object().set("rate", JsonValue.str(rate)).set("denom", JsonValue.str(denom)));
}

/** 10^(decimals−6) SCRT per token for decimals ≥ 6, else 10^(6−decimals) per token symbol; 0 when neither deposit nor redeem. */
export function exchangeRate(env: Env, body: JsonValue): JsonValue | null {
  const config = loadConfig();
  if (config === null) return null;
  if (!config.flag("enable_deposit") && !config.flag("enable_redeem")) return exchangeRateAnswer("0", "");
  const decimals = config.decimals;
  if (decimals >= SCRT_DECIMALS) return exchangeRateAnswer(pow10(decimals - SCRT_DECIMALS).toString(), "SCRT");
  return exchangeRateAnswer(pow10(SCRT_DECIMALS - decimals).toString(), config.symbol);
}

export function minters(env: Env, body: JsonValue): JsonValue | null {
  const stored = Storage.getJson(KEY_MINTERS);
  return JsonValue.object().set("minters", JsonValue.object().set("minters", stored === null ? JsonValue.array() : stored));
}

export function balance(env: Env, body: JsonValue): JsonValue | null {
  const address = field(body, "address");
  if (!validAddress(address, "account")) return null;
  return viewingKeyMatches(address, field(body, "key")) ? balanceAnswer(address) : viewingKeyError();
}

export function transactionHistory(env: Env, body: JsonValue): JsonValue | null {
  const address = field(body, "address");
  if (!validAddress(address, "account")) return null;
  return viewingKeyMatches(address, field(body, "key")) ? historyPage(address, body) : viewingKeyError();
}

export function transferHistory(env: Env, body: JsonValue): JsonValue | null {
  fail(ERR_TRANSFER_HISTORY_UNSUPPORTED);
  return null;
}

export function allowance(env: Env, body: JsonValue): JsonValue | null {
  const owner = field(body, "owner");
  if (!validAddress(owner, "owner")) return null;
  const spender = field(body, "spender");
  if (!validAddress(spender, "spender")) return null;
  const key = field(body, "key");
  const ok = viewingKeyMatches(owner, key) || viewingKeyMatches(spender, key);
  return ok ? allowanceAnswer(env, owner, spender) : viewingKeyError();
}

/** `with_permit`: verify the permit for this contract, check the permission, answer the inner query. */
export function withPermit(env: Env, body: JsonValue): JsonValue | null {
  const permit = body.get("permit")!;
  const query = body.get("query")!;
  const name = variant(query);
  const inner = variantBody(query);
  if (name == "balance") {
    const account = verifyPermit(permit, env.contractAddress, env.time, "balance");
    return account === null ? null : balanceAnswer(account);
  }
  if (name == "transaction_history") {
    const account = verifyPermit(permit, env.contractAddress, env.time, "history");
    return account === null ? null : historyPage(account, inner);
  }
  if (name == "transfer_history") {
    if (verifyPermit(permit, env.contractAddress, env.time, null) !== null) fail(ERR_TRANSFER_HISTORY_UNSUPPORTED);
    return null;
  }
  const account = verifyPermit(permit, env.contractAddress, env.time, "allowance");
  if (account === null) return null;
  const owner = field(inner, "owner");
  const spender = field(inner, "spender");
  if (account != owner && account != spender) {
    fail(
      `Cannot query allowance. Requires permit for either owner ${quoteJson(owner)} or spender ` +
        `${quoteJson(spender)}, got permit for ${quoteJson(account)}`,
    );
    return null;
  }
  return allowanceAnswer(env, owner, spender);
}
