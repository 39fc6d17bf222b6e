/**
 * Network access for attestation: an {@link HttpGet} on node:http/node:https for the collateral fetchers
 * (system CAs, or the ones given), and GETs against a worker that record the TLS certificate it presented
 * (no CA required: the attestation binding is what authenticates that certificate, attestation.md §4).
 */
import {http, https} from '../../common/node-http.js';
import type {IncomingMessage} from 'node:http';
import type {TLSSocket} from 'node:tls';
import type {HttpGet, HttpResponse} from './fetch/http.js';

/** Largest response body accepted, bytes (collateral is ~10–50 KB, GPU evidence lists well under 1 MB). */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Default time limit for one request, milliseconds. */
export const DEFAULT_TIMEOUT_MS = 20_000;

/** Options for requests. */
export interface RequestOptions {
  /** Extra trusted CA certificates (PEM) for HTTPS; system CAs are used otherwise. */
  ca?: string | Buffer | Array<string | Buffer>;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

interface RawResult extends HttpResponse {
  /** DER of the certificate the server presented (HTTPS only). */
  peerCertDer?: Uint8Array;
}

function request(url: string, opts: RequestOptions & {insecure?: boolean; method?: 'GET' | 'POST'; body?: Uint8Array}): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') {
      reject(new Error(`unsupported URL scheme ${u.protocol}`));
      return;
    }
    const isHttps = u.protocol === 'https:';
    const method = opts.method ?? 'GET';
    const headers: Record<string, string> = {'user-agent': 'secretai', accept: '*/*', ...(opts.headers ?? {})};
    if (opts.body) headers['content-length'] = String(opts.body.length);
    const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let peerCertDer: Uint8Array | undefined;
      if (isHttps) {
        const cert = (res.socket as TLSSocket).getPeerX509Certificate?.();
        if (cert) peerCertDer = new Uint8Array(cert.raw);
      }
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) {
          req.destroy(new Error(`response from ${u.host} is larger than ${MAX_RESPONSE_BYTES} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        resolve({status: res.statusCode ?? 0, headers: h, body: new Uint8Array(Buffer.concat(chunks)), ...(peerCertDer ? {peerCertDer} : {})});
      });
      res.on('error', reject);
    };
    const req = isHttps
      ? https().request(u, {method, headers, agent: false, ...(opts.ca ? {ca: opts.ca} : {}), ...(opts.insecure ? {rejectUnauthorized: false} : {})}, onResponse)
      : http.request(u, {method, headers, agent: false}, onResponse);
    req.setTimeout(timeout, () => req.destroy(new Error(`no answer from ${u.host} within ${Math.round(timeout / 1000)} s`)));
    req.on('error', reject);
    req.end(opts.body ? Buffer.from(opts.body) : undefined);
  });
}

/** An {@link HttpGet} for Intel PCS / AMD KDS (certificates verified against system CAs or `opts.ca`). */
export function nodeHttpGet(opts: RequestOptions = {}): HttpGet {
  return async (url, o) => {
    const r = await request(url, {...opts, headers: {...(opts.headers ?? {}), ...(o?.headers ?? {})}, ...(o?.method ? {method: o.method} : {}), ...(o?.body ? {body: o.body} : {})});
    return {status: r.status, headers: r.headers, body: r.body};
  };
}

/** A response from a worker together with the certificate its TLS endpoint presented. */
export interface WorkerResponse extends HttpResponse {
  peerCertDer?: Uint8Array;
}

/**
 * GET from a worker without requiring its certificate to chain to a CA (workers use self-signed or
 * attestation-bound certificates); the presented certificate is returned for the binding check.
 */
export function workerGet(url: string, opts: {timeoutMs?: number} = {}): Promise<WorkerResponse> {
  return request(url, {insecure: true, timeoutMs: opts.timeoutMs});
}
