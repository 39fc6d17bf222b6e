/**
 * Devnet throughput benchmark. Starts a devnet in-process (the Secret AI genesis, in the main thread) and drives it
 * with unmodified secretjs: SNIP-20 transfers, signed and encrypted by secretjs, from several accounts
 * concurrently. The secretjs clients run in worker threads of this process (`--workers`, default 2; 0 = main
 * thread), so client-side signing and encryption do not compete with the devnet's event loop.
 *
 *   npx node dist/bench/devnet.js [--rounds 5] [--txs 400] [--accounts 16] [--workers 2] [--queries 200]
 *     [--wasm snip20=path/to/snip20.wasm …]
 *
 * Contracts: the built `contracts/<name>/<name>.wasm`, run by the devnet's wasm host; `--wasm name=file` deploys
 * that code from another wasm file instead. The JSON output names the code hashes that ran (`contracts`).
 *
 * Figures, medians over the rounds:
 * - pipelinedExecutesPerSecond: every account streams transfers with explicit sequences and `waitForCommit: false`.
 *   The devnet answers a broadcast only after the tx has been executed and committed (fsync), so each answered
 *   broadcast is a committed tx; every tx is checked afterwards (stored, code 0).
 * - roundTripExecutesPerSecond: the default secretjs flow (account lookup, broadcast, poll the result every 10 ms,
 *   decrypt data and events).
 * - presignedExecutesPerSecond: the devnet's own capacity. secretjs signs and encrypts the transfers first (not
 *   timed, `tx.signTx` with explicit sequences); the timed part broadcasts them over keep-alive HTTP from the worker
 *   threads, one stream per account, each answer meaning executed and committed.
 * - queryLatencyMs: sequential `token_info` queries from the main thread (secretjs: encrypt, HTTP, decrypt).
 * - devnetQueryLatencyMs: the devnet's share: the same query encrypted once by secretjs, then sent repeatedly over
 *   keep-alive HTTP (decrypt, run, encrypt on the devnet).
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createHash} from 'node:crypto';
import {Worker, isMainThread, parentPort, workerData} from 'node:worker_threads';
import {report, spread} from './lib.js';
import {GAS_LIMITS} from '../src/lib/chain/gas.js';
import {EncryptionUtilsImpl, MsgExecuteContract, SecretNetworkClient, Wallet} from 'secretjs';

/** The client's gas limit of a SNIP-20 transfer (the devnet runs the token's wasm). */
const GAS_LIMIT = GAS_LIMITS.snip20Transfer;

interface SenderSpec {
  mnemonic: string;
  accountNumber: number;
  sequence: number;
  recipient: string;
}

interface Target {
  url: string;
  chainId: string;
  token: {address: string; codeHash: string};
}

type Command =
  | {type: 'pipelined'; perAccount: number}
  | {type: 'roundTrip'; perAccount: number}
  | {type: 'presign'; perAccount: number}
  | {type: 'blast'}
  | {type: 'exit'};
type Reply = {type: 'done'; hashes: string[]} | {type: 'ready'} | {type: 'error'; message: string};

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Every value of a repeatable `--name value` option. */
function args(name: string): string[] {
  return process.argv.flatMap((a, i) => (a === `--${name}` && process.argv[i + 1] ? [process.argv[i + 1]!] : []));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function seedOf(address: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(address).digest());
}

/** The load generator: secretjs clients for a set of accounts. */
class Senders {
  private readonly senders: Array<SenderSpec & {client: SecretNetworkClient; address: string}>;

  constructor(
    private readonly target: Target,
    specs: SenderSpec[],
  ) {
    this.senders = specs.map((s) => {
      const wallet = new Wallet(s.mnemonic);
      const client = new SecretNetworkClient({
        url: target.url,
        chainId: target.chainId,
        wallet,
        walletAddress: wallet.address,
        encryptionSeed: seedOf(wallet.address),
      });
      return {...s, client, address: wallet.address};
    });
  }

  private msg(from: string, to: string) {
    return {
      sender: from,
      contract_address: this.target.token.address,
      code_hash: this.target.token.codeHash,
      msg: {transfer: {recipient: to, amount: '1'}},
    };
  }

  /** Explicit sequences, `waitForCommit: false`: each answered broadcast is a committed tx. */
  async pipelined(perAccount: number): Promise<string[]> {
    const hashes: string[] = [];
    await Promise.all(
      this.senders.map(async (s) => {
        for (let n = 0; n < perAccount; n++) {
          const res = await s.client.tx.compute.executeContract(this.msg(s.address, s.recipient), {
            gasLimit: GAS_LIMIT,
            waitForCommit: false,
            explicitSignerData: {accountNumber: s.accountNumber, sequence: s.sequence++, chainId: this.target.chainId},
          });
          hashes.push(res.transactionHash);
        }
      }),
    );
    return hashes;
  }

  private presigned: string[][] = [];

  /** Signs (and encrypts) `perAccount` transfers per account with secretjs, without broadcasting them. */
  async presign(perAccount: number): Promise<string[]> {
    this.presigned = await Promise.all(
      this.senders.map(async (s) => {
        const out: string[] = [];
        for (let n = 0; n < perAccount; n++) {
          const bytes = await s.client.tx.signTx([new MsgExecuteContract(this.msg(s.address, s.recipient))], {
            gasLimit: GAS_LIMIT,
            explicitSignerData: {accountNumber: s.accountNumber, sequence: s.sequence++, chainId: this.target.chainId},
          });
          out.push(Buffer.from(bytes).toString('base64'));
        }
        return out;
      }),
    );
    return [];
  }

  /** Broadcasts the presigned txs: one in-order stream per account, all accounts at once. */
  async blast(): Promise<string[]> {
    const hashes: string[] = [];
    const url = `${this.target.url}/cosmos/tx/v1beta1/txs`;
    await Promise.all(
      this.presigned.map(async (txs) => {
        for (const txBytes of txs) {
          const res = await fetch(url, {method: 'POST', body: JSON.stringify({txBytes, mode: 'BROADCAST_MODE_SYNC'})});
          const {tx_response} = (await res.json()) as {tx_response: {code: number; txhash: string; raw_log: string}};
          if (tx_response.code !== 0) throw new Error(`broadcast rejected: ${tx_response.raw_log}`);
          hashes.push(tx_response.txhash);
        }
      }),
    );
    this.presigned = [];
    return hashes;
  }

  /** The default secretjs flow with a 10 ms poll interval. */
  async roundTrip(perAccount: number): Promise<string[]> {
    const hashes: string[] = [];
    await Promise.all(
      this.senders.map(async (s) => {
        for (let n = 0; n < perAccount; n++) {
          const tx = await s.client.tx.compute.executeContract(this.msg(s.address, s.recipient), {
            gasLimit: GAS_LIMIT,
            broadcastCheckIntervalMs: 10,
          });
          if (tx.code !== 0) throw new Error(`tx failed: ${tx.rawLog}`);
          s.sequence++;
          hashes.push(tx.transactionHash);
        }
      }),
    );
    return hashes;
  }
}

function runCommand(senders: Senders, cmd: Command): Promise<string[]> {
  switch (cmd.type) {
    case 'pipelined':
      return senders.pipelined(cmd.perAccount);
    case 'roundTrip':
      return senders.roundTrip(cmd.perAccount);
    case 'presign':
      return senders.presign(cmd.perAccount);
    case 'blast':
      return senders.blast();
    default:
      return Promise.resolve([]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Worker thread
// ---------------------------------------------------------------------------------------------------------------

function runWorker(): void {
  const {target, specs} = workerData as {target: Target; specs: SenderSpec[]};
  const senders = new Senders(target, specs);
  const port = parentPort!;
  port.on('message', (cmd: Command) => {
    if (cmd.type === 'exit') {
      port.close();
      return;
    }
    const run = runCommand(senders, cmd);
    run.then(
      (hashes) => port.postMessage({type: 'done', hashes} satisfies Reply),
      (err: unknown) => port.postMessage({type: 'error', message: String((err as Error)?.message ?? JSON.stringify(err))} satisfies Reply),
    );
  });
  port.postMessage({type: 'ready'} satisfies Reply);
}

// ---------------------------------------------------------------------------------------------------------------
// Main thread
// ---------------------------------------------------------------------------------------------------------------

interface Driver {
  run(cmd: Command): Promise<string[]>;
  close(): Promise<void>;
}

function workerDriver(target: Target, specs: SenderSpec[]): Promise<Driver> {
  const worker = new Worker(new URL(import.meta.url), {workerData: {target, specs}});
  let pending: {resolve: (h: string[]) => void; reject: (e: Error) => void} | undefined;
  return new Promise((resolveReady, rejectReady) => {
    worker.on('error', (err) => (pending ? pending.reject(err) : rejectReady(err)));
    worker.on('message', (reply: Reply) => {
      if (reply.type === 'ready') {
        resolveReady({
          run: (cmd) => new Promise((resolve, reject) => {
            pending = {resolve, reject};
            worker.postMessage(cmd);
          }),
          close: async () => {
            worker.postMessage({type: 'exit'} satisfies Command);
            await worker.terminate();
          },
        });
      } else if (reply.type === 'done') {
        pending?.resolve(reply.hashes);
      } else {
        pending?.reject(new Error(reply.message));
      }
    });
  });
}

function inThreadDriver(target: Target, specs: SenderSpec[]): Driver {
  const senders = new Senders(target, specs);
  return {
    run: (cmd) => runCommand(senders, cmd),
    close: async () => undefined,
  };
}

async function main(): Promise<void> {
  const {devnetAdmin, secretAiArtifacts, secretAiGenesisSpec, startDevnet} = await import('../src/devnet/index.js');
  type DevnetHandle = import('../src/devnet/index.js').DevnetHandle;
  const wasmFiles = Object.fromEntries(
    args('wasm').map((spec) => {
      const [name, file] = spec.split('=');
      if (!name || !file) throw new Error(`--wasm takes name=file, got ${spec}`);
      return [name, new Uint8Array(readFileSync(file))];
    }),
  );
  const ROUNDS = arg('rounds', 5);
  const TXS = arg('txs', 400);
  const ACCOUNTS = arg('accounts', 16);
  const WORKERS = arg('workers', 2);
  const QUERIES = arg('queries', 200);

  const home = mkdtempSync(join(tmpdir(), 'secretai-devnet-bench-'));
  let devnet: DevnetHandle;
  try {
    devnet = await startDevnet({home, port: 0, genesis: async () => secretAiGenesisSpec({...secretAiArtifacts(), ...wasmFiles})});
  } catch (err) {
    rmSync(home, {recursive: true, force: true});
    throw err;
  }
  const drivers: Driver[] = [];
  try {
    const target: Target = {url: devnet.url, chainId: devnet.chainId, token: devnet.contracts.paymentToken};
    const wallets = Array.from({length: ACCOUNTS}, () => new Wallet());
    const specs: SenderSpec[] = [];
    for (const [i, wallet] of wallets.entries()) {
      await devnetAdmin.fund(devnet.url, {address: wallet.address, scrt: '1000000000', token: '1000000000000'});
      const account = devnet.chain.store.getAccount(wallet.address)!;
      specs.push({mnemonic: wallet.mnemonic, accountNumber: account.number, sequence: account.sequence, recipient: wallets[(i + 1) % ACCOUNTS]!.address});
    }
    if (WORKERS <= 0) {
      drivers.push(inThreadDriver(target, specs));
    } else {
      for (let w = 0; w < WORKERS; w++) {
        drivers.push(await workerDriver(target, specs.filter((_, i) => i % WORKERS === w)));
      }
    }
    const perAccount = Math.max(1, Math.ceil(TXS / ACCOUNTS));
    const runAll = async (cmd: Command): Promise<{rate: number; hashes: string[]}> => {
      const start = performance.now();
      const hashes = (await Promise.all(drivers.map((d) => d.run(cmd)))).flat();
      return {rate: hashes.length / ((performance.now() - start) / 1000), hashes};
    };
    const checkCommitted = (hashes: string[]) => {
      for (const h of hashes) {
        const json = devnet.chain.txJson(h);
        if (!json) throw new Error(`tx ${h} was answered but is not stored`);
        const r = (JSON.parse(json) as {tx_response: {code: number; raw_log: string}}).tx_response;
        if (r.code !== 0) throw new Error(`tx ${h} failed: ${r.raw_log}`);
      }
    };
    const queryClient = new SecretNetworkClient({url: devnet.url, chainId: devnet.chainId});
    const queryMedian = async (): Promise<number> => {
      const token = devnet.contracts.paymentToken;
      const times: number[] = [];
      for (let i = 0; i < QUERIES; i++) {
        const t0 = performance.now();
        const answer = (await queryClient.query.compute.queryContract({contract_address: token.address, code_hash: token.codeHash, query: {token_info: {}}})) as {token_info?: unknown};
        times.push(performance.now() - t0);
        if (!answer.token_info) throw new Error(`unexpected query answer ${JSON.stringify(answer)}`);
      }
      return median(times);
    };

    const devnetQueryMedian = async (): Promise<number> => {
      const token = devnet.contracts.paymentToken;
      const enc = new EncryptionUtilsImpl(devnet.url, seedOf('bench-query'));
      const encrypted = await enc.encrypt(token.codeHash, {token_info: {}});
      const url = `${devnet.url}/compute/v1beta1/query/${token.address}?query=${encodeURIComponent(Buffer.from(encrypted).toString('base64'))}`;
      const times: number[] = [];
      let data = '';
      for (let i = 0; i < QUERIES; i++) {
        const t0 = performance.now();
        const res = await fetch(url);
        data = ((await res.json()) as {data: string}).data;
        times.push(performance.now() - t0);
      }
      const plain = Buffer.from(await enc.decrypt(Buffer.from(data, 'base64'), encrypted.slice(0, 32))).toString();
      if (!JSON.parse(Buffer.from(plain, 'base64').toString()).token_info) throw new Error('unexpected raw query answer');
      return median(times);
    };

    checkCommitted((await runAll({type: 'pipelined', perAccount})).hashes); // warm-up
    const pipelined: number[] = [];
    const roundTrip: number[] = [];
    const presigned: number[] = [];
    const queries: number[] = [];
    const devnetQueries: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const p = await runAll({type: 'pipelined', perAccount});
      checkCommitted(p.hashes);
      pipelined.push(p.rate);
      const rt = await runAll({type: 'roundTrip', perAccount: Math.max(1, Math.ceil(perAccount / 2))});
      checkCommitted(rt.hashes);
      roundTrip.push(rt.rate);
      await runAll({type: 'presign', perAccount});
      const b = await runAll({type: 'blast'});
      checkCommitted(b.hashes);
      presigned.push(b.rate);
      queries.push(await queryMedian());
      devnetQueries.push(await devnetQueryMedian());
      console.error(
        `round ${r + 1}/${ROUNDS}: pipelined ${p.rate.toFixed(0)} executes/s (${p.hashes.length} txs), round-trip ${rt.rate.toFixed(0)} executes/s, presigned ${b.rate.toFixed(0)} executes/s (${b.hashes.length} txs), query median ${queries.at(-1)!.toFixed(2)} ms (devnet share ${devnetQueries.at(-1)!.toFixed(2)} ms)`,
      );
    }
    console.log(
      JSON.stringify(
        {
          contracts: Object.fromEntries(devnet.genesis.codes.map((c) => [c.name, c.codeHash])),
          accounts: ACCOUNTS,
          workers: WORKERS,
          txsPerRound: perAccount * ACCOUNTS,
          rounds: ROUNDS,
          pipelinedExecutesPerSecond: Math.round(median(pipelined)),
          roundTripExecutesPerSecond: Math.round(median(roundTrip)),
          presignedExecutesPerSecond: Math.round(median(presigned)),
          queryLatencyMs: Number(median(queries).toFixed(2)),
          devnetQueryLatencyMs: Number(median(devnetQueries).toFixed(2)),
          height: devnet.chain.height,
          wasmHost: (() => {
            const st = devnet.chain.wasm.runner.vm.stats;
            const per = (x: number) => Number((x / Math.max(1, st.calls)).toFixed(3));
            return {calls: st.calls, instantiateMsPerCall: per(st.instantiateMs), runMsPerCall: per(st.runMs), instructionsPerCall: Math.round(st.instructions / Math.max(1, st.calls))};
          })(),
          groupCommit: {
            commits: devnet.chain.commitStats.commits,
            txsPerCommit: Number((devnet.chain.commitStats.txs / Math.max(1, devnet.chain.commitStats.commits)).toFixed(2)),
            msPerCommit: Number((devnet.chain.commitStats.commitMs / Math.max(1, devnet.chain.commitStats.commits)).toFixed(2)),
          },
        },
        null,
        2,
      ),
    );
    const row = (name: string, xs: number[], unit: string) => ({name: `devnet ${name}`, median: median(xs), spread: spread(xs), unit});
    report([
      row('pipelined executes', pipelined, 'executes/s'),
      row('round-trip executes', roundTrip, 'executes/s'),
      row('presigned executes', presigned, 'executes/s'),
      row('query latency', queries, 'ms'),
      row('query latency, devnet share', devnetQueries, 'ms'),
    ]);
  } finally {
    for (const d of drivers) await d.close();
    await devnet.stop();
    rmSync(home, {recursive: true, force: true});
  }
}

if (isMainThread) {
  await main();
} else {
  runWorker();
}
