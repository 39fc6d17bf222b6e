/**
 * Devnet genesis: fixed development accounts, the contract codes (wasm stored by the admin with `MsgStoreCode`,
 * code ids from 1), and the deployment of the contracts through signed instantiate txs of the admin account.
 *
 * THE MNEMONICS BELOW ARE PUBLIC. They exist so that every devnet has the same well-known accounts (like anvil's
 * or a cosmos localnet's). Never use them, or addresses derived from them, on a real network.
 */
import {existsSync, readFileSync} from 'node:fs';
import {DEVNET_CHAIN_ID} from '../common/networks.js';
import {toHex} from '../../contracts/common/encoding.js';
import {artifactPath, packageRoot} from '../lib/contracts/artifacts.js';
import {
  DEVNET_PLAN,
  devnetManagerSettings,
  rewardsManagerInitMsg,
  subscriptionManagerInitMsg,
  workerManagerInitMsg,
  type ManagerRefs,
} from '../lib/contracts/managers.js';
import {Chain, META, NATIVE_DENOM, type Store} from './node/index.js';
import {DevSigner, type ContractRef} from './signer.js';
import {contractCodeHash} from '../lib/contracts/validate.js';

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
  /** Name of the code (a key of {@link GenesisSpec.codes}). */
  code: string;
  label: string;
  initMsg(ctx: DeploymentContext): unknown;
}

/** One code stored at genesis. */
export interface GenesisCodeSpec {
  name: string;
  /** The contract's wasm (plain or gzipped), stored with `MsgStoreCode`; code hash = SHA-256 of the plain wasm. */
  wasm: Uint8Array;
}

/** A genesis: the codes and what to deploy. `C` is the typed view of the deployed contracts. */
export interface GenesisSpec<C = Record<string, ContractRef>> {
  /** The codes, stored in this order by the admin (code ids from 1). */
  codes: GenesisCodeSpec[];
  deployments: GenesisDeployment[];
  /** Typed view of the deployed contracts. */
  contracts(deployed: Record<string, ContractRef>): C;
  /** Messages the admin executes after all instantiations (e.g. wiring), in order. */
  setup?(ctx: DeploymentContext): Array<{contract: string; msg: unknown}>;
}

/** A stored code. */
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

/** Names of the Secret AI contracts (`contracts/<name>/<name>.wasm`), in code-id order. */
export const SECRET_AI_CODES = ['snip20', 'worker-manager', 'subscription-manager', 'rewards-manager'] as const;

/** Payment token parameters of the default devnet. */
export const DEV_TOKEN = {name: 'Secret AI Dev Token', symbol: 'SAIT', decimals: 6} as const;
/** Genesis payment-token balance of users `a`, `b`, `c`, base units (1 000 SAIT). */
export const DEV_USER_TOKEN_BALANCE = '1000000000';
/** Default plan seeded at genesis so that `subscribe --plan basic` works on a fresh devnet. */
export const DEV_PLAN = DEVNET_PLAN;
/** Epoch length of the default devnet's worker and rewards managers, seconds. */
export const DEV_EPOCH_SECONDS = devnetManagerSettings().epochSeconds;

/** Genesis of the Secret AI devnet over the four contracts' wasm (by code name). */
export function secretAiGenesisSpec(wasm: Record<string, Uint8Array>): GenesisSpec<SecretAiContracts> {
  const missing = SECRET_AI_CODES.filter((n) => !wasm[n]);
  if (missing.length) throw new Error(`devnet genesis lacks the wasm of ${missing.join(', ')}`);
  const settings = devnetManagerSettings();
  const refs = (ctx: DeploymentContext): ManagerRefs => ({
    paymentToken: ctx.contracts.paymentToken!,
    workerManager: ctx.contracts.workerManager,
    subscriptionManager: ctx.contracts.subscriptionManager,
    rewardsManager: ctx.contracts.rewardsManager,
  });
  return {
    codes: SECRET_AI_CODES.map((name) => ({name, wasm: wasm[name]!})),
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
      {key: 'workerManager', code: 'worker-manager', label: 'secretai-worker-manager', initMsg: (ctx) => workerManagerInitMsg(ctx.admin, refs(ctx), settings)},
      {
        key: 'subscriptionManager',
        code: 'subscription-manager',
        label: 'secretai-subscription-manager',
        initMsg: (ctx) => subscriptionManagerInitMsg(ctx.admin, refs(ctx), settings),
      },
      {key: 'rewardsManager', code: 'rewards-manager', label: 'secretai-rewards-manager', initMsg: (ctx) => rewardsManagerInitMsg(ctx.admin, refs(ctx), settings)},
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
 * The built Secret AI artifacts (`contracts/<name>/<name>.wasm` under `root`, default this package) by code name.
 * Throws, naming `npm run build`, when one is missing.
 */
export function secretAiArtifacts(root: string = packageRoot()): Record<string, Uint8Array> {
  const files = SECRET_AI_CODES.map((name) => [name, artifactPath(root, name)] as const);
  const missing = files.filter(([, file]) => !existsSync(file)).map(([, file]) => file);
  if (missing.length) {
    throw new Error(`the devnet deploys the built contracts, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: run \`npm run build\` first`);
  }
  return Object.fromEntries(files.map(([name, file]) => [name, new Uint8Array(readFileSync(file))]));
}

/** The default devnet genesis: the four built Secret AI contracts, stored and instantiated at genesis. */
export async function secretAiGenesis(): Promise<GenesisSpec<SecretAiContracts>> {
  return secretAiGenesisSpec(secretAiArtifacts());
}

/**
 * Initialises an empty store: chain id, IO key, dev accounts, then stores every code (one admin-signed
 * `MsgStoreCode` each), instantiates every deployment (one admin-signed tx each, through the execution engine) and
 * runs any setup messages. Persists and returns the {@link GenesisInfo}. Throws with the decrypted contract error
 * when a deployment fails.
 */
export function createGenesis<C>(store: Store, spec: GenesisSpec<C>, now: () => number = Date.now): GenesisInfo {
  Chain.initialise(
    store,
    {
      chainId: DEVNET_CHAIN_ID,
      balances: DEV_ACCOUNTS.map((a) => ({address: a.address, coins: [{denom: NATIVE_DENOM, amount: a.uscrt}]})),
    },
    now,
  );
  const chain = new Chain(store, {now});
  const admin = DevSigner.fromMnemonic(DEV_ADMIN.mnemonic);
  if (admin.address !== DEV_ADMIN.address) throw new Error('admin mnemonic does not derive the documented address');

  const codes = new Map<string, GenesisCode>();
  for (const {name, wasm} of spec.codes) {
    if (codes.has(name)) throw new Error(`genesis stores code ${name} twice`);
    const stored = admin.run(chain, [admin.storeCode(wasm)]);
    codes.set(name, {codeId: stored.codeIds[0]!, name, codeHash: contractCodeHash(wasm)});
  }
  const codeOf = (name: string): GenesisCode => {
    const code = codes.get(name);
    if (!code) throw new Error(`genesis deployment uses code ${name}, which is not in the genesis codes`);
    return code;
  };
  const planned: Record<string, ContractRef> = {};
  for (const d of spec.deployments) {
    const code = codeOf(d.code);
    planned[d.key] = {address: chain.contractAddress(code.codeId, admin.address, d.label), codeHash: code.codeHash};
  }
  const ctx: DeploymentContext = {
    admin: admin.address,
    accounts: Object.fromEntries(DEV_ACCOUNTS.map((a) => [a.name, a.address])),
    contracts: planned,
  };
  for (const d of spec.deployments) {
    const code = codeOf(d.code);
    const result = admin.run(chain, [admin.instantiate(chain, code.codeId, code.codeHash, d.label, d.initMsg(ctx), admin.address)]);
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
    codes: [...codes.values()],
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

