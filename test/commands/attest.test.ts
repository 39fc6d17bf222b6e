import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from '@jest/globals';
import {runCommand} from '@oclif/test';
import {tempHome} from '../helpers/cli.js';
import {describeShared, repoRoot} from '../helpers/shared.js';
import {makeTlsCert} from '../attest/fetch-server.js';
import {fixture} from '../attest/verify-fixtures.js';

// Command level: `attest` commands run in-process through oclif; we check the typed JSON and the exit code.
const opts = {root: repoRoot};

interface VerifyJson {
  verdict: string;
  dev: boolean;
  checks: {name: string; ok: boolean; missing?: boolean; detail: string}[];
  reasons: string[];
  cpu?: {type: string; tcbStatus?: string};
  gpu?: {driver?: string}[];
  binding?: {tls?: string; worker?: boolean};
}

async function run(args: string[]): Promise<{code: number; json?: VerifyJson; stdout: string; stderr: string}> {
  const r = await runCommand(args, opts);
  const code = (r.error as {oclif?: {exit?: number}} | undefined)?.oclif?.exit ?? 0;
  let json: VerifyJson | undefined;
  try {
    json = JSON.parse(r.stdout) as VerifyJson;
  } catch {
    json = undefined;
  }
  return {code, json, stdout: r.stdout, stderr: r.stderr};
}

const failed = (j: VerifyJson) => j.checks.filter((c) => !c.ok && !c.missing).map((c) => c.name);
const missing = (j: VerifyJson) => j.checks.filter((c) => c.missing).map((c) => c.name);

describeShared('fixtures/attestation')('attest verify on the shared vectors (in-process)', () => {
  const home = tempHome();
  const f = (p: string) => fixture(p);
  const T1 = ['--quote', f('tdx/phala-tdx-v4-uptodate.quote.bin'), '--collateral', f('tdx/phala-tdx-v4-uptodate.collateral.json'), '--at', '1751328000'];
  const C90 = f('tdx/fmspc-90c06f000000-2026-02.collateral.json');
  const MILAN = ['--cert-chain', f('sev-snp/amd-milan-ask-ark.pem'), '--crl', f('sev-snp/amd-milan-vcek-crl.der'), '--at', '1788220800'];
  const cases: {id: string; args: string[]; verdict: string; code: number; failing?: string[]; missing?: string}[] = [
    {id: 'T1', args: T1, verdict: 'valid', code: 0},
    {id: 'T2', args: ['--quote', f('tdx/gotdx-tdx-v5-uptodate.quote.bin'), '--collateral', C90, '--at', '2026-03-01T00:00:00Z'], verdict: 'valid', code: 0},
    {id: 'T3', args: ['--quote', f('tdx/phala-tdx-v5-tcb-unsupported.quote.bin'), '--collateral', C90, '--at', '1772323200'], verdict: 'invalid', code: 4, failing: ['tdx.tcb.level']},
    {id: 'T4', args: ['--quote', f('tdx/secretai-worker-tdx-v4.quote.hex'), '--at', '1788220800'], verdict: 'unverifiable', code: 3, missing: 'collateral.tdx'},
    {id: 'T4 with T1 collateral', args: ['--quote', f('tdx/secretai-worker-tdx-v4.quote.hex'), '--collateral', f('tdx/phala-tdx-v4-uptodate.collateral.json'), '--at', '1751328000'], verdict: 'invalid', code: 4, failing: ['tdx.pck.validity']},
    {id: 'S1', args: ['--quote', f('sev-snp/virtee-milan-v2.report.hex'), '--vcek', f('sev-snp/virtee-milan.vcek.der'), ...MILAN], verdict: 'valid', code: 0},
    {id: 'S2', args: ['--quote', f('sev-snp/gosev-milan-v2-debug.report.bin'), '--vcek', f('sev-snp/gosev-milan.vcek.der'), ...MILAN], verdict: 'invalid', code: 4, failing: ['snp.policy.debug']},
    {id: 'S3', args: ['--quote', f('sev-snp/secretvm-genoa-v3.report.b64'), '--cert-chain', f('sev-snp/amd-genoa-ask-ark.pem'), '--crl', f('sev-snp/amd-genoa-vcek-crl.der'), '--at', '1788220800'], verdict: 'unverifiable', code: 3, missing: 'snp.vcek.present'},
    // NVIDIA RIM and OCSP need NVIDIA's services: offline, N1 and N2 are unverifiable (never valid).
    {id: 'N1', args: ['--gpu-evidence', f('nvidia/secretai-worker-gpu-evidence.json'), '--at', '1788220800'], verdict: 'unverifiable', code: 3, failing: [], missing: 'nvidia.rim'},
    {id: 'N2', args: ['--gpu-evidence', f('nvidia/nvtrust-hopper.evidence.hex'), '--gpu-cert-chain', f('nvidia/nvtrust-hopper.certchain.pem'), '--gpu-nonce', '931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb', '--at', '1788220800'], verdict: 'unverifiable', code: 3, failing: [], missing: 'nvidia.ocsp'},
    {id: 'N2 with nvtrust nonce', args: ['--gpu-evidence', f('nvidia/nvtrust-hopper.evidence.hex'), '--gpu-cert-chain', f('nvidia/nvtrust-hopper.certchain.pem'), '--gpu-nonce', '4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e', '--at', '1788220800'], verdict: 'invalid', code: 4, failing: ['nvidia.nonce']},
  ];

  for (const c of cases) {
    it(`${c.id}: ${c.verdict}, exit ${c.code}`, async () => {
      const r = await run(['attest', 'verify', ...c.args, '--json', '--home', home]);
      expect({verdict: r.json?.verdict, code: r.code}).toEqual({verdict: c.verdict, code: c.code});
      if (c.failing) expect(failed(r.json!)).toEqual(c.failing);
      if (c.missing) expect(missing(r.json!)).toContain(c.missing);
      if (c.verdict === 'valid') expect(r.json!.reasons).toEqual([]);
    });
  }

  it('human output marks each check ✓/✗/– and ends with the reason', async () => {
    const r = await run(['attest', 'verify', '--quote', f('tdx/phala-tdx-v5-tcb-unsupported.quote.bin'), '--collateral', C90, '--at', '1772323200', '--home', home]);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^✗ invalid {2}TDX quote v5/);
    expect(r.stdout).toMatch(/✓ tdx\.quote\.signature/);
    expect(r.stdout).toMatch(/✗ tdx\.tcb\.level +TCB not supported/);
    expect(r.stdout).toMatch(/– binding\.tls/);
    expect(r.stdout).toMatch(/Failed: tdx\.tcb\.level: /);
  });

  it('the positional file may be a quote or GPU JSON, not only a bundle', async () => {
    const q = await run(['attest', 'verify', f('tdx/phala-tdx-v4-uptodate.quote.bin'), '--collateral', f('tdx/phala-tdx-v4-uptodate.collateral.json'), '--at', '1751328000', '--json', '--home', home]);
    expect(q.json?.verdict).toBe('valid');
    const g = await run(['attest', 'verify', f('nvidia/secretai-worker-gpu-evidence.json'), '--at', '1788220800', '--json', '--home', home]);
    expect(g.json?.gpu?.[0].driver).toBe('550.144.03');
  });

  it('attest show prints the parsed fields of a quote, an SNP report and raw SPDM evidence', async () => {
    const t = await runCommand<{kind: string; fields: {header: {version: number}; body: {reportData: string}}}>(['attest', 'show', f('tdx/secretai-worker-tdx-v4.quote.hex'), '--json', '--home', home], opts);
    expect(t.result?.kind).toBe('tdx-quote');
    expect(t.result?.fields.header.version).toBe(4);
    expect(t.result?.fields.body.reportData).toMatch(/^7e3faaf35ce0d013/);
    const s = await runCommand<{kind: string; encoding: string; fields: {vmpl: number; cpuidProduct: string}}>(['attest', 'show', f('sev-snp/secretvm-genoa-v3.report.b64'), '--json', '--home', home], opts);
    expect(s.result).toMatchObject({kind: 'snp-report', encoding: 'base64', fields: {vmpl: 1, cpuidProduct: 'Genoa'}});
    const n = await runCommand<{kind: string; fields: {driver: string; measurementBlocks: unknown[]}}>(['attest', 'show', f('nvidia/nvtrust-hopper.evidence.hex'), '--json', '--home', home], opts);
    expect(n.result?.kind).toBe('spdm-evidence');
    expect(n.result?.fields.driver).toBe('550.90.07');
    expect(n.result?.fields.measurementBlocks).toHaveLength(64);
    const human = await runCommand(['attest', 'show', f('tdx/phala-tdx-v4-uptodate.collateral.json'), '--home', home], opts);
    expect(human.stdout).toMatch(/^tdx-collateral/);
    expect(human.stdout).toMatch(/fmspc: b0c06f000000/);
  });
});

describe('attest collect --dev and verify (in-process)', () => {
  const home = tempHome();
  const cert = makeTlsCert();
  const certFile = path.join(home, 'tls.pem');
  const bundle = path.join(home, 'bundle.json');
  beforeAll(async () => {
    writeFileSync(certFile, cert.certPem);
    await runCommand(['keys', 'add', 'w', '--keyring-backend', 'test', '--home', home], opts);
  });

  it('collect --dev writes a bundle bound to the TLS key, worker key and challenge', async () => {
    const r = await runCommand<{out: string; dev: boolean; cpu: {type: string}; gpu: {count: number}; devRoots: {created: boolean}}>(
      ['attest', 'collect', '--dev', '--out', bundle, '--tls-cert', certFile, '--from', 'w', '--challenge', 'c0ffee', '--json', '--home', home],
      opts,
    );
    expect(r.error).toBeUndefined();
    expect(r.result).toMatchObject({out: bundle, dev: true, cpu: {type: 'tdx'}, gpu: {count: 1}, devRoots: {created: true}});
  });

  it('the bundle is valid on local against its measurements (attest show --measurements), labelled dev', async () => {
    const policy = path.join(home, 'policy.json');
    const shown = await runCommand(['attest', 'show', bundle, '--measurements', '--home', home], opts);
    writeFileSync(policy, shown.stdout);
    const r = await run(['attest', 'verify', bundle, '--measurements', policy, '--json', '--home', home]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({verdict: 'valid', dev: true, binding: {tls: 'spki', worker: true}});
    const human = await run(['attest', 'verify', bundle, '--measurements', policy, '--home', home]);
    expect(human.stdout).toContain('dev attestation (not hardware)');
    // Without a measurement policy from any source a bundle is not appraised: unverifiable, never valid.
    const none = await run(['attest', 'verify', bundle, '--json', '--home', home]);
    expect({code: none.code, verdict: none.json?.verdict}).toEqual({code: 3, verdict: 'unverifiable'});
    expect(missing(none.json!)).toContain('measurements.tdx');
  });

  it('is invalid on a profile without allowDev, and with --no-allow-dev', async () => {
    for (const extra of [['--network', 'pulsar-3'], ['--no-allow-dev']]) {
      const r = await run(['attest', 'verify', bundle, ...extra, '--json', '--home', home]);
      expect(r.code).toBe(4);
      expect(r.json?.reasons[0]).toMatch(/^dev\.attestation: dev attestation \(not hardware\).*not allowed/);
    }
  });

  it('--allow-dev where the profile forbids it is a usage error (exit 2)', async () => {
    const r = await run(['attest', 'verify', bundle, '--network', 'secret-4', '--allow-dev', '--home', home]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dev attestation cannot be allowed on network secret-4/);
  });

  it('collect without a TEE (and without --dev) fails with exit 3', async () => {
    const r = await run(['attest', 'collect', '--out', path.join(home, 'x.json'), '--tls-cert', certFile, '--from', 'w', '--challenge', '00', '--home', home]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no TEE found on this machine/);
  });

  it('collect --dev is refused on a public network profile', async () => {
    const r = await run(['attest', 'collect', '--dev', '--out', path.join(home, 'y.json'), '--tls-cert', certFile, '--from', 'w', '--challenge', '00', '--network', 'pulsar-3', '--home', home]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not allowed on network pulsar-3/);
  });
});

describe('attest input parsing', () => {
  it('--at takes Unix seconds or ISO 8601 with a zone, nothing ambiguous', async () => {
    const {parseAt, nonceHex, hexBytes} = await import('../../src/lib/attest/inputs.js');
    expect(parseAt('1751328000')).toBe(1751328000);
    expect(parseAt('2025-07-01')).toBe(1751328000);
    expect(parseAt('2025-07-01T00:00:00Z')).toBe(1751328000);
    expect(parseAt('2025-07-01T02:00:00+02:00')).toBe(1751328000);
    for (const bad of ['2025-07-01T00:00:00', 'July 1st', '-5', '']) expect(() => parseAt(bad)).toThrow(/--at/);
    expect(nonceHex('0x' + 'AB'.repeat(32), 'n')).toBe('ab'.repeat(32));
    expect(() => hexBytes('abc', '--challenge')).toThrow(/even number/);
  });
});
