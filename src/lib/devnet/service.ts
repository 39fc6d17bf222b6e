/**
 * Services behind the `devnet` commands: start (in-process or detached), status, stop, reset, fund, advance.
 * The devnet itself lives in src/devnet (loaded lazily: it pulls in SQLite and the contracts); this layer turns
 * its results into the JSON of design.md §6 and keeps the `local` profile pointing at it.
 */
import type {Context} from '../cli/base-command.js';
import {getProfile, type ContractSet} from '../config/index.js';
import {OperationError, UnavailableError, UsageError} from '../errors.js';
import {Keyring} from '../keys/index.js';
import {looksLikeAddress} from '../config/profiles.js';

export interface ContractRefOut {
  address: string;
  codeHash: string;
}

/** `devnet start --json` (design.md §6). */
export interface DevnetStartResult {
  url: string;
  chainId: string;
  home: string;
  pid?: number;
  admin: {address: string};
  contracts: {workerManager: ContractRefOut; subscriptionManager: ContractRefOut; rewardsManager: ContractRefOut; paymentToken: ContractRefOut};
  /** True when a devnet was already running for this home and was left as it was. */
  alreadyRunning?: boolean;
  /** The network profile that now points at this devnet. */
  network: string;
}

/** `devnet status|stop|reset --json`. */
export interface DevnetStatusResult {
  running: boolean;
  url: string | null;
  height: number | null;
  time: string | null;
  chainId?: string;
  pid?: number;
  home: string;
  hasState?: boolean;
}

async function lib() {
  return import('../../devnet/index.js');
}

/** Only the local profile may be managed by devnet commands (they never touch a public network's profile). */
function devnetNetwork(ctx: Context): string {
  const name = ctx.networkName.value;
  const p = getProfile(ctx.config, name);
  if (!p.attestation.allowDev || p.chainId === 'secret-4' || p.chainId === 'pulsar-3') {
    throw new UsageError(`network "${name}" is not a devnet profile`, {code: 'NOT_A_DEVNET', suggestion: 'use --network local (the default)'});
  }
  return name;
}

function pickContracts(c: Record<string, ContractRefOut>): DevnetStartResult['contracts'] {
  const need = ['workerManager', 'subscriptionManager', 'rewardsManager', 'paymentToken'] as const;
  for (const k of need) if (!c[k]) throw new OperationError(`the devnet did not deploy ${k}`, {code: 'DEVNET_GENESIS_INCOMPLETE'});
  return {workerManager: c.workerManager, subscriptionManager: c.subscriptionManager, rewardsManager: c.rewardsManager, paymentToken: c.paymentToken};
}

/** Points the profile at the devnet: LCD URL, chain id, contract addresses and code hashes. */
function writeProfile(ctx: Context, network: string, url: string, chainId: string, contracts: DevnetStartResult['contracts']): void {
  ctx.store.update((cfg) => {
    const prev = cfg.networks[network] ?? {};
    const set: ContractSet = {...(prev.contracts ?? {}), ...contracts};
    cfg.networks[network] = {...prev, lcdUrl: url, chainId, contracts: set};
  });
  ctx.reload();
}

function portOf(ctx: Context, flag: number | undefined): number {
  if (flag !== undefined) {
    if (!Number.isInteger(flag) || flag < 0 || flag > 65535) throw new UsageError(`invalid port ${flag}`, {code: 'PORT_INVALID'});
    return flag;
  }
  try {
    const u = new URL(ctx.profile.lcdUrl);
    if (u.hostname === '127.0.0.1' || u.hostname === 'localhost') return Number(u.port || 80);
  } catch {
    /* fall back */
  }
  return 1317;
}

function mapStartError(err: unknown, port: number): never {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE') {
    throw new UsageError(`port ${port} is already in use`, {code: 'PORT_IN_USE', suggestion: 'pick another with --port, or stop what uses it'});
  }
  if (e?.code === 'EACCES') throw new UsageError(`not allowed to listen on port ${port}`, {code: 'PORT_DENIED', suggestion: 'use a port above 1024'});
  throw err;
}

/**
 * Starts the devnet. Detached: a background process, returns when it answers. Foreground: runs in this process,
 * returns the handle so the command can wait for Ctrl-C.
 */
export async function startDevnetService(
  ctx: Context,
  opts: {port?: number; detach: boolean},
): Promise<{result: DevnetStartResult; wait?: () => Promise<void>; stop?: () => Promise<void>}> {
  const network = devnetNetwork(ctx);
  const home = ctx.home.value;
  const d = await lib();
  const existing = await d.devnetStatus(home);
  if (existing.running && existing.url) {
    const info = d.readDevnetInfo(home)!;
    const contracts = pickContracts(info.contracts);
    writeProfile(ctx, network, info.url, info.chainId, contracts);
    return {result: {url: info.url, chainId: info.chainId, home, pid: info.pid, admin: info.admin, contracts, alreadyRunning: true, network}};
  }
  d.clearStaleDevnetFiles(home);
  const port = portOf(ctx, opts.port);
  // The devnet's own chain of trust for dev attestation (no TEE here): created with the devnet, kept with its state.
  const {ensureDevRoots} = await import('../attest/dev.js');
  ensureDevRoots(home);
  if (opts.detach) {
    let info;
    try {
      info = await d.startDetached({home, port});
    } catch (err) {
      if (/EADDRINUSE/.test(String((err as Error)?.message))) mapStartError({code: 'EADDRINUSE'}, port);
      throw new OperationError(`the devnet did not start: ${(err as Error).message}`, {code: 'DEVNET_START_FAILED', suggestion: `see ${d.devnetPaths(home).log}`});
    }
    const contracts = pickContracts(info.contracts);
    writeProfile(ctx, network, info.url, info.chainId, contracts);
    return {result: {url: info.url, chainId: info.chainId, home, pid: info.pid, admin: info.admin, contracts, network}};
  }
  let handle;
  try {
    handle = await d.startDevnet({home, port});
  } catch (err) {
    mapStartError(err, port);
  }
  const contracts = pickContracts(handle.contracts as unknown as Record<string, ContractRefOut>);
  writeProfile(ctx, network, handle.url, handle.chainId, contracts);
  return {
    result: {url: handle.url, chainId: handle.chainId, home, pid: process.pid, admin: {address: handle.admin.address}, contracts, network},
    wait: () => handle.stopped,
    stop: () => handle.stop(),
  };
}

export async function devnetStatusService(ctx: Context): Promise<DevnetStatusResult> {
  const d = await lib();
  const s = await d.devnetStatus(ctx.home.value);
  return {
    running: s.running,
    url: s.url ?? null,
    height: s.height ?? null,
    time: s.time ?? null,
    chainId: s.chainId,
    pid: s.pid,
    home: ctx.home.value,
    hasState: s.hasState,
  };
}

export async function stopDevnetService(ctx: Context): Promise<DevnetStatusResult & {wasRunning: boolean}> {
  const d = await lib();
  const before = await d.devnetStatus(ctx.home.value);
  const r = await d.stopDevnet(ctx.home.value);
  return {running: false, url: before.url ?? null, height: before.height ?? null, time: before.time ?? null, home: ctx.home.value, wasRunning: r.wasRunning, hasState: d.hasDevnetState(ctx.home.value)};
}

export async function resetDevnetService(ctx: Context): Promise<DevnetStatusResult & {wasRunning: boolean}> {
  const network = devnetNetwork(ctx);
  const d = await lib();
  const before = await d.devnetStatus(ctx.home.value);
  const r = await d.resetDevnet(ctx.home.value);
  ctx.store.update((cfg) => {
    const prev = cfg.networks[network];
    if (prev?.contracts) {
      const c = {...prev.contracts};
      delete c.workerManager;
      delete c.subscriptionManager;
      delete c.rewardsManager;
      delete c.paymentToken;
      cfg.networks[network] = {...prev, contracts: c};
    }
  });
  ctx.reload();
  return {running: false, url: before.url ?? null, height: null, time: null, home: ctx.home.value, wasRunning: r.wasRunning, hasState: false};
}

/** URL and admin token (read from `<home>/devnet/admin-token`) of the home's running devnet. */
async function runningDevnet(ctx: Context): Promise<{url: string; token?: string}> {
  const d = await lib();
  const s = await d.devnetStatus(ctx.home.value);
  if (!s.running || !s.url) {
    throw new UnavailableError('no devnet is running for this home', {code: 'DEVNET_NOT_RUNNING', suggestion: 'start one with "secretai devnet start --detach"'});
  }
  return {url: s.url, token: d.readAdminToken(ctx.home.value)};
}

const UNIT_RE = /^(\d+)(scrt|uscrt)?$/i;

/**
 * Parses a faucet amount: a plain integer is base units (uscrt / token base units); `N scrt` (native only)
 * is whole SCRT (× 10^6). Never floats.
 */
export function parseFaucetAmount(text: string, what: 'scrt' | 'token'): string {
  const m = text.trim().replace(/_/g, '').match(UNIT_RE);
  if (!m) throw new UsageError(`invalid --${what} amount "${text}": use a whole number of base units${what === 'scrt' ? ' or e.g. 10scrt' : ''}`, {code: 'AMOUNT_INVALID'});
  const unit = m[2]?.toLowerCase();
  if (unit && what === 'token') throw new UsageError(`--token is in token base units, without a unit: "${text}"`, {code: 'AMOUNT_INVALID'});
  const v = unit === 'scrt' ? BigInt(m[1]) * 1_000_000n : BigInt(m[1]);
  if (v > 10n ** 30n) throw new UsageError(`--${what} amount is too large`, {code: 'AMOUNT_INVALID'});
  return v.toString();
}

/** A bech32 address, or the name of a key in the keyring. */
export function resolveAddress(ctx: Context, target: string): string {
  if (target.startsWith('secret1')) {
    if (!looksLikeAddress(target)) throw new UsageError(`malformed address "${target}"`, {code: 'ADDRESS_INVALID'});
    return target;
  }
  const kr = new Keyring(ctx.home.value);
  if (!kr.exists(target)) {
    throw new UsageError(`"${target}" is neither a secret1… address nor a key name`, {code: 'ADDRESS_INVALID', suggestion: 'run "secretai keys list"'});
  }
  return kr.show(target).address;
}

export interface FundOut {
  address: string;
  scrt: string;
  token: string;
  txHash: string;
  height: number;
}

/**
 * The faucet. It goes through the same contract-client layer as every other command: the devnet's admin key
 * (a public dev mnemonic, the payment token's minter) signs one tx with a bank send and a SNIP-20 `mint`,
 * sent over HTTP with secretjs.
 */
export async function fundService(ctx: Context, o: {target: string; scrt?: string; token?: string}): Promise<FundOut> {
  devnetNetwork(ctx);
  const address = resolveAddress(ctx, o.target);
  const scrt = parseFaucetAmount(o.scrt ?? '1000scrt', 'scrt');
  const token = parseFaucetAmount(o.token ?? '1000000000', 'token');
  if (scrt === '0' && token === '0') throw new UsageError('nothing to fund: --scrt and --token are both 0', {code: 'AMOUNT_INVALID'});
  await runningDevnet(ctx);
  const profile = ctx.profile;
  const paymentToken = profile.contracts.paymentToken;
  if (token !== '0' && !paymentToken) {
    throw new UsageError('the local profile has no payment token', {code: 'CONTRACT_NOT_CONFIGURED', suggestion: 'run "secretai devnet start" to configure it'});
  }
  const [{signingClient}, {DEV_ADMIN}] = await Promise.all([import('../chain/index.js'), lib()]);
  const admin = await signingClient(profile, DEV_ADMIN.mnemonic);
  type Msg = Parameters<typeof admin.broadcast>[0][number];
  const msgs: Msg[] = [];
  if (scrt !== '0') msgs.push({type: 'send', to: address, amount: [{denom: 'uscrt', amount: scrt}]});
  if (token !== '0') msgs.push({type: 'execute', contract: paymentToken!, msg: {mint: {recipient: address, amount: token}}});
  const r = await admin.broadcast(msgs);
  return {address, scrt, token, txHash: r.txHash, height: r.height};
}

export async function advanceService(ctx: Context, seconds: number): Promise<{height: number; time: string}> {
  devnetNetwork(ctx);
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds > 10 * 365 * 86400) {
    throw new UsageError(`--seconds must be a whole number between 1 and ${10 * 365 * 86400}`, {code: 'SECONDS_INVALID'});
  }
  const target = await runningDevnet(ctx);
  const d = await lib();
  try {
    return await d.devnetAdmin.advance(target, seconds);
  } catch (err) {
    throw devnetCallError(err, 'advance');
  }
}

function devnetCallError(err: unknown, what: string): Error {
  const e = err as {name?: string; status?: number; message?: string};
  if (e?.name === 'DevnetRequestError' && e.status && e.status < 500) return new UsageError(`devnet ${what}: ${e.message}`, {code: 'DEVNET_REJECTED'});
  if (e?.name === 'DevnetRequestError') return new OperationError(`devnet ${what} failed: ${e.message}`, {code: 'DEVNET_FAILED'});
  return new UnavailableError(`devnet ${what}: could not reach the devnet (${e?.message ?? String(err)})`, {code: 'DEVNET_UNREACHABLE', suggestion: 'check "secretai devnet status"'});
}
