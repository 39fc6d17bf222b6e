// Test entry points over the runtime library: each takes Regions (UTF-8 text or bytes) and returns a Region.
import { fromBase64, fromHex, toBase64, toHex, utf8Decode, utf8DecodeStrict, utf8Encode } from "../../../../contracts/lib/bytes";
import { Coin, Env, Info } from "../../../../contracts/lib/env";
import { canonical, jsonEqual, JsonValue, jsonError, parseJson, parseJsonLazy, quoteJson, stringify } from "../../../../contracts/lib/json";
import { readRegion, writeRegion } from "../../../../contracts/lib/memory";
import { compareNumbers, jsonNumberText, numberClass } from "../../../../contracts/lib/number";
import { compilePattern } from "../../../../contracts/lib/pattern";
import { queryContract } from "../../../../contracts/lib/querier";
import { errorJson, queryResultJson, Response } from "../../../../contracts/lib/response";
import { fail, failed, failure, resetFailure } from "../../../../contracts/lib/result";
import { validate } from "../../../../contracts/lib/schema";
import { schemaProblem } from "../../../../contracts/lib/schema-check";
import { IndexedList, Storage } from "../../../../contracts/lib/storage";

export * from "../../../../contracts/lib/exports";

function text(ptr: u32): string {
  return utf8Decode(readRegion(ptr));
}

function out(s: string): u32 {
  return writeRegion(utf8Encode(s));
}

/** Parses and writes back: `OK:<stringify>` or `ERR:<reason>`. */
export function json_roundtrip(input: u32): u32 {
  const v = parseJson(text(input));
  return out(v === null ? "ERR:" + jsonError() : "OK:" + stringify(v));
}

/** Parses lazily (trusted text), then writes back; also checks the lazy value equals the eager one. */
export function json_lazy_roundtrip(input: u32): u32 {
  const t = text(input);
  const lazy = parseJsonLazy(t);
  const eager = parseJson(t) as JsonValue;
  return out((jsonEqual(parseJsonLazy(t), eager) ? "EQ:" : "NE:") + stringify(lazy));
}

export function json_canonical(input: u32): u32 {
  const v = parseJson(text(input));
  return out(v === null ? "ERR:" + jsonError() : canonical(v));
}

/** Clones, then edits a parsed object: sets `"5"`, `"b"`, `"0"`, replaces `"a"`, removes `"c"`. */
export function json_edit(input: u32): u32 {
  const v = (parseJson(text(input)) as JsonValue).clone();
  v.setU64("5", 5).setBool("b", true).setNull("0").setString("a", "replaced");
  v.remove("c");
  return out(stringify(v));
}

/** `<class>|<JSON text>|<fitsU64>|<asU64>|<fitsI64>|<asI64>` of a number's text. */
export function number_info(input: u32): u32 {
  const t = text(input);
  const v = JsonValue.num(t);
  return out(
    numberClass(t).toString() + "|" + jsonNumberText(t) + "|" + (v.fitsU64() ? "1" : "0") + "|" + v.asU64().toString() + "|" +
      (v.fitsI64() ? "1" : "0") + "|" + v.asI64().toString(),
  );
}

export function number_compare(a: u32, b: u32): u32 {
  const c = compareNumbers(text(a), text(b));
  return out(c < 0 ? "-1" : c > 0 ? "1" : "0");
}

/** `VALID`, or the validator's message. */
export function schema_validate(schema: u32, root: u32, value: u32): u32 {
  const v = parseJson(text(value));
  if (v === null) return out("PARSE:" + jsonError());
  const message = validate(text(schema), text(root), v);
  return out(message === null ? "VALID" : message);
}

/** Validates each line of `values` (one JSON value per line) against the schema: one result per line. */
export function schema_validate_lines(schema: u32, root: u32, values: u32): u32 {
  const schemaText = text(schema);
  const rootText = text(root);
  const lines = text(values).split("\n");
  let result = "";
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) result += "\n";
    const v = parseJson(lines[i]);
    if (v === null) {
      result += "PARSE:" + jsonError();
      continue;
    }
    const message = validate(schemaText, rootText, v);
    result += message === null ? "VALID" : message;
  }
  return out(result);
}

export function schema_problem(schema: u32): u32 {
  const p = schemaProblem(text(schema));
  return out(p === null ? "OK" : p);
}

/** `1` / `0` per line of `subjects` (JSON strings, one per line), or `unsupported`. */
export function pattern_test(pattern: u32, subjects: u32): u32 {
  const p = compilePattern(text(pattern));
  if (p === null) return out("unsupported");
  const lines = text(subjects).split("\n");
  let result = "";
  for (let i = 0; i < lines.length; i++) {
    const s = parseJson(lines[i]) as JsonValue;
    result += p.test(s.asString()) ? "1" : "0";
  }
  return out(result);
}

export function b64_encode(bytes: u32): u32 {
  return out(toBase64(readRegion(bytes)));
}

export function b64_decode(input: u32): u32 {
  const b = fromBase64(text(input));
  return out(b === null ? "null" : toHex(b));
}

export function hex_decode(input: u32): u32 {
  const b = fromHex(text(input));
  return out(b === null ? "null" : toBase64(b));
}

/** The decoded text as a JSON string literal (so that every code unit survives the trip). */
export function utf8_decode(bytes: u32): u32 {
  return out(quoteJson(utf8Decode(readRegion(bytes))));
}

export function utf8_decode_strict(bytes: u32): u32 {
  const s = utf8DecodeStrict(readRegion(bytes));
  return out(s === null ? "null" : quoteJson(s));
}

/** UTF-8 of the string given as a JSON string literal. */
export function utf8_encode(literal: u32): u32 {
  const s = (parseJson(text(literal)) as JsonValue).asString();
  return writeRegion(utf8Encode(s));
}

/** Runs list commands (`add x`, `remove x`, `contains x`, `count`, `all`, `sorted`, `page <after|-> <limit>`). */
export function list_ops(script: u32): u32 {
  const list = new IndexedList("items#");
  const lines = text(script).split("\n");
  let result = "";
  for (let i = 0; i < lines.length; i++) {
    const parts = lines[i].split(" ");
    const op = parts[0];
    let r = "";
    if (op == "add") r = list.add(parts[1]) ? "true" : "false";
    else if (op == "remove") r = list.remove(parts[1]) ? "true" : "false";
    else if (op == "contains") r = list.contains(parts[1]) ? "true" : "false";
    else if (op == "count") r = list.count().toString();
    else if (op == "all") r = list.all().join(",");
    else if (op == "sorted") r = list.sorted().join(",");
    else if (op == "page") r = list.page(parts[1] == "-" ? null : parts[1], I32.parseInt(parts[2])).join(",");
    if (i > 0) result += "\n";
    result += r;
  }
  return out(result);
}

/** Reads the JSON under `key`, adds 1 to its `n`, writes it back; also keeps a counter and a raw string. */
export function storage_update(key: u32): u32 {
  const k = text(key);
  const current = Storage.getJson(k);
  const next = current === null ? JsonValue.object().setU64("n", 1) : current.setU64("n", current.getU64("n") + 1);
  Storage.setJson(k, next);
  Storage.setU64("counter", Storage.getU64("counter", 41) + 1);
  Storage.setString("raw", "plain text");
  const raw = Storage.getString("raw");
  return out(stringify(next) + "|" + (raw === null ? "" : raw) + "|" + (Storage.has("missing") ? "has" : "none"));
}

/** Fails, then tries to write: nothing may be written. */
export function storage_after_fail(): u32 {
  resetFailure();
  fail("first");
  fail("second");
  Storage.setJsonString("written", "no");
  Storage.remove("keep");
  const f = failure();
  const wasFailed = failed();
  resetFailure();
  return out(f + "|" + (wasFailed ? "failed" : "ok") + "|" + (failed() ? "failed" : "ok"));
}

export function env_info(env: u32, info: u32): u32 {
  const e = Env.fromJson(parseJson(text(env)) as JsonValue);
  const i = Info.fromJson(parseJson(text(info)) as JsonValue);
  const random = e.random;
  const hash = e.transactionHash;
  let funds = "";
  for (let j = 0; j < i.funds.length; j++) funds += (j > 0 ? "," : "") + i.funds[j].amount + i.funds[j].denom;
  return out(
    [
      e.height.toString(), e.time.toString(), e.timeNanos, e.chainId, e.contractAddress, e.codeHash,
      random === null ? "null" : random, e.transactionIndex.toString(), hash === null ? "null" : hash, i.sender, funds,
    ].join("|"),
  );
}

export function response_json(): u32 {
  const r = new Response()
    .addAttribute("action", "transfer")
    .addPlainAttribute("amount", "10")
    .setData(JsonValue.object().setString("status", "success"))
    .addWasmExecute("secret1contract", "ab12", JsonValue.object().set("receive", JsonValue.object().setString("amount", "5")), [new Coin("uscrt", "7")])
    .addBankSend("secret1to", [new Coin("uscrt", "3"), new Coin("uatom", "4")]);
  return out(r.toJson() + "\n" + queryResultJson(JsonValue.object().setU64("n", 1)) + "\n" + errorJson('bad "thing"'));
}

/** Queries `addr` with `{"ping":{}}`: the answer, or `FAIL:<failure>`. */
export function query_other(addr: u32): u32 {
  resetFailure();
  const answer = queryContract(text(addr), "c0de", JsonValue.object().set("ping", JsonValue.object()));
  return out(answer === null ? "FAIL:" + failure() : stringify(answer));
}

export function do_abort(): void {
  abort("boom");
}

export function do_out_of_range(): i32 {
  const list: i32[] = [1];
  return list[list.length + 4];
}
