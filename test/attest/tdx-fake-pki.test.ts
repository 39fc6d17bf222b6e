import {beforeAll, describe, expect, it} from '@jest/globals';
import {parseTdxQuote} from '../../src/attest/tdx/quote.js';
import {foldTcbStatus, TdxVerifier, verifyTdxQuote, type TdxResult} from '../../src/attest/tdx/verify.js';
import {EvidenceFormatError} from '../../src/attest/types.js';
import {parseCertDer} from '../../src/attest/x509.js';
import {FakeTdxPki, newKey} from '../helpers/fake-pki.js';

const failing = (r: TdxResult) => r.checks.filter((c) => !c.ok && !c.missing).map((c) => c.name);
const DAY = 86400;
type Levels = Array<Record<string, unknown>>;

describe('TDX verifier against a fake DCAP PKI', () => {
  let pki: FakeTdxPki;
  beforeAll(() => {
    pki = new FakeTdxPki();
  });

  it('accepts well-formed v4, v5 TD 1.0 and v5 TD 1.5 quotes when the fake root is explicitly trusted', () => {
    const c = pki.collateral();
    for (const q of [pki.quote(), pki.quote({version: 5, bodyType: 2}), pki.quote({version: 5, bodyType: 3})]) {
      const r = pki.verify(q, c);
      expect(r.reasons).toEqual([]);
      expect(r.verdict).toBe('valid');
      expect(r.tcbStatus).toBe('UpToDate');
      expect(r.rootSha256).toBe(pki.rootSha256);
      expect(r.checks.find((x) => x.name === 'tdx.root.pinned')).toMatchObject({ok: true, warning: true});
    }
    expect(parseCertDer(pki.pck).serial).toBe(pki.pckSerial);
  });

  it('rejects the fake root unless it is explicitly trusted', () => {
    const r = verifyTdxQuote({quote: pki.quote(), collateral: pki.collateral(), now: pki.now});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)[0]).toBe('tdx.root.pinned');
  });

  it('rejects collateral from another root, even when both roots are trusted', () => {
    const other = new FakeTdxPki({now: pki.now});
    const r = verifyTdxQuote({quote: pki.quote(), collateral: other.collateral(), now: pki.now, dangerousExtraRootSha256: [pki.rootSha256, other.rootSha256]});
    expect(r.verdict).toBe('invalid');
    expect(failing(r)).toEqual(
      // Same subject names, different keys: the names match, the signatures do not.
      expect.arrayContaining(['tdx.collateral.tcbInfo.chain', 'tdx.collateral.qeIdentity.chain', 'tdx.crl.root.signature', 'tdx.crl.pck.signature']),
    );
  });

  it('rejects an expired PCK certificate and one not yet valid', () => {
    const expired = new FakeTdxPki({now: pki.now, pckValidity: [pki.now - 3 * 365 * DAY, pki.now - DAY]});
    const r = expired.verify(expired.quote(), expired.collateral());
    expect(failing(r)).toEqual(['tdx.pck.validity']);
    expect(r.reasons[0]).toMatch(/expired/);
    const future = new FakeTdxPki({now: pki.now, pckValidity: [pki.now + DAY, pki.now + 365 * DAY]});
    expect(failing(future.verify(future.quote(), future.collateral()))).toEqual(['tdx.pck.validity']);
    const caExpired = new FakeTdxPki({now: pki.now, caValidity: [pki.now - 10 * 365 * DAY, pki.now - 1]});
    expect(failing(caExpired.verify(caExpired.quote(), caExpired.collateral()))).toEqual(['tdx.collateral.pckCrlChain.validity', 'tdx.pck.validity']);
  });

  it('rejects a PCK CA certificate not signed by the root', () => {
    const broken = new FakeTdxPki({now: pki.now, dangerousCaSigner: newKey().privateKey});
    const r = broken.verify(broken.quote(), broken.collateral());
    expect(failing(r)).toEqual(['tdx.collateral.pckCrlChain', 'tdx.pck.chain']);
  });

  it('rejects a bad quote signature, a bad QE report signature and a broken QE binding', () => {
    const c = pki.collateral();
    const q = pki.quote();
    const s = parseTdxQuote(q).signatureDataOffset;
    const badSig = Uint8Array.from(q);
    badSig[s + 4 + 10] ^= 0x01;
    expect(failing(pki.verify(badSig, c))).toEqual(['tdx.quote.signature']);
    const badBody = Uint8Array.from(q);
    badBody[200] ^= 0x80;
    expect(failing(pki.verify(badBody, c))).toEqual(['tdx.quote.signature']);
    const wrongPck = pki.quote({pckKey: newKey().privateKey});
    expect(failing(pki.verify(wrongPck, c))).toEqual(['tdx.qe.signature']);
    const unbound = pki.quote({dangerousQeReportData: new Uint8Array(64).fill(1)});
    expect(failing(pki.verify(unbound, c))).toEqual(['tdx.qe.binding']);
    const wrongAuth = Uint8Array.from(q);
    wrongAuth[s + 138 + 450] ^= 0x01; // first QE auth data byte
    expect(failing(pki.verify(wrongAuth, c))).toEqual(['tdx.qe.binding']);
  });

  it('rejects a debuggable TD, reserved TD attribute bits and, by policy, SEPT_VE_DISABLE unset', () => {
    const c = pki.collateral();
    const debug = pki.quote({body: {tdAttributes: Uint8Array.of(1, 0, 0, 0x10, 0, 0, 0, 0)}});
    const r = pki.verify(debug, c);
    expect(failing(r)).toEqual(['tdx.td.attributes']);
    expect(r.reasons[0]).toMatch(/DEBUG/);
    const reserved = pki.quote({body: {tdAttributes: Uint8Array.of(0, 0, 0, 0x10, 0, 0, 0, 0x01)}});
    expect(failing(pki.verify(reserved, c))).toEqual(['tdx.td.attributes']);
    const noSept = pki.quote({body: {tdAttributes: new Uint8Array(8)}});
    expect(pki.verify(noSept, c).verdict).toBe('valid');
    expect(failing(pki.verify(noSept, c, pki.now, {requireSeptVeDisable: true}))).toEqual(['tdx.td.attributes']);
    const pks = pki.quote({body: {tdAttributes: Uint8Array.of(0, 0, 0, 0x50, 0, 0, 0, 0x80)}}); // SEPT_VE_DISABLE, PKS, PERFMON
    expect(pki.verify(pks, c).verdict).toBe('valid');
  });

  it('rejects a non-zero MRSERVICETD and a foreign QE vendor', () => {
    const c = pki.collateral();
    const svc = pki.quote({version: 5, bodyType: 3, body: {mrServiceTd: new Uint8Array(48).fill(7)}});
    expect(failing(pki.verify(svc, c))).toEqual(['tdx.td.mrServiceTd']);
    const vendor = pki.quote({header: {qeVendorId: new Uint8Array(16).fill(1)}});
    expect(failing(pki.verify(vendor, c))).toEqual(['tdx.quote.qeVendor']);
  });

  it('low platform TCB: OutOfDate is computed with its advisories and rejected', () => {
    const low = new FakeTdxPki({now: pki.now, sgx: {compSvn: Array(16).fill(3), pceSvn: 11}});
    const r = low.verify(low.quote(), low.collateral());
    expect(r.tcbStatus).toBe('OutOfDate');
    expect(r.advisoryIds).toEqual(['INTEL-SA-00106', 'INTEL-SA-00115']);
    expect(failing(r)).toEqual(['tdx.tcb.policy']);
    const lowPce = new FakeTdxPki({now: pki.now, sgx: {pceSvn: 10}});
    expect(lowPce.verify(lowPce.quote(), lowPce.collateral()).tcbStatus).toBe('OutOfDate');
    const none = new FakeTdxPki({now: pki.now, sgx: {compSvn: Array(16).fill(1), pceSvn: 11}});
    const n = none.verify(none.quote(), none.collateral());
    expect(failing(n)).toEqual(['tdx.tcb.level']);
    expect(n.reasons[0]).toMatch(/TCB not supported/);
  });

  it('applies the index-2 rule only when the TDX module version byte is non-zero', () => {
    const c = pki.collateral();
    // Level 0 needs TEE_TCB_SVN[0] ≥ 5; module identity TDX_01 judges byte 0 instead (ISVSVN 4 → UpToDate).
    const v1 = pki.verify(pki.quote({body: {teeTcbSvn: Uint8Array.of(4, 1, 3, ...Array(13).fill(0))}}), c);
    expect(v1.verdict).toBe('valid');
    expect(v1.tcbStatus).toBe('UpToDate');
    // Module version 0: bytes 0–1 are compared against the level, which then falls to the OutOfDate level.
    const v0 = pki.verify(pki.quote({body: {teeTcbSvn: Uint8Array.of(4, 0, 3, ...Array(13).fill(0))}}), c);
    expect(v0.tcbStatus).toBe('OutOfDate');
    expect(v0.checks.find((x) => x.name === 'tdx.module.identity')?.detail).toBe('tdxModule');
    expect(failing(v0)).toEqual(['tdx.tcb.policy']);
    // TEE_TCB_SVN[2] below level 0's tdx component 2 → level 1.
    const low2 = pki.verify(pki.quote({body: {teeTcbSvn: Uint8Array.of(6, 1, 1, ...Array(13).fill(0))}}), c);
    expect(low2.tcbStatus).toBe('OutOfDate');
  });

  it('TDX module identity: ISVSVN status, missing TDX_xx entry and MRSIGNERSEAM mismatch', () => {
    const c = pki.collateral();
    const old = pki.verify(pki.quote({body: {teeTcbSvn: Uint8Array.of(3, 1, 3, ...Array(13).fill(0))}}), c);
    expect(old.tcbStatus).toBe('OutOfDate');
    expect(old.advisoryIds).toEqual(['INTEL-SA-00001']);
    expect(failing(old)).toEqual(['tdx.tcb.policy']);
    const unsupported = pki.verify(pki.quote({body: {teeTcbSvn: Uint8Array.of(1, 1, 3, ...Array(13).fill(0))}}), c);
    expect(failing(unsupported)).toEqual(['tdx.module.identity']);
    const noEntry = pki.verify(pki.quote({body: {teeTcbSvn: Uint8Array.of(6, 2, 3, ...Array(13).fill(0))}}), c);
    expect(failing(noEntry)).toEqual(['tdx.module.identity']);
    expect(noEntry.reasons[0]).toMatch(/TDX_02/);
    const signer = pki.verify(pki.quote({body: {mrSignerSeam: new Uint8Array(48).fill(1)}}), c);
    expect(failing(signer)).toEqual(['tdx.module.identity']);
    const attrs = pki.verify(pki.quote({body: {seamAttributes: Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)}}), c);
    expect(failing(attrs)).toEqual(['tdx.module.identity']);
  });

  it('warns on SWHardeningNeeded / ConfigurationNeeded, rejects them when strict', () => {
    for (const status of ['SWHardeningNeeded', 'ConfigurationNeeded', 'ConfigurationAndSWHardeningNeeded']) {
      const c = pki.collateral({
        tcbInfo: (t) => {
          const levels = t.tcbLevels as Levels;
          levels[0].tcbStatus = status;
          levels[0].advisoryIDs = ['INTEL-SA-00615'];
        },
      });
      const r = pki.verify(pki.quote(), c);
      expect(r.verdict).toBe('valid');
      expect(r.tcbStatus).toBe(status);
      expect(r.advisoryIds).toEqual(['INTEL-SA-00615']);
      expect(r.checks.find((x) => x.name === 'tdx.tcb.policy')).toMatchObject({ok: true, warning: true});
      expect(failing(pki.verify(pki.quote(), c, pki.now, {strict: true}))).toEqual(['tdx.tcb.policy']);
    }
    for (const status of ['Revoked', 'OutOfDateConfigurationNeeded', 'SomethingNew']) {
      const c = pki.collateral({tcbInfo: (t) => void ((t.tcbLevels as Levels)[0].tcbStatus = status)});
      expect(pki.verify(pki.quote(), c).verdict).toBe('invalid');
    }
  });

  it('folds the QE TCB status into the platform status', () => {
    const c = pki.collateral();
    const qeOld = pki.verify(pki.quote({qeReport: {isvSvn: 3}}), c);
    expect(qeOld.tcbStatus).toBe('OutOfDate');
    expect(failing(qeOld)).toEqual(['tdx.tcb.policy']);
    expect(failing(pki.verify(pki.quote({qeReport: {isvSvn: 1}}), c))).toEqual(['tdx.qe.tcb']);
    expect(foldTcbStatus('ConfigurationNeeded', 'OutOfDate')).toBe('OutOfDateConfigurationNeeded');
    expect(foldTcbStatus('SWHardeningNeeded', 'OutOfDate')).toBe('OutOfDate');
    expect(foldTcbStatus('UpToDate', 'Revoked')).toBe('Revoked');
    expect(foldTcbStatus('SWHardeningNeeded', 'UpToDate')).toBe('SWHardeningNeeded');
    expect(foldTcbStatus('UpToDate', 'Bogus')).toBeUndefined();
  });

  it('rejects a QE that does not match the QE identity', () => {
    const c = pki.collateral();
    expect(failing(pki.verify(pki.quote({qeReport: {mrSigner: new Uint8Array(32).fill(3)}}), c))).toEqual(['tdx.qe.identity']);
    expect(failing(pki.verify(pki.quote({qeReport: {isvProdId: 1}}), c))).toEqual(['tdx.qe.identity']);
    const debugAttrs = Buffer.from('13000000000000000000000000000000', 'hex');
    expect(failing(pki.verify(pki.quote({qeReport: {attributes: debugAttrs}}), c))).toEqual(['tdx.qe.identity']);
    expect(failing(pki.verify(pki.quote({qeReport: {miscSelect: 1}}), c))).toEqual(['tdx.qe.identity']);
  });

  it('CRLs: stale, not yet valid, without nextUpdate, wrongly signed or unparseable → invalid', () => {
    const q = pki.quote();
    const stale = pki.verify(q, pki.collateral({pckCrl: {thisUpdate: pki.now - 40 * DAY, nextUpdate: pki.now - 1}}));
    expect(failing(stale)).toEqual(['tdx.crl.pck.validity']);
    expect(failing(pki.verify(q, pki.collateral({pckCrl: {thisUpdate: pki.now + 1}})))).toEqual(['tdx.crl.pck.validity']);
    expect(failing(pki.verify(q, pki.collateral({rootCrl: {nextUpdate: null}})))).toEqual(['tdx.crl.root.validity']);
    expect(failing(pki.verify(q, pki.collateral({pckCrl: {signer: newKey().privateKey}})))).toEqual(['tdx.crl.pck.signature']);
    expect(failing(pki.verify(q, pki.collateral({rootCrl: {signer: pki.caKey.privateKey}})))).toEqual(['tdx.crl.root.signature']);
    const garbage = {...pki.collateral(), pckCrl: Uint8Array.of(0x30, 0x03, 0x02, 0x01)};
    expect(failing(pki.verify(q, garbage))).toEqual(['tdx.collateral.parse']);
  });

  it('revocation: revoked PCK leaf, revoked PCK CA, revoked TCB signer', () => {
    const q = pki.quote();
    const leaf = pki.verify(q, pki.collateral({pckCrl: {revoked: [pki.pckSerial]}}));
    expect(failing(leaf)).toEqual(['tdx.pck.revocation']);
    expect(leaf.reasons[0]).toMatch(/revoked by the PCK CRL/);
    // The PCK CA is also the PCK CRL's signer, so both the collateral and the PCK chain checks name it.
    expect(failing(pki.verify(q, pki.collateral({rootCrl: {revoked: [pki.caSerial]}})))).toEqual(['tdx.collateral.revocation', 'tdx.pck.revocation']);
    expect(failing(pki.verify(q, pki.collateral({rootCrl: {revoked: [pki.tcbSerial]}})))).toEqual(['tdx.collateral.revocation']);
  });

  it('collateral: wrong signer, expired, wrong FMSPC, wrong ids and malformed levels', () => {
    const q = pki.quote();
    expect(failing(pki.verify(q, pki.collateral({tcbInfoSigner: newKey().privateKey})))).toEqual(['tdx.collateral.tcbInfo.signature']);
    const expired = pki.verify(q, pki.collateral(), pki.now + 21 * DAY);
    expect(failing(expired)).toEqual(['tdx.collateral.tcbInfo.validity', 'tdx.collateral.qeIdentity.validity']);
    expect(failing(pki.verify(q, pki.collateral({tcbInfo: (t) => void (t.fmspc = '00906EA10000')})))).toEqual(['tdx.fmspc']);
    expect(failing(pki.verify(q, pki.collateral({tcbInfo: (t) => void (t.pceId = '0100')})))).toEqual(['tdx.pceid']);
    expect(failing(pki.verify(q, pki.collateral({tcbInfo: (t) => void (t.id = 'SGX')})))).toEqual(['tdx.collateral.tcbInfo.format']);
    expect(failing(pki.verify(q, pki.collateral({qeIdentity: (x) => void (x.id = 'QE')})))).toEqual(['tdx.collateral.qeIdentity.format']);
    const short = pki.collateral({
      tcbInfo: (t) => {
        const tcb = (t.tcbLevels as Levels)[0].tcb as {sgxtcbcomponents: unknown[]};
        tcb.sgxtcbcomponents.pop();
      },
    });
    expect(failing(pki.verify(q, short))).toEqual(['tdx.collateral.parse']);
    const noModules = pki.collateral({tcbInfo: (t) => void delete t.tdxModuleIdentities});
    const nm = pki.verify(q, noModules);
    expect(nm.verdict).toBe('valid');
    expect(nm.checks.find((x) => x.name === 'tdx.module.identity')?.detail).toBe('tdxModule');
  });

  it('memoization follows content: changing a collateral object in place is seen by the next verification', () => {
    const verifier = new TdxVerifier();
    const c = pki.collateral();
    const q = pki.quote();
    const go = () => verifier.verify({quote: q, collateral: c, now: pki.now, dangerousExtraRootSha256: [pki.rootSha256]});
    expect(go().verdict).toBe('valid');
    c.tcbInfoSignature[5] ^= 1;
    expect(failing(go())).toEqual(['tdx.collateral.tcbInfo.signature']);
    c.tcbInfoSignature[5] ^= 1;
    expect(go().verdict).toBe('valid');
    c.tcbInfo = c.tcbInfo.replace('"UpToDate"', '"upToDate"');
    expect(failing(go())).toContain('tdx.collateral.tcbInfo.signature');
  });

  it('PPID certification data: unverifiable until the PCK chain comes with the collateral', () => {
    const q = pki.quote({ppidCertification: {type: 3, data: new Uint8Array(16 + 384 + 16 + 2 + 2).fill(9)}});
    expect(parseTdxQuote(q).pckChainPem).toBeUndefined();
    const c = pki.collateral();
    const without = pki.verify(q, c);
    expect(without.verdict).toBe('unverifiable');
    expect(failing(without)).toEqual([]);
    expect(without.checks.find((x) => x.name === 'tdx.root.pinned')).toMatchObject({missing: true});
    const withChain = pki.verify(q, {...c, pckCertificateChain: pki.pckChainPem});
    expect(withChain.reasons).toEqual([]);
    expect(withChain.verdict).toBe('valid');
    const otherLeaf = new FakeTdxPki({now: pki.now});
    expect(pki.verify(q, {...c, pckCertificateChain: otherLeaf.pckChainPem}).verdict).toBe('invalid');
  });

  it('without collateral a fake quote is unverifiable, never valid', () => {
    const r = pki.verify(pki.quote(), undefined);
    expect(r.verdict).toBe('unverifiable');
    expect(failing(r)).toEqual([]);
  });

  it('truncated, oversized and structurally wrong quotes are parse failures', () => {
    const q = pki.quote();
    const c = pki.collateral();
    const end = q.length - 70;
    for (let len = 0; len < end; len += 97) {
      expect(failing(pki.verify(q.subarray(0, len), c))).toEqual(['tdx.quote.parse']);
    }
    expect(failing(pki.verify(q.subarray(0, end - 1), c))).toEqual(['tdx.quote.parse']);
    const junk = new Uint8Array(q.length + 16);
    junk.set(q);
    junk[q.length + 15] = 0xff;
    expect(failing(pki.verify(junk, c))).toEqual(['tdx.quote.parse']);
    expect(() => parseTdxQuote(new Uint8Array((1 << 20) + 1))).toThrow(/larger than/);
    const edit = (off: number, v: number) => {
      const b = Uint8Array.from(q);
      b[off] = v;
      return b;
    };
    expect(() => parseTdxQuote(edit(0, 3))).toThrow(/unsupported version 3/);
    expect(() => parseTdxQuote(edit(2, 3))).toThrow(/attestation key type/);
    expect(() => parseTdxQuote(edit(4, 0))).toThrow(/TEE type/);
    const v5 = pki.quote({version: 5, bodyType: 3});
    const badType = Uint8Array.from(v5);
    badType[48] = 1;
    expect(() => parseTdxQuote(badType)).toThrow(/SGX enclave/);
    const badSize = Uint8Array.from(v5);
    badSize[50] = 0x48; // 584 + … ≠ 648
    expect(() => parseTdxQuote(badSize)).toThrow(EvidenceFormatError);
    const s = parseTdxQuote(q).signatureDataOffset;
    expect(() => parseTdxQuote(edit(s + 132, 5))).toThrow(/certification data type 5/);
    expect(() => parseTdxQuote(edit(s + 3, 0x7f))).toThrow(/runs past the end/);
  });
});
