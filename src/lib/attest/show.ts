/**
 * `attest show FILE`: every parsed field of an evidence file, whatever it is — TDX quote, SEV-SNP report,
 * NVIDIA evidence (nvtrust JSON or raw SPDM), attestation bundle, TDX collateral, certificates or a CRL.
 * Byte fields are lower-case hex. Parsing only: nothing is verified here (that is `attest verify`).
 */
import {fromBase64Lenient, sha256Hex} from '../../../contracts/common/encoding.js';
import path from 'node:path';
import {measurementPolicyOf, type EvidenceMeasurements, type MeasurementPolicy} from '../../attest/measurements.js';
import {parseCrl, type ParsedCrl} from '../../attest/crl.js';
import {decodeBytes, detectEvidence, isText} from '../../attest/detect.js';
import {NvOpaque, parseSpdmEvidence, vbiosVersion, driverVersion, type SpdmEvidence} from '../../attest/nvidia/spdm.js';
import {leafFwid, parseNvtrustJson} from '../../attest/nvidia/verify.js';
import {parseBundle} from '../../attest/bundle.js';
import {parseSnpReport, summarizeSnpReport} from '../../attest/snp/report.js';
import {parseQeIdentity, parseTdxCollateral, parseTdxTcbInfo} from '../../attest/tdx/collateral.js';
import {pckExtensionOf} from '../../attest/tdx/pck.js';
import {parseTdxQuote, type TdxQuote} from '../../attest/tdx/quote.js';
import {hex} from '../../attest/types.js';
import {isoTime, parseCertDer, parsePemChain, type ParsedCert} from '../../attest/x509.js';
import {UsageError} from '../errors.js';
import {readInputFile} from './inputs.js';

/** What `attest show` returns. */
export interface ShowResult {
  file: string;
  /** `tdx-quote`, `snp-report`, `gpu-evidence` (nvtrust JSON), `spdm-evidence` (raw), `bundle`, `tdx-collateral`, `certificates`, `crl`. */
  kind: string;
  /** How the file was encoded, when it is evidence bytes. */
  encoding?: string;
  fields: Record<string, unknown>;
}

const NV_NAMES = new Map(Object.entries(NvOpaque).map(([k, v]) => [v as number, k.toLowerCase()]));

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function certFields(c: ParsedCert): Record<string, unknown> {
  const ext: Record<string, unknown> = {};
  try {
    ext.sgx = pckExtensionOf(c);
  } catch {
    /* not a PCK certificate */
  }
  try {
    ext.fwid = hex(leafFwid(c));
  } catch {
    /* not an NVIDIA device leaf */
  }
  return {
    subject: c.subject,
    issuer: c.issuer,
    serial: c.serial.toString(16),
    notBefore: isoTime(c.notBefore),
    notAfter: isoTime(c.notAfter),
    isCA: c.isCA,
    signatureAlgorithm: c.signatureAlgorithm,
    sha256: sha256Hex(c.der),
    spkiSha256: sha256Hex(c.spkiDer),
    extensions: c.extensions.map((e) => e.oid),
    ...ext,
  };
}

function crlFields(c: ParsedCrl): Record<string, unknown> {
  return {
    issuer: c.issuer,
    thisUpdate: isoTime(c.thisUpdate),
    nextUpdate: c.nextUpdate === undefined ? null : isoTime(c.nextUpdate),
    signatureAlgorithm: c.signatureAlgorithm,
    revokedSerials: c.revokedSerials.map((s) => s.toString(16)),
  };
}

/** Every field of a TDX quote. */
export function tdxQuoteFields(q: TdxQuote): Record<string, unknown> {
  const b = q.body;
  let pck: unknown;
  if (q.pckChainPem) {
    try {
      pck = parsePemChain(q.pckChainPem).map(certFields);
    } catch (e) {
      pck = `unparseable: ${msg(e)}`;
    }
  }
  return {
    header: {
      version: q.header.version,
      attestationKeyType: q.header.attestationKeyType,
      teeType: `0x${q.header.teeType.toString(16)}`,
      qeSvn: q.header.qeSvn,
      pceSvn: q.header.pceSvn,
      qeVendorId: hex(q.header.qeVendorId),
      userData: hex(q.header.userData),
    },
    body: {
      bodyType: b.bodyType,
      teeTcbSvn: hex(b.teeTcbSvn),
      mrSeam: hex(b.mrSeam),
      mrSignerSeam: hex(b.mrSignerSeam),
      seamAttributes: hex(b.seamAttributes),
      tdAttributes: hex(b.tdAttributes),
      xfam: hex(b.xfam),
      mrTd: hex(b.mrTd),
      mrConfigId: hex(b.mrConfigId),
      mrOwner: hex(b.mrOwner),
      mrOwnerConfig: hex(b.mrOwnerConfig),
      rtmr0: hex(b.rtmr[0]),
      rtmr1: hex(b.rtmr[1]),
      rtmr2: hex(b.rtmr[2]),
      rtmr3: hex(b.rtmr[3]),
      reportData: hex(b.reportData),
      ...(b.teeTcbSvn2 ? {teeTcbSvn2: hex(b.teeTcbSvn2)} : {}),
      ...(b.mrServiceTd ? {mrServiceTd: hex(b.mrServiceTd)} : {}),
    },
    signatureData: {
      offset: q.signatureDataOffset,
      signature: hex(q.signature),
      attestationKey: hex(q.attestationKey),
      qeReport: {
        cpuSvn: hex(q.qeReport.cpuSvn),
        miscSelect: q.qeReport.miscSelect,
        attributes: hex(q.qeReport.attributes),
        mrEnclave: hex(q.qeReport.mrEnclave),
        mrSigner: hex(q.qeReport.mrSigner),
        isvProdId: q.qeReport.isvProdId,
        isvSvn: q.qeReport.isvSvn,
        reportData: hex(q.qeReport.reportData),
      },
      qeReportSignature: hex(q.qeReportSignature),
      qeAuthData: hex(q.qeAuthData),
      certificationDataType: q.certDataType,
      ...(pck !== undefined ? {pckCertificates: pck} : {certificationData: hex(q.certData)}),
    },
    length: q.bytes.length,
    paddingLength: q.paddingLength,
  };
}

/** Every field of SPDM evidence. */
export function spdmFields(e: SpdmEvidence): Record<string, unknown> {
  return {
    length: e.bytes.length,
    requestNonce: hex(e.requestNonce),
    slot: e.slot,
    responderNonce: hex(e.responderNonce),
    driver: driverVersion(e),
    vbios: vbiosVersion(e),
    measurementBlocks: e.blocks.map((b) => ({index: b.index, valueType: b.valueType, value: hex(b.value)})),
    opaque: e.opaque.map((o) => ({type: o.type, name: NV_NAMES.get(o.type) ?? 'unknown', value: hex(o.value)})),
    signatureOffset: e.signatureOffset,
    signature: hex(e.signature),
  };
}

function gpuJsonFields(doc: string | object): Record<string, unknown> {
  const g = parseNvtrustJson(doc);
  return {
    nonce: g.nonce,
    arch: g.arch,
    gpus: g.entries.map((e, i) => {
      const out: Record<string, unknown> = {index: i};
      try {
        out.certificates = e.certChainPem ? parsePemChain(e.certChainPem).map(certFields) : [];
      } catch (err) {
        out.certificates = `unparseable: ${msg(err)}`;
      }
      try {
        out.evidence = spdmFields(parseSpdmEvidence(e.evidence));
      } catch (err) {
        out.evidence = `unparseable: ${msg(err)}`;
      }
      return out;
    }),
  };
}

function cpuFields(kind: 'tdx' | 'snp', bytes: Uint8Array): Record<string, unknown> {
  return kind === 'tdx' ? tdxQuoteFields(parseTdxQuote(bytes)) : summarizeSnpReport(parseSnpReport(bytes));
}

function collateralFields(json: unknown): Record<string, unknown> {
  const c = parseTdxCollateral(json as object);
  const part = <T>(f: () => T): T | string => {
    try {
      return f();
    } catch (e) {
      return `unparseable: ${msg(e)}`;
    }
  };
  return {
    tcbInfo: part(() => {
      const t = parseTdxTcbInfo(c.tcbInfo);
      return {id: t.id, version: t.version, issueDate: isoTime(t.issueDate), nextUpdate: isoTime(t.nextUpdate), fmspc: t.fmspc, pceId: t.pceId, tcbEvaluationDataNumber: t.tcbEvaluationDataNumber, tcbLevels: t.tcbLevels.map((l) => ({tcbStatus: l.tcbStatus, tcbDate: l.tcbDate, pceSvn: l.pceSvn, sgx: l.sgxComponents.join('.'), tdx: l.tdxComponents.join('.'), advisoryIds: l.advisoryIds}))};
    }),
    qeIdentity: part(() => {
      const q = parseQeIdentity(c.qeIdentity);
      return {id: q.id, version: q.version, issueDate: isoTime(q.issueDate), nextUpdate: isoTime(q.nextUpdate), mrSigner: hex(q.mrSigner), isvProdId: q.isvProdId, tcbLevels: q.tcbLevels};
    }),
    pckCrl: part(() => crlFields(parseCrl(c.pckCrl))),
    rootCaCrl: part(() => crlFields(parseCrl(c.rootCaCrl))),
    tcbInfoIssuerChain: part(() => parsePemChain(c.tcbInfoIssuerChain).map((x) => x.subject)),
    pckCrlIssuerChain: part(() => parsePemChain(c.pckCrlIssuerChain).map((x) => x.subject)),
  };
}

/** Parses any evidence file. @throws UsageError when it is none of the supported kinds. */
export function showEvidence(file: string): ShowResult {
  const raw = readInputFile(file, 'FILE');
  const text = isText(raw) ? Buffer.from(raw).toString('utf8') : undefined;
  try {
    if (text !== undefined && text.trimStart().startsWith('{')) {
      let doc: Record<string, unknown>;
      try {
        doc = JSON.parse(text) as Record<string, unknown>;
      } catch (e) {
        throw new UsageError(`FILE ${file} is not valid JSON: ${msg(e)}`);
      }
      if ('cpu' in doc || 'version' in doc) {
        const b = parseBundle(text);
        const quote = new Uint8Array(Buffer.from(b.cpu.quote, 'base64'));
        return {
          file,
          kind: 'bundle',
          fields: {
            version: b.version,
            dev: b.dev ?? false,
            cpu: {type: b.cpu.type, ...cpuFields(b.cpu.type, quote), hasCollateral: b.cpu.collateral !== undefined, hasVcek: b.cpu.vcek !== undefined},
            ...(b.gpu ? {gpu: gpuJsonFields(b.gpu)} : {}),
            tlsSpkiSha256: sha256Hex(fromBase64Lenient(b.tlsSpki)),
            workerPubkey: Buffer.from(b.workerPubkey, 'base64').toString('hex'),
            ...(b.challenge ? {challenge: b.challenge} : {}),
          },
        };
      }
      if ('evidence_list' in doc || 'error' in doc) return {file, kind: 'gpu-evidence', fields: gpuJsonFields(doc)};
      if ('tcb_info' in doc) return {file, kind: 'tdx-collateral', fields: collateralFields(doc)};
      throw new UsageError(`FILE ${file} is JSON but not a bundle, GPU evidence or TDX collateral`);
    }
    if (text !== undefined && text.includes('-----BEGIN')) {
      if (text.includes('-----BEGIN X509 CRL-----')) {
        const b64 = text.replace(/-----(BEGIN|END) X509 CRL-----/g, '').replace(/\s+/g, '');
        return {file, kind: 'crl', fields: crlFields(parseCrl(new Uint8Array(Buffer.from(b64, 'base64'))))};
      }
      return {file, kind: 'certificates', fields: {certificates: parsePemChain(text).map(certFields)}};
    }
    try {
      const det = detectEvidence(raw);
      return {file, kind: det.kind === 'tdx' ? 'tdx-quote' : 'snp-report', encoding: det.encoding, fields: cpuFields(det.kind, det.bytes)};
    } catch {
      /* not CPU evidence: try the other kinds */
    }
    let bytes: Uint8Array;
    try {
      bytes = decodeBytes(raw, `FILE ${file}`);
    } catch (e) {
      throw new UsageError(`FILE ${file}: ${msg(e)}`);
    }
    if (bytes[0] === 0x11 && bytes[1] === 0xe0) return {file, kind: 'spdm-evidence', fields: spdmFields(parseSpdmEvidence(bytes))};
    if (bytes[0] === 0x30) {
      try {
        return {file, kind: 'certificates', fields: {certificates: [certFields(parseCertDer(bytes))]}};
      } catch {
        /* maybe a CRL */
      }
      try {
        return {file, kind: 'crl', fields: crlFields(parseCrl(bytes))};
      } catch {
        /* neither */
      }
    }
    throw new UsageError(`FILE ${file} is not a TDX quote, SEV-SNP report, NVIDIA evidence, bundle, collateral, certificate or CRL`, {code: 'MALFORMED_EVIDENCE'});
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`FILE ${file}: ${msg(e)}`, {code: 'MALFORMED_EVIDENCE'});
  }
}

/**
 * `attest show FILE --measurements`: the measurements of any evidence (TDX quote, SEV-SNP report, NVIDIA
 * evidence, or a bundle) as exactly the measurement policy document `attest verify --measurements` takes,
 * named after the file, version "1". @throws UsageError when the file carries no measurements.
 */
export function showMeasurements(file: string): MeasurementPolicy {
  const raw = readInputFile(file, 'FILE');
  const text = isText(raw) ? Buffer.from(raw).toString('utf8') : undefined;
  const name = path.basename(file).replace(/\.[^.]*$/, '') || 'image';
  const m: EvidenceMeasurements = {};
  const cpu = (kind: 'tdx' | 'snp', bytes: Uint8Array) => {
    if (kind === 'tdx') {
      const b = parseTdxQuote(bytes).body;
      m.tdx = {mrtd: hex(b.mrTd), rtmr0: hex(b.rtmr[0]), rtmr1: hex(b.rtmr[1]), rtmr2: hex(b.rtmr[2]), rtmr3: hex(b.rtmr[3])};
    } else {
      const r = parseSnpReport(bytes);
      m.snp = {measurement: hex(r.measurement), hostData: hex(r.hostData)};
    }
  };
  const gpus = (evidence: Uint8Array[]) => {
    m.gpus = evidence.map((e) => {
      const s = parseSpdmEvidence(e);
      const driver = driverVersion(s);
      const vbios = vbiosVersion(s);
      return {...(driver ? {driver} : {}), ...(vbios ? {vbios} : {})};
    });
  };
  try {
    if (text !== undefined && text.trimStart().startsWith('{')) {
      const doc = JSON.parse(text) as Record<string, unknown>;
      if ('cpu' in doc) {
        const b = parseBundle(text);
        cpu(b.cpu.type, new Uint8Array(Buffer.from(b.cpu.quote, 'base64')));
        if (b.gpu) gpus(parseNvtrustJson(b.gpu).entries.map((e) => e.evidence));
      } else gpus(parseNvtrustJson(doc).entries.map((e) => e.evidence));
    } else {
      let det: ReturnType<typeof detectEvidence> | undefined;
      try {
        det = detectEvidence(raw);
      } catch {
        det = undefined;
      }
      if (det) cpu(det.kind, det.bytes);
      else gpus([decodeBytes(raw, `FILE ${file}`)]);
    }
  } catch (e) {
    throw new UsageError(`FILE ${file} carries no measurements to show: ${msg(e)}`, {code: 'MALFORMED_EVIDENCE', suggestion: 'give a TDX quote, SEV-SNP report, NVIDIA evidence or an attestation bundle'});
  }
  return measurementPolicyOf(m, name);
}
