/**
 * The attestation pipeline (design.md §5, §6; attestation.md §0 "common pipeline"): one call takes CPU
 * evidence (Intel TDX quote or AMD SEV-SNP report), GPU evidence (NVIDIA Hopper SPDM) and what the report
 * data must bind (TLS key, worker key, registration challenge), runs the matching verifiers in order, checks
 * the binding, applies the attestation policy and returns one verdict with every check it ran.
 *
 * Verdict: `invalid` if any check failed, else `unverifiable` if anything needed was missing, else `valid`.
 * Dev attestation (devnet-only roots) is accepted only when `policy.allowDev`; it is always reported with
 * `dev: true` and a `dev.attestation` check whose detail says "dev attestation (not hardware)".
 *
 * Pure: no file, network or clock access; `now` (Unix seconds) and the policy are arguments.
 */
import {checkBinding, gpuNonce} from './binding.js';
import {decodeBundle, type AttestationBundle, type DecodedBundle} from './bundle.js';
import {DEV_LABEL, isDevSubject} from './dev/marker.js';
import {detectEvidence, type CpuEvidenceKind} from './detect.js';
import {parseNvtrustJson, verifyGpuEvidence, type GpuInfo, type NvtrustEvidence} from './nvidia/verify.js';
import {appraiseMeasurements, type EvidenceMeasurements, type MeasurementPolicy} from './measurements.js';
import {dangerousDevRoots, resolvePolicy, type AttestationPolicy, type GapRule} from './policy.js';
import {verifySnpReport, type SnpVerifyResult} from './snp/verify.js';
import {INTEL_SGX_ROOT_CA_SHA256, parseTdxCollateral, verifyTdxQuote, type TdxCollateral, type TdxResult} from './tdx/index.js';
import {CheckList, EvidenceFormatError, hex, type Check, type Verdict} from './types.js';
import {bytesEqual, parsePemChain, sha256Hex} from './x509.js';

/** REPORTDATA halves (attestation.md §4). */
const REPORT_DATA_HALF = 32;

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

/** What the CPU report data must bind (design.md §5). */
export interface BindingTargets {
  /** The worker's TLS SubjectPublicKeyInfo DER (from a bundle). */
  tlsSpkiDer?: Uint8Array;
  /** The TLS certificate DER the endpoint actually presented. */
  tlsCertDer?: Uint8Array;
  /** 33-byte compressed secp256k1 worker key. */
  workerPubkey?: Uint8Array;
  /** Registration challenge bytes. */
  challenge?: Uint8Array;
}

/** Input to {@link verifyEvidence}. */
export interface VerifyEvidenceInput {
  cpu?: CpuEvidenceInput;
  gpu?: GpuEvidenceInput;
  binding?: BindingTargets;
  /** Verification time, Unix seconds. */
  now: number;
  /** Attestation policy (partial settings are completed with `resolvePolicy`). */
  policy: Partial<AttestationPolicy>;
  /** Require the TLS binding (and a bound GPU nonce when a GPU is present); default `policy.requireBinding`. */
  requireBinding?: boolean;
  /** The evidence says it is dev evidence (bundle `dev: true`); only labels, never accepts. */
  claimsDev?: boolean;
  /**
   * Checks recorded while gathering the inputs (e.g. `collateral.tdx` from the cache or the network, or
   * missing because the network was not allowed); they come first and count like any other check.
   */
  sourceChecks?: Check[];
  /**
   * Freshness: the challenges the verifier accepts (e.g. the WorkerManager's current and previous
   * registration challenges). The bound challenge must be one of them (`freshness.challenge`), else the
   * result is `invalid`. Without it, freshness is recorded as not checked.
   */
  expectedChallenges?: Uint8Array[];
  /** The accepted measurements (attestation.md step 5). Without one, appraisal is `missing`. */
  measurements?: MeasurementPolicy;
  /**
   * Whether unappraised measurements (no policy) make the verdict `unverifiable` (default true). False only
   * for loose evidence, where "measurements not appraised" is a warning.
   */
  measurementsRequired?: boolean;
  /** Why there is no measurement policy (shown in the missing or warning check). */
  measurementsAbsentReason?: string;
}

/** The CPU part of a result (design.md §6 `cpu`). */
export interface CpuSummary {
  type: CpuEvidenceKind;
  /** TDX: combined TCB status (UpToDate, …) when collateral allowed computing it. */
  tcbStatus?: string;
  /**
   * TDX: false when the status was computed but a check it depends on failed (signatures, chains, collateral
   * validity): the status is then only what the evidence claims, not what was verified.
   */
  tcbStatusTrusted?: boolean;
  advisoryIds?: string[];
  /** Measurement registers, lower-case hex: TDX MRTD/RTMR0..3/…, SEV-SNP `measurement`, `hostData`, … */
  measurements: Record<string, string>;
  /** REPORTDATA, 128 hex characters. */
  reportData?: string;
  /** Quote/report version. */
  version?: number;
  /** TDX: FMSPC (hex) of the PCK certificate. */
  fmspc?: string;
  /** SEV-SNP: product (Milan, Genoa, Turin). */
  product?: string;
  /** SEV-SNP: VMPL and guest policy (hex). */
  vmpl?: number;
  policy?: string;
  /** SEV-SNP: REPORTED_TCB components. */
  reportedTcb?: {bl: number; tee: number; snp: number; ucode: number};
}

/** The binding part of a result. */
export interface BindingSummary {
  verdict: Verdict;
  /** Which TLS hash REPORTDATA[0..32] matched: `spki` (current) or `certificate` (legacy). */
  tls?: 'spki' | 'certificate';
  /** REPORTDATA[0..32], hex. */
  reportDataTlsHash?: string;
  /** REPORTDATA[32..64] (the GPU nonce), hex. */
  reportDataNonce?: string;
  /** Whether the worker key and challenge were checked and matched. */
  worker?: boolean;
}

/** Result of {@link verifyEvidence} / {@link verifyBundle} (design.md §6 `attest verify --json`). */
export interface VerificationResult {
  verdict: Verdict;
  cpu?: CpuSummary;
  gpu?: GpuInfo[];
  binding?: BindingSummary;
  /** Every check in the order it ran. */
  checks: Check[];
  /** `name: detail` of every failing or missing check. */
  reasons: string[];
  /** `name: detail` of checks that passed with a warning (e.g. SWHardeningNeeded, dev roots). */
  warnings: string[];
  /** `name: detail` of checks skipped on purpose (e.g. the binding of loose evidence, freshness without a challenge). */
  notChecked: string[];
  /** `name: detail` of gaps (checks that could not run) the policy explicitly accepted (also in `warnings`). */
  accepted: string[];
  /** True when any evidence is anchored on (or claims) the devnet's dev chain of trust. */
  dev: boolean;
  /** The verification time used, Unix seconds. */
  at: number;
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
interface DevFinding {
  where: string;
  knownRoot: boolean;
}

/**
 * Verifies CPU and/or GPU evidence and their binding at `input.now` under `input.policy`.
 * Never throws: malformed evidence becomes a failing check.
 */
export function verifyEvidence(input: VerifyEvidenceInput): VerificationResult {
  const list = new CheckList();
  const policy = resolvePolicy(input.policy);
  const now = input.now;
  const requireBinding = input.requireBinding ?? policy.requireBinding;
  const knownDevRoots = new Set((policy.devRootsSha256 ?? []).map((s) => s.toLowerCase()));
  const extraRoots = dangerousDevRoots(policy);
  const dev: DevFinding[] = [];
  const result: Omit<VerificationResult, 'verdict' | 'checks' | 'reasons' | 'warnings' | 'notChecked' | 'accepted' | 'dev' | 'at'> = {};

  list.checks.push(...(input.sourceChecks ?? []));
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    list.fail('input.now', `verification time must be Unix seconds, got ${String(now)}`);
    return finish(list, result, false, now);
  }
  if (!input.cpu && !input.gpu) {
    list.missing('input.evidence', 'no CPU or GPU evidence to verify');
    return finish(list, result, false, now);
  }

  // 1. CPU evidence.
  let reportData: Uint8Array | undefined;
  if (input.cpu) {
    const cpu = input.cpu;
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
      result.cpu = {
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
      result.cpu = {
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
  }

  // 2. GPU evidence. With CPU evidence, the GPU nonce is checked against REPORTDATA by the binding below;
  // raw SPDM evidence (no JSON nonce) is checked against the CPU's nonce half directly.
  let gpuJsonNonce: string | undefined;
  let gpuRequestNonces: string[] | undefined;
  if (input.gpu) {
    const g = input.gpu;
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
    result.gpu = r.gpus;
    gpuJsonNonce = r.jsonNonce;
    gpuRequestNonces = r.gpus.map((x) => x.nonce);
    if (r.gpus.some((x) => x.dev)) dev.push({where: 'GPU evidence', knownRoot: true});
    else if (r.checks.some((c) => c.name === 'nvidia.chain' && !c.ok)) {
      for (const root of gpuRoots(g)) {
        if (knownDevRoots.has(root.sha256) || isDevSubject(root.subject)) {
          dev.push({where: 'GPU evidence', knownRoot: knownDevRoots.has(root.sha256)});
          break;
        }
      }
    }
  }

  // 3. Binding (attestation.md §4).
  const b = {...(input.binding ?? {})};
  const expected = input.expectedChallenges;
  if (reportData && !b.challenge && b.workerPubkey && expected?.length) {
    // The evidence names no challenge: take the expected one it binds (current or previous), else the first.
    const half = reportData.subarray(REPORT_DATA_HALF);
    b.challenge = expected.find((c) => c.length > 0 && bytesEqual(gpuNonce(b.workerPubkey!, c), half)) ?? expected[0];
  }
  if (reportData) {
    const hasTls = Boolean(b.tlsSpkiDer || b.tlsCertDer);
    // The worker key is tied through the challenge; with only one of the two, the check is missing when the
    // binding is required and skipped otherwise.
    const both = Boolean(b.workerPubkey && b.challenge);
    const one = !both && Boolean(b.workerPubkey || b.challenge);
    const bound = checkBinding({
      reportData,
      tlsSpkiDer: b.tlsSpkiDer,
      tlsCertDer: b.tlsCertDer,
      ...(input.gpu && gpuJsonNonce !== undefined ? {gpuJsonNonce} : {}),
      ...(input.gpu && gpuRequestNonces ? {gpuRequestNonces} : {}),
      ...(both || (one && requireBinding) ? {workerPubkey: b.workerPubkey, challenge: b.challenge} : {}),
      requireGpuEvidence: requireBinding,
      allowCpuOnly: policy.allowCpuOnly,
    });
    const bl = new CheckList();
    for (const c of bound.checks) {
      if (c.name === 'binding.tls' && c.missing && !hasTls && !requireBinding) {
        bl.skip('binding.tls', 'no TLS key or certificate given: the evidence is not tied to an endpoint (use --url, or a bundle with its TLS key)');
      } else bl.checks.push(c);
    }
    if (one && !requireBinding) bl.skip('binding.worker', b.workerPubkey ? 'no registration challenge: the worker key is not tied to the report' : 'no worker key to tie the challenge to');
    list.checks.push(...bl.checks);
    const worker = bound.checks.find((c) => c.name === 'binding.worker');
    result.binding = {
      verdict: bl.verdict(),
      ...(bound.tls ? {tls: bound.tls} : {}),
      ...(bound.reportDataTlsHash ? {reportDataTlsHash: bound.reportDataTlsHash} : {}),
      ...(bound.reportDataNonce ? {reportDataNonce: bound.reportDataNonce} : {}),
      ...(worker ? {worker: worker.ok} : {}),
    };
  } else if (requireBinding) {
    list.missing('binding', input.cpu ? 'no usable CPU report data to check the binding against' : 'binding required but there is no CPU evidence carrying report data');
  }

  // 4. Dev attestation policy.
  const isDev = dev.length > 0 || input.claimsDev === true;
  if (isDev) {
    const where = dev.length ? dev.map((d) => d.where).join(', ') : 'the bundle says so';
    let check: Check;
    if (!policy.allowDev) check = {name: 'dev.attestation', ok: false, detail: `${DEV_LABEL} (${where}) is not allowed by this profile's attestation policy`};
    else if (dev.some((d) => !d.knownRoot)) check = {name: 'dev.attestation', ok: false, detail: `${DEV_LABEL} (${where}) is anchored on dev roots this home does not know`};
    else if (dev.length === 0) check = {name: 'dev.attestation', ok: true, warning: true, detail: `${DEV_LABEL}: the bundle is marked dev`};
    else check = {name: 'dev.attestation', ok: true, warning: true, detail: `${DEV_LABEL}: ${where} anchored on this devnet's dev roots, allowed by policy`};
    list.checks.unshift(check);
  }

  // 5. Freshness: the bound challenge must be one the verifier chose.
  if (expected !== undefined) {
    const want = expected.map((c) => hex(c));
    if (!b.challenge) list.missing('freshness.challenge', 'no challenge in the evidence to compare with the expected one');
    else if (!b.workerPubkey) list.missing('freshness.challenge', 'no worker key: the challenge cannot be tied to the report');
    else {
      const got = hex(b.challenge);
      list.check('freshness.challenge', want.includes(got), `challenge ${got} is the expected one`, `challenge ${got} is not the expected challenge (${want.join(' or ') || 'none'}): stale or replayed evidence`);
    }
  } else if (b.challenge && b.workerPubkey) {
    list.skip('freshness.challenge', `the evidence's own challenge ${hex(b.challenge)} was not compared with one the verifier chose (--challenge)`);
  }

  // 6. Appraisal of measurements (attestation.md step 5).
  const m: EvidenceMeasurements = {};
  if (result.cpu?.type === 'tdx' && result.cpu.measurements.mrtd) m.tdx = result.cpu.measurements;
  if (result.cpu?.type === 'snp' && result.cpu.measurements.measurement) m.snp = result.cpu.measurements;
  if (result.gpu?.length) m.gpus = result.gpu.map((g) => ({...(g.driver ? {driver: g.driver} : {}), ...(g.vbios ? {vbios: g.vbios} : {})}));
  if (m.tdx || m.snp || m.gpus) {
    const why = input.measurementsAbsentReason ?? 'no measurement policy (--measurements FILE, the network profile or the WorkerManager)';
    if (!input.measurements && input.measurementsRequired === false) list.warn('measurements', `measurements not appraised: ${why}`);
    else list.checks.push(...appraiseMeasurements(m, input.measurements, why));
  }
  const devGpus = (result.gpu ?? []).length > 0 && (result.gpu ?? []).every((g) => g.dev === true);
  list.checks.splice(0, list.checks.length, ...acceptGaps(list.checks, policy.acceptGaps ?? [], devGpus));
  return finish(list, result, isDev, now);
}

/**
 * The checks with every `missing` one that a gap rule names turned into an accepted gap (`ok`, `warning`,
 * `accepted`). A `devOnly` rule applies only when `devGpus` (every GPU is anchored on dev roots). Pure.
 */
export function acceptGaps(checks: Check[], rules: GapRule[], devGpus: boolean): Check[] {
  return checks.map((c) => {
    if (!c.missing) return c;
    const rule = rules.find((r) => r.check === c.name && (!r.devOnly || devGpus));
    if (!rule) return c;
    return {name: c.name, ok: true, warning: true, accepted: true, detail: `not checked, accepted by policy${rule.devOnly ? ' for dev GPUs (dev attestation, not hardware)' : ''}: ${c.detail}`};
  });
}

function finish(
  list: CheckList,
  result: Omit<VerificationResult, 'verdict' | 'checks' | 'reasons' | 'warnings' | 'notChecked' | 'accepted' | 'dev' | 'at'>,
  dev: boolean,
  now: number,
): VerificationResult {
  return {
    verdict: list.verdict(),
    ...result,
    checks: list.checks,
    reasons: list.reasons(),
    warnings: list.checks.filter((c) => c.ok && c.warning).map((c) => `${c.name}: ${c.detail}`),
    notChecked: list.checks.filter((c) => c.skipped).map((c) => `${c.name}: ${c.detail}`),
    accepted: list.checks.filter((c) => c.accepted).map((c) => `${c.name}: ${c.detail}`),
    dev,
    at: now,
  };
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

/** Options of {@link verifyBundle}. */
export interface VerifyBundleOptions {
  /** Verification time, Unix seconds. */
  now: number;
  policy: Partial<AttestationPolicy>;
  /** The TLS certificate DER the worker presented (its key must be the bundle's `tlsSpki`). */
  tlsCertDer?: Uint8Array;
  /** The registration challenge the verifier expects (overrides the bundle's own `challenge`). */
  challenge?: Uint8Array;
  /** Require the binding (default `policy.requireBinding`). */
  requireBinding?: boolean;
  /** The GPU nonce the verifier chose (`--gpu-nonce`): every GPU's evidence must carry exactly this nonce. */
  expectedGpuNonce?: string;
  /** Material to use where the bundle carries none (e.g. cached collateral, a fetched VCEK). */
  supplement?: Pick<CpuEvidenceInput, 'collateral' | 'vcek' | 'certChain' | 'crl'>;
  /** See {@link VerifyEvidenceInput.sourceChecks}. */
  sourceChecks?: Check[];
  /** See {@link VerifyEvidenceInput.expectedChallenges}. */
  expectedChallenges?: Uint8Array[];
  /** See {@link VerifyEvidenceInput.measurements}. */
  measurements?: MeasurementPolicy;
  /** See {@link VerifyEvidenceInput.measurementsAbsentReason}. */
  measurementsAbsentReason?: string;
}

/**
 * Verifies an attestation bundle (design.md §5): its CPU and GPU evidence, and the binding of its report
 * data to its TLS key (and the presented certificate, if given), its worker key and its challenge.
 * @throws EvidenceFormatError when the bundle itself is malformed (callers map it to a usage error).
 */
export function verifyBundle(bundle: AttestationBundle | DecodedBundle | unknown, opts: VerifyBundleOptions): VerificationResult {
  const d: DecodedBundle = isDecoded(bundle) ? bundle : decodeBundle(bundle);
  const s = opts.supplement ?? {};
  return verifyEvidence({
    cpu: {
      kind: d.cpu.type,
      bytes: d.cpu.quote,
      ...(d.cpu.collateral !== undefined ? {collateral: d.cpu.collateral} : s.collateral !== undefined ? {collateral: s.collateral} : {}),
      ...(d.cpu.vcek !== undefined ? {vcek: d.cpu.vcek} : s.vcek !== undefined ? {vcek: s.vcek} : {}),
      ...(d.cpu.certChain !== undefined ? {certChain: d.cpu.certChain} : s.certChain !== undefined ? {certChain: s.certChain} : {}),
      ...(d.cpu.crl !== undefined ? {crl: d.cpu.crl} : s.crl !== undefined ? {crl: s.crl} : {}),
    },
    ...(d.gpu ? {gpu: {evidence: d.gpu, ...(opts.expectedGpuNonce !== undefined ? {expectedNonce: opts.expectedGpuNonce} : {})}} : {}),
    binding: {
      tlsSpkiDer: d.tlsSpki,
      ...(opts.tlsCertDer ? {tlsCertDer: opts.tlsCertDer} : {}),
      workerPubkey: d.workerPubkey,
      ...(opts.challenge ?? d.challenge ? {challenge: opts.challenge ?? d.challenge} : {}),
    },
    now: opts.now,
    policy: opts.policy,
    ...(opts.requireBinding !== undefined ? {requireBinding: opts.requireBinding} : {}),
    claimsDev: d.dev,
    ...(opts.sourceChecks ? {sourceChecks: opts.sourceChecks} : {}),
    ...(opts.expectedChallenges ? {expectedChallenges: opts.expectedChallenges} : {}),
    ...(opts.measurements ? {measurements: opts.measurements} : {}),
    ...(opts.measurementsAbsentReason ? {measurementsAbsentReason: opts.measurementsAbsentReason} : {}),
  });
}

function isDecoded(b: unknown): b is DecodedBundle {
  return typeof b === 'object' && b !== null && (b as DecodedBundle).tlsSpki instanceof Uint8Array && typeof (b as DecodedBundle).dev === 'boolean';
}

/**
 * A result with the checks named `name` that could not run offline (missing, or accepted as a gap) replaced by
 * the checks the online step produced (an online-only step such as `nvidia.ocsp`), inserted where the first
 * one stood; verdict, reasons, warnings, notChecked and accepted are recomputed. Unchanged when there is no
 * such check. Pure.
 */
export function withOnlineChecks(result: VerificationResult, name: string, replacement: Check[]): VerificationResult {
  const offline = (c: Check) => c.name === name && (c.missing === true || c.accepted === true);
  const at = result.checks.findIndex(offline);
  if (at < 0) return result;
  const list = new CheckList();
  result.checks.forEach((c, i) => {
    if (i === at) list.checks.push(...replacement);
    if (!offline(c)) list.checks.push(c);
  });
  return {
    ...result,
    verdict: list.verdict(),
    checks: list.checks,
    reasons: list.reasons(),
    warnings: list.checks.filter((c) => c.ok && c.warning).map((c) => `${c.name}: ${c.detail}`),
    notChecked: list.checks.filter((c) => c.skipped).map((c) => `${c.name}: ${c.detail}`),
    accepted: list.checks.filter((c) => c.accepted).map((c) => `${c.name}: ${c.detail}`),
  };
}
