import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {describe, expect, it} from '@jest/globals';
import {parseTdxCollateral, tdxCollateralToJson, type TdxCollateral} from '../../src/attest/tdx/collateral.js';
import {pckExtensionOf} from '../../src/attest/tdx/pck.js';
import {parseTdxQuote} from '../../src/attest/tdx/quote.js';
import {parsePemChain} from '../../src/attest/x509.js';
import {INTEL_SGX_ROOT_CA_SHA256, verifyTdxQuote, type TdxResult} from '../../src/attest/tdx/verify.js';
import {EvidenceFormatError, hex} from '../../src/attest/types.js';
import {describeShared, sharedPath} from '../helpers/shared.js';

interface Vector {
  id: string;
  quote: string;
  quoteEncoding: 'binary' | 'hex';
  collateral: string | null;
  verifyAt?: number;
  window?: [number, number];
  expected: Record<string, unknown>;
  negative?: {collateral: string; verifyAt: number};
}

const fx = (p: string) => sharedPath('fixtures', 'attestation', p);
const failing = (r: TdxResult) => r.checks.filter((c) => !c.ok && !c.missing).map((c) => c.name);
const missing = (r: TdxResult) => r.checks.filter((c) => c.missing).map((c) => c.name);

describeShared('fixtures/attestation')('TDX verifier on the real vectors (MANIFEST.md T1–T4)', () => {
  const vectors = (JSON.parse(readFileSync(fx('vectors.json'), 'utf8')) as {tdx: Vector[]}).tdx;
  const byId = Object.fromEntries(vectors.map((v) => [v.id, v])) as Record<string, Vector>;
  const quoteOf = (v: Vector): Uint8Array =>
    v.quoteEncoding === 'hex' ? Uint8Array.from(Buffer.from(readFileSync(fx(v.quote), 'utf8').trim(), 'hex')) : Uint8Array.from(readFileSync(fx(v.quote)));
  const collateralOf = (p: string): TdxCollateral => parseTdxCollateral(readFileSync(fx(p), 'utf8'));
  const T1 = byId.T1;
  const T2 = byId.T2;
  const T3 = byId.T3;
  const T4 = byId.T4;

  it('T1 (v4) is valid and UpToDate at its verify-at time, every check in spec order', () => {
    const r = verifyTdxQuote({quote: quoteOf(T1), collateral: collateralOf(T1.collateral!), now: T1.verifyAt!});
    expect(r.reasons).toEqual([]);
    expect(r.verdict).toBe('valid');
    expect(r.tcbStatus).toBe('UpToDate');
    expect(r.advisoryIds).toEqual([]);
    expect(r.fmspc).toBe(T1.expected.fmspc);
    expect(r.reportData?.startsWith(T1.expected.reportDataPrefix as string)).toBe(true);
    expect(r.quote?.header.version).toBe(4);
    expect(r.rootSha256).toBe(INTEL_SGX_ROOT_CA_SHA256);
    const names = r.checks.map((c) => c.name);
    const order = [
      'tdx.quote.parse',
      'tdx.root.pinned',
      'tdx.collateral.tcbInfo.signature',
      'tdx.crl.root.signature',
      'tdx.crl.pck.issuer',
      'tdx.crl.pck.signature',
      'tdx.crl.pck.validity',
      'tdx.pck.chain',
      'tdx.pck.revocation',
      'tdx.qe.signature',
      'tdx.qe.binding',
      'tdx.qe.identity',
      'tdx.quote.signature',
      'tdx.fmspc',
      'tdx.tcb.level',
      'tdx.module.identity',
      'tdx.td.attributes',
      'tdx.tcb.policy',
    ];
    const idx = order.map((n) => names.indexOf(n));
    expect(idx.every((i) => i >= 0)).toBe(true);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
    expect(new Set(names).size).toBe(names.length);
    expect(r.checks.find((c) => c.name === 'tdx.module.identity')?.detail).toMatch(/TDX_01.*UpToDate/);
    expect(r.checks.find((c) => c.name === 'tdx.tcb.level')?.detail).toMatch(/from index 2/);
  });

  it('T1 stays valid at both ends of its window and fails one second past it (PCK CRL stale)', () => {
    const q = quoteOf(T1);
    const c = collateralOf(T1.collateral!);
    expect(verifyTdxQuote({quote: q, collateral: c, now: T1.window![0]}).verdict).toBe('valid');
    expect(verifyTdxQuote({quote: q, collateral: c, now: T1.window![1]}).verdict).toBe('valid');
    const stale = verifyTdxQuote({quote: q, collateral: c, now: 1752919236});
    expect(stale.verdict).toBe('invalid');
    expect(failing(stale)).toEqual(['tdx.crl.pck.validity']);
    expect(stale.reasons[0]).toMatch(/CRL stale/);
    const early = verifyTdxQuote({quote: q, collateral: c, now: T1.window![0] - 1});
    expect(failing(early)).toEqual(['tdx.collateral.qeIdentity.validity']);
  });

  it('T1 after the TCB info nextUpdate is invalid (TCB info expired)', () => {
    const r = verifyTdxQuote({quote: quoteOf(T1), collateral: collateralOf(T1.collateral!), now: 1752920164});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toContain('tdx.collateral.tcbInfo.validity');
    expect(r.reasons.join('\n')).toMatch(/TCB info expired/);
  });

  it('T2 (v5, TD 1.5 body) is valid and UpToDate', () => {
    const r = verifyTdxQuote({quote: quoteOf(T2), collateral: collateralOf(T2.collateral!), now: T2.verifyAt!});
    expect(r.reasons).toEqual([]);
    expect(r.verdict).toBe('valid');
    expect(r.tcbStatus).toBe('UpToDate');
    expect(r.advisoryIds).toEqual([]);
    expect(r.fmspc).toBe(T2.expected.fmspc);
    expect(r.quote?.header.version).toBe(5);
    expect(r.quote?.body.bodyType).toBe(3);
    expect(r.measurements?.mrservicetd).toBe('0'.repeat(96));
    expect(r.reportData?.startsWith(T2.expected.reportDataPrefix as string)).toBe(true);
    expect(r.checks.find((c) => c.name === 'tdx.td.mrServiceTd')?.ok).toBe(true);
  });

  it('T3 is invalid because no TCB level matches, with every signature valid', () => {
    const r = verifyTdxQuote({quote: quoteOf(T3), collateral: collateralOf(T3.collateral!), now: T3.verifyAt!});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toEqual(['tdx.tcb.level']);
    expect(r.reasons[0]).toMatch(/TCB not supported/);
    for (const n of ['tdx.quote.signature', 'tdx.qe.signature', 'tdx.qe.binding', 'tdx.pck.chain', 'tdx.collateral.tcbInfo.signature']) {
      expect(r.checks.find((c) => c.name === n)?.ok).toBe(true);
    }
    expect(r.tcbStatus).toBeUndefined();
  });

  it('T4 without collateral is unverifiable; its offline checks pass and its report data matches', () => {
    const r = verifyTdxQuote({quote: quoteOf(T4), now: 1772323200});
    expect(r.verdict).toBe('unverifiable');
    expect(failing(r)).toEqual([]);
    expect(r.reportData).toBe(T4.expected.reportData);
    expect(r.fmspc).toBe(T4.expected.fmspc);
    for (const n of ['tdx.quote.signature', 'tdx.qe.signature', 'tdx.qe.binding', 'tdx.pck.chain', 'tdx.pck.validity', 'tdx.root.pinned']) {
      expect(r.checks.find((c) => c.name === n)?.ok).toBe(true);
    }
    expect(missing(r)).toEqual(expect.arrayContaining(['tdx.collateral', 'tdx.crl.pck', 'tdx.tcb.level', 'tdx.qe.identity', 'tdx.tcb.policy']));
    expect(r.tcbStatus).toBeUndefined();
  });

  it('T4 with T1 collateral is invalid: the PCK certificate is not yet valid', () => {
    const r = verifyTdxQuote({quote: quoteOf(T4), collateral: collateralOf(T4.negative!.collateral), now: T4.negative!.verifyAt});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toEqual(['tdx.pck.validity']);
    expect(r.reasons[0]).toMatch(/not yet valid/);
  });

  it('parses fields at the documented offsets (v4 and v5)', () => {
    const b1 = quoteOf(T1);
    const q1 = parseTdxQuote(b1);
    expect(hex(q1.body.mrTd)).toBe(hex(b1.subarray(184, 232)));
    expect(hex(q1.body.rtmr[0])).toBe(hex(b1.subarray(376, 424)));
    expect(hex(q1.body.rtmr[3])).toBe(hex(b1.subarray(520, 568)));
    expect(hex(q1.body.reportData)).toBe(hex(b1.subarray(568, 632)));
    expect(q1.signatureDataOffset).toBe(632);
    expect(q1.bytes.length).toBe(4936);
    expect(q1.paddingLength).toBe(70);
    expect(hex(q1.body.teeTcbSvn).startsWith('06010300')).toBe(true);
    expect(q1.qeReport.isvSvn).toBe(6);
    expect(hex(q1.body.tdAttributes)).toBe('0000001000000000');
    expect(q1.pckChainPem?.endsWith('-----END CERTIFICATE-----\n\0')).toBe(true);
    const q2 = parseTdxQuote(quoteOf(T2));
    expect(q2.bodyOffset).toBe(54);
    expect(q2.signatureDataOffset).toBe(54 + 648);
    expect(hex(q2.body.teeTcbSvn).startsWith('0b010400')).toBe(true);
    expect(q2.qeReport.isvSvn).toBe(7);
  });

  it('reads the PCK SGX extension of each vector (MANIFEST facts)', () => {
    const ext = (v: Vector) => {
      const q = parseTdxQuote(quoteOf(v));
      return pckExtensionOf(parsePemChain(q.pckChainPem!)[0]);
    };
    const e1 = ext(T1);
    expect(e1).toMatchObject({fmspc: 'b0c06f000000', pceSvn: 11, cpuSvn: '03030202040100050000000000000000', pceId: '0000', sgxType: 1});
    expect(e1.compSvn).toEqual([3, 3, 2, 2, 4, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(e1.ppid).toMatch(/^[0-9a-f]{32}$/);
    expect(ext(T2)).toMatchObject({fmspc: '90c06f000000', pceSvn: 13, cpuSvn: '04040202040100050000000000000000'});
    expect(ext(T3).compSvn[7]).toBe(3);
    expect(ext(T4)).toMatchObject({fmspc: 'b0c06f000000', pceSvn: 11});
  });

  it('rejects truncation and non-zero trailing data, tolerates extra zero padding', () => {
    const q = quoteOf(T1);
    const c = collateralOf(T1.collateral!);
    for (const len of [0, 1, 47, 48, 631, 632, 635, 700, 1000, 2000, 4935]) {
      expect(() => parseTdxQuote(q.subarray(0, len))).toThrow(EvidenceFormatError);
      const r = verifyTdxQuote({quote: q.subarray(0, len), collateral: c, now: T1.verifyAt!});
      expect(r.verdict).toBe('invalid');
      expect(r.checks.map((x) => x.name)).toEqual(['tdx.quote.parse']);
    }
    expect(verifyTdxQuote({quote: q.subarray(0, 4936), collateral: c, now: T1.verifyAt!}).verdict).toBe('valid');
    const padded = new Uint8Array(q.length + 1000);
    padded.set(q);
    expect(verifyTdxQuote({quote: padded, collateral: c, now: T1.verifyAt!}).verdict).toBe('valid');
    const trailing = Uint8Array.from(q);
    trailing[5000] = 1;
    expect(() => parseTdxQuote(trailing)).toThrow(/non-zero byte at 5000/);
    expect(failing(verifyTdxQuote({quote: trailing, collateral: c, now: T1.verifyAt!}))).toEqual(['tdx.quote.parse']);
  });

  it('fails closed on an unparseable CRL instead of treating it as empty', () => {
    const json = JSON.parse(readFileSync(fx(T1.collateral!), 'utf8')) as Record<string, string>;
    const r = verifyTdxQuote({quote: quoteOf(T1), collateral: parseTdxCollateral({...json, pck_crl: 'deadbeef'}), now: T1.verifyAt!});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toEqual(['tdx.collateral.parse']);
    expect(() => parseTdxCollateral({...json, pck_crl: 'zz'})).toThrow(EvidenceFormatError);
    expect(() => parseTdxCollateral('{')).toThrow(EvidenceFormatError);
    expect(() => parseTdxCollateral({...json, tcb_info: undefined})).toThrow(EvidenceFormatError);
  });

  it('a TCB info for another FMSPC is rejected by the FMSPC check', () => {
    // T2's collateral (FMSPC 90c06f000000) is valid at T2's time; T4's PCK (FMSPC b0c06f000000) is too.
    const r = verifyTdxQuote({quote: quoteOf(T4), collateral: collateralOf(T2.collateral!), now: T2.verifyAt!});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toContain('tdx.fmspc');
  });

  it('agrees with @phala/dcap-qvl on the accepted vectors', () => {
    const qvl = createRequire(import.meta.url)('@phala/dcap-qvl') as {verify: (q: Uint8Array, c: unknown, now: number) => {status: string}};
    for (const v of [T1, T2]) {
      const c = collateralOf(v.collateral!);
      const ours = verifyTdxQuote({quote: quoteOf(v), collateral: c, now: v.verifyAt!});
      const theirs = qvl.verify(quoteOf(v), tdxCollateralToJson(c), v.verifyAt!);
      expect(ours.tcbStatus).toBe(theirs.status);
    }
  });
});

describe('TDX verifier input handling', () => {
  it('never throws on garbage and names the parse check', () => {
    for (const q of [new Uint8Array(0), new Uint8Array(5000), Uint8Array.of(4, 0, 2, 0, 0x81, 0, 0, 0), Buffer.from('not a quote')]) {
      const r = verifyTdxQuote({quote: q, now: 1751328000});
      expect(r.verdict).toBe('invalid');
      expect(failing(r)).toEqual(['tdx.quote.parse']);
      expect(r.reasons[0]).toMatch(/^tdx\.quote\.parse: TDX quote: /);
    }
    const r = verifyTdxQuote({quote: new Uint8Array(10), now: Number.NaN});
    expect(r.verdict).toBe('invalid');
  });
});
