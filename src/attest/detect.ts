/**
 * Evidence encoding and format detection (attestation.md §0).
 *
 * A worker serves a TDX quote as hex text and an SEV-SNP report as base64 text; files on disk may be
 * raw binary or either text form. Hex text is also valid base64, so detection is explicit: hex is
 * tried first and accepted only when the decoded bytes have the expected structure, then base64.
 * Pure: bytes or text in, bytes out; nothing here reads files or the network.
 */
import {EvidenceFormatError} from './types.js';

/** SEV-SNP attestation report size (AMD SEV-SNP ABI, `ATTESTATION_REPORT`), bytes. */
export const SNP_REPORT_SIZE = 0x4a0;
/** Offset of the SNP report's SIGNATURE_ALGO field. */
const SNP_SIGNATURE_ALGO_OFFSET = 0x34;
/** Minimum bytes needed to recognise a TDX quote header (version u16, key type u16, TEE type u32). */
const TDX_HEADER_PROBE = 8;
/** TDX quote header: TEE type at offset 4. */
const TDX_TEE_TYPE_OFFSET = 4;
/** TEE type value for TDX (SGX is 0). */
const TDX_TEE_TYPE = 0x81;
/** Upper bound on any evidence input, bytes (TDX quotes are ~5 KB, GPU evidence lists well under 1 MB). */
export const MAX_EVIDENCE_BYTES = 4 * 1024 * 1024;

/** CPU evidence kinds this package verifies. */
export type CpuEvidenceKind = 'tdx' | 'snp';

/** Decoded CPU evidence. */
export interface DetectedEvidence {
  kind: CpuEvidenceKind;
  /** Raw quote/report bytes (a copy). */
  bytes: Uint8Array;
  /** How the input was encoded. */
  encoding: 'binary' | 'hex' | 'base64';
}

function u16le(b: Uint8Array, off: number): number {
  return b[off] | (b[off + 1] << 8);
}

function u32le(b: Uint8Array, off: number): number {
  return (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16)) + b[off + 3] * 0x1000000;
}

/** True when the bytes start like a TDX quote (§0 step 1: version 4 or 5, TEE type 0x81). */
export function looksLikeTdxQuote(b: Uint8Array): boolean {
  if (b.length < TDX_HEADER_PROBE) return false;
  const version = u16le(b, 0);
  return (version === 4 || version === 5) && u32le(b, TDX_TEE_TYPE_OFFSET) === TDX_TEE_TYPE;
}

/** True when the bytes look like an SEV-SNP report (§0 step 2: ≥ 1184 bytes, VERSION ≥ 2, SIGNATURE_ALGO 1). */
export function looksLikeSnpReport(b: Uint8Array): boolean {
  return b.length >= SNP_REPORT_SIZE && u32le(b, 0) >= 2 && u32le(b, SNP_SIGNATURE_ALGO_OFFSET) === 1;
}

function classify(b: Uint8Array): CpuEvidenceKind | undefined {
  if (looksLikeTdxQuote(b)) return 'tdx';
  if (looksLikeSnpReport(b)) return 'snp';
  return undefined;
}

/** True when every byte is printable ASCII or whitespace (so the input is text, not a raw structure). */
export function isText(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (!((c >= 0x20 && c <= 0x7e) || c === 0x09 || c === 0x0a || c === 0x0d)) return false;
  }
  return true;
}

const HEX_RE = /^[0-9a-fA-F]*$/;
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const B64URL_RE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Decodes hex text (whitespace already removed), or undefined when it is not hex of even length. */
function tryHex(s: string): Uint8Array | undefined {
  if (s.length === 0 || s.length % 2 !== 0 || !HEX_RE.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, 'hex'));
}

/**
 * Decodes base64 or base64url text (whitespace already removed), or undefined when it is not.
 * Padding, when present, must be correct; a length of 1 mod 4 is never valid.
 */
function tryBase64(s: string): Uint8Array | undefined {
  if (s.length === 0) return undefined;
  const url = !B64_RE.test(s);
  if (url && !B64URL_RE.test(s)) return undefined;
  const body = s.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  if (s.length !== body.length && s.length % 4 !== 0) return undefined;
  const out = new Uint8Array(Buffer.from(body, url ? 'base64url' : 'base64'));
  // Reject non-canonical trailing bits so that two different texts never decode to the same bytes silently.
  const reencoded = Buffer.from(out).toString(url ? 'base64url' : 'base64').replace(/=+$/, '');
  if (reencoded !== body) return undefined;
  return out;
}

function asText(input: Uint8Array | string): string | undefined {
  if (typeof input === 'string') return input;
  return isText(input) ? Buffer.from(input).toString('latin1') : undefined;
}

function checkSize(n: number, what: string): void {
  if (n > MAX_EVIDENCE_BYTES) throw new EvidenceFormatError(`${what} is too large (${n} bytes, limit ${MAX_EVIDENCE_BYTES})`);
}

/**
 * Decodes CPU evidence and says what it is (attestation.md §0): a TDX quote (raw, hex or base64 text)
 * or an SEV-SNP report (raw, base64 or hex text). For text, hex is tried first and accepted only when
 * the decoded bytes look like a TDX quote or an SNP report; otherwise base64 is tried with the same test.
 * Raw binary is recognised by the same structural tests. Sizes are checked by the parsers, not here.
 * @throws EvidenceFormatError with a one-line reason when the input is neither.
 */
export function detectEvidence(input: Uint8Array | string): DetectedEvidence {
  checkSize(input.length, 'evidence');
  const text = asText(input);
  if (text === undefined) {
    const bytes = Uint8Array.from(input as Uint8Array);
    const kind = classify(bytes);
    if (kind) return {kind, bytes, encoding: 'binary'};
    throw new EvidenceFormatError('evidence is binary but neither a TDX quote (version 4/5, TEE type 0x81) nor an SEV-SNP report');
  }
  const s = text.replace(/\s+/g, '');
  if (s.length === 0) throw new EvidenceFormatError('evidence is empty');
  const fromHex = tryHex(s);
  if (fromHex) {
    const kind = classify(fromHex);
    if (kind) return {kind, bytes: fromHex, encoding: 'hex'};
  }
  const fromB64 = tryBase64(s);
  if (fromB64) {
    const kind = classify(fromB64);
    if (kind) return {kind, bytes: fromB64, encoding: 'base64'};
  }
  if (!fromHex && !fromB64) throw new EvidenceFormatError('evidence text is neither hex nor base64');
  throw new EvidenceFormatError('evidence decodes but is neither a TDX quote (version 4/5, TEE type 0x81) nor an SEV-SNP report (version ≥ 2, signature algorithm 1)');
}

/**
 * Decodes any evidence file whose content is bytes: raw binary is returned as is (copied); text is
 * whitespace-stripped and decoded as hex when it is hex of even length, else as base64/base64url.
 * A hex-looking text is always treated as hex (base64 text of real evidence essentially never consists
 * only of hex digits). PEM text is refused here: use a PEM parser for certificates.
 * @throws EvidenceFormatError when the text is empty, PEM, or neither hex nor base64.
 */
export function decodeBytes(input: Uint8Array | string, what = 'input'): Uint8Array {
  checkSize(input.length, what);
  const text = asText(input);
  if (text === undefined) return Uint8Array.from(input as Uint8Array);
  if (text.includes('-----BEGIN')) throw new EvidenceFormatError(`${what} is PEM text, not binary/hex/base64 bytes`);
  const s = text.replace(/\s+/g, '');
  if (s.length === 0) throw new EvidenceFormatError(`${what} is empty`);
  const fromHex = tryHex(s);
  if (fromHex) return fromHex;
  const fromB64 = tryBase64(s);
  if (fromB64) return fromB64;
  throw new EvidenceFormatError(`${what} is neither binary, hex nor base64`);
}

/**
 * Decodes DER that may arrive as raw bytes, hex, base64 or a single PEM block of any label.
 * @throws EvidenceFormatError on anything else.
 */
export function decodeDerOrPem(input: Uint8Array | string, what = 'input'): Uint8Array {
  checkSize(input.length, what);
  const text = asText(input);
  if (text !== undefined && text.includes('-----BEGIN')) {
    const m = /^\s*-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\s]*)-----END \1-----[\s\0]*$/.exec(text);
    if (!m) throw new EvidenceFormatError(`${what}: expected exactly one PEM block`);
    const b = tryBase64(m[2].replace(/\s+/g, ''));
    if (!b) throw new EvidenceFormatError(`${what}: PEM block is not valid base64`);
    return b;
  }
  return decodeBytes(input, what);
}

/** Strict base64 (standard alphabet, padding optional but correct) → bytes, or an error naming the field. */
export function base64ToBytes(s: string, what: string): Uint8Array {
  if (typeof s !== 'string') throw new EvidenceFormatError(`${what}: expected a base64 string`);
  const t = s.replace(/\s+/g, '');
  if (!B64_RE.test(t)) throw new EvidenceFormatError(`${what}: not base64`);
  const b = tryBase64(t);
  if (!b) throw new EvidenceFormatError(`${what}: not valid base64`);
  return b;
}
