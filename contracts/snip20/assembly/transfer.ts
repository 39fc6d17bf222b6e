/**
 * Moving tokens: `transfer`, `send` (with the SNIP-20 `receive` callback), their allowance variants
 * `transfer_from` / `send_from`, and `register_receive`.
 */
import {Coin, Env, Info} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {fail} from "../../lib/result";
import {Response} from "../../lib/response";
import {Storage} from "../../lib/storage";
import {parseUint128, U128} from "../../lib/u128";
import {useAllowance} from "./allowance";
import {ERR_SEND_TO_CONTRACT} from "./errors";
import {recordTx, transferAction} from "./history";
import {receiverKey} from "./keys";
import {field, statusResponse, validAddress} from "../../lib/contract";
import {credit, debit, loadConfig} from "./state";

/** Moves tokens from `owner` to `recipient`; `spender` is who asked (the owner itself, or an allowance holder). */
function transferImpl(env: Env, spender: string, owner: string, recipient: string, amount: U128, memo: string | null): bool {
  if (!validAddress(recipient, "recipient")) return false;
  if (recipient == env.contractAddress) {
    fail(ERR_SEND_TO_CONTRACT);
    return false;
  }
  const config = loadConfig();
  if (config === null) return false;
  if (!debit(owner, amount)) return false;
  if (!credit(recipient, amount)) return false;
  recordTx(env, transferAction(owner, spender, recipient), config.symbol, amount, memo, [owner, spender, recipient]);
  return true;
}

/**
 * Adds the `receive` callback (docs §4) when a code hash is given or the recipient registered one: a `wasm.execute`
 * of `{"receive":{"sender","from","amount","memo"?,"msg"}}` to the recipient, no funds; `memo` omitted when absent,
 * `msg` null when absent.
 */
function addReceiveCallback(res: Response, recipient: string, codeHash: string | null, sender: string, from: string, amount: U128, memo: string | null, msg: string | null): void {
  let hash = codeHash;
  if (hash === null) {
    const stored = Storage.getJson(receiverKey(recipient));
    if (stored === null) return;
    hash = stored.asString();
  }
  const receive = JsonValue.object()
    .set("sender", JsonValue.str(sender))
    .set("from", JsonValue.str(from))
    .set("amount", JsonValue.str(amount.toString()));
  if (memo !== null) receive.set("memo", JsonValue.str(memo));
  receive.set("msg", msg === null ? JsonValue.null_() : JsonValue.str(msg));
  res.addWasmExecute(recipient, hash, JsonValue.object().set("receive", receive), new Array<Coin>());
}

export function transfer(env: Env, info: Info, body: JsonValue): Response | null {
  const amount = parseUint128(field(body, "amount"));
  if (amount === null) return null;
  if (!transferImpl(env, info.sender, info.sender, field(body, "recipient"), amount, body.getString("memo"))) return null;
  return statusResponse("transfer");
}

export function send(env: Env, info: Info, body: JsonValue): Response | null {
  const amount = parseUint128(field(body, "amount"));
  if (amount === null) return null;
  const recipient = field(body, "recipient");
  const memo = body.getString("memo");
  if (!transferImpl(env, info.sender, info.sender, recipient, amount, memo)) return null;
  const res = statusResponse("send");
  addReceiveCallback(res, recipient, body.getString("recipient_code_hash"), info.sender, info.sender, amount, memo, body.getString("msg"));
  return res;
}

/** Checks `owner`, spends the sender's allowance, moves the tokens; the amount, or null on failure. */
function fromOwner(env: Env, info: Info, body: JsonValue): U128 | null {
  const owner = field(body, "owner");
  if (!validAddress(owner, "owner")) return null;
  const amount = parseUint128(field(body, "amount"));
  if (amount === null) return null;
  if (!useAllowance(env, owner, info.sender, amount)) return null;
  if (!transferImpl(env, info.sender, owner, field(body, "recipient"), amount, body.getString("memo"))) return null;
  return amount;
}

export function transferFrom(env: Env, info: Info, body: JsonValue): Response | null {
  if (fromOwner(env, info, body) === null) return null;
  return statusResponse("transfer_from");
}

export function sendFrom(env: Env, info: Info, body: JsonValue): Response | null {
  const amount = fromOwner(env, info, body);
  if (amount === null) return null;
  const res = statusResponse("send_from");
  addReceiveCallback(res, field(body, "recipient"), body.getString("recipient_code_hash"), info.sender, field(body, "owner"), amount, body.getString("memo"), body.getString("msg"));
  return res;
}

/** Stores the caller's code hash for later `receive` callbacks. */
export function registerReceive(env: Env, info: Info, body: JsonValue): Response | null {
  Storage.setJson(receiverKey(info.sender), JsonValue.str(field(body, "code_hash")));
  return statusResponse("register_receive");
}
