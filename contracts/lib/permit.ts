/**
 * SNIP-24 query permits for the wasm contracts: the port of `contracts/common/permit.ts` — the same order of
 * checks and the same error texts — over a permit already parsed to a {@link JsonValue} (and validated against
 * the shared `Permit` schema by the entry glue), plus the revocation store behind `revoke_permit`.
 *
 * Order of checks (each failure is recorded with `fail()`, and the function returns null):
 * 1. this contract is in `allowed_tokens` (or the permit is a blanket `ANY_TOKEN` permit with `created`);
 * 2. `created` is not after the block time, `expires` is after it (ISO-8601 UTC strings);
 * 3. the signer account is the host's address of RIPEMD-160(SHA-256(pub_key));
 * 4. the permit name is not revoked by that account;
 * 5. secp256k1 signature over SHA-256 of the canonical amino sign document verifies;
 * 6. the permit grants the permission the query needs (`owner` grants all).
 * `chain_id` is only part of the signed bytes: it is not compared with the chain's id (SNIP-24).
 */
import {fromBase64, utf8Encode} from './bytes';
import {compressSecp256k1Pubkey, pubkeyToAddress, verifySha256Signature} from './crypto';
import {JsonKind, JsonValue} from './json';
import {fail} from './result';
import {Storage} from './storage';
import {jsonQuote} from '../common/portable/usage-core';

/** SNIP-24.1 blanket token value: the permit applies to every contract (must be the only entry, needs `created`). */
export const BLANKET_PERMIT_TOKEN: string = 'ANY_TOKEN';
/** The only supported `pub_key.type`. */
export const SECP256K1_PUBKEY_TYPE: string = 'tendermint/PubKeySecp256k1';
/** Storage key prefix of revoked permit names: `permit_revoked:<account>:<permit name>`. */
export const PERMIT_REVOCATION_PREFIX: string = 'permit_revoked:';
/** The permission that grants every other one. */
export const OWNER_PERMISSION: string = 'owner';

const BASE64_ALPHABET: string = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CHAR_EQUALS: i32 = 0x3d;

/**
 * The canonical amino `StdSignDoc` bytes a permit signer signs (docs §5.2): `account_number` "0", fee 0uscrt
 * with gas "1", empty memo, one `query_permit` message whose value holds the params except `chain_id`
 * (`created` / `expires` only when present and not null). Sorted keys, no whitespace, no HTML escaping.
 */
export function permitSignBytes(params: JsonValue): Uint8Array {
  let value = '{"allowed_tokens":' + stringList(member(params, 'allowed_tokens'));
  const created = optionalString(params, 'created');
  if (created !== null) value += ',"created":' + jsonQuote(created);
  const expires = optionalString(params, 'expires');
  if (expires !== null) value += ',"expires":' + jsonQuote(expires);
  value += ',"permissions":' + stringList(member(params, 'permissions'));
  value += ',"permit_name":' + jsonQuote(stringMember(params, 'permit_name')) + '}';
  const doc =
    '{"account_number":"0","chain_id":' + jsonQuote(stringMember(params, 'chain_id')) +
    ',"fee":{"amount":[{"amount":"0","denom":"uscrt"}],"gas":"1"},"memo":"","msgs":[{"type":"query_permit","value":' +
    value + '}],"sequence":"0"}';
  return utf8Encode(doc);
}

/**
 * Unix seconds of an ISO-8601 UTC time `YYYY-MM-DDThh:mm:ss[.fff]Z` (fraction truncated, up to nine digits).
 * Other forms, impossible dates (as JavaScript's `Date.UTC` judges them: years 0–99 included) and times before
 * 1970 record the reference texts with `fail()` and return −1.
 */
export function parseIso8601Utc(text: string): i64 {
  const n = text.length;
  let shaped = n == 20 || (n >= 22 && n <= 30 && text.charCodeAt(19) == 0x2e);
  if (shaped) {
    shaped =
      text.charCodeAt(4) == 0x2d && text.charCodeAt(7) == 0x2d && text.charCodeAt(10) == 0x54 &&
      text.charCodeAt(13) == 0x3a && text.charCodeAt(16) == 0x3a && text.charCodeAt(n - 1) == 0x5a &&
      digitsAt(text, 0, 4) && digitsAt(text, 5, 2) && digitsAt(text, 8, 2) && digitsAt(text, 11, 2) &&
      digitsAt(text, 14, 2) && digitsAt(text, 17, 2) && (n == 20 || digitsAt(text, 20, n - 21));
  }
  if (!shaped) {
    fail(n > 0 && text.charCodeAt(n - 1) == 0x5a ? 'ISO 8601 string could not be parsed' : 'ISO 8601 string not in Zulu (UTC+0)');
    return -1;
  }
  const year = numberAt(text, 0, 4);
  const month = numberAt(text, 5, 2);
  const day = numberAt(text, 8, 2);
  const hour = numberAt(text, 11, 2);
  const minute = numberAt(text, 14, 2);
  const second = numberAt(text, 17, 2);
  // Date.UTC reads years 0–99 as 1900–1999, so the reference's round trip refuses them.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    fail('ISO 8601 string could not be parsed');
    return -1;
  }
  const seconds = daysFromCivil(year, month, day) * 86400 + <i64>(hour * 3600 + minute * 60 + second);
  if (seconds < 0) {
    fail('Date time before January 1, 1970 0:00:00 UTC not supported');
    return -1;
  }
  return seconds;
}

/** Records that `account` revoked every permit named `permitName` (execute `revoke_permit`). */
export function revokePermit(account: string, permitName: string): void {
  Storage.setJson(revocationKey(account, permitName), JsonValue.bool(true));
}

/** True when `account` revoked permits named `permitName`. */
export function isPermitRevoked(account: string, permitName: string): bool {
  const stored = Storage.getJson(revocationKey(account, permitName));
  return stored !== null && stored.kind == JsonKind.Bool && stored.asBool();
}

/** True when the permit grants `permission` (directly or through `owner`). */
export function permitGrants(permit: JsonValue, permission: string): bool {
  const permissions = member(member(permit, 'params'), 'permissions').items;
  for (let i = 0; i < permissions.length; i++) {
    const p = permissions[i].asString();
    if (p == permission || p == OWNER_PERMISSION) return true;
  }
  return false;
}

/**
 * Verifies a SNIP-24 permit for the contract at `contractAddr` at block time `blockTime` (Unix seconds) and
 * returns the signer's address. `requiredPermission` is checked last (null: the caller checks); its failure text
 * is `No permission to query <permission>, got permissions [Balance]`. On any failure records the reference
 * text with `fail()` and returns null.
 */
export function verifyPermit(permit: JsonValue, contractAddr: string, blockTime: u64, requiredPermission: string | null): string | null {
  const params = member(permit, 'params');
  const allowed = member(params, 'allowed_tokens').items;
  if (listIncludes(allowed, BLANKET_PERMIT_TOKEN)) {
    if (allowed.length != 1) return failed('Blanket permits cannot contain other allowed tokens');
    if (optionalString(params, 'created') === null) return failed('Blanket permits must have a `created` time');
  } else if (!listIncludes(allowed, contractAddr)) {
    return failed("Permit doesn't apply to token " + jsonQuote(contractAddr) + ', allowed tokens: ' + debugList(allowed));
  }

  const created = optionalString(params, 'created');
  if (created !== null) {
    const at = parseIso8601Utc(created);
    if (at < 0) return null;
    if (<u64>at > blockTime) return failed('Permit `created` after current block time');
  }
  const expires = optionalString(params, 'expires');
  if (expires !== null) {
    const at = parseIso8601Utc(expires);
    if (at < 0) return null;
    if (<u64>at <= blockTime) return failed('Permit has expired');
  }

  const signature = member(permit, 'signature');
  const pubKey = member(signature, 'pub_key');
  const rawPubkey = decodeBinary(stringMember(pubKey, 'value'), 'permit public key');
  if (rawPubkey === null) return null;
  const pubkey = compressSecp256k1Pubkey(rawPubkey);
  if (pubkey === null) return failed('Public key len is not 33 or 65 bytes');
  const account = pubkeyToAddress(pubkey);

  const permitName = stringMember(params, 'permit_name');
  if (isPermitRevoked(account, permitName)) {
    return failed('Permit ' + jsonQuote(permitName) + ' was revoked by account ' + jsonQuote(account));
  }

  if (stringMember(pubKey, 'type') != SECP256K1_PUBKEY_TYPE) return failed('Invalid signature public key type');
  const sig = decodeBinary(stringMember(signature, 'signature'), 'permit signature');
  if (sig === null) return null;
  if (!verifySha256Signature(permitSignBytes(params), sig, pubkey)) {
    return failed('Failed to verify signatures for the given permit');
  }

  if (requiredPermission !== null && !permitGrants(permit, requiredPermission)) {
    const granted = debugPermissions(member(params, 'permissions').items);
    return failed('No permission to query ' + requiredPermission + ', got permissions ' + granted);
  }
  return account;
}

function failed(message: string): string | null {
  fail(message);
  return null;
}

function revocationKey(account: string, permitName: string): string {
  return PERMIT_REVOCATION_PREFIX + account + ':' + permitName;
}

/** `object[key]`; the permit schema guarantees required members, so a missing one is a contract bug (trap). */
function member(object: JsonValue, key: string): JsonValue {
  const value = object.get(key);
  if (value === null) throw new Error('permit without ' + key);
  return value;
}

function stringMember(object: JsonValue, key: string): string {
  return member(object, key).asString();
}

/** A string member that may be absent or null. */
function optionalString(object: JsonValue, key: string): string | null {
  const value = object.get(key);
  if (value === null || value.kind == JsonKind.Null) return null;
  return value.asString();
}

function listIncludes(items: JsonValue[], text: string): bool {
  for (let i = 0; i < items.length; i++) if (items[i].asString() == text) return true;
  return false;
}

/** JSON array text of a list of strings. */
function stringList(list: JsonValue): string {
  const items = list.items;
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += jsonQuote(items[i].asString());
  }
  return out + ']';
}

/** Rust `{:?}` rendering of a string list, as the reference texts show it: `["a", "b"]`. */
function debugList(items: JsonValue[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ', ';
    out += jsonQuote(items[i].asString());
  }
  return out + ']';
}

/** Rust `{:?}` rendering of permissions (enum variant names): `[Balance, History]`. */
function debugPermissions(items: JsonValue[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ', ';
    const p = items[i].asString();
    if (p.length == 0) continue;
    const first = p.charCodeAt(0);
    out += String.fromCharCode(first >= 0x61 && first <= 0x7a ? first - 0x20 : first) + p.substring(1);
  }
  return out + ']';
}

/**
 * Standard padded base64 (CosmWasm `Binary`) to bytes; on failure records `Invalid <what>: <reason>` with the
 * reasons of `contracts/common/encoding.ts` (`Invalid Base64 string: length`, `… unexpected character at N`).
 */
function decodeBinary(text: string, what: string): Uint8Array | null {
  const problem = base64Problem(text);
  if (problem !== null) return failedBytes('Invalid ' + what + ': ' + problem);
  const bytes = fromBase64(text);
  if (bytes === null) return failedBytes('Invalid ' + what + ': Invalid Base64 string');
  return bytes;
}

function failedBytes(message: string): Uint8Array | null {
  fail(message);
  return null;
}

/** Why `text` is not standard padded base64 (the portable decoder's first complaint), or null when it is. */
function base64Problem(text: string): string | null {
  const n = text.length;
  if (n % 4 != 0) return 'Invalid Base64 string: length';
  let padding = 0;
  if (n >= 1 && text.charCodeAt(n - 1) == CHAR_EQUALS) padding = n >= 2 && text.charCodeAt(n - 2) == CHAR_EQUALS ? 2 : 1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const isTailPad = c == CHAR_EQUALS && i >= n - padding;
    if (!isTailPad && (c >= 0x80 || BASE64_ALPHABET.indexOf(String.fromCharCode(c)) < 0)) {
      return 'Invalid Base64 string: unexpected character at ' + i.toString();
    }
  }
  return null;
}

function digitsAt(text: string, start: i32, count: i32): bool {
  if (count < 1 || count > 9) return false;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function numberAt(text: string, start: i32, count: i32): i32 {
  let value = 0;
  for (let i = start; i < start + count; i++) value = value * 10 + (text.charCodeAt(i) - 0x30);
  return value;
}

function isLeapYear(year: i32): bool {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

function daysInMonth(year: i32, month: i32): i32 {
  if (month == 2) return isLeapYear(year) ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`), for years ≥ 1. */
function daysFromCivil(year: i32, month: i32, day: i32): i64 {
  const y = <i64>(month <= 2 ? year - 1 : year);
  const era = y / 400;
  const yearOfEra = y - era * 400;
  const m = <i64>month;
  const dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + <i64>day - 1;
  const dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}
