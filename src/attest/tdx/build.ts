/**
 * Mints TDX quotes (v4 or v5) in the real layout (attestation.md §1.1), signed with keys the caller holds.
 * For the devnet-only dev chain of trust and for negative tests; a quote built here verifies only against a
 * root the verifier was told to trust (`dangerousExtraRootSha256`), never against Intel's pinned root.
 */
import {createHash, createPublicKey, sign as cryptoSign, type KeyObject} from 'node:crypto';
import * as w from '../der-write.js';
import {
  ATT_KEY_TYPE_ECDSA_P256,
  BODY_TYPE_TD10,
  BODY_TYPE_TD15,
  CERT_TYPE_PCK_CHAIN,
  CERT_TYPE_QE_REPORT,
  HEADER,
  INTEL_QE_VENDOR_ID,
  QE_CERT,
  QE_REPORT,
  SIG,
  TD,
  TD10_BODY_SIZE,
  TD15_BODY_SIZE,
  TEE_TYPE_TDX,
  V5,
} from './quote.js';

/** Public values of Intel's TD QE identity, used as defaults for minted QE reports. */
export const TD_QE_DEFAULTS = {
  mrSigner: 'dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5',
  isvProdId: 2,
  attributes: '11000000000000000000000000000000',
} as const;

/** TD report body fields; unset fields are zero (TDATTRIBUTES defaults to SEPT_VE_DISABLE only). */
export interface TdBodyFields {
  teeTcbSvn?: Uint8Array;
  mrSeam?: Uint8Array;
  mrSignerSeam?: Uint8Array;
  seamAttributes?: Uint8Array;
  tdAttributes?: Uint8Array;
  xfam?: Uint8Array;
  mrTd?: Uint8Array;
  mrConfigId?: Uint8Array;
  mrOwner?: Uint8Array;
  mrOwnerConfig?: Uint8Array;
  rtmr?: Uint8Array[];
  reportData?: Uint8Array;
  teeTcbSvn2?: Uint8Array;
  mrServiceTd?: Uint8Array;
}

/** QE report fields; defaults are Intel's TD QE identity with ISVSVN 4. */
export interface QeReportFields {
  cpuSvn?: Uint8Array;
  miscSelect?: number;
  attributes?: Uint8Array;
  mrEnclave?: Uint8Array;
  mrSigner?: Uint8Array;
  isvProdId?: number;
  isvSvn?: number;
}

export interface BuildTdxQuoteInput {
  /** 4 (default) or 5. */
  version?: 4 | 5;
  /** v5 only: 2 (TD 1.0) or 3 (TD 1.5, default). */
  bodyType?: 2 | 3;
  body?: TdBodyFields;
  header?: {qeSvn?: number; pceSvn?: number; qeVendorId?: Uint8Array; userData?: Uint8Array};
  /** P-256 private key that signs header ‖ body. */
  attestationKey: KeyObject;
  /** P-256 private key of the PCK leaf; signs the QE report. */
  pckKey: KeyObject;
  /** PEM chain: PCK leaf, PCK CA, root. A NUL is appended, as real quotes do. */
  pckChainPem: string;
  qeReport?: QeReportFields;
  /** QE auth data (default: 32 bytes 0x00..0x1f). */
  qeAuthData?: Uint8Array;
  /** Zero bytes appended after the signature data (real quotes carry some). */
  padding?: number;
  /**
   * Inner certification data other than the PEM chain: PPID forms (types 1–4, attestation.md §1.1), whose
   * PCK certificate the verifier must get from collateral (`pckCertificateChain`).
   */
  ppidCertification?: {type: 1 | 2 | 3 | 4; data: Uint8Array};
  /** Negative tests: QE report data to use instead of the binding hash. */
  dangerousQeReportData?: Uint8Array;
}

function put(buf: Uint8Array, off: number, src: Uint8Array | undefined, size: number): void {
  if (!src) return;
  if (src.length !== size) throw new RangeError(`field at ${off} must be ${size} bytes, got ${src.length}`);
  buf.set(src, off);
}

function rawPoint(key: KeyObject): Uint8Array {
  const spki = (key.type === 'public' ? key : createPublicKey(key)).export({type: 'spki', format: 'der'});
  const point = spki.subarray(spki.length - 65);
  if (point[0] !== 0x04 || spki.length !== 91) throw new RangeError('attestation key must be P-256');
  return point.subarray(1);
}

/** Builds and signs a TDX quote. */
export function buildTdxQuote(input: BuildTdxQuoteInput): Uint8Array {
  const version = input.version ?? 4;
  const bodyType = version === 4 ? BODY_TYPE_TD10 : (input.bodyType ?? BODY_TYPE_TD15);
  const bodySize = bodyType === BODY_TYPE_TD15 ? TD15_BODY_SIZE : TD10_BODY_SIZE;
  const bodyOffset = version === 4 ? HEADER.SIZE : V5.BODY_START;
  const S = bodyOffset + bodySize;
  const signed = new Uint8Array(S);
  const dv = new DataView(signed.buffer);
  dv.setUint16(HEADER.VERSION, version, true);
  dv.setUint16(HEADER.ATT_KEY_TYPE, ATT_KEY_TYPE_ECDSA_P256, true);
  dv.setUint32(HEADER.TEE_TYPE, TEE_TYPE_TDX, true);
  dv.setUint16(HEADER.QE_SVN, input.header?.qeSvn ?? 0, true);
  dv.setUint16(HEADER.PCE_SVN, input.header?.pceSvn ?? 0, true);
  put(signed, HEADER.QE_VENDOR_ID, input.header?.qeVendorId ?? Buffer.from(INTEL_QE_VENDOR_ID, 'hex'), HEADER.QE_VENDOR_ID_SIZE);
  put(signed, HEADER.USER_DATA, input.header?.userData, HEADER.USER_DATA_SIZE);
  if (version === 5) {
    dv.setUint16(V5.BODY_TYPE, bodyType, true);
    dv.setUint32(V5.BODY_SIZE, bodySize, true);
  }
  const b = input.body ?? {};
  const at = (o: number) => bodyOffset + o;
  put(signed, at(TD.TEE_TCB_SVN), b.teeTcbSvn, 16);
  put(signed, at(TD.MRSEAM), b.mrSeam, 48);
  put(signed, at(TD.MRSIGNERSEAM), b.mrSignerSeam, 48);
  put(signed, at(TD.SEAMATTRIBUTES), b.seamAttributes, 8);
  put(signed, at(TD.TDATTRIBUTES), b.tdAttributes ?? Uint8Array.of(0, 0, 0, 0x10, 0, 0, 0, 0), 8);
  put(signed, at(TD.XFAM), b.xfam, 8);
  put(signed, at(TD.MRTD), b.mrTd, 48);
  put(signed, at(TD.MRCONFIGID), b.mrConfigId, 48);
  put(signed, at(TD.MROWNER), b.mrOwner, 48);
  put(signed, at(TD.MROWNERCONFIG), b.mrOwnerConfig, 48);
  const rt = [TD.RTMR0, TD.RTMR1, TD.RTMR2, TD.RTMR3];
  (b.rtmr ?? []).forEach((r, i) => put(signed, at(rt[i]), r, 48));
  put(signed, at(TD.REPORTDATA), b.reportData, 64);
  if (bodyType === BODY_TYPE_TD15) {
    put(signed, at(TD.TEE_TCB_SVN_2), b.teeTcbSvn2, 16);
    put(signed, at(TD.MRSERVICETD), b.mrServiceTd, 48);
  }

  const attPoint = rawPoint(input.attestationKey);
  const authData = input.qeAuthData ?? Uint8Array.from({length: 32}, (_, i) => i);
  const qe = new Uint8Array(QE_CERT.REPORT_SIZE);
  const qdv = new DataView(qe.buffer);
  const qf = input.qeReport ?? {};
  put(qe, QE_REPORT.CPUSVN, qf.cpuSvn, 16);
  qdv.setUint32(QE_REPORT.MISCSELECT, qf.miscSelect ?? 0, true);
  put(qe, QE_REPORT.ATTRIBUTES, qf.attributes ?? Buffer.from(TD_QE_DEFAULTS.attributes, 'hex'), 16);
  put(qe, QE_REPORT.MRENCLAVE, qf.mrEnclave, 32);
  put(qe, QE_REPORT.MRSIGNER, qf.mrSigner ?? Buffer.from(TD_QE_DEFAULTS.mrSigner, 'hex'), 32);
  qdv.setUint16(QE_REPORT.ISVPRODID, qf.isvProdId ?? TD_QE_DEFAULTS.isvProdId, true);
  qdv.setUint16(QE_REPORT.ISVSVN, qf.isvSvn ?? 4, true);
  const binding = createHash('sha256').update(attPoint).update(authData).digest();
  put(qe, QE_REPORT.REPORTDATA, input.dangerousQeReportData ?? Buffer.concat([binding, Buffer.alloc(32)]), 64);

  const qeSig = cryptoSign('sha256', qe, {key: input.pckKey, dsaEncoding: 'ieee-p1363'});
  const ppid = input.ppidCertification;
  const pem = ppid ? Buffer.from(ppid.data) : Buffer.concat([Buffer.from(input.pckChainPem, 'latin1'), Buffer.of(0)]);
  const inner = Buffer.alloc(6);
  inner.writeUInt16LE(ppid ? ppid.type : CERT_TYPE_PCK_CHAIN, 0);
  inner.writeUInt32LE(pem.length, 2);
  const authLen = Buffer.alloc(2);
  authLen.writeUInt16LE(authData.length, 0);
  const certData = Buffer.concat([qe, qeSig, authLen, authData, inner, pem]);

  const quoteSig = cryptoSign('sha256', signed, {key: input.attestationKey, dsaEncoding: 'ieee-p1363'});
  const sigHead = Buffer.alloc(SIG.CERT_DATA);
  sigHead.writeUInt32LE(SIG.CERT_DATA - 4 + certData.length, SIG.LENGTH);
  Buffer.from(quoteSig).copy(sigHead, SIG.SIGNATURE);
  Buffer.from(attPoint).copy(sigHead, SIG.ATT_KEY);
  sigHead.writeUInt16LE(CERT_TYPE_QE_REPORT, SIG.CERT_TYPE);
  sigHead.writeUInt32LE(certData.length, SIG.CERT_SIZE);
  return Uint8Array.from(Buffer.concat([signed, sigHead, certData, Buffer.alloc(input.padding ?? 0)]));
}

/** Values for a minted Intel SGX PCK extension (attestation.md §1.2). Hex is without prefix. */
export interface SgxExtensionFields {
  /** 16 bytes hex (default zeros). */
  ppid?: string;
  /** 16 component SVNs. */
  compSvn: number[];
  pceSvn: number;
  /** 16 bytes hex (default: the component SVNs as bytes). */
  cpuSvn?: string;
  /** 2 bytes hex (default `0000`). */
  pceId?: string;
  /** 6 bytes hex. */
  fmspc: string;
  /** 0 standard, 1 scalable (default), 2 scalable with integrity. */
  sgxType?: number;
}

/** DER value of the SGX extension `1.2.840.113741.1.13.1` for a minted PCK certificate. */
export function buildSgxExtension(f: SgxExtensionFields): Uint8Array {
  if (f.compSvn.length !== 16) throw new RangeError('compSvn must have 16 entries');
  const base = '1.2.840.113741.1.13.1';
  const pair = (o: string, v: Uint8Array) => w.seq(w.oid(o), v);
  const hexOr = (h: string | undefined, size: number, dflt: Uint8Array) => {
    const b = h === undefined ? dflt : Uint8Array.from(Buffer.from(h, 'hex'));
    if (b.length !== size) throw new RangeError(`expected ${size} bytes`);
    return b;
  };
  const tcb = w.seq(
    ...f.compSvn.map((s, i) => pair(`${base}.2.${i + 1}`, w.int(s))),
    pair(`${base}.2.17`, w.int(f.pceSvn)),
    pair(`${base}.2.18`, w.octets(hexOr(f.cpuSvn, 16, Uint8Array.from(f.compSvn)))),
  );
  return w.seq(
    pair(`${base}.1`, w.octets(hexOr(f.ppid, 16, new Uint8Array(16)))),
    pair(`${base}.2`, tcb),
    pair(`${base}.3`, w.octets(hexOr(f.pceId, 2, new Uint8Array(2)))),
    pair(`${base}.4`, w.octets(hexOr(f.fmspc, 6, new Uint8Array(6)))),
    pair(`${base}.5`, w.enumerated(f.sgxType ?? 1)),
  );
}

/**
 * Signs a collateral JSON text (TCB info or enclave identity) the way Intel PCS does: ECDSA P-256/SHA-256
 * over the exact UTF-8 bytes, `r ‖ s` (64 bytes).
 */
export function signCollateralText(text: string, signingKey: KeyObject): Uint8Array {
  return Uint8Array.from(cryptoSign('sha256', Buffer.from(text, 'utf8'), {key: signingKey, dsaEncoding: 'ieee-p1363'}));
}
