/**
 * HTTPS to an attested worker over connections that accept ONLY the attested TLS key (design.md §5: the quote binds
 * SHA-256 of the worker's TLS SubjectPublicKeyInfo). No CA is involved: each connection's TLS handshake completes,
 * the presented certificate's SPKI hash is compared with the pin, and only a matching socket is handed to the HTTP
 * layer. A socket with another key is destroyed before the HTTP request exists, so not one byte of it is written.
 */
import {nodeCrypto} from '../../common/node-crypto.js';
import type {IncomingMessage} from 'node:http';
import {https} from '../../common/node-http.js';
import type {Duplex} from 'node:stream';
import tls from 'node:tls';
import {readBody} from '../worker/backends/upstream.js';

const {createHash} = nodeCrypto;

/** Time limit for a connection's TCP + TLS handshake, ms. */
export const PINNED_CONNECT_TIMEOUT_MS = 10_000;

/** The worker presented another TLS key than the attested one; the connection was closed before any request byte. */
export class PinMismatchError extends Error {
  constructor(
    readonly host: string,
    readonly presentedSpkiSha256: string,
    readonly pinnedSpkiSha256: string,
  ) {
    super(`${host} presented TLS key ${presentedSpkiSha256.slice(0, 16)}…, not the attested ${pinnedSpkiSha256.slice(0, 16)}…`);
    this.name = 'PinMismatchError';
  }
}

/**
 * The certificate a TLS socket's peer presented (DER) and the SHA-256 (hex) of its SubjectPublicKeyInfo; undefined
 * without one. Read once per socket and remembered: Node hands a client socket's peer certificate out only once.
 */
export function peerCertificate(socket: tls.TLSSocket): {der: Uint8Array; spkiSha256: string} | undefined {
  const known = certOfSocket.get(socket);
  if (known) return known;
  const cert = socket.getPeerX509Certificate();
  if (!cert) return undefined;
  const entry = {der: new Uint8Array(cert.raw), spkiSha256: createHash('sha256').update(cert.publicKey.export({type: 'spki', format: 'der'})).digest('hex')};
  certOfSocket.set(socket, entry);
  return entry;
}

const certOfSocket = new WeakMap<tls.TLSSocket, {der: Uint8Array; spkiSha256: string}>();

/** SHA-256 (hex) of the SubjectPublicKeyInfo of the certificate a TLS socket's peer presented; undefined without one. */
export function peerSpkiSha256(socket: tls.TLSSocket): string | undefined {
  return peerCertificate(socket)?.spkiSha256;
}

/** A private request through an agent that is not pinned yet: refused before anything is sent. */
export class NotPinnedError extends Error {
  constructor() {
    super('the connection to the worker is not pinned to an attested key yet; nothing was sent');
    this.name = 'NotPinnedError';
  }
}

let sharedContext: tls.SecureContext | undefined;

/**
 * The TLS context of pinned connections, made once: it trusts no certificate authority, since the pin is the whole
 * trust decision. A default context would load Node's root store and the file in `NODE_EXTRA_CA_CERTS` (hundreds
 * of certificates, parsed on the first handshake) for nothing.
 */
function pinnedContext(): tls.SecureContext {
  return (sharedContext ??= tls.createSecureContext({ca: []}));
}

/**
 * A keep-alive agent whose every connection is pinned to `spkiSha256` (hex). `createConnection` answers through its
 * callback only after the handshake and the pin check, so the request is created on a checked socket or not at all.
 *
 * An agent made without a pin serves public requests only (a worker's `/attestation`, see {@link pinnedRequest}'s
 * `unpinned`), on connections that accept any key. {@link pin} then keeps only the idle connections that presented
 * exactly the attested key, so the connection the evidence was fetched on also carries the prompt: one TLS handshake
 * per worker instead of two.
 */
export class PinnedAgent extends https().Agent {
  /** Connections made / refused (for tests and the benchmark). */
  connections = 0;
  refused = 0;
  /** Duration of the last TCP + TLS handshake, and of all of them, ms. */
  lastHandshakeMs = 0;
  handshakeMs = 0;
  private pinned?: string;

  constructor(spkiSha256?: string, opts: {timeoutMs?: number} = {}) {
    super({keepAlive: true, maxSockets: 4, timeout: opts.timeoutMs ?? PINNED_CONNECT_TIMEOUT_MS});
    this.pinned = spkiSha256;
  }

  /** The attested key's SPKI hash (hex), once pinned. */
  get spkiSha256(): string | undefined {
    return this.pinned;
  }

  /** Pins the agent to `spkiSha256`: idle connections with another key are closed; every later one must present it. */
  pin(spkiSha256: string): void {
    if (this.pinned !== undefined && this.pinned !== spkiSha256) throw new Error('this agent is already pinned to another key');
    this.pinned = spkiSha256;
    for (const list of [...Object.values(this.freeSockets), ...Object.values(this.sockets)]) {
      for (const s of list ?? []) if (peerSpkiSha256(s as tls.TLSSocket) !== spkiSha256) s.destroy();
    }
  }

  /** An idle connection is kept for reuse only while it presented the pinned key (or no pin is set yet). */
  override keepSocketAlive(socket: Duplex): boolean {
    if (this.pinned !== undefined && peerSpkiSha256(socket as tls.TLSSocket) !== this.pinned) return false;
    return (super.keepSocketAlive as (s: Duplex) => boolean)(socket);
  }

  override createConnection(options: import('node:http').ClientRequestArgs, cb?: (err: Error | null, socket: Duplex) => void): Duplex | undefined {
    const host = options.host ?? 'localhost';
    const servername = /^[\d.]+$|:/.test(host) ? undefined : host;
    // rejectUnauthorized false: the certificate is self-signed; the pin below is the whole trust decision.
    const socket = tls.connect({host, port: Number(options.port), rejectUnauthorized: false, secureContext: pinnedContext(), ALPNProtocols: ['http/1.1'], ...(servername ? {servername} : {})});
    socket.setNoDelay(true);
    const t0 = performance.now();
    const timer = setTimeout(() => socket.destroy(new Error(`no TLS handshake with ${host}:${options.port} within ${PINNED_CONNECT_TIMEOUT_MS / 1000} s`)), PINNED_CONNECT_TIMEOUT_MS);
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      cb?.(err, socket);
    };
    socket.once('error', (e) => finish(e));
    socket.once('secureConnect', () => {
      this.lastHandshakeMs = performance.now() - t0;
      this.handshakeMs += this.lastHandshakeMs;
      const presented = peerSpkiSha256(socket) ?? '(none)';
      if (this.pinned !== undefined && presented !== this.pinned) {
        this.refused++;
        socket.destroy();
        finish(new PinMismatchError(`${host}:${options.port}`, presented, this.pinned));
        return;
      }
      this.connections++;
      finish(null);
    });
    return undefined;
  }
}

/**
 * A pinned request: the response (streaming), or an error before any byte of a response. On an agent without a pin
 * only requests marked `unpinned` (public ones: they carry nothing private) are sent; others are refused with
 * {@link NotPinnedError} before anything is written.
 */
export function pinnedRequest(
  agent: PinnedAgent,
  url: string,
  o: {method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; signal?: AbortSignal; timeoutMs?: number; unpinned?: boolean},
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (agent.spkiSha256 === undefined && !o.unpinned) {
      reject(new NotPinnedError());
      return;
    }
    const body = o.body === undefined ? undefined : Buffer.from(o.body, 'utf8');
    const headers: Record<string, string> = {'user-agent': 'secretai', accept: '*/*', ...(o.headers ?? {})};
    if (body) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(body.length);
    }
    const req = https().request(url, {method: o.method, headers, agent, ...(o.signal ? {signal: o.signal} : {})}, resolve);
    if (o.timeoutMs) req.setTimeout(o.timeoutMs, () => req.destroy(new Error(`no answer from ${new URL(url).host} within ${Math.round(o.timeoutMs! / 1000)} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Reads a whole response body as UTF-8 text (at most `limit` bytes). */
export function readText(res: IncomingMessage, limit = 16 * 1024 * 1024): Promise<string> {
  return readBody(res, limit);
}
