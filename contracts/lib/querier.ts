/**
 * Queries of other contracts through the host's `query_chain`: request
 * `{"wasm":{"smart":{"contract_addr","code_hash","msg":"<base64>"}}}`, answer `{"Ok":{"Ok":"<base64>"}}`,
 * `{"Ok":{"Err":"…"}}` (the other contract failed) or `{"Err":{…}}` (a system error). Failures are recorded
 * with the texts the devnet used: `Querier contract error: …`, `Querier system error: …`.
 */
import { fromBase64, toBase64, utf8DecodeStrict, utf8Encode } from "./bytes";
import { query_chain } from "./imports";
import { JsonValue, parseJson, stringify } from "./json";
import { regionOf, regionText } from "./memory";
import { fail } from "./result";

function either(v: JsonValue, upper: string, lower: string): JsonValue | null {
  const a = v.get(upper);
  return a !== null ? a : v.get(lower);
}

/** A readable text for a CosmWasm `SystemError` (or whatever the host put there). */
function systemErrorText(err: JsonValue): string {
  if (err.isString) return err.asString();
  if (err.isObject && err.keys.length == 1) {
    const body = err.values[0];
    if (err.keys[0] == "no_such_contract") {
      const addr = body.getString("addr");
      if (addr !== null) return "contract " + addr + " not found";
    }
    const msg = body.getString("msg");
    if (msg !== null) return msg;
    const error = body.getString("error");
    if (error !== null) return error;
  }
  return stringify(err);
}

/** Runs `msg` as a smart query on `contractAddr`; its answer, or null after `fail`. */
export function queryContract(contractAddr: string, codeHash: string, msg: JsonValue): JsonValue | null {
  const smart = JsonValue.object()
    .setString("contract_addr", contractAddr)
    .setString("code_hash", codeHash)
    .setString("msg", toBase64(utf8Encode(stringify(msg))));
  const request = JsonValue.object().set("wasm", JsonValue.object().set("smart", smart));
  const resultPtr = query_chain(regionOf(utf8Encode(stringify(request))));
  const result = parseJson(regionText(resultPtr, false) as string);
  if (result === null || !result.isObject) {
    fail("Querier system error: malformed query result");
    return null;
  }
  const ok = either(result, "Ok", "ok");
  if (ok === null) {
    const err = either(result, "Err", "error");
    fail("Querier system error: " + (err !== null ? systemErrorText(err) : stringify(result)));
    return null;
  }
  const answer = ok.isObject ? either(ok, "Ok", "ok") : null;
  if (answer === null) {
    const err = ok.isObject ? either(ok, "Err", "error") : null;
    fail("Querier contract error: " + (err !== null ? (err.isString ? err.asString() : stringify(err)) : stringify(ok)));
    return null;
  }
  const bytes = answer.isString ? fromBase64(answer.asString()) : null;
  const text = bytes !== null ? utf8DecodeStrict(bytes) : null;
  const parsed = text !== null ? parseJson(text) : null;
  if (parsed === null) {
    fail("Querier system error: the answer is not base64 JSON");
    return null;
  }
  return parsed;
}
