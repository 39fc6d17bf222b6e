/**
 * Mutation test: random changes to the signed or bound regions of the real T1 (v4) and T2 (v5) quotes and
 * their collateral must never yield `valid`, and verification must never throw.
 *
 * Regions: header + TD report body (quote signature), QE report (PCK signature), signature data (quote
 * signature, attestation key, length and type fields, QE report signature, QE auth data), the PCK chain's
 * PEM characters (certificate signatures; whitespace and the trailing NUL are outside any signature and are
 * not mutated), the zero padding, and in the collateral: the signed TCB info / QE identity texts, their
 * signatures, both CRLs' DER and the three issuer chains' PEM characters.
 */
import {readFileSync} from 'node:fs';
import {expect, it} from '@jest/globals';
import {parseTdxCollateral, type TdxCollateral} from '../../src/attest/tdx/collateral.js';
import {parseTdxQuote} from '../../src/attest/tdx/quote.js';
import {TdxVerifier} from '../../src/attest/tdx/verify.js';
import {prng} from '../helpers/mutate.js';
import {describeShared, sharedPath} from '../helpers/shared.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const QUOTE_MUTATIONS_PER_VECTOR = 2000;
const COLLATERAL_MUTATIONS_PER_VECTOR = 500;

describeShared('fixtures/attestation')('TDX mutation test (T1, T2)', () => {
  const fx = (p: string) => sharedPath('fixtures', 'attestation', 'tdx', p);
  const vectors = [
    {id: 'T1', quote: 'phala-tdx-v4-uptodate.quote.bin', collateral: 'phala-tdx-v4-uptodate.collateral.json', now: 1751328000, seed: 1},
    {id: 'T2', quote: 'gotdx-tdx-v5-uptodate.quote.bin', collateral: 'fmspc-90c06f000000-2026-02.collateral.json', now: 1772323200, seed: 2},
  ];

  it(`${2 * (QUOTE_MUTATIONS_PER_VECTOR + COLLATERAL_MUTATIONS_PER_VECTOR)} mutations: zero valid verdicts, no exceptions`, () => {
    const verifier = new TdxVerifier();
    let total = 0;
    const outcomes: Record<string, number> = {};
    const escaped: string[] = [];
    for (const v of vectors) {
      const rnd = prng(v.seed);
      const pick = (n: number) => Math.floor(rnd() * n);
      const quote = Uint8Array.from(readFileSync(fx(v.quote)));
      const collateral = parseTdxCollateral(readFileSync(fx(v.collateral), 'utf8'));
      const run = (q: Uint8Array, c: TdxCollateral, what: string) => {
        total++;
        let verdict: string;
        try {
          verdict = verifier.verify({quote: q, collateral: c, now: v.now}).verdict;
        } catch (e) {
          verdict = 'threw';
          escaped.push(`${v.id} ${what}: threw ${String(e)}`);
        }
        outcomes[verdict] = (outcomes[verdict] ?? 0) + 1;
        if (verdict === 'valid') escaped.push(`${v.id} ${what}: valid`);
      };
      expect(verifier.verify({quote, collateral, now: v.now}).verdict).toBe('valid');

      const p = parseTdxQuote(quote);
      const S = p.signatureDataOffset;
      const certStart = S + 138;
      const pemStart = certStart + 450 + p.qeAuthData.length + 6;
      const end = p.bytes.length;
      const pemPositions: number[] = [];
      for (let i = pemStart; i < end; i++) if (B64.includes(String.fromCharCode(quote[i]))) pemPositions.push(i);
      const binaryRegions: Array<[number, number]> = [
        [0, S], // header + body
        [certStart, certStart + 384], // QE report
        [S, certStart], // L, quote signature, attestation key, certification type and size
        [certStart + 384, pemStart], // QE report signature, auth size, auth data, inner type and size
        [end, quote.length], // zero padding
      ];
      const weights = [35, 20, 15, 10, 5]; // + 15 for PEM characters
      for (let n = 0; n < QUOTE_MUTATIONS_PER_VECTOR; n++) {
        const q = Uint8Array.from(quote);
        let r = pick(100);
        let region = -1;
        for (let i = 0; i < weights.length; i++) {
          if (r < weights[i]) {
            region = i;
            break;
          }
          r -= weights[i];
        }
        let at: number;
        if (region >= 0 && binaryRegions[region][1] === binaryRegions[region][0]) region = 0; // T2 has no padding
        if (region >= 0) {
          const [a, b] = binaryRegions[region];
          at = a + pick(b - a);
          q[at] ^= 1 + pick(255);
        } else {
          at = pemPositions[pick(pemPositions.length)];
          const old = String.fromCharCode(q[at]);
          let c = old;
          while (c === old) c = B64[pick(64)];
          q[at] = c.charCodeAt(0);
        }
        run(q, collateral, `quote byte ${at} (region ${region})`);
      }

      const textFields = ['tcbInfo', 'qeIdentity'] as const;
      const byteFields = ['tcbInfoSignature', 'qeIdentitySignature', 'rootCaCrl', 'pckCrl'] as const;
      const pemFields = ['pckCrlIssuerChain', 'tcbInfoIssuerChain', 'qeIdentityIssuerChain'] as const;
      for (let n = 0; n < COLLATERAL_MUTATIONS_PER_VECTOR; n++) {
        const kind = pick(3);
        const c: TdxCollateral = {...collateral};
        let what: string;
        if (kind === 0) {
          const f = textFields[pick(2)];
          const s = c[f];
          const i = pick(s.length);
          c[f] = s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 + pick(127))) + s.slice(i + 1);
          what = `${f}[${i}]`;
        } else if (kind === 1) {
          const f = byteFields[pick(4)];
          const b = Uint8Array.from(c[f]);
          const i = pick(b.length);
          b[i] ^= 1 + pick(255);
          c[f] = b;
          what = `${f}[${i}]`;
        } else {
          const f = pemFields[pick(3)];
          const s = c[f];
          let i = pick(s.length);
          while (!B64.includes(s[i])) i = pick(s.length);
          let ch = s[i];
          while (ch === s[i]) ch = B64[pick(64)];
          c[f] = s.slice(0, i) + ch + s.slice(i + 1);
          what = `${f}[${i}]`;
        }
        run(quote, c, what);
      }
    }
    expect(escaped).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(5000);
    expect(outcomes.valid ?? 0).toBe(0);
    expect(outcomes.invalid).toBeGreaterThan(0);
  });

  // T4 has no public collateral, so it is `unverifiable` as it is. Its signatures, QE binding and PCK chain are
  // checked offline all the same: a change anywhere they cover must turn the verdict into `invalid`.
  it('T4 (no collateral): 2000 mutations of signed bytes all give invalid, never unverifiable or valid', () => {
    const hex = readFileSync(sharedPath('fixtures', 'attestation', 'tdx', 'secretai-worker-tdx-v4.quote.hex'), 'utf8').trim();
    const quote = Uint8Array.from(Buffer.from(hex, 'hex'));
    const verifier = new TdxVerifier();
    const now = 1788220800;
    expect(verifier.verify({quote, now}).verdict).toBe('unverifiable');
    const p = parseTdxQuote(quote);
    const S = p.signatureDataOffset;
    const certStart = S + 138;
    const pemStart = certStart + 450 + p.qeAuthData.length + 6;
    const rnd = prng(4);
    const pick = (n: number) => Math.floor(rnd() * n);
    const outcomes: Record<string, number> = {};
    const escaped: string[] = [];
    for (let n = 0; n < 2000; n++) {
      const q = Uint8Array.from(quote);
      // header + body, the signature data up to the QE auth data, and the QE report signature and auth data
      const at = n % 2 === 0 ? pick(S) : S + pick(pemStart - 6 - S);
      q[at] ^= 1 + pick(255);
      let verdict: string;
      try {
        verdict = verifier.verify({quote: q, now}).verdict;
      } catch (e) {
        verdict = 'threw';
      }
      outcomes[verdict] = (outcomes[verdict] ?? 0) + 1;
      if (verdict !== 'invalid') escaped.push(`byte ${at}: ${verdict}`);
    }
    expect(escaped).toEqual([]);
    expect(outcomes.invalid).toBe(2000);
  });
});
