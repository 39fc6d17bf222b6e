/**
 * CPU and GPU evidence in the attestation pipeline (attestation.md §0): the inputs, running the TDX or
 * SEV-SNP verifier on the detected CPU evidence and summarizing it, running the NVIDIA verifier on GPU
 * evidence, and finding dev evidence (anchored on, or named for, the devnet's dev roots). Pure.
 */
import {isDevSubject} from './dev/marker.js';
import {detectEvidence, type CpuEvidenceKind} from './detect.js';
import {parseNvtrustJson, verifyGpuEvidence, type GpuVerifyResult, type NvtrustEvidence} from './nvidia/verify.js';
import type {AttestationPolicy} from './policy.js';
import type {CpuSummary} from './result.js';
import {verifySnpReport, type SnpVerifyResult} from './snp/verify.js';
import {INTEL_SGX_ROOT_CA_SHA256, parseTdxCollateral, verifyTdxQuote, type TdxCollateral, type TdxResult} from './tdx/index.js';
import {EvidenceFormatError, hex, type CheckList} from './types.js';
import {parsePemChain, sha256Hex} from './x509.js';

/** REPORTDATA halves (attestation.md §4). */
export const REPORT_DATA_HALF = 32;

/** CPU evidence and the material its verification needs. */
export interface CpuEvidenceInput {
  /** `tdx` or `snp`; detected from the bytes when omitted. */
  kind?: CpuEvidenceKind;
  /** The quote/report: raw bytes, or hex/base64 text (detected, attestation.md §0). */
  bytes: Uint8Array | string;
  /** TDX collateral: parsed ({@link TdxCollateral}), or dcap-qvl JSON (text or object). */
  collateral?: TdxCollateral | Record<string, unknown> | string;
  /** SEV-SNP VCEK certificate (DER raw/hex/base64, or PEM). */
  vcek?: Uint8Array | string;
  /** SEV-SNP ASK/ARK chain (PEM, or concatenated DER). */
  certChain?: string | Uint8Array;
  /** SEV-SNP VCEK CRL (DER raw/hex/base64, or PEM). */
  crl?: Uint8Array | string;
}

/** GPU evidence: nvtrust JSON (text, bytes or object), or raw SPDM bytes with their PEM chain. */
export interface GpuEvidenceInput {
  evidence: string | Uint8Array | NvtrustEvidence;
  /** PEM chain (leaf first) for raw SPDM evidence. */
  certChainPem?: string;
  /** The nonce the verifier chose (64 hex characters), when it is not the CPU report's. */
  expectedNonce?: string;
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isTdxCollateral(c: unknown): c is TdxCollateral {
  return typeof c === 'object' && c !== null && (c as TdxCollateral).tcbInfoSignature instanceof Uint8Array && typeof (c as TdxCollateral).tcbInfo === 'string';
}

/** Root certificate of a PEM chain (last certificate): SHA-256 of its DER and its subject; undefined if unparseable. */
function chainRoot(pem: string | undefined): {sha256: string; subject: string} | undefined {
  if (!pem) return undefined;
  try {
    const certs = parsePemChain(pem);
    const root = certs[certs.length - 1];
    return {sha256: sha256Hex(root.der), subject: root.subject};
  } catch {
    return undefined;
  }
}

/** Where dev evidence was found, and whether its roots are ones the policy knows. */
export interface DevFinding {
  where: string;
  knownRoot: boolean;
}

/**
 * Step 1 of the pipeline: detects the CPU evidence (checked against `cpu.kind` when given), runs its verifier
 * with the checks recorded in `list`, and returns its summary and REPORTDATA; dev evidence is added to `dev`.
 */
export function verifyCpu(
  list: CheckList,
  cpu: CpuEvidenceInput,
  now: number,
  policy: AttestationPolicy,
  extraRoots: string[],
  knownDevRoots: Set<string>,
  dev: DevFinding[],
): {summary?: CpuSummary; reportData?: Uint8Array} {
  let reportData: Uint8Array | undefined;
  let summary: CpuSummary | undefined;
  let kind = cpu.kind;
  let bytes: Uint8Array | undefined;
  try {
    const det = detectEvidence(cpu.bytes);
    if (kind && det.kind !== kind) throw new EvidenceFormatError(`evidence is ${det.kind.toUpperCase()} but was given as ${kind.toUpperCase()}`);
    kind = det.kind;
    bytes = det.bytes;
  } catch (e) {
    list.fail('cpu.format', msg(e));
  }
  if (kind === 'tdx' && bytes) {
    const before = list.checks.length;
    const r = runTdx(list, bytes, cpu, now, policy, extraRoots);
    if (r.reportData) reportData = Buffer.from(r.reportData, 'hex');
    const STATUS_CHECKS = /^tdx\.(tcb\.(status|policy|level)|qe\.tcb|module\.identity)$/;
    const undermined = list.checks.slice(before).some((c) => !c.ok && !STATUS_CHECKS.test(c.name));
    summary = {
      type: 'tdx',
      ...(r.tcbStatus ? {tcbStatus: r.tcbStatus, tcbStatusTrusted: !undermined} : {}),
      ...(r.advisoryIds ? {advisoryIds: r.advisoryIds} : {}),
      measurements: r.measurements ?? {},
      ...(r.reportData ? {reportData: r.reportData} : {}),
      ...(r.quote ? {version: r.quote.header.version} : {}),
      ...(r.fmspc ? {fmspc: r.fmspc} : {}),
    };
    if (r.rootSha256 && r.rootSha256 !== INTEL_SGX_ROOT_CA_SHA256) {
      const root = chainRoot(r.quote?.pckChainPem);
      if (knownDevRoots.has(r.rootSha256) || (root && isDevSubject(root.subject))) dev.push({where: 'TDX quote', knownRoot: knownDevRoots.has(r.rootSha256)});
    }
  } else if (kind === 'snp' && bytes) {
    const r = runSnp(list, bytes, cpu, now, policy);
    if (r.reportData) reportData = Buffer.from(r.reportData, 'hex');
    const rep = r.report;
    summary = {
      type: 'snp',
      measurements: rep
        ? {
            measurement: hex(rep.measurement),
            hostData: hex(rep.hostData),
            idKeyDigest: hex(rep.idKeyDigest),
            authorKeyDigest: hex(rep.authorKeyDigest),
            familyId: hex(rep.familyId),
            imageId: hex(rep.imageId),
          }
        : {},
      ...(r.reportData ? {reportData: r.reportData} : {}),
      ...(rep ? {version: rep.version, vmpl: rep.vmpl, policy: `0x${rep.policy.toString(16)}`} : {}),
      ...(r.product ? {product: r.product} : {}),
      ...(r.reportedTcb ? {reportedTcb: {bl: r.reportedTcb.bl, tee: r.reportedTcb.tee, snp: r.reportedTcb.snp, ucode: r.reportedTcb.ucode}} : {}),
    };
    if (r.dev) dev.push({where: 'SEV-SNP report', knownRoot: true});
  }
  return {summary, reportData};
}

/**
 * Step 2 of the pipeline: verifies GPU evidence with the checks recorded in `list`; dev evidence is added to
 * `dev`. With CPU evidence, the GPU nonce is checked against REPORTDATA by the binding; raw SPDM evidence (no
 * JSON nonce) is checked against the CPU's nonce half directly.
 */
export function verifyGpu(
  list: CheckList,
  g: GpuEvidenceInput,
  reportData: Uint8Array | undefined,
  now: number,
  extraRoots: string[],
  knownDevRoots: Set<string>,
  dev: DevFinding[],
): GpuVerifyResult {
  const raw = !isJsonEvidence(g.evidence);
  const cpuNonce = reportData ? hex(reportData.subarray(REPORT_DATA_HALF)) : undefined;
  const expectedNonce = g.expectedNonce ?? (raw ? cpuNonce : undefined);
  const r = verifyGpuEvidence({
    evidence: g.evidence,
    certChainPem: g.certChainPem,
    ...(expectedNonce !== undefined ? {expectedNonce} : {}),
    now,
    dangerousExtraRootSha256: extraRoots,
  });
  list.checks.push(...r.checks);
  if (r.gpus.some((x) => x.dev)) dev.push({where: 'GPU evidence', knownRoot: true});
  else if (r.checks.some((c) => c.name === 'nvidia.chain' && !c.ok)) {
    for (const root of gpuRoots(g)) {
      if (knownDevRoots.has(root.sha256) || isDevSubject(root.subject)) {
        dev.push({where: 'GPU evidence', knownRoot: knownDevRoots.has(root.sha256)});
        break;
      }
    }
  }
  return r;
}

function runTdx(list: CheckList, bytes: Uint8Array, cpu: CpuEvidenceInput, now: number, policy: AttestationPolicy, extraRoots: string[]): TdxResult {
  let collateral: TdxCollateral | undefined;
  if (cpu.collateral !== undefined) {
    if (isTdxCollateral(cpu.collateral)) collateral = cpu.collateral;
    else {
      try {
        collateral = parseTdxCollateral(cpu.collateral);
      } catch (e) {
        list.fail('tdx.collateral.parse', msg(e));
      }
    }
  }
  if (cpu.vcek !== undefined || cpu.crl !== undefined) list.fail('cpu.input', 'a VCEK or VCEK CRL was given for a TDX quote (they are SEV-SNP inputs)');
  const r = verifyTdxQuote({quote: bytes, collateral, now, policy: {strict: policy.strict}, dangerousExtraRootSha256: extraRoots});
  // A collateral that did not parse must not read as "missing collateral".
  const checks = cpu.collateral !== undefined && !collateral ? r.checks.filter((c) => !(c.missing && c.name.startsWith('tdx.'))) : r.checks;
  list.checks.push(...checks);
  return r;
}

function runSnp(list: CheckList, bytes: Uint8Array, cpu: CpuEvidenceInput, now: number, policy: AttestationPolicy): SnpVerifyResult {
  if (cpu.collateral !== undefined) list.fail('cpu.input', 'TDX collateral was given for an SEV-SNP report');
  const r = verifySnpReport({
    report: bytes,
    ...(cpu.vcek !== undefined ? {vcek: cpu.vcek} : {}),
    ...(cpu.certChain !== undefined ? {chain: cpu.certChain} : {}),
    ...(cpu.crl !== undefined ? {crl: cpu.crl} : {}),
    now,
    policy: {allowedVmpl: policy.allowedVmpl},
  });
  list.checks.push(...r.checks);
  return r;
}

/** Whether GPU evidence is nvtrust JSON (an object, or text/bytes starting with `{`) rather than raw SPDM. */
export function isJsonEvidence(e: GpuEvidenceInput['evidence']): boolean {
  if (typeof e === 'object' && !(e instanceof Uint8Array)) return true;
  const s = typeof e === 'string' ? e : Buffer.from(e.subarray(0, 64)).toString('latin1');
  return s.trimStart().startsWith('{');
}

/** Root certificates of the GPU chains (for labelling dev evidence the policy refused). */
function gpuRoots(g: GpuEvidenceInput): {sha256: string; subject: string}[] {
  const pems: string[] = [];
  if (isJsonEvidence(g.evidence)) {
    try {
      pems.push(...parseNvtrustJson(g.evidence as string | Uint8Array | object).entries.map((e) => e.certChainPem ?? ''));
    } catch {
      return [];
    }
  } else if (g.certChainPem) pems.push(g.certChainPem);
  return pems.map(chainRoot).filter((x): x is {sha256: string; subject: string} => x !== undefined);
}
