/**
 * Lifecycle of the embedded devnet: start it in-process ({@link startDevnet}), find and talk to a running one
 * ({@link devnetStatus}, {@link devnetAdmin}), stop or reset it ({@link stopDevnet}, {@link resetDevnet}). The
 * detached (background) variant lives in `daemon.ts` ({@link startDetached}).
 *
 * Files under `<home>/devnet/`: `state.db` (+ `-wal`, `-shm`; all chain state), `devnet.json` (url, pid, chain id,
 * contracts of the running instance), `devnet.pid`, `devnet.log` (detached instances), `admin-token` (mode 0600: the
 * token admin actions need, new at every start).
 *
 * This is the devnet's public entry: the CLI (`src/lib`) imports the devnet only through it; the node (executor
 * without HTTP) has its own entry, `node/index.ts`.
 */
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {AddressInfo} from 'node:net';
import {Chain, Store} from './node/index.js';
import {createDevnetServer, newAdminToken} from './lcd/server.js';
import {rememberAdminToken, forgetAdminToken, isDevnetAnswering, readDevnetInfo, removeFiles} from './control.js';
import {
  createGenesis,
  genesisInfo,
  registerNewCodes,
  secretAiGenesis,
  type DevAccount,
  type GenesisContracts,
  type GenesisInfo,
  type GenesisSpec,
  type SecretAiContracts,
} from './genesis.js';
import type {ContractRef} from './signer.js';

export type {ContractRef} from './signer.js';
export type {DevAccount, GenesisInfo, GenesisSpec, SecretAiContracts} from './genesis.js';
export type {DeploymentContext, GenesisDeployment, GenesisCode} from './genesis.js';
export {
  DEV_ACCOUNTS,
  DEV_ADMIN,
  DEV_TOKEN,
  DEV_PLAN,
  DEV_EPOCH_SECONDS,
  DEV_USER_TOKEN_BALANCE,
  SECRET_AI_CODES,
  genesisInfo,
  loadSecretAiRegistry,
  secretAiGenesisSpec,
  secretAiGenesis,
  secretAiArtifacts,
  genesisContractsFromEnv,
  CONTRACTS_SWITCH,
  type GenesisContracts,
} from './genesis.js';
export {DEVNET_CHAIN_ID} from '../common/networks.js';
export {GAS, type ContractRegistry} from './node/index.js';

/** Default port, as the `local` network profile expects (`http://127.0.0.1:1317`). */
export const DEFAULT_DEVNET_PORT = 1317;
/** Default listening address (loopback only). */
export const DEFAULT_DEVNET_HOST = '127.0.0.1';
/** Folder of the devnet under the secretai home. */
export const DEVNET_DIR = 'devnet';
const STATE_FILE = 'state.db';
const GENESIS_TMP_FILE = 'state.db.genesis';
const INFO_FILE = 'devnet.json';
const PID_FILE = 'devnet.pid';
const ADMIN_TOKEN_FILE = 'admin-token';
/** How long `stop` lets in-flight requests finish before closing their connections, ms. */
const STOP_GRACE_MS = 1000;

/** Paths of a home's devnet files. */
export function devnetPaths(home: string): {dir: string; state: string; info: string; pid: string; log: string; adminToken: string} {
  const dir = join(home, DEVNET_DIR);
  return {
    dir,
    state: join(dir, STATE_FILE),
    info: join(dir, INFO_FILE),
    pid: join(dir, PID_FILE),
    log: join(dir, 'devnet.log'),
    adminToken: join(dir, ADMIN_TOKEN_FILE),
  };
}

/**
 * Writes a fresh admin token for a starting devnet: mode 0600 from creation (the old file is removed first, so
 * no reader ever sees the new token with wider permissions).
 */
function writeAdminToken(path: string): string {
  const token = newAdminToken();
  rmSync(path, {force: true});
  writeFileSync(path, `${token}\n`, {mode: 0o600, flag: 'wx'});
  return token;
}

/** The admin token of a home's devnet, or undefined when there is none (never started, or not readable). */
export function readAdminToken(home: string): string | undefined {
  try {
    return readFileSync(devnetPaths(home).adminToken, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Options of {@link startDevnet}. */
export interface StartDevnetOptions<C = SecretAiContracts> {
  /** secretai home; state lives in `<home>/devnet/` and is reused when present. */
  home: string;
  /** TCP port; 0 picks a free port. Default {@link DEFAULT_DEVNET_PORT}. */
  port?: number;
  /** Listening address. Default {@link DEFAULT_DEVNET_HOST}. */
  host?: string;
  /** Genesis (registry + deployments). Default: the Secret AI contracts (see {@link StartDevnetOptions.contracts}). */
  genesis?: GenesisSpec<C> | (() => Promise<GenesisSpec<C>>);
  /**
   * For the default genesis of a new devnet: `ts` deploys the TypeScript contracts of `contracts/index.ts`; `wasm`
   * the built `contracts/<name>/<name>.wasm` when all four exist (else TypeScript). Default: the environment
   * switch `SECRETAI_DEVNET_CONTRACTS` (`wasm`), else `ts`.
   */
  contracts?: GenesisContracts;
  /** Deployment key of the token the faucet mints (default `paymentToken`). */
  faucetTokenKey?: string;
  /** Wall clock in ms (tests). */
  now?: () => number;
  /** Group-commit window, ms (default 2; 0 = end of the event-loop turn). */
  commitWindowMs?: number;
  /** Receives wasm contracts' `debug` messages (the detached devnet writes them to `devnet.log`). */
  debugLog?: (contract: string, message: string) => void;
}

/** What `devnet.json` holds about a running devnet. */
export interface DevnetInfoFile {
  url: string;
  pid: number;
  chainId: string;
  home: string;
  admin: {address: string};
  contracts: Record<string, ContractRef>;
  startedAt: string;
}

/** A running in-process devnet. */
export interface DevnetHandle<C = SecretAiContracts> {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:1317`. */
  url: string;
  chainId: string;
  home: string;
  /** The admin/faucet account (public dev mnemonic). */
  admin: {address: string; mnemonic: string};
  /** All fixed dev accounts (`admin`, `a`, `b`, `c`). */
  accounts: DevAccount[];
  /** Deployed contracts, typed by the genesis (Secret AI: `{paymentToken, workerManager, …}`). */
  contracts: C;
  genesis: GenesisInfo;
  /**
   * Codes whose implementation changed version since this devnet's genesis: their contracts keep the stored code
   * hash (clients must use it); `devnet reset` redeploys with the current hashes. Empty on a fresh devnet.
   */
  staleCodes: Array<{name: string; storedCodeHash: string; currentCodeHash: string}>;
  /** The state machine (in-process access for tools and tests). */
  chain: Chain;
  /** Stops the server and closes the database; idempotent. */
  stop(): Promise<void>;
  /** Resolves once stopped (by {@link stop} or the admin shutdown endpoint). */
  stopped: Promise<void>;
}

/** A devnet is already running for this home. */
export class DevnetAlreadyRunningError extends Error {
  constructor(
    readonly info: DevnetInfoFile,
  ) {
    super(`a devnet is already running for this home at ${info.url} (pid ${info.pid})`);
    this.name = 'DevnetAlreadyRunningError';
  }
}

/** True when the home has devnet state (a completed genesis). */
export function hasDevnetState(home: string): boolean {
  return existsSync(devnetPaths(home).state);
}

/** Builds genesis into a temporary database and renames it into place once complete (crash-safe). */
function buildGenesis<C>(paths: ReturnType<typeof devnetPaths>, spec: GenesisSpec<C>, now: () => number): void {
  const tmp = join(paths.dir, GENESIS_TMP_FILE);
  removeFiles(tmp, `${tmp}-wal`, `${tmp}-shm`);
  const store = Store.open(tmp);
  try {
    createGenesis(store, spec, now);
  } catch (err) {
    store.close();
    removeFiles(tmp, `${tmp}-wal`, `${tmp}-shm`);
    throw err;
  }
  store.close();
  removeFiles(`${tmp}-wal`, `${tmp}-shm`);
  renameSync(tmp, paths.state);
}

/**
 * Starts a devnet in this process and resolves once it answers HTTP. Reuses the state in `<home>/devnet/` when
 * present (same chain id, IO key, accounts, contracts, txs); otherwise runs genesis (deploys the contracts). Writes
 * `devnet.json` and `devnet.pid`; refuses to start when another live process owns the home.
 */
export async function startDevnet(options: StartDevnetOptions<SecretAiContracts> & {genesis?: undefined}): Promise<DevnetHandle<SecretAiContracts>>;
export async function startDevnet<C>(options: StartDevnetOptions<C>): Promise<DevnetHandle<C>>;
export async function startDevnet<C>(options: StartDevnetOptions<C>): Promise<DevnetHandle<C>> {
  const home = options.home;
  const paths = devnetPaths(home);
  mkdirSync(paths.dir, {recursive: true});
  const existing = readDevnetInfo(home);
  if (existing && existing.pid !== process.pid && (await isDevnetAnswering(existing))) throw new DevnetAlreadyRunningError(existing);

  const now = options.now ?? Date.now;
  const spec: GenesisSpec<C> =
    typeof options.genesis === 'function'
      ? await options.genesis()
      : (options.genesis ?? ((await secretAiGenesis(options.contracts)) as unknown as GenesisSpec<C>));

  if (!existsSync(paths.state)) buildGenesis(paths, spec, now);
  const store = Store.open(paths.state);
  let chain: Chain;
  let genesis: GenesisInfo;
  let staleCodes: DevnetHandle<C>['staleCodes'];
  try {
    registerNewCodes(store, spec.registry);
    chain = new Chain(store, spec.registry, {now, commitWindowMs: options.commitWindowMs, debugLog: options.debugLog});
    genesis = genesisInfo(store);
    staleCodes = store
      .listCodes()
      .filter((c) => spec.registry.contracts[c.name] && spec.registry.codeHashOf(c.name) !== c.codeHash)
      .map((c) => ({name: c.name, storedCodeHash: c.codeHash, currentCodeHash: spec.registry.codeHashOf(c.name)}));
  } catch (err) {
    store.close();
    throw err;
  }

  const host = options.host ?? DEFAULT_DEVNET_HOST;
  const adminToken = writeAdminToken(paths.adminToken);
  let url = '';
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | undefined;
  const server = createDevnetServer({
    chain,
    genesis,
    faucetTokenKey: options.faucetTokenKey,
    url: () => url,
    onShutdown: () => void stop(),
    adminToken,
    host,
  });

  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      chain.flush();
      const force = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        chain.flush();
        store.close();
        const info = readDevnetInfo(home);
        if (info?.pid === process.pid) removeFiles(paths.info, paths.pid);
        forgetAdminToken(url);
        resolveStopped();
        resolve();
      });
      server.closeIdleConnections();
    });
    return stopping;
  };

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_DEVNET_PORT, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    store.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const info: DevnetInfoFile = {
    url,
    pid: process.pid,
    chainId: chain.chainId,
    home,
    admin: {address: genesis.admin.address},
    contracts: genesis.contracts,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(paths.info, JSON.stringify(info, null, 2) + '\n');
  writeFileSync(paths.pid, `${process.pid}\n`);
  rememberAdminToken(url, adminToken);

  return {
    url,
    chainId: chain.chainId,
    home,
    admin: genesis.admin,
    accounts: genesis.accounts,
    contracts: spec.contracts(genesis.contracts),
    genesis,
    staleCodes,
    chain,
    stop,
    stopped,
  };
}

export * from './control.js';
export {startDetached, runDaemon} from './daemon.js';
export type {DetachedDevnet, StartDetachedOptions} from './daemon.js';
