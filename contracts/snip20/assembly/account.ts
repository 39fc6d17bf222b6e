/**
 * Account-level messages: viewing keys (`create_viewing_key`, `set_viewing_key`), permit revocation, and the native
 * coin wrapper (`deposit`, `redeem`, 1 base unit per unit of a supported denomination).
 */
import {Coin, Env, Info} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {fail} from "../../lib/result";
import {Response} from "../../lib/response";
import {Storage} from "../../lib/storage";
import {sha256} from "../../lib/sha256";
import {concatAll, fromHex, toBase64, u64be, utf8Encode} from "../../lib/bytes";
import {revokePermit as storePermitRevocation} from "../../lib/permit";
import {amountAt, decimalAdd, setAmount} from "./amount";
import {checkedAdd, parseUint128, U128} from "../../lib/u128";
import {
  ERR_DEPOSIT_DISABLED,
  ERR_NO_DEPOSIT_FUNDS,
  ERR_REDEEM_BAD_DENOM,
  ERR_REDEEM_DISABLED,
  ERR_REDEEM_NO_DENOM,
  ERR_REDEEM_SUPPLY,
} from "./errors";
import {action, recordTx} from "./history";
import {KEY_PRNG_SEED, KEY_TOTAL_SUPPLY, KEY_VK_NONCE, reserveKey} from "./keys";
import {field, statusResponse} from "../../lib/contract";
import {credit, destroy, loadConfig, storeViewingKey} from "./state";

/** Prefix of created viewing keys. */
const VIEWING_KEY_PREFIX = "api_key_";

/**
 * Derives a key from the secret seed, the sender, the caller's entropy, a per-contract counter and the block (there
 * is no randomness on chain), stores its SHA-256 and answers `{"create_viewing_key":{"key":"api_key_…"}}`.
 */
export function createViewingKey(env: Env, info: Info, body: JsonValue): Response | null {
  const stored = Storage.getJson(KEY_VK_NONCE);
  const nonce: u64 = (stored === null ? 0 : stored.asU64()) + 1;
  Storage.setJson(KEY_VK_NONCE, JsonValue.uint(nonce));
  const seedHex = Storage.getJson(KEY_PRNG_SEED);
  const seed = fromHex(seedHex === null ? "" : seedHex.asString())!;
  const entropy = body.getString("entropy");
  const material = concatAll([
    seed,
    utf8Encode(info.sender),
    utf8Encode(entropy === null ? "" : entropy),
    u64be(nonce),
    u64be(env.height),
    u64be(env.time),
  ]);
  const key = VIEWING_KEY_PREFIX + toBase64(sha256(material));
  storeViewingKey(info.sender, key);
  const res = new Response();
  res.setData(JsonValue.object().set("create_viewing_key", JsonValue.object().set("key", JsonValue.str(key))));
  return res;
}

export function setViewingKey(env: Env, info: Info, body: JsonValue): Response | null {
  storeViewingKey(info.sender, field(body, "key"));
  return statusResponse("set_viewing_key");
}

export function revokePermit(env: Env, info: Info, body: JsonValue): Response | null {
  storePermitRevocation(info.sender, field(body, "permit_name"));
  return statusResponse("revoke_permit");
}

/** Wraps the sent coins of supported denominations 1:1 into tokens. */
export function deposit(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  const supported = config.supportedDenoms;
  // per denomination, in order of first appearance
  const denoms = new Array<string>();
  const sums = new Array<U128>();
  for (let i = 0; i < info.funds.length; i++) {
    const coin = info.funds[i];
    if (!supported.includes(coin.denom)) {
      fail(`Tried to deposit an unsupported coin ${coin.denom}`);
      return null;
    }
    const index = denoms.indexOf(coin.denom);
    const previous = index < 0 ? U128.zero() : sums[index];
    const value = parseUint128(coin.amount, "deposit amount");
    if (value === null) return null;
    const sum = checkedAdd(previous, value);
    if (sum === null) return null;
    if (index < 0) {
      denoms.push(coin.denom);
      sums.push(sum);
    } else {
      sums[index] = sum;
    }
  }
  // the sum over denominations is unbounded (as with BigInt): keep its text for the overflow message
  let total: U128 | null = U128.zero();
  let totalText = "0";
  for (let i = 0; i < sums.length; i++) {
    totalText = decimalAdd(totalText, sums[i].toString());
    if (total !== null) total = total.add(sums[i]);
  }
  if (total !== null && total.isZero()) {
    fail(ERR_NO_DEPOSIT_FUNDS);
    return null;
  }
  if (!config.flag("enable_deposit")) {
    fail(ERR_DEPOSIT_DISABLED);
    return null;
  }
  const supply = amountAt(KEY_TOTAL_SUPPLY);
  if (total === null) {
    fail(`Overflow: Cannot Add with ${supply.toString()} and ${totalText}`);
    return null;
  }
  const newSupply = checkedAdd(supply, total);
  if (newSupply === null) return null;
  setAmount(KEY_TOTAL_SUPPLY, newSupply);
  if (!credit(info.sender, total)) return null;
  for (let i = 0; i < denoms.length; i++) {
    const amount = sums[i];
    if (amount.isZero()) continue;
    const reserve = checkedAdd(amountAt(reserveKey(denoms[i])), amount);
    if (reserve === null) return null;
    setAmount(reserveKey(denoms[i]), reserve);
    recordTx(env, action("deposit", JsonValue.object()), denoms[i], amount, null, [info.sender]);
  }
  return statusResponse("deposit");
}

/** Burns `amount` tokens and pays as much native coin back with a bank send. */
export function redeem(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  if (!config.flag("enable_redeem")) {
    fail(ERR_REDEEM_DISABLED);
    return null;
  }
  const supported = config.supportedDenoms;
  const denom = body.getString("denom");
  let withdrawDenom: string;
  if (denom === null && supported.length == 1) withdrawDenom = supported[0];
  else if (denom !== null && supported.includes(denom)) withdrawDenom = denom;
  else {
    fail(denom === null ? ERR_REDEEM_NO_DENOM : ERR_REDEEM_BAD_DENOM);
    return null;
  }
  const value = parseUint128(field(body, "amount"));
  if (value === null) return null;
  if (!destroy(info.sender, value, ERR_REDEEM_SUPPLY)) return null;
  const reserve = amountAt(reserveKey(withdrawDenom));
  if (reserve.lt(value)) {
    fail(`You are trying to redeem for more ${withdrawDenom} than the contract has in its reserve`);
    return null;
  }
  setAmount(reserveKey(withdrawDenom), reserve.sub(value)!);
  recordTx(env, action("redeem", JsonValue.object()), config.symbol, value, null, [info.sender]);
  const res = statusResponse("redeem");
  res.addBankSend(info.sender, [new Coin(withdrawDenom, value.toString())]);
  return res;
}
