import {describe, expect, it} from '@jest/globals';
import {createHash} from 'node:crypto';
import {secp256k1} from '@noble/curves/secp256k1.js';
import {fromBase64, toBase64, toHex} from '../../contracts/common/encoding.js';
import {
  countersignUsageRecord,
  isLowSCompactSignature,
  signUsage,
  signUsageRecord,
  usagePublicKey,
  usageRecordBytes,
  usageSigningDigest,
  usageWeight,
  validateUsageRecord,
  verifySignedUsageRecord,
  verifyUsageSignature,
  USAGE_DOMAIN_WORKER,
  UsageRecordError,
  type UsageRecord,
} from '../../contracts/common/usage.js';
import {nodeApi} from './harness.js';
import {SAMPLE_USAGE_RECORD} from '../helpers/usage-record.js';

/** Fixed test keys (not secrets): 32 bytes of 0x11 / 0x22. */
const WORKER_KEY = new Uint8Array(32).fill(0x11);
const SUBSCRIBER_KEY = new Uint8Array(32).fill(0x22);
const OTHER_KEY = new Uint8Array(32).fill(0x33);

const RECORD: UsageRecord = SAMPLE_USAGE_RECORD;

/** A different valid value for every field. */
const TAMPERED: {[K in keyof UsageRecord]: UsageRecord[K]} = {
  worker_id: '8',
  key_handle: 'ac'.repeat(32),
  model: 'stories260K:latest',
  request_id: '0123456789abcdef0123456789abcdee',
  input_tokens: 13,
  output_tokens: 63,
  epoch: 4,
};

describe('usage records: canonical bytes and weight', () => {
  it('encodes a record as sorted-key JSON without whitespace, integers as plain decimals', () => {
    expect(new TextDecoder().decode(usageRecordBytes(RECORD))).toBe(
      `{"epoch":3,"input_tokens":12,"key_handle":"${'ab'.repeat(32)}","model":"stories260K","output_tokens":64,"request_id":"0123456789abcdef0123456789abcdef","worker_id":"7"}`,
    );
  });

  it('gives one encoding whatever the member order, and ignores nothing: extra members are refused', () => {
    const reordered = Object.fromEntries(Object.entries(RECORD).reverse()) as unknown as UsageRecord;
    expect(usageRecordBytes(reordered)).toEqual(usageRecordBytes(RECORD));
    expect(() => usageRecordBytes({...RECORD, extra: 1} as UsageRecord)).toThrow(UsageRecordError);
  });

  it('refuses invalid records', () => {
    const bad: Array<Partial<Record<keyof UsageRecord, unknown>>> = [
      {worker_id: '07'},
      {worker_id: 7},
      {key_handle: 'AB'.repeat(32)},
      {model: ''},
      {request_id: ''},
      {input_tokens: -1},
      {input_tokens: 1.5},
      {output_tokens: 2 ** 32},
      {epoch: -1},
    ];
    for (const b of bad) expect(() => validateUsageRecord({...RECORD, ...b})).toThrow(UsageRecordError);
    const {epoch: _e, ...missing} = RECORD;
    expect(() => validateUsageRecord(missing)).toThrow(/epoch/);
  });

  it('weighs input + 4 × output, exactly at the largest counts', () => {
    expect(usageWeight(RECORD)).toBe(12 + 4 * 64);
    expect(usageWeight({input_tokens: 0xffff_ffff, output_tokens: 0xffff_ffff})).toBe(5 * 0xffff_ffff);
    expect(Number.isSafeInteger(5 * 0xffff_ffff)).toBe(true);
    expect(() => usageWeight({input_tokens: -1, output_tokens: 0})).toThrow(UsageRecordError);
  });

  it('signs SHA-256 of the role\'s domain prefix and the canonical bytes', () => {
    const expected = createHash('sha256').update(USAGE_DOMAIN_WORKER).update(usageRecordBytes(RECORD)).digest('hex');
    expect(toHex(usageSigningDigest(RECORD, 'worker'))).toBe(expected);
    expect(toHex(usageSigningDigest(RECORD, 'subscriber'))).not.toBe(expected);
  });
});

describe('usage records: signatures', () => {
  const workerPub = usagePublicKey(WORKER_KEY);
  const subscriberPub = usagePublicKey(SUBSCRIBER_KEY);

  it('signs deterministically with 64-byte low-S signatures that verify with the worker key', async () => {
    const a = await signUsageRecord(RECORD, WORKER_KEY);
    const b = await signUsageRecord(RECORD, WORKER_KEY);
    expect(a).toEqual(b);
    const sig = fromBase64(a.worker_signature);
    expect(sig).toHaveLength(64);
    expect(isLowSCompactSignature(sig)).toBe(true);
    expect(verifySignedUsageRecord(a, workerPub)).toEqual({worker: true, subscriber: 'absent'});
    expect(verifySignedUsageRecord(a, usagePublicKey(OTHER_KEY)).worker).toBe(false);
  });

  it('detects tampering of every field', async () => {
    const signed = await countersignUsageRecord(await signUsageRecord(RECORD, WORKER_KEY), SUBSCRIBER_KEY);
    expect(verifySignedUsageRecord(signed, workerPub, {expectedSubscriberPubkey: subscriberPub})).toEqual({worker: true, subscriber: 'valid'});
    for (const key of Object.keys(TAMPERED) as Array<keyof UsageRecord>) {
      const record = {...RECORD, [key]: TAMPERED[key]} as UsageRecord;
      expect([key, verifySignedUsageRecord({...signed, record}, workerPub)]).toEqual([key, {worker: false, subscriber: 'invalid'}]);
    }
  });

  it('keeps the roles apart: a worker signature is not a countersignature, nor the reverse', async () => {
    const w = await signUsage(RECORD, 'worker', WORKER_KEY);
    expect(verifyUsageSignature(RECORD, 'worker', w, workerPub)).toBe(true);
    expect(verifyUsageSignature(RECORD, 'subscriber', w, workerPub)).toBe(false);
    const s = await signUsage(RECORD, 'subscriber', SUBSCRIBER_KEY);
    expect(verifyUsageSignature(RECORD, 'worker', s, subscriberPub)).toBe(false);
  });

  it('refuses a high-S twin of a valid signature, malformed signatures and keys', async () => {
    const sig = await signUsage(RECORD, 'worker', WORKER_KEY);
    const s = BigInt(`0x${toHex(sig.subarray(32))}`);
    const highS = new Uint8Array(64);
    highS.set(sig.subarray(0, 32));
    highS.set(Buffer.from((secp256k1.Point.Fn.ORDER - s).toString(16).padStart(64, '0'), 'hex'), 32);
    expect(isLowSCompactSignature(highS)).toBe(false);
    // The twin is a mathematically valid signature; only the low-S rule refuses it.
    expect(secp256k1.verify(highS, usageSigningDigest(RECORD, 'worker'), workerPub, {prehash: false, lowS: false, format: 'compact'})).toBe(true);
    expect(verifyUsageSignature(RECORD, 'worker', highS, workerPub)).toBe(false);
    expect(verifyUsageSignature(RECORD, 'worker', sig.subarray(0, 63), workerPub)).toBe(false);
    expect(verifyUsageSignature(RECORD, 'worker', new Uint8Array(64), workerPub)).toBe(false);
    expect(verifyUsageSignature(RECORD, 'worker', sig, secp256k1.getPublicKey(WORKER_KEY, false))).toBe(false);
    expect(verifyUsageSignature({...RECORD, epoch: -1}, 'worker', sig, workerPub)).toBe(false);
    await expect(signUsage(RECORD, 'worker', new Uint8Array(31))).rejects.toThrow(UsageRecordError);
    await expect(signUsage(RECORD, 'worker', new Uint8Array(32))).rejects.toThrow(/out of range/);
  });

  it('checks the countersignature: absent, valid, from an unexpected key, or incomplete', async () => {
    const signed = await signUsageRecord(RECORD, WORKER_KEY);
    const counter = await countersignUsageRecord(signed, SUBSCRIBER_KEY);
    expect(counter.subscriber_pubkey).toBe(toBase64(subscriberPub));
    expect(verifySignedUsageRecord(counter, workerPub).subscriber).toBe('valid');
    expect(verifySignedUsageRecord(counter, workerPub, {expectedSubscriberPubkey: usagePublicKey(OTHER_KEY)}).subscriber).toBe('invalid');
    expect(verifySignedUsageRecord({...counter, subscriber_pubkey: null}, workerPub).subscriber).toBe('invalid');
    const forged = await countersignUsageRecord(signed, OTHER_KEY);
    expect(verifySignedUsageRecord({...forged, subscriber_pubkey: counter.subscriber_pubkey}, workerPub).subscriber).toBe('invalid');
    expect(verifySignedUsageRecord({...signed, worker_signature: 'not base64!'}, workerPub).worker).toBe(false);
  });

  it('verifies the same way on a contract host Api (message and prehash verifiers)', async () => {
    const signed = await countersignUsageRecord(await signUsageRecord(RECORD, WORKER_KEY), SUBSCRIBER_KEY);
    for (const mode of ['message', 'prehash'] as const) {
      const api = nodeApi(mode);
      expect(verifySignedUsageRecord(signed, workerPub, {api})).toEqual({worker: true, subscriber: 'valid'});
      expect(verifySignedUsageRecord({...signed, record: {...RECORD, output_tokens: 65}}, workerPub, {api})).toEqual({worker: false, subscriber: 'invalid'});
      expect(api.verifyCalls).toBeGreaterThan(0);
    }
  });
});
