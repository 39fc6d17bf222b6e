/**
 * Usage records: what one request used, in the one form the worker gateway, the `chat` client and the
 * RewardsManager share (design.md §4 "Usage records").
 *
 * **Record.** `{worker_id, key_handle, model, request_id, input_tokens, output_tokens, epoch}` exactly as the
 * `UsageRecord` definition of `contracts/common/schema/definitions.json` (no other members; token counts are
 * integers 0 … 2^32 − 1, `epoch` a non-negative safe integer).
 *
 * **Canonical bytes.** The UTF-8 bytes of the record's canonical JSON (what `canonicalJson` of `encoding.ts`
 * gives): members in sorted key order (`epoch, input_tokens, key_handle, model, output_tokens, request_id,
 * worker_id`), no whitespace, strings escaped as `JSON.stringify` does, integers as plain decimal JSON numbers
 * (validation guarantees they are safe integers, so there is no exponent, sign or fraction). A record validates
 * before it is encoded, so two different records never share bytes and one record has exactly one encoding.
 *
 * **Signatures.** secp256k1 ECDSA over SHA-256 of `domain ‖ canonical bytes`, where the domain names the signer's
 * role — {@link USAGE_DOMAIN_WORKER} for the worker key bound in the worker's attestation,
 * {@link USAGE_DOMAIN_SUBSCRIBER} for the subscriber's countersignature — so a usage signature can never be
 * replayed as a signature of another message (a permit, a transaction, a liveness report: those never start with
 * these prefixes) nor as the other role's signature. Signatures are 64-byte compact `r ‖ s` with low S (BIP-62 /
 * Cosmos rule); a high-S signature is refused by every verifier here. Signing is deterministic (RFC 6979), so the
 * module needs no randomness. Public keys are 33-byte compressed.
 *
 * **Weight.** `input_tokens + 4 × output_tokens` as a JavaScript number: both counts are below 2^32, so the weight
 * is below 5 × 2^32 < 2^53 and is exact. Sums of many weights are the caller's to keep (as Uint128 in a contract).
 *
 * The domains, the weight and the canonical JSON text come from `portable/usage-core.ts`, the one source the wasm
 * RewardsManager (`contracts/lib/usage.ts`) compiles too.
 *
 * **Keys.** A signer is a raw 32-byte private key (signed here on `@noble/curves`) or a {@link UsageSigningKey}: a
 * key held elsewhere that signs SHA-256 of the same message the same way (the CLI's is on Node's native crypto).
 * Either gives the same bytes; a key's signature is checked for the compact low-S form before it is used.
 *
 * Pure: no I/O, no clock. Verification runs on a contract host's `Api` (a contract passes `deps.api`), and
 * otherwise on `@noble/curves` (secp256k1).
 */
import {secp256k1} from '@noble/curves/secp256k1.js';
import {bytesToBigInt, isLowSCompactSignature, SECP256K1_COMPRESSED_PUBKEY_BYTES, SECP256K1_ORDER, verifySha256Signature} from './crypto.js';
import {bytesEqual, concatBytes, fromBase64, toBase64, utf8} from './encoding.js';
import {MAX_TOKEN_COUNT, usageDomain, usageRecordJson, usageWeightOf} from './portable/usage-core.js';
import {compileSchema, formatIssues} from './schema.js';
import definitions from './schema/definitions.json' with {type: 'json'};
import {sha256} from './sha256.js';
import type {Api} from './types.js';
import type {SignedUsageRecord} from '../rewards-manager/types.js';
import type {UsageRecord} from './types.generated.js';

export type {SignedUsageRecord, UsageRecord};

export {OUTPUT_TOKEN_WEIGHT, USAGE_DOMAIN_SUBSCRIBER, USAGE_DOMAIN_WORKER} from './portable/usage-core.js';
export {isLowSCompactSignature};

/** Which party signs. */
export type UsageSigner = 'worker' | 'subscriber';

/**
 * A secp256k1 signing key held outside this module: its 33-byte compressed public key, and deterministic ECDSA
 * (RFC 6979) over SHA-256 of a message, as a 64-byte compact r‖s with low S — what {@link signUsage} computes
 * from a raw key, so either gives the same signature.
 */
export interface UsageSigningKey {
  readonly publicKey: Uint8Array;
  signSha256(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** A usage signer's key: a raw 32-byte secp256k1 private key, or a {@link UsageSigningKey}. */
export type UsageKey = Uint8Array | UsageSigningKey;

/** The host functions verification needs: a contract passes its `deps.api`; elsewhere {@link nobleVerifyApi}. */
export type UsageVerifyApi = Pick<Api, 'sha256' | 'secp256k1Verify' | 'secp256k1VerifySha256'>;

/** Thrown for a record that is not a valid `UsageRecord`, or a malformed key or signature. */
export class UsageRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageRecordError';
  }
}

/** Bytes of a private key. */
const PRIVATE_KEY_BYTES = 32;

const recordValidator = compileSchema({$ref: '#/definitions/UsageRecord', definitions: definitions.definitions}, 'usage_record');

/** Checks `value` against the `UsageRecord` schema and returns it typed; throws {@link UsageRecordError} otherwise. */
export function validateUsageRecord(value: unknown): UsageRecord {
  const issues = recordValidator.validate(value);
  if (issues.length > 0) {
    throw new UsageRecordError(`invalid ${formatIssues('usage_record', issues)}`);
  }
  const r = value as UsageRecord;
  if (!Number.isSafeInteger(r.epoch)) throw new UsageRecordError('invalid usage record: epoch: must be a safe integer');
  return r;
}

/** The canonical bytes of a record (see the module comment); validates first. */
export function usageRecordBytes(record: UsageRecord): Uint8Array {
  const r = validateUsageRecord(record);
  // Only the schema's members, so an object carrying extra properties cannot change the bytes.
  return utf8(usageRecordJson(r.worker_id, r.key_handle, r.model, r.request_id, r.input_tokens, r.output_tokens, r.epoch));
}

/** Weight of a record: `input_tokens + 4 × output_tokens` (exact: below 2^53 for valid counts). */
export function usageWeight(r: Pick<UsageRecord, 'input_tokens' | 'output_tokens'>): number {
  for (const [name, v] of [['input_tokens', r.input_tokens], ['output_tokens', r.output_tokens]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > MAX_TOKEN_COUNT) throw new UsageRecordError(`${name} must be an integer from 0 to ${MAX_TOKEN_COUNT}`);
  }
  return usageWeightOf(r.input_tokens, r.output_tokens);
}

/** `domain(signer) ‖ canonical bytes`: the message whose SHA-256 a signer signs. */
export function usageSigningMessage(record: UsageRecord, signer: UsageSigner): Uint8Array {
  return concatBytes(utf8(usageDomain(signer)!), usageRecordBytes(record));
}

/** SHA-256 of {@link usageSigningMessage}: the 32-byte digest that is signed. */
export function usageSigningDigest(record: UsageRecord, signer: UsageSigner): Uint8Array {
  return sha256(usageSigningMessage(record, signer));
}

/** 33-byte compressed public key of a 32-byte secp256k1 private key (or of a {@link UsageSigningKey}). */
export function usagePublicKey(key: UsageKey): Uint8Array {
  if (isSigningKey(key)) return checkPublicKey(key.publicKey);
  checkPrivateKey(key);
  return secp256k1.getPublicKey(key, true);
}

/** Signs a record as `signer`: 64-byte compact r‖s, low S, deterministic (RFC 6979). */
export async function signUsage(record: UsageRecord, signer: UsageSigner, key: UsageKey): Promise<Uint8Array> {
  if (isSigningKey(key)) {
    // The key signs SHA-256 of the message itself: the digest below is over exactly these bytes.
    const sig = await key.signSha256(usageSigningMessage(record, signer));
    if (!ArrayBuffer.isView(sig) || !isLowSCompactSignature(sig)) throw new UsageRecordError('the signing key gave no 64-byte low-S signature');
    return sig;
  }
  checkPrivateKey(key);
  return secp256k1.sign(usageSigningDigest(record, signer), key, {prehash: false, lowS: true, format: 'compact'});
}

/** The record with the worker's signature (base64), as `report_work` takes it. */
export async function signUsageRecord(record: UsageRecord, workerKey: UsageKey): Promise<SignedUsageRecord> {
  const r = validateUsageRecord(record);
  return {record: {...r}, worker_signature: toBase64(await signUsage(r, 'worker', workerKey))};
}

/** Adds the subscriber's countersignature and public key to a worker-signed record. */
export async function countersignUsageRecord(signed: SignedUsageRecord, subscriberKey: UsageKey): Promise<SignedUsageRecord> {
  const sig = await signUsage(signed.record, 'subscriber', subscriberKey);
  return {...signed, subscriber_signature: toBase64(sig), subscriber_pubkey: toBase64(usagePublicKey(subscriberKey))};
}

/** Verification on `@noble/curves` secp256k1 (strict: low S only) and the plain-TypeScript SHA-256. */
export const nobleVerifyApi: UsageVerifyApi = {
  sha256,
  secp256k1Verify(digest, signature, pubkey) {
    try {
      return secp256k1.verify(signature, digest, pubkey, {prehash: false, lowS: true, format: 'compact'});
    } catch {
      return false;
    }
  },
};

/**
 * Verifies one role's signature over a record. False — never an exception — for a wrong key, a tampered record,
 * a malformed or high-S signature or an invalid record.
 */
export function verifyUsageSignature(
  record: UsageRecord,
  signer: UsageSigner,
  signature: Uint8Array,
  pubkey: Uint8Array,
  api: UsageVerifyApi = nobleVerifyApi,
): boolean {
  if (pubkey.length !== SECP256K1_COMPRESSED_PUBKEY_BYTES || !isLowSCompactSignature(signature)) return false;
  let message: Uint8Array;
  try {
    message = usageSigningMessage(record, signer);
  } catch {
    return false;
  }
  return verifySha256Signature(api as Api, message, signature, pubkey);
}

/** Outcome of checking a signed record. */
export interface SignedUsageCheck {
  /** The worker signature verifies with the given worker key. */
  worker: boolean;
  /** No countersignature; or it verifies with the included subscriber key (and, when given, that key is the expected one); or not. */
  subscriber: 'absent' | 'valid' | 'invalid';
}

/**
 * Checks a signed record's signatures: the worker's against `workerPubkey` (the key bound in its attestation), the
 * subscriber's against its `subscriber_pubkey` — which must equal `expectedSubscriberPubkey` when one is given.
 */
export function verifySignedUsageRecord(
  signed: SignedUsageRecord,
  workerPubkey: Uint8Array,
  opts: {expectedSubscriberPubkey?: Uint8Array; api?: UsageVerifyApi} = {},
): SignedUsageCheck {
  const verify = opts.api ?? nobleVerifyApi;
  const worker = verifyUsageSignature(signed.record, 'worker', decode(signed.worker_signature), workerPubkey, verify);
  const hasSig = signed.subscriber_signature !== undefined && signed.subscriber_signature !== null;
  const hasKey = signed.subscriber_pubkey !== undefined && signed.subscriber_pubkey !== null;
  if (!hasSig && !hasKey) return {worker, subscriber: 'absent'};
  if (!hasSig || !hasKey) return {worker, subscriber: 'invalid'};
  const key = decode(signed.subscriber_pubkey!);
  if (opts.expectedSubscriberPubkey && !bytesEqual(key, opts.expectedSubscriberPubkey)) return {worker, subscriber: 'invalid'};
  const ok = verifyUsageSignature(signed.record, 'subscriber', decode(signed.subscriber_signature!), key, verify);
  return {worker, subscriber: ok ? 'valid' : 'invalid'};
}

function decode(b64: string): Uint8Array {
  try {
    return fromBase64(b64);
  } catch {
    return new Uint8Array(0);
  }
}

function isSigningKey(key: UsageKey): key is UsageSigningKey {
  return typeof (key as Partial<UsageSigningKey>)?.signSha256 === 'function';
}

function checkPublicKey(k: Uint8Array): Uint8Array {
  if (!ArrayBuffer.isView(k) || k.length !== SECP256K1_COMPRESSED_PUBKEY_BYTES || (k[0] !== 0x02 && k[0] !== 0x03)) {
    throw new UsageRecordError('a secp256k1 public key is 33 bytes, compressed');
  }
  return k;
}

function checkPrivateKey(k: Uint8Array): void {
  if (!(k instanceof Uint8Array) || k.length !== PRIVATE_KEY_BYTES) throw new UsageRecordError('a secp256k1 private key is 32 bytes');
  const d = bytesToBigInt(k);
  if (d <= 0n || d >= SECP256K1_ORDER) throw new UsageRecordError('secp256k1 private key out of range');
}
