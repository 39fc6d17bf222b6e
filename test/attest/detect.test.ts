import {readFileSync} from 'node:fs';
import {describe, expect, it} from '@jest/globals';
import {decodeBytes, decodeDerOrPem, detectEvidence, looksLikeSnpReport, looksLikeTdxQuote, SNP_REPORT_SIZE} from '../../src/attest/detect.js';
import {EvidenceFormatError} from '../../src/attest/types.js';
import {describeShared, sharedPath} from '../helpers/shared.js';

const fx = (...p: string[]) => sharedPath('fixtures', 'attestation', ...p);

/** A minimal synthetic SNP-shaped buffer: version 2, SIGNATURE_ALGO 1, 1184 bytes. */
function snpShaped(version = 2): Uint8Array {
  const b = new Uint8Array(SNP_REPORT_SIZE);
  b[0] = version;
  b[0x34] = 1;
  b[0x100] = 0xaa;
  return b;
}

/** A minimal synthetic TDX-shaped header: version 4, key type 2, TEE type 0x81. */
function tdxShaped(len = 64): Uint8Array {
  const b = new Uint8Array(len);
  b[0] = 4;
  b[2] = 2;
  b[4] = 0x81;
  return b;
}

describe('detectEvidence on synthetic input', () => {
  it('recognises raw, hex and base64 forms of both kinds', () => {
    const snp = snpShaped();
    const tdx = tdxShaped();
    expect(detectEvidence(snp)).toMatchObject({kind: 'snp', encoding: 'binary'});
    expect(detectEvidence(tdx)).toMatchObject({kind: 'tdx', encoding: 'binary'});
    expect(detectEvidence(Buffer.from(snp).toString('base64'))).toMatchObject({kind: 'snp', encoding: 'base64'});
    expect(detectEvidence(Buffer.from(snp).toString('hex'))).toMatchObject({kind: 'snp', encoding: 'hex'});
    expect(detectEvidence(Buffer.from(tdx).toString('hex').toUpperCase())).toMatchObject({kind: 'tdx', encoding: 'hex'});
    expect(detectEvidence(Buffer.from(tdx).toString('base64'))).toMatchObject({kind: 'tdx', encoding: 'base64'});
    const out = detectEvidence(Buffer.from(Buffer.from(snp).toString('base64').replace(/(.{76})/g, '$1\n') + '\n'));
    expect(out.kind).toBe('snp');
    expect(Buffer.from(out.bytes).equals(Buffer.from(snp))).toBe(true);
  });

  it('prefers the structural reading when text is both hex and base64', () => {
    // Hex text of a TDX header is also syntactically base64; it must come out as the hex-decoded quote.
    const text = Buffer.from(tdxShaped(48)).toString('hex');
    expect(/^[A-Za-z0-9+/]+$/.test(text) && text.length % 4 === 0).toBe(true);
    const d = detectEvidence(text);
    expect(d).toMatchObject({kind: 'tdx', encoding: 'hex'});
    expect(d.bytes.length).toBe(48);
  });

  it('rejects garbage, truncation and wrong headers with a one-line EvidenceFormatError', () => {
    const cases: (string | Uint8Array)[] = [
      '',
      '   \n',
      'hello world',
      'zz',
      '####',
      Uint8Array.of(0, 1, 2, 3, 0xff),
      snpShaped().subarray(0, SNP_REPORT_SIZE - 1),
      Buffer.from(snpShaped().subarray(0, 1000)).toString('base64'),
      snpShaped(1),
      (() => {
        const b = snpShaped();
        b[0x34] = 2;
        return b;
      })(),
      (() => {
        const b = tdxShaped();
        b[4] = 0;
        return b;
      })(),
      tdxShaped(7),
      Buffer.from('deadbeef', 'hex').toString('hex'),
    ];
    for (const c of cases) {
      let err: unknown;
      try {
        detectEvidence(c);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EvidenceFormatError);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('refuses inputs beyond the size limit', () => {
    expect(() => detectEvidence(new Uint8Array(5 * 1024 * 1024))).toThrow(/too large/);
  });

  it('exposes the structural probes', () => {
    expect(looksLikeSnpReport(snpShaped())).toBe(true);
    expect(looksLikeSnpReport(tdxShaped(2000))).toBe(false);
    expect(looksLikeTdxQuote(tdxShaped())).toBe(true);
    expect(looksLikeTdxQuote(snpShaped())).toBe(false);
  });
});

describe('decodeBytes / decodeDerOrPem', () => {
  const raw = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05, 0xff, 0x00);
  it('decodes binary, hex, base64 and base64url', () => {
    expect(decodeBytes(raw)).toEqual(raw);
    expect(decodeBytes(Buffer.from(raw).toString('hex'))).toEqual(raw);
    expect(decodeBytes(' ' + Buffer.from(raw).toString('hex').toUpperCase() + '\n')).toEqual(raw);
    const b = Uint8Array.of(0xfb, 0xff, 0xbf, 0x10, 0x20);
    expect(decodeBytes(Buffer.from(b).toString('base64'))).toEqual(b);
    expect(decodeBytes(Buffer.from(b).toString('base64url'))).toEqual(b);
    expect(decodeBytes(Buffer.from(Buffer.from(b).toString('base64')))).toEqual(b);
  });

  it('rejects empty, PEM, bad padding and non-canonical base64', () => {
    for (const bad of ['', '  ', '-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END CERTIFICATE-----', 'abcde', 'ab=c', 'AB==', 'A===', '@@@@']) {
      expect(() => decodeBytes(bad)).toThrow(EvidenceFormatError);
    }
  });

  it('reads one PEM block of any label, or falls back to bytes', () => {
    const pem = `-----BEGIN X509 CRL-----\n${Buffer.from(raw).toString('base64')}\n-----END X509 CRL-----\n`;
    expect(decodeDerOrPem(pem)).toEqual(raw);
    expect(decodeDerOrPem(raw)).toEqual(raw);
    expect(() => decodeDerOrPem(pem + pem)).toThrow(EvidenceFormatError);
    expect(() => decodeDerOrPem('-----BEGIN A-----\nAAAA\n-----END B-----')).toThrow(EvidenceFormatError);
  });
});

describeShared('fixtures/attestation')('detectEvidence on real evidence', () => {
  it('detects every fixture by content, whatever its encoding', () => {
    const cases: [string, 'tdx' | 'snp', string, number][] = [
      ['tdx/secretai-worker-tdx-v4.quote.hex', 'tdx', 'hex', 5006],
      ['tdx/phala-tdx-v4-uptodate.quote.bin', 'tdx', 'binary', 5006],
      ['tdx/gotdx-tdx-v5-uptodate.quote.bin', 'tdx', 'binary', 5006],
      ['sev-snp/secretvm-genoa-v3.report.b64', 'snp', 'base64', 1184],
      ['sev-snp/virtee-milan-v2.report.hex', 'snp', 'hex', 1184],
      ['sev-snp/gosev-milan-v2-debug.report.bin', 'snp', 'binary', 1184],
    ];
    for (const [file, kind, encoding, len] of cases) {
      const bytes = readFileSync(fx(file));
      const d = detectEvidence(bytes);
      expect({file, kind: d.kind, encoding: d.encoding, len: d.bytes.length}).toEqual({file, kind, encoding, len});
      if (encoding !== 'binary') expect(detectEvidence(bytes.toString('latin1')).kind).toBe(kind);
    }
  });

  it('a base64 SNP report is not mistaken for hex, and a hex TDX quote is not decoded as base64', () => {
    const b64 = readFileSync(fx('sev-snp/secretvm-genoa-v3.report.b64'), 'utf8');
    expect(detectEvidence(b64).bytes[0]).toBe(3);
    const hexText = readFileSync(fx('tdx/secretai-worker-tdx-v4.quote.hex'), 'utf8');
    expect(detectEvidence(hexText).bytes.length).toBe(hexText.trim().length / 2);
  });
});
