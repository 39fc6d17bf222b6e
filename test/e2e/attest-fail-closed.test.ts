import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from '@jest/globals';
import {devMeasurementPolicy} from '../../src/attest/dev/measurements.js';
import {mintDevEvidence} from '../../src/attest/dev/mint.js';
import {parseCertDer} from '../../src/attest/x509.js';
import {ensureDevRoots} from '../../src/lib/attest/dev.js';
import {makeTlsCert} from '../attest/fetch-server.js';
import {fixture} from '../attest/verify-fixtures.js';
import {runCli, tempHome} from '../helpers/cli.js';
import {describeShared} from '../helpers/shared.js';

// The cases a security reviewer tries, through the binary: each answers exit 3 or 4 with the check named.
interface Json {
  verdict: string;
  checks: {name: string; ok: boolean; missing?: boolean; detail: string}[];
  accepted: string[];
}

const CHALLENGE = 'c4a1'.repeat(16);

describe('attest verify fails closed (binary)', () => {
  const home = tempHome();
  const file = (name: string) => path.join(home, name);
  const verify = async (...args: string[]) => {
    const r = await runCli(['attest', 'verify', ...args, '--json', '--home', home]);
    return {...r, j: JSON.parse(r.stdout) as Json};
  };
  const named = (j: Json) => j.checks.filter((c) => !c.ok).map((c) => c.name);

  beforeAll(() => {
    const {roots} = ensureDevRoots(home);
    const tls = makeTlsCert('worker');
    const ev = mintDevEvidence({roots, tlsSpkiDer: parseCertDer(tls.certDer).spkiDer, workerPubkey: Uint8Array.from([2, ...new Array(32).fill(1)]), challenge: Buffer.from(CHALLENGE, 'hex')});
    writeFileSync(file('bundle.json'), JSON.stringify(ev.bundle));
    const {gpu, ...noGpu} = ev.bundle as unknown as Record<string, unknown>;
    writeFileSync(file('no-gpu.json'), JSON.stringify(noGpu));
    const {nonce: _n, ...noNonce} = gpu as Record<string, unknown>;
    writeFileSync(file('gpu-no-nonce.json'), JSON.stringify(noNonce));
    const dev = devMeasurementPolicy();
    writeFileSync(file('dev.json'), JSON.stringify(dev));
    writeFileSync(file('other.json'), JSON.stringify({...dev, name: 'prod', tdx: [{...dev.tdx![0], mrtd: 'ee'.repeat(48)}]}));
    writeFileSync(file('broken.json'), JSON.stringify({name: 'x', version: '1', tdx: [{mrtd: '0x12'}]}));
  });

  it('a valid dev bundle: exit 0, one JSON document, the accepted dev GPU gaps warned on stderr', async () => {
    const r = await verify(file('bundle.json'), '--measurements', file('dev.json'), '--challenge', CHALLENGE);
    expect({code: r.code, verdict: r.j.verdict}).toEqual({code: 0, verdict: 'valid'});
    expect(r.j.accepted.map((a) => a.split(':')[0])).toEqual(['nvidia.rim', 'nvidia.ocsp']);
    expect(r.stderr).toMatch(/Warning: accepted gap: nvidia\.rim: .*dev GPUs/);
    expect(r.stderr).toMatch(/Warning: accepted gap: nvidia\.ocsp/);
  });

  it('a bundle whose GPU evidence was removed: exit 3 without any flag, binding.gpu_nonce missing', async () => {
    const r = await verify(file('no-gpu.json'), '--measurements', file('dev.json'));
    expect({code: r.code, verdict: r.j.verdict}).toEqual({code: 3, verdict: 'unverifiable'});
    expect(r.j.checks.find((c) => c.name === 'binding.gpu_nonce')).toMatchObject({ok: false, missing: true});
  });

  it('an unlisted image: exit 4 naming the measurement; no policy at all: exit 3', async () => {
    const r = await verify(file('bundle.json'), '--measurements', file('other.json'));
    expect({code: r.code, verdict: r.j.verdict}).toEqual({code: 4, verdict: 'invalid'});
    expect(named(r.j)).toEqual(['measurements.tdx']);
    expect(r.j.checks.find((c) => c.name === 'measurements.tdx')?.detail).toMatch(/^MRTD [0-9a-f]{16}… is not an accepted value in policy prod/);
    const none = await verify(file('bundle.json'));
    expect({code: none.code, verdict: none.j.verdict}).toEqual({code: 3, verdict: 'unverifiable'});
    expect(none.j.checks.filter((c) => c.missing).map((c) => c.name)).toEqual(['measurements.tdx', 'measurements.nvidia']);
  });

  it('attest show --measurements prints exactly the policy document that verify --measurements takes back', async () => {
    const shown = await runCli(['attest', 'show', file('bundle.json'), '--measurements', '--home', home]);
    expect(shown.code).toBe(0);
    const doc = JSON.parse(shown.stdout) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['name', 'version', 'tdx', 'nvidia']);
    expect(doc.tdx).toEqual(devMeasurementPolicy().tdx);
    expect(doc.nvidia).toEqual(devMeasurementPolicy().nvidia);
    const asJson = await runCli(['attest', 'show', file('bundle.json'), '--measurements', '--json', '--home', home]);
    expect(JSON.parse(asJson.stdout)).toEqual(doc);
    writeFileSync(file('shown.json'), shown.stdout);
    expect((await verify(file('bundle.json'), '--measurements', file('shown.json'))).code).toBe(0);
  });

  it('a malformed measurement policy is a usage error (exit 2) naming the field', async () => {
    const r = await runCli(['attest', 'verify', file('bundle.json'), '--measurements', file('broken.json'), '--home', home]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--measurements .*tdx\[0\]\.mrtd must be 96 lower-case hex/);
  });

  it('freshness: another challenge is exit 4 (freshness.challenge); --challenge without a bundle is exit 2', async () => {
    const r = await verify(file('bundle.json'), '--measurements', file('dev.json'), '--challenge', 'ab'.repeat(32));
    expect({code: r.code, verdict: r.j.verdict}).toEqual({code: 4, verdict: 'invalid'});
    expect(named(r.j)).toEqual(['freshness.challenge']);
    const prev = await verify(file('bundle.json'), '--measurements', file('dev.json'), '--challenge', 'ab'.repeat(32), '--challenge', CHALLENGE);
    expect(prev.code).toBe(0);
    const loose = await runCli(['attest', 'verify', '--gpu-evidence', file('gpu-no-nonce.json'), '--challenge', CHALLENGE, '--home', home]);
    expect(loose.code).toBe(2);
    expect(loose.stderr).toMatch(/--challenge needs a bundle/);
  });

  it('GPU JSON evidence without a nonce: exit 3 with nvidia.nonce missing', async () => {
    const r = await verify('--gpu-evidence', file('gpu-no-nonce.json'));
    expect({code: r.code, verdict: r.j.verdict}).toEqual({code: 3, verdict: 'unverifiable'});
    expect(r.j.checks.find((c) => c.name === 'nvidia.nonce')).toMatchObject({ok: false, missing: true});
  });
});

describeShared('fixtures/attestation')('attest verify on real evidence offline (binary)', () => {
  const home = tempHome();

  it('NVIDIA evidence offline: exit 3 with nvidia.rim and nvidia.ocsp missing (they were skipped and valid)', async () => {
    const r = await runCli(['attest', 'verify', '--gpu-evidence', fixture('nvidia/secretai-worker-gpu-evidence.json'), '--at', '1788220800', '--json', '--home', home]);
    const j = JSON.parse(r.stdout) as Json;
    expect({code: r.code, verdict: j.verdict}).toEqual({code: 3, verdict: 'unverifiable'});
    expect(j.checks.filter((c) => c.missing).map((c) => c.name)).toEqual(['nvidia.rim', 'nvidia.ocsp']);
  });

  it('a real quote appraised against a policy that does not list it: exit 4 naming MRTD', async () => {
    const policy = path.join(home, 'dev.json');
    writeFileSync(policy, JSON.stringify(devMeasurementPolicy()));
    const r = await runCli(['attest', 'verify', '--quote', fixture('tdx/phala-tdx-v4-uptodate.quote.bin'), '--collateral', fixture('tdx/phala-tdx-v4-uptodate.collateral.json'), '--at', '1751328000', '--measurements', policy, '--json', '--home', home]);
    const j = JSON.parse(r.stdout) as Json;
    expect({code: r.code, verdict: j.verdict}).toEqual({code: 4, verdict: 'invalid'});
    expect(j.checks.find((c) => c.name === 'measurements.tdx')?.detail).toMatch(/^MRTD /);
    // Its own measurements, as attest show prints them, make it valid again.
    const shown = await runCli(['attest', 'show', fixture('tdx/phala-tdx-v4-uptodate.quote.bin'), '--measurements', '--home', home]);
    writeFileSync(policy, shown.stdout);
    expect(JSON.parse(readFileSync(policy, 'utf8')).tdx[0].mrtd).toMatch(/^[0-9a-f]{96}$/);
    const ok = await runCli(['attest', 'verify', '--quote', fixture('tdx/phala-tdx-v4-uptodate.quote.bin'), '--collateral', fixture('tdx/phala-tdx-v4-uptodate.collateral.json'), '--at', '1751328000', '--measurements', policy, '--json', '--home', home]);
    expect(ok.code).toBe(0);
  });
});
