/**
 * The portable core of usage records (see `contracts/common/usage.ts`): the signature domains, the weight and the
 * canonical JSON text of a record. ONE source for both sides: `tsc` compiles it for `contracts/common/usage.ts`
 * (the gateway and the client sign with it) and `asc` compiles it for `contracts/lib/usage.ts` (the wasm
 * RewardsManager verifies with it), so the signed bytes cannot drift apart.
 *
 * Written in the subset both compilers accept: no imports, strings through `charCodeAt` / `String.fromCharCode`,
 * integer types named the AssemblyScript way (`u32`, `u64`, `i32`; plain `number` for `tsc` through
 * `as-types.d.ts`), explicit `as` conversions, no division that could leave a fraction, no floating point in
 * wasm. Every integer stays below 2^53, so `tsc`'s doubles compute exactly what `asc`'s integers do.
 */

/** Domain prefix of the worker's signature over a usage record. */
export const USAGE_DOMAIN_WORKER: string = 'secretai/usage/v1/worker\n';
/** Domain prefix of the subscriber's countersignature over a usage record. */
export const USAGE_DOMAIN_SUBSCRIBER: string = 'secretai/usage/v1/subscriber\n';
/** Output tokens weigh this many input tokens (the Secret AI economics rule). */
export const OUTPUT_TOKEN_WEIGHT: u32 = 4;
/** Largest token count of a record (2^32 − 1). */
export const MAX_TOKEN_COUNT: u32 = 0xffffffff;
/** Largest epoch of a record: 2^53 − 1 (`Number.MAX_SAFE_INTEGER`, the TypeScript side's exact range). */
export const MAX_USAGE_EPOCH: u64 = 9007199254740991;

/** The signature domain of a signer role (`worker` or `subscriber`); null for any other name. */
export function usageDomain(signer: string): string | null {
  if (signer === 'worker') return USAGE_DOMAIN_WORKER;
  if (signer === 'subscriber') return USAGE_DOMAIN_SUBSCRIBER;
  return null;
}

/** Weight of a record: `input_tokens + 4 × output_tokens` (below 5 × 2^32, exact on both sides). */
export function usageWeightOf(inputTokens: u32, outputTokens: u32): u64 {
  return (inputTokens as u64) + (OUTPUT_TOKEN_WEIGHT as u64) * (outputTokens as u64);
}

/**
 * The canonical JSON text of a usage record: members in sorted key order (`epoch, input_tokens, key_handle, model,
 * output_tokens, request_id, worker_id` — the order of JavaScript's default string sort), no whitespace, strings
 * as {@link jsonQuote}, integers as plain decimals. Its UTF-8 bytes are the record's canonical bytes. The caller
 * validates the record first (token counts up to {@link MAX_TOKEN_COUNT}, epoch up to {@link MAX_USAGE_EPOCH}).
 */
export function usageRecordJson(
  workerId: string,
  keyHandle: string,
  model: string,
  requestId: string,
  inputTokens: u32,
  outputTokens: u32,
  epoch: u64,
): string {
  return (
    '{"epoch":' + decimalText(epoch) +
    ',"input_tokens":' + decimalText(inputTokens as u64) +
    ',"key_handle":' + jsonQuote(keyHandle) +
    ',"model":' + jsonQuote(model) +
    ',"output_tokens":' + decimalText(outputTokens as u64) +
    ',"request_id":' + jsonQuote(requestId) +
    ',"worker_id":' + jsonQuote(workerId) +
    '}'
  );
}

/** Decimal text of a non-negative integer (up to 2^53 − 1 on the TypeScript side). */
export function decimalText(value: u64): string {
  let out = '';
  let rest = value;
  do {
    const digit = rest % 10;
    out = String.fromCharCode((0x30 + digit) as i32) + out;
    rest = (rest - digit) / 10;
  } while (rest > 0);
  return out;
}

/**
 * A string as a JSON string literal, exactly as `JSON.stringify` writes it (and serde-json, which signers on the
 * chain use): `"` and `\` escaped, `\b \f \n \r \t` short forms, other control characters and lone surrogates
 * as `\u` with four lower-case hex digits; everything else, including `<`, `>`, `&` and valid surrogate pairs,
 * unchanged.
 */
export function jsonQuote(text: string): string {
  let out = '"';
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let escaped = '';
    if (c === 0x22) escaped = '\\"';
    else if (c === 0x5c) escaped = '\\\\';
    else if (c < 0x20) escaped = controlEscape(c);
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      escaped = unicodeEscape(c);
    } else continue;
    out += text.substring(start, i) + escaped;
    start = i + 1;
  }
  return out + text.substring(start, n) + '"';
}

function controlEscape(c: i32): string {
  if (c === 0x08) return '\\b';
  if (c === 0x09) return '\\t';
  if (c === 0x0a) return '\\n';
  if (c === 0x0c) return '\\f';
  if (c === 0x0d) return '\\r';
  return unicodeEscape(c);
}

const HEX_DIGITS: string = '0123456789abcdef';

function unicodeEscape(c: i32): string {
  return (
    '\\u' +
    HEX_DIGITS.charAt((c >> 12) & 15) +
    HEX_DIGITS.charAt((c >> 8) & 15) +
    HEX_DIGITS.charAt((c >> 4) & 15) +
    HEX_DIGITS.charAt(c & 15)
  );
}
