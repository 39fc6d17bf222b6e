import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {devMeasurementPolicy} from '../../src/attest/dev/measurements.js';
import {mintDevEvidence} from '../../src/attest/dev/mint.js';
import {parseCertDer} from '../../src/attest/x509.js';
import {ensureDevRoots} from '../../src/lib/attest/dev.js';
import {makeTlsCert, startServer, type TestServer} from '../attest/fetch-server.js';
import {runCli, tempHome} from '../helpers/cli.js';

// Evidence that binds a GPU nonce but comes without GPU evidence must not pass as valid when the binding is
// required; a verifier-chosen GPU nonce must be compared with the evidence, whatever form the evidence takes.
describe('attest verify: GPU half of the binding', () => {
  const home = tempHome();
  const own = makeTlsCert('worker');
  let bundleFile: string;
  let noGpuFile: string;
  let gpuFile: string;
  let nonce: string;
  let failingGpu: TestServer;
  const policy = path.join(home, 'measurements.json');

  beforeAll(async () => {
    const {roots} = ensureDevRoots(home);
    const ev = mintDevEvidence({roots, tlsSpkiDer: parseCertDer(own.certDer).spkiDer, workerPubkey: Uint8Array.from([3, ...new Array(32).fill(9)]), challenge: Uint8Array.of(4, 5, 6)});
    nonce = ev.gpu!.nonce;
    bundleFile = path.join(home, 'bundle.json');
    writeFileSync(bundleFile, JSON.stringify(ev.bundle));
    const {gpu: _gpu, ...noGpu} = ev.bundle as unknown as Record<string, unknown>;
    noGpuFile = path.join(home, 'no-gpu.json');
    writeFileSync(noGpuFile, JSON.stringify(noGpu));
    gpuFile = path.join(home, 'gpu.json');
    writeFileSync(gpuFile, JSON.stringify(ev.gpu));
    const cpu = Buffer.from(ev.quote).toString('hex');
    writeFileSync(policy, JSON.stringify(devMeasurementPolicy()));
    failingGpu = await startServer(own, (p) => (p === '/cpu' ? {body: cpu} : p === '/gpu' ? {status: 500, body: 'oops'} : undefined));
  });
  afterAll(async () => {
    await failingGpu?.close();
  });

  const verify = async (...args: string[]) => {
    const r = await runCli(['attest', 'verify', ...args, '--json', '--home', home]);
    return {code: r.code, j: JSON.parse(r.stdout) as {verdict: string; checks: Array<{name: string; ok: boolean}>; error?: {message: string}}};
  };

  it('a GPU worker\'s bundle stripped of its GPU evidence is unverifiable (exit 3), not valid', async () => {
    // The binding is required for every bundle: no --require-binding needed (it was, and without it this was valid).
    const {code, j} = await verify(noGpuFile, '--measurements', policy);
    expect({code, verdict: j.verdict}).toEqual({code: 3, verdict: 'unverifiable'});
    expect(j.checks.find((c) => c.name === 'binding.gpu_nonce')).toMatchObject({ok: false, missing: true, detail: expect.stringMatching(/the GPU was not checked/)});
    expect((await verify(bundleFile, '--measurements', policy)).code).toBe(0);
  });

  it('a worker whose /gpu fails is unverifiable (exit 3), not valid', async () => {
    const {code, j} = await verify('--url', failingGpu.url, '--measurements', policy);
    expect({code, verdict: j.verdict}).toEqual({code: 3, verdict: 'unverifiable'});
    expect(j.checks.find((c) => c.name === 'source.gpu')).toMatchObject({ok: false});
  });

  it('--gpu-nonce is checked against a bundle\'s GPU evidence', async () => {
    expect((await verify(bundleFile, '--gpu-nonce', nonce, '--measurements', policy)).code).toBe(0);
    const wrong = await verify(bundleFile, '--gpu-nonce', '00'.repeat(31) + '01', '--measurements', policy);
    expect({code: wrong.code, verdict: wrong.j.verdict}).toEqual({code: 4, verdict: 'invalid'});
    expect(wrong.j.checks.filter((c) => !c.ok).map((c) => c.name)).toContain('nvidia.nonce');
    expect((await verify(noGpuFile, '--gpu-nonce', nonce)).code).toBe(2);
  });

  it('--gpu-cert-chain with nvtrust JSON evidence is a usage error, not silently ignored', async () => {
    const chain = path.join(home, 'chain.pem');
    writeFileSync(chain, own.certPem);
    const r = await runCli(['attest', 'verify', '--gpu-evidence', gpuFile, '--gpu-cert-chain', chain, '--home', home]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--gpu-cert-chain is for raw SPDM evidence/);
  });
});
