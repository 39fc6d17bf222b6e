/**
 * Payments: the SNIP-20 `receive` callback. Accepted only from the payment token; its `msg` must be
 * `{"subscribe":{"plan_id"}}` (the exact plan price; the period runs from max(now, current expiry)) or
 * `{"deposit":{}}`. A plan payment is revenue of the RewardsManager epoch open now (asked with an `epoch {}` query)
 * and is forwarded at once with a SNIP-20 `send` carrying `{"revenue":{"epoch"}}`. Any refusal fails the whole
 * transaction, so the tokens stay with the sender.
 */
import {fromBase64, toBase64, utf8DecodeStrict, utf8Encode} from "../../lib/bytes";
import {field, isAbsent, statusResponse} from "../../lib/contract";
import {Env, Info} from "../../lib/env";
import {variant, variantBody} from "../../lib/entry";
import {JsonValue, parseJson, quoteJson, stringify} from "../../lib/json";
import {queryContract} from "../../lib/querier";
import {Response} from "../../lib/response";
import {fail} from "../../lib/result";
import {validate} from "../../lib/schema";
import {Storage} from "../../lib/storage";
import {checkedAdd, parseUint128, U128} from "../../lib/u128";
import {SCHEMA_RECEIVE_MSG} from "./schema.generated";
import {balanceKey, depositBalance, loadConfig, loadSubscription, planKey, revenueKey, subscriptionKey} from "./state";

export function receive(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  const token = config.get("payment_token")!;
  const tokenAddress = field(token, "address");
  // Anyone can send a hand-made `receive`; the amount is only trustworthy when the token contract sent it.
  if (info.sender != tokenAddress) {
    fail(`Unauthorized: receive is accepted only from the payment token ${tokenAddress}`);
    return null;
  }
  const msg = body.get("msg");
  if (isAbsent(msg)) {
    fail('receive.msg is required: {"deposit":{}} or {"subscribe":{"plan_id":"…"}}');
    return null;
  }
  const inner = decodeJsonBinary(msg!.asString(), "receive.msg");
  if (inner === null) return null;
  const kind = variant(inner);
  const from = field(body, "from");
  const amount = parseUint128(field(body, "amount"));
  if (amount === null) return null;
  if (kind == "subscribe") return subscribe(env, config, from, field(variantBody(inner), "plan_id"), amount);
  return deposit(from, amount);
}

/** Decodes a base64 JSON payload and validates it against the receive-message schema; null after `fail`. */
function decodeJsonBinary(b64: string, root: string): JsonValue | null {
  const bytes = fromBase64(b64);
  if (bytes === null) {
    fail(`${root}: not base64 JSON (invalid base64)`);
    return null;
  }
  const text = utf8DecodeStrict(bytes);
  if (text === null) {
    fail(`${root}: not base64 JSON (invalid UTF-8)`);
    return null;
  }
  const value = parseJson(text);
  if (value === null) {
    fail(`${root}: not base64 JSON (invalid JSON)`);
    return null;
  }
  const problem = validate(SCHEMA_RECEIVE_MSG, root, value);
  if (problem !== null) {
    fail(problem);
    return null;
  }
  return value;
}

function subscribe(env: Env, config: JsonValue, from: string, planId: string, amount: U128): Response | null {
  const plan = Storage.getJson(planKey(planId));
  if (isAbsent(plan)) {
    fail(`unknown plan ${quoteJson(planId)}`);
    return null;
  }
  const price = plan!.getString("price")!;
  const priceValue = U128.parse(price);
  if (priceValue === null || !priceValue.eq(amount)) {
    fail(`wrong amount for plan ${plan!.getString("id")!}: it costs exactly ${price}, got ${amount.toString()}`);
    return null;
  }
  const current = loadSubscription(from);
  const currentExpiry = current !== null ? current.getU64("expires_at") : 0;
  const start = env.time > currentExpiry ? env.time : currentExpiry;
  const expiresAt = start + plan!.getU64("period_seconds");
  Storage.setJson(subscriptionKey(from), JsonValue.object().setString("plan_id", plan!.getString("id")!).setU64("expires_at", expiresAt));

  const rm = config.get("rewards_manager");
  if (isAbsent(rm)) {
    fail("plan payments are refused: no rewards manager is configured to receive them");
    return null;
  }
  const epoch = currentEpoch(rm!);
  if (epoch < 0) return null;
  if (!addRevenue(<u64>epoch, amount)) return null;

  const res = statusResponse("receive");
  const forward = JsonValue.object()
    .setString("recipient", field(rm!, "address"))
    .setString("recipient_code_hash", field(rm!, "code_hash"))
    .setString("amount", amount.toString())
    .setString("msg", toBase64(utf8Encode(stringify(JsonValue.object().set("revenue", JsonValue.object().setU64("epoch", <u64>epoch))))));
  const token = config.get("payment_token")!;
  res.addWasmExecute(field(token, "address"), field(token, "code_hash"), JsonValue.object().set("send", forward), []);
  res.addAttribute("plan_id", plan!.getString("id")!);
  res.addAttribute("expires_at", expiresAt.toString());
  res.addAttribute("epoch", epoch.toString());
  return res;
}

/** Number of the RewardsManager epoch open now, or −1 after `fail`. */
function currentEpoch(rm: JsonValue): i64 {
  const answer = queryContract(field(rm, "address"), field(rm, "code_hash"), JsonValue.object().set("epoch", JsonValue.object()));
  if (answer === null) return -1;
  const epoch = answer.isObject ? answer.get("epoch") : null;
  if (epoch === null || !epoch.isNumber || !epoch.isInteger() || !epoch.fitsI64() || epoch.asI64() < 0) {
    fail("the rewards manager answered no epoch number");
    return -1;
  }
  return epoch.asI64();
}

function addRevenue(epoch: u64, amount: U128): bool {
  const key = revenueKey(epoch);
  const prev = Storage.getJson(key);
  let total = amount;
  let payments: u64 = 1;
  if (!isAbsent(prev)) {
    const sum = checkedAdd(U128.parse(prev!.getString("amount")!)!, amount);
    if (sum === null) return false;
    total = sum;
    payments = prev!.getU64("payments") + 1;
  }
  Storage.setJson(key, JsonValue.object().setString("amount", total.toString()).setU64("payments", payments));
  return true;
}

function deposit(from: string, amount: U128): Response | null {
  if (amount.isZero()) {
    fail("a deposit must be more than 0");
    return null;
  }
  const balance = checkedAdd(depositBalance(from), amount);
  if (balance === null) return null;
  Storage.setJsonString(balanceKey(from), balance.toString());
  const res = statusResponse("receive");
  res.addAttribute("balance", balance.toString());
  return res;
}
