/**
 * Devnet genesis: fixed development accounts, the contract codes of the registry (code ids from 1), and the
 * deployment of the Secret AI contracts through signed instantiate txs of the admin account.
 *
 * THE MNEMONICS BELOW ARE PUBLIC. They exist so that every devnet has the same well-known accounts (like anvil's
 * or a cosmos localnet's). Never use them, or addresses derived from them, on a real network.
 */
import {existsSync, readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {DEVNET_CHAIN_ID} from '../common/networks.js';
import {sha256Hex, toHex} from '../../contracts/common/encoding.js';
import {devMeasurementPolicy} from '../attest/dev/measurements.js';
import {Chain, META, NATIVE_DENOM, type ContractRegistry, type Store} from './node/index.js';
import {DevSigner, type ContractRef} from './signer.js';

/** A fixed development account. */
export interface DevAccount {
  /** `admin`, `a`, `b` or `c`. */
  name: string;
  /** Public BIP-39 mnemonic (24 words); `new Wallet(mnemonic)` in secretjs gives `address`. */
  mnemonic: string;
  /** `secret1…` address at `m/44'/529'/0'/0/0`. */
  address: string;
  /** Genesis balance in uscrt. */
  uscrt: string;
}

/** 1 SCRT in uscrt. */
const SCRT = 1_000_000n;

/**
 * The fixed development accounts. `admin` is the contracts' admin, the payment token's minter and the faucet; `a`,
 * `b`, `c` are funded users.
 */
export const DEV_ACCOUNTS: readonly DevAccount[] = Object.freeze([
  {
    name: 'admin',
    mnemonic:
      'any much toddler gather aim silver attitude govern maple floor canal suggest spike rain horse major tilt clarify kidney twin earn normal style unable',
    address: 'secret1wlr4jajfa7mdqr90mvvl3juskg9qdzfk480qv2',
    uscrt: (1_000_000_000n * SCRT).toString(),
  },
  {
    name: 'a',
    mnemonic:
      'winner demand device all fever business boss secret believe one future mercy raven egg feed van dismiss firm sphere quantum protect lizard nature kind',
    address: 'secret1jx9mh97y0r33wrzjkptxynkfa7e454ff63s7yz',
    uscrt: (100_000n * SCRT).toString(),
  },
  {
    name: 'b',
    mnemonic:
      'thought cannon general tourist plunge illness force clerk fold humor inject distance lawsuit west warm fun damage limit leisure beyond review rate winner smart',
    address: 'secret1jakfm3am32l52ngg29aa40xc7s2atr4h6yyjua',
    uscrt: (100_000n * SCRT).toString(),
  },
  {
    name: 'c',
    mnemonic:
      'venture oak brick hybrid rack omit opinion credit museum hockey ability sponsor theory mixture pioneer symptom keep clarify stomach return autumn half lab useless',
    address: 'secret1r6lr6t0k2cdemfsqhs599hle6ux8c2achnrgzw',
    uscrt: (100_000n * SCRT).toString(),
  },
]);

/** The admin/faucet account. */
export const DEV_ADMIN: DevAccount = DEV_ACCOUNTS[0]!;

/** Context given to a deployment's `initMsg`: the admin, the dev accounts and every planned contract address. */
export interface DeploymentContext {
  admin: string;
  accounts: Record<string, string>;
  /** All deployments' contracts by key — addresses are deterministic, so known before instantiation. */
  contracts: Record<string, ContractRef>;
}

/** One contract instantiated at genesis. */
export interface GenesisDeployment {
  /** Key in the genesis result (`paymentToken`, `workerManager`, …). */
  key: string;
  /** Implementation name in the registry. */
  code: string;
  label: string;
  initMsg(ctx: DeploymentContext): unknown;
}

/** A genesis: the registry and what to deploy. `C` is the typed view of the deployed contracts. */
export interface GenesisSpec<C = Record<string, ContractRef>> {
  registry: ContractRegistry;
  /** Code names in code-id order (ids from 1); default: the registry's names in insertion order. */
  codes?: string[];
  /**
   * Codes deployed as wasm instead of their TypeScript implementation, by code name: stored by the admin with
   * `MsgStoreCode` (after the TypeScript codes, in `codes` order); code hash = SHA-256 of the wasm.
   */
  wasm?: Record<string, Uint8Array>;
  deployments: GenesisDeployment[];
  /** Typed view of the deployed contracts. */
  contracts(deployed: Record<string, ContractRef>): C;
  /** Messages the admin executes after all instantiations (e.g. wiring), in order. */
  setup?(ctx: DeploymentContext): Array<{contract: string; msg: unknown}>;
}

/** A registered code. */
export interface GenesisCode {
  codeId: number;
  name: string;
  codeHash: string;
}

/** What genesis produced; persisted in the database and returned by {@link genesisInfo}. */
export interface GenesisInfo {
  chainId: string;
  /** The admin/faucet account. */
  admin: {address: string; mnemonic: string};
  accounts: DevAccount[];
  codes: GenesisCode[];
  /** Code names deployed as stored wasm (absent or empty: all TypeScript). */
  wasmCodes?: string[];
  /** Deployed contracts by deployment key. */
  contracts: Record<string, ContractRef>;
  /** Hex X25519 IO public key of this devnet. */
  ioPublicKey: string;
}

/** The Secret AI contracts a default devnet deploys. Each is `{address, codeHash}`. */
export interface SecretAiContracts {
  paymentToken: ContractRef;
  workerManager: ContractRef;
  subscriptionManager: ContractRef;
  rewardsManager: ContractRef;
}

/** Names of the Secret AI contract implementations in `contracts/index.ts`, in code-id order. */
export const SECRET_AI_CODES = ['snip20', 'worker-manager', 'subscription-manager', 'rewards-manager'] as const;

/** Payment token parameters of the default devnet. */
export const DEV_TOKEN = {name: 'Secret AI Dev Token', symbol: 'SAIT', decimals: 6} as const;
/** Genesis payment-token balance of users `a`, `b`, `c`, base units (1 000 SAIT). */
export const DEV_USER_TOKEN_BALANCE = '1000000000';
/** Default plan seeded at genesis so that `subscribe --plan basic` works on a fresh devnet. */
export const DEV_PLAN = {id: 'basic', price: '10000000', period_seconds: 30 * 24 * 3600, token_quota: '1000000'} as const;
/** Epoch length of the default devnet's worker and rewards managers, seconds. */
export const DEV_EPOCH_SECONDS = 3600;

/** RewardsManager protocol fee on the devnet, basis points (5 %). */
export const DEV_PROTOCOL_FEE_BPS = 500;
/** Weight of worker-only (not countersigned) records the devnet's RewardsManager counts per worker and epoch. */
export const DEV_UNCONFIRMED_WEIGHT_CAP = '1000000';

/** Minimum WorkerManager stake on the devnet, uscrt. */
export const DEV_MIN_STAKE = '1000000';
/** Unbonding period of the devnet's WorkerManager, seconds. */
export const DEV_UNBONDING_SECONDS = 600;

function ref(c: ContractRef): {address: string; code_hash: string} {
  return {address: c.address, code_hash: c.codeHash};
}

/** Genesis of the Secret AI devnet over a registry holding {@link SECRET_AI_CODES}; `wasm`: codes run as wasm. */
export function secretAiGenesisSpec(registry: ContractRegistry, wasm?: Record<string, Uint8Array>): GenesisSpec<SecretAiContracts> {
  const missing = SECRET_AI_CODES.filter((n) => !registry.contracts[n] && !wasm?.[n]);
  if (missing.length) throw new Error(`contract registry lacks ${missing.join(', ')}`);
  const others = Object.keys(registry.contracts).filter((n) => !(SECRET_AI_CODES as readonly string[]).includes(n));
  return {
    registry,
    codes: [...SECRET_AI_CODES, ...others],
    wasm,
    deployments: [
      {
        key: 'paymentToken',
        code: 'snip20',
        label: 'secretai-payment-token',
        initMsg: (ctx) => ({
          name: DEV_TOKEN.name,
          symbol: DEV_TOKEN.symbol,
          decimals: DEV_TOKEN.decimals,
          admin: ctx.admin,
          prng_seed: Buffer.from('secretai-devnet-payment-token').toString('base64'),
          initial_balances: ['a', 'b', 'c'].map((n) => ({address: ctx.accounts[n]!, amount: DEV_USER_TOKEN_BALANCE})),
          config: {
            public_total_supply: true,
            enable_deposit: false,
            enable_redeem: false,
            enable_mint: true,
            enable_burn: true,
          },
          minters: [ctx.admin],
        }),
      },
      {
        key: 'workerManager',
        code: 'worker-manager',
        label: 'secretai-worker-manager',
        initMsg: (ctx) => ({
          admin: ctx.admin,
          payment_token: ref(ctx.contracts.paymentToken!),
          min_stake: DEV_MIN_STAKE,
          epoch_seconds: DEV_EPOCH_SECONDS,
          unbonding_seconds: DEV_UNBONDING_SECONDS,
          stake_denom: NATIVE_DENOM,
          allow_loopback_urls: true,
          accepted_measurements: devMeasurementPolicy(), // exactly what `attest collect --dev` mints
          subscription_manager: ref(ctx.contracts.subscriptionManager!),
          rewards_manager: ref(ctx.contracts.rewardsManager!),
        }),
      },
      {
        key: 'subscriptionManager',
        code: 'subscription-manager',
        label: 'secretai-subscription-manager',
        initMsg: (ctx) => ({
          admin: ctx.admin,
          payment_token: ref(ctx.contracts.paymentToken!),
          plans: [DEV_PLAN],
          worker_manager: ref(ctx.contracts.workerManager!),
          rewards_manager: ref(ctx.contracts.rewardsManager!),
        }),
      },
      {
        key: 'rewardsManager',
        code: 'rewards-manager',
        label: 'secretai-rewards-manager',
        initMsg: (ctx) => ({
          admin: ctx.admin,
          payment_token: ref(ctx.contracts.paymentToken!),
          epoch_seconds: DEV_EPOCH_SECONDS,
          protocol_fee_bps: DEV_PROTOCOL_FEE_BPS,
          unconfirmed_weight_cap: DEV_UNCONFIRMED_WEIGHT_CAP,
          worker_manager: ref(ctx.contracts.workerManager!),
          subscription_manager: ref(ctx.contracts.subscriptionManager!),
        }),
      },
    ],
    contracts: (d) => ({
      paymentToken: d.paymentToken!,
      workerManager: d.workerManager!,
      subscriptionManager: d.subscriptionManager!,
      rewardsManager: d.rewardsManager!,
    }),
  };
}

/**
 * The switch that makes a devnet's genesis deploy the built contracts (`contracts/<name>/<name>.wasm`) instead of
 * the TypeScript state machines: `SECRETAI_DEVNET_CONTRACTS=wasm`. Off by default until every contract is ported.
 */
export const CONTRACTS_SWITCH = 'SECRETAI_DEVNET_CONTRACTS';

/** Which contracts a new devnet deploys: `ts` (default) or `wasm` (built artifacts, when all exist). */
export type GenesisContracts = 'ts' | 'wasm';

/** The contracts choice of the environment ({@link CONTRACTS_SWITCH}). */
export function genesisContractsFromEnv(env: NodeJS.ProcessEnv = process.env): GenesisContracts {
  return env[CONTRACTS_SWITCH] === 'wasm' ? 'wasm' : 'ts';
}

/** The repository's `contracts/` folder (this module runs from `dist/src/devnet/`). */
const CONTRACTS_DIR = fileURLToPath(new URL('../../../contracts/', import.meta.url));

/** The built Secret AI artifacts (`<dir>/<name>/<name>.wasm`) by code name, or undefined unless all four exist. */
export function secretAiArtifacts(dir: string = CONTRACTS_DIR): Record<string, Uint8Array> | undefined {
  const files = SECRET_AI_CODES.map((name) => [name, `${dir}/${name}/${name}.wasm`] as const);
  if (!files.every(([, file]) => existsSync(file))) return undefined;
  return Object.fromEntries(files.map(([name, file]) => [name, new Uint8Array(readFileSync(file))]));
}

/**
 * The default devnet genesis: the Secret AI contracts as TypeScript, or — with `contracts: 'wasm'` and all four
 * artifacts built — as wasm stored and instantiated at genesis. Falls back to TypeScript when an artifact is missing.
 */
export async function secretAiGenesis(contracts: GenesisContracts = genesisContractsFromEnv()): Promise<GenesisSpec<SecretAiContracts>> {
  const registry = await loadSecretAiRegistry();
  return secretAiGenesisSpec(registry, contracts === 'wasm' ? secretAiArtifacts() : undefined);
}

/**
 * Loads the Secret AI contract registry from `contracts/index.ts` (compiled next to this module's tree). Throws a
 * clear error when it is not built yet.
 */
export async function loadSecretAiRegistry(): Promise<ContractRegistry> {
  const specifier = new URL('../../contracts/index.js', import.meta.url).href;
  let mod: {CONTRACTS?: Record<string, import('../../contracts/common/types.js').Contract>; codeHashOf?: (n: string) => string};
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (err) {
    throw new Error(`cannot load the contract registry contracts/index.js: ${(err as Error).message}`);
  }
  if (!mod.CONTRACTS || typeof mod.codeHashOf !== 'function') {
    throw new Error('contracts/index.js must export CONTRACTS and codeHashOf(name)');
  }
  const codeHashOf = mod.codeHashOf;
  return {contracts: mod.CONTRACTS, codeHashOf: (name) => codeHashOf(name)};
}

/**
 * Initialises an empty store: chain id, IO key, dev accounts, codes, then instantiates every deployment (one
 * admin-signed tx each, through the execution engine) and any setup messages. Persists and returns the
 * {@link GenesisInfo}. Throws with the decrypted contract error when a deployment fails.
 */
export function createGenesis<C>(store: Store, spec: GenesisSpec<C>, now: () => number = Date.now): GenesisInfo {
  const codes = spec.codes ?? Object.keys(spec.registry.contracts);
  const wasm = spec.wasm ?? {};
  const wasmNames = codes.filter((n) => wasm[n]);
  const tsNames = codes.filter((n) => !wasm[n]);
  Chain.initialise(
    store,
    spec.registry,
    {
      chainId: DEVNET_CHAIN_ID,
      balances: DEV_ACCOUNTS.map((a) => ({address: a.address, coins: [{denom: NATIVE_DENOM, amount: a.uscrt}]})),
      codeNames: tsNames,
      creator: DEV_ADMIN.address,
    },
    now,
  );
  const chain = new Chain(store, spec.registry, {now});
  const admin = DevSigner.fromMnemonic(DEV_ADMIN.mnemonic);
  if (admin.address !== DEV_ADMIN.address) throw new Error('admin mnemonic does not derive the documented address');

  const codeIds = new Map<string, number>(tsNames.map((n, i) => [n, i + 1]));
  for (const name of wasmNames) {
    const stored = admin.run(chain, [admin.storeCode(wasm[name]!)]);
    codeIds.set(name, stored.codeIds[0]!);
  }
  const codeIdOf = (name: string): number => {
    const id = codeIds.get(name);
    if (id === undefined) throw new Error(`genesis deployment uses code ${name}, which is not registered`);
    return id;
  };
  const codeHashOf = (name: string): string => (wasm[name] ? sha256Hex(wasm[name]!) : spec.registry.codeHashOf(name));
  const planned: Record<string, ContractRef> = {};
  for (const d of spec.deployments) {
    const codeId = codeIdOf(d.code);
    planned[d.key] = {
      address: chain.contractAddress(codeId, admin.address, d.label),
      codeHash: codeHashOf(d.code),
    };
  }
  const ctx: DeploymentContext = {
    admin: admin.address,
    accounts: Object.fromEntries(DEV_ACCOUNTS.map((a) => [a.name, a.address])),
    contracts: planned,
  };
  for (const d of spec.deployments) {
    const codeId = codeIdOf(d.code);
    const result = admin.run(chain, [
      admin.instantiate(chain, codeId, planned[d.key]!.codeHash, d.label, d.initMsg(ctx), admin.address),
    ]);
    if (result.addresses[0] !== planned[d.key]!.address) {
      throw new Error(`genesis: ${d.key} was instantiated at ${result.addresses[0]}, expected ${planned[d.key]!.address}`);
    }
  }
  for (const step of spec.setup?.(ctx) ?? []) {
    const target = planned[step.contract];
    if (!target) throw new Error(`genesis setup targets unknown deployment ${step.contract}`);
    admin.run(chain, [admin.execute(chain, target, step.msg)]);
  }
  const info: GenesisInfo = {
    chainId: chain.chainId,
    admin: {address: DEV_ADMIN.address, mnemonic: DEV_ADMIN.mnemonic},
    accounts: DEV_ACCOUNTS.map((a) => ({...a})),
    codes: store.listCodes().map((c) => ({codeId: c.codeId, name: c.name || wasmNames.find((n) => codeIds.get(n) === c.codeId) || '', codeHash: c.codeHash})),
    wasmCodes: wasmNames.length ? wasmNames : undefined,
    contracts: planned,
    ioPublicKey: toHex(chain.ioPublicKey),
  };
  store.transaction(() => store.setMeta(META.genesis, JSON.stringify(info)));
  return info;
}

/** The persisted genesis result of an initialised store; throws when genesis has not completed. */
export function genesisInfo(store: Store): GenesisInfo {
  const raw = store.getMeta(META.genesis);
  if (!raw) throw new Error('devnet genesis has not completed');
  return JSON.parse(raw) as GenesisInfo;
}

/**
 * Registers codes of the registry that a persisted devnet does not know yet (new contract implementations added
 * after its genesis), with the next code ids. Existing codes keep their ids and stored code hashes.
 */
export function registerNewCodes(store: Store, registry: ContractRegistry): void {
  const raw = store.getMeta(META.genesis);
  const known = new Set([...store.listCodes().map((c) => c.name), ...((raw && (JSON.parse(raw) as GenesisInfo).wasmCodes) || [])]);
  const fresh = Object.keys(registry.contracts).filter((n) => !known.has(n));
  if (!fresh.length) return;
  store.transaction(() => {
    let next = store.listCodes().reduce((m, c) => Math.max(m, c.codeId), 0) + 1;
    for (const name of fresh) {
      store.addCode({codeId: next++, name, codeHash: registry.codeHashOf(name), creator: DEV_ADMIN.address});
    }
  });
}
