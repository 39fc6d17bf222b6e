/**
 * `instantiate`: configuration (features default to off), the viewing-key seed, minters (default: the admin when
 * minting is enabled), and the initial balances, each recorded as a mint by the admin with memo `Initial Balance`.
 */
import {Env, Info} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {fail} from "../../lib/result";
import {Response} from "../../lib/response";
import {Storage} from "../../lib/storage";
import {parseUint128, U128} from "../../lib/u128";
import {sha256} from "../../lib/sha256";
import {fromBase64, toHex} from "../../lib/bytes";
import {setAmount} from "./amount";
import {ERR_INITIAL_OVERFLOW} from "./errors";
import {mintAction, recordTx} from "./history";
import {KEY_PRNG_SEED, KEY_TOTAL_SUPPLY} from "./keys";
import {field, jsonStrings, stringList, validAddress} from "../../lib/contract";
import {unique} from "./msg";
import {credit, saveConfig, saveMinters} from "./state";

/** Default native denomination for deposit/redeem. */
const DEFAULT_DENOM = "uscrt";
/** Memo of the mint entries written for `initial_balances` (as the reference implementation). */
const INITIAL_BALANCE_MEMO = "Initial Balance";

export function instantiateToken(env: Env, info: Info, msg: JsonValue): Response | null {
  const givenAdmin = msg.getString("admin");
  const admin = givenAdmin === null ? info.sender : givenAdmin;
  if (!validAddress(admin, "admin")) return null;
  const init = msg.opt("config");
  const denoms = msg.opt("supported_denoms");
  const enableMint = init !== null && init.getBool("enable_mint");
  const symbol = field(msg, "symbol");
  saveConfig(JsonValue.object()
    .set("name", JsonValue.str(field(msg, "name")))
    .set("symbol", JsonValue.str(symbol))
    .set("decimals", msg.get("decimals")!)
    .set("admin", JsonValue.str(admin))
    .set("public_total_supply", JsonValue.bool(init !== null && init.getBool("public_total_supply")))
    .set("enable_deposit", JsonValue.bool(init !== null && init.getBool("enable_deposit")))
    .set("enable_redeem", JsonValue.bool(init !== null && init.getBool("enable_redeem")))
    .set("enable_mint", JsonValue.bool(enableMint))
    .set("enable_burn", JsonValue.bool(init !== null && init.getBool("enable_burn")))
    .set("supported_denoms", denoms === null ? jsonStrings([DEFAULT_DENOM]) : jsonStrings(stringList(denoms))));
  Storage.setJson(KEY_PRNG_SEED, JsonValue.str(toHex(sha256(fromBase64(field(msg, "prng_seed"))!))));

  const givenMinters = msg.opt("minters");
  const minters = givenMinters !== null ? stringList(givenMinters) : enableMint ? [admin] : new Array<string>();
  for (let i = 0; i < minters.length; i++) if (!validAddress(minters[i], "minter")) return null;
  saveMinters(unique(minters));

  let total = U128.zero();
  const balances = msg.opt("initial_balances");
  const entries = balances === null ? new Array<JsonValue>() : balances.items;
  for (let i = 0; i < entries.length; i++) {
    const address = field(entries[i], "address");
    if (!validAddress(address, "initial balance")) return null;
    const value = parseUint128(field(entries[i], "amount"));
    if (value === null) return null;
    const sum = total.add(value);
    if (sum === null) {
      fail(ERR_INITIAL_OVERFLOW);
      return null;
    }
    total = sum;
    if (!credit(address, value)) return null;
    recordTx(env, mintAction(admin, address), symbol, value, INITIAL_BALANCE_MEMO, [address, admin]);
  }
  setAmount(KEY_TOTAL_SUPPLY, total);
  return new Response();
}
