/**
 * Allowances: `allowance:<owner>:<spender>` = `{"amount":"…","expiration":N?}`; an allowance whose expiration
 * (Unix seconds) is at or before the block time counts as zero.
 */
import {Env, Info} from "../../lib/env";
import {JsonValue} from "../../lib/json";
import {fail} from "../../lib/result";
import {Response} from "../../lib/response";
import {Storage} from "../../lib/storage";
import {parseUint128, U128} from "../../lib/u128";
import {allowanceKey} from "./keys";
import {field, validAddress} from "../../lib/contract";

/** An allowance in force: its amount and its expiration (a JSON integer, or null). */
export class Allowance {
  constructor(public amount: U128, public expiration: JsonValue | null) {}
}

/** The allowance in force (zero, without expiration, when absent or expired). */
export function loadAllowance(env: Env, owner: string, spender: string): Allowance {
  const stored = Storage.getJson(allowanceKey(owner, spender));
  if (stored === null) return new Allowance(U128.zero(), null);
  const expiration = stored.get("expiration");
  // the schema admits any non-negative integer: one beyond u64 is in the future
  if (expiration !== null && expiration.fitsU64() && env.time >= expiration.asU64()) return new Allowance(U128.zero(), null);
  return new Allowance(U128.parse(stored.get("amount")!.asString())!, expiration);
}

function saveAllowance(owner: string, spender: string, amount: U128, expiration: JsonValue | null): void {
  const value = JsonValue.object().set("amount", JsonValue.str(amount.toString()));
  if (expiration !== null) value.set("expiration", expiration);
  Storage.setJson(allowanceKey(owner, spender), value);
}

/** Takes `amount` from `spender`'s allowance over `owner`'s tokens: false after `insufficient allowance: …`. */
export function useAllowance(env: Env, owner: string, spender: string, amount: U128): bool {
  const allowance = loadAllowance(env, owner, spender);
  if (allowance.amount.lt(amount)) {
    fail(`insufficient allowance: allowance=${allowance.amount.toString()}, required=${amount.toString()}`);
    return false;
  }
  saveAllowance(owner, spender, allowance.amount.sub(amount)!, allowance.expiration);
  return true;
}

/** `{"allowance":{"spender","owner","allowance","expiration"}}`; the expiration is the stored one, or null. */
export function allowanceAnswer(env: Env, owner: string, spender: string): JsonValue {
  const stored = Storage.getJson(allowanceKey(owner, spender));
  const storedExpiration: JsonValue | null = stored === null ? null : stored.get("expiration");
  const amount = loadAllowance(env, owner, spender).amount;
  return JsonValue.object().set("allowance", JsonValue.object()
    .set("spender", JsonValue.str(spender))
    .set("owner", JsonValue.str(owner))
    .set("allowance", JsonValue.str(amount.toString()))
    .set("expiration", storedExpiration === null ? JsonValue.null_() : storedExpiration));
}

/** `increase_allowance` (saturating) and `decrease_allowance` (not below zero). */
export function changeAllowance(env: Env, info: Info, body: JsonValue, name: string, increase: bool): Response | null {
  const spender = field(body, "spender");
  if (!validAddress(spender, "spender")) return null;
  const current = loadAllowance(env, info.sender, spender);
  const amount = parseUint128(field(body, "amount"));
  if (amount === null) return null;
  const next = increase ? current.amount.saturatingAdd(amount) : current.amount.saturatingSub(amount);
  const given = body.opt("expiration");
  saveAllowance(info.sender, spender, next, given !== null ? given : current.expiration);
  const res = new Response();
  res.setData(JsonValue.object().set(name, JsonValue.object()
    .set("spender", JsonValue.str(spender))
    .set("owner", JsonValue.str(info.sender))
    .set("allowance", JsonValue.str(next.toString()))));
  return res;
}
