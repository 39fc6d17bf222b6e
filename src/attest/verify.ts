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
 *
 * The evidence steps (inputs, CPU and GPU verifiers, dev evidence) are in evidence.ts; the result (types,
 * accepted gaps, online checks) in result.ts.
 */
import {checkBinding, gpuNonce} from './binding.js';
import {decodeBundle, type AttestationBundle, type DecodedBundle} from './bundle.js';
import {DEV_LABEL} from './dev/marker.js';
import {REPORT_DATA_HALF, verifyCpu, verifyGpu, type CpuEvidenceInput, type DevFinding, type GpuEvidenceInput} from './evidence.js';
import {appraiseMeasurements, type EvidenceMeasurements, type MeasurementPolicy} from './measurements.js';
import {dangerousDevRoots, resolvePolicy, type AttestationPolicy} from './policy.js';
import {acceptGaps, finish, type VerificationResult} from './result.js';
import {CheckList, hex, type Check} from './types.js';
import {bytesEqual} from './x509.js';

export {isJsonEvidence, type CpuEvidenceInput, type GpuEvidenceInput} from './evidence.js';
export {acceptGaps, withOnlineChecks, type BindingSummary, type CpuSummary, type VerificationResult} from './result.js';

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
    const c = verifyCpu(list, input.cpu, now, policy, extraRoots, knownDevRoots, dev);
    reportData = c.reportData;
    if (c.summary) result.cpu = c.summary;
  }

  // 2. GPU evidence.
  let gpuJsonNonce: string | undefined;
  let gpuRequestNonces: string[] | undefined;
  if (input.gpu) {
    const r = verifyGpu(list, input.gpu, reportData, now, extraRoots, knownDevRoots, dev);
    result.gpu = r.gpus;
    gpuJsonNonce = r.jsonNonce;
    gpuRequestNonces = r.gpus.map((x) => x.nonce);
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
