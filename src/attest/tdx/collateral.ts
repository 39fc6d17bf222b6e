/**
 * TDX collateral (attestation.md §1.3) in `@phala/dcap-qvl`'s `QuoteCollateralV3` JSON layout, and typed
 * readers for Intel's TCB info v3 (`id` "TDX") and enclave identity v2 (`id` "TD_QE") JSON
 * (Intel PCS API v4, "TCB Info" and "Enclave Identity" data models).
 *
 * The signed JSON texts are kept verbatim: their signatures cover those exact bytes.
 */
import {EvidenceFormatError} from '../types.js';

/** Collateral for one FMSPC/CA, as raw material; certificates, CRLs and JSON are parsed during verification. */
export interface TdxCollateral {
  /** PEM: PCK Platform/Processor CA, Intel SGX Root CA. */
  pckCrlIssuerChain: string;
  /** DER CRL issued by the Root CA. */
  rootCaCrl: Uint8Array;
  /** DER CRL issued by the PCK Platform/Processor CA. */
  pckCrl: Uint8Array;
  /** PEM: TCB Signing cert, Root CA. */
  tcbInfoIssuerChain: string;
  /** Exact signed text of the `tcbInfo` object. */
  tcbInfo: string;
  /** ECDSA P-256 `r ‖ s` (64 bytes) over `tcbInfo`'s UTF-8 bytes. */
  tcbInfoSignature: Uint8Array;
  qeIdentityIssuerChain: string;
  /** Exact signed text of the `enclaveIdentity` object. */
  qeIdentity: string;
  qeIdentitySignature: Uint8Array;
  /** PEM PCK chain for quotes that carry a PPID instead of the chain (inner certification data types 1–4). */
  pckCertificateChain?: string;
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

function bytesField(o: Record<string, unknown>, k: string): Uint8Array {
  const v = o[k];
  if (typeof v === 'string') {
    if (!HEX.test(v)) throw new EvidenceFormatError(`collateral: ${k} is not hex`);
    return Uint8Array.from(Buffer.from(v, 'hex'));
  }
  if (v instanceof Uint8Array) return Uint8Array.from(v);
  if (Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) return Uint8Array.from(v as number[]);
  throw new EvidenceFormatError(`collateral: ${k} is missing or not hex/bytes`);
}

function textField(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  throw new EvidenceFormatError(`collateral: ${k} is missing or not text`);
}

/**
 * Reads collateral in dcap-qvl's JSON layout (snake_case keys; CRLs and signatures as hex, or byte arrays).
 * Accepts JSON text or an already-parsed object.
 * @throws EvidenceFormatError when a field is missing or of the wrong kind. Contents are checked by the verifier.
 */
export function parseTdxCollateral(json: string | object): TdxCollateral {
  let o: unknown = json;
  if (typeof json === 'string') {
    try {
      o = JSON.parse(json);
    } catch (e) {
      throw new EvidenceFormatError(`collateral: not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new EvidenceFormatError('collateral: expected a JSON object');
  const r = o as Record<string, unknown>;
  return {
    pckCrlIssuerChain: textField(r, 'pck_crl_issuer_chain'),
    rootCaCrl: bytesField(r, 'root_ca_crl'),
    pckCrl: bytesField(r, 'pck_crl'),
    tcbInfoIssuerChain: textField(r, 'tcb_info_issuer_chain'),
    tcbInfo: textField(r, 'tcb_info'),
    tcbInfoSignature: bytesField(r, 'tcb_info_signature'),
    qeIdentityIssuerChain: textField(r, 'qe_identity_issuer_chain'),
    qeIdentity: textField(r, 'qe_identity'),
    qeIdentitySignature: bytesField(r, 'qe_identity_signature'),
    ...(typeof r.pck_certificate_chain === 'string' ? {pckCertificateChain: r.pck_certificate_chain} : {}),
  };
}

/** Back to dcap-qvl's JSON layout (for storage and for `@phala/dcap-qvl`). */
export function tdxCollateralToJson(c: TdxCollateral): Record<string, string> {
  const h = (b: Uint8Array) => Buffer.from(b).toString('hex');
  return {
    pck_crl_issuer_chain: c.pckCrlIssuerChain,
    root_ca_crl: h(c.rootCaCrl),
    pck_crl: h(c.pckCrl),
    tcb_info_issuer_chain: c.tcbInfoIssuerChain,
    tcb_info: c.tcbInfo,
    tcb_info_signature: h(c.tcbInfoSignature),
    qe_identity_issuer_chain: c.qeIdentityIssuerChain,
    qe_identity: c.qeIdentity,
    qe_identity_signature: h(c.qeIdentitySignature),
    ...(c.pckCertificateChain ? {pck_certificate_chain: c.pckCertificateChain} : {}),
  };
}

/** A TCB level of a TDX TCB info (v3). */
export interface TdxTcbLevel {
  sgxComponents: number[];
  pceSvn: number;
  tdxComponents: number[];
  tcbDate: string;
  tcbStatus: string;
  advisoryIds: string[];
}

/** A TCB level keyed by one ISVSVN (QE identity, TDX module identity). */
export interface IsvTcbLevel {
  isvSvn: number;
  tcbDate: string;
  tcbStatus: string;
  advisoryIds: string[];
}

/** A TDX module identity (`tdxModule` or a `tdxModuleIdentities` entry). Hex lower-case. */
export interface TdxModuleIdentity {
  id?: string;
  mrSigner: Uint8Array;
  attributes: Uint8Array;
  attributesMask: Uint8Array;
  /** Present for `tdxModuleIdentities` entries only. */
  tcbLevels?: IsvTcbLevel[];
}

/** TCB info v3 for TDX. Times in Unix seconds. */
export interface TdxTcbInfo {
  id: string;
  version: number;
  issueDate: number;
  nextUpdate: number;
  /** Lower-case hex. */
  fmspc: string;
  pceId: string;
  tcbType: number;
  tcbEvaluationDataNumber: number;
  tdxModule: TdxModuleIdentity;
  tdxModuleIdentities?: TdxModuleIdentity[];
  tcbLevels: TdxTcbLevel[];
}

/** Enclave identity v2 for the TD QE. */
export interface QeIdentity {
  id: string;
  version: number;
  issueDate: number;
  nextUpdate: number;
  tcbEvaluationDataNumber: number;
  miscselect: number;
  miscselectMask: number;
  attributes: Uint8Array;
  attributesMask: Uint8Array;
  mrSigner: Uint8Array;
  isvProdId: number;
  tcbLevels: IsvTcbLevel[];
}

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new EvidenceFormatError(`${what} must be an object`);
  return v as Obj;
}

function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new EvidenceFormatError(`${what} must be an array`);
  return v;
}

function uint(v: unknown, what: string, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new EvidenceFormatError(`${what} must be an integer 0..${max}`);
  return v;
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new EvidenceFormatError(`${what} must be a string`);
  return v;
}

function hexBytes(v: unknown, what: string, size: number): Uint8Array {
  const s = str(v, what);
  if (s.length !== size * 2 || !HEX.test(s)) throw new EvidenceFormatError(`${what} must be ${size} bytes of hex`);
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z$/;

/** ISO 8601 UTC text (`2025-06-19T10:16:03Z`) → Unix seconds. */
export function isoToUnix(v: unknown, what: string): number {
  const m = ISO.exec(str(v, what));
  if (!m) throw new EvidenceFormatError(`${what} is not an ISO 8601 UTC time`);
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
  if (!Number.isFinite(t)) throw new EvidenceFormatError(`${what} is not a valid time`);
  return t;
}

function advisories(v: unknown, what: string): string[] {
  if (v === undefined) return [];
  return arr(v, what).map((x, i) => str(x, `${what}[${i}]`));
}

function isvLevels(v: unknown, what: string): IsvTcbLevel[] {
  return arr(v, what).map((l, i) => {
    const o = obj(l, `${what}[${i}]`);
    return {
      isvSvn: uint(obj(o.tcb, `${what}[${i}].tcb`).isvsvn, `${what}[${i}].tcb.isvsvn`, 0xffff),
      tcbDate: str(o.tcbDate, `${what}[${i}].tcbDate`),
      tcbStatus: str(o.tcbStatus, `${what}[${i}].tcbStatus`),
      advisoryIds: advisories(o.advisoryIDs, `${what}[${i}].advisoryIDs`),
    };
  });
}

function components(v: unknown, what: string): number[] {
  const a = arr(v, what);
  if (a.length !== 16) throw new EvidenceFormatError(`${what} must have 16 entries, has ${a.length}`);
  return a.map((c, i) => uint(obj(c, `${what}[${i}]`).svn, `${what}[${i}].svn`, 255));
}

function moduleIdentity(v: unknown, what: string, withLevels: boolean): TdxModuleIdentity {
  const o = obj(v, what);
  return {
    ...(withLevels ? {id: str(o.id, `${what}.id`)} : {}),
    mrSigner: hexBytes(o.mrsigner, `${what}.mrsigner`, 48),
    attributes: hexBytes(o.attributes, `${what}.attributes`, 8),
    attributesMask: hexBytes(o.attributesMask, `${what}.attributesMask`, 8),
    ...(withLevels ? {tcbLevels: isvLevels(o.tcbLevels, `${what}.tcbLevels`)} : {}),
  };
}

/**
 * Parses the signed TCB info text. Shape errors (missing fields, component arrays not of 16, bad hex)
 * are EvidenceFormatErrors; semantic checks (id, version, dates, FMSPC) are the verifier's.
 */
export function parseTdxTcbInfo(text: string): TdxTcbInfo {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    throw new EvidenceFormatError('tcbInfo is not JSON');
  }
  const o = obj(j, 'tcbInfo');
  const fmspc = hexBytes(o.fmspc, 'tcbInfo.fmspc', 6);
  const pceId = hexBytes(o.pceId, 'tcbInfo.pceId', 2);
  return {
    id: str(o.id, 'tcbInfo.id'),
    version: uint(o.version, 'tcbInfo.version', 1000),
    issueDate: isoToUnix(o.issueDate, 'tcbInfo.issueDate'),
    nextUpdate: isoToUnix(o.nextUpdate, 'tcbInfo.nextUpdate'),
    fmspc: Buffer.from(fmspc).toString('hex'),
    pceId: Buffer.from(pceId).toString('hex'),
    tcbType: uint(o.tcbType, 'tcbInfo.tcbType', 1000),
    tcbEvaluationDataNumber: uint(o.tcbEvaluationDataNumber, 'tcbInfo.tcbEvaluationDataNumber', 0xffffffff),
    tdxModule: moduleIdentity(o.tdxModule, 'tcbInfo.tdxModule', false),
    ...(o.tdxModuleIdentities !== undefined
      ? {tdxModuleIdentities: arr(o.tdxModuleIdentities, 'tcbInfo.tdxModuleIdentities').map((m, i) => moduleIdentity(m, `tcbInfo.tdxModuleIdentities[${i}]`, true))}
      : {}),
    tcbLevels: arr(o.tcbLevels, 'tcbInfo.tcbLevels').map((l, i) => {
      const lv = obj(l, `tcbInfo.tcbLevels[${i}]`);
      const tcb = obj(lv.tcb, `tcbInfo.tcbLevels[${i}].tcb`);
      return {
        sgxComponents: components(tcb.sgxtcbcomponents, `tcbInfo.tcbLevels[${i}].tcb.sgxtcbcomponents`),
        pceSvn: uint(tcb.pcesvn, `tcbInfo.tcbLevels[${i}].tcb.pcesvn`, 0xffff),
        tdxComponents: components(tcb.tdxtcbcomponents, `tcbInfo.tcbLevels[${i}].tcb.tdxtcbcomponents`),
        tcbDate: str(lv.tcbDate, `tcbInfo.tcbLevels[${i}].tcbDate`),
        tcbStatus: str(lv.tcbStatus, `tcbInfo.tcbLevels[${i}].tcbStatus`),
        advisoryIds: advisories(lv.advisoryIDs, `tcbInfo.tcbLevels[${i}].advisoryIDs`),
      };
    }),
  };
}

/** Parses the signed enclave identity text (shape only). */
export function parseQeIdentity(text: string): QeIdentity {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    throw new EvidenceFormatError('enclaveIdentity is not JSON');
  }
  const o = obj(j, 'enclaveIdentity');
  const u32be = (v: unknown, what: string) => Buffer.from(hexBytes(v, what, 4)).readUInt32BE(0);
  return {
    id: str(o.id, 'enclaveIdentity.id'),
    version: uint(o.version, 'enclaveIdentity.version', 1000),
    issueDate: isoToUnix(o.issueDate, 'enclaveIdentity.issueDate'),
    nextUpdate: isoToUnix(o.nextUpdate, 'enclaveIdentity.nextUpdate'),
    tcbEvaluationDataNumber: uint(o.tcbEvaluationDataNumber, 'enclaveIdentity.tcbEvaluationDataNumber', 0xffffffff),
    miscselect: u32be(o.miscselect, 'enclaveIdentity.miscselect'),
    miscselectMask: u32be(o.miscselectMask, 'enclaveIdentity.miscselectMask'),
    attributes: hexBytes(o.attributes, 'enclaveIdentity.attributes', 16),
    attributesMask: hexBytes(o.attributesMask, 'enclaveIdentity.attributesMask', 16),
    mrSigner: hexBytes(o.mrsigner, 'enclaveIdentity.mrsigner', 32),
    isvProdId: uint(o.isvprodid, 'enclaveIdentity.isvprodid', 0xffff),
    tcbLevels: isvLevels(o.tcbLevels, 'enclaveIdentity.tcbLevels'),
  };
}
