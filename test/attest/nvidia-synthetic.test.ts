/**
 * NVIDIA SPDM evidence minted here (throw-away 5-certificate P-384 chain built with src/attest/der-write.ts,
 * evidence signed with the leaf key), so structural and chain edge cases each change one thing.
 */
import {generateKeyPairSync, sign as cryptoSign, type KeyObject} from 'node:crypto';
import {describe, expect, it} from '@jest/globals';
import {expectValidOffline} from './offline.js';
import {buildCertificate, int, name, octets, oid, seq, toPem} from '../../src/attest/der-write.js';
import {NvOpaque, OID_TCG_DICE_FWID, parseSpdmEvidence, verifyGpuEvidence, type GpuVerifyResult} from '../../src/attest/nvidia/index.js';
import {EvidenceFormatError} from '../../src/attest/types.js';
import {parseCertDer, sha256Hex} from '../../src/attest/x509.js';

const NOW = Date.UTC(2026, 5, 1) / 1000;
const YEAR = 365 * 86400;
const ec = (curve = 'secp384r1') => generateKeyPairSync('ec', {namedCurve: curve});
const FWID = Uint8Array.from({length: 48}, (_, i) => (i * 13 + 1) & 0xff);
const NONCE = Uint8Array.from({length: 32}, (_, i) => i + 100);

interface ChainOptions {
  leafCurve?: string;
  fwid?: Uint8Array;
  leafCA?: boolean;
  /** Index (1..3) of an intermediate minted without the CA flag. */
  nonCaAt?: number;
  leafNotAfter?: number;
  leafCn?: string;
}

function makeChain(o: ChainOptions = {}) {
  const cns = [o.leafCn ?? 'GH100 A01 GSP FMC LF', 'GH100 A01 GSP BROM', 'Test Provisioner ICA', 'Test GH100 Identity', 'Test Device Identity CA'];
  const keys = cns.map((_, i) => (i === 0 ? ec(o.leafCurve) : ec()));
  const names = cns.map((cn) => name([['O', 'Test'], ['CN', cn]]));
  const ders: Uint8Array[] = [];
  for (let i = 4; i >= 0; i--) {
    const issuer = i === 4 ? 4 : i + 1;
    const spki = new Uint8Array(keys[0].publicKey.export({type: 'spki', format: 'der'}));
    ders[i] = buildCertificate({
      serial: 1000 + i,
      issuer: names[issuer],
      subject: names[i],
      notBefore: NOW - YEAR,
      notAfter: i === 0 && o.leafNotAfter !== undefined ? o.leafNotAfter : NOW + 50 * YEAR,
      publicKey: keys[i].publicKey,
      signingKey: keys[issuer].privateKey,
      ca: i === 0 ? (o.leafCA ? true : undefined) : i === o.nonCaAt ? false : true,
      extensions:
        i === 0
          ? [{oid: OID_TCG_DICE_FWID, value: seq(int(1), spki, seq(oid('2.16.840.1.101.3.4.2.2'), octets(o.fwid ?? FWID)))}]
          : [],
    });
  }
  return {pem: toPem(ders), leafKey: keys[0].privateKey, rootSha256: sha256Hex(parseCertDer(ders[4]).der)};
}

interface EvidenceOptions {
  nonce?: Uint8Array;
  blocks?: number;
  /** Extra opaque TLVs appended (e.g. unknown types). */
  extraOpaque?: [number, Uint8Array][];
  omit?: number[];
  fwid?: Uint8Array;
  /** Corrupts the record/opaque framing after signing. */
  after?: (b: Buffer) => Buffer;
  /** Tweaks header fields before signing. */
  before?: (b: Buffer) => void;
}

function u16(v: number) {
  return Buffer.from([v & 0xff, v >> 8]);
}

function makeEvidence(key: KeyObject, o: EvidenceOptions = {}): Buffer {
  const req = Buffer.concat([Buffer.from([0x11, 0xe0, 0x01, 0xff]), Buffer.from(o.nonce ?? NONCE), Buffer.from([0])]);
  const blocks: Buffer[] = [];
  for (let i = 1; i <= (o.blocks ?? 4); i++) {
    const digest = Buffer.alloc(48, i);
    blocks.push(Buffer.concat([Buffer.from([i, 0x01]), u16(3 + 48), Buffer.from([0x01]), u16(48), digest]));
  }
  const record = Buffer.concat(blocks);
  const all: [number, Uint8Array][] = [
    [NvOpaque.DRIVER_VERSION, Buffer.from('550.1.2\0', 'latin1')],
    [NvOpaque.VBIOS_VERSION, Buffer.from('009f009602000000', 'hex')],
    [NvOpaque.FWID, o.fwid ?? FWID],
    ...(o.extraOpaque ?? []),
  ];
  const tlvs = all.filter(([t]) => !(o.omit ?? []).includes(t));
  const opaque = Buffer.concat(tlvs.map(([t, v]) => Buffer.concat([u16(t), u16(v.length), Buffer.from(v)])));
  const len = record.length;
  const resp = Buffer.concat([
    Buffer.from([0x11, 0x60, 0x00, 0x00, o.blocks ?? 4, len & 0xff, (len >> 8) & 0xff, len >> 16]),
    record,
    Buffer.alloc(32, 0xee),
    u16(opaque.length),
    opaque,
  ]);
  const signed = Buffer.concat([req, resp]);
  o.before?.(signed);
  const sig = cryptoSign('sha384', signed, {key, dsaEncoding: 'ieee-p1363'});
  const out = Buffer.concat([signed, sig]);
  return o.after ? o.after(out) : out;
}

const failing = (r: GpuVerifyResult) => r.checks.filter((c) => !c.ok && !c.missing).map((c) => c.name);
const NONCE_HEX = Buffer.from(NONCE).toString('hex');

describe('NVIDIA SPDM with a throw-away device chain', () => {
  const chain = makeChain();
  const verify = (evidence: Uint8Array, pem = chain.pem, roots = [chain.rootSha256]) =>
    verifyGpuEvidence({evidence, certChainPem: pem, expectedNonce: NONCE_HEX, now: NOW, dangerousExtraRootSha256: roots});

  it('passes every offline check with the dev root allowed (marked dev), invalid without', () => {
    const ev = makeEvidence(chain.leafKey);
    const r = verify(ev);
    expectValidOffline(r);
    expect(r.gpus[0]).toMatchObject({dev: true, driver: '550.1.2', vbios: '96.00.9F.00.02', nonce: NONCE_HEX});
    expect(r.checks.find((c) => c.name === 'nvidia.chain')?.warning).toBe(true);
    const strict = verify(ev, chain.pem, []);
    expect(strict.verdict).toBe('invalid');
    expect(failing(strict)).toEqual(['nvidia.chain']);
    expect(strict.checks.find((c) => c.name === 'nvidia.chain')?.detail).toMatch(/not the pinned NVIDIA/);
  });

  it('unknown opaque types are skipped by length, not rejected', () => {
    const ev = makeEvidence(chain.leafKey, {extraOpaque: [[34, Uint8Array.of(1, 0, 0, 0)], [36, new Uint8Array(0)], [999, Buffer.alloc(300, 7)]]});
    const parsed = parseSpdmEvidence(ev);
    expect(parsed.opaque.map((f) => f.type)).toEqual([3, 6, 20, 34, 36, 999]);
    expectValidOffline(verify(ev));
  });

  it('structural defects are EvidenceFormatErrors', () => {
    const bad: ((b: Buffer) => void)[] = [
      (b) => (b[0] = 0x12), // request version
      (b) => (b[1] = 0xe1), // request code
      (b) => (b[2] = 0x00), // no signature requested
      (b) => (b[3] = 0x01), // not all blocks
      (b) => (b[37] = 0x10), // response version
      (b) => (b[38] = 0x61), // response code
      (b) => (b[41] = 5), // block count ≠ blocks in record
      (b) => (b[42] += 1), // record length one too long
      (b) => (b[37 + 8 + 1] = 0x02), // block not DMTF
      (b) => (b[37 + 8 + 5] = 47), // DMTF value size ≠ block size
    ];
    for (const before of bad) {
      const ev = makeEvidence(chain.leafKey, {before});
      expect(() => parseSpdmEvidence(ev)).toThrow(EvidenceFormatError);
      expect(failing(verify(ev))).toEqual(['nvidia.evidence.parse']);
    }
  });

  it('opaque framing that overruns L2, or L2 past the buffer, is rejected', () => {
    const opaqueLenOffset = 37 + 8 + 4 * 55 + 32;
    const overrun = makeEvidence(chain.leafKey, {
      before: (b) => {
        // the FWID TLV claims one byte more than L2 leaves
        const fwidSizeOffset = opaqueLenOffset + 2 + (4 + 8) + (4 + 8) + 2;
        b.writeUInt16LE(49, fwidSizeOffset);
      },
    });
    expect(() => parseSpdmEvidence(overrun)).toThrow(/overruns the opaque data/);
    const huge = makeEvidence(chain.leafKey, {before: (b) => b.writeUInt16LE(0xffff, opaqueLenOffset)});
    expect(() => parseSpdmEvidence(huge)).toThrow(EvidenceFormatError);
  });

  it('signature, nonce, FWID and version failures are each named', () => {
    expect(failing(verify(makeEvidence(ec().privateKey)))).toEqual(['nvidia.signature']);
    expect(failing(verify(makeEvidence(chain.leafKey, {nonce: new Uint8Array(32)})))).toEqual(['nvidia.nonce']);
    expect(failing(verify(makeEvidence(chain.leafKey, {fwid: new Uint8Array(48)})))).toEqual(['nvidia.fwid']);
    expect(failing(verify(makeEvidence(chain.leafKey, {omit: [NvOpaque.FWID]})))).toEqual(['nvidia.fwid']);
    expect(failing(verify(makeEvidence(chain.leafKey, {omit: [NvOpaque.DRIVER_VERSION]})))).toEqual(['nvidia.versions']);
    expect(failing(verify(makeEvidence(chain.leafKey, {omit: [NvOpaque.VBIOS_VERSION]})))).toEqual(['nvidia.versions']);
  });

  it('chain rules: leaf must not be a CA, intermediates must be, validity at now, P-384 leaf, Hopper leaf', () => {
    const leafCa = makeChain({leafCA: true});
    expect(failing(verify(makeEvidence(leafCa.leafKey), leafCa.pem, [leafCa.rootSha256]))).toEqual(['nvidia.chain']);
    const nonCa = makeChain({nonCaAt: 2});
    expect(failing(verify(makeEvidence(nonCa.leafKey), nonCa.pem, [nonCa.rootSha256]))).toEqual(['nvidia.chain']);
    const expired = makeChain({leafNotAfter: NOW - 1});
    expect(failing(verify(makeEvidence(expired.leafKey), expired.pem, [expired.rootSha256]))).toEqual(['nvidia.chain']);
    const p256 = makeChain({leafCurve: 'prime256v1'});
    // A P-256 signature is 64 bytes; pad the field to the 96 bytes the layout requires.
    const padded = makeEvidence(p256.leafKey, {after: (b) => Buffer.concat([b.subarray(0, b.length - 64), Buffer.alloc(96, 1)])});
    expect(failing(verify(padded, p256.pem, [p256.rootSha256]))).toEqual(['nvidia.signature']);
    const other = makeChain({leafCn: 'GB100 A01 GSP FMC LF'});
    expect(failing(verify(makeEvidence(other.leafKey), other.pem, [other.rootSha256]))).toEqual(['nvidia.arch']);
  });

  it('a JSON list with two GPUs checks each and names the GPU in details', () => {
    const second = makeChain();
    const doc = {
      nonce: NONCE_HEX,
      arch: 'HOPPER',
      evidence_list: [
        {certificate: Buffer.from(chain.pem).toString('base64'), evidence: makeEvidence(chain.leafKey).toString('base64')},
        {certificate: Buffer.from(second.pem).toString('base64'), evidence: makeEvidence(second.leafKey, {nonce: new Uint8Array(32)}).toString('base64')},
      ],
    };
    const r = verifyGpuEvidence({evidence: JSON.stringify(doc), expectedNonce: NONCE_HEX, now: NOW, dangerousExtraRootSha256: [chain.rootSha256, second.rootSha256]});
    expect(r.verdict).toBe('invalid');
    expect(r.gpus).toHaveLength(2);
    expect(r.reasons.filter((x) => !/^nvidia\.(rim|ocsp): /.test(x))).toEqual([expect.stringMatching(/^nvidia\.nonce: GPU 1: /)]);
    // The JSON nonce itself must also equal the expected nonce.
    const mismatch = verifyGpuEvidence({
      evidence: {...doc, nonce: '00'.repeat(32), evidence_list: [doc.evidence_list[0]]},
      expectedNonce: NONCE_HEX,
      now: NOW,
      dangerousExtraRootSha256: [chain.rootSha256],
    });
    expect(failing(mismatch)).toEqual(['nvidia.nonce']);
  });
});
