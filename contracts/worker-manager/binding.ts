/**
 * The cheap, deterministic checks the WorkerManager runs on a registration (design.md §4–§5): the worker URL,
 * the worker key and sender, and the REPORTDATA binding of the submitted bundle —
 * `REPORTDATA[0..32] = SHA-256(TLS SPKI DER)`, `REPORTDATA[32..64] = SHA-256("secretai/v1" ‖ worker_pubkey ‖
 * challenge)` for the current or previous registration challenge, and the bundle's GPU nonce equal to it.
 * Signatures, certificate chains, TCB status and measurements are NOT checked here: the registering CLI and every
 * client verify the whole bundle (stored as submitted) before use. Pure: bytes and host functions in.
 */
import {bytesEqual, concatBytes, EncodingError, fromBase64, fromHex, toHex, utf8} from '../common/encoding.js';
import {SECP256K1_COMPRESSED_PUBKEY_BYTES} from '../common/crypto.js';
import {ContractError, type Api} from '../common/types.js';

/** Domain-separation prefix of the GPU nonce (design.md §5). */
export const GPU_NONCE_DOMAIN = 'secretai/v1';
/** REPORTDATA size, and its halves. */
const REPORT_DATA_BYTES = 64;
const HALF = 32;
/** TDX quote: header size, the v5 body descriptor, and REPORTDATA's offset in the TD report body. */
const TDX_HEADER_BYTES = 48;
const TDX_V5_BODY_DESCRIPTOR_BYTES = 6;
const TDX_BODY_REPORTDATA = 0x208;
const TDX_QUOTE_V4 = 4;
const TDX_QUOTE_V5 = 5;
/** SEV-SNP attestation report: REPORTDATA offset. */
const SNP_REPORTDATA = 0x50;
/** Highest TCP port. */
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
 * Returns the URL without a trailing slash. Throws {@link ContractError} naming what is wrong.
 */
export function checkWorkerUrl(url: string, allowLoopback: boolean): string {
  const m = URL_SHAPE.exec(url);
  if (!m) throw new ContractError(`Invalid worker URL ${JSON.stringify(url)}: expected https://HOST[:PORT] without path, query or credentials`);
  const host = m[1]!;
  if (m[2] !== undefined) {
    const port = Number(m[2]);
    if (port < 1 || port > MAX_PORT) throw new ContractError(`Invalid worker URL ${JSON.stringify(url)}: port ${m[2]} is out of range`);
  }
  const ip = IPV4.exec(host);
  if (ip) {
    if (ip.slice(1).some((o) => Number(o) > 255)) throw new ContractError(`Invalid worker URL ${JSON.stringify(url)}: bad IPv4 address`);
  } else if (!host.startsWith('[')) {
    if (host.length > 253 || !host.split('.').every((l) => HOST_LABEL.test(l))) {
      throw new ContractError(`Invalid worker URL ${JSON.stringify(url)}: bad host name (lower-case letters, digits, "-" and ".")`);
    }
  }
  if (!allowLoopback && isLoopback(host)) throw new ContractError(`Invalid worker URL ${JSON.stringify(url)}: loopback hosts are accepted only on a devnet`);
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

function decode(text: unknown, what: string): Uint8Array {
  if (typeof text !== 'string') throw new ContractError(`Invalid attestation: ${what} must be a base64 string`);
  try {
    return fromBase64(text);
  } catch (e) {
    if (e instanceof EncodingError) throw new ContractError(`Invalid attestation: ${what} is not base64`);
    throw e;
  }
}

/** Decodes `worker_pubkey` (33-byte compressed secp256k1). */
export function decodeWorkerPubkey(b64: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = fromBase64(b64);
  } catch {
    throw new ContractError('Invalid worker_pubkey: not base64');
  }
  if (key.length !== SECP256K1_COMPRESSED_PUBKEY_BYTES || (key[0] !== 0x02 && key[0] !== 0x03)) {
    throw new ContractError('Invalid worker_pubkey: must be a 33-byte compressed secp256k1 public key');
  }
  return key;
}

/** Throws unless `sender` is the account of `workerPubkey` (so nobody registers another worker's bundle). */
export function requireWorkerAccount(api: Api, workerPubkey: Uint8Array, sender: string): void {
  const account = api.pubkeyToAddress(workerPubkey);
  if (account !== sender) {
    throw new ContractError(`Unauthorized: the sender ${sender} is not the account of worker_pubkey (${account}); register from the worker key`);
  }
}

/** REPORTDATA of the bundle's CPU evidence (TDX quote v4/v5 or SEV-SNP report). */
function reportDataOf(cpu: Record<string, unknown>): Uint8Array {
  const quote = decode(cpu.quote, 'cpu.quote');
  let offset: number;
  if (cpu.type === 'tdx') {
    const version = quote.length >= 2 ? quote[0]! | (quote[1]! << 8) : 0;
    if (version === TDX_QUOTE_V4) offset = TDX_HEADER_BYTES + TDX_BODY_REPORTDATA;
    else if (version === TDX_QUOTE_V5) offset = TDX_HEADER_BYTES + TDX_V5_BODY_DESCRIPTOR_BYTES + TDX_BODY_REPORTDATA;
    else throw new ContractError(`Invalid attestation: unsupported TDX quote version ${version}`);
  } else if (cpu.type === 'snp') {
    offset = SNP_REPORTDATA;
  } else {
    throw new ContractError('Invalid attestation: cpu.type must be "tdx" or "snp"');
  }
  if (quote.length < offset + REPORT_DATA_BYTES) throw new ContractError('Invalid attestation: cpu.quote is too short to hold REPORTDATA');
  return quote.subarray(offset, offset + REPORT_DATA_BYTES);
}

/** The GPU nonce SHA-256("secretai/v1" ‖ worker_pubkey ‖ challenge). */
export function gpuNonce(api: Api, workerPubkey: Uint8Array, challenge: Uint8Array): Uint8Array {
  return api.sha256(concatBytes(utf8(GPU_NONCE_DOMAIN), workerPubkey, challenge));
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Checks the bundle's REPORTDATA binding against `workerPubkey` and the accepted registration challenges (hex,
 * current first). Returns the challenge that matched. Throws {@link ContractError} naming the failing part.
 */
export function checkBundleBinding(api: Api, bundle: unknown, workerPubkey: Uint8Array, challenges: string[]): string {
  if (!isObject(bundle) || bundle.version !== 1) throw new ContractError('Invalid attestation: expected a version 1 bundle');
  if (!isObject(bundle.cpu)) throw new ContractError('Invalid attestation: cpu evidence is missing');
  const bundleKey = decode(bundle.workerPubkey, 'workerPubkey');
  if (!bytesEqual(bundleKey, workerPubkey)) throw new ContractError('Invalid attestation: the bundle names another worker key than worker_pubkey');
  const rd = reportDataOf(bundle.cpu);
  const spki = decode(bundle.tlsSpki, 'tlsSpki');
  if (!bytesEqual(rd.subarray(0, HALF), api.sha256(spki))) {
    throw new ContractError('Invalid attestation: REPORTDATA[0..32] is not SHA-256 of the bundle TLS key');
  }
  const nonceHalf = rd.subarray(HALF);
  const matched = challenges.find((c) => bytesEqual(nonceHalf, gpuNonce(api, workerPubkey, fromHex(c))));
  if (matched === undefined) {
    throw new ContractError('Invalid attestation: REPORTDATA does not bind worker_pubkey and the current registration challenge (stale or foreign evidence; collect it again)');
  }
  if (bundle.challenge !== undefined && (typeof bundle.challenge !== 'string' || bundle.challenge.toLowerCase() !== matched)) {
    throw new ContractError('Invalid attestation: the bundle challenge is not the one its REPORTDATA binds');
  }
  if (bundle.gpu !== undefined) {
    const gpu = bundle.gpu;
    if (!isObject(gpu) || typeof gpu.nonce !== 'string' || gpu.nonce.toLowerCase() !== toHex(nonceHalf)) {
      throw new ContractError('Invalid attestation: the GPU evidence nonce is not REPORTDATA[32..64]');
    }
  }
  return matched;
}
