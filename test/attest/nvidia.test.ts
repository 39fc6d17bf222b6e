import {readFileSync} from 'node:fs';
import {expect, it} from '@jest/globals';
import {expectValidOffline} from './offline.js';
import {
  leafFwid,
  NVIDIA_DEVICE_ROOT_SHA256,
  parseNvtrustJson,
  parseSpdmEvidence,
  verifyGpuEvidence,
  type GpuVerifyInput,
  type GpuVerifyResult,
} from '../../src/attest/nvidia/index.js';
import {EvidenceFormatError} from '../../src/attest/types.js';
import {parsePemChain, sha256Hex} from '../../src/attest/x509.js';
import {describeShared, sharedPath} from '../helpers/shared.js';

const fx = (...p: string[]) => sharedPath('fixtures', 'attestation', 'nvidia', ...p);
const NOW = 1788220800;
const N1_NONCE = 'a768bb3a38c48d3636b9e8250a3b12da05f557eca0b484bf9d8fa5719c0341bd';
const N2_NONCE = '931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb';
const NVTRUST_TEST_NONCE = '4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e';

const failing = (r: GpuVerifyResult) => r.checks.filter((c) => !c.ok && !c.missing).map((c) => c.name);
const byName = (r: GpuVerifyResult, n: string) => r.checks.find((c) => c.name === n);

describeShared('fixtures/attestation')('NVIDIA Hopper on real evidence', () => {
  const n1Text = () => readFileSync(fx('secretai-worker-gpu-evidence.json'), 'utf8');
  const n2Hex = () => readFileSync(fx('nvtrust-hopper.evidence.hex'), 'utf8');
  const n2Chain = () => readFileSync(fx('nvtrust-hopper.certchain.pem'), 'utf8');
  const n2 = (extra: Partial<GpuVerifyInput> = {}): GpuVerifyInput => ({evidence: n2Hex(), certChainPem: n2Chain(), expectedNonce: N2_NONCE, now: NOW, ...extra});

  it('the pinned root in code is the nvtrust device root', () => {
    const [root] = parsePemChain(readFileSync(fx('nvidia-device-identity-ca.pem'), 'utf8'));
    expect(sha256Hex(root.der)).toBe(NVIDIA_DEVICE_ROOT_SHA256);
  });

  it('N1 (Secret AI worker JSON) passes every offline check with its nonce; RIM and OCSP are missing, so it is unverifiable offline', () => {
    const r = verifyGpuEvidence({evidence: n1Text(), expectedNonce: N1_NONCE, now: NOW});
    expectValidOffline(r);
    expect(r.checks.map((c) => c.name)).toEqual([
      'nvidia.arch',
      'nvidia.evidence.parse',
      'nvidia.chain',
      'nvidia.signature',
      'nvidia.nonce',
      'nvidia.fwid',
      'nvidia.versions',
      'nvidia.rim',
      'nvidia.ocsp',
    ]);
    expect(byName(r, 'nvidia.rim')).toMatchObject({ok: false, missing: true});
    expect(byName(r, 'nvidia.ocsp')).toMatchObject({ok: false, missing: true});
    expect(r.notChecked).toEqual([]);
    expect(r.arch).toBe('HOPPER');
    expect(r.jsonNonce).toBe(N1_NONCE);
    expect(r.gpus).toHaveLength(1);
    const g = r.gpus[0];
    expect(g).toMatchObject({index: 0, nonce: N1_NONCE, driver: '550.144.03', vbios: '96.00.9F.00.02'});
    expect(g.measurements).toHaveLength(64);
    expect(g.measurements.every((m) => /^[0-9a-f]{96}$/.test(m))).toBe(true);
    expect(g.fwid?.startsWith('0686bfc4')).toBe(true);
    expect(g.fwid?.endsWith('7ae92f')).toBe(true);
    expect(g.leaf).toMatch(/CN=GH100 A01 GSP FMC LF/);
  });

  it('N1 structure: 4118 bytes, record 3520, opaque 423, signature at the end', () => {
    const {entries, nonce, arch} = parseNvtrustJson(n1Text());
    expect([nonce, arch, entries.length]).toEqual([N1_NONCE, 'HOPPER', 1]);
    const ev = parseSpdmEvidence(entries[0].evidence);
    expect(ev.bytes.length).toBe(4118);
    expect(ev.recordLength).toBe(3520);
    expect(ev.opaqueLength).toBe(423);
    expect(ev.signatureOffset + 96).toBe(4118);
    expect(ev.blocks.map((b) => b.value.length)).toEqual(new Array(64).fill(48));
    const leaf = parsePemChain(entries[0].certChainPem!)[0];
    expect(Buffer.from(leafFwid(leaf)).toString('hex').startsWith('0686bfc4')).toBe(true);
  });

  it('N1 without an expected nonce compares with the JSON nonce; a wrong expected nonce is invalid', () => {
    const r = verifyGpuEvidence({evidence: n1Text(), now: NOW});
    expectValidOffline(r);
    expect(byName(r, 'nvidia.nonce')?.detail).toMatch(/JSON nonce/);
    const wrong = verifyGpuEvidence({evidence: n1Text(), expectedNonce: N2_NONCE, now: NOW});
    expect(wrong.verdict).toBe('invalid');
    expect(failing(wrong)).toEqual(['nvidia.nonce']);
    const bytesNonce = verifyGpuEvidence({evidence: n1Text(), expectedNonce: Buffer.from(N1_NONCE, 'hex'), now: NOW});
    expectValidOffline(bytesNonce);
    expect(verifyGpuEvidence({evidence: n1Text(), expectedNonce: 'abc', now: NOW}).verdict).toBe('invalid');
  });

  it('N1 given as bytes or as a parsed object verifies the same', () => {
    expectValidOffline(verifyGpuEvidence({evidence: Buffer.from(n1Text()), expectedNonce: N1_NONCE, now: NOW}));
    expectValidOffline(verifyGpuEvidence({evidence: JSON.parse(n1Text()), expectedNonce: N1_NONCE, now: NOW}));
  });

  it('N2 (nvtrust sample) is valid with its nonce and invalid with the nvtrust test nonce', () => {
    const r = verifyGpuEvidence(n2());
    expectValidOffline(r);
    expect(r.gpus[0]).toMatchObject({nonce: N2_NONCE, driver: '550.90.07', vbios: '96.00.9F.00.01'});
    expect(r.gpus[0].measurements).toHaveLength(64);
    expect(parseSpdmEvidence(Buffer.from(n2Hex().trim(), 'hex')).bytes.length).toBe(4117);
    const bad = verifyGpuEvidence(n2({expectedNonce: NVTRUST_TEST_NONCE}));
    expect(bad.verdict).toBe('invalid');
    expect(failing(bad)).toEqual(['nvidia.nonce']);
  });

  it('N2 without its chain or without a nonce is unverifiable, never valid', () => {
    const noChain = verifyGpuEvidence(n2({certChainPem: undefined}));
    expect(noChain.verdict).toBe('unverifiable');
    expect(byName(noChain, 'nvidia.chain')?.missing).toBe(true);
    const noNonce = verifyGpuEvidence(n2({expectedNonce: undefined}));
    expect(noNonce.verdict).toBe('unverifiable');
    expect(byName(noNonce, 'nvidia.nonce')?.missing).toBe(true);
  });

  it('N1 JSON without its nonce: the nonce check is missing (never passed); with a verifier nonce it is checked', () => {
    const {nonce: _n, ...noNonce} = JSON.parse(n1Text()) as Record<string, unknown>;
    const r = verifyGpuEvidence({evidence: noNonce as never, now: NOW});
    expect(byName(r, 'nvidia.nonce')).toMatchObject({ok: false, missing: true});
    expect(r.verdict).toBe('unverifiable');
    expect(r.jsonNonce).toBeUndefined();
    expect(byName(verifyGpuEvidence({evidence: noNonce as never, expectedNonce: N1_NONCE, now: NOW}), 'nvidia.nonce')?.ok).toBe(true);
    expect(verifyGpuEvidence({evidence: noNonce as never, expectedNonce: N2_NONCE, now: NOW}).verdict).toBe('invalid');
  });

  it('N2 with the N1 device chain is invalid (signature and FWID)', () => {
    const n1Chain = parseNvtrustJson(n1Text()).entries[0].certChainPem;
    const r = verifyGpuEvidence(n2({certChainPem: n1Chain}));
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toEqual(['nvidia.signature', 'nvidia.fwid']);
  });

  it('chain defects: a missing certificate, reordered chain, an extra certificate, garbage', () => {
    const certs = n2Chain().match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g)!;
    expect(certs).toHaveLength(5);
    expect(failing(verifyGpuEvidence(n2({certChainPem: certs.slice(0, 4).join('')})))).toContain('nvidia.chain');
    expect(failing(verifyGpuEvidence(n2({certChainPem: [certs[0], certs[2], certs[1], certs[3], certs[4]].join('')})))).toContain('nvidia.chain');
    expect(failing(verifyGpuEvidence(n2({certChainPem: certs.slice(0, 5).join('') + certs[4]})))).toContain('nvidia.chain');
    expect(failing(verifyGpuEvidence(n2({certChainPem: 'garbage'})))).toContain('nvidia.chain');
  });

  it('bytes after the signature are rejected; truncated evidence is rejected', () => {
    const raw = Buffer.from(n2Hex().trim(), 'hex');
    expect(() => parseSpdmEvidence(Buffer.concat([raw, Buffer.of(0)]))).toThrow(/after the SPDM signature/);
    const trailing = verifyGpuEvidence(n2({evidence: Buffer.concat([raw, Buffer.of(0)])}));
    expect(failing(trailing)).toEqual(['nvidia.evidence.parse']);
    for (const n of [0, 10, 36, 37, 100, 3600, raw.length - 97, raw.length - 1]) {
      let r: GpuVerifyResult | undefined;
      expect(() => (r = verifyGpuEvidence(n2({evidence: raw.subarray(0, n)})))).not.toThrow();
      expect(r?.verdict).toBe('invalid');
    }
  });

  it('JSON defects are format errors or invalid, never exceptions', () => {
    const good = JSON.parse(n1Text());
    const docs: unknown[] = [
      '{',
      '[]',
      '{"error":"no GPU"}',
      {...good, arch: 'BLACKWELL'},
      {...good, nonce: 'xyz'},
      {...good, evidence_list: []},
      {...good, evidence_list: [{certificate: good.evidence_list[0].certificate}]},
      {...good, evidence_list: [{...good.evidence_list[0], evidence: '!!!'}]},
      {...good, evidence_list: [{...good.evidence_list[0], evidence: Buffer.from('11e0').toString('base64')}]},
    ];
    for (const d of docs) {
      let r: GpuVerifyResult | undefined;
      expect(() => (r = verifyGpuEvidence({evidence: d as string, expectedNonce: N1_NONCE, now: NOW}))).not.toThrow();
      expect(r?.verdict).toBe('invalid');
    }
    expect(() => parseNvtrustJson('{"error":"no GPU"}')).toThrow(EvidenceFormatError);
    expect(failing(verifyGpuEvidence({evidence: {...good, arch: 'BLACKWELL'}, expectedNonce: N1_NONCE, now: NOW}))).toEqual(['nvidia.arch']);
    expect(verifyGpuEvidence({evidence: 'zz', certChainPem: n2Chain(), now: NOW}).verdict).toBe('invalid');
  });
});
