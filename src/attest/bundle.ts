/**
 * The attestation bundle (design.md §5): one versioned JSON document carrying a worker's CPU evidence
 * (TDX quote or SEV-SNP report plus the certificates it needs), its GPU evidence (nvtrust shape), its
 * TLS public key and its secp256k1 key. Submitted with `register_worker` and re-verifiable by anyone.
 *
 * ```json
 * { "version": 1,
 *   "cpu": { "type": "tdx" | "snp", "quote": "<base64>", "collateral": {…}?, "vcek": "<base64 DER>"?,
 *            "certChain": "<PEM>"?, "crl": "<base64 DER>"? },
 *   "gpu": { "nonce": "<64 hex>", "arch": "HOPPER", "evidence_list": [{ "certificate": "<base64 PEM>", "evidence": "<base64>" }] }?,
 *   "tlsSpki": "<base64 SubjectPublicKeyInfo DER>",
 *   "workerPubkey": "<base64, 33-byte compressed secp256k1>",
 *   "challenge": "<hex>"?,
 *   "dev": true? }
 * ```
 * `collateral` (dcap-qvl collateral JSON object) is for TDX only; `vcek` and `crl` for SEV-SNP only.
 * Unknown keys are rejected so a typo never silently drops evidence. Pure: text in, values out.
 */
import {createPublicKey} from 'node:crypto';
import * as der from './der.js';
import {base64ToBytes, detectEvidence, type CpuEvidenceKind} from './detect.js';
import {parseNvtrustJson, type NvtrustEvidence} from './nvidia/verify.js';
import {EvidenceFormatError} from './types.js';
import {parsePemChain} from './x509.js';

/** The bundle format version this code reads and writes. */
export const BUNDLE_VERSION = 1;
/** Largest bundle text accepted, bytes. */
export const MAX_BUNDLE_BYTES = 8 * 1024 * 1024;
/** Compressed secp256k1 key size, bytes. */
const WORKER_PUBKEY_SIZE = 33;

/** CPU evidence as carried in a bundle (encoded). */
export interface BundleCpu {
  type: CpuEvidenceKind;
  /** The quote/report bytes, base64. */
  quote: string;
  /** TDX collateral (dcap-qvl `QuoteCollateralV3` JSON object). */
  collateral?: Record<string, unknown>;
  /** SEV-SNP VCEK certificate DER, base64. */
  vcek?: string;
  /** Certificate chain, PEM (SEV-SNP: ASK then ARK). */
  certChain?: string;
  /** SEV-SNP VCEK CRL DER, base64. */
  crl?: string;
}

/** A bundle as JSON values (what `parseBundle` returns and `serializeBundle` writes). */
export interface AttestationBundle {
  version: 1;
  cpu: BundleCpu;
  gpu?: NvtrustEvidence;
  /** The worker's TLS SubjectPublicKeyInfo DER, base64. */
  tlsSpki: string;
  /** The worker's compressed secp256k1 public key (33 bytes), base64. */
  workerPubkey: string;
  /** The registration challenge, lower-case hex. */
  challenge?: string;
  /** Dev attestation (devnet roots, not hardware). */
  dev?: boolean;
}

/** A bundle with its binary fields decoded. */
export interface DecodedBundle {
  cpu: {
    type: CpuEvidenceKind;
    quote: Uint8Array;
    collateral?: Record<string, unknown>;
    vcek?: Uint8Array;
    certChain?: string;
    crl?: Uint8Array;
  };
  gpu?: NvtrustEvidence;
  tlsSpki: Uint8Array;
  workerPubkey: Uint8Array;
  challenge?: Uint8Array;
  dev: boolean;
}

const TOP_KEYS = ['version', 'cpu', 'gpu', 'tlsSpki', 'workerPubkey', 'challenge', 'dev'];
const CPU_KEYS = ['type', 'quote', 'collateral', 'vcek', 'certChain', 'crl'];
const GPU_KEYS = ['nonce', 'arch', 'evidence_list'];

function bad(field: string, why: string): never {
  throw new EvidenceFormatError(field ? `bundle ${field}: ${why}` : `bundle: ${why}`);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function onlyKeys(o: Record<string, unknown>, allowed: string[], where: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) bad(where, `unknown field "${k.slice(0, 40)}"`);
}

function b64(o: Record<string, unknown>, key: string, where: string): Uint8Array {
  const v = o[key];
  if (typeof v !== 'string') bad(`${where}${key}`, 'must be a base64 string');
  try {
    return base64ToBytes(v, `bundle ${where}${key}`);
  } catch {
    bad(`${where}${key}`, 'is not valid base64');
  }
}

function derElement(b: Uint8Array, field: string): void {
  try {
    der.parse(b);
  } catch (e) {
    bad(field, `is not one DER element (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * Validates a bundle given as JSON values and decodes its binary fields.
 * @throws EvidenceFormatError naming the first offending field.
 */
export function decodeBundle(doc: unknown): DecodedBundle {
  if (!isObject(doc)) bad('', 'must be a JSON object');
  onlyKeys(doc, TOP_KEYS, '(top level)');
  if (doc.version !== BUNDLE_VERSION) bad('version', `unsupported version ${JSON.stringify(doc.version)?.slice(0, 20)} (this build reads ${BUNDLE_VERSION})`);

  const cpu = doc.cpu;
  if (!isObject(cpu)) bad('cpu', 'must be an object');
  onlyKeys(cpu, CPU_KEYS, 'cpu');
  if (cpu.type !== 'tdx' && cpu.type !== 'snp') bad('cpu.type', 'must be "tdx" or "snp"');
  const type = cpu.type;
  const quote = b64(cpu, 'quote', 'cpu.');
  let kind: CpuEvidenceKind;
  try {
    kind = detectEvidence(quote).kind;
  } catch (e) {
    bad('cpu.quote', e instanceof Error ? e.message : String(e));
  }
  if (kind !== type) bad('cpu.quote', `is an ${kind.toUpperCase()} quote but cpu.type is "${type}"`);
  const out: DecodedBundle['cpu'] = {type, quote};
  if (cpu.collateral !== undefined) {
    if (type !== 'tdx') bad('cpu.collateral', 'is for TDX only');
    if (!isObject(cpu.collateral)) bad('cpu.collateral', 'must be a JSON object');
    out.collateral = cpu.collateral;
  }
  if (cpu.vcek !== undefined) {
    if (type !== 'snp') bad('cpu.vcek', 'is for SEV-SNP only');
    out.vcek = b64(cpu, 'vcek', 'cpu.');
    derElement(out.vcek, 'cpu.vcek');
  }
  if (cpu.crl !== undefined) {
    if (type !== 'snp') bad('cpu.crl', 'is for SEV-SNP only');
    out.crl = b64(cpu, 'crl', 'cpu.');
    derElement(out.crl, 'cpu.crl');
  }
  if (cpu.certChain !== undefined) {
    if (typeof cpu.certChain !== 'string') bad('cpu.certChain', 'must be PEM text');
    try {
      parsePemChain(cpu.certChain);
    } catch (e) {
      bad('cpu.certChain', e instanceof Error ? e.message : String(e));
    }
    out.certChain = cpu.certChain;
  }

  let gpu: NvtrustEvidence | undefined;
  if (doc.gpu !== undefined) {
    if (!isObject(doc.gpu)) bad('gpu', 'must be an object');
    onlyKeys(doc.gpu, GPU_KEYS, 'gpu');
    try {
      parseNvtrustJson(doc.gpu);
    } catch (e) {
      bad('gpu', e instanceof Error ? e.message : String(e));
    }
    gpu = doc.gpu as unknown as NvtrustEvidence;
    gpu.evidence_list.forEach((e, i) => onlyKeys(e as unknown as Record<string, unknown>, ['certificate', 'evidence'], `gpu.evidence_list[${i}]`));
  }

  const tlsSpki = b64(doc, 'tlsSpki', '');
  try {
    createPublicKey({key: Buffer.from(tlsSpki), format: 'der', type: 'spki'});
  } catch {
    bad('tlsSpki', 'is not a SubjectPublicKeyInfo DER public key');
  }
  const workerPubkey = b64(doc, 'workerPubkey', '');
  if (workerPubkey.length !== WORKER_PUBKEY_SIZE || (workerPubkey[0] !== 0x02 && workerPubkey[0] !== 0x03)) {
    bad('workerPubkey', `must be a ${WORKER_PUBKEY_SIZE}-byte compressed secp256k1 public key`);
  }
  let challenge: Uint8Array | undefined;
  if (doc.challenge !== undefined) {
    if (typeof doc.challenge !== 'string' || !/^(?:[0-9a-fA-F]{2})+$/.test(doc.challenge)) bad('challenge', 'must be non-empty hex of even length');
    challenge = new Uint8Array(Buffer.from(doc.challenge, 'hex'));
  }
  if (doc.dev !== undefined && typeof doc.dev !== 'boolean') bad('dev', 'must be true or false');
  return {cpu: out, gpu, tlsSpki, workerPubkey, challenge, dev: doc.dev === true};
}

/**
 * Parses and validates bundle JSON text (or its UTF-8 bytes).
 * @throws EvidenceFormatError with a one-line reason naming the offending field.
 */
export function parseBundle(text: string | Uint8Array): AttestationBundle {
  if (text.length > MAX_BUNDLE_BYTES) throw new EvidenceFormatError(`bundle is too large (${text.length} bytes, limit ${MAX_BUNDLE_BYTES})`);
  const s = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(s);
  } catch (e) {
    throw new EvidenceFormatError(`bundle is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  decodeBundle(doc);
  return normalize(doc as AttestationBundle);
}

/** Copies a bundle with keys in the canonical order and absent optionals omitted. */
function normalize(b: AttestationBundle): AttestationBundle {
  const cpu: BundleCpu = {type: b.cpu.type, quote: b.cpu.quote};
  if (b.cpu.collateral !== undefined) cpu.collateral = b.cpu.collateral;
  if (b.cpu.vcek !== undefined) cpu.vcek = b.cpu.vcek;
  if (b.cpu.certChain !== undefined) cpu.certChain = b.cpu.certChain;
  if (b.cpu.crl !== undefined) cpu.crl = b.cpu.crl;
  const gpu: NvtrustEvidence | undefined =
    b.gpu === undefined
      ? undefined
      : {nonce: b.gpu.nonce, arch: b.gpu.arch, evidence_list: b.gpu.evidence_list.map((e) => ({certificate: e.certificate, evidence: e.evidence}))};
  const out: AttestationBundle = {version: BUNDLE_VERSION, cpu, ...(gpu ? {gpu} : {}), tlsSpki: b.tlsSpki, workerPubkey: b.workerPubkey};
  if (b.challenge !== undefined) out.challenge = b.challenge.toLowerCase();
  if (b.dev !== undefined) out.dev = b.dev;
  return out;
}

/**
 * Serialises a bundle as JSON text (2-space indented, canonical key order), validating it first.
 * @throws EvidenceFormatError when the bundle is invalid.
 */
export function serializeBundle(b: AttestationBundle): string {
  decodeBundle(b);
  return JSON.stringify(normalize(b), null, 2) + '\n';
}

/** Parts of a bundle as bytes, for {@link makeBundle}. */
export interface BundleParts {
  cpuType: CpuEvidenceKind;
  quote: Uint8Array;
  collateral?: Record<string, unknown>;
  vcek?: Uint8Array;
  certChain?: string;
  crl?: Uint8Array;
  gpu?: NvtrustEvidence;
  tlsSpki: Uint8Array;
  workerPubkey: Uint8Array;
  challenge?: Uint8Array;
  dev?: boolean;
}

/**
 * Builds a bundle from bytes (base64/hex encoding done here) and validates it.
 * @throws EvidenceFormatError when a part is invalid.
 */
export function makeBundle(p: BundleParts): AttestationBundle {
  const enc = (b: Uint8Array) => Buffer.from(b).toString('base64');
  const b: AttestationBundle = {
    version: BUNDLE_VERSION,
    cpu: {
      type: p.cpuType,
      quote: enc(p.quote),
      ...(p.collateral ? {collateral: p.collateral} : {}),
      ...(p.vcek ? {vcek: enc(p.vcek)} : {}),
      ...(p.certChain ? {certChain: p.certChain} : {}),
      ...(p.crl ? {crl: enc(p.crl)} : {}),
    },
    ...(p.gpu ? {gpu: p.gpu} : {}),
    tlsSpki: enc(p.tlsSpki),
    workerPubkey: enc(p.workerPubkey),
    ...(p.challenge ? {challenge: Buffer.from(p.challenge).toString('hex')} : {}),
    ...(p.dev !== undefined ? {dev: p.dev} : {}),
  };
  decodeBundle(b);
  return normalize(b);
}
