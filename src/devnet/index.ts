/**
 * Lifecycle of the embedded devnet: start it in-process ({@link startDevnet}), find and talk to a running one
 * ({@link devnetStatus}, {@link devnetAdmin}), stop or reset it ({@link stopDevnet}, {@link resetDevnet}). The
 * detached (background) variant lives in `daemon.ts` ({@link startDetached}).
 *
 * Files under `<home>/devnet/`: `state.db` (+ `-wal`, `-shm`; all chain state), `devnet.json` (url, pid, chain id,
 * contracts of the running instance), `devnet.pid`, `devnet.log` (detached instances).
 */
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {AddressInfo} from 'node:net';
import {Chain} from './chain.js';
import {Store} from './store.js';
import {createDevnetServer} from './server.js';
import {
  createGenesis,
  genesisInfo,
  loadSecretAiRegistry,
  registerNewCodes,
  secretAiGenesisSpec,
  type DevAccount,
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
} from './genesis.js';
export {DEVNET_CHAIN_ID, GAS, type ContractRegistry} from './chain.js';

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
/** How long `stop` lets in-flight requests finish before closing their connections, ms. */
const STOP_GRACE_MS = 1000;

/** Paths of a home's devnet files. */
export function devnetPaths(home: string): {dir: string; state: string; info: string; pid: string; log: string} {
  const dir = join(home, DEVNET_DIR);
  return {
    dir,
    state: join(dir, STATE_FILE),
    info: join(dir, INFO_FILE),
    pid: join(dir, PID_FILE),
    log: join(dir, 'devnet.log'),
  };
}

/** Options of {@link startDevnet}. */
export interface StartDevnetOptions<C = SecretAiContracts> {
  /** secretai home; state lives in `<home>/devnet/` and is reused when present. */
  home: string;
  /** TCP port; 0 picks a free port. Default {@link DEFAULT_DEVNET_PORT}. */
  port?: number;
  /** Listening address. Default {@link DEFAULT_DEVNET_HOST}. */
  host?: string;
  /** Genesis (registry + deployments). Default: the Secret AI contracts from `contracts/index.ts`. */
  genesis?: GenesisSpec<C> | (() => Promise<GenesisSpec<C>>);
  /** Deployment key of the token the faucet mints (default `paymentToken`). */
  faucetTokenKey?: string;
  /** Wall clock in ms (tests). */
  now?: () => number;
  /** Group-commit window, ms (default 2; 0 = end of the event-loop turn). */
  commitWindowMs?: number;
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

/** True when a process with this pid exists. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when the devnet described by a `devnet.json` is running: its process is alive and its URL answers the status
 * endpoint (a reused pid of an unrelated process does not count).
 */
export async function isDevnetAnswering(info: DevnetInfoFile, timeoutMs = 2000): Promise<boolean> {
  if (!isProcessAlive(info.pid)) return false;
  try {
    const res = await fetch(`${info.url}/secretai/devnet/status`, {signal: AbortSignal.timeout(timeoutMs)});
    const body = (await res.json()) as {running?: boolean; chainId?: string};
    return res.ok && body.running === true && body.chainId === info.chainId;
  } catch {
    return false;
  }
}

/** The `devnet.json` of a home, or undefined when absent or unreadable. */
export function readDevnetInfo(home: string): DevnetInfoFile | undefined {
  try {
    return JSON.parse(readFileSync(devnetPaths(home).info, 'utf8')) as DevnetInfoFile;
  } catch {
    return undefined;
  }
}

/** True when the home has devnet state (a completed genesis). */
export function hasDevnetState(home: string): boolean {
  return existsSync(devnetPaths(home).state);
}

function removeFiles(...paths: string[]): void {
  for (const p of paths) rmSync(p, {force: true});
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
      : (options.genesis ?? (secretAiGenesisSpec(await loadSecretAiRegistry()) as unknown as GenesisSpec<C>));

  if (!existsSync(paths.state)) buildGenesis(paths, spec, now);
  const store = Store.open(paths.state);
  let chain: Chain;
  let genesis: GenesisInfo;
  let staleCodes: DevnetHandle<C>['staleCodes'];
  try {
    registerNewCodes(store, spec.registry);
    chain = new Chain(store, spec.registry, {now, commitWindowMs: options.commitWindowMs});
    genesis = genesisInfo(store);
    staleCodes = store
      .listCodes()
      .filter((c) => spec.registry.contracts[c.name] && spec.registry.codeHashOf(c.name) !== c.codeHash)
      .map((c) => ({name: c.name, storedCodeHash: c.codeHash, currentCodeHash: spec.registry.codeHashOf(c.name)}));
  } catch (err) {
    store.close();
    throw err;
  }

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
        resolveStopped();
        resolve();
      });
      server.closeIdleConnections();
    });
    return stopping;
  };

  const host = options.host ?? DEFAULT_DEVNET_HOST;
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

// ---------------------------------------------------------------------------------------------------------------
// Talking to a running devnet
// ---------------------------------------------------------------------------------------------------------------

/** Error answered by a devnet endpoint (gRPC-gateway body). */
export class DevnetRequestError extends Error {
  constructor(
    readonly status: number,
    readonly grpcCode: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'DevnetRequestError';
  }
}

/** Default timeout of admin requests, ms. */
const ADMIN_TIMEOUT_MS = 10_000;

async function devnetRequest<T>(url: string, path: string, body?: unknown, timeoutMs = ADMIN_TIMEOUT_MS): Promise<T> {
  const res = await fetch(url.replace(/\/+$/, '') + path, {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? undefined : {'content-type': 'application/json'},
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DevnetRequestError(res.status, undefined, `devnet answered non-JSON (HTTP ${res.status})`);
  }
  if (!res.ok) {
    const err = json as {code?: number; message?: string};
    throw new DevnetRequestError(res.status, err.code, err.message ?? `HTTP ${res.status}`);
  }
  return json as T;
}

/** `GET /secretai/devnet/status`. `time` is RFC 3339. */
export interface DevnetStatus {
  running: boolean;
  url: string;
  chainId: string;
  height: number;
  time: string;
  timeOffsetSeconds: number;
}

/** Result of the faucet. Amounts are base-unit decimal strings. */
export interface FundResult {
  address: string;
  /** uscrt sent. */
  scrt: string;
  /** Payment-token base units minted. */
  token: string;
  txhash: string;
  height: number;
}

/** Admin calls on a running devnet (any host: in-process or detached). */
export const devnetAdmin = {
  /** Height, time, chain id. */
  status: (url: string): Promise<DevnetStatus> => devnetRequest(url, '/secretai/devnet/status'),
  /** Genesis info: accounts, codes, contracts. */
  genesis: (url: string): Promise<GenesisInfo> => devnetRequest(url, '/secretai/devnet/genesis'),
  /** Moves block time forward; returns the height and the new time (RFC 3339). */
  advance: (url: string, seconds: number): Promise<{height: number; time: string}> =>
    devnetRequest(url, '/secretai/devnet/advance', {seconds}),
  /**
   * Faucet: `scrt` in uscrt (native base units) sent from the admin account, `token` in payment-token base units
   * minted by the admin. Both decimal strings (or safe integers); at least one non-zero.
   */
  fund: (url: string, request: {address: string; scrt?: string | number; token?: string | number}): Promise<FundResult> =>
    devnetRequest(url, '/secretai/devnet/fund', request),
  /** Asks the devnet to stop (answers before stopping). */
  shutdown: (url: string): Promise<{stopping: boolean}> => devnetRequest(url, '/secretai/devnet/shutdown', {}),
};

/** What {@link devnetStatus} reports about a home. */
export interface DevnetHomeStatus {
  running: boolean;
  home: string;
  url?: string;
  pid?: number;
  chainId?: string;
  height?: number;
  /** RFC 3339. */
  time?: string;
  contracts?: Record<string, ContractRef>;
  /** True when the home has devnet state (a stopped devnet can be started again with the same state). */
  hasState: boolean;
}

/** Status of the devnet of a home: running (its process is alive and it answers) or not. */
export async function devnetStatus(home: string): Promise<DevnetHomeStatus> {
  const info = readDevnetInfo(home);
  const hasState = hasDevnetState(home);
  if (!info || !isProcessAlive(info.pid)) return {running: false, home, hasState};
  try {
    const s = await devnetAdmin.status(info.url);
    return {
      running: true,
      home,
      url: info.url,
      pid: info.pid,
      chainId: s.chainId,
      height: s.height,
      time: s.time,
      contracts: info.contracts,
      hasState,
    };
  } catch {
    return {running: false, home, url: info.url, pid: info.pid, hasState};
  }
}

/**
 * Whether a live pid plausibly is a devnet (its command line mentions `devnet`). Where the command line cannot be
 * read (no `/proc`), assumes it is.
 */
function looksLikeDevnetProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('devnet');
  } catch {
    return !existsSync('/proc/self/cmdline');
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isProcessAlive(pid);
}

/**
 * Stops the devnet of a home: admin shutdown request, then SIGTERM, then SIGKILL if it does not exit in time.
 * Returns whether one was running. A devnet running in this very process must be stopped with its handle.
 */
export async function stopDevnet(home: string, options: {timeoutMs?: number} = {}): Promise<{wasRunning: boolean; pid?: number}> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const info = readDevnetInfo(home);
  const paths = devnetPaths(home);
  if (!info || !isProcessAlive(info.pid)) {
    removeFiles(paths.info, paths.pid);
    return {wasRunning: false};
  }
  if (info.pid === process.pid) throw new Error('the devnet runs in this process; stop it with its handle');
  let asked = false;
  try {
    await devnetAdmin.shutdown(info.url);
    asked = true;
  } catch {
    // fall through to signals
  }
  if (!asked && !looksLikeDevnetProcess(info.pid)) {
    // The pid was reused by an unrelated process: never signal it.
    removeFiles(paths.info, paths.pid);
    return {wasRunning: false};
  }
  if (!(await waitForExit(info.pid, timeoutMs))) {
    try {
      process.kill(info.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    if (!(await waitForExit(info.pid, timeoutMs))) {
      try {
        process.kill(info.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await waitForExit(info.pid, timeoutMs);
    }
  }
  const after = readDevnetInfo(home);
  if (after?.pid === info.pid) removeFiles(paths.info, paths.pid);
  return {wasRunning: true, pid: info.pid};
}

/** Stops the devnet of a home (if running) and deletes its folder (all chain state). */
export async function resetDevnet(home: string, options: {timeoutMs?: number} = {}): Promise<{wasRunning: boolean}> {
  const {wasRunning} = await stopDevnet(home, options);
  rmSync(devnetPaths(home).dir, {recursive: true, force: true});
  return {wasRunning};
}

/** Removes a stale pid file (tests, tools); no effect while the process is alive. */
export function clearStaleDevnetFiles(home: string): void {
  const info = readDevnetInfo(home);
  if (info && isProcessAlive(info.pid)) return;
  const paths = devnetPaths(home);
  for (const p of [paths.info, paths.pid]) {
    try {
      unlinkSync(p);
    } catch {
      // absent
    }
  }
}

export {startDetached, runDaemon} from './daemon.js';
export type {DetachedDevnet, StartDetachedOptions} from './daemon.js';
