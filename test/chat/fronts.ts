/**
 * What stands in front of a worker gateway in the chat tests: a TCP front on the URL the worker registered, which
 * either passes the TLS bytes through untouched (the honest worker) or terminates TLS with a certificate of its own
 * and forwards to the gateway, recording every plaintext byte a client sent (a man-in-the-middle, or a worker that
 * rotated its certificate without re-registering). Clients that pin the attested key must never send it a prompt.
 */
import {readFileSync, mkdtempSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import {ensureWorkerTls} from '../../src/lib/worker/tls.js';

export type FrontMode = 'pass' | 'mitm';

export interface Front {
  port: number;
  url: string;
  mode: FrontMode;
  /** Plaintext bytes clients sent while terminated here (mitm). */
  recorded(): string;
  /** TLS connections accepted while in mitm mode. */
  mitmConnections: number;
  /** Connections accepted in any mode. */
  connections: number;
  close(): Promise<void>;
}

/** A fresh self-signed TLS identity (not any worker's attested one). */
export async function strangerTls(): Promise<{cert: string; key: string}> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'secretai-mitm-'));
  const t = await ensureWorkerTls(home, 'secret1' + 'q'.repeat(38));
  return {cert: readFileSync(t.certPath, 'utf8'), key: readFileSync(t.keyPath, 'utf8')};
}

/** Listens on `port` (0: any) and fronts the TLS gateway at 127.0.0.1:`target()`. */
export async function startFront(target: () => number, mode: FrontMode, port = 0): Promise<Front> {
  const id = await strangerTls();
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const front: Front = {
    port: 0,
    url: '',
    mode,
    recorded: () => Buffer.concat(chunks).toString('latin1'),
    mitmConnections: 0,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = net.createServer((client) => {
    front.connections++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (front.mode === 'pass') {
      const up = net.connect(target(), '127.0.0.1');
      sockets.add(up);
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
      client.pipe(up).pipe(client);
      return;
    }
    front.mitmConnections++;
    const inner = new tls.TLSSocket(client, {isServer: true, cert: id.cert, key: id.key});
    const up = tls.connect({host: '127.0.0.1', port: target(), rejectUnauthorized: false});
    sockets.add(up);
    inner.on('data', (d: Buffer) => chunks.push(Buffer.from(d)));
    inner.on('error', () => up.destroy());
    up.on('error', () => inner.destroy());
    inner.pipe(up).pipe(inner);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  front.port = (server.address() as net.AddressInfo).port;
  front.url = `https://127.0.0.1:${front.port}`;
  return front;
}
