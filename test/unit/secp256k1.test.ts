/**
 * Native secp256k1 signing (src/lib/keys/secp256k1.ts): the deterministic signatures are `@noble/curves`'s byte for
 * byte, the hedged ones verify, all are low-S; usage records and liveness reports signed natively are the ones the
 * raw-key path gives and verify with the existing verifiers.
 */
import {describe, expect, it} from '@jest/globals';
import {createHash, createPublicKey, randomBytes, verify as nodeVerify} from 'node:crypto';
import {secp256k1} from '@noble/curves/secp256k1.js';
import {fromBase64} from '../../contracts/common/encoding.js';
import {
  countersignUsageRecord,
  isLowSCompactSignature,
  nobleVerifyApi,
  signUsage,
  signUsageRecord,
  usagePublicKey,
  usageSigningDigest,
  usageSigningMessage,
  verifySignedUsageRecord,
  verifyUsageSignature,
  UsageRecordError,
  type UsageRecord,
  type UsageSigningKey,
} from '../../contracts/common/usage.js';
import {livenessSignature} from '../../src/lib/worker/gateway/epoch.js';
import {countersign} from '../../src/lib/chat/record.js';
import {isLowSCompactSignature as isLowSCompact, SECP256K1_ORDER} from '../../contracts/common/crypto.js';
import {bigIntToBytes32, compressedPublicKey, Secp256k1Key, Secp256k1KeyError, toLowS} from '../../src/lib/keys/secp256k1.js';
import {nodeApi} from '../contracts/harness.js';
import {SAMPLE_USAGE_RECORD} from '../helpers/usage-record.js';

const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const N = SECP256K1_ORDER;

/** Keys at the ends of the range and a few fixed and random ones (not secrets). */
const KEYS = [bigIntToBytes32(1n), bigIntToBytes32(N - 1n), new Uint8Array(32).fill(0x11), new Uint8Array(32).fill(0x7f), ...Array.from({length: 4}, () => new Uint8Array(randomBytes(32)))];

const RECORD: UsageRecord = SAMPLE_USAGE_RECORD;

function nobleSign(message: Uint8Array, key: Uint8Array): Uint8Array {
  return secp256k1.sign(sha256(message), key, {prehash: false, lowS: true, format: 'compact'});
}

function nobleVerify(sig: Uint8Array, message: Uint8Array, pub: Uint8Array): boolean {
  return secp256k1.verify(sig, sha256(message), pub, {prehash: false, lowS: true, format: 'compact'});
}

describe('Secp256k1Key', () => {
  it('has the public key noble computes', () => {
    for (const k of KEYS) {
      expect(hex(new Secp256k1Key(k).publicKey)).toBe(hex(secp256k1.getPublicKey(k, true)));
      expect(hex(compressedPublicKey(k))).toBe(hex(secp256k1.getPublicKey(k, true)));
    }
  });

  it('signs deterministically (RFC 6979): the same 64 bytes as @noble/curves, low S', () => {
    for (const k of KEYS) {
      const key = new Secp256k1Key(k);
      for (let i = 0; i < 16; i++) {
        const msg = new Uint8Array(randomBytes(i * 7));
        const sig = key.signSha256(msg);
        expect(hex(sig)).toBe(hex(nobleSign(msg, k)));
        expect(isLowSCompact(sig)).toBe(true);
        expect(hex(key.signDigest(sha256(msg)))).toBe(hex(sig));
      }
    }
  });

  it('signs with a random nonce through OpenSSL: different bytes each time, low S, verified by noble and OpenSSL', () => {
    const spki = (pub: Uint8Array) =>
      createPublicKey({key: Buffer.concat([Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex'), pub]), format: 'der', type: 'spki'});
    for (const k of KEYS) {
      const key = new Secp256k1Key(k);
      const msg = new Uint8Array(randomBytes(100));
      const sigs = Array.from({length: 12}, () => key.signSha256Hedged(msg));
      expect(new Set(sigs.map(hex)).size).toBe(sigs.length);
      for (const sig of sigs) {
        expect(isLowSCompact(sig)).toBe(true);
        expect(nobleVerify(sig, msg, key.publicKey)).toBe(true);
        expect(nodeVerify('sha256', msg, {key: spki(key.publicKey), dsaEncoding: 'ieee-p1363'}, sig)).toBe(true);
      }
      expect(nobleVerify(sigs[0]!, new Uint8Array(randomBytes(100)), key.publicKey)).toBe(false);
    }
  });

  it('turns a high S into n − s (the twin that also verifies) and leaves a low S alone', () => {
    const k = KEYS[2]!;
    const msg = new Uint8Array([1, 2, 3]);
    const low = nobleSign(msg, k);
    const s = BigInt('0x' + hex(low.subarray(32)));
    const high = new Uint8Array([...low.subarray(0, 32), ...bigIntToBytes32(N - s)]);
    expect(isLowSCompact(high)).toBe(false);
    expect(secp256k1.verify(high, sha256(msg), secp256k1.getPublicKey(k, true), {prehash: false, lowS: false})).toBe(true);
    expect(hex(toLowS(high))).toBe(hex(low));
    expect(toLowS(low)).toBe(low);
  });

  it('refuses keys that are not 32 bytes in [1, n), and never prints the key', () => {
    for (const bad of [new Uint8Array(32), bigIntToBytes32(N), bigIntToBytes32(N + 1n), new Uint8Array(31).fill(1), new Uint8Array(33).fill(1)]) {
      expect(() => new Secp256k1Key(bad)).toThrow(Secp256k1KeyError);
      expect(() => compressedPublicKey(bad)).toThrow(Secp256k1KeyError);
    }
    const k = new Uint8Array(32).fill(0x5a);
    const key = new Secp256k1Key(k);
    const shown = JSON.stringify(key) + JSON.stringify({...key}) + String(Object.keys(key));
    expect(shown).not.toContain(hex(k));
    expect(shown).not.toContain(Buffer.from(k).toString('base64'));
  });
});

describe('usage records signed natively', () => {
  const worker = KEYS[2]!;
  const subscriber = KEYS[3]!;

  it('sign SHA-256 of the very bytes usageSigningDigest is over', () => {
    for (const role of ['worker', 'subscriber'] as const) {
      expect(hex(sha256(usageSigningMessage(RECORD, role)))).toBe(hex(usageSigningDigest(RECORD, role)));
    }
  });

  it('are byte for byte the raw-key (@noble) signatures, and verify with the existing verifiers', async () => {
    const wKey = new Secp256k1Key(worker);
    const sKey = new Secp256k1Key(subscriber);
    expect(hex(usagePublicKey(wKey))).toBe(hex(usagePublicKey(worker)));
    for (const role of ['worker', 'subscriber'] as const) {
      const native = await signUsage(RECORD, role, wKey);
      expect(hex(native)).toBe(hex(await signUsage(RECORD, role, worker)));
      expect(verifyUsageSignature(RECORD, role, native, wKey.publicKey)).toBe(true);
      expect(verifyUsageSignature(RECORD, role, native, wKey.publicKey, nodeApi())).toBe(true);
      expect(nobleVerify(native, usageSigningMessage(RECORD, role), wKey.publicKey)).toBe(true);
    }
    const signed = await countersignUsageRecord(await signUsageRecord(RECORD, wKey), sKey);
    expect(signed).toEqual(await countersignUsageRecord(await signUsageRecord(RECORD, worker), subscriber));
    expect(verifySignedUsageRecord(signed, wKey.publicKey, {expectedSubscriberPubkey: sKey.publicKey})).toEqual({worker: true, subscriber: 'valid'});
    expect(verifySignedUsageRecord(signed, wKey.publicKey, {api: nobleVerifyApi})).toEqual({worker: true, subscriber: 'valid'});
    expect(verifySignedUsageRecord(signed, wKey.publicKey, {api: nodeApi('prehash')})).toEqual({worker: true, subscriber: 'valid'});
    expect(verifySignedUsageRecord({...signed, record: {...RECORD, output_tokens: 65}}, wKey.publicKey)).toEqual({worker: false, subscriber: 'invalid'});
  });

  it('chat countersigns natively with the same bytes', async () => {
    const signed = await signUsageRecord(RECORD, worker);
    expect(await countersign(signed, subscriber)).toEqual(await countersignUsageRecord(signed, subscriber));
  });

  it('refuse a signing key that gives no 64-byte low-S signature', async () => {
    const key = new Secp256k1Key(worker);
    const highS: UsageSigningKey = {
      publicKey: key.publicKey,
      signSha256: (m) => {
        const low = key.signSha256(m);
        return new Uint8Array([...low.subarray(0, 32), ...bigIntToBytes32(N - BigInt('0x' + hex(low.subarray(32))))]);
      },
    };
    await expect(signUsage(RECORD, 'worker', highS)).rejects.toThrow(UsageRecordError);
    await expect(signUsage(RECORD, 'worker', {publicKey: key.publicKey, signSha256: () => new Uint8Array(63)})).rejects.toThrow(UsageRecordError);
    expect(() => usagePublicKey({publicKey: new Uint8Array(32), signSha256: () => new Uint8Array(64)})).toThrow(UsageRecordError);
    expect(isLowSCompactSignature(await signUsage(RECORD, 'worker', key))).toBe(true);
  });
});

describe('liveness signatures', () => {
  it('are the deterministic signature of SHA-256(challenge bytes), as before, from raw bytes or a key', async () => {
    const k = KEYS[4]!;
    const challenge = randomBytes(32).toString('hex');
    const expected = Buffer.from(nobleSign(new Uint8Array(Buffer.from(challenge, 'hex')), k)).toString('base64');
    expect(await livenessSignature(challenge, k)).toBe(expected);
    expect(await livenessSignature(challenge, new Secp256k1Key(k))).toBe(expected);
    expect(fromBase64(expected)).toHaveLength(64);
  });
});
