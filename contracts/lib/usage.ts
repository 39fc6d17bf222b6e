/**
 * Usage records on the RewardsManager's side (the verification half of `contracts/common/usage.ts`): a record
 * read from its JSON, its canonical bytes and weight, and the worker and subscriber signature checks with the
 * same domains and the low-S rule. The domains, the weight and the canonical JSON text are not written here but
 * compiled from `contracts/common/portable/usage-core.ts`, the source the TypeScript signers use.
 *
 * The members' formats (worker id, key handle and model patterns, request id length) are the `UsageRecord`
 * schema's, checked by the entry glue when the message is validated; {@link UsageRecord.fromJson} checks the
 * shape and the integer ranges the canonical bytes depend on (token counts up to 2^32 − 1, epoch up to 2^53 − 1
 * like the TypeScript side's safe integers).
 */
import {bytesEqual, concat, fromBase64, utf8Encode} from './bytes';
import {SECP256K1_COMPRESSED_PUBKEY_BYTES, SECP256K1_SIGNATURE_BYTES, verifySha256Signature} from './crypto';
import {JsonKind, JsonValue} from './json';
import {
  MAX_TOKEN_COUNT,
  MAX_USAGE_EPOCH,
  OUTPUT_TOKEN_WEIGHT,
  USAGE_DOMAIN_SUBSCRIBER,
  USAGE_DOMAIN_WORKER,
  usageDomain,
  usageRecordJson,
  usageWeightOf,
} from '../common/portable/usage-core';

export {MAX_TOKEN_COUNT, MAX_USAGE_EPOCH, OUTPUT_TOKEN_WEIGHT, USAGE_DOMAIN_SUBSCRIBER, USAGE_DOMAIN_WORKER};

/** Signer roles (the names {@link usageDomain} knows). */
export const USAGE_SIGNER_WORKER: string = 'worker';
export const USAGE_SIGNER_SUBSCRIBER: string = 'subscriber';

/** Number of members of a record. */
const RECORD_MEMBERS: i32 = 7;
/** Bytes of one scalar of a compact signature. */
const SCALAR_BYTES: i32 = 32;
/** The secp256k1 group order n, big-endian. */
const CURVE_ORDER: StaticArray<u8> = [
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
  0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];
/** ⌊n / 2⌋, big-endian: the largest low S. */
const HALF_ORDER: StaticArray<u8> = [
  0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/** What one request used (the `UsageRecord` definition). */
export class UsageRecord {
  workerId: string = '';
  keyHandle: string = '';
  model: string = '';
  requestId: string = '';
  inputTokens: u32 = 0;
  outputTokens: u32 = 0;
  epoch: u64 = 0;

  /**
   * The record in `value`: an object with exactly the seven members, strings where the schema has strings, and
   * integers in range (an integer may be written `3`, `3.0` or `30e-1`: the value counts, as in JavaScript).
   * Null otherwise.
   */
  static fromJson(value: JsonValue): UsageRecord | null {
    if (value.kind != JsonKind.Object || value.keys.length != RECORD_MEMBERS) return null;
    const workerId = stringOf(value.get('worker_id'));
    const keyHandle = stringOf(value.get('key_handle'));
    const model = stringOf(value.get('model'));
    const requestId = stringOf(value.get('request_id'));
    const inputTokens = integerOf(value.get('input_tokens'), <u64>MAX_TOKEN_COUNT);
    const outputTokens = integerOf(value.get('output_tokens'), <u64>MAX_TOKEN_COUNT);
    const epoch = integerOf(value.get('epoch'), MAX_USAGE_EPOCH);
    if (workerId === null || keyHandle === null || model === null || requestId === null) return null;
    if (inputTokens < 0 || outputTokens < 0 || epoch < 0) return null;
    const r = new UsageRecord();
    r.workerId = workerId;
    r.keyHandle = keyHandle;
    r.model = model;
    r.requestId = requestId;
    r.inputTokens = <u32>inputTokens;
    r.outputTokens = <u32>outputTokens;
    r.epoch = <u64>epoch;
    return r;
  }

  /** The canonical JSON text (sorted keys, no whitespace, `JSON.stringify` escaping). */
  canonicalJson(): string {
    return usageRecordJson(this.workerId, this.keyHandle, this.model, this.requestId, this.inputTokens, this.outputTokens, this.epoch);
  }

  /** The canonical bytes: UTF-8 of {@link canonicalJson}. */
  canonicalBytes(): Uint8Array {
    return utf8Encode(this.canonicalJson());
  }

  /** `input_tokens + 4 × output_tokens`. */
  weight(): u64 {
    return usageWeightOf(this.inputTokens, this.outputTokens);
  }

  /** `domain(signer) ‖ canonical bytes`, the message whose SHA-256 `signer` signs; null for an unknown role. */
  signingMessage(signer: string): Uint8Array | null {
    const domain = usageDomain(signer);
    if (domain === null) return null;
    return concat(utf8Encode(domain), this.canonicalBytes());
  }
}

/** True when `signature` is a 64-byte r‖s with 0 < r < n and 0 < s ≤ n/2. */
export function isLowSCompactSignature(signature: Uint8Array): bool {
  if (signature.length != SECP256K1_SIGNATURE_BYTES) return false;
  const r = signature.subarray(0, SCALAR_BYTES);
  const s = signature.subarray(SCALAR_BYTES);
  return !isZero(r) && compareTo(r, CURVE_ORDER) < 0 && !isZero(s) && compareTo(s, HALF_ORDER) <= 0;
}

/**
 * Verifies one role's signature over a record: 33-byte compressed key, low-S 64-byte signature over SHA-256 of
 * `domain ‖ canonical bytes`. False for anything else.
 */
export function verifyUsageSignature(record: UsageRecord, signer: string, signature: Uint8Array, pubkey: Uint8Array): bool {
  if (pubkey.length != SECP256K1_COMPRESSED_PUBKEY_BYTES || !isLowSCompactSignature(signature)) return false;
  const message = record.signingMessage(signer);
  if (message === null) return false;
  return verifySha256Signature(message, signature, pubkey);
}

/** The state of a record's countersignature. */
export enum SubscriberCheck {
  /** Neither a countersignature nor a subscriber key. */
  Absent,
  /** It verifies with the included key (the expected one, when given). */
  Valid,
  /** Incomplete, from another key than expected, or not verifying. */
  Invalid,
}

/** Outcome of checking a signed record. */
export class SignedUsageCheck {
  constructor(
    /** The worker signature verifies with the given worker key. */
    readonly worker: bool,
    readonly subscriber: SubscriberCheck,
  ) {}
}

/**
 * Checks a `SignedUsageRecord` (`{record, worker_signature, subscriber_signature?, subscriber_pubkey?}`): the
 * worker's signature against `workerPubkey` (the key bound in its attestation), the subscriber's against its
 * `subscriber_pubkey` — which must equal `expectedSubscriberPubkey` when one is given. An invalid record or a
 * signature that is not base64 fails the check, never the call.
 */
export function verifySignedUsageRecord(
  signed: JsonValue,
  workerPubkey: Uint8Array,
  expectedSubscriberPubkey: Uint8Array | null = null,
): SignedUsageCheck {
  const recordJson = signed.get('record');
  const record: UsageRecord | null = recordJson === null ? null : UsageRecord.fromJson(recordJson);
  const workerSignature = binaryOf(signed.get('worker_signature'));
  const worker = record !== null && verifyUsageSignature(record, USAGE_SIGNER_WORKER, workerSignature, workerPubkey);
  const sig = presentOf(signed.get('subscriber_signature'));
  const key = presentOf(signed.get('subscriber_pubkey'));
  if (sig === null && key === null) return new SignedUsageCheck(worker, SubscriberCheck.Absent);
  if (sig === null || key === null || record === null) return new SignedUsageCheck(worker, SubscriberCheck.Invalid);
  const keyBytes = binaryOf(key);
  if (expectedSubscriberPubkey !== null && !bytesEqual(keyBytes, expectedSubscriberPubkey)) {
    return new SignedUsageCheck(worker, SubscriberCheck.Invalid);
  }
  const ok = verifyUsageSignature(record, USAGE_SIGNER_SUBSCRIBER, binaryOf(sig), keyBytes);
  return new SignedUsageCheck(worker, ok ? SubscriberCheck.Valid : SubscriberCheck.Invalid);
}

/** A member that is present and not null. */
function presentOf(value: JsonValue | null): JsonValue | null {
  return value === null || value.kind == JsonKind.Null ? null : value;
}

/** Bytes of a base64 string member; empty for anything else (fails every signature check). */
function binaryOf(value: JsonValue | null): Uint8Array {
  if (value === null || value.kind != JsonKind.String) return new Uint8Array(0);
  const bytes = fromBase64(value.asString());
  return bytes === null ? new Uint8Array(0) : bytes;
}

function stringOf(value: JsonValue | null): string | null {
  return value === null || value.kind != JsonKind.String ? null : value.asString();
}

/**
 * The value of a JSON number that is an integer from 0 to `max`, read exactly from its text (sign, fraction and
 * exponent allowed, as long as the value is whole: `-0`, `3.0`, `30e-1`, `3e0`); −1 otherwise.
 */
function integerOf(value: JsonValue | null, max: u64): i64 {
  if (value === null || value.kind != JsonKind.Number) return -1;
  const text = value.numText;
  const n = text.length;
  let i = 0;
  const negative = n > 0 && text.charCodeAt(0) == 0x2d;
  if (negative) i++;
  // Significant digits (integer and fraction part) and the position of the decimal point among them.
  let digits = '';
  let pointAt = -1;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits += String.fromCharCode(c);
    else if (c == 0x2e && pointAt < 0) pointAt = digits.length;
    else break;
  }
  if (digits.length == 0) return -1;
  if (pointAt < 0) pointAt = digits.length;
  let exponent: i64 = 0;
  if (i < n) {
    const e = text.charCodeAt(i);
    if (e != 0x65 && e != 0x45) return -1;
    i++;
    let exponentNegative = false;
    if (i < n && (text.charCodeAt(i) == 0x2b || text.charCodeAt(i) == 0x2d)) exponentNegative = text.charCodeAt(i++) == 0x2d;
    if (i == n) return -1;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return -1;
      // Any exponent this large makes a non-zero value out of range or a fraction.
      if (exponent < 100000) exponent = exponent * 10 + <i64>(c - 0x30);
    }
    if (exponentNegative) exponent = -exponent;
  }
  // value = 0.digits × 10^(pointAt + exponent): integer part is digits[0 … point), the rest must be zeros.
  const point = <i64>pointAt + exponent;
  let result: u64 = 0;
  for (let k = 0; k < digits.length; k++) {
    const d = <u64>(digits.charCodeAt(k) - 0x30);
    if (<i64>k < point) {
      if (result > (max - d) / 10) return -1;
      result = result * 10 + d;
    } else if (d != 0) {
      return -1;
    }
  }
  // Trailing zeros the exponent adds past the written digits.
  for (let k = <i64>digits.length; k < point; k++) {
    if (result == 0) break;
    if (result > max / 10) return -1;
    result *= 10;
  }
  if (negative && result != 0) return -1;
  return <i64>result;
}

function isZero(bytes: Uint8Array): bool {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] != 0) return false;
  return true;
}

/** Big-endian comparison of two 32-byte scalars. */
function compareTo(a: Uint8Array, b: StaticArray<u8>): i32 {
  for (let i = 0; i < SCALAR_BYTES; i++) {
    const x = a[i];
    const y = unchecked(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}
