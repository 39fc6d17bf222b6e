/**
 * Intel TDX DCAP quote parser, versions 4 and 5 (attestation.md §1.1; Intel "TDX DCAP Quoting Library API",
 * quote format appendix). Pure and bounds-checked: every malformed input becomes an EvidenceFormatError with
 * a one-line reason. Parsing checks structure only; signatures and policy are checked in verify.ts.
 */
import {EvidenceFormatError, Reader} from '../types.js';

/** Header layout (48 bytes). */
export const HEADER = {
  VERSION: 0,
  ATT_KEY_TYPE: 2,
  TEE_TYPE: 4,
  QE_SVN: 8,
  PCE_SVN: 10,
  QE_VENDOR_ID: 12,
  QE_VENDOR_ID_SIZE: 16,
  USER_DATA: 28,
  USER_DATA_SIZE: 20,
  SIZE: 48,
} as const;

/** Header constants. */
export const ATT_KEY_TYPE_ECDSA_P256 = 2;
export const TEE_TYPE_TDX = 0x81;
/** Intel's QE vendor ID, hex. */
export const INTEL_QE_VENDOR_ID = '939a7233f79c4ca9940a0db3957f0607';

/** v5 body descriptor: u16 type at 48, u32 size at 50, body at 54. */
export const V5 = {BODY_TYPE: 48, BODY_SIZE: 50, BODY_START: 54} as const;
/** v5 body types. */
export const BODY_TYPE_SGX = 1;
export const BODY_TYPE_TD10 = 2;
export const BODY_TYPE_TD15 = 3;
export const TD10_BODY_SIZE = 584;
export const TD15_BODY_SIZE = 648;

/** TD report body offsets, relative to the body start. */
export const TD = {
  TEE_TCB_SVN: 0x000,
  MRSEAM: 0x010,
  MRSIGNERSEAM: 0x040,
  SEAMATTRIBUTES: 0x070,
  TDATTRIBUTES: 0x078,
  XFAM: 0x080,
  MRTD: 0x088,
  MRCONFIGID: 0x0b8,
  MROWNER: 0x0e8,
  MROWNERCONFIG: 0x118,
  RTMR0: 0x148,
  RTMR1: 0x178,
  RTMR2: 0x1a8,
  RTMR3: 0x1d8,
  REPORTDATA: 0x208,
  TEE_TCB_SVN_2: 0x248,
  MRSERVICETD: 0x258,
} as const;
const SVN16 = 16;
const MR48 = 48;
const ATTR8 = 8;
const REPORT_DATA_SIZE = 64;

/** Signature data offsets relative to S (the end of the body). */
export const SIG = {
  LENGTH: 0,
  SIGNATURE: 4,
  ATT_KEY: 68,
  CERT_TYPE: 132,
  CERT_SIZE: 134,
  CERT_DATA: 138,
} as const;
const ECDSA_SIG_SIZE = 64;
const P256_POINT_SIZE = 64;
/** Outer certification data type: QE report certification data. */
export const CERT_TYPE_QE_REPORT = 6;
/** Inner certification data type: PCK certificate chain (PEM). */
export const CERT_TYPE_PCK_CHAIN = 5;

/** Type-6 certification data offsets. */
export const QE_CERT = {REPORT: 0, REPORT_SIZE: 384, SIGNATURE: 384, AUTH_SIZE: 448, AUTH_DATA: 450} as const;

/** SGX enclave report body (the QE report) offsets. */
export const QE_REPORT = {
  CPUSVN: 0,
  MISCSELECT: 16,
  ATTRIBUTES: 48,
  ATTRIBUTES_SIZE: 16,
  MRENCLAVE: 64,
  MRSIGNER: 128,
  ISVPRODID: 256,
  ISVSVN: 258,
  REPORTDATA: 320,
} as const;

/** Reject absurd inputs before touching them (a real quote is ~5 KB). */
export const MAX_QUOTE_SIZE = 1 << 20;

export interface TdxQuoteHeader {
  version: 4 | 5;
  attestationKeyType: number;
  teeType: number;
  /** Informational only. */
  qeSvn: number;
  /** Informational only; PCESVN comes from the PCK certificate. */
  pceSvn: number;
  qeVendorId: Uint8Array;
  userData: Uint8Array;
}

/** TD report body fields (48-byte measurement registers, 8-byte attribute words as raw little-endian bytes). */
export interface TdReportBody {
  /** 2 = TD 1.0 (584 bytes), 3 = TD 1.5 (648 bytes). v4 quotes are always 2. */
  bodyType: 2 | 3;
  teeTcbSvn: Uint8Array;
  mrSeam: Uint8Array;
  mrSignerSeam: Uint8Array;
  seamAttributes: Uint8Array;
  tdAttributes: Uint8Array;
  xfam: Uint8Array;
  mrTd: Uint8Array;
  mrConfigId: Uint8Array;
  mrOwner: Uint8Array;
  mrOwnerConfig: Uint8Array;
  rtmr: [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  reportData: Uint8Array;
  /** TD 1.5 only. */
  teeTcbSvn2?: Uint8Array;
  /** TD 1.5 only. */
  mrServiceTd?: Uint8Array;
}

/** The QE's SGX report body (384 bytes). */
export interface QeReport {
  raw: Uint8Array;
  cpuSvn: Uint8Array;
  miscSelect: number;
  attributes: Uint8Array;
  mrEnclave: Uint8Array;
  mrSigner: Uint8Array;
  isvProdId: number;
  isvSvn: number;
  reportData: Uint8Array;
}

export interface TdxQuote {
  /** The quote bytes up to `S+4+L` (zero padding dropped). */
  bytes: Uint8Array;
  header: TdxQuoteHeader;
  body: TdReportBody;
  /** Offset of the TD report body (48 for v4, 54 for v5). */
  bodyOffset: number;
  /** S: offset of the signature data; the quote signature covers `[0, S)`. */
  signatureDataOffset: number;
  /** `bytes[0, S)`. */
  signedRegion: Uint8Array;
  /** ECDSA P-256 `r ‖ s` over the signed region. */
  signature: Uint8Array;
  /** P-256 point `x ‖ y`. */
  attestationKey: Uint8Array;
  qeReport: QeReport;
  /** ECDSA P-256 `r ‖ s` by the PCK key over the QE report. */
  qeReportSignature: Uint8Array;
  qeAuthData: Uint8Array;
  /** Inner certification data type: 5 = PCK chain PEM; 1–4 = PPID forms that need the PCK from PCS. */
  certDataType: number;
  certData: Uint8Array;
  /** PEM text of the PCK chain (type 5 only), trailing NULs kept. */
  pckChainPem?: string;
  /** Length of the zero padding after `S+4+L` in the input. */
  paddingLength: number;
}

function parseBody(r: Reader, off: number, bodyType: 2 | 3): TdReportBody {
  const f = (o: number, n: number) => r.bytes(off + o, n);
  return {
    bodyType,
    teeTcbSvn: f(TD.TEE_TCB_SVN, SVN16),
    mrSeam: f(TD.MRSEAM, MR48),
    mrSignerSeam: f(TD.MRSIGNERSEAM, MR48),
    seamAttributes: f(TD.SEAMATTRIBUTES, ATTR8),
    tdAttributes: f(TD.TDATTRIBUTES, ATTR8),
    xfam: f(TD.XFAM, ATTR8),
    mrTd: f(TD.MRTD, MR48),
    mrConfigId: f(TD.MRCONFIGID, MR48),
    mrOwner: f(TD.MROWNER, MR48),
    mrOwnerConfig: f(TD.MROWNERCONFIG, MR48),
    rtmr: [f(TD.RTMR0, MR48), f(TD.RTMR1, MR48), f(TD.RTMR2, MR48), f(TD.RTMR3, MR48)],
    reportData: f(TD.REPORTDATA, REPORT_DATA_SIZE),
    ...(bodyType === BODY_TYPE_TD15 ? {teeTcbSvn2: f(TD.TEE_TCB_SVN_2, SVN16), mrServiceTd: f(TD.MRSERVICETD, MR48)} : {}),
  };
}

/** Parses the 384-byte SGX report body of the QE. */
export function parseQeReport(raw: Uint8Array): QeReport {
  const r = new Reader(raw, 'QE report');
  if (raw.length !== QE_CERT.REPORT_SIZE) throw new EvidenceFormatError(`QE report must be ${QE_CERT.REPORT_SIZE} bytes`);
  return {
    raw,
    cpuSvn: r.bytes(QE_REPORT.CPUSVN, SVN16),
    miscSelect: r.u32(QE_REPORT.MISCSELECT),
    attributes: r.bytes(QE_REPORT.ATTRIBUTES, QE_REPORT.ATTRIBUTES_SIZE),
    mrEnclave: r.bytes(QE_REPORT.MRENCLAVE, 32),
    mrSigner: r.bytes(QE_REPORT.MRSIGNER, 32),
    isvProdId: r.u16(QE_REPORT.ISVPRODID),
    isvSvn: r.u16(QE_REPORT.ISVSVN),
    reportData: r.bytes(QE_REPORT.REPORTDATA, REPORT_DATA_SIZE),
  };
}

/**
 * Parses a TDX quote (v4 or v5). Checks the structure: version, attestation key type, TEE type, v5 body
 * type and size, certification data types (outer 6; inner 1–5) and that every length field stays within
 * its container and adds up exactly. Bytes after `S+4+L` must be zero (padding) — anything else is rejected.
 * The QE vendor ID is parsed, not judged (verify.ts checks it).
 * @throws EvidenceFormatError with a one-line reason.
 */
export function parseTdxQuote(input: Uint8Array): TdxQuote {
  if (!(input instanceof Uint8Array)) throw new EvidenceFormatError('TDX quote: expected bytes');
  if (input.length > MAX_QUOTE_SIZE) throw new EvidenceFormatError(`TDX quote: ${input.length} bytes is larger than ${MAX_QUOTE_SIZE}`);
  const r = new Reader(input, 'TDX quote');
  if (input.length < HEADER.SIZE) throw new EvidenceFormatError(`TDX quote: ${input.length} bytes is shorter than the ${HEADER.SIZE}-byte header`);
  const version = r.u16(HEADER.VERSION);
  if (version !== 4 && version !== 5) throw new EvidenceFormatError(`TDX quote: unsupported version ${version}`);
  const attestationKeyType = r.u16(HEADER.ATT_KEY_TYPE);
  if (attestationKeyType !== ATT_KEY_TYPE_ECDSA_P256) throw new EvidenceFormatError(`TDX quote: attestation key type ${attestationKeyType} is not ECDSA P-256 (2)`);
  const teeType = r.u32(HEADER.TEE_TYPE);
  if (teeType !== TEE_TYPE_TDX) throw new EvidenceFormatError(`TDX quote: TEE type 0x${teeType.toString(16)} is not TDX (0x81)`);
  const header: TdxQuoteHeader = {
    version,
    attestationKeyType,
    teeType,
    qeSvn: r.u16(HEADER.QE_SVN),
    pceSvn: r.u16(HEADER.PCE_SVN),
    qeVendorId: r.bytes(HEADER.QE_VENDOR_ID, HEADER.QE_VENDOR_ID_SIZE),
    userData: r.bytes(HEADER.USER_DATA, HEADER.USER_DATA_SIZE),
  };

  let bodyOffset: number;
  let bodyType: 2 | 3;
  let bodySize: number;
  if (version === 4) {
    bodyOffset = HEADER.SIZE;
    bodyType = BODY_TYPE_TD10;
    bodySize = TD10_BODY_SIZE;
  } else {
    const t = r.u16(V5.BODY_TYPE);
    bodySize = r.u32(V5.BODY_SIZE);
    if (t === BODY_TYPE_SGX) throw new EvidenceFormatError('TDX quote: v5 body type 1 (SGX enclave) is not a TD report');
    if (t !== BODY_TYPE_TD10 && t !== BODY_TYPE_TD15) throw new EvidenceFormatError(`TDX quote: unknown v5 body type ${t}`);
    bodyType = t;
    const want = t === BODY_TYPE_TD10 ? TD10_BODY_SIZE : TD15_BODY_SIZE;
    if (bodySize !== want) throw new EvidenceFormatError(`TDX quote: v5 body type ${t} must be ${want} bytes, header says ${bodySize}`);
    bodyOffset = V5.BODY_START;
  }
  const S = bodyOffset + bodySize;
  const body = parseBody(r, bodyOffset, bodyType);

  const L = r.u32(S + SIG.LENGTH);
  const end = S + 4 + L;
  if (end > input.length) throw new EvidenceFormatError(`TDX quote: signature data length ${L} runs past the end (${input.length} bytes)`);
  for (let i = end; i < input.length; i++) {
    if (input[i] !== 0) throw new EvidenceFormatError(`TDX quote: non-zero byte at ${i} after the signature data (ends at ${end})`);
  }
  const q = new Reader(input.subarray(0, end), 'TDX quote signature data');
  const signature = q.bytes(S + SIG.SIGNATURE, ECDSA_SIG_SIZE);
  const attestationKey = q.bytes(S + SIG.ATT_KEY, P256_POINT_SIZE);
  const outerType = q.u16(S + SIG.CERT_TYPE);
  if (outerType !== CERT_TYPE_QE_REPORT) throw new EvidenceFormatError(`TDX quote: certification data type ${outerType} is not 6 (QE report)`);
  const C = q.u32(S + SIG.CERT_SIZE);
  const certStart = S + SIG.CERT_DATA;
  if (certStart + C !== end) throw new EvidenceFormatError(`TDX quote: certification data size ${C} does not match the signature data length ${L}`);

  const c = new Reader(q.bytes(certStart, C), 'TDX quote certification data');
  const qeReport = parseQeReport(c.bytes(QE_CERT.REPORT, QE_CERT.REPORT_SIZE));
  const qeReportSignature = c.bytes(QE_CERT.SIGNATURE, ECDSA_SIG_SIZE);
  const A = c.u16(QE_CERT.AUTH_SIZE);
  const qeAuthData = c.bytes(QE_CERT.AUTH_DATA, A);
  const innerOff = QE_CERT.AUTH_DATA + A;
  const certDataType = c.u16(innerOff);
  const innerSize = c.u32(innerOff + 2);
  const certData = c.bytes(innerOff + 6, innerSize);
  if (innerOff + 6 + innerSize !== C) throw new EvidenceFormatError(`TDX quote: inner certification data (${innerSize} bytes) does not fill the QE certification data`);
  if (certDataType < 1 || certDataType > CERT_TYPE_PCK_CHAIN) throw new EvidenceFormatError(`TDX quote: inner certification data type ${certDataType} is not 1–5`);
  let pckChainPem: string | undefined;
  if (certDataType === CERT_TYPE_PCK_CHAIN) {
    for (const b of certData) {
      if (b > 0x7e || (b < 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0)) {
        throw new EvidenceFormatError('TDX quote: PCK certificate chain is not PEM text');
      }
    }
    pckChainPem = Buffer.from(certData).toString('latin1');
  }
  const bytes = input.subarray(0, end);
  return {
    bytes,
    header,
    body,
    bodyOffset,
    signatureDataOffset: S,
    signedRegion: bytes.subarray(0, S),
    signature,
    attestationKey,
    qeReport,
    qeReportSignature,
    qeAuthData,
    certDataType,
    certData,
    pckChainPem,
    paddingLength: input.length - end,
  };
}
