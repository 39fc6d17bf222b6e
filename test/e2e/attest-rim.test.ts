import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {devMeasurementPolicy} from '../../src/attest/dev/measurements.js';
import {mintDevEvidence} from '../../src/attest/dev/mint.js';
import {parseNvtrustJson} from '../../src/attest/nvidia/verify.js';
import {parseCertDer} from '../../src/attest/x509.js';
import {ensureDevRoots} from '../../src/lib/attest/dev.js';
import {runCli, tempHome, type RunResult} from '../helpers/cli.js';
import {makeTlsCert, startServer, type TestServer} from '../attest/fetch-server.js';
import {rimsForEvidence, type RimsFor} from '../attest/rim-helpers.js';

// `attest verify --online` fetches the driver and VBIOS RIMs of dev GPU evidence from a local HTTPS RIM
// service and compares the golden measurements with the evidence's blocks.

interface VerifyJson {
  verdict: string;
  checks: {name: string; ok: boolean; missing?: boolean; skipped?: boolean; accepted?: boolean; detail: string}[];
  accepted: string[];
}
const json = (r: RunResult) => JSON.parse(r.stdout) as VerifyJson;
const RIM_PATH = '/v1/rim/';

describe('attest verify --online: NVIDIA RIMs from a local RIM service', () => {
  const tls = makeTlsCert();
  const caDir = tempHome();
  const caFile = path.join(caDir, 'rim-ca.pem');
  /** What the service answers now: id → JSON. */
  let answers = new Map<string, string>();
  let server: TestServer;

  beforeAll(async () => {
    writeFileSync(caFile, tls.certPem);
    server = await startServer(tls, (p) => {
      if (!p.startsWith(RIM_PATH)) return undefined;
      const a = answers.get(decodeURIComponent(p.slice(RIM_PATH.length)));
      return a === undefined ? undefined : {headers: {'content-type': 'application/json'}, body: a};
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A fresh home (so no cached RIM) with a dev bundle; `answers` becomes RIMs built from its GPU evidence. */
  function setup(rims: RimsFor | 'none'): {home: string; bundle: string} {
    const home = tempHome();
    const {roots} = ensureDevRoots(home);
    const ev = mintDevEvidence({roots, tlsSpkiDer: parseCertDer(tls.certDer).spkiDer, workerPubkey: Uint8Array.from([2, ...new Array(32).fill(7)]), challenge: Uint8Array.of(4, 2)});
    const bundle = path.join(home, 'bundle.json');
    writeFileSync(bundle, JSON.stringify(ev.bundle));
    writeFileSync(path.join(home, 'measurements.json'), JSON.stringify(devMeasurementPolicy()));
    const spdm = parseNvtrustJson(ev.gpu!).entries[0].evidence;
    answers = rims === 'none' ? new Map() : rimsForEvidence(spdm, rims);
    return {home, bundle};
  }

  /** `url` null: SECRETAI_NVIDIA_RIM_URL unset. */
  const verify = (s: {home: string; bundle: string}, online: boolean, url: string | null = `${server.url}${RIM_PATH}`) =>
    runCli(['attest', 'verify', s.bundle, '--measurements', path.join(s.home, 'measurements.json'), '--json', '--home', s.home, ...(online ? ['--online'] : [])], {env: {NODE_EXTRA_CA_CERTS: caFile, SECRETAI_NVIDIA_RIM_URL: url ?? undefined}});
  const rimCheck = (r: RunResult) => json(r).checks.find((c) => c.name === 'nvidia.rim')!;

  it('offline: nvidia.rim is a gap the local profile accepts for dev GPUs only (listed in accepted), and no request is sent', async () => {
    const before = server.requests.length;
    const r = await verify(setup({}), false);
    expect({code: r.code, verdict: json(r).verdict}).toEqual({code: 0, verdict: 'valid'});
    expect(rimCheck(r)).toMatchObject({ok: true, accepted: true, detail: expect.stringMatching(/accepted by policy for dev GPUs/)});
    expect(json(r).accepted.map((a) => a.split(':')[0])).toEqual(['nvidia.rim', 'nvidia.ocsp']);
    expect(r.stderr).toMatch(/Warning: accepted gap: nvidia\.rim/);
    expect(server.requests.length).toBe(before);
  });

  it('online without a RIM service URL: a dev GPU is not sent to NVIDIA; nvidia.rim stays an accepted dev gap', async () => {
    const before = server.requests.length;
    const r = await verify(setup({}), true, null);
    expect(rimCheck(r)).toMatchObject({accepted: true});
    expect(server.requests.length).toBe(before);
  });

  it('matching unsigned dev RIMs: nvidia.rim passes; the missing RIM signature makes the verdict unverifiable (exit 3); a second run uses the cache', async () => {
    const s = setup({});
    const before = server.requests.length;
    const r = await verify(s, true);
    const j = json(r);
    expect({code: r.code, verdict: j.verdict}).toEqual({code: 3, verdict: 'unverifiable'});
    expect(rimCheck(r)).toMatchObject({ok: true});
    expect(rimCheck(r).accepted).toBeUndefined();
    expect(j.checks.filter((c) => !c.ok).map((c) => [c.name, c.detail])).toEqual([['nvidia.rim.signature', expect.stringContaining('unsigned RIM accepted for a dev GPU')]]);
    expect(server.requests.slice(before)).toEqual([`${RIM_PATH}NV_GPU_DRIVER_GH100_550.144.03`, `${RIM_PATH}NV_GPU_VBIOS_DEV0_0000_DEV_96009F0002`]);

    answers = new Map();
    const again = await verify(s, true);
    expect(rimCheck(again)).toMatchObject({ok: true});
    expect(server.requests.length).toBe(before + 2);
  });

  it.each<[string, RimsFor, string]>([
    ['a golden value differs from a measurement block', {corrupt: [20]}, 'nvidia.rim.measurements'],
    ['the driver RIM is for another driver version', {driverVersion: '550.90.07'}, 'nvidia.rim.driver'],
  ])('%s → invalid (exit 4)', async (_, rims, failing) => {
    const r = await verify(setup(rims), true);
    expect({code: r.code, verdict: json(r).verdict}).toEqual({code: 4, verdict: 'invalid'});
    expect(rimCheck(r)).toMatchObject({ok: false});
    expect(json(r).checks.filter((c) => !c.ok && !c.missing).map((c) => c.name)).toEqual([failing, 'nvidia.rim']);
  });

  it('the service does not know the RIMs (404) → unverifiable (exit 3)', async () => {
    const r = await verify(setup('none'), true);
    expect({code: r.code, verdict: json(r).verdict}).toEqual({code: 3, verdict: 'unverifiable'});
    expect(rimCheck(r)).toMatchObject({ok: false, missing: true});
    expect(json(r).checks.find((c) => c.name === 'nvidia.rim.driver')!.detail).toMatch(/HTTP 404/);
  });

  it('an unreachable service → unverifiable (exit 3)', async () => {
    const r = await verify(setup({}), true, 'https://127.0.0.1:1/v1/rim/');
    expect({code: r.code, verdict: json(r).verdict}).toEqual({code: 3, verdict: 'unverifiable'});
    expect(rimCheck(r)).toMatchObject({ok: false, missing: true});
  });
});
