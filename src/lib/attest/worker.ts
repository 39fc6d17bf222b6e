/**
 * Fetching a live worker's evidence (attestation.md §0): `/cpu` (TDX quote as hex, or SEV-SNP report as
 * base64) and `/gpu` (nvtrust JSON, or `{error}` without a GPU) from a SecretVM worker on port 29343, then
 * 21434; or `/attestation` (the bundle of design.md §5) from a secretai gateway. The TLS certificate the
 * endpoint presents is taken with `tls.connect` → `getPeerX509Certificate()` and every evidence response
 * must come over a connection presenting that same certificate.
 */
import tls from 'node:tls';
import {OperationError, UnavailableError, UsageError} from '../errors.js';
import {workerGet, type WorkerResponse} from './http.js';

/** Ports a SecretVM worker serves attestation on when the URL names none, in order. */
export const WORKER_ATTESTATION_PORTS = [29343, 21434] as const;
const CONNECT_TIMEOUT_MS = 8000;
const HTTP_OK = 200;
const HTTP_NOT_FOUND = 404;

/** What a worker served. */
export interface WorkerEvidence {
  /** `https://host:port` that answered. */
  origin: string;
  /** DER of the certificate presented by the TLS endpoint. */
  tlsCertDer: Uint8Array;
  /** `/cpu` text, when the worker serves SecretVM endpoints. */
  cpuText?: string;
  /** `/gpu` JSON text when it holds evidence. */
  gpuText?: string;
  /** Why there is no GPU evidence (the worker's `error`, or the HTTP status). */
  gpuAbsent?: string;
  /** `/gpu` failed (an HTTP error other than 404): GPU evidence could not be had. */
  gpuFailed?: string;
  /** `/attestation` bundle text, when the worker is a secretai gateway. */
  bundleText?: string;
  /** Certificates of the evidence responses that differ from `tlsCertDer` (a load balancer, or worse). */
  mismatchedCerts: string[];
}

/** Parses the user's URL: https only (the binding is to a TLS key); a bare host gets `https://`. */
export function parseWorkerUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`);
  } catch {
    throw new UsageError(`--url "${url}" is not a URL`, {suggestion: 'give https://HOST[:PORT]'});
  }
  if (u.protocol !== 'https:') throw new UsageError(`--url must be https (got ${u.protocol}): the attestation binds the worker's TLS key`);
  return u;
}

/** The certificate a TLS endpoint presents (no CA check: the binding authenticates it). */
export function peerCertificate(host: string, port: number, timeoutMs = CONNECT_TIMEOUT_MS): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const servername = /^[\d.]+$|:/.test(host) ? undefined : host;
    const socket = tls.connect({host, port, rejectUnauthorized: false, ...(servername ? {servername} : {})});
    const timer = setTimeout(() => socket.destroy(new Error(`no TLS handshake with ${host}:${port} within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerX509Certificate();
      socket.end();
      if (!cert) reject(new Error(`${host}:${port} presented no certificate`));
      else resolve(new Uint8Array(cert.raw));
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

function same(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.from(a).equals(Buffer.from(b));
}

/**
 * Fetches a worker's evidence and TLS certificate.
 * @throws UnavailableError (exit 3) when no port answers or the worker serves no evidence.
 */
export async function fetchWorkerEvidence(url: string, opts: {timeoutMs?: number} = {}): Promise<WorkerEvidence> {
  const u = parseWorkerUrl(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const ports = u.port ? [Number(u.port)] : [...WORKER_ATTESTATION_PORTS];
  const errors: string[] = [];
  for (const port of ports) {
    let cert: Uint8Array;
    try {
      cert = await peerCertificate(host, port, opts.timeoutMs);
    } catch (e) {
      errors.push(`${host}:${port}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const origin = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const mismatched: string[] = [];
    const get = async (p: string): Promise<WorkerResponse> => {
      let r: WorkerResponse;
      try {
        r = await workerGet(`${origin}${p}`, {timeoutMs: opts.timeoutMs});
      } catch (e) {
        throw new UnavailableError(`worker ${origin} did not answer ${p}: ${e instanceof Error ? e.message : String(e)}`, {code: 'WORKER_UNREACHABLE'});
      }
      if (!same(r.peerCertDer, cert)) mismatched.push(p);
      return r;
    };
    const text = (r: WorkerResponse) => Buffer.from(r.body).toString('utf8');
    const cpu = await get('/cpu');
    if (cpu.status === HTTP_OK) {
      const out: WorkerEvidence = {origin, tlsCertDer: cert, cpuText: text(cpu), mismatchedCerts: mismatched};
      const gpu = await get('/gpu');
      // Only "not found" means the worker has no GPU endpoint; any other failure leaves the GPU unchecked.
      if (gpu.status === HTTP_NOT_FOUND) out.gpuAbsent = `/gpu answered HTTP ${gpu.status}`;
      else if (gpu.status !== HTTP_OK) out.gpuFailed = `/gpu answered HTTP ${gpu.status}`;
      else {
        const g = text(gpu);
        let doc: unknown;
        try {
          doc = JSON.parse(g);
        } catch {
          doc = undefined;
        }
        const o = doc as {error?: unknown; evidence_list?: unknown} | undefined;
        if (o && typeof o === 'object' && o.error !== undefined && o.evidence_list === undefined) out.gpuAbsent = `worker reports no GPU evidence: ${String(o.error).slice(0, 200)}`;
        else out.gpuText = g;
      }
      return out;
    }
    if (cpu.status !== HTTP_NOT_FOUND) throw new OperationError(`worker ${origin} answered /cpu with HTTP ${cpu.status}`, {code: 'WORKER_ERROR'});
    const bundle = await get('/attestation');
    if (bundle.status === HTTP_OK) return {origin, tlsCertDer: cert, bundleText: text(bundle), mismatchedCerts: mismatched};
    throw new UnavailableError(`worker ${origin} serves no attestation evidence (/cpu and /attestation answered ${cpu.status} and ${bundle.status})`, {code: 'NO_EVIDENCE'});
  }
  throw new UnavailableError(`cannot reach the worker's attestation endpoint: ${errors.join('; ')}`, {
    code: 'WORKER_UNREACHABLE',
    suggestion: u.port ? undefined : `tried ports ${ports.join(', ')}; give the port in --url if it is another one`,
  });
}
