import {readFileSync} from 'node:fs';
import {expect, it} from '@jest/globals';
import {
  AMD_ARK_SPKI_SHA256,
  parseSnpReport,
  readVcekInfo,
  summarizeSnpReport,
  verifySnpReport,
  type SnpVerifyInput,
  type SnpVerifyResult,
} from '../../src/attest/snp/index.js';
import {detectEvidence} from '../../src/attest/detect.js';
import {parseCertDer, parsePemChain, sha256Hex} from '../../src/attest/x509.js';
import {describeShared, sharedPath} from '../helpers/shared.js';

const fx = (...p: string[]) => sharedPath('fixtures', 'attestation', ...p);
const read = (f: string) => readFileSync(fx('sev-snp', f));

/** 2026-09-01T00:00:00Z, inside the Milan/Genoa CRL window (MANIFEST.md). */
const NOW = 1788220800;
/** One second after the CRLs' nextUpdate 2026-10-04T00:00:00Z. */
const AFTER_CRL = Date.UTC(2026, 9, 4, 0, 0, 1) / 1000;

const byName = (r: SnpVerifyResult, name: string) => r.checks.find((c) => c.name === name);
/** Checks that failed (not merely missing). */
const failing = (r: SnpVerifyResult) => r.checks.filter((c) => !c.ok && !c.missing).map((c) => c.name);

describeShared('fixtures/attestation')('SEV-SNP on real evidence', () => {
  const milanChain = () => read('amd-milan-ask-ark.pem').toString('latin1');
  const genoaChain = () => read('amd-genoa-ask-ark.pem').toString('latin1');
  const s1 = (): SnpVerifyInput => ({
    report: read('virtee-milan-v2.report.hex').toString('latin1'),
    vcek: read('virtee-milan.vcek.der'),
    chain: milanChain(),
    crl: read('amd-milan-vcek-crl.der'),
    now: NOW,
  });
  const s2 = (): SnpVerifyInput => ({
    report: read('gosev-milan-v2-debug.report.bin'),
    vcek: read('gosev-milan.vcek.der'),
    chain: milanChain(),
    crl: read('amd-milan-vcek-crl.der'),
    now: NOW,
  });
  const s3 = (): SnpVerifyInput => ({
    report: read('secretvm-genoa-v3.report.b64').toString('latin1'),
    chain: genoaChain(),
    crl: read('amd-genoa-vcek-crl.der'),
    now: NOW,
  });

  it('the ARK pins in code match the vendor chains', () => {
    expect(sha256Hex(parsePemChain(milanChain())[1].spkiDer)).toBe(AMD_ARK_SPKI_SHA256.Milan);
    expect(sha256Hex(parsePemChain(genoaChain())[1].spkiDer)).toBe(AMD_ARK_SPKI_SHA256.Genoa);
  });

  it('S1 (Milan v2) is valid at 2026-09-01 with every named check passing in order', () => {
    const r = verifySnpReport(s1());
    expect(r.verdict).toBe('valid');
    expect(r.reasons).toEqual([]);
    expect(r.checks.map((c) => c.name)).toEqual([
      'snp.report.parse',
      'snp.report.algo',
      'snp.signing_key',
      'snp.vcek.present',
      'snp.product',
      'snp.chain.ark.pinned',
      'snp.chain.ask',
      'snp.chain.vcek',
      'snp.crl.issuer',
      'snp.crl.signature',
      'snp.crl.validity',
      'snp.crl.revoked',
      'snp.vcek.hwid',
      'snp.vcek.tcb',
      'snp.report.signature',
      'snp.policy.debug',
      'snp.policy.migrate_ma',
      'snp.policy.reserved',
      'snp.vmpl',
      'snp.tcb.order',
    ]);
    expect(r.checks.every((c) => c.ok && !c.warning && !c.skipped)).toBe(true);
    expect(r.product).toBe('Milan');
    expect(r.productSource).toBe('vcek');
    expect(r.reportedTcb).toMatchObject({bl: 3, tee: 0, snp: 8, ucode: 115, raw: '0300000000000873'});
    expect(r.reportData?.startsWith('d447b55d197491bf')).toBe(true);
    expect(r.reportData?.endsWith('93ebfd')).toBe(true);
    expect(r.measurement?.startsWith('7a1e5c266c0108db')).toBe(true);
    expect(r.measurement?.endsWith('cd81841f')).toBe(true);
    expect(r.report?.version).toBe(2);
    expect(r.report?.currentFirmware).toBe('1.52.4');
    expect(r.dev).toBeUndefined();
  });

  it('S1 accepts the chain in either order, as DER list, and the VCEK as PEM/base64', () => {
    const [ask, ark] = parsePemChain(milanChain());
    const vcekDer = read('virtee-milan.vcek.der');
    const pem = `-----BEGIN CERTIFICATE-----\n${vcekDer.toString('base64')}\n-----END CERTIFICATE-----\n`;
    expect(verifySnpReport({...s1(), chain: [ark.der, ask.der]}).verdict).toBe('valid');
    expect(verifySnpReport({...s1(), chain: Buffer.concat([ark.der, ask.der])}).verdict).toBe('valid');
    expect(verifySnpReport({...s1(), vcek: pem}).verdict).toBe('valid');
    expect(verifySnpReport({...s1(), vcek: vcekDer.toString('base64')}).verdict).toBe('valid');
    expect(verifySnpReport({...s1(), report: detectEvidence(read('virtee-milan-v2.report.hex')).bytes}).verdict).toBe('valid');
  });

  it('S1 after the CRL nextUpdate (2026-10-04) is invalid: stale CRL', () => {
    const r = verifySnpReport({...s1(), now: AFTER_CRL});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toEqual(['snp.crl.validity']);
    expect(byName(r, 'snp.crl.validity')?.detail).toMatch(/stale/);
  });

  it('S1 before the CRL thisUpdate is invalid too (fail closed on time)', () => {
    const r = verifySnpReport({...s1(), now: Date.UTC(2026, 0, 1) / 1000});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toContain('snp.crl.validity');
  });

  it('S1 with the Genoa chain and CRL is invalid (ARK pin and VCEK issuer)', () => {
    const r = verifySnpReport({...s1(), chain: genoaChain(), crl: read('amd-genoa-vcek-crl.der')});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toEqual(expect.arrayContaining(['snp.chain.ark.pinned', 'snp.chain.vcek']));
    expect(byName(r, 'snp.report.signature')?.ok).toBe(true);
  });

  it('S1 with the Genoa CRL but the Milan chain is invalid (CRL issuer and signature)', () => {
    const r = verifySnpReport({...s1(), crl: read('amd-genoa-vcek-crl.der')});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toEqual(['snp.crl.issuer', 'snp.crl.signature']);
  });

  it('S1 with the S2 VCEK is invalid (chip ID, TCB and signature)', () => {
    const r = verifySnpReport({...s1(), vcek: read('gosev-milan.vcek.der')});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toEqual(['snp.vcek.hwid', 'snp.vcek.tcb', 'snp.report.signature']);
  });

  it('S1 without a CRL or without the chain is unverifiable, never valid', () => {
    const noCrl = verifySnpReport({...s1(), crl: undefined});
    expect(noCrl.verdict).toBe('unverifiable');
    expect(byName(noCrl, 'snp.crl')?.missing).toBe(true);
    const noChain = verifySnpReport({...s1(), chain: undefined});
    expect(noChain.verdict).toBe('unverifiable');
    expect(byName(noChain, 'snp.chain.ark.pinned')?.missing).toBe(true);
  });

  it('S1 with a chain lacking the ARK or holding garbage is invalid', () => {
    const [ask] = parsePemChain(milanChain());
    expect(verifySnpReport({...s1(), chain: [ask.der]}).verdict).toBe('invalid');
    expect(verifySnpReport({...s1(), chain: 'not a chain'}).verdict).toBe('invalid');
    expect(verifySnpReport({...s1(), crl: Uint8Array.of(1, 2, 3)}).verdict).toBe('invalid');
    expect(verifySnpReport({...s1(), vcek: Uint8Array.of(0x30, 0x00)}).verdict).toBe('invalid');
  });

  it('S2 (debug policy) is invalid only because of snp.policy.debug; crypto checks pass', () => {
    const r = verifySnpReport(s2());
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toEqual(['snp.policy.debug']);
    for (const n of ['snp.chain.ark.pinned', 'snp.chain.ask', 'snp.chain.vcek', 'snp.crl.signature', 'snp.crl.revoked', 'snp.vcek.hwid', 'snp.vcek.tcb', 'snp.report.signature']) {
      expect(byName(r, n)?.ok).toBe(true);
    }
    expect(r.reportedTcb).toMatchObject({bl: 2, tee: 0, snp: 5, ucode: 68});
    expect(r.report?.policy).toBe(0xb0000n);
    expect(r.reportData?.startsWith('0102030405')).toBe(true);
    const allowed = verifySnpReport({...s2(), policy: {dangerousAllowDebug: true}});
    expect(allowed.verdict).toBe('valid');
    expect(byName(allowed, 'snp.policy.debug')?.warning).toBe(true);
  });

  it('S3 (SecretVM Genoa v3) parses with the expected fields', () => {
    const d = detectEvidence(read('secretvm-genoa-v3.report.b64'));
    expect(d.encoding).toBe('base64');
    const rep = parseSnpReport(d.bytes);
    expect(rep.version).toBe(3);
    expect(rep.cpuid).toEqual({family: 0x19, model: 0x11, stepping: 1});
    expect(rep.cpuidProduct).toBe('Genoa');
    expect(rep.vmpl).toBe(1);
    expect(rep.policy).toBe(0x30000n);
    expect(rep.platformInfo).toBe(0x27n);
    expect(rep.currentFirmware).toBe('1.55.39');
    const sum = summarizeSnpReport(rep);
    expect(sum.reportedTcb).toBe('0900000000001748');
    expect(String(sum.chipId).startsWith('af7074eaa4ee854fe04a')).toBe(true);
    expect(String(sum.chipId).endsWith('3585a62a3')).toBe(true);
  });

  it('S3 without its VCEK verifies as unverifiable (VCEK missing), with nothing failing', () => {
    const r = verifySnpReport(s3());
    expect(r.verdict).toBe('unverifiable');
    expect(r.checks.filter((c) => !c.ok && !c.missing)).toEqual([]);
    expect(byName(r, 'snp.vcek.present')?.missing).toBe(true);
    expect(byName(r, 'snp.report.signature')).toBeUndefined();
    expect(r.product).toBe('Genoa');
    expect(r.productSource).toBe('cpuid');
    expect(r.reportedTcb).toMatchObject({bl: 9, tee: 0, snp: 23, ucode: 72});
    expect(byName(r, 'snp.chain.ark.pinned')?.ok).toBe(true);
    expect(byName(r, 'snp.crl.revoked')?.ok).toBe(true);
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]).toMatch(/^snp\.vcek\.present: /);
    // The report alone (no chain, no CRL) is unverifiable as well.
    expect(verifySnpReport({report: s3().report, now: NOW}).verdict).toBe('unverifiable');
  });

  it('S3 with a VMPL policy of [0] is invalid, and S3 with a Milan VCEK is invalid (product mismatch)', () => {
    expect(failing(verifySnpReport({...s3(), policy: {allowedVmpl: [0]}}))).toEqual(['snp.vmpl']);
    const r = verifySnpReport({...s3(), vcek: read('virtee-milan.vcek.der')});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toContain('snp.product');
  });

  it('the VCEK extensions decode as published', () => {
    const info = readVcekInfo(parseCertDer(read('virtee-milan.vcek.der')));
    expect(info).toMatchObject({productName: 'Milan-B0', product: 'Milan', bl: 3, tee: 0, snp: 8, ucode: 115});
    expect(Buffer.from(info.hwId!).toString('hex').startsWith('d49554ec717f4e5b')).toBe(true);
  });

  it('truncated, oversized, wrong-kind and garbage reports are invalid and never throw', () => {
    const raw = detectEvidence(read('virtee-milan-v2.report.hex')).bytes;
    const tdx = readFileSync(fx('tdx', 'phala-tdx-v4-uptodate.quote.bin'));
    const inputs: (string | Uint8Array)[] = [
      raw.subarray(0, 1183),
      Buffer.concat([raw, Buffer.alloc(1)]),
      Buffer.concat([raw, raw]),
      tdx,
      '',
      'garbage',
      new Uint8Array(1184),
      Buffer.from(raw).toString('hex').slice(0, -2),
      (() => {
        const b = Uint8Array.from(raw);
        b[0] = 4; // a version whose layout is unknown
        return b;
      })(),
      (() => {
        const b = Uint8Array.from(raw);
        b[0x34] = 2; // SIGNATURE_ALGO
        return b;
      })(),
    ];
    for (const report of inputs) {
      let r: SnpVerifyResult | undefined;
      expect(() => {
        r = verifySnpReport({...s1(), report});
      }).not.toThrow();
      expect(r?.verdict).toBe('invalid');
    }
    expect(verifySnpReport({...s1(), now: Number.NaN}).verdict).toBe('invalid');
  });
});
