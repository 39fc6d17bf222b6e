/**
 * Start-up benchmark: median wall time of `secretai --version`, `secretai --help` and `secretai keys list --json`
 * against bare `node -e 0` under the same Node, as ratios. Run: `npm run build && node dist/bench/startup.js [runs]`.
 */
import {spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {median, msSince, repoRoot} from './lib.js';

const bin = path.join(repoRoot, 'bin', 'run.js');
const runs = Number(process.argv[2] ?? 21);
const home = mkdtempSync(path.join(os.tmpdir(), 'secretai-bench-'));
const env = {...process.env, SECRETAI_HOME: home, NO_COLOR: '1'};

function time(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {env, stdio: ['ignore', 'ignore', 'pipe']});
  const ms = msSince(t0);
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const cases: Array<[string, string[]]> = [
  ['node -e 0', ['-e', '0']],
  ['secretai --version', [bin, '--version']],
  ['secretai --help', [bin, '--help']],
  ['secretai keys list --json', [bin, 'keys', 'list', '--json']],
];

// Warm the file cache once, then interleave the cases so machine noise hits them alike.
for (const [, a] of cases) time(a);
const samples = new Map<string, number[]>(cases.map(([n]) => [n, []]));
for (let i = 0; i < runs; i++) for (const [n, a] of cases) samples.get(n)!.push(time(a));

const base = median(samples.get('node -e 0')!);
console.log(`startup, ${runs} runs each, Node ${process.version}, medians:`);
for (const [n] of cases) {
  const m = median(samples.get(n)!);
  console.log(`  ${n.padEnd(28)} ${m.toFixed(1).padStart(7)} ms   ${(m / base).toFixed(2)}× node -e 0`);
}
