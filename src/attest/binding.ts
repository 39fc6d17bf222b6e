/**
 * Binding of CPU evidence to the worker's TLS key, its GPU evidence and its secp256k1 key
 * (design.md §5; attestation.md §4, the SecretVM convention):
 *
 * - `REPORTDATA[0..32]` = SHA-256 of the worker's TLS SubjectPublicKeyInfo DER (current images) or of the
 *   whole TLS certificate DER (legacy images) — either is accepted and the result says which;
 * - `REPORTDATA[32..64]` = the GPU nonce = the `/gpu` JSON `nonce` = every GPU's SPDM request nonce;
 * - the GPU nonce = SHA-256("secretai/v1" ‖ worker_pubkey ‖ registration challenge).
 *
 * Pure: bytes in, checks out.
 */
import {createHash} from 'node:crypto';
import {sha256} from '../../contracts/common/encoding.js';
import {decodeBytes} from './detect.js';
import {CheckList, hex, type Check, type Verdict} from './types.js';
import {bytesEqual, parseCertDer} from './x509.js';

/** Domain-separation prefix of the GPU nonce (ASCII). */
export const GPU_NONCE_DOMAIN = 'secretai/v1';
/** REPORTDATA size, bytes (TDX and SEV-SNP alike). */
export const REPORT_DATA_SIZE = 64;
/** Half of REPORTDATA: the TLS hash, then the GPU nonce. */
const HALF = 32;
/** Compressed secp256k1 public key size, bytes. */
export const WORKER_PUBKEY_SIZE = 33;

/**
 * The GPU nonce of design.md §5: SHA-256("secretai/v1" ‖ worker_pubkey ‖ challenge), 32 bytes.
 * @param workerPubkey compressed secp256k1 public key (33 bytes)
 * @param challenge the registration challenge bytes as issued by the WorkerManager contract
 */
export function gpuNonce(workerPubkey: Uint8Array, challenge: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(GPU_NONCE_DOMAIN, 'ascii').update(workerPubkey).update(challenge).digest());
}

/** Input to {@link checkBinding}. Absent inputs are not checked (see each check). */
export interface BindingInput {
  /** The CPU report's REPORTDATA: 64 bytes, or 128 hex characters. */
  reportData: Uint8Array | string;
  /** The worker's TLS public key, SubjectPublicKeyInfo DER (from the bundle or the live connection). */
  tlsSpkiDer?: Uint8Array;
  /** The TLS certificate DER actually presented by the worker. */
  tlsCertDer?: Uint8Array;
  /** The `/gpu` JSON `nonce` (64 hex characters or 32 bytes). */
  gpuJsonNonce?: string | Uint8Array;
  /** Each GPU's SPDM request nonce (64 hex characters or 32 bytes each). */
  gpuRequestNonces?: (string | Uint8Array)[];
  /** The worker's compressed secp256k1 public key (33 bytes). */
  workerPubkey?: Uint8Array;
  /** The registration challenge the worker answered. */
  challenge?: Uint8Array;
  /**
   * The binding is required: when REPORTDATA[32..64] names a GPU nonce but no GPU evidence was supplied, the
   * GPU half is missing (verdict `unverifiable`) instead of merely skipped.
   */
  requireGpuEvidence?: boolean;
  /** With `requireGpuEvidence`: accept no GPU evidence when the nonce half binds only the worker key and challenge. */
  allowCpuOnly?: boolean;
}

/** Result of {@link checkBinding}. */
export interface BindingResult {
  verdict: Verdict;
  checks: Check[];
  reasons: string[];
  /** Which TLS hash matched: `spki` (current images) or `certificate` (legacy). */
  tls?: 'spki' | 'certificate';
  /** REPORTDATA[0..32] and [32..64], lower-case hex. */
  reportDataTlsHash?: string;
  reportDataNonce?: string;
}

function nonceBytes(n: string | Uint8Array): Uint8Array | undefined {
  if (typeof n === 'string') return /^[0-9a-fA-F]{64}$/.test(n.trim()) ? new Uint8Array(Buffer.from(n.trim(), 'hex')) : undefined;
  return n.length === HALF ? n : undefined;
}

function isZero(b: Uint8Array): boolean {
  return b.every((x) => x === 0);
}

/**
 * Checks the bindings carried by REPORTDATA, recording:
 * - `binding.report_data` only when REPORTDATA is not 64 bytes (then nothing else runs);
 * - `binding.tls`: SPKI hash (current) or certificate hash (legacy) equals REPORTDATA[0..32]; when both
 *   an SPKI and a certificate are given, the certificate's key must be that SPKI. Neither given → missing.
 * - `binding.gpu_nonce`: the JSON nonce and each SPDM request nonce equal REPORTDATA[32..64]. None given →
 *   passes when REPORTDATA[32..64] is zero (no GPU), else missing with `requireGpuEvidence`, else skipped.
 * - `binding.worker`: REPORTDATA[32..64] = {@link gpuNonce}(workerPubkey, challenge). Recorded only when a
 *   worker key or a challenge is given; one without the other is missing.
 */
export function checkBinding(input: BindingInput): BindingResult {
  const list = new CheckList();
  const out: Omit<BindingResult, 'verdict' | 'checks' | 'reasons'> = {};
  let rd: Uint8Array | undefined;
  try {
    rd = typeof input.reportData === 'string' ? decodeBytes(input.reportData, 'report data') : input.reportData;
  } catch {
    rd = undefined;
  }
  if (!rd || rd.length !== REPORT_DATA_SIZE) {
    list.fail('binding.report_data', `REPORTDATA must be ${REPORT_DATA_SIZE} bytes${rd ? `, got ${rd.length}` : ''}`);
    return {verdict: list.verdict(), checks: list.checks, reasons: list.reasons()};
  }
  const tlsHalf = rd.subarray(0, HALF);
  const nonceHalf = rd.subarray(HALF);
  out.reportDataTlsHash = hex(tlsHalf);
  out.reportDataNonce = hex(nonceHalf);

  // (a) TLS key.
  checkTls(list, input, tlsHalf, out);

  // (b), (c) GPU nonces.
  const given: {what: string; value: string | Uint8Array}[] = [];
  if (input.gpuJsonNonce !== undefined) given.push({what: 'GPU JSON nonce', value: input.gpuJsonNonce});
  (input.gpuRequestNonces ?? []).forEach((n, i) => given.push({what: `GPU ${i} SPDM request nonce`, value: n}));
  if (given.length === 0) {
    if (isZero(nonceHalf)) list.pass('binding.gpu_nonce', 'no GPU evidence; REPORTDATA[32..64] is zero');
    else if (input.requireGpuEvidence) {
      // Without GPU evidence the nonce half can still be accounted for: it binds the worker key and challenge
      // (a CPU-only worker). Anything else in it is unexplained, and the GPU could not be checked.
      const pk = input.workerPubkey;
      const ch = input.challenge;
      const workerOnly = input.allowCpuOnly === true && pk !== undefined && ch !== undefined && ch.length > 0 && pk.length === WORKER_PUBKEY_SIZE && bytesEqual(gpuNonce(pk, ch), nonceHalf);
      if (workerOnly) list.warn('binding.gpu_nonce', 'no GPU evidence: REPORTDATA[32..64] binds only the worker key and challenge (CPU-only attestation; no GPU was checked)');
      else list.missing('binding.gpu_nonce', 'REPORTDATA[32..64] holds a nonce but no GPU evidence was supplied: the GPU was not checked');
    }
    else list.skip('binding.gpu_nonce', 'no GPU evidence supplied; REPORTDATA[32..64] not compared with a GPU nonce');
  } else {
    const bad: string[] = [];
    for (const g of given) {
      const b = nonceBytes(g.value);
      if (!b) bad.push(`${g.what} is not 32 bytes / 64 hex characters`);
      else if (!bytesEqual(b, nonceHalf)) bad.push(`${g.what} ${hex(b)} ≠ REPORTDATA[32..64] ${hex(nonceHalf)}`);
    }
    list.check(
      'binding.gpu_nonce',
      bad.length === 0,
      `${given.map((g) => g.what).join(', ')} = REPORTDATA[32..64] ${hex(nonceHalf)}`,
      bad.join('; '),
    );
  }

  // Worker key and registration challenge.
  const pk = input.workerPubkey;
  const ch = input.challenge;
  if (pk !== undefined || ch !== undefined) {
    if (pk === undefined) list.missing('binding.worker', 'a challenge was given but no worker public key');
    else if (pk.length !== WORKER_PUBKEY_SIZE || (pk[0] !== 0x02 && pk[0] !== 0x03)) {
      list.fail('binding.worker', `worker public key must be a ${WORKER_PUBKEY_SIZE}-byte compressed secp256k1 key`);
    } else if (ch === undefined) list.missing('binding.worker', 'no registration challenge: the worker key cannot be tied to the report');
    else if (ch.length === 0) list.fail('binding.worker', 'registration challenge is empty');
    else {
      const want = gpuNonce(pk, ch);
      list.check(
        'binding.worker',
        bytesEqual(want, nonceHalf),
        `REPORTDATA[32..64] = SHA-256("${GPU_NONCE_DOMAIN}" ‖ worker key ‖ challenge)`,
        `REPORTDATA[32..64] ${hex(nonceHalf)} ≠ SHA-256("${GPU_NONCE_DOMAIN}" ‖ worker key ‖ challenge) ${hex(want)}`,
      );
    }
  }
  return {verdict: list.verdict(), checks: list.checks, reasons: list.reasons(), ...out};
}

function checkTls(list: CheckList, input: BindingInput, tlsHalf: Uint8Array, out: {tls?: 'spki' | 'certificate'}): void {
  if (!input.tlsSpkiDer && !input.tlsCertDer) {
    list.missing('binding.tls', 'no TLS key or certificate to compare with REPORTDATA[0..32]');
    return;
  }
  let certSpki: Uint8Array | undefined;
  if (input.tlsCertDer) {
    try {
      certSpki = parseCertDer(input.tlsCertDer).spkiDer;
    } catch (e) {
      list.fail('binding.tls', `TLS certificate is unparseable: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (input.tlsSpkiDer && !bytesEqual(certSpki, input.tlsSpkiDer)) {
      list.fail('binding.tls', 'the presented TLS certificate carries a different key than the attested TLS SPKI');
      return;
    }
  }
  const spki = input.tlsSpkiDer ?? certSpki;
  if (spki && bytesEqual(sha256(spki), tlsHalf)) {
    out.tls = 'spki';
    list.pass('binding.tls', `REPORTDATA[0..32] = SHA-256(TLS SPKI) ${hex(tlsHalf)}`);
    return;
  }
  if (input.tlsCertDer && bytesEqual(sha256(input.tlsCertDer), tlsHalf)) {
    out.tls = 'certificate';
    list.pass('binding.tls', `REPORTDATA[0..32] = SHA-256(TLS certificate DER) ${hex(tlsHalf)} (legacy binding)`);
    return;
  }
  list.fail(
    'binding.tls',
    `REPORTDATA[0..32] ${hex(tlsHalf)} matches neither SHA-256(TLS SPKI)${input.tlsCertDer ? ' nor SHA-256(TLS certificate)' : ''}`,
  );
}
