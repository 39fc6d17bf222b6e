/**
 * Attestation verification throughput: verifications per second through the whole pipeline
 * (`verifyEvidence`: parse, chains, CRLs, collateral, TCB, policy, binding) per TEE type with warm collateral
 * — TDX T1 (v4) and T2 (v5), SEV-SNP S1, NVIDIA N1 — and `@phala/dcap-qvl` `verify` alone on the same TDX
 * vectors in the same run, with the ratio. Medians over rounds. Reads the shared fixtures in place.
 *
 * Run: `npx tsc -p tsconfig.json && node dist/bench/attest.js [rounds] [iterations]` (Node 22).
 */
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {parseTdxCollateral} from '../src/attest/tdx/collateral.js';
import {verifyEvidence, type VerifyEvidenceInput} from '../src/attest/verify.js';
import {median, secondsSince, sharedDir} from './lib.js';

const fx = (p: string) => readFileSync(path.join(sharedDir, 'fixtures', 'attestation', p));
const rounds = Number(process.argv[2] ?? 7);
const iterations = Number(process.argv[3] ?? 200);

const POLICY = {allowDev: false, strict: false, requireBinding: false};

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

const pipeline = (name: string, input: VerifyEvidenceInput): Case => ({
  name,
  run: () => verifyEvidence(input),
  expect: () => {
    const r = verifyEvidence(input);
    if (r.verdict !== 'valid') throw new Error(`${name}: expected valid, got ${r.verdict}: ${r.reasons.join('; ')}`);
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
  pipeline('NVIDIA N1 verifyEvidence', {gpu: {evidence: fx('nvidia/secretai-worker-gpu-evidence.json').toString('utf8')}, now: MILAN_AT, policy: POLICY}),
  qvlCase('TDX T1 dcap-qvl verify', t1Quote, t1ColText, T1_AT),
  qvlCase('TDX T2 dcap-qvl verify', t2Quote, t2ColText, T2_AT),
];

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
