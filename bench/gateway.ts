/**
 * The worker gateway's cost: streaming throughput and time to first token through `worker serve`'s server (TLS +
 * API-key check + metering + signed, fsynced usage record) against the same backend served directly by the plain
 * HTTP layer (`model serve`'s server), in one run, at 1 and 100 concurrent streams. The backend is the fast
 * synthetic one (no model), so the figures isolate the gateway. Both sides are reached over keep-alive
 * connections, as clients do. Then the embedded stories260K model's tokens/s and time to first token through the
 * gateway, against the engine called in-process. Medians over rounds; ratios gateway / direct.
 * Targets (issue 9): throughput ≥ 95 % of direct, added TTFT ≤ 2 ms; 100 streams finish with no error and memory
 * that stays bounded (RSS after each round printed).
 *
 * To tell the two parts of the gateway's cost apart, each synthetic comparison is followed by the same comparison
 * for the plain HTTP layer with no hooks served over HTTPS with the gateway's certificate ("TLS alone": no key
 * check, no metering, no signature, no fsync), in rounds of its own. Its line says how much of the gap TLS alone
 * makes here — the client runs in this same process, so it pays the client's TLS work on every record too — and
 * what is left for the gateway's own work. The gateway-vs-direct rounds are the same as without it.
 *
 * Run: `npx tsc -p tsconfig.json && node dist/bench/gateway.js [rounds] [tokens]` (Node 22).
 */
import http from 'node:http';
import https from 'node:https';
import {existsSync} from 'node:fs';
import path from 'node:path';
import type {AddressInfo} from 'node:net';
import type {InferenceBackend} from '../src/lib/worker/backend.js';
import {createApiHandler} from '../src/lib/worker/api/handler.js';
import {startModelServer} from '../src/lib/worker/model-serve.js';
import {fixedKeyChecker, localGateway} from '../test/worker/gateway-helpers.js';
import {SyntheticBackend} from '../test/worker/helpers/synthetic.js';
import {median, msSince, report, secondsSince, sharedDir, spread, type BenchResult} from './lib.js';

/** The figures for `npm run bench` (bench/lib.ts). */
const figures: BenchResult[] = [];

const rounds = Number(process.argv[2] ?? 5);
const tokens = Number(process.argv[3] ?? 256);
const KEY = 'bench-api-key-0123456789';
const MB = 1024 * 1024;

interface Target {
  url: string;
  agent: http.Agent;
  headers: Record<string, string>;
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

interface RoundResult {
  tokensPerSecond: number;
  ttftMs: number;
}

/** `concurrency` streams at once; aggregate tokens/s and median TTFT of the round. */
async function round(t: Target, model: string, concurrency: number, maxTokens: number): Promise<RoundResult> {
  const t0 = process.hrtime.bigint();
  const all = await Promise.all(Array.from({length: concurrency}, () => streamOnce(t, model, maxTokens)));
  const secs = secondsSince(t0);
  const total = all.reduce((n, s) => n + s.chunks, 0);
  if (total !== concurrency * maxTokens) throw new Error(`expected ${concurrency * maxTokens} chunks, got ${total}`);
  return {tokensPerSecond: total / secs, ttftMs: median(all.map((s) => s.ttftMs))};
}

/** Warm-up rounds, then `rounds` rounds of `a` and `b` in turn; RSS after each pair. */
async function interleaved(a: Target, b: Target, model: string, concurrency: number, maxTokens: number): Promise<{a: RoundResult[]; b: RoundResult[]; rss: number[]}> {
  await round(a, model, concurrency, maxTokens);
  await round(b, model, concurrency, maxTokens);
  const out = {a: [] as RoundResult[], b: [] as RoundResult[], rss: [] as number[]};
  for (let r = 0; r < rounds; r++) {
    out.a.push(await round(a, model, concurrency, maxTokens));
    out.b.push(await round(b, model, concurrency, maxTokens));
    out.rss.push(Math.round(process.memoryUsage().rss / MB));
  }
  return out;
}

/** Medians of a side's rounds. */
function medians(rs: RoundResult[]): {tps: number; ttft: number} {
  return {tps: median(rs.map((x) => x.tokensPerSecond)), ttft: median(rs.map((x) => x.ttftMs))};
}

/** The gateway against the direct server; returns the ratio and the added TTFT. */
async function compare(label: string, direct: Target, gateway: Target, model: string, concurrency: number, maxTokens: number): Promise<{ratio: number; addedMs: number}> {
  const {a: d, b: g, rss} = await interleaved(direct, gateway, model, concurrency, maxTokens);
  const {tps: dT, ttft: dF} = medians(d);
  const {tps: gT, ttft: gF} = medians(g);
  const gTs = g.map((x) => x.tokensPerSecond);
  figures.push(
    {name: `gateway ${label} throughput`, median: gT, spread: spread(gTs), unit: 'tokens/s', ratio: gT / dT, baseline: 'model server direct (plain HTTP)'},
    {name: `gateway ${label} added TTFT`, median: gF - dF, spread: spread(g.map((x) => x.ttftMs)), unit: 'ms'},
  );
  console.log(
    `${label.padEnd(30)} direct ${dT.toFixed(0).padStart(7)} tok/s TTFT ${dF.toFixed(2).padStart(6)} ms | gateway ${gT.toFixed(0).padStart(7)} tok/s TTFT ${gF.toFixed(2).padStart(6)} ms | throughput ${(100 * gT / dT).toFixed(1)} %, added TTFT ${(gF - dF).toFixed(2)} ms | RSS after rounds ${rss.join(', ')} MB`,
  );
  return {ratio: gT / dT, addedMs: gF - dF};
}

/**
 * TLS alone against the direct server, in rounds of its own after the gateway's (so the gateway's rounds are
 * exactly as without it), and the gateway's figures against it.
 */
async function compareTlsAlone(label: string, direct: Target, tlsAlone: Target, gateway: {ratio: number; addedMs: number}, model: string, concurrency: number, maxTokens: number): Promise<void> {
  const {a: d, b: t} = await interleaved(direct, tlsAlone, model, concurrency, maxTokens);
  const {tps: dT, ttft: dF} = medians(d);
  const {tps: tT, ttft: tF} = medians(t);
  figures.push(
    {name: `TLS alone ${label} throughput`, median: tT, spread: spread(t.map((x) => x.tokensPerSecond)), unit: 'tokens/s', ratio: tT / dT, baseline: 'model server direct (plain HTTP)'},
    {name: `TLS alone ${label} added TTFT`, median: tF - dF, spread: spread(t.map((x) => x.ttftMs)), unit: 'ms'},
  );
  console.log(
    `${`  TLS alone, ${label.replace('synthetic, ', '')}`.padEnd(30)} direct ${dT.toFixed(0).padStart(7)} tok/s TTFT ${dF.toFixed(2).padStart(6)} ms | TLS alone ${tT.toFixed(0).padStart(7)} tok/s TTFT ${tF.toFixed(2).padStart(6)} ms | throughput ${(100 * tT / dT).toFixed(1)} %, added TTFT ${(tF - dF).toFixed(2)} ms | the gateway's own share: ${(100 * gateway.ratio / (tT / dT)).toFixed(1)} % of TLS alone, ${(gateway.addedMs - (tF - dF)).toFixed(2)} ms`,
  );
}

/** The plain HTTP layer with no hooks over HTTPS with the gateway's TLS identity: TLS and nothing else of the gateway. */
async function tlsAloneServer(backend: InferenceBackend, tls: {cert: string; key: string}): Promise<{server: https.Server; url: string}> {
  const server = https.createServer({...tls, noDelay: true, keepAlive: true}, createApiHandler({backend}));
  server.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`};
}

async function main(): Promise<void> {
  console.log(`gateway bench: ${rounds} rounds, ${tokens} tokens per stream (medians)`);
  const synthetic = new SyntheticBackend({tokens});
  const direct = await startModelServer({backend: synthetic, port: 0});
  const gw = await localGateway(synthetic, fixedKeyChecker(KEY));
  const agentOpts = {keepAlive: true, maxSockets: 200, noDelay: true};
  const directT: Target = {url: direct.result.url, agent: new http.Agent(agentOpts), headers: {}};
  const gwT: Target = {url: gw.gateway.url, agent: new https.Agent({...agentOpts, ca: gw.certPem, checkServerIdentity: () => undefined}), headers: {authorization: `Bearer ${KEY}`}};
  const tlsAlone = await tlsAloneServer(synthetic, {cert: gw.certPem, key: gw.keyPem});
  const tlsT: Target = {url: tlsAlone.url, agent: new https.Agent({...agentOpts, ca: gw.certPem, checkServerIdentity: () => undefined}), headers: {}};
  try {
    for (const [label, concurrency] of [['synthetic, 1 stream', 1], ['synthetic, 100 streams', 100]] as const) {
      const g = await compare(label, directT, gwT, synthetic.model, concurrency, tokens);
      await compareTlsAlone(label, directT, tlsT, g, synthetic.model, concurrency, tokens);
    }
  } finally {
    await direct.stop();
    await gw.close();
    tlsAlone.server.closeAllConnections();
    tlsAlone.server.close();
    for (const t of [directT, gwT, tlsT]) t.agent.destroy();
  }

  const modelDir = process.env.SECRETAI_MODEL_DIR ?? path.join(sharedDir, 'models', 'stories260K');
  if (!existsSync(modelDir)) {
    console.log(`embedded model: skipped (no model at ${modelDir})`);
    return;
  }
  const {EmbeddedBackend} = await import('../src/lib/worker/backends/embedded.js');
  const embedded: InferenceBackend = await EmbeddedBackend.load({dir: modelDir});
  const model = (await embedded.listModels())[0]!.name;
  const eg = await localGateway(embedded, fixedKeyChecker(KEY));
  const egT: Target = {url: eg.gateway.url, agent: new https.Agent({keepAlive: true, noDelay: true, ca: eg.certPem, checkServerIdentity: () => undefined}), headers: {authorization: `Bearer ${KEY}`}};
  const maxTokens = 256;
  try {
    const inProc: RoundResult[] = [];
    const through: RoundResult[] = [];
    for (let r = 0; r <= rounds; r++) {
      const t0 = process.hrtime.bigint();
      let ttft = -1;
      let n = 0;
      for await (const d of embedded.chat({model, messages: [{role: 'user', content: 'Once upon a time'}], maxTokens, temperature: 0}, new AbortController().signal)) {
        if (ttft < 0) ttft = msSince(t0);
        n += d.tokens;
      }
      const inRound = {tokensPerSecond: n / secondsSince(t0), ttftMs: ttft};
      const gRound = await round(egT, model, 1, maxTokens).catch(async () => {
        // The model may stop before max tokens (end of text): count what came.
        const s = await streamOnce(egT, model, maxTokens, {temperature: 0});
        return {tokensPerSecond: NaN, ttftMs: s.ttftMs};
      });
      if (r > 0) {
        inProc.push(inRound);
        through.push(gRound);
      }
    }
    const a = median(inProc.map((x) => x.tokensPerSecond));
    const b = median(through.map((x) => x.tokensPerSecond));
    figures.push({name: 'gateway embedded stories260K, 1 stream', median: b, spread: spread(through.map((x) => x.tokensPerSecond)), unit: 'tokens/s', ratio: b / a, baseline: 'embedded model in-process'});
    console.log(
      `${'embedded stories260K, 1 stream'.padEnd(30)} in-process ${a.toFixed(0).padStart(6)} tok/s TTFT ${median(inProc.map((x) => x.ttftMs)).toFixed(2)} ms | gateway ${b.toFixed(0).padStart(6)} tok/s TTFT ${median(through.map((x) => x.ttftMs)).toFixed(2)} ms | ${(100 * b / a).toFixed(1)} %`,
    );
  } finally {
    await eg.close();
  }
}

await main();
report(figures);
