/**
 * The demo: the whole Secret AI flow on a throw-away home (and devnet), step by step.
 * Steps this version cannot run yet are listed as `not-built`, so the summary never overstates what happened.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {Context} from '../cli/base-command.js';
import type {Output} from '../cli/output.js';
import {resolveHome} from '../config/index.js';
import {Keyring, generateMnemonic} from '../keys/index.js';

export type StepStatus = 'ok' | 'failed' | 'not-built';

export interface DemoStep {
  name: string;
  status: StepStatus;
  detail: string;
}

export interface DemoSummary {
  home: string;
  steps: DemoStep[];
  ok: boolean;
  notBuilt: string[];
  /** The same flow as commands to run by hand (in one home, with the devnet running). */
  byHand: string[];
}

/** The demo's flow as commands a person runs by hand (README: the devnet walkthrough). */
export const DEMO_BY_HAND: readonly string[] = [
  'secretai devnet start --detach',
  'secretai keys add operator --keyring-backend test && secretai keys add user --keyring-backend test',
  'secretai devnet fund operator && secretai devnet fund user',
  'secretai attest collect --dev --out bundle.json --from operator',
  'secretai worker register --url https://127.0.0.1:21434 --model stories260K --attestation bundle.json --stake 1000000 --from operator',
  'secretai worker serve --port 21434 --detach --from operator',
  'secretai subscribe --plan basic --yes --from user',
  'secretai apikey create --from user',
  'secretai chat "Once upon a time" --model stories260K --temperature 0 --from user',
  'secretai worker report --from operator',
  'secretai devnet advance --seconds 3600 && secretai epoch close --from operator',
  'secretai rewards claim --from operator',
  'secretai worker stop && secretai devnet stop',
];

interface StepDef {
  name: string;
  /** Returns a one-line detail; throws on failure. Absent: not built in this version. */
  run?: (s: DemoState) => Promise<string>;
}

interface DemoState {
  ctx: Context;
  challenge?: string;
  bundle?: string;
  keys: Record<string, string>;
  stopDevnet?: () => Promise<void>;
  devnetUrl?: string;
  /** The URL the worker registers and its gateway serves. */
  workerUrl?: string;
  stopGateway?: () => Promise<void>;
}

/** The model the demo worker registers (the embedded engine's). */
const DEMO_MODEL = 'stories260K';
/** Where the demo worker's gateway listens (loopback URLs are accepted on the devnet only); the port is a free one. */
const DEMO_WORKER_HOST = '127.0.0.1';

/** A TCP port free right now on the demo worker's host. */
async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, DEMO_WORKER_HOST, () => {
      const {port} = srv.address() as import('node:net').AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const STEPS: StepDef[] = [
  {
    name: 'keys: create the worker operator and user keys (test keyring)',
    run: async (s) => {
      const kr = new Keyring(s.ctx.home.value);
      for (const name of ['operator', 'user']) {
        const info = await kr.add(name, await generateMnemonic(), {backend: 'test'});
        s.keys[name] = info.address;
      }
      return `operator ${s.keys.operator}, user ${s.keys.user}`;
    },
  },
  {
    name: 'devnet: start the local chain with WorkerManager, SubscriptionManager, RewardsManager and the payment token',
    run: async (s) => {
      const {startDevnetService} = await import('../devnet/service.js');
      const r = await startDevnetService(s.ctx, {port: 0, detach: false});
      s.stopDevnet = r.stop;
      s.devnetUrl = r.result.url;
      return `${r.result.url} (chain ${r.result.chainId}), token ${r.result.contracts.paymentToken.address}`;
    },
  },
  {
    name: 'devnet fund: give the operator and the user uscrt and payment tokens',
    run: async (s) => {
      const {fundService} = await import('../devnet/service.js');
      const parts: string[] = [];
      for (const who of ['operator', 'user']) {
        const f = await fundService(s.ctx, {target: who, scrt: '100scrt', token: '50000000'});
        parts.push(`${who} +${f.scrt} uscrt +${f.token} tokens`);
      }
      return parts.join(', ');
    },
  },
  {
    name: 'attest collect --dev: dev TDX + NVIDIA evidence bound to the worker TLS key and pubkey',
    run: async (s) => {
      const {collectAttestation} = await import('../attest/collect.js');
      const ctx = new Context(s.ctx.home, s.ctx.out, {network: 'local', from: 'operator', yes: true});
      // No --tls-cert: the worker's own TLS key and self-signed certificate in the home; the challenge is the
      // WorkerManager's current registration challenge.
      s.bundle = path.join(s.ctx.home.value, 'worker-attestation.json');
      const r = await collectAttestation(ctx, {out: s.bundle, dev: true});
      s.challenge = r.binding.challenge;
      return `TDX quote ${r.cpu.bytes} bytes + ${r.gpu?.count ?? 0} GPU, report data ${r.cpu.reportData.slice(0, 16)}…, dev attestation (not hardware)`;
    },
  },
  {
    name: 'attest verify: the bundle against the devnet\'s dev roots and the WorkerManager\'s accepted measurements',
    run: async (s) => {
      const {verifyAttestation} = await import('../attest/verify.js');
      // Measurements are appraised against the devnet WorkerManager's accepted_measurements.
      const r = await verifyAttestation(s.ctx, {bundle: s.bundle});
      if (r.verdict !== 'valid') throw new Error(`verdict ${r.verdict}: ${r.reasons.join('; ')}`);
      return `${r.verdict}, ${r.checks.length} checks${r.dev ? ', dev attestation (not hardware)' : ''}`;
    },
  },
  {
    name: 'worker register: verify locally (challenge, measurements, binding), register with stake',
    run: async (s) => {
      const {registerWorker, listModels} = await import('../worker/registry.js');
      const ctx = new Context(s.ctx.home, s.ctx.out, {network: 'local', from: 'operator', yes: true});
      s.workerUrl = `https://${DEMO_WORKER_HOST}:${await freePort()}`;
      const r = await registerWorker(ctx, {url: s.workerUrl, models: [DEMO_MODEL], attestation: s.bundle!, stake: '1000000'});
      const models = await listModels(ctx);
      if (!models.some((m) => m.name === DEMO_MODEL && m.workers === 1)) throw new Error(`models after registration: ${JSON.stringify(models)}`);
      return `worker ${r.workerId} (tx ${r.txHash.slice(0, 12)}…), attestation ${r.attestation.verdict}; models: ${models.map((m) => m.name).join(', ')}`;
    },
  },
  {
    name: 'deposit: SNIP-20 send to the SubscriptionManager; its receive callback credits a prepaid balance (read with a permit)',
    run: async (s) => {
      const {signerFor, contractsFor, getPermit} = await import('../chain/index.js');
      const ctx = userContext(s);
      const signer = await signerFor(ctx);
      const c = contractsFor(ctx);
      const r = await c.subscriptionManager.deposit(signer, c.paymentToken, 2_000_000n);
      const permit = await getPermit(signer, {contracts: [(await c.subscriptionManager.ref()).address], permissions: ['balance']});
      const sub = await c.subscriptionManager.subscription(permit);
      if (sub.balance !== '2000000') throw new Error(`prepaid balance is ${sub.balance}, expected 2000000`);
      return `tx ${r.txHash.slice(0, 12)}…, prepaid balance ${sub.balance} token base units`;
    },
  },
  {
    name: 'subscribe --plan basic: pay one period of the basic plan (SNIP-20 send, exact price)',
    run: async (s) => {
      const {subscribeService} = await import('../subscription/index.js');
      const r = await subscribeService(userContext(s), {plan: 'basic'});
      return `paid ${r.amountDisplay}, active until ${r.expiresAt} (tx ${r.txHash.slice(0, 12)}…)`;
    },
  },
  {
    name: 'apikey create: a random key, only its SHA-256 on chain; a gateway\'s check accepts it',
    run: async (s) => {
      const {checkApiKey, createApiKey} = await import('../subscription/index.js');
      const ctx = userContext(s);
      const k = await createApiKey(ctx);
      const check = await checkApiKey(ctx, k.key);
      if (check.status !== 'active') throw new Error(`the new key is ${check.status}`);
      return `key hash ${k.keyHash.slice(0, 16)}…, status ${check.status}, opaque handle ${check.handle?.slice(0, 12)}…`;
    },
  },
  {
    name: 'worker serve: the attested TLS gateway over the embedded stories260K model; API keys checked against the SubscriptionManager',
    run: async (s) => {
      const {serveWorker} = await import('../worker/gateway/service.js');
      const ctx = new Context(s.ctx.home, s.ctx.out, {network: 'local', from: 'operator', yes: true});
      const running = await serveWorker(ctx, {backend: 'embedded', host: DEMO_WORKER_HOST, port: Number(new URL(s.workerUrl!).port)});
      s.stopGateway = running.stop;
      return `${running.result.url}, API keys: ${running.result.apiKeys}`;
    },
  },
  {
    name: 'chat: next worker, verify attestation, pin TLS, stream, countersign usage',
    run: async (s) => {
      const {ApiKeyStore} = await import('../keys/apikeys.js');
      const {ChatSession} = await import('../chat/index.js');
      const ctx = userContext(s);
      const store = new ApiKeyStore(s.ctx.home.value);
      const stored = store.list(ctx.profile.chainId, s.keys.user).pop();
      const apiKey = stored ? store.open(ctx.profile.chainId, stored.keyHash) : undefined;
      if (!apiKey) throw new Error('the API key made by "apikey create" is not in the home');
      s.ctx.out.registerSecret(apiKey);
      const session = await ChatSession.open(ctx, {model: DEMO_MODEL, temperature: 0, maxTokens: 48});
      try {
        const stream = !s.ctx.out.json && !s.ctx.out.interactive;
        const r = await session.ask([{role: 'user', content: 'Once upon a time'}], stream ? {onDelta: (d) => s.ctx.out.stderr.write(d)} : {});
        if (stream) s.ctx.out.stderr.write('\n');
        return `worker ${r.worker.id}, attestation ${r.attestation.verdict}${r.attestation.dev ? ' (dev attestation, not hardware)' : ''}, TLS pinned: "Once upon a time${r.content.slice(0, 60)}…" (${r.usage.outputTokens} tokens, record countersigned${r.record.handedBack ? ' and handed back' : ''})`;
      } finally {
        session.close();
      }
    },
  },
  {
    name: 'worker report: the gateway\'s signed (and countersigned) usage records to the RewardsManager',
    run: async (s) => {
      const {reportUsage} = await import('../rewards/index.js');
      const r = await reportUsage(operatorContext(s));
      if (r.accepted < 1) throw new Error(`no record accepted (${r.rejected} refused${r.rejections[0] ? `: ${r.rejections[0].reason}` : ''})`);
      return `${r.accepted} record(s) accepted, weight ${r.weight} (input + 4 × output tokens), tx ${r.txHash?.slice(0, 12)}…`;
    },
  },
  {
    name: 'devnet advance + epoch close: move block time past the epoch\'s end and share its revenue by weight',
    run: async (s) => {
      const {epochStatus, closeEpoch} = await import('../rewards/index.js');
      const {advanceService, devnetStatusService} = await import('../devnet/service.js');
      const ctx = operatorContext(s);
      const now = await epochStatus(ctx);
      const chainNow = Math.floor(Date.parse((await devnetStatusService(ctx)).time ?? '') / 1000);
      if (!Number.isFinite(chainNow)) throw new Error('the devnet did not tell its block time');
      await advanceService(ctx, Math.max(1, now.endsAt - chainNow + 1));
      let closed;
      do closed = await closeEpoch(ctx);
      while (closed.epoch < now.epoch);
      return `epoch ${closed.epoch} closed: revenue ${closed.revenue}, protocol fee ${closed.protocolFee}, distributed ${closed.distributed} (tx ${closed.txHash?.slice(0, 12)}…)`;
    },
  },
  {
    name: 'rewards claim: the operator\'s share paid to its payout address in the payment token',
    run: async (s) => {
      const {claimRewards} = await import('../rewards/index.js');
      const r = await claimRewards(operatorContext(s));
      if (BigInt(r.amount) <= 0n) throw new Error('nothing was paid');
      return `${r.amount} token base units to ${r.payouts.map((p) => `worker ${p.workerId} → ${p.address}`).join(', ')} (tx ${r.txHash.slice(0, 12)}…)`;
    },
  },
];

/** The demo user's context: local network, key `user`, no prompts. */
function userContext(s: DemoState): Context {
  return new Context(s.ctx.home, s.ctx.out, {network: 'local', from: 'user', yes: true});
}

/** The demo worker operator's context: local network, key `operator`, no prompts. */
function operatorContext(s: DemoState): Context {
  return new Context(s.ctx.home, s.ctx.out, {network: 'local', from: 'operator', yes: true});
}

export async function runDemo(out: Output, opts: {keep?: boolean} = {}): Promise<DemoSummary> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'secretai-demo-'));
  const ctx = new Context(resolveHome(home), out, {network: 'local', yes: true});
  const state: DemoState = {ctx, keys: {}};
  const steps: DemoStep[] = [];
  try {
    for (const def of STEPS) {
      if (!def.run) {
        steps.push({name: def.name, status: 'not-built', detail: 'not built yet in this version'});
        continue;
      }
      const sp = await out.spinner(def.name);
      try {
        const detail = await def.run(state);
        steps.push({name: def.name, status: 'ok', detail});
        sp.succeed(`${def.name}: ${detail}`);
      } catch (err) {
        const detail = err instanceof Error ? err.message : String(err);
        steps.push({name: def.name, status: 'failed', detail});
        sp.fail(`${def.name}: ${detail}`);
        break;
      }
    }
  } finally {
    await state.stopGateway?.();
    await state.stopDevnet?.();
    if (!opts.keep) rmSync(home, {recursive: true, force: true});
  }
  return {
    home,
    steps,
    ok: steps.every((s) => s.status !== 'failed'),
    notBuilt: steps.filter((s) => s.status === 'not-built').map((s) => s.name),
    byHand: [...DEMO_BY_HAND],
  };
}
