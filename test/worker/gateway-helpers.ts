/**
 * Test helpers for the worker gateway: a `fetch` that trusts only a pinned certificate (what a client of an attested
 * worker does — the official `openai` and `ollama` clients take it as their `fetch` option, unchanged otherwise),
 * raw HTTPS requests, and an in-process gateway over a test backend with a throw-away TLS identity and worker key.
 */
import {createHash, randomBytes, X509Certificate} from 'node:crypto';
import {mkdtempSync, readFileSync} from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import {Readable} from 'node:stream';
import {usagePublicKey} from '../../contracts/common/usage.js';
import type {AttestationBundle} from '../../src/attest/bundle.js';
import {parsePemChain} from '../../src/attest/x509.js';
import type {InferenceBackend} from '../../src/lib/worker/backend.js';
import type {ApiKeyChecker} from '../../src/lib/worker/gateway/auth.js';
import {startGateway, type RunningGateway} from '../../src/lib/worker/gateway/server.js';
import {UsageLog} from '../../src/lib/worker/gateway/usage-log.js';
import {ensureWorkerTls} from '../../src/lib/worker/tls.js';

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** SHA-256 of the SubjectPublicKeyInfo of a DER certificate, hex. */
function peerSpkiSha256(der: Buffer): string {
  return sha256Hex(new X509Certificate(der).publicKey.export({type: 'spki', format: 'der'}));
}

/** SHA-256 of the SubjectPublicKeyInfo of a PEM certificate, hex. */
export function spkiSha256OfPem(pem: string): string {
  return sha256Hex(parsePemChain(pem)[0]!.spkiDer);
}

/**
 * A WHATWG `fetch` over node:https that trusts exactly `certPem` (a self-signed certificate as the only trust
 * anchor) and, on top, requires the presented key's SPKI hash to be `spkiSha256` — checked during the handshake,
 * before one byte of the request is written. Bodies stream both ways as they come.
 */
export function pinnedFetch(certPem: string, spkiSha256 = spkiSha256OfPem(certPem)): typeof fetch {
  const agent = new https.Agent({
    keepAlive: true,
    ca: certPem,
    checkServerIdentity: (_host, cert) => (peerSpkiSha256(cert.raw) === spkiSha256 ? undefined : new Error('the server key is not the pinned one')),
  });
  return (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    return new Promise<Response>((resolve, reject) => {
      const r = https.request(req.url, {method: req.method, headers: Object.fromEntries(req.headers), agent}, (res) => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        const stream = Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>;
        resolve(new Response(res.statusCode === 204 ? null : stream, {status: res.statusCode, statusText: res.statusMessage, headers}));
      });
      const abort = () => r.destroy(new DOMException('aborted', 'AbortError'));
      if (req.signal.aborted) abort();
      req.signal.addEventListener('abort', abort, {once: true});
      r.on('error', reject);
      r.end(body);
    });
  }) as typeof fetch;
}

export interface RawHttpsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request (no certificate check: for refusals and public endpoints), whole answer as text. */
export function rawHttps(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawHttpsResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const r = https.request(url, {method, headers: {'content-type': 'application/json', ...headers}, rejectUnauthorized: false, agent: false}, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: text}));
    });
    r.on('error', reject);
    r.end(data);
  });
}

/** A key checker accepting `key` under `handle` (a fixed test key). */
export function fixedKeyChecker(key: string, handle = 'ab'.repeat(32)): ApiKeyChecker {
  return {kind: 'test', check: async (k) => (k === key ? {ok: true, keyHandle: handle} : {ok: false, status: 401, message: 'unknown API key'})};
}

export interface LocalGateway {
  gateway: RunningGateway;
  log: UsageLog;
  certPem: string;
  /** The TLS identity's private key (PEM). */
  keyPem: string;
  workerPrivateKey: Uint8Array;
  workerPubkey: Uint8Array;
  bundle: AttestationBundle;
  home: string;
  fetch: typeof fetch;
  close(): Promise<void>;
}

/** A TDX-shaped stand-in for a registered bundle (not verifiable evidence: for routing and metering only). */
function standInBundle(certPem: string, workerPubkey: Uint8Array): AttestationBundle {
  return {
    version: 1,
    cpu: {type: 'tdx', quote: randomBytes(64).toString('base64')},
    tlsSpki: Buffer.from(parsePemChain(certPem)[0]!.spkiDer).toString('base64'),
    workerPubkey: Buffer.from(workerPubkey).toString('base64'),
  };
}

/** The gateway in this process over `backend`, with a fresh TLS identity, worker key and usage log. */
export async function localGateway(backend: InferenceBackend, checker: ApiKeyChecker, opts: {epoch?: number; drainGraceMs?: number} = {}): Promise<LocalGateway> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'secretai-gw-'));
  const account = 'secret1' + 'q'.repeat(38);
  const tls = await ensureWorkerTls(home, account);
  const certPem = readFileSync(tls.certPath, 'utf8');
  const keyPem = readFileSync(tls.keyPath, 'utf8');
  const workerPrivateKey = new Uint8Array(randomBytes(32));
  const workerPubkey = usagePublicKey(workerPrivateKey);
  const bundle = standInBundle(certPem, workerPubkey);
  const log = await UsageLog.open(path.join(home, 'usage'));
  const gateway = await startGateway({
    backend,
    tls: {cert: certPem, key: keyPem},
    host: '127.0.0.1',
    port: 0,
    bundle,
    workerId: '7',
    workerPrivateKey,
    checker,
    epoch: () => opts.epoch ?? 3,
    log,
    drainGraceMs: opts.drainGraceMs,
  });
  return {
    gateway, log, certPem, keyPem, workerPrivateKey, workerPubkey, bundle, home,
    fetch: pinnedFetch(certPem),
    close: async () => {
      await gateway.stop();
      await log.close();
    },
  };
}

/** A CLI child that keeps running (a server), with its output so far. */
export interface CliServer {
  child: import('node:child_process').ChildProcess;
  /** The `--json` document it printed once ready. */
  ready: Record<string, unknown>;
  stderr(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
}

/**
 * Spawns `bin/run.js ARGS` (a clean environment as `runCli` makes, plus `env`) and resolves once stdout holds one
 * complete JSON document; rejects with its stderr if it exits first.
 */
export async function spawnCliServer(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliServer> {
  const {spawn} = await import('node:child_process');
  const {repoRoot} = await import('../helpers/shared.js');
  const {cliEnv} = await import('../helpers/cli.js');
  // The project's Node 22 directly: bin/run.js under an older Node re-executes itself in a child, and a signal to
  // the wrapper would not reach the server.
  const node22 = path.join(repoRoot, 'node_modules', 'node', 'bin', 'node');
  const node = Number(process.versions.node.split('.')[0]) >= 22 || !(await import('node:fs')).existsSync(node22) ? process.execPath : node22;
  const child = spawn(node, [path.join(repoRoot, 'bin', 'run.js'), ...args], {env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe']});
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((r) => child.on('exit', (code, signal) => r({code, signal})));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`not ready within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stdout!.on('data', (d) => {
      out += d;
      try {
        const doc = JSON.parse(out) as Record<string, unknown>;
        clearTimeout(timer);
        resolve(doc);
      } catch {
        // not complete yet
      }
    });
    void exited.then(({code}) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready: ${err}`));
    });
  });
  return {child, ready, stderr: () => err, exited};
}

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as import('node:net').AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
