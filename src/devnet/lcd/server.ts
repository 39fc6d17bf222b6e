/**
 * The devnet's HTTP endpoint, the LCD adapter: the Secret Network LCD / gRPC-gateway subset secretjs uses
 * (`secret-lcd-devnet.md` §1–§2, E1–E10 and the optional reads, in `routes.ts`), plus devnet-only admin endpoints
 * under `/secretai/devnet/` (`admin.ts`). It reads and drives the node only through its {@link DevnetNode} interface.
 *
 * Transport rules (§1): every response is JSON, errors in the gRPC-gateway shape `{code, message, details}` with
 * the matching HTTP status; repeated slashes are collapsed; POST bodies of the LCD routes are parsed as JSON whatever
 * the content type (secretjs sends `text/plain`). Admin actions are stricter (see `admin.ts`).
 */
import type {IncomingMessage, Server, ServerResponse} from 'node:http';
import {http} from '../../common/node-http.js';
import {QueryError, TxError, type DevnetNode} from '../node/index.js';
import type {GenesisInfo} from '../genesis.js';
import {ADMIN_PREFIX, adminRoutes, checkAdminRequest} from './admin.js';
import {GRPC, HttpError, MAX_HEADER_BYTES, readBody, send, sendError, type Route} from './http.js';
import {lcdRoutes} from './routes.js';

export {ADMIN_PREFIX, ADMIN_TOKEN_HEADER, newAdminToken} from './admin.js';
export {GRPC, MAX_BODY_BYTES, MAX_HEADER_BYTES} from './http.js';

/** How long an idle keep-alive connection stays open on the server side, ms (below the 60 s `headersTimeout`). */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

/** Options of {@link createDevnetServer}. */
export interface DevnetServerOptions {
  chain: DevnetNode;
  genesis: GenesisInfo;
  /** The token admin actions must present (`authorization: Bearer <token>`). */
  adminToken: string;
  /** The configured listening host, accepted in the `Host` header of admin actions besides loopback names. */
  host: string;
  /** Deployment key of the token the faucet mints (default `paymentToken`; none when absent from genesis). */
  faucetTokenKey?: string;
  /** Called after `POST /secretai/devnet/shutdown` has been answered. */
  onShutdown?: () => void;
  /** Public URL of this server (for status answers). */
  url?: () => string;
}

/**
 * Builds the devnet HTTP server (not yet listening). All handlers are synchronous over the node, so a tx is
 * committed before its broadcast is answered and E7 finds it at once.
 */
export function createDevnetServer(options: DevnetServerOptions): Server {
  const {chain} = options;
  const url = () => options.url?.() ?? '';
  const routes: Route[] = [
    ...lcdRoutes(chain, url),
    ...adminRoutes(chain, {genesis: options.genesis, faucetTokenKey: options.faucetTokenKey, url}),
  ];
  const guard = {token: options.adminToken, host: options.host};

  const server = http.createServer({maxHeaderSize: MAX_HEADER_BYTES}, (req, res) => {
    void handle(req, res);
  });
  // Clients (undici's fetch: 4 s) close idle keep-alive connections before the server does, so a request is never
  // sent on a connection the server is closing at that moment (seen as ECONNRESET on a busy machine).
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;

  // Malformed requests that never reach a handler (bad HTTP, head too large) also get a JSON body.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify({code: GRPC.invalidArgument, message: tooLarge ? 'request head too large' : 'malformed HTTP request', details: []});
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      // Split by hand: `new URL('//x/y', base)` would read a leading `//` as a host.
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const params = new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '');
      let path = (q >= 0 ? rawUrl.slice(0, q) : rawUrl).replace(/\/{2,}/g, '/');
      if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
      const method = (req.method ?? 'GET').toUpperCase();
      let pathMatched = false;
      for (const route of routes) {
        const m = route.pattern.exec(path);
        if (!m) continue;
        pathMatched = true;
        if (route.method !== method) continue;
        if (route.admin) checkAdminRequest(req, guard);
        const body = method === 'POST' ? await readJsonBody(req) : {};
        // Nothing uncommitted is ever served: everything but a broadcast waits for the pending group commit.
        if (!route.joinsBatch && chain.hasUncommitted) await chain.whenCommitted();
        const result = await route.handler({method, path, params, body}, m);
        send(res, 200, result);
        if (path === `${ADMIN_PREFIX}/shutdown`) res.on('finish', () => options.onShutdown?.());
        return;
      }
      if (method === 'POST' || method === 'PUT') await readBody(req);
      if (pathMatched) throw new HttpError(GRPC.unimplemented, `method ${method} not allowed on ${path}`);
      throw new HttpError(GRPC.notFound, `Not Found: ${path}`);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) return sendError(res, err.grpcCode, err.message, err.httpStatus);
      if (err instanceof QueryError) return sendError(res, err.grpcCode, err.message);
      if (err instanceof TxError) return sendError(res, GRPC.unknown, err.log);
      sendError(res, GRPC.internal, `internal devnet error: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  return server;
}

/** Reads a POST body as a JSON object (`{}` when empty); 400 when it is not one. */
async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req)).toString('utf8').trim();
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(GRPC.invalidArgument, 'request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HttpError(GRPC.invalidArgument, 'request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

