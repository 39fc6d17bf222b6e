/**
 * The worker-verification service (`verifyWorker`) and `attest verify`'s service on the cases a security
 * reviewer tries: each must fail closed (unverifiable or invalid, with the check named), never answer valid.
 */
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from '@jest/globals';
import {devMeasurementPolicy} from '../../src/attest/dev/measurements.js';
import {mintDevEvidence, type DevEvidence} from '../../src/attest/dev/mint.js';
import type {MeasurementPolicy} from '../../src/attest/measurements.js';
import {parseCertDer} from '../../src/attest/x509.js';
import {Context} from '../../src/lib/cli/base-command.js';
import {Output} from '../../src/lib/cli/output.js';
import {ensureDevRoots} from '../../src/lib/attest/dev.js';
import {verifyWorker, type WorkerVerification} from '../../src/lib/attest/service.js';
import {verifyAttestation} from '../../src/lib/attest/verify.js';
import {makeTlsCert} from './fetch-server.js';
import {tempHome} from '../helpers/cli.js';
import {describeShared} from '../helpers/shared.js';
import {fixture} from './verify-fixtures.js';

const WORKER = Uint8Array.from([3, ...new Array(32).fill(0x2a)]);
const CHALLENGE = Buffer.from('5eed'.repeat(16), 'hex');
const OTHER = Buffer.from('0bad'.repeat(16), 'hex');

function context(home: string, network = 'local'): Context {
  const out = new Output({json: true, verbose: false, interactive: false, env: {NO_COLOR: '1'}});
  return new Context({value: home, source: 'flag'}, out, {network, yes: true}, {});
}

const byName = (r: {checks: {name: string}[]}, n: string) => r.checks.find((c) => c.name === n) as WorkerVerification['checks'][number] | undefined;
const failed = (r: WorkerVerification) => r.checks.filter((c) => !c.ok && !c.missing).map((c) => c.name);

describe('verifyWorker (dev evidence on the local profile)', () => {
  const home = tempHome();
  const tls = makeTlsCert('worker');
  let ev: DevEvidence;
  let ctx: Context;
  const dev = devMeasurementPolicy();
  const verify = (bundle: unknown, extra: Partial<Parameters<typeof verifyWorker>[1]> = {}) => verifyWorker(ctx, {bundle, measurements: dev, ...extra});

  beforeAll(() => {
    const {roots} = ensureDevRoots(home);
    ev = mintDevEvidence({roots, tlsSpkiDer: parseCertDer(tls.certDer).spkiDer, workerPubkey: WORKER, challenge: CHALLENGE});
    ctx = context(home);
  });

  it('a complete dev bundle is valid: dev GPU gaps accepted and listed, worker key and TLS pin reported', async () => {
    const r = await verify(ev.bundle, {presentedCertDer: tls.certDer, expectedChallenges: [CHALLENGE.toString('hex')]});
    expect(r.reasons).toEqual([]);
    expect(r.verdict).toBe('valid');
    expect(r.dev).toBe(true);
    expect(r.accepted.map((a) => a.split(':')[0])).toEqual(['nvidia.rim', 'nvidia.ocsp']);
    expect(r.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^nvidia\.rim: not checked, accepted by policy for dev GPUs/)]));
    expect(r.workerPubkey).toBe(Buffer.from(WORKER).toString('hex'));
    expect(r.tlsSpkiSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.validUntil).toBeGreaterThan(Math.floor(Date.now() / 1000));
    expect(byName(r, 'freshness.challenge')).toMatchObject({ok: true});
    expect(byName(r, 'measurements.tdx')).toMatchObject({ok: true});
    expect(r.measurementPolicy).toEqual({source: 'caller', name: dev.name, version: dev.version});
  });

  it('a bundle stripped of its GPU evidence is unverifiable: the binding is required for every bundle', async () => {
    const {gpu: _gpu, ...noGpu} = ev.bundle as unknown as Record<string, unknown>;
    const r = await verify(noGpu);
    expect(r.verdict).toBe('unverifiable');
    expect(byName(r, 'binding.gpu_nonce')).toMatchObject({ok: false, missing: true});
  });

  it('a genuine TEE running an unlisted image is invalid, naming the measurement', async () => {
    const policy: MeasurementPolicy = {...dev, tdx: [{...dev.tdx![0], rtmr1: 'ab'.repeat(48)}]};
    const r = await verify(ev.bundle, {measurements: policy});
    expect(r.verdict).toBe('invalid');
    expect(failed(r)).toEqual(['measurements.tdx']);
    expect(byName(r, 'measurements.tdx')?.detail).toMatch(/^RTMR1 [0-9a-f]{16}… is not an accepted value in policy secretai-dev 1/);
    const other: MeasurementPolicy = {name: 'prod', version: '7', tdx: [{...dev.tdx![0], mrtd: 'cd'.repeat(48)}], nvidia: {min_driver_version: '560.0'}};
    const r2 = await verify(ev.bundle, {measurements: other});
    expect(failed(r2)).toEqual(['measurements.tdx', 'measurements.nvidia']);
    expect(byName(r2, 'measurements.tdx')?.detail).toMatch(/^MRTD /);
    expect(byName(r2, 'measurements.nvidia')?.detail).toMatch(/driver 550\.144\.03 < 560\.0/);
    const snpOnly = await verify(ev.bundle, {measurements: {name: 'snp', version: '1', sev_snp: [{measurement: '00'.repeat(48)}]}});
    expect(byName(snpOnly, 'measurements.tdx')).toMatchObject({ok: false, detail: expect.stringMatching(/lists no TDX image/)});
  });

  it('with no measurement policy from any source a bundle is unverifiable (appraisal missing), never valid', async () => {
    const r = await verifyWorker(ctx, {bundle: ev.bundle});
    expect(r.verdict).toBe('unverifiable');
    expect(byName(r, 'measurements.tdx')).toMatchObject({ok: false, missing: true, detail: expect.stringMatching(/has no WorkerManager/)});
    expect(r.measurementPolicy).toEqual({source: 'none'});
  });

  it('the network profile is a source (after the caller), and a WorkerManager that cannot answer gives none', async () => {
    const h = tempHome();
    ensureDevRoots(h);
    const {roots} = ensureDevRoots(h);
    const bundle = mintDevEvidence({roots, tlsSpkiDer: parseCertDer(tls.certDer).spkiDer, workerPubkey: WORKER, challenge: CHALLENGE}).bundle;
    writeFileSync(path.join(h, 'config.json'), JSON.stringify({settings: {}, networks: {local: {attestation: {allowDev: true, strict: false, measurements: dev}}}}));
    const fromProfile = await verifyWorker(context(h), {bundle});
    expect(fromProfile.verdict).toBe('valid');
    expect(fromProfile.measurementPolicy.source).toBe('profile');
    const callerFirst = await verifyWorker(context(h), {bundle, measurements: {name: 'x', version: '1', tdx: [{...dev.tdx![0], mrtd: '11'.repeat(48)}]}});
    expect(callerFirst.verdict).toBe('invalid');
    // An unreachable WorkerManager: no policy, with the reason; for a bundle that is unverifiable.
    const wm = {address: 'secret1' + 'q'.repeat(38), codeHash: 'a'.repeat(64)};
    writeFileSync(path.join(h, 'config.json'), JSON.stringify({settings: {}, networks: {local: {lcdUrl: 'http://127.0.0.1:1', contracts: {workerManager: wm}}}}));
    const noChain = await verifyWorker(context(h), {bundle});
    expect(noChain.verdict).toBe('unverifiable');
    expect(byName(noChain, 'measurements.tdx')?.detail).toMatch(/accepted_measurements could not be read/);
  });

  it('freshness: a bundle bound to another challenge than the expected one is invalid; the previous one is accepted', async () => {
    const stale = await verify(ev.bundle, {expectedChallenges: [OTHER.toString('hex')]});
    expect(stale.verdict).toBe('invalid');
    expect(failed(stale)).toEqual(['freshness.challenge']);
    expect(byName(stale, 'freshness.challenge')?.detail).toMatch(/is not the expected challenge/);
    const previous = await verify(ev.bundle, {expectedChallenges: [OTHER.toString('hex'), CHALLENGE.toString('hex')]});
    expect(previous.verdict).toBe('valid');
    // A bundle that names no challenge is bound to one of the expected ones, or fails the worker binding.
    const {challenge: _c, ...unnamed} = ev.bundle as unknown as Record<string, unknown>;
    expect((await verify(unnamed, {expectedChallenges: [OTHER.toString('hex'), CHALLENGE.toString('hex')]})).verdict).toBe('valid');
    const wrong = await verify(unnamed, {expectedChallenges: [OTHER.toString('hex')]});
    expect(failed(wrong)).toEqual(['binding.worker']);
    // Without expected challenges freshness is reported as not checked, never as passed.
    expect(byName(await verify(ev.bundle), 'freshness.challenge')).toMatchObject({ok: true, skipped: true});
  });

  it('a presented certificate with another key fails the TLS binding; a malformed bundle is a verification failure', async () => {
    const other = makeTlsCert('impostor');
    const r = await verify(ev.bundle, {presentedCertDer: other.certDer});
    expect(failed(r)).toEqual(['binding.tls']);
    await expect(verify({version: 1, cpu: {type: 'tdx'}})).rejects.toMatchObject({exitCode: 4});
  });

  it('on a profile without dev attestation, dev GPUs gaps are not accepted and dev evidence is invalid', async () => {
    const r = await verifyWorker(context(home, 'pulsar-3'), {bundle: ev.bundle, measurements: dev});
    expect(r.verdict).toBe('invalid');
    expect(r.accepted).toEqual([]);
    expect(byName(r, 'nvidia.rim')).toMatchObject({ok: false, missing: true});
  });
});

describeShared('fixtures/attestation')('attest verify service on loose real evidence', () => {
  const home = tempHome();
  const ctx = () => context(home);

  it('offline, real NVIDIA evidence is unverifiable: RIM and OCSP are missing, not skipped', async () => {
    const r = await verifyAttestation(ctx(), {gpuEvidence: fixture('nvidia/secretai-worker-gpu-evidence.json'), at: '1788220800'});
    expect(r.verdict).toBe('unverifiable');
    expect(r.checks.filter((c) => c.missing).map((c) => c.name)).toEqual(['nvidia.rim', 'nvidia.ocsp']);
    expect(r.accepted).toEqual([]);
  });

  it('GPU JSON evidence without a nonce: the nonce check is missing', async () => {
    const h = tempHome();
    const doc = JSON.parse((await import('node:fs')).readFileSync(fixture('nvidia/secretai-worker-gpu-evidence.json'), 'utf8')) as Record<string, unknown>;
    delete doc.nonce;
    const file = path.join(h, 'no-nonce.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = await verifyAttestation(ctx(), {gpuEvidence: file, at: '1788220800'});
    expect(r.verdict).toBe('unverifiable');
    expect(r.checks.find((c) => c.name === 'nvidia.nonce')).toMatchObject({ok: false, missing: true});
  });

  it('loose CPU evidence without a policy is valid with the warning "measurements not appraised"; with an unlisted policy it is invalid', async () => {
    const T1 = {quote: fixture('tdx/phala-tdx-v4-uptodate.quote.bin'), collateral: fixture('tdx/phala-tdx-v4-uptodate.collateral.json'), at: '1751328000'};
    const r = await verifyAttestation(ctx(), T1);
    expect(r.verdict).toBe('valid');
    expect(r.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^measurements: measurements not appraised/)]));
    const bad = await verifyAttestation(ctx(), {...T1, measurementPolicy: devMeasurementPolicy()});
    expect(bad.verdict).toBe('invalid');
    expect(bad.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['measurements.tdx']);
  });
});
