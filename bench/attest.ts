/**
 * Attestation verification throughput: verifications per second through the whole pipeline
 * (`verifyEvidence`: parse, chains, CRLs, collateral, TCB, policy, binding, appraisal) per TEE type with warm
 * collateral — TDX T1 (v4) and T2 (v5), SEV-SNP S1, NVIDIA N1 — and `@phala/dcap-qvl` `verify` alone on the
 * same TDX vectors in the same run, with the ratio. Then the warm verification of a full worker bundle (TDX +
 * NVIDIA, dev evidence, binding, measurements, everything cached: what `verifyWorker` runs after its first
 * call), against the floor of the signature checks it cannot avoid (quote, QE report and SPDM signatures)
 * measured in the same run. Medians over rounds. Reads the shared fixtures in place.
 *
 * Run: `npx tsc -p tsconfig.json && node dist/bench/attest.js [rounds] [iterations]` (Node 22).
 */
import {createPublicKey, generateKeyPairSync, verify as cryptoVerify} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {decodeBundle} from '../src/attest/bundle.js';
import {devMeasurementPolicy} from '../src/attest/dev/measurements.js';
import {devRootPins, generateDevRoots, mintDevEvidence} from '../src/attest/dev/index.js';
import {parseSpdmEvidence} from '../src/attest/nvidia/spdm.js';
import {parseNvtrustJson} from '../src/attest/nvidia/verify.js';
import {DEV_GPU_GAPS} from '../src/attest/policy.js';
import {parseTdxCollateral} from '../src/attest/tdx/collateral.js';
import {parseTdxQuote} from '../src/attest/tdx/quote.js';
import {verifyBundle, verifyEvidence, type VerifyEvidenceInput} from '../src/attest/verify.js';
import {parsePemChain} from '../src/attest/x509.js';
import {nodeDevCrypto} from '../src/lib/attest/dev.js';
import {median, report, secondsSince, sharedDir, spread, type BenchResult} from './lib.js';

const fx = (p: string) => readFileSync(path.join(sharedDir, 'fixtures', 'attestation', p));
const rounds = Number(process.argv[2] ?? 7);
const iterations = Number(process.argv[3] ?? 200);

const POLICY = {allowDev: false, strict: false, requireBinding: false};
/** Loose evidence: no measurement policy (a warning, not a gap). */
const LOOSE = {measurementsRequired: false};

interface Case {
  name: string;
  run: () => unknown;
  /** Sanity check on one result before timing. */
  expect: () => void;
}

const t1Quote = fx('tdx/phala-tdx-v4-uptodate.quote.bin');
const t1ColText = fx('tdx/phala-tdx-v4-uptodate.collateral.json').toString('utf8');
const t2Quote = fx('tdx/gotdx-tdx-v5-uptodate.quote.bin');
const t2ColText = fx('tdx/fmspc-90c06f000000-2026-02.collateral.json').toString('utf8');
const T1_AT = 1751328000;
const T2_AT = 1772323200;
const MILAN_AT = 1788220800;

/** `missing`: the checks expected to be missing offline (NVIDIA RIM/OCSP); everything else must pass. */
const pipeline = (name: string, input: VerifyEvidenceInput, missing: string[] = []): Case => ({
  name,
  run: () => verifyEvidence({...LOOSE, ...input}),
  expect: () => {
    const r = verifyEvidence({...LOOSE, ...input});
    const failed = r.checks.filter((c) => !c.ok && !missing.includes(c.name));
    if (failed.length) throw new Error(`${name}: ${failed.map((c) => `${c.name}: ${c.detail}`).join('; ')}`);
  },
});

const require = createRequire(import.meta.url);
const qvl = require('@phala/dcap-qvl') as {verify: (q: Uint8Array, c: unknown, now: number) => {status: string}};
const qvlCase = (name: string, quote: Uint8Array, colText: string, at: number): Case => {
  const col = JSON.parse(colText) as unknown;
  return {
    name,
    run: () => qvl.verify(quote, col, at),
    expect: () => {
      const s = qvl.verify(quote, col, at).status;
      if (s !== 'UpToDate') throw new Error(`${name}: dcap-qvl status ${s}`);
    },
  };
};

const cases: Case[] = [
  pipeline('TDX T1 (v4) verifyEvidence', {cpu: {kind: 'tdx', bytes: t1Quote, collateral: parseTdxCollateral(t1ColText)}, now: T1_AT, policy: POLICY}),
  pipeline('TDX T2 (v5) verifyEvidence', {cpu: {kind: 'tdx', bytes: t2Quote, collateral: parseTdxCollateral(t2ColText)}, now: T2_AT, policy: POLICY}),
  pipeline('SEV-SNP S1 verifyEvidence', {
    cpu: {kind: 'snp', bytes: fx('sev-snp/virtee-milan-v2.report.hex').toString('latin1'), vcek: fx('sev-snp/virtee-milan.vcek.der'), certChain: fx('sev-snp/amd-milan-ask-ark.pem').toString('latin1'), crl: fx('sev-snp/amd-milan-vcek-crl.der')},
    now: MILAN_AT,
    policy: POLICY,
  }),
  pipeline('NVIDIA N1 verifyEvidence', {gpu: {evidence: fx('nvidia/secretai-worker-gpu-evidence.json').toString('utf8')}, now: MILAN_AT, policy: POLICY}, ['nvidia.rim', 'nvidia.ocsp']),
  qvlCase('TDX T1 dcap-qvl verify', t1Quote, t1ColText, T1_AT),
  qvlCase('TDX T2 dcap-qvl verify', t2Quote, t2ColText, T2_AT),
];

// A full worker bundle: dev TDX quote + dev NVIDIA evidence, bound to a TLS key, a worker key and a challenge,
// verified under the devnet profile's policy with the dev measurements (what verifyWorker runs, warm).
const DEV_AT = 1_800_000_000;
const roots = generateDevRoots({now: DEV_AT - 86400, crypto: nodeDevCrypto});
const spki = new Uint8Array(generateKeyPairSync('ec', {namedCurve: 'P-256'}).publicKey.export({type: 'spki', format: 'der'}));
const challenge = Uint8Array.of(1, 2, 3, 4);
const dev = mintDevEvidence({roots, tlsSpkiDer: spki, workerPubkey: Uint8Array.from([2, ...new Array(32).fill(7)]), challenge});
const bundle = decodeBundle(dev.bundle);
const bundleOpts = {
  now: DEV_AT,
  policy: {allowDev: true, strict: false, requireBinding: true, devRootsSha256: devRootPins(roots).all, acceptGaps: [...DEV_GPU_GAPS]},
  measurements: devMeasurementPolicy(),
  expectedChallenges: [challenge],
};
cases.push({
  name: 'full bundle TDX+NVIDIA verifyBundle',
  run: () => verifyBundle(bundle, bundleOpts),
  expect: () => {
    const r = verifyBundle(bundle, bundleOpts);
    if (r.verdict !== 'valid') throw new Error(`full bundle: expected valid, got ${r.verdict}: ${r.reasons.join('; ')}`);
  },
});
// The floor: the three signatures every verification must check (quote, QE report, SPDM), keys already parsed.
const quote = parseTdxQuote(dev.quote);
const spdm = parseSpdmEvidence(parseNvtrustJson(dev.gpu!).entries[0].evidence);
const gpuLeaf = parsePemChain(parseNvtrustJson(dev.gpu!).entries[0].certChainPem!)[0];
const pckLeaf = parsePemChain(quote.pckChainPem!)[0];
const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const attKey = createPublicKey({key: {kty: 'EC', crv: 'P-256', x: b64u(quote.attestationKey.subarray(0, 32)), y: b64u(quote.attestationKey.subarray(32))}, format: 'jwk'});
cases.push({
  name: 'signature floor (3 signatures)',
  run: () => {
    cryptoVerify('sha256', quote.signedRegion, {key: attKey, dsaEncoding: 'ieee-p1363'}, quote.signature);
    cryptoVerify('sha256', quote.qeReport.raw, {key: pckLeaf.publicKey, dsaEncoding: 'ieee-p1363'}, quote.qeReportSignature);
    cryptoVerify('sha384', spdm.bytes.subarray(0, spdm.signatureOffset), {key: gpuLeaf.publicKey, dsaEncoding: 'ieee-p1363'}, spdm.signature);
  },
  expect: () => {
    const ok = cryptoVerify('sha384', spdm.bytes.subarray(0, spdm.signatureOffset), {key: gpuLeaf.publicKey, dsaEncoding: 'ieee-p1363'}, spdm.signature);
    if (!ok) throw new Error('floor: SPDM signature does not verify');
  },
});

for (const c of cases) c.expect();
// Warm-up: JIT and every cache (parsed collateral, chains, keys) before timing.
for (const c of cases) for (let i = 0; i < Math.max(20, iterations / 5); i++) c.run();

const rates = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let r = 0; r < rounds; r++) {
  for (const c of cases) {
    const n = c.name.includes('dcap-qvl') ? Math.max(20, Math.floor(iterations / 2)) : iterations;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) c.run();
    const s = secondsSince(t0);
    rates.get(c.name)!.push(n / s);
  }
}

const med = (name: string) => median(rates.get(name)!);
console.log(`attestation verification, ${rounds} rounds, Node ${process.version}, warm collateral, medians:`);
for (const c of cases) {
  const m = med(c.name);
  console.log(`  ${c.name.padEnd(30)} ${m.toFixed(0).padStart(7)} verifications/s  ${(1000 / m).toFixed(2).padStart(6)} ms each`);
}
for (const t of ['T1', 'T2']) {
  const ours = med(`TDX ${t} (${t === 'T1' ? 'v4' : 'v5'}) verifyEvidence`);
  const theirs = med(`TDX ${t} dcap-qvl verify`);
  console.log(`  ${t}: verifyEvidence / dcap-qvl verify = ${(ours / theirs).toFixed(1)}×`);
}
const full = med('full bundle TDX+NVIDIA verifyBundle');
const floor = med('signature floor (3 signatures)');
console.log(`  full bundle: ${(1000 / full).toFixed(3)} ms each (goal ≤ 1 ms), ${(floor / full).toFixed(1)}× the signature floor of ${(1000 / floor).toFixed(3)} ms`);
report(
  cases.map((c) => {
    const xs = rates.get(c.name)!;
    const r: BenchResult = {name: `attest ${c.name}`, median: median(xs), spread: spread(xs), unit: 'verifications/s'};
    const tdx = /^TDX (T\d) \(v\d\) verifyEvidence$/.exec(c.name);
    if (tdx) Object.assign(r, {ratio: median(xs) / med(`TDX ${tdx[1]} dcap-qvl verify`), baseline: `@phala/dcap-qvl verify (${tdx[1]})`});
    if (c.name.startsWith('full bundle')) Object.assign(r, {ratio: median(xs) / floor, baseline: 'signature floor'});
    return r;
  }),
);
