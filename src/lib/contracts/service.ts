/** Services behind `secretai contracts build|verify|deploy`. */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import type {Context} from '../cli/base-command.js';
import {confirm} from '../cli/input.js';
import {saveNetworkContracts} from '../config/service.js';
import {OperationError, UsageError, VerificationError} from '../errors.js';
import {contractSources, packageRoot, readArtifact, readCodeFile, type Artifact} from './artifacts.js';
import {buildContracts, builtLine, ContractBuildError, type BuildResult} from './build.js';
import {deployManagers, type DeployChain, type DeployResult, type DeployStep} from './deploy.js';
import {devnetManagerSettings, mergeSettings, MANAGERS, networkManagerSettings, type ManagerKey} from './managers.js';
import {validateContract, type Violation} from './validate.js';

/** `contracts build`: builds every contract of the package (or `names`), a progress line per contract. */
export async function buildContractsService(ctx: Context, o: {force?: boolean; names?: string[]} = {}): Promise<BuildResult> {
  try {
    return await buildContracts({
      root: packageRoot(),
      force: o.force,
      ...(o.names?.length ? {names: o.names} : {}),
      onProgress: (e) => {
        if (e.type === 'start') ctx.out.debug(`building ${e.name}`);
        else ctx.out.info(builtLine(e.result));
      },
    });
  } catch (err) {
    if (!(err instanceof ContractBuildError)) throw err;
    if (err.violations.length) throw new VerificationError(err.message, {code: 'CONTRACT_INVALID', details: {contract: err.contract, violations: err.violations}});
    throw new OperationError(err.message, {code: 'CONTRACT_BUILD_FAILED', details: {contract: err.contract}});
  }
}

/** One artifact as `contracts verify` reports it. */
export interface VerifiedArtifact {
  name: string;
  file: string;
  /** Bytes of the code (unzipped). */
  size: number;
  codeHash: string | null;
  gzipped: boolean;
  ok: boolean;
  violations: Violation[];
}

export interface VerifyResult {
  ok: boolean;
  artifacts: VerifiedArtifact[];
}

/** `contracts verify [FILE…]`: the validator on the given files, or on every built contract of the package. */
export function verifyContractsService(ctx: Context, files: string[]): VerifyResult {
  let artifacts: Artifact[];
  if (files.length) artifacts = files.map((f) => readCodeFile(path.resolve(f)));
  else {
    const root = packageRoot();
    const names = contractSources(root);
    if (!names.length) throw new UsageError('no contracts to verify: no contracts/*/assembly/index.ts in this package', {code: 'NO_CONTRACTS', suggestion: 'name wasm files to verify'});
    artifacts = names.map((n) => readArtifact(root, n));
  }
  const verified = artifacts.map((a) => {
    const v = validateContract(a.wasm);
    return {name: a.name, file: a.path, size: v.size, codeHash: v.codeHash, gzipped: v.gzipped, ok: v.ok, violations: v.violations};
  });
  ctx.out.debug(`verified ${verified.length} artifact(s)`);
  return {ok: verified.every((a) => a.ok), artifacts: verified};
}

/** The deploy steps' interface over the chain layer, signing with `signer`. */
export async function chainDeployTarget(signer: import('../chain/client.js').SigningClient): Promise<DeployChain> {
  const code = await import('../chain/code.js');
  const {WorkerManagerClient, SubscriptionManagerClient, RewardsManagerClient} = await import('../chain/contracts/index.js');
  const client = (key: ManagerKey, ref: {address: string; codeHash: string}) =>
    key === 'workerManager' ? new WorkerManagerClient(signer, ref) : key === 'subscriptionManager' ? new SubscriptionManagerClient(signer, ref) : new RewardsManagerClient(signer, ref);
  return {
    signer: signer.address,
    codeHashOf: (address) => signer.codeHashOf(address),
    findCode: (codeHash) => code.findCodeByHash(signer, codeHash, signer.address),
    storeCode: (wasm) => code.storeCode(signer, wasm),
    contractByLabel: (label) => code.contractByLabel(signer, label),
    instantiate: (p) => code.instantiateContract(signer, p),
    managerConfig: async (key, ref) => (await client(key, ref).config()) as unknown as Record<string, unknown>,
    updateConfig: (key, ref, update) => client(key, ref).updateConfig(signer, update as never),
  };
}

export interface DeployOptions {
  /** Address of the SNIP-20 payment token. */
  paymentToken: string;
  /** JSON file of settings overriding the defaults (see `ManagerSettings`). */
  settingsFile?: string;
  labelPrefix?: string;
}

export interface ContractsDeployResult extends DeployResult {
  network: string;
  chainId: string;
}

/** One progress line of a deploy step. */
export function stepLine(s: DeployStep): string {
  return `${s.step.padEnd(11)} ${s.detail}${s.txHash ? ` (tx ${s.txHash})` : ''}`;
}

function readSettings(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read settings ${file}: ${(err as Error).message}`, {code: 'SETTINGS_INVALID'});
  }
}

/**
 * `contracts deploy`: checks the built managers with the validator, then stores, instantiates and wires them on the
 * network (resuming an interrupted deploy), and writes their addresses and code hashes, and the payment token,
 * into the network profile.
 */
export async function deployContractsService(ctx: Context, o: DeployOptions): Promise<ContractsDeployResult> {
  const {parseAddress, signerFor, isLocalNetwork} = await import('../chain/index.js');
  const paymentToken = parseAddress(o.paymentToken, '--payment-token');
  const profile = ctx.profile;
  const network = ctx.networkName.value;
  const root = packageRoot();
  const code = {} as Record<ManagerKey, {wasm: Uint8Array; codeHash: string}>;
  for (const {key, code: name} of MANAGERS) {
    const a = readArtifact(root, name);
    const v = validateContract(a.wasm);
    if (!v.ok) {
      throw new VerificationError(`${a.path} breaks the Secret Network rules: ${v.violations.map((x) => x.message).join('; ')}`, {code: 'CONTRACT_INVALID', details: {violations: v.violations}});
    }
    code[key] = {wasm: a.wasm, codeHash: a.codeHash};
  }
  const base = profile.attestation.allowDev ? devnetManagerSettings() : networkManagerSettings();
  const settings = o.settingsFile ? mergeSettings(base, readSettings(o.settingsFile), o.settingsFile) : base;
  const signer = await signerFor(ctx);
  if (!isLocalNetwork(profile)) await confirm(ctx, `Deploy the Secret AI managers to ${network} (${profile.chainId}), paying gas from ${signer.address}?`);
  const result = await deployManagers(await chainDeployTarget(signer), {code, paymentToken, settings, labelPrefix: o.labelPrefix}, (s) => ctx.out.info(stepLine(s)));
  const ref = (k: ManagerKey) => ({address: result.contracts[k].address, codeHash: result.contracts[k].codeHash});
  saveNetworkContracts(ctx, network, {
    workerManager: ref('workerManager'),
    subscriptionManager: ref('subscriptionManager'),
    rewardsManager: ref('rewardsManager'),
    paymentToken: result.paymentToken,
  });
  return {network, chainId: profile.chainId, ...result};
}
