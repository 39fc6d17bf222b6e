/**
 * TDX verification throughput: median verifications per second for the real vectors T1 (v4) and T2 (v5)
 * with warm collateral — this project's verifier (a TdxVerifier that has seen the collateral and the PCK
 * chain before) against `@phala/dcap-qvl`'s `verify` on the same inputs, in the same run — and their ratio.
 * Also prints the first (cold) verification of each.
 *
 * Run: `npx tsc -p tsconfig.json && npx node dist/bench/attest-tdx.js [rounds]`.
 * Needs the shared fixtures (`$SECRETAI_SHARED`, else `../shared` beside the repository).
 */
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {parseTdxCollateral, tdxCollateralToJson} from '../src/attest/tdx/collateral.js';
import {TdxVerifier} from '../src/attest/tdx/verify.js';
import {msSince, rates, report, sharedDir, stats, type BenchResult} from './lib.js';

const fx = (p: string) => path.join(sharedDir, 'fixtures', 'attestation', 'tdx', p);
const rounds = Number(process.argv[2] ?? 7);

interface Qvl {
  verify(quote: Uint8Array, collateral: unknown, now: number): {status: string};
}
const qvl = createRequire(import.meta.url)('@phala/dcap-qvl') as Qvl;

const vectors = [
  {id: 'T1 (v4)', quote: 'phala-tdx-v4-uptodate.quote.bin', collateral: 'phala-tdx-v4-uptodate.collateral.json', now: 1751328000},
  {id: 'T2 (v5)', quote: 'gotdx-tdx-v5-uptodate.quote.bin', collateral: 'fmspc-90c06f000000-2026-02.collateral.json', now: 1772323200},
];

const results: BenchResult[] = [];
console.log(`TDX quote verification, median of ${rounds} rounds, warm collateral (Node ${process.version})`);
for (const v of vectors) {
  const quote = Uint8Array.from(readFileSync(fx(v.quote)));
  const collateral = parseTdxCollateral(readFileSync(fx(v.collateral), 'utf8'));
  const qvlCollateral = tdxCollateralToJson(collateral);
  const verifier = new TdxVerifier();

  let t0 = process.hrtime.bigint();
  const first = verifier.verify({quote, collateral, now: v.now});
  const coldOurs = msSince(t0);
  t0 = process.hrtime.bigint();
  const firstQvl = qvl.verify(quote, qvlCollateral, v.now);
  const coldQvl = msSince(t0);
  if (first.verdict !== 'valid' || firstQvl.status !== 'UpToDate') throw new Error(`${v.id}: unexpected result ${first.verdict} / ${firstQvl.status}`);

  const oursStats = stats(rates(() => {
    if (verifier.verify({quote, collateral, now: v.now}).verdict !== 'valid') throw new Error('verdict changed');
  }, 400, rounds));
  const theirsStats = stats(rates(() => {
    qvl.verify(quote, qvlCollateral, v.now);
  }, 25, rounds));
  const ours = oursStats.median;
  const theirs = theirsStats.median;
  results.push({name: `attest-tdx ${v.id} secretai`, ...oursStats, unit: 'verifications/s', ratio: ours / theirs, baseline: `@phala/dcap-qvl (${v.id})`});
  results.push({name: `attest-tdx ${v.id} @phala/dcap-qvl`, ...theirsStats, unit: 'verifications/s'});
  console.log(
    `${v.id}: secretai ${ours.toFixed(0)}/s (${(1000 / ours).toFixed(3)} ms each, first call ${coldOurs.toFixed(1)} ms); ` +
      `@phala/dcap-qvl ${theirs.toFixed(0)}/s (${(1000 / theirs).toFixed(2)} ms each, first call ${coldQvl.toFixed(1)} ms); ` +
      `ratio ${(ours / theirs).toFixed(1)}x`,
  );
}
report(results);
