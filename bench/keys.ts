/**
 * Key benchmark: CPU time (user + system, all threads: `process.cpuUsage`) of deriving an account from a mnemonic
 * and of the first signatures of a process, secretjs / `@noble/curves` against the native code of
 * `src/lib/keys` and `src/lib/chain/signer.ts`. Each sample is a fresh process (the modules are imported before the
 * clock starts), because first use is what a command pays: secretjs's `new Wallet` runs BIP-39 and BIP-32 in pure
 * JavaScript, and noble builds its precomputed tables on its first signature. Cases are interleaved so machine noise
 * hits them alike. Run: `npm run build && node dist/bench/keys.js [runs]`.
 */
import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {report, stats, type BenchResult} from './lib.js';

const MNEMONIC =
  'any much toddler gather aim silver attitude govern maple floor canal suggest spike rain horse major tilt clarify kidney twin earn normal style unable';
const RECORD = {worker_id: '1', key_handle: 'ab'.repeat(32), model: 'llama3.2:1b', request_id: 'r-1', input_tokens: 120, output_tokens: 480, epoch: 7};

/** One measured operation: `setup` runs untimed (imports, inputs), then `run` on the clock. */
interface Case {
  name: string;
  /** Name of the case this one is compared with. */
  base?: string;
  setup(): Promise<() => Promise<unknown>>;
}

async function account() {
  const {deriveAccount} = await import('../src/lib/keys/hd.js');
  return deriveAccount(MNEMONIC);
}

function signDoc(address: string) {
  return {bodyBytes: new Uint8Array(300).fill(7), authInfoBytes: new Uint8Array(100).fill(9), chainId: 'secretdev-1', accountNumber: 3n, address};
}

const CASES: Case[] = [
  {
    name: 'derive account: secretjs new Wallet(mnemonic)',
    async setup() {
      const {Wallet} = await import('secretjs/dist/wallet_proto.js');
      return async () => new Wallet(MNEMONIC);
    },
  },
  {
    name: 'derive account: native deriveAccount(mnemonic)',
    base: 'derive account: secretjs new Wallet(mnemonic)',
    async setup() {
      const {deriveAccount} = await import('../src/lib/keys/hd.js');
      return async () => deriveAccount(MNEMONIC);
    },
  },
  {
    name: 'first tx signature: secretjs Wallet.signDirect',
    async setup() {
      const {Wallet} = await import('secretjs/dist/wallet_proto.js');
      const w = new Wallet(MNEMONIC);
      const {address, ...doc} = signDoc(w.address);
      return () => w.signDirect(address, doc);
    },
  },
  {
    name: 'first tx signature: NativeWallet.signDirect',
    base: 'first tx signature: secretjs Wallet.signDirect',
    async setup() {
      const {privateKey} = await account();
      const {NativeWallet} = await import('../src/lib/chain/signer.js');
      const w = new NativeWallet(privateKey);
      const {address, ...doc} = signDoc(w.address);
      return () => w.signDirect(address, doc);
    },
  },
  {
    name: 'first usage signature: signUsage, raw key (@noble/curves)',
    async setup() {
      const {privateKey} = await account();
      const {signUsage} = await import('../contracts/common/usage.js');
      return () => signUsage(RECORD, 'worker', privateKey);
    },
  },
  {
    name: 'first usage signature: signUsage, native Secp256k1Key',
    base: 'first usage signature: signUsage, raw key (@noble/curves)',
    async setup() {
      const {privateKey} = await account();
      const [{signUsage}, {Secp256k1Key}] = await Promise.all([import('../contracts/common/usage.js'), import('../src/lib/keys/secp256k1.js')]);
      // The key object is made on the clock: a command makes it once, for its first signature.
      return () => signUsage(RECORD, 'worker', new Secp256k1Key(privateKey));
    },
  },
];

const self = fileURLToPath(import.meta.url);
/** Idle time between setup and the clock, in milliseconds. */
const SETTLE_MS = 200;
const caseAt = process.argv.indexOf('--case');

if (caseAt >= 0) {
  // Child: one sample of one case, in microseconds of CPU, on stdout.
  const c = CASES[Number(process.argv[caseAt + 1])]!;
  const run = await c.setup();
  // Let V8's background threads finish compiling what setup loaded: process CPU time counts every thread.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const t0 = process.cpuUsage();
  await run();
  const t = process.cpuUsage(t0);
  process.stdout.write(`${t.user + t.system}\n`);
} else {
  const runs = Number(process.argv[2] ?? 15);
  const samples = CASES.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    CASES.forEach((c, i) => {
      const p = spawnSync(process.execPath, [self, '--case', String(i)], {encoding: 'utf8'});
      if (p.status !== 0) throw new Error(`${c.name}: exited ${p.status}: ${p.stderr}`);
      samples[i]!.push(Number(p.stdout.trim()) / 1000);
    });
  }
  const results: BenchResult[] = CASES.map((c, i) => ({name: c.name, ...stats(samples[i]!), unit: 'ms CPU'}));
  for (const r of results) {
    const c = CASES.find((x) => x.name === r.name)!;
    const base = c.base && results.find((x) => x.name === c.base);
    if (base) Object.assign(r, {ratio: r.median / base.median, baseline: base.name});
  }
  for (const r of results) {
    console.log(`${r.name.padEnd(62)} ${r.median.toFixed(2).padStart(8)} ms CPU  (IQR ${r.spread!.toFixed(2)})${r.ratio !== undefined ? `  ×${r.ratio.toFixed(3)}` : ''}`);
  }
  report(results);
}
