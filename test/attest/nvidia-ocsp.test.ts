import {execFileSync} from 'node:child_process';
import {createHash, generateKeyPairSync} from 'node:crypto';
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {beforeAll, describe, expect, it} from '@jest/globals';
import * as w from '../../src/attest/der-write.js';
import {generateDevRoots, type DevRoots} from '../../src/attest/dev/roots.js';
import {buildOcspRequest, checkGpuChainsOcsp, ocspCertId, subjectPublicKeyBits, type OcspFetcher} from '../../src/attest/nvidia/ocsp.js';
import type {Check} from '../../src/attest/types.js';
import {parseCertDer} from '../../src/attest/x509.js';
import {nodeDevCrypto} from '../../src/lib/attest/dev.js';
import {buildOcspErrorResponse, buildOcspResponse, parseOcspRequest, type SingleSpec} from './ocsp-helpers.js';

const NOW = 1_800_000_000;
const HOUR = 3600;

type Mode = 'good' | 'revoked' | 'unknown' | 'bad-signature' | 'stale' | 'wrong-nonce' | 'no-nonce' | 'try-later' | 'delegated' | 'delegated-no-eku' | 'delegated-foreign' | 'delegated-by-device';

describe('NVIDIA OCSP (pure)', () => {
  let roots: DevRoots;
  let pem: string;
  const names = () => roots.nvidia.chain.map((c) => parseCertDer(c.cert));

  beforeAll(() => {
    roots = generateDevRoots({now: NOW, crypto: nodeDevCrypto});
    pem = w.toPem(roots.nvidia.chain.map((c) => c.cert));
  });

  /** An in-process responder: `modeFor(i)` picks the answer for chain certificate i. */
  function responder(modeFor: (i: number) => Mode): OcspFetcher {
    const certs = names();
    return async (request) => {
      const q = parseOcspRequest(request);
      const i = certs.findIndex((c) => c.serial === q.certIds[0].serial);
      const mode = modeFor(i);
      if (mode === 'try-later') return buildOcspErrorResponse(3);
      const issuer = roots.nvidia.chain[i + 1];
      const single: SingleSpec = {
        certIdDer: q.certIds[0].der,
        status: mode === 'revoked' ? 'revoked' : mode === 'unknown' ? 'unknown' : 'good',
        revokedAt: NOW - 10 * HOUR,
        thisUpdate: mode === 'stale' ? NOW - 48 * HOUR : NOW - HOUR,
        nextUpdate: mode === 'stale' ? NOW - 24 * HOUR : NOW + HOUR,
      };
      const nonce = mode === 'wrong-nonce' ? new Uint8Array(32).fill(9) : mode === 'no-nonce' ? undefined : q.nonce;
      if (mode.startsWith('delegated')) {
        const k = generateKeyPairSync('ec', {namedCurve: 'P-384'});
        const subject = w.name([['CN', 'test OCSP responder']]);
        const foreign = generateKeyPairSync('ec', {namedCurve: 'P-384'});
        const responderCert = w.buildCertificate({
          serial: 77, issuer: certs[i + 1].subjectDer, subject, notBefore: NOW - HOUR, notAfter: NOW + HOUR,
          publicKey: k.publicKey,
          signingKey: mode === 'delegated-foreign' ? foreign.privateKey : mode === 'delegated-by-device' ? roots.nvidia.chain[1].key : issuer.key,
          ca: false,
          ...(mode === 'delegated-no-eku' ? {} : {extensions: [{oid: '2.5.29.37', value: w.seq(w.oid('1.3.6.1.5.5.7.3.9'))}]}),
        });
        return buildOcspResponse({responderName: subject, producedAt: NOW, singles: [single], ...(nonce ? {nonce} : {}), signingKey: k.privateKey, certs: [responderCert]});
      }
      return buildOcspResponse({responderName: certs[i + 1].subjectDer, producedAt: NOW, singles: [single], ...(nonce ? {nonce} : {}), signingKey: issuer.key, corruptSignature: mode === 'bad-signature'});
    };
  }

  const run = (fetch: OcspFetcher, extra: {now?: number; random?: boolean} = {}) =>
    checkGpuChainsOcsp({chains: [pem], fetch, now: extra.now ?? NOW, ...(extra.random === false ? {} : {random: (n) => nodeDevCrypto.random(n)})});
  const summary = (checks: Check[]) => checks.find((c) => c.name === 'nvidia.ocsp')!;
  const perCert = (checks: Check[]) => checks.filter((c) => c.name === 'nvidia.ocsp.cert').map((c) => (c.ok ? 'ok' : c.missing ? 'missing' : 'fail'));

  it('builds RFC 6960 CertIDs (SHA-384 of issuer name and key bits) that OpenSSL reads back', () => {
    const c = names();
    const id = ocspCertId(c[0], c[1]);
    expect(Buffer.from(id.issuerNameHash).equals(createHash('sha384').update(c[1].subjectDer).digest())).toBe(true);
    expect(Buffer.from(id.issuerKeyHash).equals(createHash('sha384').update(subjectPublicKeyBits(c[1])).digest())).toBe(true);
    expect(subjectPublicKeyBits(c[1])).toHaveLength(97); // uncompressed P-384 point
    const nonce = new Uint8Array(32).fill(0xab);
    const req = buildOcspRequest([id, ocspCertId(c[1], c[2], 'sha1')], nonce);
    const back = parseOcspRequest(req);
    expect(back.certIds.map((x) => x.serial)).toEqual([c[0].serial, c[1].serial]);
    expect(Buffer.from(back.nonce!).equals(Buffer.from(nonce))).toBe(true);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ocsp-'));
    writeFileSync(path.join(dir, 'req.der'), req);
    const text = execFileSync('openssl', ['ocsp', '-reqin', path.join(dir, 'req.der'), '-req_text'], {encoding: 'utf8'});
    expect(text).toMatch(/Hash Algorithm: sha384/);
    expect(text).toMatch(/Hash Algorithm: sha1/);
    expect(text.toUpperCase()).toContain(c[0].serial.toString(16).toUpperCase());
    expect(text).toMatch(/OCSP Nonce/);
  });

  it('every certificate good → nvidia.ocsp passes, one request per certificate below the root', async () => {
    let n = 0;
    const fetch = responder(() => 'good');
    const checks = await run(async (r) => {
      n++;
      return fetch(r);
    });
    expect(perCert(checks)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(summary(checks)).toMatchObject({ok: true});
    expect(n).toBe(4);
  });

  it.each<[Mode, string, RegExp]>([
    ['revoked', 'fail', /revoked at/],
    ['bad-signature', 'fail', /signature does not verify|not signed by the issuer/],
    ['stale', 'fail', /stale: nextUpdate/],
    ['wrong-nonce', 'fail', /nonce/],
    ['no-nonce', 'fail', /does not echo the request nonce/],
    ['delegated-no-eku', 'fail', /OCSP-signing extended key usage/],
    ['delegated-foreign', 'fail', /is not issued by/],
    // A responder certified by the GPU's own BROM key (say, extracted from a device) must not vouch for the
    // BROM certificate, whose issuer is an NVIDIA CA.
    ['delegated-by-device', 'fail', /is not issued by/],
    ['unknown', 'missing', /does not know this certificate/],
    ['try-later', 'missing', /tryLater/],
  ])('%s for the BROM certificate → that certificate %s; nvidia.ocsp follows', async (mode, outcome, pattern) => {
    const checks = await run(responder((i) => (i === 1 ? mode : 'good')));
    expect(perCert(checks)).toEqual(['ok', outcome, 'ok', 'ok']);
    expect(checks.find((c) => c.name === 'nvidia.ocsp.cert' && !c.ok)?.detail).toMatch(pattern);
    const s = summary(checks);
    expect({ok: s.ok, missing: Boolean(s.missing)}).toEqual({ok: false, missing: outcome === 'missing'});
  });

  it('a delegated responder with the OCSP-signing EKU issued by the CA is accepted', async () => {
    const checks = await run(responder(() => 'delegated'));
    expect(perCert(checks)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(checks[0].detail).toMatch(/delegated responder/);
  });

  it('an unreachable responder is missing (unverifiable), never a pass', async () => {
    const checks = await run(async () => {
      throw new Error('connection refused');
    });
    expect(perCert(checks)).toEqual(['missing', 'missing', 'missing', 'missing']);
    expect(summary(checks)).toMatchObject({ok: false, missing: true});
  });

  it('without a nonce, freshness rests on nextUpdate; past it the response is stale', async () => {
    expect(summary(await run(responder(() => 'no-nonce'), {random: false})).ok).toBe(true);
    expect(summary(await run(responder(() => 'no-nonce'), {random: false, now: NOW + 2 * HOUR})).ok).toBe(false);
  });

  it('a responder certificate on a root that is not pinned is refused', async () => {
    const checks = await checkGpuChainsOcsp({chains: [pem], fetch: responder(() => 'delegated'), now: NOW, random: (n) => nodeDevCrypto.random(n)});
    // Directly issued by the CA it is still accepted (RFC 6960 §4.2.2.2); the device chain itself is pinned elsewhere.
    expect(summary(checks).ok).toBe(true);
    const bad = await checkGpuChainsOcsp({chains: [pem], fetch: responder(() => 'delegated-foreign'), now: NOW, random: (n) => nodeDevCrypto.random(n)});
    expect(summary(bad).ok).toBe(false);
  });
});
