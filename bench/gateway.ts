/**
 * The worker gateway's cost: streaming throughput and time to first token through `worker serve`'s server (TLS +
 * API-key check + metering + signed, fsynced usage record) against the same backend served directly by the plain
 * HTTP layer (`model serve`'s server), in one run, at 1 and 100 concurrent streams. The backend is the fast
 * synthetic one (no model), so the figures isolate the gateway. Both sides are reached over keep-alive
 * connections, as clients do. Then the embedded stories260K model's tokens/s and time to first token: the engine
 * in-process, and served directly and through the gateway, each in a process of its own. Medians over rounds;
 * ratios gateway / direct.
 * Targets (issue 9): throughput ≥ 95 % of direct, added TTFT ≤ 2 ms; 100 streams finish with no error and memory
 * that stays bounded (the servers' RSS after each round printed).
 *
 * The servers run in a process of their own (bench/gateway-servers.ts), the client in this one: the client's half
 * of every TLS record is not counted against the gateway. Each round also reads the server process's CPU time, so
 * two throughputs are given: tokens per second of wall time as this client sees them (on a machine with few cores
 * the client, which decrypts what the gateway encrypts, shares them with the server), and tokens per second of
 * the server's own CPU time — what one core of a worker can stream, the figure that isolates the gateway.
 *
 * Each synthetic comparison is followed by the same comparison for the plain HTTP layer with no hooks served over
 * HTTPS with the gateway's certificate ("TLS alone": no key check, no metering, no signature, no fsync), in rounds
 * of its own, to tell TLS's share of the gateway's cost from the gateway's own work.
 *
 * Run: `npx tsc -p tsconfig.json && node dist/bench/gateway.js [rounds] [tokens]` (Node 22).
 */
import {fork, type ChildProcess} from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {InferenceBackend} from '../src/lib/worker/backend.js';
import type {ServersReady} from './gateway-servers.js';
import {median, msSince, report, secondsSince, sharedDir, spread, type BenchResult} from './lib.js';

/** The figures for `npm run bench` (bench/lib.ts). */
const figures: BenchResult[] = [];

const rounds = Number(process.argv[2] ?? 5);
const tokens = Number(process.argv[3] ?? 256);
const KEY = 'bench-api-key-0123456789';

interface Target {
  url: string;
  agent: http.Agent;
  headers: Record<string, string>;
  /** The server processes that serve it (their CPU time is its cost). */
  servers: Servers[];
}

interface StreamStats {
  ttftMs: number;
  chunks: number;
}

/** One streaming chat; resolves with the time to the first content chunk and the number of content chunks. */
function streamOnce(t: Target, model: string, maxTokens: number, extra: Record<string, unknown> = {}): Promise<StreamStats> {
  const body = JSON.stringify({model, messages: [{role: 'user', content: 'Once upon a time'}], stream: true, max_tokens: maxTokens, ...extra});
  const t0 = process.hrtime.bigint();
  const mod = t.url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(`${t.url}/v1/chat/completions`, {method: 'POST', agent: t.agent, headers: {'content-type': 'application/json', ...t.headers}}, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
      let ttft = -1;
      let chunks = 0;
      let tail = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        const text = tail + d;
        let i = 0;
        for (;;) {
          const j = text.indexOf('"content":', i);
          if (j < 0) break;
          if (ttft < 0) ttft = msSince(t0);
          chunks++;
          i = j + 10;
        }
        tail = text.slice(Math.max(i, text.length - 10));
      });
      res.on('end', () => resolve({ttftMs: ttft, chunks}));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Server processes: their CPU time so far (µs, summed) and the RSS of the last. */
type CpuReading = {us: number; rssMb: number};

/** CPU time of all of `servers`. */
async function cpuOf(servers: Servers[]): Promise<CpuReading> {
  const rs = await Promise.all(servers.map((x) => x.cpu()));
  return {us: rs.reduce((n, r) => n + r.us, 0), rssMb: rs[0]!.rssMb};
}

interface RoundResult {
  /** Tokens per second of wall time. */
  tokensPerSecond: number;
  /** Tokens per second of the server process's CPU time (NaN when the server is in this process). */
  tokensPerCpuSecond: number;
  ttftMs: number;
  rssMb: number;
}

/**
 * `batches` batches of `concurrency` streams at once (one batch after the other: a round of one stream is long
 * enough to time); aggregate tokens/s (wall and server CPU) and median TTFT of the round.
 */
async function round(t: Target, model: string, concurrency: number, maxTokens: number, batches: number, timed = true): Promise<RoundResult> {
  const cpu = timed ? () => cpuOf(t.servers) : undefined;
  const c0 = await cpu?.();
  const t0 = process.hrtime.bigint();
  const all: StreamStats[] = [];
  for (let b = 0; b < batches; b++) all.push(...(await Promise.all(Array.from({length: concurrency}, () => streamOnce(t, model, maxTokens)))));
  const secs = secondsSince(t0);
  const c1 = await cpu?.();
  const total = all.reduce((n, s) => n + s.chunks, 0);
  if (total !== batches * concurrency * maxTokens) throw new Error(`expected ${batches * concurrency * maxTokens} chunks, got ${total}`);
  return {
    tokensPerSecond: total / secs,
    tokensPerCpuSecond: c0 && c1 ? total / ((c1.us - c0.us) / 1e6) : NaN,
    ttftMs: median(all.map((s) => s.ttftMs)),
    rssMb: c1?.rssMb ?? NaN,
  };
}

/** Batches per round: about 25,600 tokens a round at any concurrency. */
const batchesFor = (concurrency: number, maxTokens: number) => Math.max(1, Math.round(25_600 / (concurrency * maxTokens)));

/** `rounds` rounds of `a` and `b` in turn. */
async function interleaved(a: Target, b: Target, model: string, concurrency: number, maxTokens: number): Promise<{a: RoundResult[]; b: RoundResult[]}> {
  const batches = batchesFor(concurrency, maxTokens);
  const out = {a: [] as RoundResult[], b: [] as RoundResult[]};
  for (let r = 0; r < rounds; r++) {
    out.a.push(await round(a, model, concurrency, maxTokens, batches));
    out.b.push(await round(b, model, concurrency, maxTokens, batches));
  }
  return out;
}

/** Medians of a side's rounds. */
function medians(rs: RoundResult[]): {tps: number; cpuTps: number; ttft: number} {
  return {tps: median(rs.map((x) => x.tokensPerSecond)), cpuTps: median(rs.map((x) => x.tokensPerCpuSecond)), ttft: median(rs.map((x) => x.ttftMs))};
}

const fmt = (x: number) => x.toFixed(0).padStart(7);

/** `side` against the direct server: the figures and one printed line. */
async function compare(label: string, sideName: string, direct: Target, side: Target, model: string, concurrency: number, maxTokens: number): Promise<void> {
  const {a: d, b: g} = await interleaved(direct, side, model, concurrency, maxTokens);
  const dm = medians(d);
  const gm = medians(g);
  const baseline = 'model server direct (plain HTTP)';
  figures.push(
    {name: `${sideName} ${label} throughput, server CPU`, median: gm.cpuTps, spread: spread(g.map((x) => x.tokensPerCpuSecond)), unit: 'tokens/CPU-s', ratio: gm.cpuTps / dm.cpuTps, baseline},
    {name: `${sideName} ${label} throughput, wall`, median: gm.tps, spread: spread(g.map((x) => x.tokensPerSecond)), unit: 'tokens/s', ratio: gm.tps / dm.tps, baseline},
    {name: `${sideName} ${label} added TTFT`, median: gm.ttft - dm.ttft, spread: spread(g.map((x) => x.ttftMs)), unit: 'ms'},
  );
  console.log(
    `${`${sideName}, ${label}`.padEnd(40)} server CPU: direct ${fmt(dm.cpuTps)} ${sideName} ${fmt(gm.cpuTps)} tok/CPU-s (${(100 * gm.cpuTps / dm.cpuTps).toFixed(1)} %) | wall: direct ${fmt(dm.tps)} ${sideName} ${fmt(gm.tps)} tok/s (${(100 * gm.tps / dm.tps).toFixed(1)} %) | TTFT direct ${dm.ttft.toFixed(2)} ms, added ${(gm.ttft - dm.ttft).toFixed(2)} ms | server RSS ${g.map((x) => x.rssMb).join(', ')} MB`,
  );
}

/** A forked set of servers (bench/gateway-servers.ts). */
interface Servers {
  child: ChildProcess;
  ready: ServersReady;
  cpu(): Promise<CpuReading>;
  stop(): Promise<void>;
}

/** Forks bench/gateway-servers with `args` (and `env` added to this process's) and resolves once its servers listen. */
function startServers(env: Record<string, string>, ...args: string[]): Promise<Servers> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gateway-servers.js');
  const child = fork(script, args, {stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: {...process.env, ...env}});
  const cpu = (): Promise<CpuReading> =>
    new Promise((resolve) => {
      const on = (m: {type: string} & CpuReading) => {
        if (m.type !== 'cpu') return;
        child.off('message', on);
        resolve(m);
      };
      child.on('message', on);
      child.send({type: 'cpu'});
    });
  const stop = async () => {
    if (!child.connected) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({type: 'stop'});
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.once('message', (m: ServersReady) => resolve({child, ready: m, cpu, stop}));
    child.once('exit', (code) => reject(new Error(`the server process exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  console.log(`gateway bench: ${rounds} rounds, ${tokens} tokens per stream (medians); each server set in its own process`);
  const upstream = await startServers({}, 'upstream', KEY, String(tokens));
  const inProcess = await startServers({}, 'gateway', KEY, String(tokens), 'synthetic');
  const proxy = await startServers({}, 'gateway', KEY, String(tokens), `openai=${upstream.ready.url}`);
  const agentOpts = {keepAlive: true, maxSockets: 200, noDelay: true};
  const agents: http.Agent[] = [];
  const agent = (certPem?: string) => {
    const a = certPem ? new https.Agent({...agentOpts, ca: certPem, checkServerIdentity: () => undefined}) : new http.Agent(agentOpts);
    agents.push(a);
    return a;
  };
  const direct: Target = {url: upstream.ready.url!, agent: agent(), headers: {}, servers: [upstream]};
  const sides = (s: Servers, backendServers: Servers[]) => ({
    gateway: {url: s.ready.gateway!, agent: agent(s.ready.certPem), headers: {authorization: `Bearer ${KEY}`}, servers: [s, ...backendServers]} as Target,
    tlsAlone: {url: s.ready.tlsAlone!, agent: agent(s.ready.certPem), headers: {}, servers: [s, ...backendServers]} as Target,
  });
  const inP = sides(inProcess, []);
  const viaP = sides(proxy, [upstream]);
  const model = upstream.ready.model;
  try {
    // Warm-up (the JIT, the connection pools, the usage logs): two rounds of 100 streams on each server.
    for (const t of [direct, inP.gateway, inP.tlsAlone, viaP.gateway, viaP.tlsAlone]) for (let i = 0; i < 2; i++) await round(t, model, 100, tokens, 1, false);
    for (const [label, concurrency] of [['1 stream', 1], ['100 streams', 100]] as const) {
      await compare(`synthetic backend in its process, ${label}`, 'gateway', direct, inP.gateway, model, concurrency, tokens);
      await compare(`synthetic backend in its process, ${label}`, 'TLS alone', direct, inP.tlsAlone, model, concurrency, tokens);
      await compare(`proxying the upstream, ${label}`, 'gateway', direct, viaP.gateway, model, concurrency, tokens);
      await compare(`proxying the upstream, ${label}`, 'TLS alone', direct, viaP.tlsAlone, model, concurrency, tokens);
    }
  } finally {
    for (const a of agents) a.destroy();
    for (const s of [proxy, inProcess, upstream]) await s.stop();
  }
  await embedded();
}

/**
 * The embedded stories260K model, one stream at a time: the engine called in this process, the same engine behind
 * the plain HTTP layer in a process of its own ("direct"), and behind the gateway in a process of its own — the
 * gateway's cost where a real model sets the pace. Temperature 0: every side streams the same tokens.
 */
async function embedded(): Promise<void> {
  const modelDir = process.env.SECRETAI_MODEL_DIR ?? path.join(sharedDir, 'models', 'stories260K');
  if (!existsSync(modelDir)) {
    console.log(`embedded model: skipped (no model at ${modelDir})`);
    return;
  }
  const {EmbeddedBackend} = await import('../src/lib/worker/backends/embedded.js');
  const engine: InferenceBackend = await EmbeddedBackend.load({dir: modelDir});
  const model = (await engine.listModels())[0]!.name;
  const env = {SECRETAI_MODEL_DIR: modelDir};
  const upstream = await startServers(env, 'upstream', KEY, String(tokens), 'embedded');
  const gw = await startServers(env, 'gateway', KEY, String(tokens), 'embedded');
  const direct: Target = {url: upstream.ready.url!, agent: new http.Agent({keepAlive: true, noDelay: true}), headers: {}, servers: [upstream]};
  const gateway: Target = {url: gw.ready.gateway!, agent: new https.Agent({keepAlive: true, noDelay: true, ca: gw.ready.certPem, checkServerIdentity: () => undefined}), headers: {authorization: `Bearer ${KEY}`}, servers: [gw]};
  const maxTokens = 256;
  const over = async (t: Target) => {
    const t0 = process.hrtime.bigint();
    // The model may end its story before max tokens: count the chunks that came.
    const s = await streamOnce(t, model, maxTokens, {temperature: 0});
    return {tps: s.chunks / secondsSince(t0), ttft: s.ttftMs};
  };
  try {
    const sides = {inProc: [] as Array<{tps: number; ttft: number}>, direct: [] as Array<{tps: number; ttft: number}>, gateway: [] as Array<{tps: number; ttft: number}>};
    for (let r = 0; r <= rounds; r++) {
      const t0 = process.hrtime.bigint();
      let ttft = -1;
      let n = 0;
      for await (const d of engine.chat({model, messages: [{role: 'user', content: 'Once upon a time'}], maxTokens, temperature: 0}, new AbortController().signal)) {
        if (ttft < 0) ttft = msSince(t0);
        n += d.tokens;
      }
      const inRound = {tps: n / secondsSince(t0), ttft};
      const dRound = await over(direct);
      const gRound = await over(gateway);
      // Round 0 warms the JIT and the connections.
      if (r > 0) {
        sides.inProc.push(inRound);
        sides.direct.push(dRound);
        sides.gateway.push(gRound);
      }
    }
    const m = (xs: Array<{tps: number; ttft: number}>) => ({tps: median(xs.map((x) => x.tps)), ttft: median(xs.map((x) => x.ttft))});
    const [a, d, g] = [m(sides.inProc), m(sides.direct), m(sides.gateway)];
    figures.push(
      {name: 'embedded stories260K in-process, 1 stream', median: a.tps, spread: spread(sides.inProc.map((x) => x.tps)), unit: 'tokens/s'},
      {name: 'gateway embedded stories260K, 1 stream', median: g.tps, spread: spread(sides.gateway.map((x) => x.tps)), unit: 'tokens/s', ratio: g.tps / d.tps, baseline: 'embedded model behind the plain HTTP layer'},
      {name: 'gateway embedded stories260K added TTFT', median: g.ttft - d.ttft, spread: spread(sides.gateway.map((x) => x.ttft)), unit: 'ms'},
    );
    console.log(
      `${'embedded stories260K, 1 stream'.padEnd(34)} in-process ${a.tps.toFixed(0).padStart(6)} tok/s TTFT ${a.ttft.toFixed(2)} ms | direct (plain HTTP) ${d.tps.toFixed(0).padStart(6)} tok/s TTFT ${d.ttft.toFixed(2)} ms | gateway ${g.tps.toFixed(0).padStart(6)} tok/s (${(100 * g.tps / d.tps).toFixed(1)} % of direct) TTFT ${g.ttft.toFixed(2)} ms (added ${(g.ttft - d.ttft).toFixed(2)} ms)`,
    );
  } finally {
    direct.agent.destroy();
    gateway.agent.destroy();
    await gw.stop();
    await upstream.stop();
  }
}

await main();
report(figures);
