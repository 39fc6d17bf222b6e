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
}

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
}

/** The model the demo worker registers (the embedded engine's). */
const DEMO_MODEL = 'stories260K';
/** Where the demo worker's gateway would listen (loopback URLs are accepted on the devnet only). */
const DEMO_WORKER_URL = 'https://127.0.0.1:21434';

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
    name: 'attest verify: the bundle against the devnet\'s dev roots (as a user would before chatting)',
    run: async (s) => {
      const {verifyAttestation} = await import('../attest/verify.js');
      const {devMeasurementPolicy} = await import('../../attest/dev/measurements.js');
      // The dev image's measurements stand in for the WorkerManager's accepted_measurements (not built yet).
      const r = await verifyAttestation(s.ctx, {bundle: s.bundle, measurementPolicy: devMeasurementPolicy()});
      if (r.verdict !== 'valid') throw new Error(`verdict ${r.verdict}: ${r.reasons.join('; ')}`);
      return `${r.verdict}, ${r.checks.length} checks${r.dev ? ', dev attestation (not hardware)' : ''}`;
    },
  },
  {
    name: 'worker register: verify locally (challenge, measurements, binding), register with stake',
    run: async (s) => {
      const {registerWorker, listModels} = await import('../worker/registry.js');
      const ctx = new Context(s.ctx.home, s.ctx.out, {network: 'local', from: 'operator', yes: true});
      const r = await registerWorker(ctx, {url: DEMO_WORKER_URL, models: [DEMO_MODEL], attestation: s.bundle!, stake: '1000000'});
      const models = await listModels(ctx);
      if (!models.some((m) => m.name === DEMO_MODEL && m.workers === 1)) throw new Error(`models after registration: ${JSON.stringify(models)}`);
      return `worker ${r.workerId} (tx ${r.txHash.slice(0, 12)}…), attestation ${r.attestation.verdict}; models: ${models.map((m) => m.name).join(', ')}`;
    },
  },
  {name: 'worker serve: TLS gateway over the embedded stories260K model'},
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
  {name: 'chat: next worker, verify attestation, pin TLS, stream, countersign usage'},
  {name: 'worker report: submit usage records'},
  {name: 'epoch close + rewards claim'},
];

/** The demo user's context: local network, key `user`, no prompts. */
function userContext(s: DemoState): Context {
  return new Context(s.ctx.home, s.ctx.out, {network: 'local', from: 'user', yes: true});
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
    await state.stopDevnet?.();
    if (!opts.keep) rmSync(home, {recursive: true, force: true});
  }
  return {
    home,
    steps,
    ok: steps.every((s) => s.status !== 'failed'),
    notBuilt: steps.filter((s) => s.status === 'not-built').map((s) => s.name),
  };
}
