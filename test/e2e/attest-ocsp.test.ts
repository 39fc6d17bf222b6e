import {cpSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {devMeasurementPolicy} from '../../src/attest/dev/measurements.js';
import {mintDevEvidence} from '../../src/attest/dev/mint.js';
import {parseCertDer} from '../../src/attest/x509.js';
import {ensureDevRoots} from '../../src/lib/attest/dev.js';
import {runCli, tempHome, type RunResult} from '../helpers/cli.js';
import {makeTlsCert} from '../attest/fetch-server.js';
import {buildOcspResponse, parseOcspRequest, startOcspServer, type OcspServer} from '../attest/ocsp-helpers.js';

// `attest verify --online` asks an OCSP responder (here a local HTTPS one) about dev GPU evidence's device chain.

interface VerifyJson {
  verdict: string;
  checks: {name: string; ok: boolean; missing?: boolean; skipped?: boolean; accepted?: boolean; detail: string}[];
}
const json = (r: RunResult) => JSON.parse(r.stdout) as VerifyJson;
type Mode = 'good' | 'revoked' | 'bad-signature' | 'stale' | 'unknown';

describe('attest verify --online: NVIDIA OCSP against a local responder', () => {
  const home = tempHome();
  const tls = makeTlsCert();
  const caFile = path.join(home, 'ocsp-ca.pem');
  const bundleFile = path.join(home, 'bundle.json');
  let mode: Mode = 'good';
  let server: OcspServer;

  beforeAll(async () => {
    writeFileSync(caFile, tls.certPem);
    const {roots} = ensureDevRoots(home);
    const ev = mintDevEvidence({roots, tlsSpkiDer: parseCertDer(tls.certDer).spkiDer, workerPubkey: Uint8Array.from([2, ...new Array(32).fill(5)]), challenge: Uint8Array.of(9, 9)});
    writeFileSync(bundleFile, JSON.stringify(ev.bundle));
    writeFileSync(path.join(home, 'measurements.json'), JSON.stringify(devMeasurementPolicy()));
    const chain = roots.nvidia.chain.map((c) => ({key: c.key, parsed: parseCertDer(c.cert)}));
    server = await startOcspServer(tls, (body) => {
      const q = parseOcspRequest(body);
      const i = chain.findIndex((c) => c.parsed.serial === q.certIds[0].serial);
      const now = Math.floor(Date.now() / 1000);
      const brom = i === 1;
      const m: Mode = brom ? mode : 'good';
      return {
        body: buildOcspResponse({
          responderName: chain[i + 1].parsed.subjectDer,
          producedAt: now,
          singles: [{certIdDer: q.certIds[0].der, status: m === 'revoked' ? 'revoked' : m === 'unknown' ? 'unknown' : 'good', revokedAt: now - 86400, thisUpdate: m === 'stale' ? now - 3 * 86400 : now - 60, nextUpdate: m === 'stale' ? now - 2 * 86400 : now + 3600}],
          ...(q.nonce ? {nonce: q.nonce} : {}),
          signingKey: chain[i + 1].key,
          corruptSignature: m === 'bad-signature',
        }),
      };
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const verify = (online: boolean, url?: string, h = home) =>
    runCli(['attest', 'verify', bundleFile, '--measurements', path.join(home, 'measurements.json'), '--json', '--home', h, ...(online ? ['--online'] : [])], {env: {NODE_EXTRA_CA_CERTS: caFile, SECRETAI_NVIDIA_OCSP_URL: url ?? server.url}});
  /** A copy of the home without any cached OCSP answer (good answers are cached for their validity). */
  const freshHome = () => {
    const h = tempHome();
    cpSync(home, h, {recursive: true});
    return h;
  };

  it('offline: nvidia.ocsp is not checked, a gap the local profile accepts for dev GPUs; no request is sent', async () => {
    const r = await verify(false);
    expect({code: r.code, verdict: json(r).verdict}).toEqual({code: 0, verdict: 'valid'});
    expect(json(r).checks.find((c) => c.name === 'nvidia.ocsp')).toMatchObject({accepted: true, detail: expect.stringMatching(/not checked offline/)});
    expect(server.requests).toHaveLength(0);
  });

  it.each<[Mode, number, string, boolean]>([
    ['good', 0, 'valid', true],
    ['revoked', 4, 'invalid', false],
    ['bad-signature', 4, 'invalid', false],
    ['stale', 4, 'invalid', false],
    ['unknown', 3, 'unverifiable', false],
  ])('responder says %s for the BROM certificate → exit %i (%s)', async (m, code, verdict, ok) => {
    mode = m;
    const before = server.requests.length;
    const h = freshHome();
    const r = await verify(true, undefined, h);
    const j = json(r);
    expect({code: r.code, verdict: j.verdict}).toEqual({code, verdict});
    const s = j.checks.find((c) => c.name === 'nvidia.ocsp')!;
    expect(s.ok).toBe(ok);
    expect(s.accepted).toBeUndefined();
    expect(j.checks.filter((c) => c.name === 'nvidia.ocsp.cert')).toHaveLength(4);
    expect(server.requests.length - before).toBe(4);
    expect(server.contentTypes.at(-1)).toBe('application/ocsp-request');
    if (!ok) expect(j.checks.filter((c) => c.name !== 'nvidia.ocsp' && !c.ok).map((c) => c.name)).toEqual(['nvidia.ocsp.cert']);
    // Good answers are cached for their validity: a second run asks nothing, even with the responder gone.
    const again = await verify(true, 'https://127.0.0.1:1/', h);
    if (ok) {
      expect({code: again.code, verdict: json(again).verdict}).toEqual({code: 0, verdict: 'valid'});
      expect(json(again).checks.filter((c) => c.name === 'nvidia.ocsp.cert').every((c) => c.ok && /\(cached\)$/.test(c.detail))).toBe(true);
    } else expect(json(again).verdict).not.toBe('valid');
  });

  it('an unreachable responder makes the verdict unverifiable (exit 3)', async () => {
    const r = await verify(true, 'https://127.0.0.1:1/');
    expect({code: r.code, verdict: json(r).verdict}).toEqual({code: 3, verdict: 'unverifiable'});
    expect(json(r).checks.find((c) => c.name === 'nvidia.ocsp')).toMatchObject({ok: false, missing: true});
  });
});
