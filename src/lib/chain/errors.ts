/**
 * Typed chain errors, and the normalisation of everything secretjs (and the node behind it) can throw or return.
 *
 * What secretjs 1.22.1 does that this module absorbs (`secret-lcd-devnet.md` §1, §3, §6, §10):
 * - a non-2xx answer is thrown as the parsed JSON body itself (not an `Error`): `{code, message, details}`;
 * - a non-JSON body surfaces as a `SyntaxError`; network failures as `TypeError('fetch failed')` with a `cause`
 *   (`ECONNREFUSED`, `ENOTFOUND`, undici timeouts), or node-fetch's `FetchError` when its polyfill is in use;
 * - CheckTx rejections are `Error("Broadcasting transaction failed with code N (codespace: X). Log: …")`;
 * - a tx not found before the broadcast timeout is `Error("Transaction ID … was submitted but was not yet found…")`;
 * - a failed tx does not throw at all (code ≠ 0 in the result) — see {@link TxFailedError};
 * - a contract query error resolves with the decrypted error string — see {@link ContractQueryError}.
 */
import {DEVNET_CHAIN_ID} from '../../common/networks.js';
import {oneLine, OperationError, SecretaiError, UnavailableError, UsageError, type ErrorOptions} from '../errors.js';

/** Longest raw log or node message kept in an error (characters); the rest is cut with an ellipsis. */
export const MAX_LOG_CHARS = 600;

/** Cosmos SDK `sdk` codespace error codes the CLI explains (types/errors/errors.go). */
export const SdkCode = {
  TX_DECODE: 2,
  UNAUTHORIZED: 4,
  INSUFFICIENT_FUNDS: 5,
  UNKNOWN_ADDRESS: 9,
  OUT_OF_GAS: 11,
  INSUFFICIENT_FEE: 13,
  TX_IN_MEMPOOL: 19,
  WRONG_SEQUENCE: 32,
} as const;

/** Where an error happened: enough to phrase the message and the next step. */
export interface ChainErrorContext {
  /** Profile name, chain id and LCD URL of the network spoken to. */
  network?: {name: string; chainId: string; lcdUrl: string};
  /** What was being done, e.g. `query token_info on paymentToken`. */
  action?: string;
  /** The signer's address, for funding suggestions. */
  signer?: string;
  /** Hash of the tx concerned, when known. */
  txHash?: string;
}

/** Condenses a log or message to one line of at most {@link MAX_LOG_CHARS} characters. */
export function condense(text: string, max = MAX_LOG_CHARS): string {
  const line = oneLine(String(text ?? ''));
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

/** True for the embedded devnet (chain id `secretdev-1` or the `local` profile). */
export function isLocalNetwork(network: ChainErrorContext['network']): boolean {
  return Boolean(network && (network.chainId === DEVNET_CHAIN_ID || network.name === 'local'));
}

function reachSuggestion(ctx: ChainErrorContext): string {
  if (isLocalNetwork(ctx.network)) return 'is the devnet running? secretai devnet start';
  const name = ctx.network?.name ?? 'NAME';
  return `check your connection and the LCD URL (secretai network show ${name}), or point the profile at another node`;
}

/** A contract refused a query; `message` is the contract's own (decrypted) text, e.g. `Generic error: …`. */
export class ContractQueryError extends OperationError {
  /** Address of the contract queried. */
  readonly contract: string;
  /** The decrypted contract error text, unshortened. */
  readonly contractMessage: string;

  constructor(contract: string, contractMessage: string, opts: ErrorOptions = {}) {
    super(condense(contractMessage) || 'the contract returned an empty error', {
      code: 'CONTRACT_ERROR',
      ...opts,
      details: {contract, ...(opts.details ?? {})},
    });
    this.contract = contract;
    this.contractMessage = contractMessage;
  }
}

/** A SNIP-20-style viewing-key query answered `{"viewing_key_error":{"msg":…}}` (a success at the transport level). */
export class ViewingKeyError extends OperationError {
  readonly contract: string;

  constructor(contract: string, msg: string, opts: ErrorOptions = {}) {
    super(`viewing key rejected: ${condense(msg)}`, {
      code: 'VIEWING_KEY_ERROR',
      suggestion: 'create or set a viewing key for this contract first, or query with a permit',
      ...opts,
      details: {contract, ...(opts.details ?? {})},
    });
    this.contract = contract;
  }
}

/** Facts of an executed tx that failed (DeliverTx code ≠ 0). */
export interface TxFailure {
  txHash: string;
  /** ABCI result code (≠ 0). */
  code: number;
  codespace: string;
  /** The raw log after secretjs decrypted what it could. */
  rawLog: string;
  height?: number;
  gasUsed?: number;
  gasWanted?: number;
}

/**
 * A transaction was included but failed (code ≠ 0). The fee was paid and the sequence used; no state changed.
 * `message` starts with the contract's decrypted error when there is one.
 */
export class TxFailedError extends OperationError {
  readonly txHash: string;
  readonly txCode: number;
  readonly codespace: string;
  /** The decrypted raw log condensed to one line. */
  readonly rawLog: string;
  /** Index of the failing message in the tx, when the log names it. */
  readonly msgIndex?: number;
  /** The contract's own error text, when the failure came from a contract. */
  readonly contractMessage?: string;

  constructor(f: TxFailure, opts: ErrorOptions = {}) {
    const parsed = parseFailureLog(f.rawLog);
    const outOfGas = f.codespace === 'sdk' && f.code === SdkCode.OUT_OF_GAS;
    const what = parsed.contractMessage ?? parsed.text;
    super(`transaction failed (code ${f.code}${f.codespace ? `, ${f.codespace}` : ''}): ${condense(what) || 'no log'}`, {
      code: 'TX_FAILED',
      ...(outOfGas ? {suggestion: 'the gas limit was too low: retry with a higher --gas'} : {}),
      ...opts,
      details: {
        txHash: f.txHash,
        code: f.code,
        codespace: f.codespace,
        rawLog: condense(f.rawLog),
        ...(f.height !== undefined ? {height: f.height} : {}),
        ...(f.gasUsed !== undefined ? {gasUsed: f.gasUsed, gasWanted: f.gasWanted} : {}),
        ...(parsed.msgIndex !== undefined ? {msgIndex: parsed.msgIndex} : {}),
        ...(opts.details ?? {}),
      },
    });
    this.txHash = f.txHash;
    this.txCode = f.code;
    this.codespace = f.codespace;
    this.rawLog = condense(f.rawLog);
    this.msgIndex = parsed.msgIndex;
    this.contractMessage = parsed.contractMessage;
  }
}

const CONTRACT_FAILED_RE = /^(.*): (?:instantiate|execute|query|reply to|migrate) contract failed$/s;
const MSG_INDEX_RE = /^failed to execute message; message index: (\d+): (.*)$/s;

/**
 * Splits a DeliverTx raw log into its message index and the contract's error text:
 * `failed to execute message; message index: 0: Generic error: x: execute contract failed` →
 * `{msgIndex: 0, contractMessage: "Generic error: x"}`. Nested `dispatch: submessages:` prefixes are dropped.
 */
export function parseFailureLog(rawLog: string): {msgIndex?: number; contractMessage?: string; text: string} {
  let text = String(rawLog ?? '').trim();
  let msgIndex: number | undefined;
  const m = MSG_INDEX_RE.exec(text);
  if (m) {
    msgIndex = Number(m[1]);
    text = m[2];
  }
  text = text.replace(/^(?:dispatch: submessages: )+/, '');
  const c = CONTRACT_FAILED_RE.exec(text);
  if (c) {
    const inner = c[1];
    if (/^encrypted: /.test(inner)) return {msgIndex, text: `${inner.slice(0, 40)}… (the error is encrypted for another client key)`};
    return {msgIndex, contractMessage: inner, text: inner};
  }
  return {msgIndex, text};
}

/** Machine codes of {@link BroadcastRejectedError}. */
export type BroadcastRejection = 'SEQUENCE_MISMATCH' | 'SIGNATURE_INVALID' | 'INSUFFICIENT_FUNDS' | 'INSUFFICIENT_FEE' | 'ACCOUNT_NOT_FOUND' | 'TX_IN_MEMPOOL' | 'OUT_OF_GAS' | 'TX_REJECTED';

/** The node refused the tx before execution (CheckTx): nothing happened on chain, no fee was paid. */
export class BroadcastRejectedError extends OperationError {
  readonly txCode: number;
  readonly codespace: string;
  readonly log: string;
  /** For `SEQUENCE_MISMATCH`: the sequence the chain expected. */
  readonly expectedSequence?: number;

  constructor(kind: BroadcastRejection, message: string, f: {code: number; codespace: string; log: string; expectedSequence?: number}, opts: ErrorOptions = {}) {
    super(message, {
      code: kind,
      ...opts,
      details: {code: f.code, codespace: f.codespace, log: condense(f.log), ...(opts.details ?? {})},
    });
    this.txCode = f.code;
    this.codespace = f.codespace;
    this.log = condense(f.log);
    this.expectedSequence = f.expectedSequence;
  }
}

/** The tx was broadcast but not seen in a block before the timeout: its outcome is unknown. */
export class TxTimeoutError extends UnavailableError {
  readonly txHash: string;

  constructor(txHash: string, timeoutMs: number, opts: ErrorOptions = {}) {
    super(`transaction ${txHash} was broadcast but not found on chain within ${Math.round(timeoutMs / 1000)} s; it may still be included`, {
      code: 'TX_TIMEOUT',
      suggestion: `look it up later by its hash before retrying (${txHash})`,
      ...opts,
      details: {txHash, ...(opts.details ?? {})},
    });
    this.txHash = txHash;
  }
}

/** The node could not be reached or did not speak the LCD protocol. Exit 3. */
export class ChainUnavailableError extends UnavailableError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super(message, {code: 'CHAIN_UNAVAILABLE', ...opts});
  }
}

/** The node answered a request with an error that is not a contract's (unknown route, bad request, not found). */
export class ChainRequestError extends OperationError {
  /** gRPC status code of the gateway answer, when present. */
  readonly grpcCode?: number;

  constructor(message: string, grpcCode: number | undefined, opts: ErrorOptions = {}) {
    super(message, {code: 'CHAIN_ERROR', ...opts});
    this.grpcCode = grpcCode;
  }
}

/** The signing account does not exist on chain yet (it never received funds). */
export class AccountNotFoundError extends OperationError {
  readonly address?: string;

  constructor(address: string | undefined, ctx: ChainErrorContext) {
    const who = address ? `account ${address}` : 'the signing account';
    super(`${who} does not exist on ${ctx.network?.name ?? 'this network'} yet (it has never received funds)`, {
      code: 'ACCOUNT_NOT_FOUND',
      suggestion: isLocalNetwork(ctx.network) ? `fund it: secretai devnet fund ${address ?? 'ADDRESS'}` : `send some SCRT to ${address ?? 'it'} first`,
    });
    this.address = address;
  }
}

/** A contract this command needs has no address on the selected network. Exit 2. */
export class ContractNotConfiguredError extends UsageError {
  constructor(contract: string, network: {name: string; chainId: string; lcdUrl: string}) {
    super(`contract ${contract} is not configured on network ${network.name}`, {
      code: 'CONTRACT_NOT_CONFIGURED',
      suggestion: isLocalNetwork(network)
        ? 'run "secretai devnet start" (it deploys the contracts and records them in the local profile)'
        : `set its address and code hash in the profile (secretai network add ${network.name} …), or use --network local`,
    });
  }
}

const BROADCAST_RE = /^Broadcasting transaction failed with code (\d+) \(codespace: ([^)]*)\)\. Log: ([\s\S]*)$/;
const NOT_FOUND_AFTER_BROADCAST_RE = /^Transaction ID ([0-9A-Fa-f]+) was submitted but was not yet found on the chain.*?'(\d+)'/s;
const SEQUENCE_RE = /expected (\d+), got (\d+)/;
const ACCOUNT_NOT_FOUND_RE = /account (secret1[0-9a-z]+) not found/;

/** Error `code`s of Node/undici/node-fetch that mean "the node could not be reached". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EPIPE',
  'ECONNABORTED',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

const NETWORK_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'answer stalled',
  UND_ERR_SOCKET: 'connection closed by the node',
};

/** Finds a network error code in an error or its `cause` chain (including AggregateError members). */
function networkCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 5) return undefined;
  const e = err as {code?: unknown; errno?: unknown; cause?: unknown; errors?: unknown[]; type?: unknown; name?: unknown};
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  if (e.type === 'system' && typeof e.errno === 'string' && NETWORK_CODES.has(e.errno)) return e.errno;
  if (e.type === 'request-timeout') return 'ETIMEDOUT';
  if (Array.isArray(e.errors)) for (const x of e.errors) {
    const c = networkCode(x, depth + 1);
    if (c) return c;
  }
  return networkCode(e.cause, depth + 1);
}

function isTimeout(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as {name?: unknown; cause?: unknown};
  if (e.name === 'TimeoutError') return true;
  return isTimeout(e.cause, depth + 1);
}

/** A gateway-style JSON error body, as secretjs throws it. */
interface GatewayBody {
  code?: unknown;
  message?: unknown;
  error?: unknown;
  details?: unknown;
}

/**
 * True for Error objects, including those of another realm (Node internals under a VM context, e.g. test runners),
 * where `instanceof Error` is false: they carry a string `name`, `message` and `stack`.
 */
export function isErrorLike(x: unknown): x is Error {
  if (x instanceof Error) return true;
  const e = x as {name?: unknown; message?: unknown; stack?: unknown} | null;
  return typeof e === 'object' && e !== null && typeof e.name === 'string' && typeof e.message === 'string' && typeof e.stack === 'string';
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !isErrorLike(x) && !Array.isArray(x);
}

/**
 * Turns anything a chain operation threw into a typed SecretaiError when it is recognised: our own errors pass
 * through; network failures, timeouts and non-JSON answers become {@link ChainUnavailableError} (exit 3); CheckTx
 * rejections {@link BroadcastRejectedError}; JSON error bodies {@link ChainRequestError} /
 * {@link AccountNotFoundError}. Anything else is returned unchanged (an unexpected error, reported as a bug).
 */
export function normalizeChainError(err: unknown, ctx: ChainErrorContext = {}): unknown {
  if (err instanceof SecretaiError) return err;
  const where = ctx.network ? ` at ${ctx.network.lcdUrl}` : '';
  const doing = ctx.action ? ` (${ctx.action})` : '';

  // Transport: timeouts, refused connections, DNS, TLS.
  if (isTimeout(err)) {
    return new ChainUnavailableError(`the node${where} did not answer in time${doing}`, {
      code: 'CHAIN_TIMEOUT',
      cause: err,
      suggestion: reachSuggestion(ctx),
    });
  }
  const net = networkCode(err);
  if (net) {
    return new ChainUnavailableError(`cannot reach the node${where}: ${NETWORK_TEXT[net] ?? net}${doing}`, {
      cause: err,
      suggestion: reachSuggestion(ctx),
      details: {reason: net},
    });
  }
  if (isErrorLike(err) && err.name === 'SyntaxError') {
    return new ChainUnavailableError(`the node${where} did not answer with JSON${doing}: is this an LCD (REST) endpoint?`, {
      code: 'CHAIN_BAD_ANSWER',
      cause: err,
      suggestion: reachSuggestion(ctx),
    });
  }
  if (isErrorLike(err) && err.name === 'TypeError' && /fetch failed|Failed to fetch|network/i.test(err.message)) {
    return new ChainUnavailableError(`cannot reach the node${where}: ${condense(err.message)}${doing}`, {cause: err, suggestion: reachSuggestion(ctx)});
  }

  // secretjs's own Error texts.
  if (isErrorLike(err)) {
    const b = BROADCAST_RE.exec(err.message);
    if (b) return broadcastRejected(Number(b[1]), b[2], b[3], ctx, err);
    const t = NOT_FOUND_AFTER_BROADCAST_RE.exec(err.message);
    if (t) return new TxTimeoutError(t[1].toUpperCase(), Number(t[2]), {cause: err});
    return err;
  }

  // A parsed JSON body thrown by secretjs for a non-2xx answer.
  if (isPlainObject(err)) {
    const body = err as GatewayBody;
    const message = typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : JSON.stringify(err);
    const grpc = typeof body.code === 'number' ? body.code : undefined;
    const acct = ACCOUNT_NOT_FOUND_RE.exec(message);
    if (acct && (grpc === 5 || grpc === undefined)) return new AccountNotFoundError(acct[1], ctx);
    if (grpc === 12) {
      return new ChainRequestError(`the node${where} does not support this request${doing}: ${condense(message)}`, grpc, {
        code: 'CHAIN_UNSUPPORTED',
        cause: err,
      });
    }
    if (grpc === 14 || grpc === 4) {
      return new ChainUnavailableError(`the node${where} is unavailable${doing}: ${condense(message)}`, {cause: err, suggestion: reachSuggestion(ctx)});
    }
    return new ChainRequestError(`the node${where} refused the request${doing}: ${condense(message)}`, grpc, {cause: err, details: {grpcCode: grpc}});
  }
  if (typeof err === 'string') return new ChainRequestError(`the node${where} refused the request${doing}: ${condense(err)}`, undefined);
  return err;
}

function broadcastRejected(code: number, codespace: string, log: string, ctx: ChainErrorContext, cause: unknown): BroadcastRejectedError {
  const f = {code, codespace, log};
  const sdk = codespace === 'sdk';
  const who = ctx.signer ?? 'the signing account';
  if (sdk && code === SdkCode.WRONG_SEQUENCE) {
    const m = SEQUENCE_RE.exec(log);
    const expected = m ? Number(m[1]) : undefined;
    return new BroadcastRejectedError(
      'SEQUENCE_MISMATCH',
      `the node refused the transaction: account sequence mismatch${m ? ` (expected ${m[1]}, got ${m[2]})` : ''} — another transaction from this key was sent at the same time`,
      {...f, expectedSequence: expected},
      {cause, suggestion: 'wait for the other transaction to be included, then run the command again'},
    );
  }
  if (sdk && code === SdkCode.UNAUTHORIZED) {
    return new BroadcastRejectedError(
      'SIGNATURE_INVALID',
      `the node refused the signature: the chain id or account number does not match${ctx.network ? ` (profile chain id ${ctx.network.chainId})` : ''}`,
      f,
      {cause, suggestion: `check that the profile's chain id matches the node (secretai network show ${ctx.network?.name ?? 'NAME'})`},
    );
  }
  if (sdk && code === SdkCode.INSUFFICIENT_FUNDS) {
    return new BroadcastRejectedError('INSUFFICIENT_FUNDS', `${who} cannot pay the fee: ${condense(log, 200)}`, f, {
      cause,
      suggestion: isLocalNetwork(ctx.network) ? `fund it: secretai devnet fund ${ctx.signer ?? 'ADDRESS'}` : `send SCRT to ${who} to pay fees`,
    });
  }
  if (sdk && code === SdkCode.INSUFFICIENT_FEE) {
    return new BroadcastRejectedError('INSUFFICIENT_FEE', `the fee is below the node's minimum gas price: ${condense(log, 200)}`, f, {
      cause,
      suggestion: `raise the profile's gas price (secretai network add ${ctx.network?.name ?? 'NAME'} --gas-price …)`,
    });
  }
  if (sdk && code === SdkCode.UNKNOWN_ADDRESS) {
    return new BroadcastRejectedError('ACCOUNT_NOT_FOUND', `${who} does not exist on chain yet (it has never received funds)`, f, {
      cause,
      suggestion: isLocalNetwork(ctx.network) ? `fund it: secretai devnet fund ${ctx.signer ?? 'ADDRESS'}` : `send some SCRT to ${who} first`,
    });
  }
  if (sdk && code === SdkCode.TX_IN_MEMPOOL) {
    return new BroadcastRejectedError('TX_IN_MEMPOOL', 'the same transaction is already waiting to be included', f, {cause});
  }
  if (sdk && code === SdkCode.OUT_OF_GAS) {
    return new BroadcastRejectedError('OUT_OF_GAS', `the gas limit is too low for this transaction: ${condense(log, 200)}`, f, {
      cause,
      suggestion: 'retry with a higher --gas',
    });
  }
  return new BroadcastRejectedError('TX_REJECTED', `the node refused the transaction (code ${code}${codespace ? `, ${codespace}` : ''}): ${condense(log)}`, f, {cause});
}
