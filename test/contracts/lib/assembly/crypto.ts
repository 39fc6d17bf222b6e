/**
 * Test module: crypto, permits and usage records. Each `run…` reads the input string, writes the output (text
 * or bytes) and returns 1, or 0 where the tested function answered null.
 */
import {fromBase64, utf8Encode} from '../../../../contracts/lib/bytes';
import {addrValidate, compressSecp256k1Pubkey, pubkeyToAddress, verifySha256Signature} from '../../../../contracts/lib/crypto';
import {JsonKind, JsonValue, parseJson} from '../../../../contracts/lib/json';
import {parseIso8601Utc, permitGrants, permitSignBytes, revokePermit, verifyPermit} from '../../../../contracts/lib/permit';
import {failed, failure, resetFailure} from '../../../../contracts/lib/result';
import {isLowSCompactSignature, SubscriberCheck, UsageRecord, verifySignedUsageRecord} from '../../../../contracts/lib/usage';
import {usageRecordJson} from '../../../../contracts/common/portable/usage-core';
import {inputBytes, inputText, setOutputBytes, setOutputText} from './io';

export {inputBuffer, outputLength, outputPointer} from './io';
export {allocate} from '../../../../contracts/lib/memory';

function inputJson(): JsonValue {
  const value = parseJson(inputText());
  if (value === null) throw new Error('test input is not JSON');
  return value;
}

function bytesOf(value: JsonValue | null): Uint8Array {
  if (value === null) throw new Error('missing test bytes');
  const bytes = fromBase64(value.asString());
  if (bytes === null) throw new Error('test bytes are not base64');
  return bytes;
}

/** `{permit, contract, time, permission}` → `ok:<account>` or `err:<failure>`. */
export function runPermit(): i32 {
  resetFailure();
  const input = inputJson();
  const permission = input.get('permission')!;
  const account = verifyPermit(
    input.get('permit')!,
    input.get('contract')!.asString(),
    input.get('time')!.asU64(),
    permission.kind == JsonKind.Null ? null : permission.asString(),
  );
  const err = failed();
  setOutputText(account !== null && !err ? 'ok:' + account : 'err:' + (err ? failure() : '(null without a failure)'));
  return 1;
}

/** `{permit, permission}` → `true` / `false`. */
export function runPermitGrants(): i32 {
  const input = inputJson();
  setOutputText(permitGrants(input.get('permit')!, input.get('permission')!.asString()) ? 'true' : 'false');
  return 1;
}

/** `<account>\n<permit name>`. */
export function runRevoke(): i32 {
  const text = inputText();
  const cut = text.indexOf('\n');
  revokePermit(text.substring(0, cut), text.substring(cut + 1));
  return 1;
}

/** Permit params JSON → the sign document bytes. */
export function runPermitSignBytes(): i32 {
  setOutputBytes(permitSignBytes(inputJson()));
  return 1;
}

/** ISO-8601 text → `ok:<seconds>` or `err:<failure>`. */
export function runIso(): i32 {
  resetFailure();
  const seconds = parseIso8601Utc(inputText());
  setOutputText(failed() ? 'err:' + failure() : 'ok:' + seconds.toString());
  return 1;
}

/** Record JSON → canonical bytes (0 for an invalid record). */
export function runUsageCanonical(): i32 {
  const record = UsageRecord.fromJson(inputJson());
  if (record === null) return 0;
  setOutputBytes(record.canonicalBytes());
  return 1;
}

/** Record JSON → weight (0 for an invalid record). */
export function runUsageWeight(): i32 {
  const record = UsageRecord.fromJson(inputJson());
  if (record === null) return 0;
  setOutputText(record.weight().toString());
  return 1;
}

/** `[worker_id, key_handle, model, request_id, input_tokens, output_tokens, epoch]` → the core's canonical bytes. */
export function runUsageCore(): i32 {
  const a = inputJson().items;
  const text = usageRecordJson(a[0].asString(), a[1].asString(), a[2].asString(), a[3].asString(), <u32>a[4].asU64(), <u32>a[5].asU64(), a[6].asU64());
  setOutputBytes(utf8Encode(text));
  return 1;
}

/** `{signed, worker_pubkey, expected}` → `worker=<bool> subscriber=<absent|valid|invalid>`. */
export function runUsageVerify(): i32 {
  const input = inputJson();
  const expected = input.get('expected');
  const check = verifySignedUsageRecord(
    input.get('signed')!,
    bytesOf(input.get('worker_pubkey')),
    expected === null || expected.kind == JsonKind.Null ? null : bytesOf(expected),
  );
  const subscriber = check.subscriber == SubscriberCheck.Absent ? 'absent' : check.subscriber == SubscriberCheck.Valid ? 'valid' : 'invalid';
  setOutputText('worker=' + (check.worker ? 'true' : 'false') + ' subscriber=' + subscriber);
  return 1;
}

/** Signature bytes → low-S check. */
export function runLowS(): i32 {
  return isLowSCompactSignature(inputBytes()) ? 1 : 0;
}

/** `{message, sig, pubkey}` (base64) → verify. */
export function runVerifySha256(): i32 {
  const input = inputJson();
  return verifySha256Signature(bytesOf(input.get('message')), bytesOf(input.get('sig')), bytesOf(input.get('pubkey'))) ? 1 : 0;
}

/** Public key bytes → compressed key (0 when null). */
export function runCompress(): i32 {
  const key = compressSecp256k1Pubkey(inputBytes());
  if (key === null) return 0;
  setOutputBytes(key);
  return 1;
}

/** Compressed public key bytes → address. */
export function runPubkeyToAddress(): i32 {
  setOutputText(pubkeyToAddress(inputBytes()));
  return 1;
}

/** Address text → host validation. */
export function runAddrValidate(): i32 {
  return addrValidate(inputText()) ? 1 : 0;
}
