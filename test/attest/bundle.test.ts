import {generateKeyPairSync} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {describe, expect, it} from '@jest/globals';
import {BUNDLE_VERSION, decodeBundle, makeBundle, parseBundle, serializeBundle, type AttestationBundle} from '../../src/attest/bundle.js';
import {detectEvidence, SNP_REPORT_SIZE} from '../../src/attest/detect.js';
import {EvidenceFormatError} from '../../src/attest/types.js';
import {describeShared, sharedPath} from '../helpers/shared.js';

const spki = new Uint8Array(generateKeyPairSync('ec', {namedCurve: 'prime256v1'}).publicKey.export({type: 'spki', format: 'der'}));
const PK = Uint8Array.from([0x03, ...new Array(32).fill(7)]);

/** A synthetic SNP-shaped report (the bundle validates shape, not signatures). */
function snpShaped(): Uint8Array {
  const b = new Uint8Array(SNP_REPORT_SIZE);
  b[0] = 2;
  b[0x34] = 1;
  return b;
}

function base(): AttestationBundle {
  return makeBundle({cpuType: 'snp', quote: snpShaped(), tlsSpki: spki, workerPubkey: PK, challenge: Uint8Array.of(0xab, 0xcd)});
}

function expectBundleError(doc: unknown, re: RegExp) {
  let err: unknown;
  try {
    parseBundle(typeof doc === 'string' ? doc : JSON.stringify(doc));
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(EvidenceFormatError);
  expect((err as Error).message).toMatch(re);
  expect((err as Error).message).not.toContain('\n');
}

describe('attestation bundle', () => {
  it('round-trips through serializeBundle / parseBundle with canonical key order', () => {
    const b = base();
    expect(b.version).toBe(BUNDLE_VERSION);
    const text = serializeBundle(b);
    expect(parseBundle(text)).toEqual(b);
    expect(Object.keys(JSON.parse(text))).toEqual(['version', 'cpu', 'tlsSpki', 'workerPubkey', 'challenge']);
    // Key order in the input does not matter; output is canonical.
    const shuffled = JSON.stringify({challenge: 'ABCD', workerPubkey: b.workerPubkey, tlsSpki: b.tlsSpki, cpu: {quote: b.cpu.quote, type: 'snp'}, version: 1});
    expect(serializeBundle(parseBundle(shuffled))).toBe(text);
    expect(parseBundle(Buffer.from(text))).toEqual(b);
  });

  it('decodes binary fields', () => {
    const d = decodeBundle(base());
    expect(d.cpu.type).toBe('snp');
    expect(d.cpu.quote).toEqual(snpShaped());
    expect(d.tlsSpki).toEqual(spki);
    expect(d.workerPubkey).toEqual(PK);
    expect(d.challenge).toEqual(Uint8Array.of(0xab, 0xcd));
    expect(d.dev).toBe(false);
  });

  it('rejects malformed bundles with a one-line reason naming the field', () => {
    const b = base();
    expectBundleError('not json', /not JSON/);
    expectBundleError('[]', /must be a JSON object/);
    expectBundleError({...b, version: 2}, /version/);
    expectBundleError({...b, extra: 1}, /unknown field "extra"/);
    expectBundleError({...b, cpu: {...b.cpu, type: 'sgx'}}, /cpu\.type/);
    expectBundleError({...b, cpu: {...b.cpu, type: 'tdx'}}, /cpu\.quote: is an SNP quote but cpu\.type is "tdx"/);
    expectBundleError({...b, cpu: {...b.cpu, quote: 'AAAA'}}, /cpu\.quote/);
    expectBundleError({...b, cpu: {...b.cpu, quote: '$$$'}}, /cpu\.quote: is not valid base64/);
    expectBundleError({...b, cpu: {...b.cpu, bogus: 'x'}}, /cpu: unknown field "bogus"/);
    expectBundleError({...b, cpu: {...b.cpu, collateral: {}}}, /cpu\.collateral: is for TDX only/);
    expectBundleError({...b, cpu: {...b.cpu, vcek: Buffer.from('junk').toString('base64')}}, /cpu\.vcek/);
    expectBundleError({...b, cpu: {...b.cpu, crl: 5}}, /cpu\.crl/);
    expectBundleError({...b, cpu: {...b.cpu, certChain: 'no pem'}}, /cpu\.certChain/);
    expectBundleError({...b, tlsSpki: Buffer.from('abc').toString('base64')}, /tlsSpki/);
    expectBundleError({...b, tlsSpki: undefined}, /tlsSpki/);
    expectBundleError({...b, workerPubkey: Buffer.alloc(32, 2).toString('base64')}, /workerPubkey/);
    expectBundleError({...b, workerPubkey: Buffer.alloc(33, 4).toString('base64')}, /workerPubkey/);
    expectBundleError({...b, challenge: 'abc'}, /challenge/);
    expectBundleError({...b, challenge: ''}, /challenge/);
    expectBundleError({...b, dev: 'yes'}, /dev/);
    expectBundleError({...b, gpu: {nonce: 'x', arch: 'HOPPER', evidence_list: []}}, /gpu/);
    expectBundleError({...b, gpu: []}, /gpu: must be an object/);
    expect(() => parseBundle('x'.repeat(9 * 1024 * 1024))).toThrow(/too large/);
    expect(() => serializeBundle({...b, workerPubkey: 'AA=='})).toThrow(EvidenceFormatError);
  });

  it('makeBundle validates its parts', () => {
    expect(() => makeBundle({cpuType: 'tdx', quote: snpShaped(), tlsSpki: spki, workerPubkey: PK})).toThrow(/cpu\.quote/);
    expect(() => makeBundle({cpuType: 'snp', quote: snpShaped(), tlsSpki: spki, workerPubkey: PK.subarray(1)})).toThrow(/workerPubkey/);
    expect(makeBundle({cpuType: 'snp', quote: snpShaped(), tlsSpki: spki, workerPubkey: PK, dev: true}).dev).toBe(true);
  });
});

describeShared('fixtures/attestation')('attestation bundle with real evidence', () => {
  const fx = (...p: string[]) => readFileSync(sharedPath('fixtures', 'attestation', ...p));

  it('carries a real SNP report with VCEK, chain and CRL, and a real GPU evidence list', () => {
    const gpu = JSON.parse(fx('nvidia', 'secretai-worker-gpu-evidence.json').toString('utf8'));
    const b = makeBundle({
      cpuType: 'snp',
      quote: detectEvidence(fx('sev-snp', 'virtee-milan-v2.report.hex')).bytes,
      vcek: fx('sev-snp', 'virtee-milan.vcek.der'),
      certChain: fx('sev-snp', 'amd-milan-ask-ark.pem').toString('latin1'),
      crl: fx('sev-snp', 'amd-milan-vcek-crl.der'),
      gpu,
      tlsSpki: spki,
      workerPubkey: PK,
    });
    const text = serializeBundle(b);
    const back = parseBundle(text);
    expect(back).toEqual(b);
    expect(Object.keys(JSON.parse(text))).toEqual(['version', 'cpu', 'gpu', 'tlsSpki', 'workerPubkey']);
    expect(Object.keys(JSON.parse(text).cpu)).toEqual(['type', 'quote', 'vcek', 'certChain', 'crl']);
    const d = decodeBundle(back);
    expect(d.gpu?.nonce).toBe(gpu.nonce);
    expect(Buffer.from(d.cpu.crl!).equals(fx('sev-snp', 'amd-milan-vcek-crl.der'))).toBe(true);
    expectBundleError({...b, gpu: {...gpu, error: 'x'}}, /gpu: unknown field "error"/);
    expectBundleError({...b, gpu: {...gpu, evidence_list: [{...gpu.evidence_list[0], extra: 1}]}}, /evidence_list\[0\]: unknown field/);
  });

  it('carries a real TDX quote with its collateral object; SNP-only fields are refused for TDX', () => {
    const collateral = JSON.parse(fx('tdx', 'phala-tdx-v4-uptodate.collateral.json').toString('utf8'));
    const quote = new Uint8Array(fx('tdx', 'phala-tdx-v4-uptodate.quote.bin'));
    const b = makeBundle({cpuType: 'tdx', quote, collateral, tlsSpki: spki, workerPubkey: PK});
    expect(parseBundle(serializeBundle(b)).cpu.collateral).toEqual(collateral);
    expect(decodeBundle(b).cpu.quote).toEqual(quote);
    expectBundleError({...b, cpu: {...b.cpu, vcek: b.tlsSpki}}, /cpu\.vcek: is for SEV-SNP only/);
    expectBundleError({...b, cpu: {...b.cpu, collateral: 'text'}}, /cpu\.collateral: must be a JSON object/);
  });
});
