/**
 * A minimal fake LCD for transport tests: it speaks the real contract-query encryption (the devnet's own crypto) but
 * lets a test decide the exact plaintext bytes of an answer — padded JSON, bare strings, non-JSON, encrypted errors —
 * or the raw HTTP answer. Only `tx-key` and `compute/v1beta1/query` are served; other paths answer per `route`. A query
 * sealed to another IO key is refused as a node refuses it (`failed to decrypt data`).
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {fromBase64Lenient as fromBase64, toBase64} from '../../../contracts/common/encoding.js';
import {IoKey} from '../../../src/devnet/crypto.js';

/** What the fake does with one decrypted query. */
export type QueryAnswer =
  | {text: string} // plaintext answer bytes (UTF-8), encrypted as the chain does
  | {contractError: string} // an encrypted contract error (HTTP 500, gateway body)
  | {status: number; body: string; contentType?: string}; // a raw HTTP answer

export interface FakeLcd {
  url: string;
  /** Every request path seen, in order. */
  requests: string[];
  /** Decrypted queries: code hash and JSON. */
  queries: Array<{contract: string; codeHash: string; json: unknown}>;
  /** The consensus IO public key the fake serves on `tx-key` and opens queries with. */
  readonly ioPublicKey: Uint8Array;
  /** Replaces the IO key (a chain reset on the same URL): queries sealed to the old key no longer open. */
  rotateIoKey(): void;
  close(): Promise<void>;
}

export interface FakeLcdOptions {
  onQuery?: (contract: string, json: unknown, codeHash: string) => QueryAnswer;
  /** Any other path: return an answer, or undefined for a 501 gateway error. */
  route?: (method: string, path: string, body: string) => {status: number; body: string} | undefined;
  /** Never answer (to test timeouts). */
  stall?: boolean;
}

/** Starts a fake LCD on a free loopback port. */
export async function startFakeLcd(opts: FakeLcdOptions = {}): Promise<FakeLcd> {
  let io = IoKey.generate();
  const requests: string[] = [];
  const queries: FakeLcd['queries'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push(url.pathname);
      if (opts.stall) return; // keep the socket open, never answer
      const send = (status: number, text: string, type = 'application/json') => {
        res.writeHead(status, {'content-type': type});
        res.end(text);
      };
      if (url.pathname === '/registration/v1beta1/tx-key') return send(200, JSON.stringify({key: toBase64(io.publicKey)}));
      const q = /^\/compute\/v1beta1\/query\/([^/]+)$/.exec(url.pathname);
      if (q && opts.onQuery) {
        let opened: ReturnType<IoKey['openInput']>;
        try {
          opened = io.openInput(fromBase64(url.searchParams.get('query') ?? ''));
        } catch (err) {
          // What a node answers to a query sealed to another IO key.
          return send(500, JSON.stringify({code: 2, message: `failed to decrypt data: ${(err as Error).message}: query contract failed`, details: []}));
        }
        const json = JSON.parse(opened.json) as unknown;
        queries.push({contract: q[1], codeHash: opened.codeHash, json});
        const a = opts.onQuery(q[1], json, opened.codeHash);
        if ('text' in a) {
          const b64 = Buffer.from(a.text, 'utf8').toString('base64');
          return send(200, JSON.stringify({data: toBase64(opened.cipher.seal(Buffer.from(b64, 'ascii')))}));
        }
        if ('contractError' in a) {
          const plain = JSON.stringify(a.contractError).slice(1, -1);
          const enc = toBase64(opened.cipher.seal(Buffer.from(plain, 'utf8')));
          return send(500, JSON.stringify({code: 2, message: `encrypted: ${enc}: query contract failed`, details: []}));
        }
        return send(a.status, a.body, a.contentType);
      }
      const r = opts.route?.(req.method ?? 'GET', url.pathname, body);
      if (r) return send(r.status, r.body);
      return send(501, JSON.stringify({code: 12, message: `Not Implemented: ${url.pathname}`, details: []}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    queries,
    get ioPublicKey() {
      return io.publicKey;
    },
    rotateIoKey: () => {
      io = IoKey.generate();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on loopback where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
