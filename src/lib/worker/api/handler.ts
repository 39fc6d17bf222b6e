/**
 * The OpenAI / Ollama-compatible HTTP layer over an {@link InferenceBackend}, as one request handler for a
 * `node:http` or `node:https` server (transport-agnostic: TLS is the server's business).
 *
 * Order per request: request id (header set at once) → `authorize` hook (before the body is read or any work
 * done) → route → body (size-limited) → backend. Routes: Ollama `POST /api/chat`, `POST /api/generate`,
 * `GET /api/tags`; OpenAI `POST /v1/chat/completions`, `GET /v1/models`. Paths under `/api/` answer errors in
 * Ollama's shape, the rest in OpenAI's. Unknown path 404, wrong method 405, bad body 400, body too large 413,
 * unknown model 404, upstream failure 502.
 */
import {randomBytes} from 'node:crypto';
import type {IncomingMessage, RequestListener, ServerResponse} from 'node:http';
import {Exchange, HttpError, type ErrorShape} from './exchange.js';
import {ollamaChat, ollamaError, ollamaTags} from './ollama.js';
import {openAiChat, openAiError, openAiModels} from './openai.js';
import {DEFAULT_MAX_BODY_BYTES, type ApiKind, type ApiOptions} from './types.js';

export * from './types.js';

/** Bytes of a generated request id. */
const REQUEST_ID_BYTES = 16;

type Route = (x: Exchange, body: Record<string, unknown>) => Promise<void>;

interface RouteEntry {
  method: 'GET' | 'POST';
  run: Route;
}

/** Builds the request handler. */
export function createApiHandler(opts: ApiOptions): RequestListener {
  const now = opts.now ?? Date.now;
  const startedMs = now();
  const limit = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const routes = new Map<string, RouteEntry>([
    ['/api/chat', {method: 'POST', run: (x, b) => ollamaChat(x, b, false, now())}],
    ['/api/generate', {method: 'POST', run: (x, b) => ollamaChat(x, b, true, now())}],
    ['/api/tags', {method: 'GET', run: (x) => ollamaTags(x, new Date(startedMs).toISOString())}],
    ['/v1/chat/completions', {method: 'POST', run: (x, b) => openAiChat(x, b, now())}],
    ['/v1/models', {method: 'GET', run: (x) => openAiModels(x, Math.floor(startedMs / 1000))}],
  ]);

  return (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res).catch((err) => {
      // Last resort: never leave a request hanging or crash the server.
      opts.hooks?.onError?.(err, '');
      if (!res.headersSent) res.writeHead(500, {'content-type': 'application/json'});
      res.end();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.socket.setNoDelay(true);
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    const api: ApiKind = path.startsWith('/api/') ? 'ollama' : 'openai';
    const shape: ErrorShape = api === 'ollama' ? ollamaError : openAiError;
    const requestId = opts.hooks?.requestId?.(req) ?? randomBytes(REQUEST_ID_BYTES).toString('hex');
    const x = new Exchange(req, res, requestId, api, path, opts, shape);
    try {
      const auth = opts.hooks?.authorize ? await opts.hooks.authorize(req) : {ok: true as const};
      if (!auth.ok) {
        const status = auth.status ?? 401;
        x.sendJson(status, shape(status, auth.message, status === 401 ? 'authentication_error' : 'invalid_request_error'), req.complete ? {} : {connection: 'close'});
        return;
      }
      x.principal = auth.principal;
      const route = routes.get(path);
      if (!route) throw new HttpError(404, `no route ${path}`);
      if (req.method !== route.method) {
        res.setHeader('allow', route.method);
        throw new HttpError(405, `${path} takes ${route.method}`);
      }
      const body = route.method === 'POST' ? await x.jsonBody(limit) : {};
      await route.run(x, body);
    } catch (err) {
      x.sendError(err);
    }
  }
}
