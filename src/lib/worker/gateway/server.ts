/**
 * The worker gateway's HTTPS server: the OpenAI / Ollama HTTP layer (`../api`) behind the attested TLS identity,
 * with the API-key check, metering and signed usage records as its hooks, plus the public attestation endpoints
 * and the countersignature route.
 *
 * Per request: `/attestation`, `/cpu`, `/gpu` (GET, no key) answer the registered evidence; everything else needs
 * `Authorization: Bearer <API key>` (401 / 402 JSON otherwise). Each chat's usage record
 * `{worker_id, key_handle, model, request_id, input_tokens, output_tokens, epoch}` is signed with the worker key,
 * appended durably to the usage log, and only then sent as the `secretai_usage` member of the stream's last event
 * (the Ollama `done: true` object; the OpenAI chunk before `data: [DONE]`), or of a whole answer, with the
 * `X-Secretai-Usage` header. A client that left is billed the output
 * tokens that reached its connection (logged, not sent); a failed upstream bills nothing (502).
 * `POST /v1/secretai/usage` takes a countersigned record back ({@link countersignRoute}).
 *
 * No chain access here: the epoch and the key checker come in as functions, so tests and benchmarks run it alone.
 */
import {randomBytes} from 'node:crypto';
import {https} from '../../../common/node-http.js';
import type {Server as HttpsServer} from 'node:https';
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {fromBase64, toBase64} from '../../../../contracts/common/encoding.js';
import {signUsageRecord, validateUsageRecord, verifySignedUsageRecord, type SignedUsageRecord, type UsageRecord} from '../../../../contracts/common/usage.js';
import {UsageError} from '../../errors.js';
import {Secp256k1Key} from '../../keys/secp256k1.js';
import type {InferenceBackend} from '../backend.js';
import {Exchange, HttpError} from '../api/exchange.js';
import {createApiHandler, type CompletedUsage} from '../api/handler.js';
import {openAiError} from '../api/openai.js';
import {DRAIN_GRACE_MS} from '../model-serve.js';
import {authorizeWith, type ApiKeyChecker, type GatewayPrincipal} from './auth.js';
import {evidenceAnswers, type EvidencePath} from './evidence.js';
import type {AttestationBundle} from '../../../attest/bundle.js';
import type {UsageLog} from './usage-log.js';

/** Route taking countersigned usage records back. */
export const COUNTERSIGN_PATH = '/v1/secretai/usage';
/** While draining, how often connections that became idle are closed, ms. */
const IDLE_SWEEP_MS = 50;
/** Bytes of the request id of a countersignature request. */
const REQUEST_ID_BYTES = 16;
/** Largest countersignature body, bytes. */
const COUNTERSIGN_MAX_BYTES = 16 * 1024;

export interface GatewayOptions {
  backend: InferenceBackend;
  /** The attested TLS identity (PEM). */
  tls: {cert: string | Buffer; key: string | Buffer};
  host: string;
  port: number;
  /** The bundle registered on chain (served as is). */
  bundle: AttestationBundle;
  workerId: string;
  /** The worker key (secp256k1, 32 bytes) the bundle binds. */
  workerPrivateKey: Uint8Array;
  checker: ApiKeyChecker;
  /** The WorkerManager's current epoch. */
  epoch: () => number;
  log: UsageLog;
  /** Clock, milliseconds (default `Date.now`). */
  now?: () => number;
  drainGraceMs?: number;
  /** Errors of requests that could not be answered normally (for the log). */
  onError?: (err: unknown, requestId: string) => void;
}

export interface RunningGateway {
  url: string;
  host: string;
  port: number;
  server: HttpsServer;
  /** Stops accepting, lets running responses finish (bounded by the grace period), closes. Idempotent. */
  stop(): Promise<void>;
  /** Resolves once the server has stopped. */
  closed: Promise<void>;
}

/** Starts the gateway and resolves once it listens. */
export async function startGateway(o: GatewayOptions): Promise<RunningGateway> {
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new UsageError('--port must be from 0 to 65535');
  const now = o.now ?? Date.now;
  // Signs on Node's native crypto: the same deterministic signatures as the raw key would give.
  const workerKey = new Secp256k1Key(o.workerPrivateKey);
  const workerPubkey = workerKey.publicKey;
  if (toBase64(workerPubkey) !== o.bundle.workerPubkey) throw new UsageError('the worker key is not the one the registered bundle binds', {code: 'WORKER_KEY_MISMATCH'});
  const authorize = authorizeWith(o.checker);

  const onComplete = async (u: CompletedUsage): Promise<SignedUsageRecord> => {
    const principal = u.principal as GatewayPrincipal;
    const record: UsageRecord = {
      worker_id: o.workerId,
      key_handle: principal.keyHandle,
      model: u.model,
      request_id: u.requestId,
      input_tokens: u.inputTokens,
      output_tokens: u.outputTokens,
      epoch: o.epoch(),
    };
    const signed = await signUsageRecord(record, workerKey);
    await o.log.appendPending({...signed, issued_at: Math.floor(now() / 1000), outcome: u.outcome});
    return signed;
  };
  const apiOptions = {backend: o.backend, hooks: {authorize, onComplete, onError: o.onError}, now};
  const api = createApiHandler(apiOptions);
  const evidence = evidenceAnswers(o.bundle);

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    const answer = evidence[path as EvidencePath];
    if (answer) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, {allow: 'GET', 'content-type': 'application/json'}).end(JSON.stringify({error: `${path} takes GET`}));
        return;
      }
      res.writeHead(200, {'content-type': answer.contentType, 'content-length': answer.body.length, 'cache-control': 'no-store'});
      res.end(req.method === 'HEAD' ? undefined : answer.body);
      return;
    }
    if (path === COUNTERSIGN_PATH) {
      const x = new Exchange(req, res, randomBytes(REQUEST_ID_BYTES).toString('hex'), 'openai', path, apiOptions, openAiError);
      void countersignRoute(x, {authorize, log: o.log, workerId: o.workerId, workerPubkey, now}).catch((err) => x.sendError(err));
      return;
    }
    api(req, res);
  };

  const server = https().createServer({cert: o.tls.cert, key: o.tls.key, noDelay: true, keepAlive: true}, handler);
  // Tokens are small writes: no Nagle delay on the TCP socket under TLS (the TLS socket's own setNoDelay may not
  // reach it).
  server.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new UsageError(`port ${o.port} on ${o.host} is in use`, {code: 'PORT_IN_USE', suggestion: 'choose another with --port'})
          : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
            ? new UsageError(`cannot listen on ${o.host}`, {code: 'BAD_HOST', suggestion: 'give an address of this machine with --host'})
            : err,
      );
    };
    server.once('error', onError);
    server.listen(o.port, o.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      const grace = setTimeout(() => server.closeAllConnections(), o.drainGraceMs ?? DRAIN_GRACE_MS);
      grace.unref();
      // Keep-alive connections whose response just finished become idle: close them as they do.
      const idle = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      idle.unref();
      server.close(() => {
        clearTimeout(grace);
        clearInterval(idle);
        resolveClosed();
        resolve();
      });
      server.closeIdleConnections();
    });
    return stopping;
  };
  return {url: `https://${urlHost}:${addr.port}`, host: addr.address, port: addr.port, server, stop, closed};
}

interface CountersignDeps {
  authorize: ReturnType<typeof authorizeWith>;
  log: UsageLog;
  workerId: string;
  workerPubkey: Uint8Array;
  now: () => number;
}

/**
 * `POST /v1/secretai/usage` with a countersigned record `{record, worker_signature, subscriber_signature,
 * subscriber_pubkey}` (base64), under the API key the record was issued to. Accepted (200 `{stored: true}`) when
 * the record is this worker's, its worker signature is this gateway's (so it is a record the gateway issued — only
 * it holds the key), it was issued to this API key's handle, and the countersignature verifies with the given
 * subscriber key; stored beside the pending record. Whether that key is the subscriber's is the RewardsManager's
 * check. 400 for a malformed or unverifiable record, 403 for another key's record, 409 when already stored.
 */
async function countersignRoute(x: Exchange, d: CountersignDeps): Promise<void> {
  if (x.req.method !== 'POST') {
    x.res.setHeader('allow', 'POST');
    throw new HttpError(405, `${COUNTERSIGN_PATH} takes POST`);
  }
  const auth = await d.authorize(x.req);
  if (!auth.ok) throw new HttpError(auth.status ?? 401, auth.message);
  const body = await x.jsonBody(COUNTERSIGN_MAX_BYTES);
  const {record, worker_signature: ws, subscriber_signature: ss, subscriber_pubkey: sp} = body as Record<string, unknown>;
  let r: UsageRecord;
  try {
    r = validateUsageRecord(record);
  } catch (e) {
    throw new HttpError(400, (e as Error).message);
  }
  for (const [name, v, len] of [['worker_signature', ws, 64], ['subscriber_signature', ss, 64], ['subscriber_pubkey', sp, 33]] as const) {
    let bytes: Uint8Array | undefined;
    try {
      bytes = typeof v === 'string' ? fromBase64(v) : undefined;
    } catch {
      bytes = undefined;
    }
    if (!bytes || bytes.length !== len) throw new HttpError(400, `"${name}" must be base64 of ${len} bytes`);
  }
  if (r.worker_id !== d.workerId) throw new HttpError(400, `the record is for worker ${r.worker_id}, not this worker (${d.workerId})`);
  const signed: SignedUsageRecord = {record: r, worker_signature: ws as string, subscriber_signature: ss as string, subscriber_pubkey: sp as string};
  const check = verifySignedUsageRecord(signed, d.workerPubkey);
  if (!check.worker) throw new HttpError(400, 'the worker signature is not this gateway\'s: not a record it issued (or altered)');
  if (r.key_handle !== (auth.principal as GatewayPrincipal).keyHandle) throw new HttpError(403, 'the record was issued to another API key');
  if (check.subscriber !== 'valid') throw new HttpError(400, 'the subscriber signature does not verify with subscriber_pubkey');
  const stored = await d.log.appendCountersigned({...signed, subscriber_signature: ss as string, subscriber_pubkey: sp as string, received_at: Math.floor(d.now() / 1000)});
  if (!stored) throw new HttpError(409, `a countersigned record for request ${r.request_id} is already stored`);
  x.sendJson(200, {stored: true, request_id: r.request_id});
}
