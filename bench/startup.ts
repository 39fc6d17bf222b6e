/**
 * Start-up benchmark: wall time of commands that do not touch the chain, against bare `node -e 0`, from two views:
 *  - user: `bin/run.js` run as a program (its shell line picks the project's Node 22), compared with the machine's
 *    own `node -e 0` (the first `node` on PATH outside node_modules, e.g. /usr/bin/node) — what a person sees;
 *  - same Node: Node 22 running `bin/run.js` directly, compared with Node 22's `node -e 0`;
 *  - plus `<machine node> bin/run.js` when the machine's Node is older than 22 (it starts Node 22 as a child).
 * Cases are interleaved so machine noise hits them alike. Run: `npm run build && node dist/bench/startup.js [runs]`.
 */
import {spawnSync} from 'node:child_process';
import {accessSync, constants, existsSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {median, msSince, repoRoot, report, spread, type BenchResult} from './lib.js';

const bin = path.join(repoRoot, 'bin', 'run.js');
const runs = Number(process.argv[2] ?? 11);
const home = mkdtempSync(path.join(os.tmpdir(), 'secretai-bench-'));
const env = {...process.env, SECRETAI_HOME: home, NO_COLOR: '1'};

/** The machine's own node: the first on PATH that is not inside a node_modules folder (npm puts Node 22 first). */
function machineNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir || dir.includes('node_modules')) continue;
    const p = path.join(dir, 'node');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

function version(exe: string): string {
  return spawnSync(exe, ['--version'], {encoding: 'utf8'}).stdout.trim();
}

function time(cmd: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {env, stdio: ['ignore', 'ignore', 'pipe']});
  const ms = msSince(t0);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const COMMANDS: string[][] = [['--version'], ['--help'], ['keys', 'list', '--json'], ['config', 'show', '--json'], ['network', 'list', '--json'], ['attest', 'verify', '--help']];

interface Case {
  name: string;
  cmd: string;
  args: string[];
  /** Name of the baseline case, absent for a baseline. */
  base?: string;
}

// The project's Node 22 (what bin/run.js runs on), else the Node running this benchmark.
const local22 = path.join(repoRoot, 'node_modules', 'node', 'bin', 'node');
const node22 = existsSync(local22) ? local22 : process.execPath;
const v22 = version(node22);
const machine = machineNode();
const machineOlder = machine !== undefined && Number(version(machine).slice(1).split('.')[0]) < 22;
const cases: Case[] = [];
const userBase = machine ? `node -e 0 (machine ${version(machine)})` : `node -e 0 (${v22})`;
cases.push({name: userBase, cmd: machine ?? node22, args: ['-e', '0']});
const sameBase = `node -e 0 (${v22})`;
if (sameBase !== userBase) cases.push({name: sameBase, cmd: node22, args: ['-e', '0']});
for (const c of COMMANDS) {
  const label = `secretai ${c.join(' ')}`;
  cases.push({name: `${label} [user: ./bin/run.js]`, cmd: bin, args: c, base: userBase});
  cases.push({name: `${label} [same Node: ${v22} bin/run.js]`, cmd: node22, args: [bin, ...c], base: sameBase});
  if (machineOlder) cases.push({name: `${label} [${version(machine!)} bin/run.js]`, cmd: machine!, args: [bin, ...c], base: userBase});
}

try {
  // Warm the file and compile caches once, then interleave the cases.
  for (const c of cases) time(c.cmd, c.args);
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let i = 0; i < runs; i++) for (const c of cases) samples.get(c.name)!.push(time(c.cmd, c.args));

  const results: BenchResult[] = cases.map((c) => {
    const xs = samples.get(c.name)!;
    const r: BenchResult = {name: `startup ${c.name}`, median: median(xs), spread: spread(xs), unit: 'ms'};
    if (c.base) Object.assign(r, {ratio: median(xs) / median(samples.get(c.base)!), baseline: c.base});
    return r;
  });
  console.log(`startup, ${runs} runs each, medians (spread = interquartile range); goal ≤ 2× node -e 0 (1.5× stretch):`);
  for (const r of results) {
    const ratio = r.ratio === undefined ? '' : `   ${r.ratio.toFixed(2)}× ${r.baseline}`;
    console.log(`  ${r.name.replace(/^startup /, '').padEnd(62)} ${r.median.toFixed(1).padStart(7)} ms ±${r.spread!.toFixed(1).padStart(5)}${ratio}`);
  }
  report(results);
} finally {
  rmSync(home, {recursive: true, force: true});
}
