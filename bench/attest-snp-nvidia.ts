/**
 * SEV-SNP and NVIDIA verification throughput: median verifications per second, warm (after a warm-up
 * round), for the real vectors S1 (Milan report + VCEK + ASK/ARK + CRL, all checks) and N1 (Secret AI
 * worker GPU JSON, offline checks). N1 is measured twice: with the certificate-signature memo (the
 * steady state of a client re-verifying workers) and with the memo cleared before every verification
 * (the cost of a never-seen device chain). Also prints the first (cold) verification of each.
 *
 * Run: `npx tsc -p tsconfig.json && npx node dist/bench/attest-snp-nvidia.js [rounds]`.
 * Needs the shared fixtures (`$SECRETAI_SHARED`, else `../shared` beside the repository).
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {clearGpuChainCache, verifyGpuEvidence, type GpuVerifyInput} from '../src/attest/nvidia/index.js';
import {verifySnpReport, type SnpVerifyInput} from '../src/attest/snp/index.js';
import {rates, report, sharedDir, stats, timeOnce} from './lib.js';

const fx = (...p: string[]) => readFileSync(path.join(sharedDir, 'fixtures', 'attestation', ...p));
const rounds = Number(process.argv[2] ?? 7);

const NOW = 1788220800;
const s1: SnpVerifyInput = {
  report: fx('sev-snp', 'virtee-milan-v2.report.hex').toString('latin1'),
  vcek: fx('sev-snp', 'virtee-milan.vcek.der'),
  chain: fx('sev-snp', 'amd-milan-ask-ark.pem').toString('latin1'),
  crl: fx('sev-snp', 'amd-milan-vcek-crl.der'),
  now: NOW,
};
const n1: GpuVerifyInput = {
  evidence: fx('nvidia', 'secretai-worker-gpu-evidence.json').toString('utf8'),
  expectedNonce: 'a768bb3a38c48d3636b9e8250a3b12da05f557eca0b484bf9d8fa5719c0341bd',
  now: NOW,
};

const expectValid = (what: string, verdict: string) => {
  if (verdict !== 'valid') throw new Error(`${what} did not verify (${verdict}); the benchmark needs valid inputs`);
};

console.log(`SEV-SNP / NVIDIA verification, median of ${rounds} rounds (Node ${process.version})`);
let v = '';
console.log(`S1 first verification: ${timeOnce(() => (v = verifySnpReport(s1).verdict)).toFixed(1)} ms`);
expectValid('S1', v);
clearGpuChainCache();
let n1Result: ReturnType<typeof verifyGpuEvidence> | undefined;
console.log(`N1 first verification: ${timeOnce(() => (n1Result = verifyGpuEvidence(n1))).toFixed(1)} ms`);
// Offline, real GPU evidence is unverifiable (NVIDIA RIM and OCSP need the network): every check that ran must pass.
const n1Failed = n1Result!.checks.filter((c) => !c.ok && !c.missing && !c.skipped);
if (n1Failed.length > 0 || n1Result!.verdict === 'invalid') throw new Error(`N1 did not verify offline: ${n1Failed.map((c) => c.name).join(', ')}`);

const snp = stats(rates(() => void verifySnpReport(s1), 100, rounds));
const snpRate = snp.median;
console.log(`S1 SEV-SNP report (parse, chain, CRL, VCEK match, signature, policy): ${snpRate.toFixed(0)} verifications/s (${(1000 / snpRate).toFixed(2)} ms each)`);
const gpu = stats(rates(() => void verifyGpuEvidence(n1), 100, rounds));
const gpuRate = gpu.median;
console.log(`N1 GPU evidence, certificate memo warm: ${gpuRate.toFixed(0)} verifications/s (${(1000 / gpuRate).toFixed(2)} ms each)`);
const cold = stats(rates(() => {
  clearGpuChainCache();
  verifyGpuEvidence(n1);
}, 50, rounds));
const gpuCold = cold.median;
console.log(`N1 GPU evidence, certificate memo cleared each time: ${gpuCold.toFixed(0)} verifications/s (${(1000 / gpuCold).toFixed(2)} ms each)`);
report([
  {name: 'attest-snp-nvidia S1 SEV-SNP report', ...snp, unit: 'verifications/s'},
  {name: 'attest-snp-nvidia N1 GPU evidence, memo warm', ...gpu, unit: 'verifications/s'},
  {name: 'attest-snp-nvidia N1 GPU evidence, memo cleared', ...cold, unit: 'verifications/s'},
]);
