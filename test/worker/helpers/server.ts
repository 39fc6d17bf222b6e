/** Test helpers: the API handler on a plain HTTP server on a free port, and raw HTTP requests. */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {createApiHandler, type ApiOptions} from '../../../src/lib/worker/api/handler.js';

export interface TestServer {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

export async function serve(opts: ApiOptions): Promise<TestServer> {
  const server = http.createServer({keepAlive: true}, createApiHandler(opts));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request, whole answer as text. */
export function raw(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(`${url}${path}`, {method, headers: {'content-type': 'application/json', ...headers}, agent: false}, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: text}));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** The JSON documents of an NDJSON body. */
export function ndjsonLines(body: string): Array<Record<string, unknown>> {
  return body
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The `data:` payloads of an SSE body. */
export function sseData(body: string): string[] {
  return body
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice('data: '.length));
}
