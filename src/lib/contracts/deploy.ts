/**
 * Deploying the three managers to a chain: store each code (unless a code with its hash is already there),
 * instantiate WorkerManager, SubscriptionManager and RewardsManager (unless a contract with the deployment's label
 * exists), then complete their references to each other with `update_config` (unless already set).
 *
 * Every step first looks at the chain, so an interrupted deploy is resumed by running it again: stored code is
 * found by its hash, instantiated contracts by their labels, and wiring by the managers' `config`. The labels are
 * derived from the deployment's inputs (signer, payment token, code hashes, settings): the same inputs resume the
 * same deployment, different ones make a new one.
 */
import {createHash} from 'node:crypto';
import type {ContractRef} from '../config/index.js';
import {OperationError, UsageError} from '../errors.js';
import {managerInitMsg, managerLinks, MANAGERS, wireRef, type ManagerKey, type ManagerRefs, type ManagerSettings} from './managers.js';

/** What deploying needs of a chain (implemented over the chain layer by `chainDeployTarget`, faked in tests). */
export interface DeployChain {
  /** Address of the signing account (the managers' admin). */
  readonly signer: string;
  /** Code hash of a deployed contract (the payment token). */
  codeHashOf(address: string): Promise<string>;
  /** A stored code with this hash, or null. */
  findCode(codeHash: string): Promise<{codeId: number} | null>;
  storeCode(wasm: Uint8Array): Promise<{codeId: number; txHash: string}>;
  /** The contract with this label, or null. */
  contractByLabel(label: string): Promise<{address: string; codeId: number; codeHash: string; creator: string} | null>;
  instantiate(p: {codeId: number; codeHash: string; label: string; msg: object}): Promise<{address: string; txHash: string}>;
  /** The `config` answer of a manager. */
  managerConfig(key: ManagerKey, ref: ContractRef): Promise<Record<string, unknown>>;
  updateConfig(key: ManagerKey, ref: ContractRef, update: Record<string, unknown>): Promise<{txHash: string}>;
}

export interface DeployInput {
  /** The built code of each manager. */
  code: Record<ManagerKey, {wasm: Uint8Array; codeHash: string}>;
  /** Address of the SNIP-20 payment token (it must implement `send` and `register_receive`). */
  paymentToken: string;
  settings: ManagerSettings;
  /** Start of every label (default `secretai`). */
  labelPrefix?: string;
}

export type DeployStepKind = 'store' | 'instantiate' | 'wire';

/** One step, as reported while deploying. */
export interface DeployStep {
  step: DeployStepKind;
  contract: ManagerKey;
  /** `done`: a tx was sent; `found`: the chain already had it. */
  status: 'done' | 'found';
  /** Human-readable outcome, e.g. `stored as code 12`. */
  detail: string;
  txHash?: string;
}

export interface DeployedManager extends ContractRef {
  codeId: number;
  label: string;
}

export interface DeployResult {
  /** Identifies the deployment's inputs; part of every label. */
  deployment: string;
  admin: string;
  paymentToken: ContractRef;
  contracts: Record<ManagerKey, DeployedManager>;
  steps: DeployStep[];
}

/** The deployment id: SHA-256 of its inputs, 12 hex characters. */
export function deploymentId(signer: string, paymentToken: ContractRef, codeHashes: string[], settings: ManagerSettings): string {
  const doc = JSON.stringify({signer, paymentToken: wireRef(paymentToken), codeHashes, settings});
  return createHash('sha256').update(doc).digest('hex').slice(0, 12);
}

/** The label of a manager in a deployment. */
export function deploymentLabel(prefix: string, code: string, deployment: string): string {
  return `${prefix}-${code}-${deployment}`;
}

const LABEL_PREFIX_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function configRef(v: unknown): {address?: unknown; code_hash?: unknown} | null {
  return typeof v === 'object' && v !== null ? (v as {address?: unknown; code_hash?: unknown}) : null;
}

/** Deploys (or resumes deploying) the managers; `onStep` hears each step as it completes. */
export async function deployManagers(chain: DeployChain, input: DeployInput, onStep: (s: DeployStep) => void = () => {}): Promise<DeployResult> {
  const prefix = input.labelPrefix ?? 'secretai';
  if (!LABEL_PREFIX_RE.test(prefix)) throw new UsageError(`invalid label prefix "${prefix}"`, {code: 'LABEL_INVALID'});
  const steps: DeployStep[] = [];
  const report = (s: DeployStep) => {
    steps.push(s);
    onStep(s);
  };
  const paymentToken: ContractRef = {address: input.paymentToken, codeHash: await chain.codeHashOf(input.paymentToken)};
  const deployment = deploymentId(chain.signer, paymentToken, MANAGERS.map((m) => input.code[m.key].codeHash), input.settings);

  const codeIds = {} as Record<ManagerKey, number>;
  for (const {key, code} of MANAGERS) {
    const {wasm, codeHash} = input.code[key];
    const found = await chain.findCode(codeHash);
    if (found) {
      codeIds[key] = found.codeId;
      report({step: 'store', contract: key, status: 'found', detail: `${code} already stored as code ${found.codeId}`});
      continue;
    }
    const stored = await chain.storeCode(wasm);
    codeIds[key] = stored.codeId;
    report({step: 'store', contract: key, status: 'done', detail: `${code} stored as code ${stored.codeId} (${wasm.length} bytes)`, txHash: stored.txHash});
  }

  const refs: ManagerRefs = {paymentToken};
  const contracts = {} as Record<ManagerKey, DeployedManager>;
  for (const {key, code} of MANAGERS) {
    const {codeHash} = input.code[key];
    const label = deploymentLabel(prefix, code, deployment);
    const existing = await chain.contractByLabel(label);
    let address: string;
    if (existing) {
      if (existing.codeHash !== codeHash || (existing.creator && existing.creator !== chain.signer)) {
        throw new OperationError(`the label ${label} is taken by ${existing.address}, which is not this deployment's ${code}`, {
          code: 'LABEL_TAKEN',
          suggestion: 'deploy under another --label-prefix',
        });
      }
      address = existing.address;
      report({step: 'instantiate', contract: key, status: 'found', detail: `${code} already instantiated at ${address} (${label})`});
    } else {
      const msg = managerInitMsg(key, chain.signer, refs, input.settings);
      const r = await chain.instantiate({codeId: codeIds[key], codeHash, label, msg});
      address = r.address;
      report({step: 'instantiate', contract: key, status: 'done', detail: `${code} instantiated at ${address} (${label})`, txHash: r.txHash});
    }
    refs[key] = {address, codeHash};
    contracts[key] = {address, codeHash, codeId: codeIds[key], label};
  }

  for (const {key, code} of MANAGERS) {
    const config = await chain.managerConfig(key, contracts[key]);
    const update: Record<string, unknown> = {};
    for (const {field, target} of managerLinks(key)) {
      const want = contracts[target];
      const have = configRef(config[field]);
      if (have?.address !== want.address || have?.code_hash !== want.codeHash) update[field] = wireRef(want);
    }
    const fields = Object.keys(update);
    if (fields.length === 0) {
      report({step: 'wire', contract: key, status: 'found', detail: `${code} already refers to the other managers`});
      continue;
    }
    const r = await chain.updateConfig(key, contracts[key], update);
    report({step: 'wire', contract: key, status: 'done', detail: `${code}: set ${fields.join(', ')}`, txHash: r.txHash});
  }
  return {deployment, admin: chain.signer, paymentToken, contracts, steps};
}
