/**
 * Embedded inference engine: tokens per second (of wall and of CPU time) generating N tokens after BOS + "Once upon a time" (greedy and
 * sampled), time to first token (prompt prefill + first token), and the matmul alone against a plain one-row
 * dot-product loop (the baseline) on the model's largest layer shape, measured in the same run, and the time to
 * tokenize a 100 KB prompt. Medians over rounds, one untimed warm-up first. Reads stories260K from $SECRETAI_MODEL_DIR or ../shared/models.
 *
 * Run: `npm run build && node dist/bench/inference.js [rounds] [tokens]` (Node 22).
 */
import {availableParallelism, loadavg} from 'node:os';
import {loadEmbeddedModel} from '../src/lib/inference/index.js';
import {matmul} from '../src/lib/inference/transformer.js';
import {median, msSince, rate, report, spread, timeOnce, type BenchResult} from './lib.js';

const rounds = Number(process.argv[2] ?? 9);
const tokens = Number(process.argv[3] ?? 256);

const model = await loadEmbeddedModel();
const prompt = model.encode('Once upon a time', {bos: true});

/**
 * One generation: tokens per second of wall time and of this process's CPU time (user + system: on a shared,
 * oversubscribed machine the wall rate falls with the load, the CPU-time rate much less), and the time to the
 * first token in ms.
 */
function run(temperature: number, seed: number): {tps: number; cpuTps: number; ttftMs: number; n: number} {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let ttftMs = 0;
  let n = 0;
  for (const _ of model.generate(prompt, {maxTokens: tokens, temperature, topP: 0.9, seed})) {
    if (n === 0) ttftMs = msSince(t0);
    n++;
  }
  const wallS = msSince(t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {tps: n / wallS, cpuTps: n / ((cpu.user + cpu.system) / 1e6), ttftMs, n};
}

const figures: BenchResult[] = [];

function measure(label: string, temperature: number): void {
  run(temperature, 0);
  const results = Array.from({length: rounds}, (_, r) => run(temperature, r + 1));
  const n = median(results.map((r) => r.n));
  const tps = median(results.map((r) => r.tps)).toFixed(0);
  const cpuTps = median(results.map((r) => r.cpuTps)).toFixed(0);
  const ttft = median(results.map((r) => r.ttftMs)).toFixed(3);
  const of = (k: 'tps' | 'cpuTps' | 'ttftMs') => results.map((r) => r[k]);
  figures.push(
    {name: `inference ${label}, wall`, median: median(of('tps')), spread: spread(of('tps')), unit: 'tokens/s'},
    {name: `inference ${label}, CPU time`, median: median(of('cpuTps')), spread: spread(of('cpuTps')), unit: 'tokens/s'},
    {name: `inference ${label}, time to first token`, median: median(of('ttftMs')), spread: spread(of('ttftMs')), unit: 'ms'},
  );
  console.log(`${label}: ${tps} tokens/s wall, ${cpuTps} tokens/s of CPU time (medians of ${rounds}, ${n} tokens), time to first token ${ttft} ms`);
}

console.log(`stories260K, prompt ${prompt.length} tokens, up to ${tokens} new tokens; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs`);
// Tokenizing a long prompt (100 KB of story text): the BPE merge must stay far from quadratic.
const longText = 'Once upon a time, there was a little girl named Lily. She loved to play outside in the park. '.repeat(1100);
const encodeMs = median(Array.from({length: rounds}, () => timeOnce(() => model.encode(longText, {bos: true}))));
console.log(`encode ${(longText.length / 1024).toFixed(0)} KB: ${encodeMs.toFixed(1)} ms (median of ${rounds})`);
measure('greedy (temperature 0)', 0);
measure('sampled (temperature 1, top-p 0.9)', 1);

// The matmul against a plain row-by-row loop, on w1's shape (hidden 172 × dim 64).
const n = 64;
const d = 172;
const w = Float32Array.from({length: n * d}, (_, i) => Math.sin(i));
const x = Float32Array.from({length: n}, (_, i) => Math.cos(i));
const out = new Float32Array(d);
function plain(): void {
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += w[i * n + j] * x[j];
    out[i] = s;
  }
}
const iterations = 20000;
const base = rate(plain, iterations, rounds);
const fast = rate(() => matmul(out, 0, x, w, 0, n, d), iterations, rounds);
console.log(`matmul ${d}×${n}: ${(fast / 1e3).toFixed(0)}k/s vs plain loop ${(base / 1e3).toFixed(0)}k/s (×${(fast / base).toFixed(2)})`);
report([...figures, {name: 'inference matmul vs plain loop', median: fast, spread: null, unit: 'calls/s', ratio: fast / base, baseline: 'plain row-by-row loop'}]);
