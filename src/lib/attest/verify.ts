/**
 * `attest verify` service: gathers evidence (a bundle, loose files, or a live worker) and judges it.
 * Bundles and `--url` go through the worker-verification service ({@link verifyWorker}): binding required,
 * measurements appraised, the challenge compared with `--challenge`. Loose evidence runs the pure pipeline
 * (`src/attest/verify.ts`) with the binding reported as not checked (unless `--require-binding`) and, with
 * no measurement policy from any source, "measurements not appraised" as a warning.
 *
 * Network policy: evidence named by `--url` is fetched from the worker (that is what was asked); Intel, AMD
 * and NVIDIA services are contacted only with `--online` (or the profile's `attestation.online`). Offline,
 * what could not be checked makes the verdict `unverifiable` (exit 3), never a pass.
 */
import {sha256Hex} from '../../../contracts/common/encoding.js';
import {decodeBundle, parseBundle} from '../../attest/bundle.js';
import {detectEvidence} from '../../attest/detect.js';
import {MeasurementPolicyError, parseMeasurementPolicy, type MeasurementPolicy} from '../../attest/measurements.js';
import type {Check} from '../../attest/types.js';
import {verifyEvidence, type CpuEvidenceInput, type GpuEvidenceInput, type VerificationResult} from '../../attest/verify.js';
import {parseCertDer} from '../../attest/x509.js';
import type {Context} from '../cli/base-command.js';
import {ExitCode, UsageError} from '../errors.js';
import {gatherCollateral} from './fetch/collateral.js';
import * as input from './inputs.js';
import {collateralSource, onlineChecks, policyFor, resolveMeasurements, verifyWorker, type MeasurementSource, type NetOptions} from './service.js';
import {fetchWorkerEvidence} from './worker.js';

export {ATTEST_ENV} from './service.js';

/** Options of {@link verifyAttestation} (one per `attest verify` flag). Paths are files. */
export interface AttestVerifyOptions extends NetOptions {
  bundle?: string;
  quote?: string;
  collateral?: string;
  vcek?: string;
  certChain?: string;
  crl?: string;
  gpuEvidence?: string;
  gpuCertChain?: string;
  gpuNonce?: string;
  /** Unix seconds or ISO 8601; default: now. */
  at?: string;
  /**
   * Loose evidence: require REPORTDATA to bind a TLS key (and the GPU nonce). Bundles and `--url` always
   * require the binding; this cannot turn it off.
   */
  requireBinding?: boolean;
  url?: string;
  /** Challenges the evidence must bind (hex; the registration challenge the verifier chose). */
  challenge?: string[];
  /** Measurement policy file (`--measurements FILE`); or {@link measurementPolicy} as a document. */
  measurements?: string;
  measurementPolicy?: MeasurementPolicy;
  /** Reject TCB statuses otherwise accepted with a warning (default: the profile's setting). */
  strict?: boolean;
  /** true: insist on dev being allowed (error where the profile forbids it); false: refuse dev evidence. */
  allowDev?: boolean;
}

/** Where the evidence came from and how it was checked. */
export interface VerifySource {
  /** `url`, `bundle` or `files`. */
  from: 'url' | 'bundle' | 'files';
  /** The worker endpoint that answered (`--url`). */
  origin?: string;
  /** SHA-256 of the TLS certificate DER the worker presented, and of its SPKI. */
  tlsCertSha256?: string;
  tlsSpkiSha256?: string;
  /** Which endpoint served the evidence: `/cpu + /gpu` or `/attestation`. */
  endpoints?: string;
}

/** `attest verify --json` (design.md §6): the pipeline result plus source and effective policy. */
export interface AttestVerifyResult extends VerificationResult {
  source: VerifySource;
  policy: {network: string; allowDev: boolean; strict: boolean; requireBinding: boolean; online: boolean};
  /** Bundles: the worker key (hex), the SHA-256 of its TLS SPKI (hex), and the collateral's earliest expiry. */
  workerPubkey?: string;
  tlsSpkiSha256?: string;
  validUntil?: number;
  /** Where the measurement policy came from, and its name and version. */
  measurementPolicy: {source: MeasurementSource; name?: string; version?: string};
}

/** Exit code of a verdict: 0 valid, 4 invalid, 3 unverifiable (design.md §6). */
export function exitCodeForVerdict(v: VerificationResult['verdict']): number {
  return v === 'valid' ? ExitCode.OK : v === 'invalid' ? ExitCode.VERIFICATION : ExitCode.UNAVAILABLE;
}


/** Reads and validates `--measurements FILE` (exit 2 when it is not a measurement policy). */
export function readMeasurementPolicy(file: string): MeasurementPolicy {
  const bytes = input.readInputFile(file, '--measurements');
  try {
    return parseMeasurementPolicy(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    if (e instanceof MeasurementPolicyError) throw new UsageError(`--measurements ${file}: ${e.message}`, {code: 'MEASUREMENTS_INVALID'});
    throw e;
  }
}

/** Verifies attestation evidence as `attest verify` does. Throws UsageError (exit 2) for malformed input. */
export async function verifyAttestation(ctx: Context, opts: AttestVerifyOptions): Promise<AttestVerifyResult> {
  const now = opts.at !== undefined ? input.parseAt(opts.at) : Math.floor(Date.now() / 1000);
  const loose = ['quote', 'collateral', 'vcek', 'certChain', 'crl', 'gpuEvidence', 'gpuCertChain'] as const;
  const looseGiven = loose.filter((k) => opts[k] !== undefined);
  const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (opts.url && (opts.bundle || looseGiven.length)) {
    throw new UsageError(`--url fetches the evidence itself; do not combine it with ${opts.bundle ? 'a BUNDLE file' : looseGiven.map(flag).join(', ')}`);
  }
  if (!opts.url && !opts.bundle && !opts.quote && !opts.gpuEvidence) {
    throw new UsageError('nothing to verify', {suggestion: 'give a BUNDLE file, --quote FILE and/or --gpu-evidence FILE, or --url URL'});
  }
  const online = opts.online ?? ctx.profile.attestation.online ?? false;
  const net: NetOptions = {online, ...(opts.http ? {http: opts.http} : {}), ...(opts.throttle ? {throttle: opts.throttle} : {})};
  // Loose files are judged on what they carry; a bundle or a live worker only together with its binding.
  let requireBinding = Boolean(opts.requireBinding || opts.url || opts.bundle);
  const {policy, devCollateral} = policyFor(ctx, {strict: opts.strict, allowDev: opts.allowDev, requireBinding});
  const source = collateralSource(ctx, net, devCollateral);
  const info: VerifySource = {from: opts.url ? 'url' : opts.bundle ? 'bundle' : 'files'};
  const gpuNonce = opts.gpuNonce !== undefined ? input.nonceHex(opts.gpuNonce, '--gpu-nonce') : undefined;
  const challenges = opts.challenge?.map((c) => Buffer.from(input.hexBytes(c, '--challenge')).toString('hex'));
  const given = opts.measurementPolicy ?? (opts.measurements !== undefined ? readMeasurementPolicy(opts.measurements) : undefined);

  let bundleJson: unknown;
  let cpu: CpuEvidenceInput | undefined;
  let gpu: GpuEvidenceInput | undefined;
  let tlsCertDer: Uint8Array | undefined;
  const sourceChecks: Check[] = [];

  if (opts.url) {
    const w = await fetchWorkerEvidence(opts.url);
    tlsCertDer = w.tlsCertDer;
    info.origin = w.origin;
    info.tlsCertSha256 = sha256Hex(w.tlsCertDer);
    try {
      info.tlsSpkiSha256 = sha256Hex(parseCertDer(w.tlsCertDer).spkiDer);
    } catch {
      /* the binding check reports an unparseable certificate */
    }
    if (w.mismatchedCerts.length) {
      sourceChecks.push({name: 'source.tls', ok: false, detail: `${w.mismatchedCerts.join(', ')} came over a connection presenting a different TLS certificate than ${w.origin}`});
    } else sourceChecks.push({name: 'source.tls', ok: true, detail: `evidence from ${w.origin} over the TLS certificate SHA-256 ${info.tlsCertSha256}`});
    // What the worker served is evidence to judge, not user input: malformed content fails verification (exit 4).
    if (w.bundleText !== undefined) {
      info.endpoints = '/attestation';
      try {
        bundleJson = parseBundle(w.bundleText);
      } catch (e) {
        sourceChecks.push({name: 'source.bundle', ok: false, detail: `worker /attestation: ${e instanceof Error ? e.message : String(e)}`});
      }
    } else {
      info.endpoints = '/cpu + /gpu';
      cpu = {bytes: w.cpuText!};
      if (w.gpuText !== undefined) gpu = {evidence: w.gpuText, ...(gpuNonce ? {expectedNonce: gpuNonce} : {})};
      else if (w.gpuFailed) sourceChecks.push({name: 'source.gpu', ok: false, missing: true, detail: `${w.gpuFailed}: the GPU evidence could not be had`});
      else if (gpuNonce) sourceChecks.push({name: 'source.gpu', ok: false, detail: `--gpu-nonce was given but the worker serves no GPU evidence (${w.gpuAbsent ?? 'none'})`});
      else sourceChecks.push({name: 'source.gpu', ok: true, skipped: true, detail: w.gpuAbsent ?? 'no GPU evidence'});
    }
  } else if (opts.bundle) {
    const b = input.readInputFile(opts.bundle, 'BUNDLE');
    const kind = input.classifyPositional(b, `BUNDLE ${opts.bundle}`);
    if (kind.kind === 'bundle') bundleJson = input.asUsage(`BUNDLE ${opts.bundle}`, () => parseBundle(Buffer.from(b).toString('utf8')));
    else if (kind.kind === 'gpu') gpu = {evidence: kind.evidence, ...(gpuNonce ? {expectedNonce: gpuNonce} : {})};
    else cpu = {kind: kind.evidence.kind, bytes: kind.evidence.bytes};
    if (bundleJson !== undefined && looseGiven.length) throw new UsageError(`a bundle carries its own evidence; do not combine it with ${looseGiven.map(flag).join(', ')}`);
    // The positional file was loose evidence after all.
    if (bundleJson === undefined) requireBinding = Boolean(opts.requireBinding);
  }
  if (challenges && bundleJson === undefined && !opts.url) {
    throw new UsageError('--challenge needs a bundle (or --url): the worker key the challenge is bound with is in the bundle');
  }
  const meta = {network: ctx.profile.name, allowDev: policy.allowDev, strict: policy.strict, requireBinding, online};

  if (bundleJson === undefined) {
    if (opts.quote) {
      if (cpu) throw new UsageError('two CPU evidence inputs: the BUNDLE file is CPU evidence and --quote is given');
      const det = input.cpuEvidence(input.readInputFile(opts.quote, '--quote'), `--quote ${opts.quote}`);
      cpu = {kind: det.kind, bytes: det.bytes};
    }
    if (cpu && !opts.url) {
      if (opts.collateral) cpu.collateral = input.collateralJson(input.readInputFile(opts.collateral, '--collateral'), `--collateral ${opts.collateral}`);
      if (opts.vcek) cpu.vcek = input.derObject(input.readInputFile(opts.vcek, '--vcek'), `--vcek ${opts.vcek}`);
      if (opts.certChain) cpu.certChain = input.pemChain(input.readInputFile(opts.certChain, '--cert-chain'), `--cert-chain ${opts.certChain}`);
      if (opts.crl) cpu.crl = input.derObject(input.readInputFile(opts.crl, '--crl'), `--crl ${opts.crl}`);
    } else if (!cpu) {
      const only = (['collateral', 'vcek', 'certChain', 'crl'] as const).filter((k) => opts[k] !== undefined);
      if (only.length) throw new UsageError(`${only.map(flag).join(', ')} ${only.length > 1 ? 'need' : 'needs'} CPU evidence (--quote FILE)`);
    }
    if (opts.gpuEvidence) {
      if (gpu) throw new UsageError('two GPU evidence inputs: the BUNDLE file is GPU evidence and --gpu-evidence is given');
      gpu = {evidence: input.gpuEvidence(input.readInputFile(opts.gpuEvidence, '--gpu-evidence'), `--gpu-evidence ${opts.gpuEvidence}`), ...(gpuNonce ? {expectedNonce: gpuNonce} : {})};
    }
    if (opts.gpuCertChain) {
      if (!gpu) throw new UsageError('--gpu-cert-chain needs --gpu-evidence');
      if (typeof gpu.evidence === 'string') {
        throw new UsageError('--gpu-cert-chain is for raw SPDM evidence; nvtrust JSON evidence carries its own certificate chains');
      }
      gpu.certChainPem = input.pemChain(input.readInputFile(opts.gpuCertChain, '--gpu-cert-chain'), `--gpu-cert-chain ${opts.gpuCertChain}`);
    }
    if (gpuNonce && !gpu && !opts.url) throw new UsageError('--gpu-nonce needs GPU evidence (--gpu-evidence FILE)');
  }

  if (bundleJson !== undefined) {
    if (gpuNonce && !(bundleJson as {gpu?: unknown}).gpu) throw new UsageError('--gpu-nonce was given but the bundle has no GPU evidence');
    // A bundle file the user gave that does not decode is input to fix (exit 2); one a worker served is
    // evidence that fails (verifyWorker: exit 4).
    if (!opts.url) input.asUsage(`BUNDLE ${opts.bundle}`, () => decodeBundle(bundleJson));
    const w = await verifyWorker(ctx, {
      bundle: bundleJson,
      ...(tlsCertDer ? {presentedCertDer: tlsCertDer} : {}),
      ...(challenges ? {expectedChallenges: challenges} : {}),
      ...(given ? {measurements: given} : {}),
      ...net,
      now,
      ...(opts.strict !== undefined ? {strict: opts.strict} : {}),
      ...(opts.allowDev !== undefined ? {allowDev: opts.allowDev} : {}),
      ...(gpuNonce ? {expectedGpuNonce: gpuNonce} : {}),
      sourceChecks,
    });
    return {...w, source: info, policy: meta};
  }
  const m = await resolveMeasurements(ctx, given);
  let result: VerificationResult;
  {
    let detected: {kind: 'tdx' | 'snp'; bytes: Uint8Array} | undefined;
    if (cpu) {
      try {
        detected = cpu.kind && cpu.bytes instanceof Uint8Array ? {kind: cpu.kind, bytes: cpu.bytes} : detectEvidence(cpu.bytes);
      } catch {
        detected = undefined; // the pipeline reports cpu.format
      }
    }
    if (cpu && detected) {
      const gathered = await gatherCollateral(source, detected, now, {
        collateral: cpu.collateral !== undefined,
        vcek: cpu.vcek === undefined ? false : typeof cpu.vcek === 'string' ? true : cpu.vcek,
        certChain: cpu.certChain !== undefined,
        crl: cpu.crl !== undefined,
      });
      if (gathered.collateral) cpu.collateral = gathered.collateral;
      if (gathered.vcek) cpu.vcek = gathered.vcek;
      if (gathered.certChain) cpu.certChain = gathered.certChain;
      if (gathered.crl) cpu.crl = gathered.crl;
      sourceChecks.push(...gathered.checks);
    }
    result = verifyEvidence({
      ...(cpu ? {cpu} : {}),
      ...(gpu ? {gpu} : {}),
      ...(tlsCertDer ? {binding: {tlsCertDer}} : {}),
      now,
      policy,
      requireBinding,
      sourceChecks,
      ...(challenges ? {expectedChallenges: challenges.map((c) => new Uint8Array(Buffer.from(c, 'hex')))} : {}),
      ...(m.policy ? {measurements: m.policy} : {}),
      ...(m.reason ? {measurementsAbsentReason: m.reason} : {}),
      // A live worker's image must be appraised; loose files may be judged without a policy (a warning).
      measurementsRequired: Boolean(opts.url),
    });
  }
  result = await onlineChecks(ctx, net, result, gpu, now);
  return {...result, source: info, policy: meta, measurementPolicy: {source: m.source, ...(m.policy ? {name: m.policy.name, version: m.policy.version} : {})}};
}
