/**
 * The devnet-only admin endpoints under `/secretai/devnet/`: `status` and `genesis` (public reads), and the admin
 * actions `advance`, `fund` and `shutdown`.
 *
 * An admin action must come from the owner of the devnet, not from a web page the user happens to visit (which can
 * POST a plain-text form to `127.0.0.1:1317`, or reach it through DNS rebinding). So each needs all of:
 * - a `Host` header naming a loopback address (`localhost`, `127.0.0.1`, `::1`) or the configured listening host;
 * - `content-type: application/json` (a cross-origin form cannot send it without a CORS preflight, never answered);
 * - `authorization: Bearer <token>` with the per-devnet token that `startDevnet` writes (mode 0600) into the
 *   devnet's home, where `secretai devnet …` reads it.
 * A refused request changes nothing.
 */
import {createHash, randomBytes, timingSafeEqual} from 'node:crypto';
import type {IncomingMessage} from 'node:http';
import {NATIVE_DENOM, rfc3339, type DevnetNode} from '../node/index.js';
import {DevSigner, DevTxError, type ContractRef, type PreparedMsg} from '../signer.js';
import {DEV_ADMIN, type GenesisInfo} from '../genesis.js';
import {GRPC, HttpError, type Route} from './http.js';
import {parseAmount, requireAddress} from './views.js';

/** Prefix of the devnet-only admin endpoints. */
export const ADMIN_PREFIX = '/secretai/devnet';
/** Header carrying the admin token (`Bearer <token>`). */
export const ADMIN_TOKEN_HEADER = 'authorization';
/** Bytes of randomness in an admin token (hex-encoded). */
const ADMIN_TOKEN_BYTES = 32;
/** Host names that always mean this machine. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

/** A fresh admin token: 64 hex characters. */
export function newAdminToken(): string {
  return randomBytes(ADMIN_TOKEN_BYTES).toString('hex');
}

/** The host name of a `Host` header (`name`, `name:port`, `[v6]:port`), lower-cased, without brackets or port. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') >= 0 ? h.indexOf(']') : undefined);
  const colon = h.indexOf(':');
  return colon >= 0 && h.indexOf(':', colon + 1) < 0 ? h.slice(0, colon) : h;
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Checks that a request may perform an admin action (see the module comment); throws an {@link HttpError}
 * (403 host, 415 content type, 401 token) otherwise. Runs before the body is read.
 */
export function checkAdminRequest(req: IncomingMessage, guard: {token: string; host: string}): void {
  const host = req.headers.host;
  const allowed = host !== undefined && (LOOPBACK_HOSTS.has(hostName(host)) || hostName(host) === hostName(guard.host));
  if (!allowed) throw new HttpError(GRPC.permissionDenied, `admin requests must name this devnet's host, not ${JSON.stringify(host ?? '')}`);
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(GRPC.invalidArgument, 'admin requests must have content-type: application/json', 415);
  }
  const auth = String(req.headers[ADMIN_TOKEN_HEADER] ?? '');
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  if (!m || !sameSecret(m[1]!, guard.token)) {
    throw new HttpError(GRPC.unauthenticated, "admin requests need this devnet's token (authorization: Bearer <token>, from <home>/devnet/admin-token)");
  }
}

/** What the admin routes need besides the node. */
export interface AdminRouteOptions {
  genesis: GenesisInfo;
  /** Deployment key of the token the faucet mints (default `paymentToken`; none when absent from genesis). */
  faucetTokenKey?: string;
  /** Public URL of this server (for status answers). */
  url: () => string;
}

/** The admin routes over a node. */
export function adminRoutes(chain: DevnetNode, options: AdminRouteOptions): Route[] {
  const {genesis} = options;
  const admin = DevSigner.fromMnemonic(DEV_ADMIN.mnemonic);
  const faucetToken: ContractRef | undefined = genesis.contracts[options.faucetTokenKey ?? 'paymentToken'];
  const status = () => ({
    running: true,
    url: options.url(),
    chainId: chain.chainId,
    height: chain.height,
    time: rfc3339(chain.currentTime()),
    timeOffsetSeconds: chain.timeOffset,
  });
  return [
  {method: 'GET', pattern: new RegExp(`^${ADMIN_PREFIX}/status$`), handler: () => status()},
  {method: 'GET', pattern: new RegExp(`^${ADMIN_PREFIX}/genesis$`), handler: () => genesis},
  {
    method: 'POST',
    admin: true,
    pattern: new RegExp(`^${ADMIN_PREFIX}/advance$`),
    handler: (req) => {
      const seconds = req.body.seconds;
      if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 0) {
        throw new HttpError(GRPC.invalidArgument, 'seconds must be a non-negative integer');
      }
      const {height, time} = chain.advance(seconds);
      return {height, time: rfc3339(time)};
    },
  },
  {
    method: 'POST',
    admin: true,
    pattern: new RegExp(`^${ADMIN_PREFIX}/fund$`),
    handler: (req) => {
      const address = requireAddress(String(req.body.address ?? ''));
      const scrt = parseAmount(req.body.scrt, 'scrt');
      const token = parseAmount(req.body.token, 'token');
      if (scrt === 0n && token === 0n) throw new HttpError(GRPC.invalidArgument, 'nothing to fund: give scrt and/or token');
      if (token > 0n && !faucetToken) throw new HttpError(GRPC.unimplemented, 'this devnet has no payment token to mint');
      const msgs: PreparedMsg[] = [];
      if (scrt > 0n) msgs.push(admin.send(address, [{denom: NATIVE_DENOM, amount: scrt.toString()}]));
      if (token > 0n) msgs.push(admin.execute(chain, faucetToken!, {mint: {recipient: address, amount: token.toString()}}));
      try {
        const result = admin.run(chain, msgs);
        return {address, scrt: scrt.toString(), token: token.toString(), txhash: result.txhash, height: result.height};
      } catch (err) {
        if (err instanceof DevTxError) throw new HttpError(GRPC.unknown, `faucet tx failed: ${err.rawLog}`);
        throw err;
      }
    },
  },
  {
    method: 'POST',
    admin: true,
    pattern: new RegExp(`^${ADMIN_PREFIX}/shutdown$`),
    handler: () => ({stopping: true}),
  },
  ];
}
