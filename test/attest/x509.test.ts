import {generateKeyPairSync} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {describe, expect, it} from '@jest/globals';
import {buildCertificate, buildCrl, name, toPem} from '../../src/attest/der-write.js';
import {checkCrl, isRevoked, parseCrl, verifyCrlSignature} from '../../src/attest/crl.js';
import {CheckList, EvidenceFormatError} from '../../src/attest/types.js';
import {findExtension, parseCertDer, parsePemChain, sha256Hex, verifyIssuedBy} from '../../src/attest/x509.js';
import {describeShared, sharedPath} from '../helpers/shared.js';

const INTEL_ROOT_SHA256 = '44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3';
const fx = (...p: string[]) => sharedPath('fixtures', 'attestation', ...p);

describe('x509 / crl on garbage', () => {
  it('throws EvidenceFormatError, never anything else', () => {
    for (const bad of [new Uint8Array(0), Buffer.from('3003020101', 'hex'), Buffer.from('30820000', 'hex'), Buffer.alloc(64, 0x30)]) {
      expect(() => parseCertDer(bad)).toThrow(EvidenceFormatError);
      expect(() => parseCrl(bad)).toThrow(EvidenceFormatError);
    }
    expect(() => parsePemChain('')).toThrow(EvidenceFormatError);
    expect(() => parsePemChain('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow(EvidenceFormatError);
    expect(() => parsePemChain('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n')).toThrow(EvidenceFormatError);
  });
});

describe('der-write builders round-trip through the parsers', () => {
  it('a minted certificate and CRL parse back with the values put in', () => {
    const rootKey = generateKeyPairSync('ec', {namedCurve: 'P-384'});
    const leafKey = generateKeyPairSync('ec', {namedCurve: 'P-256'});
    const rootName = name([['CN', 'Test Root'], ['O', 'Test'], ['C', 'US']]);
    const rootDer = buildCertificate({serial: 1, issuer: rootName, subject: rootName, notBefore: 1700000000, notAfter: 2600000000, publicKey: rootKey.publicKey, signingKey: rootKey.privateKey, ca: true, keyUsage: (1 << 5) | (1 << 6)});
    const leafDer = buildCertificate({
      serial: 0x8000n,
      issuer: rootName,
      subject: name([['CN', 'Leaf']]),
      notBefore: 1700000000,
      notAfter: 1800000000,
      publicKey: leafKey.publicKey,
      signingKey: rootKey.privateKey,
      ca: false,
      keyUsage: 1,
      extensions: [{oid: '1.2.3.4', value: Uint8Array.of(0x05, 0x00)}],
    });
    const [leaf, root] = parsePemChain(toPem([leafDer, rootDer]));
    expect(root.subject).toBe('CN=Test Root, O=Test, C=US');
    expect(root.notAfter).toBe(2600000000);
    expect(root.isCA).toBe(true);
    expect(root.keyUsage).toBe((1 << 5) | (1 << 6));
    expect(root.signatureAlgorithm).toBe('1.2.840.10045.4.3.3');
    expect(leaf.serial).toBe(0x8000n);
    expect(leaf.isCA).toBe(false);
    expect(leaf.keyUsage).toBe(1);
    expect(findExtension(leaf, '1.2.3.4')?.value).toEqual(Uint8Array.of(0x05, 0x00));
    expect(verifyIssuedBy(leaf, root)).toBe(true);
    expect(verifyIssuedBy(root, root)).toBe(true);
    expect(verifyIssuedBy(root, leaf)).toBe(false);
    const crl = parseCrl(buildCrl({issuer: rootName, thisUpdate: 1750000000, nextUpdate: 1760000000, revoked: [{serial: 7, date: 1740000000}, {serial: 0x8000n, date: 1740000000}], signingKey: rootKey.privateKey}));
    expect(crl).toMatchObject({issuer: 'CN=Test Root, O=Test, C=US', thisUpdate: 1750000000, nextUpdate: 1760000000, revokedSerials: [7n, 0x8000n]});
    expect(verifyCrlSignature(crl, root)).toBe(true);
    expect(isRevoked(crl, leaf.serial)).toBe(true);
    const l = new CheckList();
    expect(checkCrl(l, 'c', crl, leaf, 1755000000)).toBe(false);
    expect(l.reasons().map((r) => r.split(':')[0])).toEqual(['c.issuer', 'c.signature']);
  });
});

describeShared('fixtures/attestation')('x509 / crl on real vendor data', () => {
  const col = JSON.parse(readFileSync(fx('tdx', 'phala-tdx-v4-uptodate.collateral.json'), 'utf8')) as Record<string, string>;

  it('parses the Intel PCK CRL issuer chain and matches the pinned root', () => {
    const [platformCa, root] = parsePemChain(col.pck_crl_issuer_chain);
    expect(sha256Hex(root.der)).toBe(INTEL_ROOT_SHA256);
    expect(sha256Hex(parseCertDer(readFileSync(fx('tdx', 'intel-sgx-root-ca.der'))).der)).toBe(INTEL_ROOT_SHA256);
    expect(root.subject).toBe('CN=Intel SGX Root CA, O=Intel Corporation, L=Santa Clara, ST=CA, C=US');
    expect(platformCa.issuer).toBe(root.subject);
    expect(root.serial).toBe(0x22650cd65a9d3489f383b49552bf501b392706acn);
    expect(root.isCA && platformCa.isCA).toBe(true);
    expect(root.notBefore).toBe(Date.UTC(2018, 4, 21, 10, 45, 10) / 1000);
    expect(root.notAfter).toBe(Date.UTC(2049, 11, 31, 23, 59, 59) / 1000);
    expect(findExtension(root, '2.5.29.19')?.critical).toBe(true);
    expect(verifyIssuedBy(platformCa, root)).toBe(true);
    expect(verifyIssuedBy(root, root)).toBe(true);
    expect(verifyIssuedBy(platformCa, platformCa)).toBe(false);
    expect(verifyIssuedBy(root, platformCa)).toBe(false);
  });

  it('tolerates trailing NUL and whitespace, rejects other trailing text', () => {
    expect(parsePemChain(col.pck_crl_issuer_chain + '\n\0\0 ')).toHaveLength(2);
    expect(() => parsePemChain(col.pck_crl_issuer_chain + 'x')).toThrow(EvidenceFormatError);
  });

  it('verifies the Intel CRLs and their freshness window', () => {
    const [platformCa, root] = parsePemChain(col.pck_crl_issuer_chain);
    const pck = parseCrl(Buffer.from(col.pck_crl, 'hex'));
    expect(pck.thisUpdate).toBe(1750327235);
    expect(pck.nextUpdate).toBe(1752919235);
    expect(pck.revokedSerials.length).toBeGreaterThan(0);
    expect(isRevoked(pck, pck.revokedSerials[0])).toBe(true);
    expect(isRevoked(pck, 1n)).toBe(false);
    expect(verifyCrlSignature(pck, platformCa)).toBe(true);
    expect(verifyCrlSignature(pck, root)).toBe(false);
    let l = new CheckList();
    expect(checkCrl(l, 'x.crl', pck, platformCa, 1751328000)).toBe(true);
    expect(l.checks.map((c) => c.name)).toEqual(['x.crl.issuer', 'x.crl.signature', 'x.crl.validity']);
    l = new CheckList();
    expect(checkCrl(l, 'x.crl', pck, platformCa, 1752919236)).toBe(false);
    expect(l.reasons()).toEqual([expect.stringMatching(/^x\.crl\.validity: CRL stale/)]);
    l = new CheckList();
    expect(checkCrl(l, 'x.crl', pck, root, 1751328000)).toBe(false);
    expect(l.reasons().map((r) => r.split(':')[0])).toEqual(['x.crl.issuer', 'x.crl.signature']);
    const rootCrl = parseCrl(Buffer.from(col.root_ca_crl, 'hex'));
    expect(verifyCrlSignature(rootCrl, root)).toBe(true);
    // A flipped byte in the signed part breaks the signature.
    const bad = Buffer.from(col.pck_crl, 'hex');
    bad[bad.length - 120] ^= 1;
    let flipped: ReturnType<typeof parseCrl> | undefined;
    try {
      flipped = parseCrl(bad);
    } catch (e) {
      expect(e).toBeInstanceOf(EvidenceFormatError);
    }
    if (flipped) expect(verifyCrlSignature(flipped, platformCa)).toBe(false);
  });

  it('verifies AMD RSASSA-PSS chains and CRLs', () => {
    const [ask, ark] = parsePemChain(readFileSync(fx('sev-snp', 'amd-milan-ask-ark.pem'), 'utf8'));
    expect(sha256Hex(ark.spkiDer)).toBe('9f056bee44377e29308cb5ffa895bdfb62d18881fa6bed8d6f075b0204089cb9');
    expect(verifyIssuedBy(ask, ark)).toBe(true);
    const crl = parseCrl(readFileSync(fx('sev-snp', 'amd-milan-vcek-crl.der')));
    expect(crl.signatureAlgorithm).toBe('1.2.840.113549.1.1.10');
    expect(verifyCrlSignature(crl, ark)).toBe(true);
    expect(verifyCrlSignature(crl, ask)).toBe(false);
    expect(crl.revokedSerials).toEqual([]);
    const [gAsk, gArk] = parsePemChain(readFileSync(fx('sev-snp', 'amd-genoa-ask-ark.pem'), 'utf8'));
    const gCrl = parseCrl(readFileSync(fx('sev-snp', 'amd-genoa-vcek-crl.der')));
    expect(verifyCrlSignature(gCrl, gArk)).toBe(true);
    expect(isRevoked(gCrl, 0x020001n)).toBe(true);
    expect(isRevoked(gCrl, gAsk.serial)).toBe(false);
    expect(gAsk.serial).toBe(0x20002n);
  });

  it('parses a VCEK with serial 0 and NVIDIA P-384 chains', () => {
    const vcek = parseCertDer(readFileSync(fx('sev-snp', 'gosev-milan.vcek.der')));
    expect(vcek.serial).toBe(0n);
    expect(findExtension(vcek, '1.3.6.1.4.1.3704.1.4')).toBeDefined();
    const chain = parsePemChain(readFileSync(fx('nvidia', 'nvtrust-hopper.certchain.pem'), 'utf8'));
    expect(chain).toHaveLength(5);
    for (let i = 0; i + 1 < chain.length; i++) expect(verifyIssuedBy(chain[i], chain[i + 1])).toBe(true);
    expect(chain[4].notAfter).toBe(253402300799);
  });
});
