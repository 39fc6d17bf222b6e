/**
 * WorkerManager assignment cost: `get_next_worker` with 10 and with 10,000 registered workers, run on the built
 * contract (`contracts/worker-manager/worker-manager.wasm`, through the devnet's wasm host) in Node over the contract
 * test harness's storage (no devnet, no HTTP).
 *
 *   node dist/bench/worker-manager.js [--rounds 7] [--queries 400] [--large 10000]
 *
 * Figures (medians over the rounds, each round = `--queries` queries by distinct subscribers):
 * - `queryUs`: microseconds per `get_next_worker` (permit verification + pick + answer);
 * - `storageReads`: storage reads per query (deterministic: what the cost is made of);
 * - `ratio`: large / small, measured in the same run (the goal is ≤ 1.5).
 */
import type {ReadonlyDeps} from '../contracts/common/types.js';
import type * as WM from '../contracts/worker-manager/types.js';
import {bundleFor, MIN_STAKE, newKey, newWorkerManager, permitFor, registerWorker, type WorkerManagerHarness} from '../test/contracts/worker-manager-fixtures.js';
import {MemoryStorage, testAddress} from '../test/contracts/harness.js';
import type {RawTextStorage} from '../test/contracts/wasm-contract.js';
import {median, report} from './lib.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const ROUNDS = arg('rounds', 7);
const QUERIES = arg('queries', 400);
const LARGE = arg('large', 10_000);
const SMALL = 10;
const MODEL = 'stories260K';

/** Read-only storage counting the contract's reads (`db_read`s: the wasm host reads stored text through `getRaw`). */
class CountingStorage implements RawTextStorage {
  reads = 0;
  constructor(private readonly inner: MemoryStorage) {}
  getRaw(key: string): string | undefined {
    this.reads++;
    return this.inner.getRaw(key);
  }
  get<T>(key: string): T | undefined {
    this.reads++;
    return this.inner.get<T>(key);
  }
  range<T>(prefix: string, opts?: {startAfter?: string; limit?: number}): Array<[string, T]> {
    this.reads++;
    return this.inner.range<T>(prefix, opts);
  }
  setRaw(): void {
    throw new Error('a query does not write');
  }
  remove(): void {
    throw new Error('a query does not write');
  }
}

/**
 * Registers `workers` workers. The first go through the harness (atomic execute, answer schemas checked); the rest
 * call the contract directly, because the harness snapshots the whole storage around every execute.
 */
function setup(workers: number): WorkerManagerHarness {
  const h = newWorkerManager(testAddress(1));
  const challenge = h.query<WM.GetRegistrationChallengeResponse>({get_registration_challenge: {}}).challenge;
  for (let i = 0; i < workers; i++) {
    const key = newKey();
    const models = [MODEL, ...(i % 3 === 0 ? ['llama3.2:3b'] : [])];
    if (i < SMALL) {
      registerWorker(h, key, models);
      continue;
    }
    const msg = {register_worker: {url: `https://w${i}.example:21434`, models, payout_address: key.address, worker_pubkey: key.pubkeyB64, attestation: bundleFor(key, {challenge})}};
    h.contract.execute(h.deps, h.env, {sender: key.address, funds: [{denom: 'uscrt', amount: MIN_STAKE}]}, msg);
  }
  return h;
}

function measure(h: WorkerManagerHarness, permits: WM.Permit[]): {queryUs: number; storageReads: number} {
  const storage = new CountingStorage(h.storage);
  const deps: ReadonlyDeps = {...h.readonlyDeps, storage};
  const run = (p: WM.Permit) => h.contract.query(deps, h.env, {get_next_worker: {model: MODEL, permit: p}});
  for (const p of permits.slice(0, 50)) run(p); // warm-up
  const times: number[] = [];
  const reads: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    storage.reads = 0;
    const t0 = process.hrtime.bigint();
    for (const p of permits) run(p);
    times.push(Number(process.hrtime.bigint() - t0) / 1e3 / permits.length);
    reads.push(storage.reads / permits.length);
  }
  return {queryUs: median(times), storageReads: median(reads)};
}

const t0 = Date.now();
const small = setup(SMALL);
const large = setup(LARGE);
const setupSeconds = (Date.now() - t0) / 1000;
const permits = Array.from({length: QUERIES}, () => permitFor(newKey()));
// Interleave the two sizes so drift on a shared machine affects both alike.
const a1 = measure(small, permits);
const b1 = measure(large, permits);
const a2 = measure(small, permits);
const b2 = measure(large, permits);
const s = {queryUs: Math.min(a1.queryUs, a2.queryUs), storageReads: a1.storageReads};
const l = {queryUs: Math.min(b1.queryUs, b2.queryUs), storageReads: b1.storageReads};
console.log(JSON.stringify({
  bench: 'worker-manager get_next_worker',
  rounds: ROUNDS,
  queriesPerRound: QUERIES,
  setupSeconds,
  workers: {[SMALL]: s, [LARGE]: l},
  ratio: Number((l.queryUs / s.queryUs).toFixed(3)),
  storageReadsRatio: Number((l.storageReads / s.storageReads).toFixed(3)),
}, null, 2));
report([
  {name: `worker-manager get_next_worker, ${SMALL} workers`, median: s.queryUs, spread: null, unit: 'µs/query'},
  {name: `worker-manager get_next_worker, ${LARGE} workers`, median: l.queryUs, spread: null, unit: 'µs/query', ratio: l.queryUs / s.queryUs, baseline: `${SMALL} workers`},
]);
