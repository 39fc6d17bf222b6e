/**
 * `npm run bench`: runs every benchmark program in bench/ one after another (never in parallel, so they do not
 * disturb each other) and prints one table — name, median, spread, unit, ratio and baseline — or, with `--json`,
 * one JSON document `{results, notes}`. Programs follow the contract in bench/lib.ts (`SECRETAI_BENCH_JSON=1` →
 * a JSON array on stdout); a program that does not is shown by its last output lines, and an absent or failing
 * one by a note. `--only a,b` runs just those programs. Run: `npm run build && node dist/bench/all.js [--json]`.
 */
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {BenchResult} from './lib.js';

/** The programs, in the order they run; one missing from this build gets a note rather than a row. */
const PROGRAMS = ['startup', 'keys', 'attest', 'attest-tdx', 'attest-snp-nvidia', 'devnet', 'seal', 'worker-manager', 'inference', 'http-layer', 'gateway', 'chat', 'rewards'];
/** A program that runs longer than this is stopped and noted. */
const TIMEOUT_MS = 15 * 60_000;
/** How many of its last output lines a program without JSON output shows. */
const TAIL_LINES = 8;

interface Row extends BenchResult {
  program: string;
}

interface Note {
  program: string;
  status: 'absent' | 'failed' | 'no-json';
  message: string;
  /** Last lines of output, for a program without JSON output or one that failed. */
  tail?: string[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',').filter(Boolean)) : undefined;
const unknown = only ? [...only].filter((p) => !PROGRAMS.includes(p)) : [];
if (unknown.length > 0) {
  process.stderr.write(`Error: unknown bench program(s) ${unknown.join(', ')} (known: ${PROGRAMS.join(', ')})\n`);
  process.exit(2);
}

function run(file: string): Promise<{code: number | null; stdout: string; stderr: string; timedOut: boolean}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], {env: {...process.env, SECRETAI_BENCH_JSON: '1'}, stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      // Progress for the person waiting; the table comes at the end.
      if (!json) process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({code, stdout, stderr, timedOut});
    });
  });
}

/** The JSON array a program printed (its last stdout line that parses as one), else undefined. */
function parseResults(stdout: string): BenchResult[] | undefined {
  const lines = stdout.trim().split('\n').reverse();
  for (const l of lines) {
    try {
      const v = JSON.parse(l) as unknown;
      if (Array.isArray(v) && v.every((x) => x && typeof x === 'object' && typeof x.name === 'string' && typeof x.median === 'number')) return v as BenchResult[];
    } catch {
      // not this line
    }
  }
  return undefined;
}

const tail = (s: string) => s.trim().split('\n').filter(Boolean).slice(-TAIL_LINES);

const rows: Row[] = [];
const notes: Note[] = [];
for (const program of PROGRAMS) {
  if (only && !only.has(program)) continue;
  const file = path.join(here, `${program}.js`);
  if (!existsSync(file)) {
    notes.push({program, status: 'absent', message: `bench/${program}.ts is not in this version: skipped`});
    continue;
  }
  process.stderr.write(`== bench ${program}\n`);
  const r = await run(file);
  const results = parseResults(r.stdout);
  if (r.code !== 0 || r.timedOut) {
    const why = r.timedOut ? `stopped after ${TIMEOUT_MS / 60_000} min` : `exited ${r.code}`;
    notes.push({program, status: 'failed', message: `${why}`, tail: tail(r.stderr + '\n' + r.stdout)});
  } else if (results) {
    for (const x of results) rows.push({program, ...x});
  } else {
    notes.push({program, status: 'no-json', message: 'prints no JSON results (see bench/lib.ts); its last lines:', tail: tail(r.stdout || r.stderr)});
  }
}

const num = (x: number | null | undefined, unit = '') => {
  if (x === null || x === undefined || !Number.isFinite(x)) return '';
  const a = Math.abs(x);
  const s = a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
  return unit ? `${s} ${unit}` : s;
};

if (json) {
  process.stdout.write(JSON.stringify({results: rows, notes}, null, 2) + '\n');
} else {
  const header = ['program', 'name', 'median', 'spread', 'unit', 'ratio', 'baseline'];
  const body = rows.map((r) => [r.program, r.name, num(r.median), num(r.spread), r.unit, r.ratio === undefined ? '' : `${num(r.ratio)}×`, r.baseline ?? '']);
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const right = new Set([2, 3, 5]);
  const line = (row: string[]) => row.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  console.log('');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
  if (body.length === 0) console.log('(no results)');
  if (notes.length > 0) console.log('');
  for (const n of notes) {
    console.log(`${n.program}: ${n.message}`);
    for (const t of n.tail ?? []) console.log(`    ${t}`);
  }
}
process.exitCode = notes.some((n) => n.status === 'failed') ? 1 : 0;
