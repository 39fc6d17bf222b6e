import {generateKeyPairSync} from 'node:crypto';
import {describe, expect, it} from '@jest/globals';
import {expectValidOffline} from './offline.js';
import {verifyEvidence, type VerificationResult, type VerifyEvidenceInput} from '../../src/attest/verify.js';
import {describeShared} from '../helpers/shared.js';
import {DEFAULT_AT, readFixture, readFixtureText, vectors} from './verify-fixtures.js';

const STRICT_OFF = {allowDev: false, strict: false, requireBinding: false};
const failing = (r: VerificationResult) => r.checks.filter((c) => !c.ok && !c.missing).map((c) => c.name);
const missing = (r: VerificationResult) => r.checks.filter((c) => c.missing).map((c) => c.name);

function quoteBytes(p: string): Uint8Array | string {
  return p.endsWith('.bin') ? readFixture(p) : readFixtureText(p);
}

describeShared('fixtures/attestation')('verifyEvidence on the shared vectors', () => {
  const v = vectors();
  const tdx = (id: string) => v.tdx.find((x) => x.id === id)!;
  const snp = (id: string) => v.sevSnp.find((x) => x.id === id)!;

  const tdxInput = (id: string, extra: Partial<VerifyEvidenceInput> = {}): VerifyEvidenceInput => {
    const t = tdx(id);
    return {
      cpu: {bytes: quoteBytes(t.quote), ...(t.collateral ? {collateral: readFixtureText(t.collateral)} : {})},
      now: t.verifyAt ?? DEFAULT_AT,
      policy: STRICT_OFF, measurementsRequired: false,
      ...extra,
    };
  };

  it('T1 and T2 are valid, UpToDate, with their report data and measurements', () => {
    for (const id of ['T1', 'T2']) {
      const r = verifyEvidence(tdxInput(id));
      expect({id, verdict: r.verdict, reasons: r.reasons}).toEqual({id, verdict: 'valid', reasons: []});
      expect(r.cpu?.type).toBe('tdx');
      expect(r.cpu?.tcbStatus).toBe('UpToDate');
      expect(r.cpu?.tcbStatusTrusted).toBe(true);
      expect(r.cpu?.version).toBe(tdx(id).expected.quoteVersion);
      expect(r.cpu?.fmspc).toBe(tdx(id).expected.fmspc);
      expect(r.cpu?.reportData?.startsWith(tdx(id).expected.reportDataPrefix as string)).toBe(true);
      expect(r.cpu?.measurements.mrtd).toMatch(/^[0-9a-f]{96}$/);
      expect(r.dev).toBe(false);
      // Without a TLS key the binding is reported as not done, never as passed.
      expect(r.checks.find((c) => c.name === 'binding.tls')).toMatchObject({ok: true, skipped: true});
      // Loose evidence without a measurement policy: appraisal did not happen, and says so.
      expect(r.checks.find((c) => c.name === 'measurements')).toMatchObject({ok: true, warning: true, detail: expect.stringMatching(/^measurements not appraised/)});
    }
  });

  it('T3 is invalid: no TCB level matches', () => {
    const r = verifyEvidence(tdxInput('T3'));
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toEqual(['tdx.tcb.level']);
  });

  it('T4 without collateral is unverifiable, and its offline checks pass', () => {
    const r = verifyEvidence(tdxInput('T4'));
    expect(r.verdict).toBe('unverifiable');
    expect(failing(r)).toEqual([]);
    expect(missing(r)).toContain('tdx.collateral');
    for (const n of ['tdx.quote.signature', 'tdx.qe.signature', 'tdx.qe.binding', 'tdx.pck.chain']) {
      expect(r.checks.find((c) => c.name === n)?.ok).toBe(true);
    }
    expect(r.cpu?.reportData).toBe(tdx('T4').expected.reportData);
  });

  it('T4 with the T1 collateral at T1 time is invalid: PCK certificate not yet valid', () => {
    const n = tdx('T4').negative!;
    const r = verifyEvidence({cpu: {bytes: quoteBytes(tdx('T4').quote), collateral: readFixtureText(n.collateral)}, now: n.verifyAt, policy: STRICT_OFF, measurementsRequired: false});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toContain('tdx.pck.validity');
    expect(r.checks.find((c) => c.name === 'tdx.pck.validity')?.detail).toMatch(/not yet valid/);
    // The TCB status computed under a PCK certificate that is not valid yet is not a verified status.
    expect(r.cpu?.tcbStatusTrusted).toBe(false);
  });

  it('T1 past its TCB info nextUpdate, or with a flipped body byte, is invalid', () => {
    const late = verifyEvidence(tdxInput('T1', {now: 1752920164}));
    expect(late.verdict).toBe('invalid');
    expect(failing(late)).toContain('tdx.collateral.tcbInfo.validity');
    const bytes = Uint8Array.from(readFixture(tdx('T1').quote));
    bytes[200] ^= 1;
    const flipped = verifyEvidence({...tdxInput('T1'), cpu: {bytes, collateral: readFixtureText(tdx('T1').collateral!)}});
    expect(flipped.verdict).toBe('invalid');
    expect(failing(flipped)).toContain('tdx.quote.signature');
  });

  it('strict policy is passed to the TDX verifier (UpToDate stays valid)', () => {
    expect(verifyEvidence(tdxInput('T1', {policy: {...STRICT_OFF, strict: true}})).verdict).toBe('valid');
  });

  it('S1 valid, S2 invalid by DEBUG policy, S3 unverifiable without its VCEK', () => {
    const run = (id: string) => {
      const s = snp(id);
      return verifyEvidence({
        cpu: {bytes: quoteBytes(s.report), ...(s.vcek ? {vcek: readFixture(s.vcek)} : {}), certChain: readFixtureText(s.chain), crl: readFixture(s.crl)},
        now: s.verifyAt ?? DEFAULT_AT,
        policy: STRICT_OFF, measurementsRequired: false,
      });
    };
    const s1 = run('S1');
    expect(s1.verdict).toBe('valid');
    expect(s1.cpu).toMatchObject({type: 'snp', version: 2, vmpl: 0, policy: '0x30000', product: 'Milan', reportedTcb: {bl: 3, tee: 0, snp: 8, ucode: 115}});
    expect(s1.cpu?.measurements.measurement).toMatch(/^7a1e5c266c0108db/);
    const s2 = run('S2');
    expect(s2.verdict).toBe('invalid');
    expect(failing(s2)).toEqual(['snp.policy.debug']);
    const s3 = run('S3');
    expect(s3.verdict).toBe('unverifiable');
    expect(missing(s3)).toContain('snp.vcek.present');
    expect(s3.cpu).toMatchObject({version: 3, vmpl: 1, product: 'Genoa'});
  });

  it('N1 and N2 pass every offline check (unverifiable offline: RIM and OCSP missing); N2 against nvtrust test nonce is invalid', () => {
    const n1 = verifyEvidence({gpu: {evidence: readFixtureText('nvidia/secretai-worker-gpu-evidence.json')}, now: DEFAULT_AT, policy: STRICT_OFF, measurementsRequired: false});
    expectValidOffline(n1);
    expect(n1.gpu?.[0]).toMatchObject({driver: '550.144.03', vbios: '96.00.9F.00.02'});
    expect(n1.notChecked).toEqual([]);
    // A real GPU's gaps are not accepted even by a policy that accepts them for dev GPUs.
    const devGaps = verifyEvidence({gpu: {evidence: readFixtureText('nvidia/secretai-worker-gpu-evidence.json')}, now: DEFAULT_AT, policy: {...STRICT_OFF, acceptGaps: [{check: 'nvidia.rim', devOnly: true}, {check: 'nvidia.ocsp', devOnly: true}]}, measurementsRequired: false});
    expect(devGaps.verdict).toBe('unverifiable');
    expect(devGaps.accepted).toEqual([]);
    const n2 = v.nvidia.find((x) => x.id === 'N2')!;
    const gpu = (nonce: string) => ({evidence: readFixtureText(n2.evidence!), certChainPem: readFixtureText(n2.chain!), expectedNonce: nonce});
    expectValidOffline(verifyEvidence({gpu: gpu(n2.expected.nonce), now: n2.verifyAt, policy: STRICT_OFF, measurementsRequired: false}));
    const bad = verifyEvidence({gpu: gpu(n2.negative!.nonce), now: n2.verifyAt, policy: STRICT_OFF, measurementsRequired: false});
    expect(bad.verdict).toBe('invalid');
    expect(failing(bad)).toEqual(['nvidia.nonce']);
  });

  it('T4 + N1 bind through the GPU nonce; T4 + N2 does not', () => {
    const t4 = quoteBytes(tdx('T4').quote);
    const ok = verifyEvidence({cpu: {bytes: t4}, gpu: {evidence: readFixtureText('nvidia/secretai-worker-gpu-evidence.json')}, now: DEFAULT_AT, policy: STRICT_OFF, measurementsRequired: false});
    expect(ok.checks.find((c) => c.name === 'binding.gpu_nonce')?.ok).toBe(true);
    expect(ok.binding?.reportDataNonce).toBe('a768bb3a38c48d3636b9e8250a3b12da05f557eca0b484bf9d8fa5719c0341bd');
    expect(ok.verdict).toBe('unverifiable');
    expect(failing(ok)).toEqual([]);
    const n2 = verifyEvidence({
      cpu: {bytes: t4},
      gpu: {evidence: readFixtureText('nvidia/nvtrust-hopper.evidence.hex'), certChainPem: readFixtureText('nvidia/nvtrust-hopper.certchain.pem')},
      now: DEFAULT_AT,
      policy: STRICT_OFF, measurementsRequired: false,
    });
    expect(n2.verdict).toBe('invalid');
    // Raw evidence is checked against the CPU's nonce half, and the binding says the same.
    expect(failing(n2)).toEqual(expect.arrayContaining(['nvidia.nonce', 'binding.gpu_nonce']));
  });

  it('a required binding without a TLS key is unverifiable; a wrong TLS key is invalid', () => {
    const req = verifyEvidence(tdxInput('T1', {requireBinding: true}));
    expect(req.verdict).toBe('unverifiable');
    // T1's REPORTDATA[32..64] is not zero and there is neither GPU evidence nor a worker key to account for it.
    expect(missing(req)).toEqual(['binding.tls', 'binding.gpu_nonce']);
    const other = new Uint8Array(generateKeyPairSync('ec', {namedCurve: 'P-256'}).publicKey.export({type: 'spki', format: 'der'}));
    const wrong = verifyEvidence(tdxInput('T1', {binding: {tlsSpkiDer: other}}));
    expect(wrong.verdict).toBe('invalid');
    expect(failing(wrong)).toEqual(['binding.tls']);
  });

  it('collateral given for an SNP report, or garbage collateral for TDX, is a failure, not "missing"', () => {
    const s = snp('S1');
    const r = verifyEvidence({cpu: {bytes: quoteBytes(s.report), vcek: readFixture(s.vcek!), certChain: readFixtureText(s.chain), crl: readFixture(s.crl), collateral: '{}'}, now: s.verifyAt!, policy: STRICT_OFF, measurementsRequired: false});
    expect(failing(r)).toContain('cpu.input');
    const g = verifyEvidence(tdxInput('T1', {cpu: {bytes: quoteBytes(tdx('T1').quote), collateral: '{"nope":1}'}}));
    expect(g.verdict).toBe('invalid');
    expect(failing(g)).toContain('tdx.collateral.parse');
  });
});

describe('verifyEvidence input handling', () => {
  it('nothing to verify is unverifiable', () => {
    const r = verifyEvidence({now: 1, policy: {}});
    expect(r.verdict).toBe('unverifiable');
    expect(r.reasons[0]).toMatch(/^input.evidence/);
  });

  it('garbage CPU evidence fails the format check without throwing', () => {
    const r = verifyEvidence({cpu: {bytes: 'not evidence at all'}, now: 1, policy: {}});
    expect(r.verdict).toBe('invalid');
    expect(r.checks[0].name).toBe('cpu.format');
  });

  it('a non-numeric time is rejected', () => {
    expect(verifyEvidence({cpu: {bytes: 'x'}, now: Number.NaN, policy: {}}).reasons[0]).toMatch(/^input.now/);
  });
});
