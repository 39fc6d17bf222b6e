/**
 * The typed clients of a network's contracts, from its profile. A contract the profile does not configure is a
 * UsageError (`CONTRACT_NOT_CONFIGURED`, exit 2) when it is first used — not when the set is built, so a command
 * pays only for what it touches.
 */
import type {ContractSet, NetworkProfile} from '../../config/index.js';
import {readClient, type ChainClient} from '../client.js';
import {ContractNotConfiguredError} from '../errors.js';
import {RewardsManagerClient} from './rewards-manager.js';
import {Snip20Client} from './snip20.js';
import {SubscriptionManagerClient} from './subscription-manager.js';
import {LegacyWorkerManagerClient, WorkerManagerClient} from './worker-manager.js';

export * from './rewards-manager.js';
export * from './snip20.js';
export * from './subscription-manager.js';
export * from './worker-manager.js';

/** Names of the contracts a profile can configure. */
export type ContractName = keyof ContractSet;

/** The contract clients of one network. Accessing an unconfigured one throws {@link ContractNotConfiguredError}. */
export interface SecretAiClients {
  /** The chain client the contract clients query through. */
  readonly chain: ChainClient;
  readonly paymentToken: Snip20Client;
  readonly workerManager: WorkerManagerClient;
  readonly subscriptionManager: SubscriptionManagerClient;
  readonly rewardsManager: RewardsManagerClient;
  /** The existing Secret AI deployment's worker contract (pulsar-3 / secret-4). */
  readonly legacyWorkerManager: LegacyWorkerManagerClient;
  /** Whether the profile configures `name`. */
  has(name: ContractName): boolean;
}

/**
 * The contract clients of `profile`. Queries go through `chain` (default: a new read client of the profile); pass a
 * signing client to query and sign with one encryption context.
 */
export function clientsFor(profile: NetworkProfile, chain: ChainClient = readClient(profile)): SecretAiClients {
  const cache = new Map<ContractName, unknown>();
  const contracts = profile.contracts ?? {};
  const make = <C>(name: ContractName, build: (binding: {address: string; codeHash?: string}) => C): C => {
    if (cache.has(name)) return cache.get(name) as C;
    const binding = contracts[name];
    if (!binding?.address) throw new ContractNotConfiguredError(name, {name: profile.name, chainId: profile.chainId, lcdUrl: profile.lcdUrl});
    const client = build(binding);
    cache.set(name, client);
    return client;
  };
  return {
    chain,
    get paymentToken() {
      return make('paymentToken', (b) => new Snip20Client(chain, b, 'paymentToken'));
    },
    get workerManager() {
      return make('workerManager', (b) => new WorkerManagerClient(chain, b));
    },
    get subscriptionManager() {
      return make('subscriptionManager', (b) => new SubscriptionManagerClient(chain, b));
    },
    get rewardsManager() {
      return make('rewardsManager', (b) => new RewardsManagerClient(chain, b));
    },
    get legacyWorkerManager() {
      return make('legacyWorkerManager', (b) => new LegacyWorkerManagerClient(chain, b));
    },
    has(name: ContractName): boolean {
      return Boolean(contracts[name]?.address);
    },
  };
}
