/**
 * `worker serve --detach` and `worker stop`. Detaching works as `devnet start --detach` does: the CLI starts
 * itself again as a detached background Node process (`worker serve` without `--detach`, `--json`) with an IPC
 * channel, the child reports readiness (or its error) over IPC, then the parent disconnects and returns. The child
 * writes its pid to `<home>/worker/gateway.pid` while it serves (removed when it stops) and logs to
 * `<home>/worker/gateway.log`. `worker stop` sends SIGTERM to that pid: the gateway drains, then exits.
 */
import {spawn} from 'node:child_process';
import {closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import type {Context} from '../../cli/base-command.js';
import {OperationError, UsageError} from '../../errors.js';
import {DRAIN_GRACE_MS} from '../model-serve.js';
import type {ServeResult} from './service.js';

/** Set in the child's environment: report readiness over IPC. */
export const GATEWAY_DAEMON_ENV = 'SECRETAI_GATEWAY_DAEMON';
/** How long the parent waits for the child to serve, ms. */
const READY_TIMEOUT_MS = 120_000;
/** Extra time `worker stop` waits beyond the drain grace period, ms. */
const STOP_SLACK_MS = 5_000;
const STOP_POLL_MS = 50;

/** The CLI entry point (dist/src/lib/worker/gateway → repository root → bin/run.js). */
const CLI_ENTRY = fileURLToPath(new URL('../../../../../bin/run.js', import.meta.url));

export function gatewayPaths(home: string): {dir: string; pid: string; log: string} {
  const dir = path.join(home, 'worker');
  return {dir, pid: path.join(dir, 'gateway.pid'), log: path.join(dir, 'gateway.log')};
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the running detached gateway of this home, if any (a stale pid file is ignored). */
export function runningGatewayPid(home: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(gatewayPaths(home).pid, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

/** In the serving process: writes the pid file; returns its remover. */
export function writePidFile(home: string): () => void {
  const p = gatewayPaths(home);
  mkdirSync(p.dir, {recursive: true, mode: 0o700});
  writeFileSync(p.pid, `${process.pid}\n`, {mode: 0o600});
  return () => {
    try {
      if (readFileSync(p.pid, 'utf8').trim() === String(process.pid)) rmSync(p.pid, {force: true});
    } catch {
      // already gone
    }
  };
}

/** True when this process is a detached gateway child that must report over IPC. */
export function isGatewayDaemon(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[GATEWAY_DAEMON_ENV] === '1' && typeof process.send === 'function';
}

/** In the child: tells the parent the gateway serves (or why it did not start), then drops the IPC channel. */
export function reportToParent(msg: {type: 'ready'; result: ServeResult} | {type: 'error'; message: string; exitCode?: number}): void {
  if (!process.send) return;
  process.send(msg, () => {
    if (process.connected) process.disconnect();
  });
}

/**
 * Starts `worker serve` detached with `args` (the serve flags, without `--detach`) and resolves once it serves.
 * The key's passphrase, if it has to be asked here, reaches the child in its environment, never on argv.
 */
export async function startDetachedGateway(ctx: Context, args: string[]): Promise<ServeResult> {
  const home = ctx.home.value;
  const existing = runningGatewayPid(home);
  if (existing) throw new UsageError(`a gateway is already running for this home (pid ${existing})`, {code: 'GATEWAY_RUNNING', suggestion: 'stop it with "secretai worker stop"'});
  const env: NodeJS.ProcessEnv = {...ctx.env, [GATEWAY_DAEMON_ENV]: '1'};
  const keyName = ctx.requireFrom();
  const {Keyring} = await import('../../keys/index.js');
  if (new Keyring(home).needsPassphrase(keyName) && !env.SECRETAI_KEYRING_PASSPHRASE) {
    const {keyringPassphrase} = await import('../../cli/input.js');
    env.SECRETAI_KEYRING_PASSPHRASE = await keyringPassphrase(ctx, {creating: false, keyName});
  }
  const p = gatewayPaths(home);
  mkdirSync(p.dir, {recursive: true, mode: 0o700});
  const logFd = openSync(p.log, 'a', 0o600);
  try {
    const child = spawn(process.execPath, [CLI_ENTRY, 'worker', 'serve', ...args, '--json'], {detached: true, stdio: ['ignore', logFd, logFd, 'ipc'], env});
    return await new Promise<ServeResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        child.kill('SIGTERM');
        reject(new OperationError(`the gateway did not start within ${READY_TIMEOUT_MS / 1000} s`, {code: 'GATEWAY_START_FAILED', suggestion: `see ${p.log}`}));
      }, READY_TIMEOUT_MS);
      const onMessage = (m: {type: 'ready'; result: ServeResult} | {type: 'error'; message: string; exitCode?: number}) => {
        done();
        if (m.type === 'ready') {
          if (child.connected) child.disconnect();
          child.unref();
          resolve({...m.result, pid: child.pid});
        } else {
          const E = m.exitCode === 2 ? UsageError : OperationError;
          reject(new E(`the gateway did not start: ${m.message}`, {code: 'GATEWAY_START_FAILED', suggestion: `see ${p.log}`}));
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        reject(new OperationError(`the gateway exited before serving (code ${code}, signal ${signal})`, {code: 'GATEWAY_START_FAILED', suggestion: `see ${p.log}`}));
      };
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.on('error', (e) => {
        done();
        reject(e);
      });
    });
  } finally {
    closeSync(logFd);
  }
}

/** `worker stop`: SIGTERM to the detached gateway, then waits (bounded) until it has drained and exited. */
export async function stopGateway(ctx: Context): Promise<{stopped: boolean; pid?: number}> {
  const home = ctx.home.value;
  const pid = runningGatewayPid(home);
  if (!pid) {
    rmSync(gatewayPaths(home).pid, {force: true});
    return {stopped: false};
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + DRAIN_GRACE_MS + STOP_SLACK_MS;
  while (alive(pid) && Date.now() < deadline) await sleep(STOP_POLL_MS);
  if (alive(pid)) throw new OperationError(`the gateway (pid ${pid}) did not stop`, {code: 'GATEWAY_STOP_FAILED', suggestion: `kill ${pid}`});
  rmSync(gatewayPaths(home).pid, {force: true});
  return {stopped: true, pid};
}
