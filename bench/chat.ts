/**
 * `secretai chat` from process start to the first token on stdout, on a devnet with one worker serving the
 * embedded stories260K model: cold (the attestation cache emptied before each run, so the worker is verified) and
 * warm (the verdict cached), against bare Node start-up and `secretai --version` measured in the same run. The
 * `--json` runs give the share of each phase: start-up (process start to the command's service), credentials
 * (key store, keyring), contract queries (API key check, permit, policy, challenges, next worker), the worker's
 * /attestation fetch (with the TLS handshake of the connection that then carries the prompt), verification, any
 * further TLS handshake during the turn and the model (request to first token).
 * Target (issue 11): warm first token < 300 ms (goal 150 ms).
 *
 * Run: `npm run build && node dist/bench/chat.js [rounds]` (Node 22; needs ../shared/models/stories260K).
 */
import {spawn, execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {median, msSince, repoRoot, report, sharedDir, spread} from './lib.js';

const rounds = Number(process.argv[2] ?? 5);
const home = mkdtempSync(path.join(os.tmpdir(), 'secretai-bench-chat-'));
const bin = path.join(repoRoot, 'bin', 'run.js');
const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('SECRETAI_')) env[k] = v;
env.NO_COLOR = '1';
// The model from the shared folder the benches use ($SECRETAI_SHARED, else ../shared).
env.SECRETAI_MODEL_DIR = path.join(sharedDir, 'models', 'stories260K');

function cli(args: string[], extra: Record<string, string> = {}): Record<string, unknown> {
  const out = execFileSync(process.execPath, [bin, ...args, '--home', home, '--json'], {env: {...env, ...extra}, encoding: 'utf8'});
  return JSON.parse(out) as Record<string, unknown>;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** Spawns `args` and resolves with the ms from spawn to the first stdout byte, and the whole stdout. */
function firstByte(cmd: string, args: string[]): Promise<{ms: number; stdout: string; code: number | null}> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, {env, stdio: ['ignore', 'pipe', 'pipe']});
    let first = -1;
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      if (first < 0) first = msSince(t0);
      out += d;
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ms: first < 0 ? msSince(t0) : first, stdout: out, code}) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

const chatArgs = (json: boolean) => [bin, 'chat', 'Once upon a time', '--model', 'stories260K', '--temperature', '0', '--max-tokens', '8', '--from', 'user', '--home', home, ...(json ? ['--json'] : [])];
const clearCache = () => rmSync(path.join(home, 'cache', 'chat'), {recursive: true, force: true});

async function main(): Promise<void> {
  process.stderr.write('setting up a devnet with one worker…\n');
  cli(['devnet', 'start', '--detach', '--port', '0']);
  let gateway: import('node:child_process').ChildProcess | undefined;
  try {
    for (const k of ['op', 'user']) {
      cli(['keys', 'add', k, '--keyring-backend', 'test']);
      cli(['devnet', 'fund', k]);
    }
    cli(['subscribe', '--plan', 'basic', '--yes', '--from', 'user']);
    const apiKey = cli(['apikey', 'create', '--from', 'user']).key as string;
    const bundle = path.join(home, 'bundle.json');
    cli(['attest', 'collect', '--dev', '--out', bundle, '--from', 'op']);
    const port = await freePort();
    cli(['worker', 'register', '--url', `https://127.0.0.1:${port}`, '--model', 'stories260K', '--attestation', bundle, '--stake', '1000000', '--from', 'op']);
    gateway = spawn(process.execPath, [bin, 'worker', 'serve', '--from', 'op', '--home', home, '--port', String(port), '--json'], {env: {...env, SECRETAI_DEV_API_KEY: apiKey}, stdio: ['ignore', 'pipe', 'inherit']});
    await new Promise<void>((resolve) => gateway!.stdout!.once('data', () => resolve()));

    const nodeMs: number[] = [];
    const versionMs: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    const phases: Record<'cold' | 'warm', Array<Record<string, number>>> = {cold: [], warm: []};
    await firstByte(process.execPath, chatArgs(false)); // warm the OS file cache and the permit cache
    for (let r = 0; r < rounds; r++) {
      nodeMs.push((await firstByte(process.execPath, ['-e', 'process.stdout.write("x")'])).ms);
      versionMs.push((await firstByte(process.execPath, [bin, '--version'])).ms);
      clearCache();
      cold.push((await firstByte(process.execPath, chatArgs(false))).ms);
      warm.push((await firstByte(process.execPath, chatArgs(false))).ms);
      clearCache();
      phases.cold.push((JSON.parse((await firstByte(process.execPath, chatArgs(true))).stdout) as {timings: Record<string, number>}).timings);
      const w = JSON.parse((await firstByte(process.execPath, chatArgs(true))).stdout) as {timings: Record<string, number>; attestation: {cached: boolean}};
      if (!w.attestation.cached) throw new Error('the warm run did not use the attestation cache');
      phases.warm.push(w.timings);
    }
    const f = (x: number) => `${x.toFixed(0).padStart(5)} ms`;
    const base = median(nodeMs);
    console.log(`chat: process start → first token on stdout, median of ${rounds} (stories260K, --max-tokens 8, devnet, 1 worker)`);
    console.log(`  bare node              ${f(base)}`);
    console.log(`  secretai --version     ${f(median(versionMs))}  (${(median(versionMs) / base).toFixed(1)}× bare node)`);
    console.log(`  chat, cold cache       ${f(median(cold))}  (${(median(cold) / base).toFixed(1)}× bare node)`);
    console.log(`  chat, warm cache       ${f(median(warm))}  (${(median(warm) / base).toFixed(1)}× bare node; target < 300 ms, goal 150 ms)`);
    report([
      {name: 'chat cold cache, process start → first token', median: median(cold), spread: spread(cold), unit: 'ms', ratio: median(cold) / base, baseline: 'bare node'},
      {name: 'chat warm cache, process start → first token', median: median(warm), spread: spread(warm), unit: 'ms', ratio: median(warm) / base, baseline: 'bare node'},
    ]);
    const names: Array<[string, string]> = [
      ['startup', 'start-up (process start → chat service)'],
      ['credentials', 'credentials (key store, keyring, secretjs)'],
      ['chain', 'contract queries'],
      ['attestationFetch', 'worker /attestation fetch'],
      ['verify', 'verification (or cache lookup)'],
      ['tls', 'TLS handshake in the turn (0: reused)'],
      ['firstToken', 'model (request → first token)'],
    ];
    for (const kind of ['cold', 'warm'] as const) {
      const med = Object.fromEntries(names.map(([k]) => [k, median(phases[kind].map((p) => p[k] ?? 0))]));
      const total = Object.values(med).reduce((a, b) => a + b, 0);
      console.log(`  phases, ${kind} (median ms, share of their sum ${total.toFixed(0)} ms):`);
      for (const [k, label] of names) console.log(`    ${label.padEnd(44)} ${med[k]!.toFixed(1).padStart(7)}  ${((100 * med[k]!) / total).toFixed(0).padStart(3)} %`);
    }
  } finally {
    gateway?.kill('SIGTERM');
    try {
      cli(['devnet', 'stop']);
    } catch {
      /* already stopped */
    }
    rmSync(home, {recursive: true, force: true});
  }
}

await main();
