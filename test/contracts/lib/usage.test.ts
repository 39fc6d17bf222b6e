import {beforeAll, describe, expect, it} from '@jest/globals';
import {randomBytes} from 'node:crypto';
import {secp256k1} from '@noble/curves/secp256k1.js';
import {canonicalJson, toBase64} from '../../../contracts/common/encoding.js';
import {usageRecordJson} from '../../../contracts/common/portable/usage-core.js';
import {
  countersignUsageRecord,
  isLowSCompactSignature,
  signUsage,
  signUsageRecord,
  usagePublicKey,
  usageRecordBytes,
  usageWeight,
  verifySignedUsageRecord,
  type SignedUsageRecord,
  type UsageRecord,
} from '../../../contracts/common/usage.js';
import {pubkeyToAddress as nodeAddress} from '../../../src/devnet/crypto.js';
import {compileTestModule, secretWasmProblems} from './asc.js';
import {TestModule} from './as-host.js';
import {SAMPLE_USAGE_RECORD} from '../../helpers/usage-record.js';

const WORKER_KEY = new Uint8Array(32).fill(0x11);
const SUBSCRIBER_KEY = new Uint8Array(32).fill(0x22);
const OTHER_KEY = new Uint8Array(32).fill(0x33);
const N = secp256k1.Point.Fn.ORDER;

const RECORD: UsageRecord = SAMPLE_USAGE_RECORD;

/** Strings that stress JSON escaping and UTF-8: quotes, backslashes, controls, lone and paired surrogates, separators. */
const AWKWARD = [
  'plain', 'quote"back\\slash/solidus', 'ctl\u0000\u0001\u0008\u0009\u000a\u000b\u000c\u000d\u001f\u007f', 'html <b>&amp;</b>',
  '\u00e9\u4e2d\ufeff\uffff', 'emoji \ud83d\ude00 pair', 'lone high \ud800', 'lone low \udfff', 'reversed \udc00\ud800', '\u2028\u2029',
  '\ud800\ud800\udc00',
];

/** A random string of code units drawn from the awkward ranges. */
function randomAwkward(): string {
  const pool = [0x00, 0x08, 0x0a, 0x1f, 0x20, 0x22, 0x2f, 0x5c, 0x41, 0x7f, 0x80, 0xe9, 0x2028, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffe];
  const bytes = randomBytes(1 + (randomBytes(1)[0]! % 24));
  return String.fromCharCode(...[...bytes].map((b) => (b & 1 ? pool[b % pool.length]! : 0x20 + (b % 0x5f))));
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('contracts/lib usage records (wasm) against contracts/common/usage.ts', () => {
  let m: TestModule;
  beforeAll(async () => {
    m = await TestModule.load('crypto');
  });

  it('writes the portable core\'s record text exactly as canonicalJson sorts and escapes it, in TypeScript and in wasm', () => {
    const strings = [...AWKWARD];
    for (let i = 0; i < 200; i++) strings.push(randomAwkward());
    for (let i = 0; i < strings.length; i++) {
      const s = strings[i]!;
      const t = strings[(i * 7 + 3) % strings.length]!;
      const fields = {worker_id: s, key_handle: t, model: s + t, request_id: t + s, input_tokens: i * 1000, output_tokens: 0xffff_ffff - i, epoch: 2 ** 53 - 1 - i};
      const expected = canonicalJson(fields);
      const ts = usageRecordJson(fields.worker_id, fields.key_handle, fields.model, fields.request_id, fields.input_tokens, fields.output_tokens, fields.epoch);
      expect([s, ts]).toEqual([s, expected]);
      const args = [fields.worker_id, fields.key_handle, fields.model, fields.request_id, fields.input_tokens, fields.output_tokens, fields.epoch];
      const wasm = m.run('runUsageCore', JSON.stringify(args)).bytes;
      expect([s, hex(wasm)]).toEqual([s, hex(new TextEncoder().encode(expected))]);
    }
  });

  it('reads records from JSON to the same canonical bytes and weight as the TypeScript side', () => {
    const records: UsageRecord[] = [RECORD, {...RECORD, input_tokens: 0, output_tokens: 0, epoch: 0}];
    records.push({...RECORD, input_tokens: 0xffff_ffff, output_tokens: 0xffff_ffff, epoch: Number.MAX_SAFE_INTEGER});
    for (const s of AWKWARD) records.push({...RECORD, request_id: s});
    for (let i = 0; i < 50; i++) {
      const u32 = () => randomBytes(4).readUInt32LE();
      records.push({...RECORD, request_id: randomAwkward(), input_tokens: u32(), output_tokens: u32(), epoch: u32() * 2 ** 21});
    }
    for (const r of records) {
      const reversed = Object.fromEntries(Object.entries(r).reverse());
      const got = m.run('runUsageCanonical', JSON.stringify(reversed));
      expect([r.request_id, got.status, hex(got.bytes)]).toEqual([r.request_id, 1, hex(usageRecordBytes(r))]);
      expect([r.request_id, m.run('runUsageWeight', JSON.stringify(r)).text]).toEqual([r.request_id, String(usageWeight(r))]);
    }
  });

  it('takes the value of integers however JSON writes them, as JSON.parse does', () => {
    const base = JSON.stringify({...RECORD, input_tokens: 0, output_tokens: 0, epoch: 0});
    for (const [text, value] of [['3.0', 3], ['30e-1', 3], ['0.3E1', 3], ['3e0', 3], ['-0', 0], ['1e2', 100], ['4294967295.000', 0xffff_ffff], ['0.0e5', 0]] as const) {
      const json = base.replace('"input_tokens":0', `"input_tokens":${text}`);
      expect(JSON.parse(json).input_tokens === value).toBe(true);
      expect([text, hex(m.run('runUsageCanonical', json).bytes)]).toEqual([text, hex(usageRecordBytes(JSON.parse(json)))]);
    }
  });

  it('refuses records with missing or extra members, wrong types and integers out of range', () => {
    const text = JSON.stringify(RECORD);
    const bad = [
      text.replace('"epoch":3', '"epoch":-1'), text.replace('"epoch":3', '"epoch":9007199254740992'), text.replace('"epoch":3', '"epoch":1.5'),
      text.replace('"input_tokens":12', '"input_tokens":4294967296'), text.replace('"input_tokens":12', '"input_tokens":-1'),
      text.replace('"output_tokens":64', '"output_tokens":1e10'), text.replace('"output_tokens":64', '"output_tokens":"64"'),
      text.replace('"worker_id":"7"', '"worker_id":7'), text.replace('"model":"stories260K"', '"model":null'), text.replace(',"epoch":3', ''),
      text.replace('}', ',"extra":1}'), '[]', '"record"',
    ];
    for (const b of bad) expect([b, m.run('runUsageCanonical', b).status]).toEqual([b, 0]);
  });

  it('applies the low-S rule exactly as the TypeScript side', async () => {
    const sig = await signUsage(RECORD, 'worker', WORKER_KEY);
    const scalar = (v: bigint) => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
    const r = sig.subarray(0, 32);
    const candidates: Uint8Array[] = [sig, sig.subarray(0, 63), new Uint8Array(64), new Uint8Array(65)];
    for (const s of [0n, 1n, N / 2n - 1n, N / 2n, N / 2n + 1n, N - 1n, N, (1n << 256n) - 1n]) candidates.push(Buffer.concat([r, scalar(s)]));
    for (const rv of [0n, 1n, N - 1n, N, (1n << 256n) - 1n]) candidates.push(Buffer.concat([scalar(rv), scalar(1n)]));
    for (let i = 0; i < 100; i++) candidates.push(randomBytes(64));
    for (const c of candidates) expect([hex(c), m.run('runLowS', c).status]).toEqual([hex(c), isLowSCompactSignature(c) ? 1 : 0]);
  });

  it('verifies what the TypeScript side signs, and refuses what it refuses', async () => {
    const workerPub = usagePublicKey(WORKER_KEY);
    const subscriberPub = usagePublicKey(SUBSCRIBER_KEY);
    const signed = await signUsageRecord(RECORD, WORKER_KEY);
    const counter = await countersignUsageRecord(signed, SUBSCRIBER_KEY);
    const forged = await countersignUsageRecord(signed, OTHER_KEY);
    const awkward = await countersignUsageRecord(await signUsageRecord({...RECORD, request_id: AWKWARD.join('|').slice(0, 100)}, WORKER_KEY), SUBSCRIBER_KEY);
    const sig = Buffer.from(signed.worker_signature, 'base64');
    const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
    const highS = Buffer.concat([sig.subarray(0, 32), Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex')]);
    const asSubscriberSig = toBase64(await signUsage(RECORD, 'subscriber', WORKER_KEY));

    const cases: Array<{name: string; signed: SignedUsageRecord; worker?: Uint8Array; expected?: Uint8Array}> = [
      {name: 'worker only', signed},
      {name: 'countersigned', signed: counter},
      {name: 'countersigned, expected key', signed: counter, expected: subscriberPub},
      {name: 'countersigned, other expected key', signed: counter, expected: usagePublicKey(OTHER_KEY)},
      {name: 'awkward request id', signed: awkward, expected: subscriberPub},
      {name: 'wrong worker key', signed: counter, worker: usagePublicKey(OTHER_KEY)},
      {name: 'uncompressed worker key', signed, worker: secp256k1.getPublicKey(WORKER_KEY, false)},
      {name: 'countersignature by another key under the subscriber key', signed: {...forged, subscriber_pubkey: counter.subscriber_pubkey}},
      {name: 'countersignature without key', signed: {...counter, subscriber_pubkey: null}},
      {name: 'key without countersignature', signed: {...signed, subscriber_pubkey: counter.subscriber_pubkey}},
      {name: 'worker signature as countersignature', signed: {...signed, subscriber_signature: signed.worker_signature, subscriber_pubkey: toBase64(workerPub)}},
      {name: 'subscriber-domain signature as worker signature', signed: {...signed, worker_signature: asSubscriberSig}},
      {name: 'high-S twin', signed: {...signed, worker_signature: highS.toString('base64')}},
      {name: 'not base64', signed: {...counter, worker_signature: 'not base64!', subscriber_signature: 'AAA'}},
      {name: 'empty signature', signed: {...signed, worker_signature: ''}},
      {name: 'invalid record', signed: {...counter, record: {...RECORD, epoch: -1}}},
    ];
    for (const key of Object.keys(RECORD) as Array<keyof UsageRecord>) {
      const value = typeof RECORD[key] === 'number' ? (RECORD[key] as number) + 1 : `${RECORD[key] as string}`.replace(/.$/, (c) => (c === '7' ? '8' : c === 'b' ? 'c' : 'x'));
      cases.push({name: `tampered ${key}`, signed: {...counter, record: {...RECORD, [key]: value}}});
    }
    const outcomes: string[] = [];
    for (const c of cases) {
      const worker = c.worker ?? workerPub;
      const ts = verifySignedUsageRecord(c.signed, worker, c.expected ? {expectedSubscriberPubkey: c.expected} : {});
      const input = {signed: c.signed, worker_pubkey: toBase64(worker), expected: c.expected ? toBase64(c.expected) : null};
      const got = m.run('runUsageVerify', JSON.stringify(input)).text;
      expect([c.name, got]).toEqual([c.name, `worker=${ts.worker} subscriber=${ts.subscriber}`]);
      outcomes.push(got);
    }
    for (const o of ['worker=true subscriber=valid', 'worker=true subscriber=absent', 'worker=true subscriber=invalid', 'worker=false subscriber=invalid']) {
      expect(outcomes).toContain(o);
    }
    expect(m.verifyCalls).toBeGreaterThan(0);
  });

  it('derives addresses and compresses keys like the TypeScript side', () => {
    for (let i = 0; i < 20; i++) {
      const key = secp256k1.utils.randomSecretKey();
      const compressed = secp256k1.getPublicKey(key, true);
      const uncompressed = secp256k1.getPublicKey(key, false);
      expect(hex(m.run('runCompress', uncompressed).bytes)).toBe(hex(compressed));
      expect(hex(m.run('runCompress', compressed).bytes)).toBe(hex(compressed));
      const address = m.run('runPubkeyToAddress', compressed).text;
      expect(address).toBe(nodeAddress(compressed));
      expect(m.run('runAddrValidate', address).status).toBe(1);
    }
    expect(m.run('runCompress', new Uint8Array(33).fill(4)).status).toBe(0);
    expect(m.run('runCompress', new Uint8Array(64).fill(4)).status).toBe(0);
    expect(m.run('runAddrValidate', 'secret1notanaddress').status).toBe(0);
  });

  it('compiles to an MVP module without floating point (unoptimised, so no code is left out)', async () => {
    expect(await secretWasmProblems(await compileTestModule('crypto', false))).toEqual([]);
  });
});

