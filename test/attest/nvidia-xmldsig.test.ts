import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from '@jest/globals';
import {canonicalize, NVIDIA_RIM_ROOT_SHA256, verifyEnvelopedSignature} from '../../src/attest/nvidia/xmldsig.js';
import {parseRimXml} from '../../src/attest/nvidia/rim.js';
import {parseCertDer, sha256Hex} from '../../src/attest/x509.js';
import {childElements, parseXml, type XmlElement} from '../../src/attest/xml.js';
import {repoRoot} from '../helpers/shared.js';

// The real sample is a VBIOS RIM from NVIDIA nvtrust (fixtures/nvidia/SOURCE.md). Its signer certificate is
// valid 2023-06-28 … 2025-06-27, so it is verified at a fixed time inside that window.
const SAMPLE = readFileSync(path.join(repoRoot, 'fixtures', 'nvidia', '1010_0205_862_96005E0002_PROD.swidtag'), 'utf8');
const INSIDE = Date.parse('2024-06-01T00:00:00Z') / 1000;
const AFTER = Date.parse('2025-07-01T00:00:00Z') / 1000;
const verify = (xml: string, now = INSIDE, pins = [NVIDIA_RIM_ROOT_SHA256]) => verifyEnvelopedSignature({xml, trustedRootSha256: pins, now});

describe('XML-DSig of a real NVIDIA RIM', () => {
  it('verifies: reference digest, ECDSA P-384 signature over SignedInfo, chain to the pinned RIM root', () => {
    const r = verify(SAMPLE);
    expect(r).toEqual({ok: true, signer: 'C=US, ST=CA, L=Santa Clara, O=NVIDIA Corporation, CN=HCC RIM L4 Signer', rootSha256: NVIDIA_RIM_ROOT_SHA256});
    expect(parseRimXml(SAMPLE)).toMatchObject({version: '96.00.5E.00.02', hasSignature: true});
  });

  it('the last embedded certificate is the NVIDIA RIM root named by the pin', () => {
    const last = [...SAMPLE.matchAll(/<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/g)].at(-1)![1];
    const root = parseCertDer(Buffer.from(last.replace(/\s+/g, ''), 'base64'));
    expect({subject: root.subject, sha256: sha256Hex(root.der)}).toEqual({subject: 'C=US, O=NVIDIA, CN=NVIDIA CoRIM signing Root CA', sha256: NVIDIA_RIM_ROOT_SHA256});
  });

  it('fails once the signer certificate has expired', () => {
    expect(verify(SAMPLE, AFTER)).toMatchObject({ok: false, problem: expect.stringMatching(/HCC RIM L4 Signer\) is not valid at 2025-07-01/)});
  });

  it('fails without the pin (another trusted root)', () => {
    expect(verify(SAMPLE, INSIDE, ['00'.repeat(32)])).toMatchObject({ok: false, problem: expect.stringMatching(/not issued by a trusted RIM root/)});
  });

  it('any single-byte change inside the document fails (every 17th byte, and every byte of one golden value, the DigestValue and the SignatureValue)', () => {
    const end = SAMPLE.lastIndexOf('</SoftwareIdentity>') + '</SoftwareIdentity>'.length;
    const span = (open: string, close: string) => {
      const a = SAMPLE.indexOf(open) + open.length;
      return Array.from({length: SAMPLE.indexOf(close, a) - a}, (_, k) => a + k);
    };
    const hashAt = SAMPLE.indexOf('ns2:Hash0="c3f65ef7') + 'ns2:Hash0="'.length;
    const positions = new Set<number>([
      ...Array.from({length: Math.ceil(end / 17)}, (_, k) => k * 17),
      ...Array.from({length: 96}, (_, k) => hashAt + k),
      ...span('<ds:DigestValue>', '</ds:DigestValue>'),
      ...span('<ds:SignatureValue>', '</ds:SignatureValue>'),
    ]);
    const passed: number[] = [];
    for (const i of positions) {
      const c = SAMPLE.charCodeAt(i);
      const mutated = SAMPLE.slice(0, i) + String.fromCharCode(c ^ 1) + SAMPLE.slice(i + 1);
      if (verify(mutated).ok) passed.push(i);
    }
    expect(positions.size).toBeGreaterThan(1400);
    expect(passed).toEqual([]);
  });

  it.each<[string, (x: string) => string, RegExp]>([
    ['a changed golden value', (x) => x.replace('c3f65ef79a19c029', 'c3f65ef79a19c028'), /Reference digest mismatch/],
    ['a changed attribute order only (canonical form unchanged) verifies', (x) => x.replace('corpus="false" name="GH100"', 'name="GH100" corpus="false"'), /^$/],
    ['another canonicalization', (x) => x.replace('<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2006/12/xml-c14n11"/>', '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'), /not Canonical XML 1\.1/],
    ['a reference to a fragment', (x) => x.replace('<ds:Reference URI="">', '<ds:Reference URI="#x">'), /URI=""/],
    ['no enveloped-signature transform', (x) => x.replace('<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>', ''), /Transforms must be exactly/],
    ['a second Signature', (x) => x.replace('<ns0:Entity ', '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/><ns0:Entity '), /exactly one ds:Signature/],
    ['the signer certificate left out (its CA issuer becomes the signer)', (x) => x.replace(/<ds:X509Certificate>[^<]+<\/ds:X509Certificate>/, ''), /does not allow digitalSignature/],
  ])('%s', (_, mutate, re) => {
    const r = verify(mutate(SAMPLE));
    if (re.source === '^$') expect(r.ok).toBe(true);
    else expect(r).toMatchObject({ok: false, problem: expect.stringMatching(re)});
  });
});

describe('Canonical XML 1.1', () => {
  const doc = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- outside -->',
    '<r xmlns="urn:a" xmlns:z="urn:z" xmlns:b="urn:b" z:k="2" b:k="1" k="0">',
    "  <b:e xmlns:b=\"urn:b\" xmlns:y=\"urn:y\" t='a\"b&amp;c&#9;d&#xA;e'>x &amp; y &gt; z &#xD;<!-- inside --></b:e>",
    '  <e2 xmlns=""/>\r',
    '  <s/>',
    '</r>',
  ].join('\n');

  it('whole document: no declaration or comments, sorted namespaces then attributes, escaping, empty elements expanded, superfluous declarations dropped', () => {
    expect(canonicalize(parseXml(doc))).toBe(
      [
        '<r xmlns="urn:a" xmlns:b="urn:b" xmlns:z="urn:z" k="0" b:k="1" z:k="2">',
        '  <b:e xmlns:y="urn:y" t="a&quot;b&amp;c&#x9;d&#xA;e">x &amp; y &gt; z &#xD;</b:e>',
        '  <e2 xmlns=""></e2>',
        '  <s></s>',
        '</r>',
      ].join('\n'),
    );
  });

  it('document subset: the apex carries every namespace in scope; an omitted element leaves its neighbours', () => {
    const root = parseXml(doc);
    const e = childElements(root)[0];
    expect(canonicalize(e, new Map([['', 'urn:a'], ['z', 'urn:z'], ['b', 'urn:b']]))).toBe('<b:e xmlns="urn:a" xmlns:b="urn:b" xmlns:y="urn:y" xmlns:z="urn:z" t="a&quot;b&amp;c&#x9;d&#xA;e">x &amp; y &gt; z &#xD;</b:e>');
    const s = childElements(root).find((c) => c.local === 's') as XmlElement;
    expect(canonicalize(root, new Map(), s)).toMatch(/<e2 xmlns=""><\/e2>\n  \n<\/r>$/);
  });
});
