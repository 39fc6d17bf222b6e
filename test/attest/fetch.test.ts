import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {detectEvidence} from '../../src/attest/detect.js';
import {
  AmdKdsClient,
  CollateralSource,
  FetchError,
  gatherCollateral,
  IntelPcsClient,
  memberTexts,
  MemoryStorage,
  retryAfterMs,
  signedMember,
  Throttle,
  type HttpGet,
  type HttpResponse,
} from '../../src/lib/attest/fetch/index.js';
import {tdxCollateralToJson} from '../../src/attest/tdx/collateral.js';
import {verifyEvidence} from '../../src/attest/verify.js';
import {nodeHttpGet} from '../../src/lib/attest/http.js';
import {describeShared} from '../helpers/shared.js';
import {makeTlsCert, pccsRoute, startServer, type Reply, type TestServer} from './fetch-server.js';
import {readFixture, readFixtureText} from './verify-fixtures.js';

const T1_AT = 1751328000;
const MILAN_AT = 1788220800;
const POLICY = {allowDev: false, strict: false, requireBinding: false};
/** A throttle that never really waits but records what it would have waited. */
const fastThrottle = (get: HttpGet) => {
  const waits: number[] = [];
  const t = new Throttle(get, {minIntervalMs: 5, sleep: async (ms) => void waits.push(ms), nowMs: () => Date.parse('2026-01-01T00:00:00Z')});
  return {t, waits};
};

describe('exact JSON members', () => {
  it('keeps the served bytes of each member value, whatever the whitespace', () => {
    const inner = '{"b": [1, 2, {"c":"x\\"y"}],  "d":null}';
    const m = memberTexts(` { "a" :${inner} , "signature" : "${'ab'.repeat(64)}" }\n`);
    expect(m.get('a')).toBe(inner);
    const s = signedMember(`{"a":${inner},"signature":"${'AB'.repeat(64)}"}`, 'a');
    expect(s.text).toBe(inner);
    expect(s.signature).toHaveLength(64);
  });

  it('refuses duplicates, trailing data, missing members and bad signatures', () => {
    expect(() => memberTexts('{"a":1,"a":2}')).toThrow(/duplicate/);
    expect(() => memberTexts('{"a":1} x')).toThrow(/trailing/);
    expect(() => signedMember('{"b":{}}', 'a')).toThrow(/no "a"/);
    expect(() => signedMember(`{"a":{},"signature":"abc"}`, 'a')).toThrow(/64 bytes/);
  });
});

describe('throttle', () => {
  const reply = (status: number, headers: Record<string, string> = {}): HttpResponse => ({status, headers, body: new Uint8Array()});

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(10_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });

  it('retries after a 429 for as long as Retry-After says, then gives up past the limit', async () => {
    let n = 0;
    const {t, waits} = fastThrottle(async () => (++n < 3 ? reply(429, {'retry-after': '2'}) : reply(200)));
    expect((await t.fetch('https://kds.example/x')).status).toBe(200);
    expect(n).toBe(3);
    expect(t.rateLimitWaits).toEqual([2000, 2000]);
    expect(waits).toContain(2000);
    const always = fastThrottle(async () => reply(429, {'retry-after': '1'}));
    await expect(always.t.fetch('https://kds.example/x')).rejects.toMatchObject({failure: 'rate-limited'});
    const tooLong = fastThrottle(async () => reply(429, {'retry-after': '3600'}));
    await expect(tooLong.t.fetch('https://kds.example/x')).rejects.toThrow(/rate-limiting/);
  });

  it('sends one request at a time per host', async () => {
    let inFlight = 0;
    let max = 0;
    const get: HttpGet = async () => {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return reply(200);
    };
    const {t} = fastThrottle(get);
    await Promise.all([1, 2, 3, 4].map((i) => t.fetch(`https://kds.example/${i}`)));
    expect(max).toBe(1);
  });

  it('a connection failure is a network FetchError', async () => {
    const {t} = fastThrottle(async () => {
      throw new Error('ECONNREFUSED');
    });
    await expect(t.fetch('https://nowhere.example/')).rejects.toBeInstanceOf(FetchError);
  });
});

describeShared('fixtures/attestation')('fetchers against local HTTPS servers', () => {
  const cert = makeTlsCert();
  const http = nodeHttpGet({ca: cert.certPem});
  let pcs: TestServer;
  let kds: TestServer;
  let pcsRateLimitOnce = false;
  let kdsRateLimits = 0;
  const col = JSON.parse(readFixtureText('tdx/phala-tdx-v4-uptodate.collateral.json')) as Record<string, string>;
  const t1Quote = () => readFixture('tdx/phala-tdx-v4-uptodate.quote.bin');

  const pccsRest = pccsRoute(col, 'b0c06f000000');

  beforeAll(async () => {
    // A PCCS-like server: exact texts in PCS's JSON shape (with extra whitespace), URL-encoded issuer chains in headers.
    pcs = await startServer(cert, (p, q): Reply | undefined => {
      if (p === '/tdx/certification/v4/tcb' && q.get('fmspc') === 'B0C06F000000') {
        if (pcsRateLimitOnce) {
          pcsRateLimitOnce = false;
          return {status: 429, headers: {'Retry-After': '1'}};
        }
        return {headers: {'TCB-Info-Issuer-Chain': encodeURIComponent(col.tcb_info_issuer_chain)}, body: `{ "tcbInfo" : ${col.tcb_info},\n "signature":"${col.tcb_info_signature}"}`};
      }
      // TCB info only as above (upper-case FMSPC, extra whitespace); the rest as any PCCS serves it.
      if (p === '/tdx/certification/v4/tcb') return undefined;
      return pccsRest(p, q);
    });
    const vcek = readFixture('sev-snp/virtee-milan.vcek.der');
    const chain = readFixtureText('sev-snp/amd-milan-ask-ark.pem');
    const crl = readFixture('sev-snp/amd-milan-vcek-crl.der');
    const s1 = detectEvidence(readFixtureText('sev-snp/virtee-milan-v2.report.hex')).bytes;
    const chipId = Buffer.from(s1.subarray(0x1a0, 0x1e0)).toString('hex');
    kds = await startServer(cert, (p, q): Reply | undefined => {
      if (kdsRateLimits > 0) {
        kdsRateLimits--;
        return {status: 429, headers: {'Retry-After': '1'}};
      }
      if (p === `/vcek/v1/Milan/${chipId}` && q.get('blSPL') === '3' && q.get('teeSPL') === '0' && q.get('snpSPL') === '8' && q.get('ucodeSPL') === '115') return {body: vcek};
      if (p === '/vcek/v1/Milan/cert_chain') return {body: chain};
      if (p === '/vcek/v1/Milan/crl') return {body: crl};
      return undefined;
    });
  });
  afterAll(async () => {
    await pcs?.close();
    await kds?.close();
  });

  const intel = (get: HttpGet = http) => new IntelPcsClient(new Throttle(get, {minIntervalMs: 1}), {baseUrl: `${pcs.url}/sgx/certification/v4`});

  it('Intel PCS client: collateral equal to the served material, signed texts kept exactly', async () => {
    const c = await intel().tdxCollateral('b0c06f000000', 'platform');
    expect(tdxCollateralToJson(c)).toEqual({...col, pck_crl: col.pck_crl.toLowerCase(), root_ca_crl: col.root_ca_crl.toLowerCase()});
    expect(verifyEvidence({cpu: {bytes: t1Quote(), collateral: c}, now: T1_AT, policy: POLICY, measurementsRequired: false}).verdict).toBe('valid');
  });

  it('an unknown FMSPC is a not-found FetchError; a missing issuer-chain header is malformed', async () => {
    await expect(intel().tcbInfo('00112233aabb')).rejects.toMatchObject({failure: 'not-found'});
    const noHeader: HttpGet = async (url) => ({...(await http(url)), headers: {}});
    await expect(intel(noHeader).tcbInfo('b0c06f000000')).rejects.toMatchObject({failure: 'malformed'});
  });

  it('online fetch fills the cache; offline then hits it without the network; offline miss is unverifiable', async () => {
    const storage = new MemoryStorage();
    const before = pcs.requests.length;
    const online = new CollateralSource({storage, online: true, intel: intel()});
    const g1 = await gatherCollateral(online, {kind: 'tdx', bytes: t1Quote()}, T1_AT);
    expect(g1.checks).toEqual([expect.objectContaining({name: 'collateral.tdx', ok: true, detail: expect.stringMatching(/fetched .*\(network\)$/)})]);
    expect(pcs.requests.length - before).toBe(4);
    expect([...storage.map.keys()]).toEqual(['tdx/b0c06f000000-platform.json']);

    const offline = new CollateralSource({storage, online: false});
    const g2 = await gatherCollateral(offline, {kind: 'tdx', bytes: t1Quote()}, T1_AT);
    expect(pcs.requests.length - before).toBe(4);
    expect(g2.checks[0]).toMatchObject({ok: true, detail: expect.stringMatching(/\(cache\)$/)});
    const r = verifyEvidence({cpu: {bytes: t1Quote(), collateral: g2.collateral}, now: T1_AT, policy: POLICY, measurementsRequired: false, sourceChecks: g2.checks});
    expect(r.verdict).toBe('valid');

    // The cached copy is not valid at a later time: offline it is missing, never used.
    const late = await gatherCollateral(offline, {kind: 'tdx', bytes: t1Quote()}, 1760000000);
    expect(late.collateral).toBeUndefined();
    expect(late.checks[0]).toMatchObject({missing: true, detail: expect.stringMatching(/not at .*--online/)});

    const empty = await gatherCollateral(new CollateralSource({storage: new MemoryStorage(), online: false}), {kind: 'tdx', bytes: t1Quote()}, T1_AT);
    const u = verifyEvidence({cpu: {bytes: t1Quote()}, now: T1_AT, policy: POLICY, measurementsRequired: false, sourceChecks: empty.checks});
    expect(u.verdict).toBe('unverifiable');
    expect(u.reasons[0]).toMatch(/^collateral\.tdx: .*not in the cache.*--online/);
  });

  it('a 429 from PCS is waited out and retried', async () => {
    pcsRateLimitOnce = true;
    const throttle = new Throttle(http, {minIntervalMs: 1, sleep: async () => undefined});
    const c = await new IntelPcsClient(throttle, {baseUrl: pcs.url}).tcbInfo('b0c06f000000');
    expect(c.tcbInfo).toBe(col.tcb_info);
    expect(throttle.rateLimitWaits).toEqual([1000]);
  });

  it('AMD KDS: VCEK, chain and CRL fetched (through 429s), cached, and S1 verifies with them', async () => {
    kdsRateLimits = 2;
    const storage = new MemoryStorage();
    const throttle = new Throttle(http, {minIntervalMs: 1, sleep: async () => undefined});
    const source = new CollateralSource({storage, online: true, amd: new AmdKdsClient(throttle, {baseUrl: kds.url})});
    const s1 = detectEvidence(readFixtureText('sev-snp/virtee-milan-v2.report.hex')).bytes;
    const g = await gatherCollateral(source, {kind: 'snp', bytes: s1}, MILAN_AT);
    expect(throttle.rateLimitWaits).toEqual([1000, 1000]);
    expect(g.checks.map((c) => [c.name, c.ok])).toEqual([
      ['collateral.vcek', true],
      ['collateral.chain', true],
      ['collateral.crl', true],
    ]);
    const r = verifyEvidence({cpu: {bytes: s1, vcek: g.vcek, certChain: g.certChain, crl: g.crl}, now: MILAN_AT, policy: POLICY, measurementsRequired: false});
    expect(r.verdict).toBe('valid');
    // Offline, all three come from the cache.
    const n = kds.requests.length;
    const cached = await gatherCollateral(new CollateralSource({storage, online: false}), {kind: 'snp', bytes: s1}, MILAN_AT);
    expect(kds.requests.length).toBe(n);
    expect(cached.checks.every((c) => c.ok && /\(cache\)$/.test(c.detail))).toBe(true);
  });

  it('S3 (Genoa, VCEK not served) stays unverifiable online', async () => {
    const throttle = new Throttle(http, {minIntervalMs: 1, sleep: async () => undefined});
    const source = new CollateralSource({storage: new MemoryStorage(), online: true, amd: new AmdKdsClient(throttle, {baseUrl: kds.url})});
    const s3 = detectEvidence(readFixtureText('sev-snp/secretvm-genoa-v3.report.b64')).bytes;
    const g = await gatherCollateral(source, {kind: 'snp', bytes: s3}, MILAN_AT);
    expect(g.checks[0]).toMatchObject({name: 'collateral.vcek', missing: true, detail: expect.stringMatching(/not found/)});
    const r = verifyEvidence({cpu: {bytes: s3, certChain: g.certChain, crl: g.crl}, now: MILAN_AT, policy: POLICY, measurementsRequired: false, sourceChecks: g.checks});
    expect(r.verdict).toBe('unverifiable');
  });

  it('the production HTTP client refuses a server whose certificate it does not trust', async () => {
    await expect(nodeHttpGet()(`${pcs.url}/tdx/certification/v4/qe/identity`)).rejects.toThrow(/self[- ]signed|certificate/i);
  });
});
