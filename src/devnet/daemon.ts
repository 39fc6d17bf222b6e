/**
 * Detached devnet: {@link startDetached} spawns this module as a background Node process (`runDaemon`), which
 * starts the devnet, writes `<home>/devnet/devnet.pid` and `devnet.json`, reports readiness to the parent over IPC
 * and keeps serving after the parent exits. It stops on the admin shutdown endpoint, SIGTERM or SIGINT.
 *
 * Run directly: `node dist/src/devnet/daemon.js --home DIR [--port N] [--host H] [--genesis-module FILE]`.
 */
import {spawn} from 'node:child_process';
import {closeSync, mkdirSync, openSync} from 'node:fs';
import {resolve} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {
  DEFAULT_DEVNET_HOST,
  DEFAULT_DEVNET_PORT,
  DevnetAlreadyRunningError,
  devnetPaths,
  isDevnetAnswering,
  readDevnetInfo,
  startDevnet,
  type DevnetInfoFile,
  type StartDevnetOptions,
} from './index.js';

/** Options of {@link startDetached}. */
export interface StartDetachedOptions {
  home: string;
  /** 0 picks a free port. Default 1317. */
  port?: number;
  host?: string;
  /**
   * A module (path) exporting `genesis` (a `GenesisSpec` or a function returning one) and optionally
   * `faucetTokenKey`, replacing the Secret AI genesis — for tests with their own contracts.
   */
  genesisModule?: string;
  /** How long to wait for readiness, ms (default 60 000). */
  timeoutMs?: number;
}

/** A started background devnet. */
export type DetachedDevnet = DevnetInfoFile;

interface ReadyMessage {
  type: 'ready';
  info: DevnetInfoFile;
}
interface FailedMessage {
  type: 'error';
  message: string;
}

/** Path of this module (the child's entry point). */
const DAEMON_ENTRY = fileURLToPath(import.meta.url);

/**
 * Starts a devnet in a detached background process and resolves with its `devnet.json` once it answers HTTP.
 * Its output goes to `<home>/devnet/devnet.log`. Rejects when one is already running for the home, or when the
 * child fails (with its error message).
 */
export async function startDetached(options: StartDetachedOptions): Promise<DetachedDevnet> {
  const home = resolve(options.home);
  const existing = readDevnetInfo(home);
  if (existing && (await isDevnetAnswering(existing))) throw new DevnetAlreadyRunningError(existing);
  const paths = devnetPaths(home);
  mkdirSync(paths.dir, {recursive: true});
  const args = [DAEMON_ENTRY, '--home', home, '--port', String(options.port ?? DEFAULT_DEVNET_PORT), '--host', options.host ?? DEFAULT_DEVNET_HOST];
  if (options.genesisModule) args.push('--genesis-module', resolve(options.genesisModule));
  const logFd = openSync(paths.log, 'a');
  try {
    const child = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', logFd, logFd, 'ipc'],
      env: process.env,
    });
    return await new Promise<DetachedDevnet>((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        try {
          child.kill('SIGKILL');
        } catch {
          // gone
        }
        reject(new Error(`devnet did not become ready within ${options.timeoutMs ?? 60_000} ms (see ${paths.log})`));
      }, options.timeoutMs ?? 60_000);
      const onMessage = (msg: ReadyMessage | FailedMessage) => {
        cleanup();
        if (msg.type === 'ready') {
          child.disconnect();
          child.unref();
          resolvePromise(msg.info);
        } else {
          reject(new Error(`devnet failed to start: ${msg.message}`));
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        cleanup();
        reject(new Error(`devnet process exited before it was ready (code ${code}, signal ${signal}; see ${paths.log})`));
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      function cleanup() {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', onError);
      }
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.on('error', onError);
    });
  } finally {
    closeSync(logFd);
  }
}

function parseArgs(argv: string[]): {home: string; port: number; host: string; genesisModule?: string} {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const home = get('--home');
  if (!home) throw new Error('--home is required');
  const port = Number(get('--port') ?? DEFAULT_DEVNET_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0–65535');
  return {home, port, host: get('--host') ?? DEFAULT_DEVNET_HOST, genesisModule: get('--genesis-module')};
}

/**
 * Entry of the background process: starts the devnet, tells the parent (IPC) when ready, stops cleanly on
 * shutdown request or signal.
 */
export async function runDaemon(argv: string[]): Promise<void> {
  const report = (msg: ReadyMessage | FailedMessage) => {
    if (process.send) process.send(msg);
  };
  try {
    const args = parseArgs(argv);
    const options: StartDevnetOptions<unknown> = {
      home: args.home,
      port: args.port,
      host: args.host,
      debugLog: (contract, message) => console.log(`${new Date().toISOString()} contract ${contract} debug: ${message}`),
    };
    if (args.genesisModule) {
      const mod = (await import(pathToFileURL(args.genesisModule).href)) as {
        genesis: StartDevnetOptions<unknown>['genesis'];
        faucetTokenKey?: string;
      };
      options.genesis = mod.genesis;
      options.faucetTokenKey = mod.faucetTokenKey;
    }
    const devnet = await startDevnet(options);
    const stopAndExit = () => {
      void devnet.stop().then(() => process.exit(0));
    };
    process.on('SIGTERM', stopAndExit);
    process.on('SIGINT', stopAndExit);
    void devnet.stopped.then(() => process.exit(0));
    console.log(`${new Date().toISOString()} devnet ${devnet.chainId} listening on ${devnet.url} (pid ${process.pid})`);
    for (const c of devnet.staleCodes) {
      console.log(`${new Date().toISOString()} contract code ${c.name} changed since genesis (stored ${c.storedCodeHash}, current ${c.currentCodeHash}); reset the devnet to redeploy`);
    }
    const info = readDevnetInfo(devnet.home);
    report({type: 'ready', info: info!});
    if (process.connected) process.disconnect();
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    console.error(`${new Date().toISOString()} devnet failed to start: ${message}`);
    report({type: 'error', message});
    if (process.connected) process.disconnect();
    process.exitCode = 1;
  }
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  void runDaemon(process.argv.slice(2));
}
