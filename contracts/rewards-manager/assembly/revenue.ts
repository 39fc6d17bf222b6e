/**
 * Money in: SNIP-20 `receive` of the payment token with `msg` = base64 of `{"revenue":{"epoch"?}}`, accepted only
 * from the payment-token contract, for an epoch that is not closed and has started (default: the current one).
 */
import {fromBase64, utf8DecodeStrict} from "../../lib/bytes";
import {Env, Info} from "../../lib/env";
import {JsonValue, jsonError, parseJson} from "../../lib/json";
import {Response} from "../../lib/response";
import {fail} from "../../lib/result";
import {validate} from "../../lib/schema";
import {checkedAdd, parseUint128} from "../../lib/u128";
import {amountIn, setAmountIn} from "./amounts";
import {field, statusResponse, u64Of} from "../../lib/contract";
import {numberText} from "./msg";
import {closedCount, loadClock, loadConfig, loadEpoch, saveEpoch} from "./state";
import {SCHEMA_RECEIVE_MSG} from "./schema.generated";

const RECEIVE_MSG_ROOT = "receive.msg";

/**
 * The base64 JSON payload of `receive.msg`, validated against the receive-message schema; null after a failure
 * (`receive.msg: not base64 JSON (…)` or the validator's message). The schema already made it standard base64.
 */
function decodeReceiveMsg(b64: string): JsonValue | null {
  const bytes = fromBase64(b64);
  const text: string | null = bytes !== null ? utf8DecodeStrict(bytes) : null;
  if (text === null) {
    fail(RECEIVE_MSG_ROOT + ": not base64 JSON (" + (bytes === null ? "Invalid Base64 string" : "Invalid UTF-8 data") + ")");
    return null;
  }
  const value = parseJson(text);
  if (value === null) {
    fail(RECEIVE_MSG_ROOT + ": not base64 JSON (" + jsonError() + ")");
    return null;
  }
  const problem = validate(SCHEMA_RECEIVE_MSG, RECEIVE_MSG_ROOT, value);
  if (problem !== null) {
    fail(problem);
    return null;
  }
  return value;
}

export function receive(env: Env, info: Info, body: JsonValue): Response | null {
  const config = loadConfig();
  if (config === null) return null;
  // Anyone can send a hand-made `receive`; the amount is only real when the token contract sent it.
  const token = config.paymentToken.get("address")!.asString();
  if (info.sender != token) {
    fail("Unauthorized: receive is accepted only from the payment token " + token);
    return null;
  }
  const msg = body.getString("msg");
  if (msg === null) {
    fail('receive.msg is required: {"revenue":{}}');
    return null;
  }
  const inner = decodeReceiveMsg(msg);
  if (inner === null) return null;
  const clock = loadClock();
  if (clock === null) return null;
  const current = clock.epochAt(env.time);
  const given = inner.get("revenue")!.opt("epoch");
  const e = given === null ? current : u64Of(given);
  const closed = closedCount();
  if (e < closed || e > current) {
    const shown = given === null ? current.toString() : numberText(given);
    fail("revenue for epoch " + shown + " cannot be accepted: open epochs are " + closed.toString() + " to " + current.toString());
    return null;
  }
  const value = parseUint128(field(body, "amount"));
  if (value === null) return null;
  if (value.isZero()) {
    fail("revenue amount must be positive");
    return null;
  }
  const ep = loadEpoch(e);
  const revenue = checkedAdd(amountIn(ep, "revenue"), value);
  if (revenue === null) return null;
  setAmountIn(ep, "revenue", revenue);
  saveEpoch(e, ep);
  return statusResponse("receive");
}
