/**
 * What the OpenAI / Ollama HTTP layer costs: streaming throughput (tokens/s over all streams) and time to first
 * token, through the layer on plain HTTP versus the same synthetic backend called directly, in one run, at 1 and
 * 100 concurrent streams. The synthetic backend (test/worker/helpers/synthetic.ts: no model, one event-loop turn per
 * token) isolates the layer. Client and server share this process, so the HTTP figures include the client's
 * reading of the stream. A third baseline, "bare node:http", streams the same backend with the least code possible
 * (one `res.write` per token, no parsing, hooks or backpressure), to separate the layer's own cost from the cost of
 * HTTP itself on this machine. Medians over rounds; ratio = path / direct.
 *
 * Run: `npx tsc -p tsconfig.json && node dist/bench/http-layer.js [rounds] [tokens-per-stream]` (Node 22).
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {createApiHandler} from '../src/lib/worker/api/handler.js';
import {SyntheticBackend} from '../test/worker/helpers/synthetic.js';
import {median, msSince, report, secondsSince, spread, type BenchResult} from './lib.js';

const rounds = Number(process.argv[2] ?? 5);
const tokens = Number(process.argv[3] ?? 400);
const MESSAGES = [{role: 'user', content: 'tell me a story'}];

interface RoundResult {
  tokensPerSecond: number;
  ttftMs: number[];
}

const backend = new SyntheticBackend({tokens});

async function directStream(): Promise<number> {
  const t0 = process.hrtime.bigint();
  let ttft = -1;
  let n = 0;
  for await (const d of backend.chat({model: 'synthetic', messages: MESSAGES}, new AbortController().signal)) {
    if (ttft < 0) ttft = msSince(t0);
    n += d.tokens;
  }
  if (n !== tokens) throw new Error(`direct stream produced ${n} tokens, expected ${tokens}`);
  return ttft;
}

function httpStream(url: string, path: string, agent: http.Agent, body: unknown, separator: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let ttft = -1;
    let events = 0;
    const req = http.request(`${url}${path}`, {method: 'POST', agent, headers: {'content-type': 'application/json'}}, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (ttft < 0) ttft = msSince(t0);
        for (let i = c.indexOf(separator); i >= 0; i = c.indexOf(separator, i + separator.length)) events++;
      });
      res.on('end', () => (events >= tokens ? resolve(ttft) : reject(new Error(`only ${events} events for ${tokens} tokens`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function round(concurrency: number, one: () => Promise<number>): Promise<RoundResult> {
  const t0 = process.hrtime.bigint();
  const ttftMs = await Promise.all(Array.from({length: concurrency}, one));
  return {tokensPerSecond: (concurrency * tokens) / secondsSince(t0), ttftMs};
}

async function measure(concurrency: number, one: () => Promise<number>): Promise<{tps: number; ttft: number; tpsSpread: number; ttftSpread: number}> {
  await round(concurrency, one); // warm-up
  const tps: number[] = [];
  const ttft: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const res = await round(concurrency, one);
    tps.push(res.tokensPerSecond);
    ttft.push(...res.ttftMs);
  }
  return {tps: median(tps), ttft: median(ttft), tpsSpread: spread(tps), ttftSpread: spread(ttft)};
}

/** The baseline: the same backend streamed as SSE by the smallest possible node:http handler. */
const bare: http.RequestListener = (req, res) => {
  req.resume();
  req.on('end', async () => {
    res.writeHead(200, {'content-type': 'text/event-stream'});
    for await (const d of backend.chat({model: 'synthetic', messages: MESSAGES}, new AbortController().signal)) res.write(`data: ${JSON.stringify({content: d.text})}\n\n`);
    res.end();
  });
};

async function listen(handler: http.RequestListener): Promise<{server: http.Server; url: string}> {
  const server = http.createServer({keepAlive: true, noDelay: true}, handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`};
}

async function main(): Promise<void> {
  const {server, url} = await listen(createApiHandler({backend}));
  const baseline = await listen(bare);
  const agent = new http.Agent({keepAlive: true, maxSockets: Infinity});
  const openai = () => httpStream(url, '/v1/chat/completions', agent, {model: 'synthetic', messages: MESSAGES, stream: true}, '\n\n');
  const ollama = () => httpStream(url, '/api/chat', agent, {model: 'synthetic', messages: MESSAGES}, '\n');
  const raw = () => httpStream(baseline.url, '/', agent, {}, '\n\n');

  console.log(`HTTP layer vs the synthetic backend called directly: ${tokens} tokens per stream, median of ${rounds} rounds`);
  console.log('concurrency  path                             tokens/s   ratio   TTFT ms   added TTFT ms');
  const figures: BenchResult[] = [];
  for (const c of [1, 100]) {
    const direct = await measure(c, directStream);
    figures.push({name: `http-layer c=${c} direct`, median: direct.tps, spread: direct.tpsSpread, unit: 'tokens/s'});
    console.log(`${String(c).padStart(11)}  direct                         ${direct.tps.toFixed(0).padStart(10)}   1.000  ${direct.ttft.toFixed(3).padStart(8)}`);
    for (const [name, one] of [['bare node:http (baseline)', raw], ['OpenAI SSE /v1/chat/completions', openai], ['Ollama NDJSON /api/chat', ollama]] as const) {
      const h = await measure(c, one);
      figures.push(
        {name: `http-layer c=${c} ${name}`, median: h.tps, spread: h.tpsSpread, unit: 'tokens/s', ratio: h.tps / direct.tps, baseline: 'backend called directly'},
        {name: `http-layer c=${c} ${name}, added TTFT`, median: h.ttft - direct.ttft, spread: h.ttftSpread, unit: 'ms'},
      );
      console.log(
        `${String(c).padStart(11)}  ${name.padEnd(31)}${h.tps.toFixed(0).padStart(10)}   ${(h.tps / direct.tps).toFixed(3)}  ${h.ttft.toFixed(3).padStart(8)}   ${(h.ttft - direct.ttft).toFixed(3).padStart(12)}`,
      );
    }
  }
  report(figures);
  agent.destroy();
  for (const s of [server, baseline.server]) {
    s.closeAllConnections();
    s.close();
  }
}

await main();
