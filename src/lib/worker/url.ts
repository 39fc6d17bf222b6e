/**
 * The WorkerManager's rule for worker URLs (`contracts/worker-manager/assembly`), checked locally before a
 * registration is sent so that a bad URL fails fast with a clear message.
 */

const MAX_PORT = 65535;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const URL_SHAPE = /^https:\/\/(\[[0-9a-f:.]+\]|[^/:?#@\[\]\s]+)(?::(\d{1,5}))?\/?$/;

/** True for hosts that name this machine (`localhost`, 127.0.0.0/8, `::1`). */
function isLoopback(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost') || host === '[::1]') return true;
  const m = IPV4.exec(host);
  return m !== null && m[1] === '127';
}

/**
 * Checks a worker URL: `https://HOST[:PORT][/]` — lower-case DNS name or IPv4 (or bracketed IPv6) host, port
 * 1–65535, no credentials, path, query or fragment. Loopback hosts only when `allowLoopback` (devnets).
 * Returns the URL without a trailing slash. Throws an error naming what is wrong.
 */
export function checkWorkerUrl(url: string, allowLoopback: boolean): string {
  const m = URL_SHAPE.exec(url);
  if (!m) throw new Error(`Invalid worker URL ${JSON.stringify(url)}: expected https://HOST[:PORT] without path, query or credentials`);
  const host = m[1]!;
  if (m[2] !== undefined) {
    const port = Number(m[2]);
    if (port < 1 || port > MAX_PORT) throw new Error(`Invalid worker URL ${JSON.stringify(url)}: port ${m[2]} is out of range`);
  }
  const ip = IPV4.exec(host);
  if (ip) {
    if (ip.slice(1).some((o) => Number(o) > 255)) throw new Error(`Invalid worker URL ${JSON.stringify(url)}: bad IPv4 address`);
  } else if (!host.startsWith('[')) {
    if (host.length > 253 || !host.split('.').every((l) => HOST_LABEL.test(l))) {
      throw new Error(`Invalid worker URL ${JSON.stringify(url)}: bad host name (lower-case letters, digits, "-" and ".")`);
    }
  }
  if (!allowLoopback && isLoopback(host)) throw new Error(`Invalid worker URL ${JSON.stringify(url)}: loopback hosts are accepted only on a devnet`);
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
