import {createHash, generateKeyPairSync} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {describe, expect, it} from '@jest/globals';
import {expectValidOffline} from './offline.js';
import {checkBinding, gpuNonce, GPU_NONCE_DOMAIN, type BindingResult} from '../../src/attest/binding.js';
import {buildCertificate, name} from '../../src/attest/der-write.js';
import {verifyGpuEvidence} from '../../src/attest/nvidia/index.js';
import {DEFAULT_POLICY, dangerousDevRoots, resolvePolicy} from '../../src/attest/policy.js';
import {describeShared, sharedPath} from '../helpers/shared.js';

const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const cat = (...p: Uint8Array[]) => new Uint8Array(Buffer.concat(p));
const byName = (r: BindingResult, n: string) => r.checks.find((c) => c.name === n);

function tlsMaterial() {
  const k = generateKeyPairSync('ec', {namedCurve: 'prime256v1'});
  const spki = new Uint8Array(k.publicKey.export({type: 'spki', format: 'der'}));
  const subject = name([['CN', 'worker.test']]);
  const cert = buildCertificate({serial: 1, issuer: subject, subject, notBefore: 0, notAfter: 4102444800, publicKey: k.publicKey, signingKey: k.privateKey});
  return {spki, cert};
}

const PK = Uint8Array.from([0x02, ...Array.from({length: 32}, (_, i) => i + 1)]);
const CHALLENGE = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

describe('gpuNonce', () => {
  it('is SHA-256 over the ASCII domain, the key and the challenge, in that order', () => {
    const n = gpuNonce(PK, CHALLENGE);
    expect(n).toHaveLength(32);
    expect(GPU_NONCE_DOMAIN).toBe('secretai/v1');
    expect(Buffer.from(n).equals(Buffer.from(sha(cat(Buffer.from('secretai/v1', 'ascii'), PK, CHALLENGE))))).toBe(true);
    // Known answer (computed independently), so an accidental change of the construction is caught.
    expect(Buffer.from(gpuNonce(new Uint8Array(33).fill(2), CHALLENGE)).toString('hex')).toBe('0402f7802044b5e41b133ea3cb1fc3299a2d0970f7cad3a749fb65a32281a9db');
    expect(Buffer.from(gpuNonce(PK, Buffer.from('01', 'hex'))).equals(Buffer.from(n))).toBe(false);
    expect(Buffer.from(gpuNonce(Uint8Array.from([0x03, ...PK.subarray(1)]), CHALLENGE)).equals(Buffer.from(n))).toBe(false);
  });
});

describe('checkBinding', () => {
  const {spki, cert} = tlsMaterial();
  const nonce = gpuNonce(PK, CHALLENGE);

  it('accepts the SPKI hash (current) and the certificate hash (legacy), saying which', () => {
    const current = checkBinding({reportData: cat(sha(spki), nonce), tlsSpkiDer: spki, tlsCertDer: cert, gpuJsonNonce: Buffer.from(nonce).toString('hex'), workerPubkey: PK, challenge: CHALLENGE});
    expect(current.verdict).toBe('valid');
    expect(current.tls).toBe('spki');
    expect(current.checks.map((c) => c.name)).toEqual(['binding.tls', 'binding.gpu_nonce', 'binding.worker']);
    const legacy = checkBinding({reportData: cat(sha(cert), nonce), tlsCertDer: cert, gpuJsonNonce: nonce});
    expect(legacy.verdict).toBe('valid');
    expect(legacy.tls).toBe('certificate');
    expect(byName(legacy, 'binding.tls')?.detail).toMatch(/legacy/);
    // A certificate alone is enough for the SPKI form too.
    expect(checkBinding({reportData: cat(sha(spki), nonce), tlsCertDer: cert}).tls).toBe('spki');
    // Hex report data is accepted.
    expect(checkBinding({reportData: Buffer.from(cat(sha(spki), nonce)).toString('hex'), tlsSpkiDer: spki}).tls).toBe('spki');
  });

  it('fails binding.tls on another key, and when the presented certificate does not carry the attested SPKI', () => {
    const other = tlsMaterial();
    const r = checkBinding({reportData: cat(sha(spki), nonce), tlsSpkiDer: other.spki});
    expect(r.verdict).toBe('invalid');
    expect(r.reasons).toEqual([expect.stringMatching(/^binding\.tls: /)]);
    const swapped = checkBinding({reportData: cat(sha(spki), nonce), tlsSpkiDer: spki, tlsCertDer: other.cert});
    expect(byName(swapped, 'binding.tls')?.ok).toBe(false);
    expect(checkBinding({reportData: cat(sha(spki), nonce), tlsCertDer: Uint8Array.of(1, 2)}).verdict).toBe('invalid');
    const none = checkBinding({reportData: cat(sha(spki), nonce)});
    expect(byName(none, 'binding.tls')?.missing).toBe(true);
    expect(none.verdict).toBe('unverifiable');
  });

  it('fails binding.gpu_nonce when the JSON or any request nonce differs', () => {
    const rd = cat(sha(spki), nonce);
    const hexN = Buffer.from(nonce).toString('hex');
    expect(checkBinding({reportData: rd, tlsSpkiDer: spki, gpuJsonNonce: hexN, gpuRequestNonces: [hexN, nonce]}).verdict).toBe('valid');
    const bad = checkBinding({reportData: rd, tlsSpkiDer: spki, gpuJsonNonce: hexN, gpuRequestNonces: [hexN, new Uint8Array(32)]});
    expect(bad.reasons).toEqual([expect.stringMatching(/^binding\.gpu_nonce: GPU 1 SPDM request nonce/)]);
    expect(checkBinding({reportData: rd, tlsSpkiDer: spki, gpuJsonNonce: 'nothex'}).verdict).toBe('invalid');
    // No GPU evidence: zero second half passes, otherwise the comparison is skipped (not passed).
    const zero = checkBinding({reportData: cat(sha(spki), new Uint8Array(32)), tlsSpkiDer: spki});
    expect(byName(zero, 'binding.gpu_nonce')).toMatchObject({ok: true});
    expect(byName(zero, 'binding.gpu_nonce')?.skipped).toBeUndefined();
    expect(byName(checkBinding({reportData: rd, tlsSpkiDer: spki}), 'binding.gpu_nonce')?.skipped).toBe(true);
  });

  it('binding.worker: wrong key or challenge fails, a missing half is missing, malformed key fails', () => {
    const rd = cat(sha(spki), nonce);
    expect(byName(checkBinding({reportData: rd, tlsSpkiDer: spki, workerPubkey: PK, challenge: Buffer.from('ff', 'hex')}), 'binding.worker')?.ok).toBe(false);
    const otherPk = Uint8Array.from(PK);
    otherPk[5] ^= 1;
    expect(byName(checkBinding({reportData: rd, tlsSpkiDer: spki, workerPubkey: otherPk, challenge: CHALLENGE}), 'binding.worker')?.ok).toBe(false);
    expect(byName(checkBinding({reportData: rd, tlsSpkiDer: spki, workerPubkey: PK}), 'binding.worker')?.missing).toBe(true);
    expect(byName(checkBinding({reportData: rd, tlsSpkiDer: spki, challenge: CHALLENGE}), 'binding.worker')?.missing).toBe(true);
    expect(byName(checkBinding({reportData: rd, tlsSpkiDer: spki, workerPubkey: PK.subarray(1), challenge: CHALLENGE}), 'binding.worker')?.ok).toBe(false);
    expect(byName(checkBinding({reportData: rd, tlsSpkiDer: spki, workerPubkey: PK, challenge: new Uint8Array(0)}), 'binding.worker')?.ok).toBe(false);
    expect(checkBinding({reportData: rd, tlsSpkiDer: spki}).checks.map((c) => c.name)).not.toContain('binding.worker');
  });

  it('rejects report data that is not 64 bytes', () => {
    for (const rd of [new Uint8Array(63), new Uint8Array(65), 'zz', '']) {
      const r = checkBinding({reportData: rd, tlsSpkiDer: spki});
      expect(r.verdict).toBe('invalid');
      expect(r.checks.map((c) => c.name)).toEqual(['binding.report_data']);
    }
  });
});

describeShared('fixtures/attestation')('binding on the real T4/N1 pair', () => {
  const vectors = JSON.parse(readFileSync(sharedPath('fixtures', 'attestation', 'vectors.json'), 'utf8')) as {tdx: {id: string; expected: {reportData?: string}}[]};
  const reportData = vectors.tdx.find((v) => v.id === 'T4')!.expected.reportData!;
  const gpuJson = readFileSync(sharedPath('fixtures', 'attestation', 'nvidia', 'secretai-worker-gpu-evidence.json'), 'utf8');

  it('T4 REPORTDATA[32..64] = N1 JSON nonce = N1 SPDM request nonce', () => {
    const gpu = verifyGpuEvidence({evidence: gpuJson, expectedNonce: reportData.slice(64), now: 1788220800});
    expectValidOffline(gpu);
    const r = checkBinding({reportData, gpuJsonNonce: gpu.jsonNonce, gpuRequestNonces: gpu.gpus.map((g) => g.nonce)});
    expect(byName(r, 'binding.gpu_nonce')?.ok).toBe(true);
    expect(byName(r, 'binding.gpu_nonce')?.detail).toMatch(/GPU JSON nonce, GPU 0 SPDM request nonce/);
    // The TLS certificate of that worker is not in the fixture set: the TLS binding stays unverified.
    expect(byName(r, 'binding.tls')?.missing).toBe(true);
    expect(r.verdict).toBe('unverifiable');
    expect(r.reportDataTlsHash).toBe('7e3faaf35ce0d013b087a9126687afe38f483813fea2989d64491a3b15319bae');
    // The N2 nonce does not bind to T4.
    const n2 = checkBinding({reportData, gpuRequestNonces: ['931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb']});
    expect(byName(n2, 'binding.gpu_nonce')?.ok).toBe(false);
  });
});

describe('attestation policy', () => {
  it('defaults: no dev, not strict, VMPL 0/1, binding required', () => {
    expect(DEFAULT_POLICY).toEqual({allowDev: false, strict: false, allowedVmpl: [0, 1], requireBinding: true, allowCpuOnly: false});
    expect(Object.isFrozen(DEFAULT_POLICY)).toBe(true);
    expect(resolvePolicy()).toEqual({allowDev: false, strict: false, allowedVmpl: [0, 1], requireBinding: true, allowCpuOnly: false});
  });

  it('resolves partial settings, validates VMPLs and pins, and honours dev roots only with allowDev', () => {
    const pin = 'AB'.repeat(32);
    const p = resolvePolicy({strict: true, allowedVmpl: [0], devRootsSha256: [pin]});
    expect(p).toMatchObject({strict: true, allowedVmpl: [0], allowDev: false, devRootsSha256: [pin.toLowerCase()]});
    expect(dangerousDevRoots(p)).toEqual([]);
    expect(dangerousDevRoots({...p, allowDev: true})).toEqual([pin.toLowerCase()]);
    expect(() => resolvePolicy({allowedVmpl: [4]})).toThrow(RangeError);
    expect(() => resolvePolicy({devRootsSha256: ['xyz']})).toThrow(RangeError);
  });
});
