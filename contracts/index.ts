/**
 * The contract registry the devnet deploys: every contract by name, with its stable synthetic code hash.
 * Contracts are pure TypeScript state machines over the frame in `contracts/common/types.ts`; their wire interface
 * is `contracts/<name>/schema/*.json` and their message types `contracts/<name>/types.ts`.
 */
import {contractCodeHash} from './common/codehash.js';
import type {Contract} from './common/types.js';
import {rewardsManager} from './rewards-manager/contract.js';
import {snip20} from './snip20/contract.js';
import {subscriptionManager} from './subscription-manager/contract.js';
import {workerManager} from './worker-manager/contract.js';

export type {Contract} from './common/types.js';
export {ContractError} from './common/types.js';
export {contractCodeHash} from './common/codehash.js';

/** Names of the registered contracts. */
export type ContractName = 'snip20' | 'worker-manager' | 'subscription-manager' | 'rewards-manager';

/** Every contract, keyed by name. */
export const CONTRACTS: Record<ContractName, Contract> & Record<string, Contract> = {
  snip20,
  'worker-manager': workerManager,
  'subscription-manager': subscriptionManager,
  'rewards-manager': rewardsManager,
};

/**
 * Code hash of a registered contract (64 lower-case hex): SHA-256 of `secretai-contract:<name>:<version>`, stable
 * across devnet restarts. Throws for an unknown name.
 */
export function codeHashOf(name: string): string {
  const contract = Object.prototype.hasOwnProperty.call(CONTRACTS, name) ? CONTRACTS[name] : undefined;
  if (!contract) throw new Error(`unknown contract "${name}" (known: ${Object.keys(CONTRACTS).join(', ')})`);
  return contractCodeHash(contract.name, contract.version);
}

/** The registered contract whose code hash is `codeHash`, if any. */
export function contractByCodeHash(codeHash: string): Contract | undefined {
  return Object.keys(CONTRACTS).map((n) => CONTRACTS[n]!).find((c) => contractCodeHash(c.name, c.version) === codeHash);
}
