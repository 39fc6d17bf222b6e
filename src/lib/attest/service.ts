/**
 * The worker-verification service (design.md §5; attestation.md §0): one call that every consumer uses —
 * `attest verify` (bundles and `--url`), `worker register`, `worker next` and `chat` — to judge a worker's
 * attestation bundle. It builds the attestation policy from the network profile, completes the collateral from
 * the cache (or Intel PCS / AMD KDS when the network is allowed), finds the accepted measurements
 * (caller's document > network profile > the WorkerManager's `accepted_measurements`), runs the pure pipeline
 * (`src/attest/verify.ts`) with the binding required and the expected challenges, then, when the network is
 * allowed, NVIDIA RIM and OCSP in place of their offline gaps.
 *
 * Fail closed: every check that could not run is `missing` and makes the verdict `unverifiable`, unless the
 * policy explicitly accepts that gap (then it is a warning and listed in `accepted`).
 */
import {randomBytes} from 'node:crypto';
import {sha256Hex} from '../../../contracts/common/encoding.js';
import {decodeBundle, parseBundle} from '../../attest/bundle.js';
import {parseCrl} from '../../attest/crl.js';
import {decodeBytes} from '../../attest/detect.js';
import {DEV_FMSPC, devRootPins} from '../../attest/dev/roots.js';
import {parseMeasurementPolicy, type MeasurementPolicy} from '../../attest/measurements.js';
import {checkGpuChainsOcsp} from '../../attest/nvidia/ocsp.js';
import {checkGpuRims} from '../../attest/nvidia/rim.js';
import {parseNvtrustJson} from '../../attest/nvidia/verify.js';
import {DEV_GPU_GAPS, type AttestationPolicy} from '../../attest/policy.js';
import {parseTdxCollateral, type TdxCollateral} from '../../attest/tdx/collateral.js';
import {EvidenceFormatError, type Check} from '../../attest/types.js';
import {isJsonEvidence, verifyBundle, withOnlineChecks, type GpuEvidenceInput, type VerificationResult} from '../../attest/verify.js';
import type {Context} from '../cli/base-command.js';
import {UsageError, VerificationError} from '../errors.js';
import {attestationCacheDir, FileStorage} from './cache.js';
import {loadDevRoots} from './dev.js';
import {AmdKdsClient} from './fetch/amd.js';
import {CollateralSource, gatherCollateral, tdxCollateralWindow} from './fetch/collateral.js';
import type {HttpGet} from './fetch/http.js';
import {IntelPcsClient} from './fetch/intel.js';
import {NvidiaOcspClient} from './fetch/nvidia-ocsp.js';
import {NvidiaRimClient} from './fetch/nvidia-rim.js';
import {cacheKey} from './fetch/storage.js';
import {Throttle, type ThrottleOptions} from './fetch/throttle.js';
import {nodeHttpGet} from './http.js';
import {hexBytes} from './inputs.js';

/** How the service may use the network (Intel PCS, AMD KDS, NVIDIA RIM and OCSP). */
export interface NetOptions {
  /** Contact the collateral and NVIDIA services (default: the profile's `attestation.online`, else false). */
  online?: boolean;
  /** Injected HTTP client (tests); default node:https with system CAs. */
  http?: HttpGet;
  throttle?: ThrottleOptions;
}

/** Environment variables naming the services (base URLs) and the optional Intel PCS key. */
export const ATTEST_ENV = {
  pcsUrl: 'SECRETAI_PCS_URL',
  pcsApiKey: 'SECRETAI_PCS_API_KEY',
  kdsUrl: 'SECRETAI_KDS_URL',
  /** NVIDIA OCSP responder URL (default https://ocsp.ndis.nvidia.com/). */
  nvidiaOcspUrl: 'SECRETAI_NVIDIA_OCSP_URL',
  /** NVIDIA RIM service base URL; a RIM id is appended (default https://rim.attestation.nvidia.com/v1/rim/). */
  nvidiaRimUrl: 'SECRETAI_NVIDIA_RIM_URL',
} as const;


/** Each GPU's PEM device chain and raw SPDM evidence; [] when there is none or it does not decode (the pipeline says why). */
function gpuEntries(gpu: GpuEvidenceInput | undefined): {chain: string; spdm: Uint8Array}[] {
  if (!gpu) return [];
  try {
    if (isJsonEvidence(gpu.evidence)) return parseNvtrustJson(gpu.evidence).entries.map((x) => ({chain: x.certChainPem ?? '', spdm: x.evidence}));
    return [{chain: gpu.certChainPem ?? '', spdm: decodeBytes(gpu.evidence as string | Uint8Array, 'GPU evidence')}];
  } catch {
    return [];
  }
}

/**
 * `--online` NVIDIA revocation (attestation.md §3.3 step 9): asks the OCSP responder about every device
 * certificate and puts the outcome in place of the skipped `nvidia.ocsp` check. GPUs anchored on the
 * devnet's dev roots are asked only when a responder URL is configured (NVIDIA's knows nothing of them).
 */
export async function onlineGpuRevocation(ctx: Context, opts: NetOptions, result: VerificationResult, gpu: GpuEvidenceInput | undefined, now: number): Promise<VerificationResult> {
  const chains = gpuEntries(gpu).map((x) => x.chain).filter((c) => c.length > 0);
  if (!chains.length || !result.checks.some((c) => c.name === 'nvidia.ocsp' && (c.missing || c.accepted))) return result;
  const url = ctx.env[ATTEST_ENV.nvidiaOcspUrl];
  if (!url && (result.gpu ?? []).length > 0 && (result.gpu ?? []).every((g) => g.dev)) return result;
  const client = new NvidiaOcspClient(new Throttle(opts.http ?? nodeHttpGet(), opts.throttle), url ? {url} : {});
  // Good answers are kept in the attestation cache for their validity. They are signed by the certificate's
  // issuer (or its delegated responder), so whichever responder gave them, they are checked the same way.
  const storage = new FileStorage(attestationCacheDir(ctx.home.value));
  const checks = await checkGpuChainsOcsp({
    chains,
    fetch: client.fetcher(),
    now,
    random: (n) => Uint8Array.from(randomBytes(n)),
    cache: {get: (k) => storage.get(cacheKey('nvidia', 'ocsp', k)), put: (k, v) => storage.put(cacheKey('nvidia', 'ocsp', k), v)},
  });
  return withOnlineChecks(result, 'nvidia.ocsp', checks);
}

/**
 * `--online` NVIDIA golden measurements (attestation.md §3.3 steps 7–8): fetches the driver and VBIOS RIMs
 * of every GPU from the RIM service (cached in the attestation cache) and puts the comparison in place of
 * the skipped `nvidia.rim` check. GPUs anchored on the devnet's dev roots are compared only when a RIM
 * service URL is configured (NVIDIA's has no RIMs for them).
 */
export async function onlineGpuRims(ctx: Context, opts: NetOptions, result: VerificationResult, gpu: GpuEvidenceInput | undefined, now: number): Promise<VerificationResult> {
  const evidence = gpuEntries(gpu).map((x) => x.spdm);
  if (!evidence.length || !result.checks.some((c) => c.name === 'nvidia.rim' && (c.missing || c.accepted))) return result;
  const url = ctx.env[ATTEST_ENV.nvidiaRimUrl];
  if (!url && (result.gpu ?? []).length > 0 && (result.gpu ?? []).every((g) => g.dev)) return result;
  const client = new NvidiaRimClient(new Throttle(opts.http ?? nodeHttpGet(), opts.throttle), {
    ...(url ? {baseUrl: url} : {}),
    storage: new FileStorage(attestationCacheDir(ctx.home.value)),
  });
  // Devnet GPUs (anchored on the dev roots) have locally built, unsigned RIMs: their signature check is
  // missing, never passed. A RIM that carries a signature is verified whatever the GPU.
  const devOnly = (result.gpu ?? []).length > 0 && (result.gpu ?? []).every((g) => g.dev);
  const checks = await checkGpuRims({evidence, fetch: client.fetcher(), now, ...(devOnly ? {dangerousUnsignedRims: true} : {})});
  return withOnlineChecks(result, 'nvidia.rim', checks);
}

export function collateralSource(ctx: Context, opts: NetOptions, fixedTdx: Map<string, TdxCollateral>): CollateralSource {
  const storage = new FileStorage(attestationCacheDir(ctx.home.value));
  if (!opts.online) return new CollateralSource({storage, online: false, fixedTdx});
  const throttle = new Throttle(opts.http ?? nodeHttpGet(), opts.throttle);
  const env = ctx.env;
  return new CollateralSource({
    storage,
    online: true,
    fixedTdx,
    intel: new IntelPcsClient(throttle, {
      ...(env[ATTEST_ENV.pcsUrl] ? {baseUrl: env[ATTEST_ENV.pcsUrl]} : {}),
      ...(env[ATTEST_ENV.pcsApiKey] ? {apiKey: env[ATTEST_ENV.pcsApiKey]} : {}),
    }),
    amd: new AmdKdsClient(throttle, env[ATTEST_ENV.kdsUrl] ? {baseUrl: env[ATTEST_ENV.kdsUrl]} : {}),
  });
}

/** The attestation policy of the active profile, adjusted by flags. */
export function policyFor(ctx: Context, opts: {strict?: boolean; allowDev?: boolean; requireBinding: boolean}): {policy: AttestationPolicy; devCollateral: Map<string, TdxCollateral>} {
  const profile = ctx.profile;
  let allowDev = profile.attestation.allowDev;
  if (opts.allowDev === true && !allowDev) {
    throw new UsageError(`dev attestation cannot be allowed on network ${profile.name}: its profile does not allow it`, {
      code: 'POLICY_REFUSED',
      suggestion: 'dev evidence is for the local devnet profile (--network local)',
    });
  }
  if (opts.allowDev === false) allowDev = false;
  // The home's dev roots are always known (so dev evidence is recognised and named); they are honoured as
  // trust anchors only when the policy allows dev (`dangerousDevRoots` in the pipeline).
  const roots = loadDevRoots(ctx.home.value);
  const devCollateral = new Map<string, TdxCollateral>();
  if (roots) devCollateral.set(DEV_FMSPC, roots.tdx.collateral);
  return {
    policy: {
      allowDev,
      strict: opts.strict ?? profile.attestation.strict,
      allowedVmpl: [0, 1],
      requireBinding: opts.requireBinding,
      allowCpuOnly: false,
      devRootsSha256: roots ? devRootPins(roots).all : [],
      // Dev GPUs have no NVIDIA RIMs or OCSP answers: only a profile allowing dev accepts those gaps, for them.
      acceptGaps: allowDev ? [...DEV_GPU_GAPS] : [],
    },
    devCollateral,
  };
}


/** Where the measurement policy came from. */
export type MeasurementSource = 'caller' | 'profile' | 'chain' | 'none';

/**
 * The accepted measurements, in order: the caller's document (`--measurements FILE`), the network profile's,
 * the WorkerManager's admin-set `accepted_measurements`. A WorkerManager that cannot answer (not configured,
 * unreachable, or a contract without the query) gives no policy, with the reason.
 */
export async function resolveMeasurements(ctx: Context, given?: MeasurementPolicy): Promise<{policy?: MeasurementPolicy; source: MeasurementSource; reason?: string}> {
  if (given) return {policy: given, source: 'caller'};
  const fromProfile = ctx.profile.attestation.measurements;
  if (fromProfile) {
    try {
      return {policy: parseMeasurementPolicy(fromProfile), source: 'profile'};
    } catch (e) {
      throw new UsageError(`network ${ctx.profile.name}: attestation.measurements is not a measurement policy: ${e instanceof Error ? e.message : String(e)}`, {code: 'MEASUREMENTS_INVALID'});
    }
  }
  if (!ctx.profile.contracts?.workerManager?.address) {
    return {source: 'none', reason: `no measurement policy: none given (--measurements FILE), none in network ${ctx.profile.name}'s profile, and it has no WorkerManager`};
  }
  try {
    const {contractsFor} = await import('../chain/context.js');
    const policy = await contractsFor(ctx).workerManager.acceptedMeasurements();
    if (policy) return {policy, source: 'chain'};
    return {source: 'none', reason: `no measurement policy: none given (--measurements FILE) or in the profile, and the WorkerManager of ${ctx.profile.name} lists none`};
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return {source: 'none', reason: `no measurement policy: none given (--measurements FILE) or in the profile, and the WorkerManager's accepted_measurements could not be read (${why})`};
  }
}

/** Input of {@link verifyWorker}. */
export interface VerifyWorkerInput extends NetOptions {
  /** The attestation bundle: parsed JSON or its text. */
  bundle: unknown;
  /** The TLS certificate DER the worker presented on the connection being used. */
  presentedCertDer?: Uint8Array;
  /** Challenges the verifier accepts, hex (e.g. the WorkerManager's current and previous). */
  expectedChallenges?: string[];
  /** Accepted measurements; default: the profile's, then the WorkerManager's. */
  measurements?: MeasurementPolicy;
  /** Verification time, Unix seconds (default: now). */
  now?: number;
  /** Reject TCB statuses otherwise accepted with a warning (default: the profile's setting). */
  strict?: boolean;
  /** false: refuse dev evidence even where the profile allows it. */
  allowDev?: boolean;
  /** The GPU nonce the verifier chose (64 hex): every GPU's evidence must carry exactly it. */
  expectedGpuNonce?: string;
  /** Checks recorded while fetching the bundle (e.g. `source.tls` for `--url`); they come first. */
  sourceChecks?: Check[];
}

/** {@link verifyWorker}'s answer: the pipeline result plus what a consumer pins and how long it may rely on it. */
export interface WorkerVerification extends VerificationResult {
  /** `name: detail` of gaps the policy accepted (also in `warnings`). */
  accepted: string[];
  warnings: string[];
  /** The bundle's worker key (33-byte compressed secp256k1), hex. */
  workerPubkey: string;
  /** SHA-256 of the bundle's TLS SubjectPublicKeyInfo DER, hex: what a client pins. */
  tlsSpkiSha256: string;
  /** Earliest expiry (Unix seconds) of the collateral the verdict relied on, when known. */
  validUntil?: number;
  /** Where the measurement policy came from, and its name and version. */
  measurementPolicy: {source: MeasurementSource; name?: string; version?: string};
}

/**
 * Verifies a worker's attestation bundle as every consumer must: binding required (TLS key, GPU nonce, worker
 * key), challenge compared with `expectedChallenges`, measurements appraised, NVIDIA RIM/OCSP online when
 * allowed. A malformed bundle is a {@link VerificationError} (exit 4): it is evidence to judge, not user input.
 */
export async function verifyWorker(ctx: Context, input: VerifyWorkerInput): Promise<WorkerVerification> {
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const online = input.online ?? ctx.profile.attestation.online ?? false;
  const net: NetOptions = {online, ...(input.http ? {http: input.http} : {}), ...(input.throttle ? {throttle: input.throttle} : {})};
  let b;
  try {
    b = parseBundle(typeof input.bundle === 'string' ? input.bundle : JSON.stringify(input.bundle));
  } catch (e) {
    throw new VerificationError(`attestation bundle is malformed: ${e instanceof Error ? e.message : String(e)}`, {code: 'BUNDLE_INVALID'});
  }
  const d = decodeBundle(b);
  const expected = input.expectedChallenges?.map((c, i) => hexBytes(c, `expected challenge ${i + 1}`));
  const {policy, devCollateral} = policyFor(ctx, {strict: input.strict, allowDev: input.allowDev, requireBinding: true});
  const source = collateralSource(ctx, net, devCollateral);
  const m = await resolveMeasurements(ctx, input.measurements);
  const gathered = await gatherCollateral(source, {kind: d.cpu.type, bytes: d.cpu.quote}, now, {
    collateral: d.cpu.collateral !== undefined,
    vcek: d.cpu.vcek ?? false,
    certChain: d.cpu.certChain !== undefined,
    crl: d.cpu.crl !== undefined,
  });
  let result: VerificationResult;
  try {
    result = verifyBundle(d, {
      now,
      policy,
      ...(input.presentedCertDer ? {tlsCertDer: input.presentedCertDer} : {}),
      requireBinding: true,
      ...(input.expectedGpuNonce ? {expectedGpuNonce: input.expectedGpuNonce} : {}),
      supplement: {
        ...(gathered.collateral ? {collateral: gathered.collateral} : {}),
        ...(gathered.vcek ? {vcek: gathered.vcek} : {}),
        ...(gathered.certChain ? {certChain: gathered.certChain} : {}),
        ...(gathered.crl ? {crl: gathered.crl} : {}),
      },
      sourceChecks: [...(input.sourceChecks ?? []), ...gathered.checks],
      ...(expected ? {expectedChallenges: expected} : {}),
      ...(m.policy ? {measurements: m.policy} : {}),
      ...(m.reason ? {measurementsAbsentReason: m.reason} : {}),
    });
  } catch (e) {
    if (e instanceof EvidenceFormatError) throw new VerificationError(`attestation bundle is malformed: ${e.message}`, {code: 'BUNDLE_INVALID'});
    throw e;
  }
  const gpu: GpuEvidenceInput | undefined = d.gpu ? {evidence: d.gpu} : undefined;
  result = await onlineChecks(ctx, net, result, gpu, now);
  return {
    ...result,
    workerPubkey: Buffer.from(d.workerPubkey).toString('hex'),
    tlsSpkiSha256: sha256Hex(d.tlsSpki),
    ...validity(d.cpu.type === 'tdx' ? ((d.cpu.collateral ? undefined : gathered.collateral) ?? collateralOf(d.cpu.collateral)) : undefined, d.cpu.crl ?? gathered.crl),
    measurementPolicy: {source: m.source, ...(m.policy ? {name: m.policy.name, version: m.policy.version} : {})},
  };
}

/** NVIDIA RIM and OCSP in place of their offline gaps, when the network is allowed. */
export async function onlineChecks(ctx: Context, net: NetOptions, result: VerificationResult, gpu: GpuEvidenceInput | undefined, now: number): Promise<VerificationResult> {
  if (!net.online) return result;
  let r = await onlineGpuRims(ctx, net, result, gpu, now);
  r = await onlineGpuRevocation(ctx, net, r, gpu, now);
  return r;
}

function collateralOf(c: Record<string, unknown> | undefined): TdxCollateral | undefined {
  if (!c) return undefined;
  try {
    return parseTdxCollateral(c);
  } catch {
    return undefined;
  }
}


/** `validUntil`: the earliest `nextUpdate` of the TDX collateral or SEV-SNP CRL the verdict relied on. */
function validity(tdx: TdxCollateral | undefined, snpCrl: Uint8Array | undefined): {validUntil?: number} {
  const ends: number[] = [];
  try {
    if (tdx) ends.push(tdxCollateralWindow(tdx).until);
    if (snpCrl) {
      const next = parseCrl(snpCrl).nextUpdate;
      if (next !== undefined) ends.push(next);
    }
  } catch {
    /* unparseable collateral is reported by the pipeline */
  }
  const until = ends.filter(Number.isFinite);
  return until.length ? {validUntil: Math.min(...until)} : {};
}
