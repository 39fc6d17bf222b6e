/**
 * Talking to a devnet from outside its process (or from the process that runs it): status, admin actions with the
 * devnet's token, stop and reset.
 */
import {existsSync, readFileSync, rmSync, unlinkSync} from 'node:fs';
import type {GenesisInfo} from './genesis.js';
import type {ContractRef} from './signer.js';
import {devnetPaths, hasDevnetState, readAdminToken, type DevnetInfoFile} from './index.js';

/** Deletes files, ignoring absent ones. */
export function removeFiles(...paths: string[]): void {
  for (const p of paths) rmSync(p, {force: true});
}

/** The `devnet.json` of a home, or undefined when absent or unreadable. */
export function readDevnetInfo(home: string): DevnetInfoFile | undefined {
  try {
    return JSON.parse(readFileSync(devnetPaths(home).info, 'utf8')) as DevnetInfoFile;
  } catch {
    return undefined;
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

/**
 * A running devnet to send admin requests to: its URL and its admin token (from `<home>/devnet/admin-token`, see
 * {@link devnetEndpoint}). A bare URL works for a devnet started by this very process, whose token it knows.
 */
export type DevnetTarget = string | {url: string; token?: string};

/** Admin tokens of the devnets started in this process, by URL. */
const inProcessTokens = new Map<string, string>();

/** Records the admin token of a devnet this process started (so a bare URL can be used as a target). */
export function rememberAdminToken(url: string, token: string): void {
  inProcessTokens.set(url.replace(/\/+$/, ''), token);
}

/** Forgets the admin token of a stopped in-process devnet. */
export function forgetAdminToken(url: string): void {
  inProcessTokens.delete(url.replace(/\/+$/, ''));
}

/** The admin target of a home's running devnet (URL from `devnet.json`, token from `admin-token`), if any. */
export function devnetEndpoint(home: string): {url: string; token?: string} | undefined {
  const info = readDevnetInfo(home);
  return info ? {url: info.url, token: readAdminToken(home)} : undefined;
}

async function devnetRequest<T>(target: DevnetTarget, path: string, body?: unknown, timeoutMs = ADMIN_TIMEOUT_MS): Promise<T> {
  const url = (typeof target === 'string' ? target : target.url).replace(/\/+$/, '');
  const token = (typeof target === 'string' ? undefined : target.token) ?? inProcessTokens.get(url);
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (body !== undefined && token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url + path, {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
    headers,
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

/** Admin calls on a running devnet (in-process or detached); actions need its token (see {@link DevnetTarget}). */
export const devnetAdmin = {
  /** Height, time, chain id. */
  status: (target: DevnetTarget): Promise<DevnetStatus> => devnetRequest(target, '/secretai/devnet/status'),
  /** Genesis info: accounts, codes, contracts. */
  genesis: (target: DevnetTarget): Promise<GenesisInfo> => devnetRequest(target, '/secretai/devnet/genesis'),
  /** Moves block time forward; returns the height and the new time (RFC 3339). */
  advance: (target: DevnetTarget, seconds: number): Promise<{height: number; time: string}> =>
    devnetRequest(target, '/secretai/devnet/advance', {seconds}),
  /**
   * Faucet: `scrt` in uscrt (native base units) sent from the admin account, `token` in payment-token base units
   * minted by the admin. Both decimal strings (or safe integers); at least one non-zero.
   */
  fund: (target: DevnetTarget, request: {address: string; scrt?: string | number; token?: string | number}): Promise<FundResult> =>
    devnetRequest(target, '/secretai/devnet/fund', request),
  /** Asks the devnet to stop (answers before stopping). */
  shutdown: (target: DevnetTarget): Promise<{stopping: boolean}> => devnetRequest(target, '/secretai/devnet/shutdown', {}),
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
    await devnetAdmin.shutdown({url: info.url, token: readAdminToken(home)});
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

