import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {devMeasurementPolicy} from '../../src/attest/dev/measurements.js';
import {mintDevEvidence} from '../../src/attest/dev/mint.js';
import {parseCertDer} from '../../src/attest/x509.js';
import {ensureDevRoots} from '../../src/lib/attest/dev.js';
import {runCli, tempHome, type RunResult} from '../helpers/cli.js';
import {describeShared} from '../helpers/shared.js';
import {makeTlsCert, pccsRoute, startServer, type TestCert, type TestServer} from '../attest/fetch-server.js';
import {fixture, readFixtureText} from '../attest/verify-fixtures.js';

// The real binary, spawned: exit codes, one JSON document on stdout, one-line errors on stderr.

interface VerifyJson {
  verdict: string;
  dev: boolean;
  checks: {name: string; ok: boolean; missing?: boolean; skipped?: boolean; detail: string}[];
  reasons: string[];
  binding?: {tls?: string};
  source?: {origin?: string; endpoints?: string; tlsSpkiSha256?: string};
}

const json = (r: RunResult) => JSON.parse(r.stdout) as VerifyJson;
const failed = (j: VerifyJson) => j.checks.filter((c) => !c.ok && !c.missing).map((c) => c.name);

/** An error run: the exit code, nothing on stdout, exactly one line on stderr, no stack trace. */
function expectOneLineError(r: RunResult, code: number, pattern: RegExp): void {
  expect({code: r.code, stdout: r.stdout}).toEqual({code, stdout: ''});
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describeShared('fixtures/attestation')('attest verify (binary) on every shared vector', () => {
  const home = tempHome();
  const f = fixture;
  const C90 = f('tdx/fmspc-90c06f000000-2026-02.collateral.json');
  const MILAN = ['--cert-chain', f('sev-snp/amd-milan-ask-ark.pem'), '--crl', f('sev-snp/amd-milan-vcek-crl.der'), '--at', '1788220800'];
  const N2 = ['--gpu-evidence', f('nvidia/nvtrust-hopper.evidence.hex'), '--gpu-cert-chain', f('nvidia/nvtrust-hopper.certchain.pem'), '--at', '1788220800'];
  const cases: [string, string, number, string | null, string[]][] = [
    ['T1', 'valid', 0, null, ['--quote', f('tdx/phala-tdx-v4-uptodate.quote.bin'), '--collateral', f('tdx/phala-tdx-v4-uptodate.collateral.json'), '--at', '1751328000']],
    ['T2', 'valid', 0, null, ['--quote', f('tdx/gotdx-tdx-v5-uptodate.quote.bin'), '--collateral', C90, '--at', '1772323200']],
    ['T3', 'invalid', 4, 'tdx.tcb.level', ['--quote', f('tdx/phala-tdx-v5-tcb-unsupported.quote.bin'), '--collateral', C90, '--at', '1772323200']],
    ['T4', 'unverifiable', 3, 'collateral.tdx', ['--quote', f('tdx/secretai-worker-tdx-v4.quote.hex'), '--at', '1788220800']],
    ['S1', 'valid', 0, null, ['--quote', f('sev-snp/virtee-milan-v2.report.hex'), '--vcek', f('sev-snp/virtee-milan.vcek.der'), ...MILAN]],
    ['S2', 'invalid', 4, 'snp.policy.debug', ['--quote', f('sev-snp/gosev-milan-v2-debug.report.bin'), '--vcek', f('sev-snp/gosev-milan.vcek.der'), ...MILAN]],
    ['S3', 'unverifiable', 3, 'snp.vcek.present', ['--quote', f('sev-snp/secretvm-genoa-v3.report.b64'), '--cert-chain', f('sev-snp/amd-genoa-ask-ark.pem'), '--crl', f('sev-snp/amd-genoa-vcek-crl.der'), '--at', '1788220800']],
    // Offline, NVIDIA RIM and OCSP cannot run: unverifiable, never valid (valid with --online: attest-rim/ocsp tests).
    ['N1', 'unverifiable', 3, 'nvidia.rim', ['--gpu-evidence', f('nvidia/secretai-worker-gpu-evidence.json'), '--at', '1788220800']],
    ['N2', 'unverifiable', 3, 'nvidia.ocsp', [...N2, '--gpu-nonce', '931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb']],
    ['N2 with nvtrust nonce', 'invalid', 4, 'nvidia.nonce', [...N2, '--gpu-nonce', '4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e']],
  ];

  it.each(cases)('%s → %s, exit %i', async (_id, verdict, code, named, args) => {
    const r = await runCli(['attest', 'verify', ...args, '--json', '--home', home]);
    const j = json(r);
    expect({verdict: j.verdict, code: r.code}).toEqual({verdict, code});
    if (named && verdict === 'invalid') expect(failed(j)).toEqual([named]);
    if (named && verdict === 'unverifiable') expect(j.checks.find((c) => c.name === named)?.missing).toBe(true);
  });

  describe('malformed input: exit 2 (or 4 once parsing is the verifier’s), one line, no stack trace', () => {
    const dir = tempHome('secretai-malformed-');
    const file = (name: string, content: string | Buffer) => {
      const p = path.join(dir, name);
      writeFileSync(p, content);
      return p;
    };
    const t1 = readFileSync(f('tdx/phala-tdx-v4-uptodate.quote.bin'));

    it('garbage text', async () => {
      expectOneLineError(await runCli(['attest', 'verify', '--quote', file('garbage.txt', 'hello, this is not a quote\n'), '--home', home]), 2, /--quote .*neither hex nor base64/);
    });

    it('random binary', async () => {
      expectOneLineError(await runCli(['attest', 'verify', '--quote', file('random.bin', Buffer.from([0xff, 0, 1, 2, 3, 0x80, 0x81, 0x82, 9, 9])), '--home', home]), 2, /neither a TDX quote.*nor an SEV-SNP report/);
    });

    it('wrong encoding (odd-length hex, base64 with junk)', async () => {
      const hex = t1.toString('hex');
      expectOneLineError(await runCli(['attest', 'verify', '--quote', file('odd.hex', hex.slice(0, -1)), '--home', home]), 2, /^Error: --quote /);
      expectOneLineError(await runCli(['attest', 'verify', '--quote', file('bad.b64', `${t1.toString('base64').slice(0, 200)}%%%`), '--home', home]), 2, /^Error: --quote /);
    });

    it('wrong length: a truncated TDX quote fails verification with the parse check named', async () => {
      const r = await runCli(['attest', 'verify', '--quote', file('short.bin', t1.subarray(0, 700)), '--json', '--home', home]);
      expect(r.code).toBe(4);
      expect(json(r).reasons[0]).toMatch(/^tdx\.quote\.parse: /);
      const human = await runCli(['attest', 'verify', '--quote', path.join(dir, 'short.bin'), '--home', home]);
      expect(human.code).toBe(4);
      expect(human.stderr).toBe('');
      expect(human.stdout).toMatch(/Failed: tdx\.quote\.parse: /);
    });

    it('bad flags and files', async () => {
      expectOneLineError(await runCli(['attest', 'verify', '--quote', path.join(dir, 'nope.bin'), '--home', home]), 2, /cannot read --quote .*no such file/);
      expectOneLineError(await runCli(['attest', 'verify', '--quote', f('tdx/phala-tdx-v4-uptodate.quote.bin'), '--at', 'yesterday', '--home', home]), 2, /--at "yesterday"/);
      expectOneLineError(await runCli(['attest', 'verify', '--gpu-evidence', f('nvidia/secretai-worker-gpu-evidence.json'), '--gpu-nonce', 'abc', '--home', home]), 2, /--gpu-nonce must be 64 hex/);
      expectOneLineError(await runCli(['attest', 'verify', '--quote', f('tdx/phala-tdx-v4-uptodate.quote.bin'), '--collateral', file('col.json', '{"tcb_info": 1}'), '--home', home]), 2, /--collateral .*collateral:/);
      expectOneLineError(await runCli(['attest', 'verify', file('b.json', '{"version": 2, "cpu": {}}'), '--home', home]), 2, /bundle version: unsupported version/);
      expectOneLineError(await runCli(['attest', 'verify', '--home', home]), 2, /nothing to verify/);
    });

    it('--json errors are one JSON document with the exit code', async () => {
      const r = await runCli(['attest', 'verify', '--quote', path.join(dir, 'garbage.txt'), '--json', '--home', home]);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({error: {exitCode: 2, code: 'MALFORMED_EVIDENCE'}});
    });
  });
});

describe('attest verify --url against a local HTTPS worker serving dev evidence', () => {
  const home = tempHome();
  // The devnet's dev image: what a live worker's measurements are appraised against here.
  const policy = path.join(home, 'measurements.json');
  let own: TestCert;
  let other: TestCert;
  let worker: TestServer;
  let impostor: TestServer;
  let gateway: TestServer;

  beforeAll(async () => {
    own = makeTlsCert('worker');
    other = makeTlsCert('impostor');
    const {roots} = ensureDevRoots(home);
    const ev = mintDevEvidence({roots, tlsSpkiDer: parseCertDer(own.certDer).spkiDer, workerPubkey: Uint8Array.from([2, ...new Array(32).fill(7)]), challenge: Uint8Array.of(1, 2, 3)});
    const cpu = Buffer.from(ev.quote).toString('hex');
    const gpu = JSON.stringify(ev.gpu);
    const secretVm = (p: string) => (p === '/cpu' ? {body: cpu} : p === '/gpu' ? {body: gpu} : undefined);
    worker = await startServer(own, secretVm);
    impostor = await startServer(other, secretVm);
    gateway = await startServer(own, (p) => (p === '/attestation' ? {body: JSON.stringify(ev.bundle)} : undefined));
    writeFileSync(policy, JSON.stringify(devMeasurementPolicy()));
  });
  afterAll(async () => {
    await worker?.close();
    await impostor?.close();
    await gateway?.close();
  });

  it('evidence bound to the worker’s own TLS certificate is valid (dev, on local)', async () => {
    const r = await runCli(['attest', 'verify', '--url', worker.url, '--measurements', policy, '--json', '--home', home]);
    const j = json(r);
    expect(j.reasons).toEqual([]);
    expect({verdict: j.verdict, code: r.code, dev: j.dev, tls: j.binding?.tls}).toEqual({verdict: 'valid', code: 0, dev: true, tls: 'spki'});
    expect(j.source).toMatchObject({origin: worker.url, endpoints: '/cpu + /gpu'});
    expect(worker.requests).toEqual(['/cpu', '/gpu']);
    expect(j.checks.find((c) => c.name === 'collateral.tdx')?.detail).toMatch(/dev roots/);
  });

  it('the same evidence served behind another TLS certificate fails the binding (exit 4)', async () => {
    const r = await runCli(['attest', 'verify', '--url', impostor.url, '--measurements', policy, '--json', '--home', home]);
    const j = json(r);
    expect({verdict: j.verdict, code: r.code}).toEqual({verdict: 'invalid', code: 4});
    expect(failed(j)).toEqual(['binding.tls']);
    const human = await runCli(['attest', 'verify', '--url', impostor.url, '--home', home]);
    expect(human.stdout).toMatch(/✗ binding\.tls/);
  });

  it('a secretai gateway serving /attestation is checked against its presented certificate', async () => {
    const r = await runCli(['attest', 'verify', '--url', gateway.url, '--measurements', policy, '--json', '--home', home]);
    const j = json(r);
    expect({verdict: j.verdict, code: r.code, endpoints: j.source?.endpoints}).toEqual({verdict: 'valid', code: 0, endpoints: '/attestation'});
    expect(gateway.requests).toEqual(['/cpu', '/attestation']);
  });

  it('on a profile without allowDev the worker is invalid: dev attestation not allowed', async () => {
    const r = await runCli(['attest', 'verify', '--url', worker.url, '--network', 'pulsar-3', '--json', '--home', home]);
    expect(r.code).toBe(4);
    expect(json(r).reasons[0]).toMatch(/^dev\.attestation: dev attestation \(not hardware\)/);
  });

  it('an unreachable worker is exit 3; http:// is a usage error', async () => {
    const closed = await startServer(own, () => undefined);
    const url = closed.url;
    await closed.close();
    expectOneLineError(await runCli(['attest', 'verify', '--url', url, '--home', home]), 3, /cannot reach the worker's attestation endpoint/);
    expectOneLineError(await runCli(['attest', 'verify', '--url', 'http://127.0.0.1:1', '--home', home]), 2, /--url must be https/);
  });
});

describeShared('fixtures/attestation')('attest verify --online against a local PCCS', () => {
  const cert = makeTlsCert();
  const home = tempHome();
  const caFile = path.join(home, 'ca.pem');
  let pccs: TestServer;
  beforeAll(async () => {
    writeFileSync(caFile, cert.certPem);
    const col = JSON.parse(readFixtureText('tdx/phala-tdx-v4-uptodate.collateral.json')) as Record<string, string>;
    pccs = await startServer(cert, pccsRoute(col, 'b0c06f000000'));
  });
  afterAll(async () => {
    await pccs?.close();
  });
  const T1 = ['attest', 'verify', '--quote', fixture('tdx/phala-tdx-v4-uptodate.quote.bin'), '--at', '1751328000', '--json'];

  it('fetches missing collateral only with --online, then verifies offline from the cache', async () => {
    const env = {NODE_EXTRA_CA_CERTS: caFile, SECRETAI_PCS_URL: pccs.url};
    const offlineFirst = await runCli([...T1, '--home', home], {env});
    expect(offlineFirst.code).toBe(3);
    expect(pccs.requests).toEqual([]);
    const online = await runCli([...T1, '--online', '--home', home], {env});
    expect({verdict: json(online).verdict, code: online.code}).toEqual({verdict: 'valid', code: 0});
    expect(pccs.requests).toHaveLength(4);
    const cached = await runCli([...T1, '--home', home], {env});
    expect({verdict: json(cached).verdict, code: cached.code}).toEqual({verdict: 'valid', code: 0});
    expect(json(cached).checks[0]).toMatchObject({name: 'collateral.tdx', ok: true, detail: expect.stringMatching(/\(cache\)$/)});
    expect(pccs.requests).toHaveLength(4);
  });
});
