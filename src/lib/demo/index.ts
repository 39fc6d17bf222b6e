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
  keys: Record<string, string>;
  stopDevnet?: () => Promise<void>;
  devnetUrl?: string;
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
  {name: 'attest collect --dev: dev TDX + NVIDIA evidence bound to the worker TLS key and pubkey'},
  {name: 'worker register: verify locally, register with stake'},
  {name: 'worker serve: TLS gateway over the embedded stories260K model'},
  {name: 'subscribe: SNIP-20 send to the SubscriptionManager'},
  {name: 'apikey create'},
  {name: 'chat: next worker, verify attestation, pin TLS, stream, countersign usage'},
  {name: 'worker report: submit usage records'},
  {name: 'epoch close + rewards claim'},
];

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
