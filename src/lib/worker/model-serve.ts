/**
 * `model serve`: a backend behind the OpenAI / Ollama HTTP layer on plain HTTP — no TEE, no keys, no metering —
 * for development and as the upstream of other servers. Stops by draining: no new connections, running responses
 * finish (up to a grace period), then idle connections close.
 */
import {http} from '../../common/node-http.js';
import type {Server as HttpServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {UsageError} from '../errors.js';
import type {InferenceBackend} from './backend.js';
import {createApiHandler, type ApiHooks} from './api/handler.js';
import {createBackend} from './backends/index.js';

/** Default port: Ollama's, so Ollama clients find it without configuration. */
export const MODEL_SERVE_DEFAULT_PORT = 11434;
export const MODEL_SERVE_DEFAULT_HOST = '127.0.0.1';
/** How long a stop waits for running responses before closing their connections, milliseconds. */
export const DRAIN_GRACE_MS = 10_000;

export interface ModelServeOptions {
  /** A backend, or a `--backend` value (default `embedded`). */
  backend?: InferenceBackend | string;
  port?: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  hooks?: ApiHooks;
  drainGraceMs?: number;
}

export interface ModelServeResult {
  url: string;
  host: string;
  port: number;
  backend: {kind: string; description: string};
}

export interface RunningModelServer {
  result: ModelServeResult;
  server: HttpServer;
  /** Drains and stops (idempotent); resolves once the server is closed. */
  stop(): Promise<void>;
  /** Resolves when the server has stopped. */
  closed: Promise<void>;
}

/** Starts the server and resolves once it listens. */
export async function startModelServer(opts: ModelServeOptions = {}): Promise<RunningModelServer> {
  const host = opts.host ?? MODEL_SERVE_DEFAULT_HOST;
  const port = opts.port ?? MODEL_SERVE_DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be from 0 to 65535`);
  const backend = typeof opts.backend === 'object' ? opts.backend : await createBackend(opts.backend ?? 'embedded', {env: opts.env});
  const server = http.createServer({noDelay: true, keepAlive: true}, createApiHandler({backend, hooks: opts.hooks}));
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new UsageError(`port ${port} on ${host} is in use`, {code: 'PORT_IN_USE', suggestion: 'choose another with --port'})
          : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
            ? new UsageError(`cannot listen on ${host}`, {code: 'BAD_HOST', suggestion: 'give an address of this machine with --host'})
            : err,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const result: ModelServeResult = {
    url: `http://${urlHost}:${addr.port}`,
    host: addr.address,
    port: addr.port,
    backend: {kind: backend.kind, description: backend.description},
  };
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      const grace = setTimeout(() => server.closeAllConnections(), opts.drainGraceMs ?? DRAIN_GRACE_MS);
      grace.unref();
      server.close(() => {
        clearTimeout(grace);
        Promise.resolve(backend.close?.())
          .catch(() => undefined)
          .finally(() => {
            resolveClosed();
            resolve();
          });
      });
      server.closeIdleConnections();
    });
    return stopping;
  };
  return {result, server, stop, closed};
}
