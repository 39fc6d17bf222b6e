/**
 * The worker URL check of `checkWorkerUrl` in `contracts/worker-manager/binding.ts`, with its regular expressions
 * written out as matchers: `https://HOST[:PORT][/]` — lower-case DNS name or IPv4 (or bracketed IPv6) host, port
 * 1–65535, no credentials, path, query or fragment; loopback hosts only where allowed (devnets).
 */
import {quoteJson} from "../../lib/json";
import {fail} from "../../lib/result";

/** Highest TCP port. */
const MAX_PORT: u32 = 65535;
/** Longest DNS name. */
const MAX_HOST_LENGTH = 253;
/** Longest DNS label. */
const MAX_LABEL_LENGTH = 63;
const SCHEME = "https://";

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

/** JavaScript's `\s`: WhiteSpace and LineTerminator code units. */
function isSpace(c: i32): bool {
  return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000 || c == 0xfeff;
}

/** A code unit of `[^/:?#@\[\]\s]`. */
function isPlainHostChar(c: i32): bool {
  return !(c == 0x2f || c == 0x3a || c == 0x3f || c == 0x23 || c == 0x40 || c == 0x5b || c == 0x5d || isSpace(c));
}

/** A code unit of `[0-9a-f:.]`. */
function isBracketHostChar(c: i32): bool {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || c == 0x3a || c == 0x2e;
}

/** `URL_SHAPE`'s match: the host and the port digits ("" when there is no port), or null when it does not match. */
class UrlParts {
  constructor(public host: string, public port: string) {}
}

/** `^https:\/\/(\[[0-9a-f:.]+\]|[^/:?#@\[\]\s]+)(?::(\d{1,5}))?\/?$` */
function matchUrlShape(url: string): UrlParts | null {
  if (!url.startsWith(SCHEME)) return null;
  const n = url.length;
  let i = SCHEME.length;
  const hostStart = i;
  if (i < n && url.charCodeAt(i) == 0x5b) {
    i++;
    while (i < n && isBracketHostChar(url.charCodeAt(i))) i++;
    if (i == hostStart + 1 || i >= n || url.charCodeAt(i) != 0x5d) return null;
    i++;
  } else {
    while (i < n && isPlainHostChar(url.charCodeAt(i))) i++;
    if (i == hostStart) return null;
  }
  const host = url.substring(hostStart, i);
  let port = "";
  if (i < n && url.charCodeAt(i) == 0x3a) {
    const portStart = i + 1;
    let j = portStart;
    while (j < n && isDigit(url.charCodeAt(j))) j++;
    if (j == portStart || j - portStart > 5) return null;
    port = url.substring(portStart, j);
    i = j;
  }
  if (i < n && url.charCodeAt(i) == 0x2f) i++;
  return i == n ? new UrlParts(host, port) : null;
}

/** The four octets' texts of `^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$`, or null. */
function matchIpv4(host: string): string[] | null {
  const parts = host.split(".");
  if (parts.length != 4) return null;
  for (let k = 0; k < 4; k++) {
    const p = parts[k];
    if (p.length < 1 || p.length > 3) return null;
    for (let i = 0; i < p.length; i++) if (!isDigit(p.charCodeAt(i))) return null;
  }
  return parts;
}

function decimalValue(digits: string): u32 {
  let v: u32 = 0;
  for (let i = 0; i < digits.length; i++) v = v * 10 + <u32>(digits.charCodeAt(i) - 0x30);
  return v;
}

/** `^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$` */
function isHostLabel(label: string): bool {
  const n = label.length;
  if (n < 1 || n > MAX_LABEL_LENGTH) return false;
  for (let i = 0; i < n; i++) {
    const c = label.charCodeAt(i);
    const alnum = isDigit(c) || (c >= 0x61 && c <= 0x7a);
    if (!alnum && (c != 0x2d || i == 0 || i == n - 1)) return false;
  }
  return true;
}

/** True for hosts that name this machine (`localhost`, 127.0.0.0/8, `::1`). */
function isLoopback(host: string): bool {
  if (host == "localhost" || host.endsWith(".localhost") || host == "[::1]") return true;
  const ip = matchIpv4(host);
  return ip !== null && ip[0] == "127";
}

function invalid(url: string, why: string): string | null {
  fail(`Invalid worker URL ${quoteJson(url)}: ${why}`);
  return null;
}

/** The URL without a trailing slash, or null after recording what is wrong with it. */
export function checkWorkerUrl(url: string, allowLoopback: bool): string | null {
  const m = matchUrlShape(url);
  if (m === null) return invalid(url, "expected https://HOST[:PORT] without path, query or credentials");
  const host = m.host;
  if (m.port.length > 0) {
    const port = decimalValue(m.port);
    if (port < 1 || port > MAX_PORT) return invalid(url, `port ${m.port} is out of range`);
  }
  const ip = matchIpv4(host);
  if (ip !== null) {
    for (let k = 0; k < 4; k++) if (decimalValue(ip[k]) > 255) return invalid(url, "bad IPv4 address");
  } else if (!host.startsWith("[")) {
    let ok = host.length <= MAX_HOST_LENGTH;
    const labels = host.split(".");
    for (let k = 0; ok && k < labels.length; k++) ok = isHostLabel(labels[k]);
    if (!ok) return invalid(url, 'bad host name (lower-case letters, digits, "-" and ".")');
  }
  if (!allowLoopback && isLoopback(host)) return invalid(url, "loopback hosts are accepted only on a devnet");
  return url.endsWith("/") ? url.substring(0, url.length - 1) : url;
}
