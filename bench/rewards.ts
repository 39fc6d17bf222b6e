/**
 * RewardsManager cost benchmark: time and stored bytes of `close_epoch`, `report_work` per record and
 * `claim_rewards` with 10 and 10 000 workers over 1 and 100 epochs, side by side, driving the built contracts (wasm,
 * through the devnet's wasm host) directly in Node (payment token, WorkerManager, SubscriptionManager and
 * RewardsManager on the contract test chain, test/contracts/rewards-chain.ts).
 *
 *   npx node --expose-gc dist/bench/rewards.js [--rounds 21]
 *
 * Each scenario registers N workers, then for each of E epochs: ⌈N/E⌉ workers in rotation report one signed record
 * each (so every worker has reported by the end), worker 1 (the probe) reports one record every epoch, revenue is
 * paid in, the epoch ends and is closed. Then, from that state (restored before every round, not timed):
 * - close_epoch: closing one more epoch in which the probe reported (median over rounds);
 * - claim_rewards: the probe claiming — it earned in every one of the E epochs (median over rounds);
 * - report_work per record: reports of 1 record by the probe, one after the other on the live state (median), and
 *   a report of 1 000 records (from the saved state; ms per record);
 * - stored bytes: the RewardsManager's whole state, and the bytes each message adds (keys + JSON values);
 * - storage gas: the devnet's gas model (src/devnet/node `GAS`: flat + per-byte charges of every storage read,
 *   write and removal, in every contract the message reaches) — the deterministic cost, free of the timing noise a
 *   large heap brings (with --expose-gc a collection runs before every timed call).
 * Ratios are against the 10 workers × 1 epoch scenario measured in the same run.
 */
import {signUsageRecord, type SignedUsageRecord, type UsageRecord} from '../contracts/common/usage.js';
import {GAS} from '../src/devnet/index.js';
import {jsonMode, median, report, type BenchResult} from './lib.js';
import {ADMIN, REWARDS_MANAGER, RewardsChain, type TestWorker} from '../test/contracts/rewards-chain.js';

const HOUR = 3600;
const HANDLE = 'ef'.repeat(32);
const BATCH = 1000;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const ROUNDS = arg('rounds', 21);

let request = 0;
function sign(w: TestWorker, epoch: number, input = 10, output = 5): Promise<SignedUsageRecord> {
  const record: UsageRecord = {worker_id: w.id, key_handle: HANDLE, model: 'stories260K', request_id: `r${++request}`, input_tokens: input, output_tokens: output, epoch};
  return signUsageRecord(record, w.privateKey);
}

interface Figures {
  workers: number;
  epochs: number;
  closeMs: number;
  claimMs: number;
  closeGas: number;
  claimGas: number;
  reportGasPerRecord: number;
  reportMsPerRecord: number;
  report1000MsPerRecord: number;
  storedBytes: number;
  closeBytes: number;
  claimBytes: number;
  reportBytesPerRecord: number;
}

/**
 * Counts storage gas of every contract of the chain, as the devnet's meter would: the wasm host reads and writes
 * each contract's storage as stored text (`getRaw`/`setRaw`/`remove`), so those are counted.
 */
function meter(chain: RewardsChain): {gas: number} {
  const m = {gas: 0};
  for (const inst of chain.instances.values()) {
    const st = inst.storage;
    const getRaw = st.getRaw.bind(st);
    const setRaw = st.setRaw.bind(st);
    const remove = st.remove.bind(st);
    st.getRaw = (key: string): string | undefined => {
      const v = getRaw(key);
      m.gas += GAS.storageReadFlat + GAS.storageReadPerByte * (key.length + (v === undefined ? 0 : v.length));
      return v;
    };
    st.setRaw = (key: string, text: string) => {
      m.gas += GAS.storageWriteFlat + GAS.storageWritePerByte * (key.length + text.length);
      setRaw(key, text);
    };
    st.remove = (key: string) => {
      m.gas += GAS.storageRemoveFlat;
      remove(key);
    };
  }
  return m;
}

let gauge = {gas: 0};
const gc = (globalThis as {gc?: () => void}).gc;

/**
 * Runs `f` `rounds` times; median ms, and the bytes and gas of the first run. With `restore`, each round starts from
 * the saved state (after `prepare`, and a collection with --expose-gc); without, the rounds run one after the other
 * on the live state — for short calls, where restoring a large state right before would make the call pay for the
 * collector's work on the copies.
 */
function measure(chain: RewardsChain, rounds: number, f: () => void, opts: {restore: boolean; prepare?: () => void}): {ms: number; bytes: number; gas: number} {
  const saved = opts.restore ? [...chain.instances.values()].map((i) => [i, i.storage.snapshot()] as const) : [];
  const time = {...chain.block};
  const restore = () => {
    for (const [i, s] of saved) i.storage.restore(s);
    Object.assign(chain.block, time);
  };
  const times: number[] = [];
  let bytes = 0;
  let gas = 0;
  for (let r = 0; r < rounds; r++) {
    if (opts.restore) restore();
    opts.prepare?.();
    const before = r === 0 ? chain.storedBytes(REWARDS_MANAGER) : 0;
    if (opts.restore) gc?.();
    const g0 = gauge.gas;
    const t0 = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r === 0) {
      gas = gauge.gas - g0;
      bytes = chain.storedBytes(REWARDS_MANAGER) - before;
    }
  }
  if (opts.restore) restore();
  return {ms: median(times), bytes, gas};
}

async function scenario(workers: number, epochs: number): Promise<Figures> {
  const chain = new RewardsChain({feeBps: 500, cap: '1000000000', rollback: false});
  const ws: TestWorker[] = [];
  for (let i = 0; i < workers; i++) ws.push(chain.addWorker());
  const probe = ws[0]!;
  const perEpoch = Math.ceil(workers / epochs);
  let next = 1 % workers;
  for (let e = 0; e < epochs; e++) {
    const reporters = new Set<TestWorker>([probe]);
    for (let k = 0; k < perEpoch && reporters.size < workers; k++) {
      reporters.add(ws[next]!);
      next = (next + 1) % workers;
    }
    for (const w of reporters) chain.execute(REWARDS_MANAGER, w.operator, {report_work: {records: [await sign(w, e)]}});
    chain.payRevenue(ADMIN, 1_000_000n);
    chain.advance(HOUR);
    chain.execute(REWARDS_MANAGER, ADMIN, {close_epoch: {}});
  }
  const storedBytes = chain.storedBytes(REWARDS_MANAGER);
  gauge = meter(chain);

  // Records for the timed reports, signed beforehand.
  const singles = await Promise.all(Array.from({length: ROUNDS}, () => sign(probe, epochs)));
  const batch = await Promise.all(Array.from({length: BATCH}, () => sign(probe, epochs)));
  let round = 0;
  const report1000 = measure(chain, Math.min(ROUNDS, 5), () => chain.execute(REWARDS_MANAGER, probe.operator, {report_work: {records: batch}}), {restore: true});
  const claim = measure(chain, ROUNDS, () => chain.execute(REWARDS_MANAGER, probe.operator, {claim_rewards: {}}), {restore: true});
  // close_epoch: the next epoch, where the probe reported one record and revenue arrived.
  const close = measure(chain, ROUNDS, () => chain.execute(REWARDS_MANAGER, ADMIN, {close_epoch: {}}), {
    restore: true,
    prepare: () => {
      chain.execute(REWARDS_MANAGER, probe.operator, {report_work: {records: [singles[0]!]}});
      chain.payRevenue(ADMIN, 1_000_000n);
      chain.advance(HOUR);
    },
  });
  // Last: these reports stay in the state.
  const report1 = measure(chain, ROUNDS, () => chain.execute(REWARDS_MANAGER, probe.operator, {report_work: {records: [singles[round++]!]}}), {restore: false});
  return {
    workers, epochs, closeMs: close.ms, claimMs: claim.ms, closeGas: close.gas, claimGas: claim.gas, reportGasPerRecord: report1.gas, reportMsPerRecord: report1.ms, report1000MsPerRecord: report1000.ms / BATCH,
    storedBytes, closeBytes: close.bytes, claimBytes: claim.bytes, reportBytesPerRecord: report1.bytes,
  };
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(4));

async function main(): Promise<void> {
  const results: Figures[] = [];
  for (const [n, e] of [[10, 1], [10, 100], [10_000, 1], [10_000, 100]] as const) {
    const t0 = process.hrtime.bigint();
    results.push(await scenario(n, e));
    process.stderr.write(`scenario ${n} workers × ${e} epochs set up and measured in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s\n`);
  }
  const base = results[0]!;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log(`rewards bench (medians over ${ROUNDS} rounds${gc ? ', GC before each timed call' : ''}; ratios against 10 workers × 1 epoch)`);
  console.log('workers × epochs | close_epoch gas (ratio), ms (ratio) | claim_rewards gas (ratio), ms (ratio) | report_work 1 record gas, ms | ms/record in 1000 | state bytes | bytes added: close / claim / record');
  for (const r of results) {
    console.log(
      `${String(r.workers).padStart(6)} × ${String(r.epochs).padEnd(3)} | ${r.closeGas} (${ratio(r.closeGas, base.closeGas)}), ${fmt(r.closeMs)} (${ratio(r.closeMs, base.closeMs)}) | ` +
        `${r.claimGas} (${ratio(r.claimGas, base.claimGas)}), ${fmt(r.claimMs)} (${ratio(r.claimMs, base.claimMs)}) | ${r.reportGasPerRecord} (${ratio(r.reportGasPerRecord, base.reportGasPerRecord)}), ` +
        `${fmt(r.reportMsPerRecord)} (${ratio(r.reportMsPerRecord, base.reportMsPerRecord)}) | ${fmt(r.report1000MsPerRecord)} | ${r.storedBytes} | ${r.closeBytes} / ${r.claimBytes} / ${r.reportBytesPerRecord}`,
    );
  }
  const rows: BenchResult[] = [];
  for (const r of results.slice(1)) {
    const scale = `${r.workers} workers × ${r.epochs} epochs`;
    const against = `${base.workers} workers × ${base.epochs} epoch`;
    rows.push(
      {name: `rewards close_epoch gas, ${scale}`, median: r.closeGas, spread: null, unit: 'gas', ratio: r.closeGas / base.closeGas, baseline: against},
      {name: `rewards claim_rewards gas, ${scale}`, median: r.claimGas, spread: null, unit: 'gas', ratio: r.claimGas / base.claimGas, baseline: against},
      {name: `rewards report_work gas per record, ${scale}`, median: r.reportGasPerRecord, spread: null, unit: 'gas', ratio: r.reportGasPerRecord / base.reportGasPerRecord, baseline: against},
    );
  }
  report(rows);
  if (!jsonMode) console.log(JSON.stringify({rounds: ROUNDS, results}));
}

await main();
