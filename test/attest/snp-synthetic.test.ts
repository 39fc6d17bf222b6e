/**
 * SEV-SNP negative and edge cases minted with a throw-away PKI (ECDSA P-384 ARK/ASK/VCEK built with
 * src/attest/der-write.ts) and reports signed here, so each case changes exactly one thing.
 */
import {generateKeyPairSync, sign as cryptoSign, type KeyObject} from 'node:crypto';
import {describe, expect, it} from '@jest/globals';
import {buildCertificate, buildCrl, int, name, tlv, toPem} from '../../src/attest/der-write.js';
import {
  AmdOid,
  parseSnpReport,
  SNP_REPORT_SIZE,
  snpSignatureToRS,
  SnpOffset,
  verifySnpReport,
  type SnpVerifyInput,
  type SnpVerifyResult,
} from '../../src/attest/snp/index.js';
import {sha256Hex, parseCertDer} from '../../src/attest/x509.js';

const NOW = Date.UTC(2026, 5, 1) / 1000;
const YEAR = 365 * 86400;
const ec = () => generateKeyPairSync('ec', {namedCurve: 'secp384r1'});
const amdName = (cn: string) =>
  name([
    ['OU', 'Engineering'],
    ['C', 'US'],
    ['L', 'Santa Clara'],
    ['ST', 'CA'],
    ['O', 'Advanced Micro Devices'],
    ['CN', cn],
  ]);

interface Pki {
  ark: {publicKey: KeyObject; privateKey: KeyObject};
  ask: {publicKey: KeyObject; privateKey: KeyObject};
  arkDer: Uint8Array;
  askDer: Uint8Array;
  arkSpkiSha256: string;
}

function makePki(product = 'Milan'): Pki {
  const ark = ec();
  const ask = ec();
  const arkName = amdName(`ARK-${product}`);
  const arkDer = buildCertificate({
    serial: 0x10000,
    issuer: arkName,
    subject: arkName,
    notBefore: NOW - YEAR,
    notAfter: NOW + 20 * YEAR,
    publicKey: ark.publicKey,
    signingKey: ark.privateKey,
    ca: true,
    keyUsage: (1 << 5) | (1 << 6),
  });
  const askDer = buildCertificate({
    serial: 0x10001,
    issuer: arkName,
    subject: amdName(`SEV-${product}`),
    notBefore: NOW - YEAR,
    notAfter: NOW + 20 * YEAR,
    publicKey: ask.publicKey,
    signingKey: ark.privateKey,
    ca: true,
    keyUsage: (1 << 5) | (1 << 6),
  });
  return {ark, ask, arkDer, askDer, arkSpkiSha256: sha256Hex(parseCertDer(arkDer).spkiDer)};
}

interface VcekOptions {
  product?: string;
  tcb?: {bl: number; tee: number; snp: number; ucode: number};
  hwId?: Uint8Array;
  serial?: number;
  notAfter?: number;
  key?: {publicKey: KeyObject; privateKey: KeyObject};
}

const CHIP = Uint8Array.from({length: 64}, (_, i) => (i * 7 + 3) & 0xff);
const TCB = {bl: 3, tee: 0, snp: 8, ucode: 115};

function makeVcek(pki: Pki, o: VcekOptions = {}) {
  const key = o.key ?? ec();
  const t = o.tcb ?? TCB;
  const product = o.product ?? 'Milan';
  const der = buildCertificate({
    serial: o.serial ?? 0,
    issuer: amdName(`SEV-${product}`),
    subject: amdName('SEV-VCEK'),
    notBefore: NOW - YEAR,
    notAfter: o.notAfter ?? NOW + 7 * YEAR,
    publicKey: key.publicKey,
    signingKey: pki.ask.privateKey,
    extensions: [
      {oid: AmdOid.structVersion, value: int(1)},
      {oid: AmdOid.productName, value: tlv(0x16, Buffer.from(`${product}-B0`, 'latin1'))},
      {oid: AmdOid.blSpl, value: int(t.bl)},
      {oid: AmdOid.teeSpl, value: int(t.tee)},
      {oid: AmdOid.snpSpl, value: int(t.snp)},
      {oid: AmdOid.ucodeSpl, value: int(t.ucode)},
      {oid: AmdOid.hwId, value: o.hwId ?? CHIP},
    ],
  });
  return {key, der};
}

function tcbBytes(t: {bl: number; tee: number; snp: number; ucode: number}): Uint8Array {
  return Uint8Array.of(t.bl, t.tee, 0, 0, 0, 0, t.snp, t.ucode);
}

interface ReportOptions {
  version?: number;
  policy?: bigint;
  vmpl?: number;
  signingKey?: number;
  cpuid?: [number, number, number];
  reported?: Uint8Array;
  current?: Uint8Array;
  committed?: Uint8Array;
  launch?: Uint8Array;
  chipId?: Uint8Array;
  /** Applied to the finished, signed report (to corrupt it after signing). */
  after?: (b: Uint8Array) => void;
}

function u32(b: Uint8Array, off: number, v: number) {
  new DataView(b.buffer, b.byteOffset).setUint32(off, v, true);
}

/** A report signed with `key` the way AMD firmware does: R and S little-endian, zero-extended to 72 bytes. */
function makeReport(key: KeyObject, o: ReportOptions = {}): Uint8Array {
  const b = new Uint8Array(SNP_REPORT_SIZE);
  const dv = new DataView(b.buffer);
  u32(b, SnpOffset.VERSION, o.version ?? 2);
  dv.setBigUint64(SnpOffset.POLICY, o.policy ?? 0x30000n, true);
  u32(b, SnpOffset.VMPL, o.vmpl ?? 0);
  u32(b, SnpOffset.SIGNATURE_ALGO, 1);
  u32(b, SnpOffset.KEY_INFO, (o.signingKey ?? 0) << 2);
  const tcb = tcbBytes(TCB);
  b.set(o.current ?? tcb, SnpOffset.CURRENT_TCB);
  b.set(o.reported ?? tcb, SnpOffset.REPORTED_TCB);
  b.set(o.committed ?? tcb, SnpOffset.COMMITTED_TCB);
  b.set(o.launch ?? tcb, SnpOffset.LAUNCH_TCB);
  b.set(o.chipId ?? CHIP, SnpOffset.CHIP_ID);
  b.fill(0x11, SnpOffset.REPORT_DATA, SnpOffset.REPORT_DATA + 64);
  b.fill(0x22, SnpOffset.MEASUREMENT, SnpOffset.MEASUREMENT + 48);
  if (o.cpuid) b.set(o.cpuid, SnpOffset.CPUID_FAM_ID);
  if ((o.version ?? 2) >= 5) {
    dv.setBigUint64(SnpOffset.LAUNCH_MIT_VECTOR, 0x5n, true);
    dv.setBigUint64(SnpOffset.CURRENT_MIT_VECTOR, 0x7n, true);
  }
  const rs = cryptoSign('sha384', b.subarray(0, SnpOffset.SIGNATURE), {key, dsaEncoding: 'ieee-p1363'});
  for (let i = 0; i < 48; i++) {
    b[SnpOffset.SIGNATURE + i] = rs[47 - i];
    b[SnpOffset.SIGNATURE + 72 + i] = rs[95 - i];
  }
  o.after?.(b);
  return b;
}

const failing = (r: SnpVerifyResult) => r.checks.filter((c) => !c.ok && !c.missing).map((c) => c.name);
const byName = (r: SnpVerifyResult, n: string) => r.checks.find((c) => c.name === n);

describe('SEV-SNP with a throw-away PKI', () => {
  const pki = makePki();
  const vcek = makeVcek(pki);
  const chain = toPem([pki.askDer, pki.arkDer]);
  const crl = buildCrl({issuer: amdName('ARK-Milan'), thisUpdate: NOW - 86400, nextUpdate: NOW + 30 * 86400, signingKey: pki.ark.privateKey});
  const dev = {dangerousExtraArkSpkiSha256: [pki.arkSpkiSha256]};
  const input = (report: Uint8Array, extra: Partial<SnpVerifyInput> = {}): SnpVerifyInput => ({
    report,
    vcek: vcek.der,
    chain,
    crl,
    now: NOW,
    policy: dev,
    ...extra,
  });

  it('a well-formed report on a dev ARK is valid only with that root allowed, and is marked dev', () => {
    const rep = makeReport(vcek.key.privateKey);
    const r = verifySnpReport(input(rep));
    expect(r.verdict).toBe('valid');
    expect(r.dev).toBe(true);
    expect(byName(r, 'snp.chain.ark.pinned')?.warning).toBe(true);
    const strict = verifySnpReport(input(rep, {policy: {}}));
    expect(strict.verdict).toBe('invalid');
    expect(failing(strict)).toEqual(['snp.chain.ark.pinned']);
  });

  it('versions 3 and 5 parse (CPUID product, mitigation vectors); unknown CPUID fails', () => {
    const v3 = makeReport(vcek.key.privateKey, {version: 3, cpuid: [0x19, 0x01, 0x01]});
    const r3 = verifySnpReport(input(v3));
    expect(r3.verdict).toBe('valid');
    expect(r3.productSource).toBe('cpuid');
    const v5 = makeReport(vcek.key.privateKey, {version: 5, cpuid: [0x19, 0x01, 0x00]});
    expect(verifySnpReport(input(v5)).verdict).toBe('valid');
    const p5 = parseSnpReport(v5);
    expect([p5.launchMitVector, p5.currentMitVector]).toEqual([5n, 7n]);
    expect(parseSnpReport(v3).launchMitVector).toBeUndefined();
    const odd = verifySnpReport(input(makeReport(vcek.key.privateKey, {version: 3, cpuid: [0x17, 0x31, 0]})));
    expect(failing(odd)).toEqual(['snp.product']);
    const genoaCpu = verifySnpReport(input(makeReport(vcek.key.privateKey, {version: 3, cpuid: [0x19, 0x11, 0]})));
    expect(failing(genoaCpu)).toEqual(['snp.product']);
  });

  it('policy checks fail one by one: MIGRATE_MA, reserved bit 17, reserved high bits, VMPL', () => {
    expect(failing(verifySnpReport(input(makeReport(vcek.key.privateKey, {policy: 0x30000n | (1n << 18n)}))))).toEqual(['snp.policy.migrate_ma']);
    expect(failing(verifySnpReport(input(makeReport(vcek.key.privateKey, {policy: 0x10000n}))))).toEqual(['snp.policy.reserved']);
    expect(failing(verifySnpReport(input(makeReport(vcek.key.privateKey, {policy: 0x30000n | (1n << 26n)}))))).toEqual(['snp.policy.reserved']);
    expect(failing(verifySnpReport(input(makeReport(vcek.key.privateKey, {policy: 0x30000n | (1n << 63n)}))))).toEqual(['snp.policy.reserved']);
    expect(failing(verifySnpReport(input(makeReport(vcek.key.privateKey, {vmpl: 2}))))).toEqual(['snp.vmpl']);
    const vmpl2 = verifySnpReport(input(makeReport(vcek.key.privateKey, {vmpl: 2}), {policy: {...dev, allowedVmpl: [2]}}));
    expect(vmpl2.verdict).toBe('valid');
    // Defined bits 20..25 are not faults.
    expect(verifySnpReport(input(makeReport(vcek.key.privateKey, {policy: 0x30000n | (0x3fn << 20n)}))).verdict).toBe('valid');
  });

  it('a TCB order violation is a warning, not a failure', () => {
    const rep = makeReport(vcek.key.privateKey, {launch: tcbBytes({...TCB, snp: 9})});
    const r = verifySnpReport(input(rep));
    expect(r.verdict).toBe('valid');
    expect(byName(r, 'snp.tcb.order')?.warning).toBe(true);
  });

  it('VCEK ↔ report: hwID and each TCB component must match', () => {
    const otherChip = Uint8Array.from(CHIP, (x) => x ^ 1);
    expect(failing(verifySnpReport(input(makeReport(vcek.key.privateKey, {chipId: otherChip}))))).toEqual(['snp.vcek.hwid']);
    for (const k of ['bl', 'tee', 'snp', 'ucode'] as const) {
      const reported = tcbBytes({...TCB, [k]: TCB[k] + 1});
      const rep = makeReport(vcek.key.privateKey, {reported, current: reported, committed: reported, launch: reported});
      expect(failing(verifySnpReport(input(rep)))).toEqual(['snp.vcek.tcb']);
    }
  });

  it('signing-key field: VLEK is unverifiable, other values invalid', () => {
    const vlek = verifySnpReport(input(makeReport(vcek.key.privateKey, {signingKey: 1})));
    expect(vlek.verdict).toBe('unverifiable');
    expect(byName(vlek, 'snp.signing_key')?.missing).toBe(true);
    expect(failing(verifySnpReport(input(makeReport(vcek.key.privateKey, {signingKey: 7}))))).toEqual(['snp.signing_key']);
  });

  it('signature encoding: high bytes, zero components, reserved tail, big-endian and swapped fields are rejected', () => {
    const sig = SnpOffset.SIGNATURE;
    const cases: ((b: Uint8Array) => void)[] = [
      (b) => (b[sig + 48] = 1),
      (b) => (b[sig + 72 + 71] = 1),
      (b) => b.fill(0, sig, sig + 72),
      (b) => b.fill(0, sig + 72, sig + 144),
      (b) => (b[0x4a0 - 1] = 1),
      (b) => {
        b.subarray(sig, sig + 48).reverse();
        b.subarray(sig + 72, sig + 120).reverse();
      },
      (b) => {
        const r = b.slice(sig, sig + 72);
        b.copyWithin(sig, sig + 72, sig + 144);
        b.set(r, sig + 72);
      },
    ];
    for (const after of cases) {
      const r = verifySnpReport(input(makeReport(vcek.key.privateKey, {after})));
      expect(failing(r)).toEqual(['snp.report.signature']);
    }
    expect(snpSignatureToRS(makeReport(vcek.key.privateKey)).rs).toHaveLength(96);
  });

  it('a raw report with SIGNATURE_ALGO ≠ 1 fails snp.report.algo (and its signature)', () => {
    const rep = makeReport(vcek.key.privateKey, {after: (b) => (b[SnpOffset.SIGNATURE_ALGO] = 2)});
    expect(failing(verifySnpReport(input(rep)))).toEqual(['snp.report.algo', 'snp.report.signature']);
  });

  it('a report signed by another key fails only the signature', () => {
    const r = verifySnpReport(input(makeReport(ec().privateKey)));
    expect(failing(r)).toEqual(['snp.report.signature']);
  });

  it('CRL: revoked ASK or VCEK, stale, wrong signer, missing nextUpdate', () => {
    const revAsk = buildCrl({issuer: amdName('ARK-Milan'), thisUpdate: NOW - 10, nextUpdate: NOW + 10, revoked: [{serial: 0x10001, date: NOW - 100}], signingKey: pki.ark.privateKey});
    expect(failing(verifySnpReport(input(makeReport(vcek.key.privateKey), {crl: revAsk})))).toEqual(['snp.crl.revoked']);
    const v7 = makeVcek(pki, {serial: 7});
    const revVcek = buildCrl({issuer: amdName('ARK-Milan'), thisUpdate: NOW - 10, nextUpdate: NOW + 10, revoked: [{serial: 7, date: NOW - 100}], signingKey: pki.ark.privateKey});
    const r = verifySnpReport(input(makeReport(v7.key.privateKey), {vcek: v7.der, crl: revVcek}));
    expect(failing(r)).toEqual(['snp.crl.revoked']);
    expect(byName(r, 'snp.crl.revoked')?.detail).toMatch(/VCEK serial 0x7/);
    const stale = buildCrl({issuer: amdName('ARK-Milan'), thisUpdate: NOW - 100, nextUpdate: NOW - 1, signingKey: pki.ark.privateKey});
    expect(failing(verifySnpReport(input(makeReport(vcek.key.privateKey), {crl: stale})))).toEqual(['snp.crl.validity']);
    const forged = buildCrl({issuer: amdName('ARK-Milan'), thisUpdate: NOW - 10, nextUpdate: NOW + 10, signingKey: pki.ask.privateKey});
    expect(failing(verifySnpReport(input(makeReport(vcek.key.privateKey), {crl: forged})))).toEqual(['snp.crl.signature']);
    const noNext = buildCrl({issuer: amdName('ARK-Milan'), thisUpdate: NOW - 10, signingKey: pki.ark.privateKey});
    expect(failing(verifySnpReport(input(makeReport(vcek.key.privateKey), {crl: noNext})))).toEqual(['snp.crl.validity']);
  });

  it('chain: expired VCEK, VCEK from another ASK, Turin product', () => {
    const old = makeVcek(pki, {notAfter: NOW - 1});
    expect(failing(verifySnpReport(input(makeReport(old.key.privateKey), {vcek: old.der})))).toEqual(['snp.chain.vcek']);
    const other = makePki();
    const foreign = makeVcek(other);
    expect(failing(verifySnpReport(input(makeReport(foreign.key.privateKey), {vcek: foreign.der})))).toEqual(['snp.chain.vcek']);
    // Turin: chain and signature can be checked, but the TCB layout is not decoded here, so it fails closed.
    const turin = makePki('Turin');
    const tv = makeVcek(turin, {product: 'Turin'});
    const r = verifySnpReport({
      report: makeReport(tv.key.privateKey, {version: 3, cpuid: [0x1a, 0x02, 0]}),
      vcek: tv.der,
      chain: toPem([turin.askDer, turin.arkDer]),
      crl: buildCrl({issuer: amdName('ARK-Turin'), thisUpdate: NOW - 10, nextUpdate: NOW + 10, signingKey: turin.ark.privateKey}),
      now: NOW,
      policy: {dangerousExtraArkSpkiSha256: [turin.arkSpkiSha256]},
    });
    expect(r.product).toBe('Turin');
    expect(failing(r)).toEqual(['snp.vcek.tcb']);
    expect(byName(r, 'snp.report.signature')?.ok).toBe(true);
  });

  it('a VCEK carried inside the chain input is used when none is given separately', () => {
    const r = verifySnpReport({report: makeReport(vcek.key.privateKey), chain: [vcek.der, pki.askDer, pki.arkDer], crl, now: NOW, policy: dev});
    expect(r.verdict).toBe('valid');
    expect(byName(r, 'snp.vcek.present')?.detail).toMatch(/from the certificate chain/);
  });
});
