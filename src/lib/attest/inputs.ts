/**
 * Reading and decoding evidence files given on the command line. Every problem becomes a UsageError
 * (exit 2) with a one-line reason naming the flag, before anything is verified.
 */
import {readFileSync, statSync} from 'node:fs';
import {decodeBytes, decodeDerOrPem, detectEvidence, isText, type DetectedEvidence} from '../../attest/detect.js';
import {parseNvtrustJson} from '../../attest/nvidia/verify.js';
import {parseTdxCollateral, type TdxCollateral} from '../../attest/tdx/collateral.js';
import {EvidenceFormatError} from '../../attest/types.js';
import {parsePemChain} from '../../attest/x509.js';
import {UsageError} from '../errors.js';

/** Largest evidence file read, bytes. */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reads a file named by a flag (`what`, e.g. `--quote`). */
export function readInputFile(file: string, what: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new UsageError(`${what} ${file} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as {code?: string}).code;
    throw new UsageError(`cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : msg(e)}`);
  }
  if (size > MAX_INPUT_BYTES) throw new UsageError(`${what} ${file} is too large (${size} bytes, limit ${MAX_INPUT_BYTES})`);
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${file}: ${msg(e)}`);
  }
}

/** Text of a file, or a usage error when it is binary. */
export function asText(b: Uint8Array, what: string): string {
  if (!isText(b)) throw new UsageError(`${what} is binary, expected text`);
  return Buffer.from(b).toString('utf8');
}

/** CPU evidence (TDX quote or SEV-SNP report; binary, hex or base64 auto-detected). */
export function cpuEvidence(b: Uint8Array, what: string): DetectedEvidence {
  try {
    return detectEvidence(b);
  } catch (e) {
    throw new UsageError(`${what}: ${msg(e)}`, {code: 'MALFORMED_EVIDENCE'});
  }
}

/** TDX collateral in dcap-qvl JSON layout. */
export function collateralJson(b: Uint8Array, what: string): TdxCollateral {
  try {
    return parseTdxCollateral(asText(b, what));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${what}: ${msg(e)}`, {code: 'MALFORMED_EVIDENCE'});
  }
}

/** One DER object (certificate or CRL) as binary, hex, base64 or PEM. */
export function derObject(b: Uint8Array, what: string): Uint8Array {
  try {
    return decodeDerOrPem(b, what);
  } catch (e) {
    throw new UsageError(`${what}: ${msg(e)}`, {code: 'MALFORMED_EVIDENCE'});
  }
}

/** A PEM certificate chain (text). */
export function pemChain(b: Uint8Array, what: string): string {
  const t = asText(b, what);
  try {
    parsePemChain(t);
  } catch (e) {
    throw new UsageError(`${what}: ${msg(e)}`, {code: 'MALFORMED_EVIDENCE'});
  }
  return t;
}

/** GPU evidence: nvtrust JSON (kept as text) or raw SPDM bytes (binary, hex or base64). */
export function gpuEvidence(b: Uint8Array, what: string): string | Uint8Array {
  const text = isText(b) ? Buffer.from(b).toString('utf8') : undefined;
  if (text !== undefined && text.trimStart().startsWith('{')) {
    try {
      parseNvtrustJson(text);
    } catch (e) {
      throw new UsageError(`${what}: ${msg(e)}`, {code: 'MALFORMED_EVIDENCE'});
    }
    return text;
  }
  try {
    return decodeBytes(b, what);
  } catch (e) {
    throw new UsageError(`${what}: ${msg(e)}`, {code: 'MALFORMED_EVIDENCE'});
  }
}

/** A 32-byte nonce as 64 hex characters (lower-cased). */
export function nonceHex(s: string, what: string): string {
  const t = s.trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{64}$/.test(t)) throw new UsageError(`${what} must be 64 hex characters (32 bytes)`);
  return t.toLowerCase();
}

/** Hex bytes of any non-zero even length. */
export function hexBytes(s: string, what: string): Uint8Array {
  const t = s.trim().replace(/^0x/i, '');
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(t)) throw new UsageError(`${what} must be hex (an even number of hex digits)`);
  return new Uint8Array(Buffer.from(t, 'hex'));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * A verification time from `--at`: Unix seconds, or ISO 8601 (a date, or a date-time with `Z` or an offset).
 * @returns Unix seconds.
 */
export function parseAt(s: string): number {
  const t = s.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Math.floor(Number(t));
  if (ISO_DATE.test(t) || ISO_TIME.test(t)) {
    const ms = Date.parse(ISO_DATE.test(t) ? `${t}T00:00:00Z` : t);
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  throw new UsageError(`--at "${s}" is neither Unix seconds nor an ISO 8601 time`, {suggestion: 'e.g. --at 1751328000 or --at 2025-07-01T00:00:00Z'});
}

/** What a positional evidence file holds, by content. */
export type PositionalKind = {kind: 'bundle'; json: unknown} | {kind: 'gpu'; evidence: string} | {kind: 'cpu'; evidence: DetectedEvidence};

/** Classifies the positional BUNDLE file: a bundle, nvtrust GPU JSON, or CPU evidence. */
export function classifyPositional(b: Uint8Array, what: string): PositionalKind {
  const text = isText(b) ? Buffer.from(b).toString('utf8') : undefined;
  if (text !== undefined && text.trimStart().startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`${what} is not valid JSON: ${msg(e)}`, {code: 'MALFORMED_EVIDENCE'});
    }
    const o = (doc ?? {}) as Record<string, unknown>;
    if ('cpu' in o || 'version' in o) return {kind: 'bundle', json: doc};
    if ('evidence_list' in o || 'error' in o) return {kind: 'gpu', evidence: gpuEvidence(b, what) as string};
    if ('tcb_info' in o) throw new UsageError(`${what} is TDX collateral, not evidence`, {suggestion: 'pass it with --collateral next to --quote'});
    throw new UsageError(`${what} is JSON but neither an attestation bundle nor GPU evidence`, {code: 'MALFORMED_EVIDENCE'});
  }
  return {kind: 'cpu', evidence: cpuEvidence(b, what)};
}

/** Re-throws format errors from pure code as usage errors (exit 2). */
export function asUsage<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof EvidenceFormatError) throw new UsageError(`${what}: ${e.message}`, {code: 'MALFORMED_EVIDENCE'});
    throw e;
  }
}
