import {generateKeyPairSync} from 'node:crypto';
import {createRequire} from 'node:module';
import {beforeAll, describe, expect, it} from '@jest/globals';
import {gpuNonce} from '../../src/attest/binding.js';
import {parseBundle} from '../../src/attest/bundle.js';
import {
  buildSpdmEvidence,
  DEV_FMSPC,
  DEV_LABEL,
  devRootPins,
  generateDevRoots,
  mintDevEvidence,
  parseDevRoots,
  serializeDevRoots,
  vbiosVersionOpaque,
  type DevRoots,
} from '../../src/attest/dev/index.js';
import {parseSpdmEvidence, vbiosVersion, verifyGpuEvidence} from '../../src/attest/nvidia/index.js';
import {parseTdxQuote, verifyTdxQuote} from '../../src/attest/tdx/index.js';
import {devMeasurementPolicy} from '../../src/attest/dev/measurements.js';
import {DEV_GPU_GAPS} from '../../src/attest/policy.js';
import {verifyBundle, verifyEvidence} from '../../src/attest/verify.js';
import {expectValidOffline} from './offline.js';
import {nodeDevCrypto} from '../../src/lib/attest/dev.js';

const NOW = 1_800_000_000;
const spki = () => new Uint8Array(generateKeyPairSync('ec', {namedCurve: 'P-256'}).publicKey.export({type: 'spki', format: 'der'}));
const WORKER = Uint8Array.from([0x02, ...new Array(32).fill(0x11)]);
const CHALLENGE = Uint8Array.from(Buffer.from('c0ffee', 'hex'));

describe('dev attestation', () => {
  let roots: DevRoots;
  let pins: string[];
  let tls: Uint8Array;
  beforeAll(() => {
    roots = parseDevRoots(JSON.parse(JSON.stringify(serializeDevRoots(generateDevRoots({now: NOW, crypto: nodeDevCrypto})))), nodeDevCrypto);
    pins = devRootPins(roots).all;
    tls = spki();
  });
  // The devnet profile's policy: dev roots, binding, and the dev GPUs' RIM/OCSP gaps accepted.
  const allow = () => ({allowDev: true, devRootsSha256: pins, requireBinding: true, acceptGaps: [...DEV_GPU_GAPS]});
  const measurements = devMeasurementPolicy();

  it('mints a real-format TDX v4 quote bound to the TLS key and the GPU nonce', () => {
    const ev = mintDevEvidence({roots, tlsSpkiDer: tls, workerPubkey: WORKER, challenge: CHALLENGE});
    const q = parseTdxQuote(ev.quote);
    expect(q.header.version).toBe(4);
    expect(q.paddingLength).toBe(70);
    expect(Buffer.from(q.body.reportData.subarray(32)).equals(Buffer.from(gpuNonce(WORKER, CHALLENGE)))).toBe(true);
    expect(ev.gpu?.nonce).toBe(Buffer.from(ev.gpuNonce).toString('hex'));
    // The same TDX verifier accepts it only with the dev root pinned.
    expect(verifyTdxQuote({quote: ev.quote, collateral: roots.tdx.collateral, now: NOW}).verdict).toBe('invalid');
    const ok = verifyTdxQuote({quote: ev.quote, collateral: roots.tdx.collateral, now: NOW, dangerousExtraRootSha256: pins});
    expect(ok.reasons).toEqual([]);
    expect(ok.tcbStatus).toBe('UpToDate');
    expect(ok.fmspc).toBe(DEV_FMSPC);
  });

  it('an independent DCAP implementation (@phala/dcap-qvl) accepts the dev quote only with the dev root', () => {
    const qvl = createRequire(import.meta.url)('@phala/dcap-qvl') as {
      verify: (q: Uint8Array, c: unknown, now: number) => {status: string};
      QuoteVerifier: {newWithRootCa: (der: Buffer) => {verify: (q: Uint8Array, c: unknown, now: number) => {status: string}}};
    };
    const ev = mintDevEvidence({roots, tlsSpkiDer: tls, workerPubkey: WORKER, challenge: CHALLENGE});
    expect(qvl.QuoteVerifier.newWithRootCa(Buffer.from(roots.tdx.root.cert)).verify(Buffer.from(ev.quote), ev.collateral, NOW).status).toBe('UpToDate');
    expect(() => qvl.verify(Buffer.from(ev.quote), ev.collateral, NOW)).toThrow();
  });

  it('the bundle is valid under a dev-allowing policy, with dev: true and the label', () => {
    const ev = mintDevEvidence({roots, tlsSpkiDer: tls, workerPubkey: WORKER, challenge: CHALLENGE});
    const bundle = parseBundle(JSON.stringify(ev.bundle));
    const r = verifyBundle(bundle, {now: NOW, policy: allow(), measurements});
    expect(r.reasons).toEqual([]);
    expect(r.verdict).toBe('valid');
    expect(r.accepted.map((x) => x.split(':')[0])).toEqual(['nvidia.rim', 'nvidia.ocsp']);
    expect(r.checks.filter((c) => c.name.startsWith('measurements.')).map((c) => [c.name, c.ok])).toEqual([['measurements.tdx', true], ['measurements.nvidia', true]]);
    expect(r.dev).toBe(true);
    expect(r.checks[0]).toMatchObject({name: 'dev.attestation', ok: true, warning: true});
    expect(r.checks[0].detail).toContain(DEV_LABEL);
    expect(r.binding).toMatchObject({tls: 'spki', worker: true, verdict: 'valid'});
  });

  it('a policy without allowDev rejects it, naming dev attestation', () => {
    const ev = mintDevEvidence({roots, tlsSpkiDer: tls, workerPubkey: WORKER, challenge: CHALLENGE});
    // Even when the dev roots are known, allowDev=false must not honour them.
    const r = verifyBundle(ev.bundle, {now: NOW, policy: {allowDev: false, devRootsSha256: pins}});
    expect(r.verdict).toBe('invalid');
    expect(r.dev).toBe(true);
    expect(r.reasons[0]).toMatch(/^dev\.attestation: dev attestation \(not hardware\).*not allowed/);
    // And a profile that does not even know the roots still labels and rejects it.
    const unknown = verifyBundle(ev.bundle, {now: NOW, policy: {allowDev: false}});
    expect(unknown.verdict).toBe('invalid');
    expect(unknown.reasons[0]).toMatch(/^dev\.attestation/);
  });

  it('dev evidence from another devnet (unknown dev roots) is invalid even where dev is allowed', () => {
    const otherRoots = generateDevRoots({now: NOW, crypto: nodeDevCrypto});
    const ev = mintDevEvidence({roots: otherRoots, tlsSpkiDer: tls, workerPubkey: WORKER, challenge: CHALLENGE});
    const r = verifyBundle(ev.bundle, {now: NOW, policy: allow()});
    expect(r.verdict).toBe('invalid');
    expect(r.reasons[0]).toMatch(/dev roots this home does not know/);
  });

  it('binding mismatches: another TLS key, another challenge, a presented certificate with another key', () => {
    const ev = mintDevEvidence({roots, tlsSpkiDer: tls, workerPubkey: WORKER, challenge: CHALLENGE});
    const cpu = {bytes: ev.quote, collateral: ev.collateral};
    const wrongTls = verifyEvidence({cpu, gpu: {evidence: ev.gpu!}, binding: {tlsSpkiDer: spki()}, now: NOW, policy: allow(), measurements});
    expect(wrongTls.verdict).toBe('invalid');
    expect(wrongTls.reasons.map((x) => x.split(':')[0])).toEqual(['binding.tls']);
    const wrongChallenge = verifyBundle(ev.bundle, {now: NOW, policy: allow(), challenge: Uint8Array.of(1, 2, 3), measurements});
    expect(wrongChallenge.verdict).toBe('invalid');
    expect(wrongChallenge.reasons.map((x) => x.split(':')[0])).toEqual(['binding.worker']);
  });

  it('GPU evidence alone verifies with the SAME NVIDIA verifier when the dev root is pinned', () => {
    const ev = mintDevEvidence({roots, tlsSpkiDer: tls, workerPubkey: WORKER, challenge: CHALLENGE});
    const r = verifyGpuEvidence({evidence: ev.gpu!, now: NOW, dangerousExtraRootSha256: pins});
    expectValidOffline(r);
    expect(r.gpus[0]).toMatchObject({driver: '550.144.03', vbios: '96.00.9F.00.02', dev: true});
    expect(r.gpus[0].measurements).toHaveLength(64);
    expect(verifyGpuEvidence({evidence: ev.gpu!, now: NOW}).verdict).toBe('invalid');
  });

  it('without a GPU, the nonce half still binds the worker key; valid only where CPU-only workers are allowed', () => {
    const ev = mintDevEvidence({roots, tlsSpkiDer: tls, workerPubkey: WORKER, challenge: CHALLENGE, gpu: false});
    expect(ev.gpu).toBeUndefined();
    const cpuOnly = verifyBundle(ev.bundle, {now: NOW, policy: {...allow(), allowCpuOnly: true}, measurements});
    expect(cpuOnly.verdict).toBe('valid');
    expect(cpuOnly.binding?.worker).toBe(true);
    const gpuRequired = verifyBundle(ev.bundle, {now: NOW, policy: allow(), measurements});
    expect(gpuRequired.verdict).toBe('unverifiable');
    expect(gpuRequired.checks.find((c) => c.name === 'binding.gpu_nonce')).toMatchObject({ok: false, missing: true});
  });

  it('persisted roots with tampered pins are refused', () => {
    const doc = serializeDevRoots(roots);
    doc.pins.tdxRootSha256 = '00'.repeat(32);
    expect(() => parseDevRoots(doc)).toThrow(/pins do not match/);
  });
});

describe('SPDM builder', () => {
  const key = generateKeyPairSync('ec', {namedCurve: 'P-384'});
  const base = () => ({
    requestNonce: new Uint8Array(32).fill(1),
    responderNonce: new Uint8Array(32).fill(2),
    blocks: [1, 2, 3].map((i) => ({index: i, value: new Uint8Array(48).fill(i)})),
    opaque: [{type: 6, value: vbiosVersionOpaque('96.00.9F.00.01')}, {type: 99, value: Uint8Array.of(1, 2, 3)}],
    signingKey: key.privateKey,
  });

  it('produces what the parser reads back, signed over request ‖ response', () => {
    const ev = parseSpdmEvidence(buildSpdmEvidence(base()));
    expect(ev.blocks.map((b) => b.index)).toEqual([1, 2, 3]);
    expect(ev.recordLength).toBe(3 * (4 + 3 + 48));
    expect(vbiosVersion(ev)).toBe('96.00.9F.00.01');
    expect(ev.opaque.find((o) => o.type === 99)?.value).toEqual(Uint8Array.of(1, 2, 3));
    expect(ev.signatureOffset).toBe(ev.bytes.length - 96);
  });

  it('trailing bytes after the signature are rejected by the parser', () => {
    expect(() => parseSpdmEvidence(buildSpdmEvidence({...base(), dangerousTrailing: Uint8Array.of(0)}))).toThrow(/after the SPDM signature/);
  });

  it('refuses wrong nonce sizes and non-P-384 keys', () => {
    expect(() => buildSpdmEvidence({...base(), requestNonce: new Uint8Array(31)})).toThrow(RangeError);
    expect(() => buildSpdmEvidence({...base(), signingKey: generateKeyPairSync('ec', {namedCurve: 'P-256'}).privateKey})).toThrow(/P-384/);
  });
});
