/**
 * `attest verify` service: gathers evidence (files, a bundle, or a live worker), completes the collateral
 * from the cache — or from Intel PCS / AMD KDS when the network is allowed (`--online`) — builds the
 * attestation policy from the network profile, and runs the pure pipeline (`src/attest/verify.ts`).
 *
 * Network policy: evidence named by `--url` is fetched from the worker (that is what was asked); Intel and
 * AMD services are contacted only with `online: true`. Offline, a cache miss makes the verdict
 * `unverifiable` (exit 3) with the reason, never a pass.
 */
import {randomBytes} from 'node:crypto';
import {sha256, toHex} from '../../../contracts/common/encoding.js';
import {parseBundle} from '../../attest/bundle.js';
import {decodeBytes, detectEvidence} from '../../attest/detect.js';
import {DEV_FMSPC, devRootPins} from '../../attest/dev/roots.js';
import {AmdKdsClient} from './fetch/amd.js';
import {gatherCollateral, CollateralSource} from './fetch/collateral.js';
import type {HttpGet} from './fetch/http.js';
import {IntelPcsClient} from './fetch/intel.js';
import {NvidiaOcspClient} from './fetch/nvidia-ocsp.js';
import {NvidiaRimClient} from './fetch/nvidia-rim.js';
import {Throttle, type ThrottleOptions} from './fetch/throttle.js';
import {checkGpuChainsOcsp} from '../../attest/nvidia/ocsp.js';
import {checkGpuRims} from '../../attest/nvidia/rim.js';
import {parseNvtrustJson} from '../../attest/nvidia/verify.js';
import {dangerousDevRoots, type AttestationPolicy} from '../../attest/policy.js';
import type {TdxCollateral} from '../../attest/tdx/collateral.js';
import type {Check} from '../../attest/types.js';
import {verifyBundle, verifyEvidence, withOnlineChecks, type CpuEvidenceInput, type GpuEvidenceInput, type VerificationResult} from '../../attest/verify.js';
import {parseCertDer} from '../../attest/x509.js';
import type {Context} from '../cli/base-command.js';
import {ExitCode, UsageError} from '../errors.js';
import {attestationCacheDir, FileStorage} from './cache.js';
import {loadDevRoots} from './dev.js';
import {nodeHttpGet} from './http.js';
import * as input from './inputs.js';
import {fetchWorkerEvidence} from './worker.js';

/** Options of {@link verifyAttestation} (one per `attest verify` flag). Paths are files. */
export interface AttestVerifyOptions {
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
  requireBinding?: boolean;
  url?: string;
  /** Fetch missing collateral from Intel PCS / AMD KDS. */
  online?: boolean;
  /** Reject TCB statuses otherwise accepted with a warning (default: the profile's setting). */
  strict?: boolean;
  /** true: insist on dev being allowed (error where the profile forbids it); false: refuse dev evidence. */
  allowDev?: boolean;
  /** Injected HTTP client for Intel/AMD (tests); default node:https with system CAs. */
  http?: HttpGet;
  throttle?: ThrottleOptions;
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
}

/** Exit code of a verdict: 0 valid, 4 invalid, 3 unverifiable (design.md §6). */
export function exitCodeForVerdict(v: VerificationResult['verdict']): number {
  return v === 'valid' ? ExitCode.OK : v === 'invalid' ? ExitCode.VERIFICATION : ExitCode.UNAVAILABLE;
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

/** PEM device chains of GPU evidence (one per GPU); [] when there are none or the evidence does not parse. */
function gpuChains(gpu: GpuEvidenceInput | undefined): string[] {
  if (!gpu) return [];
  const e = gpu.evidence;
  const json = typeof e === 'object' && !(e instanceof Uint8Array) ? true : (typeof e === 'string' ? e : Buffer.from(e.subarray(0, 64)).toString('latin1')).trimStart().startsWith('{');
  if (!json) return gpu.certChainPem ? [gpu.certChainPem] : [];
  try {
    return parseNvtrustJson(e).entries.map((x) => x.certChainPem ?? '');
  } catch {
    return [];
  }
}

/**
 * `--online` NVIDIA revocation (attestation.md §3.3 step 9): asks the OCSP responder about every device
 * certificate and puts the outcome in place of the skipped `nvidia.ocsp` check. GPUs anchored on the
 * devnet's dev roots are asked only when a responder URL is configured (NVIDIA's knows nothing of them).
 */
async function onlineGpuRevocation(ctx: Context, opts: AttestVerifyOptions, result: VerificationResult, gpu: GpuEvidenceInput | undefined, policy: AttestationPolicy, now: number): Promise<VerificationResult> {
  const chains = gpuChains(gpu);
  if (!chains.length || !result.checks.some((c) => c.name === 'nvidia.ocsp' && c.skipped)) return result;
  const url = ctx.env[ATTEST_ENV.nvidiaOcspUrl];
  if (!url && (result.gpu ?? []).length > 0 && (result.gpu ?? []).every((g) => g.dev)) return result;
  const client = new NvidiaOcspClient(new Throttle(opts.http ?? nodeHttpGet(), opts.throttle), url ? {url} : {});
  const checks = await checkGpuChainsOcsp({
    chains,
    fetch: client.fetcher(),
    now,
    random: (n) => Uint8Array.from(randomBytes(n)),
  });
  return withOnlineChecks(result, 'nvidia.ocsp', checks);
}

/** Raw SPDM evidence of each GPU; [] when there is none or it does not decode (the pipeline reports why). */
function gpuSpdm(gpu: GpuEvidenceInput | undefined): Uint8Array[] {
  if (!gpu) return [];
  const e = gpu.evidence;
  const json = typeof e === 'object' && !(e instanceof Uint8Array) ? true : (typeof e === 'string' ? e : Buffer.from(e.subarray(0, 64)).toString('latin1')).trimStart().startsWith('{');
  try {
    return json ? parseNvtrustJson(e).entries.map((x) => x.evidence) : [decodeBytes(e as string | Uint8Array, 'GPU evidence')];
  } catch {
    return [];
  }
}

/**
 * `--online` NVIDIA golden measurements (attestation.md §3.3 steps 7–8): fetches the driver and VBIOS RIMs
 * of every GPU from the RIM service (cached in the attestation cache) and puts the comparison in place of
 * the skipped `nvidia.rim` check. GPUs anchored on the devnet's dev roots are compared only when a RIM
 * service URL is configured (NVIDIA's has no RIMs for them).
 */
async function onlineGpuRims(ctx: Context, opts: AttestVerifyOptions, result: VerificationResult, gpu: GpuEvidenceInput | undefined, now: number): Promise<VerificationResult> {
  const evidence = gpuSpdm(gpu);
  if (!evidence.length || !result.checks.some((c) => c.name === 'nvidia.rim' && c.skipped)) return result;
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

function collateralSource(ctx: Context, opts: AttestVerifyOptions, fixedTdx: Map<string, TdxCollateral>): CollateralSource {
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
    },
    devCollateral,
  };
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
  // A live worker is only worth checking together with its TLS key.
  const requireBinding = Boolean(opts.requireBinding || opts.url);
  const {policy, devCollateral} = policyFor(ctx, {strict: opts.strict, allowDev: opts.allowDev, requireBinding});
  const source = collateralSource(ctx, opts, devCollateral);
  const info: VerifySource = {from: opts.url ? 'url' : opts.bundle ? 'bundle' : 'files'};
  const meta = {network: ctx.profile.name, allowDev: policy.allowDev, strict: policy.strict, requireBinding, online: Boolean(opts.online)};
  const gpuNonce = opts.gpuNonce !== undefined ? input.nonceHex(opts.gpuNonce, '--gpu-nonce') : undefined;

  let bundleJson: unknown;
  let cpu: CpuEvidenceInput | undefined;
  let gpu: GpuEvidenceInput | undefined;
  let tlsCertDer: Uint8Array | undefined;
  const sourceChecks: Check[] = [];

  if (opts.url) {
    const w = await fetchWorkerEvidence(opts.url);
    tlsCertDer = w.tlsCertDer;
    info.origin = w.origin;
    info.tlsCertSha256 = toHex(sha256(w.tlsCertDer));
    try {
      info.tlsSpkiSha256 = toHex(sha256(parseCertDer(w.tlsCertDer).spkiDer));
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
  }

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

  let result: VerificationResult;
  if (bundleJson !== undefined) {
    const b = parseBundle(JSON.stringify(bundleJson));
    if (b.gpu) gpu = {evidence: b.gpu};
    if (gpuNonce && !b.gpu) throw new UsageError('--gpu-nonce was given but the bundle has no GPU evidence');
    const quote = new Uint8Array(Buffer.from(b.cpu.quote, 'base64'));
    const gathered = await gatherCollateral(source, {kind: b.cpu.type, bytes: quote}, now, {
      collateral: b.cpu.collateral !== undefined,
      vcek: b.cpu.vcek !== undefined ? new Uint8Array(Buffer.from(b.cpu.vcek, 'base64')) : false,
      certChain: b.cpu.certChain !== undefined,
      crl: b.cpu.crl !== undefined,
    });
    result = input.asUsage('bundle', () =>
      verifyBundle(b, {
        now,
        policy,
        ...(tlsCertDer ? {tlsCertDer} : {}),
        requireBinding,
        ...(gpuNonce ? {expectedGpuNonce: gpuNonce} : {}),
        supplement: {
          ...(gathered.collateral ? {collateral: gathered.collateral} : {}),
          ...(gathered.vcek ? {vcek: gathered.vcek} : {}),
          ...(gathered.certChain ? {certChain: gathered.certChain} : {}),
          ...(gathered.crl ? {crl: gathered.crl} : {}),
        },
        sourceChecks: [...sourceChecks, ...gathered.checks],
      }),
    );
  } else {
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
    });
  }
  if (opts.online) {
    result = await onlineGpuRims(ctx, opts, result, gpu, now);
    result = await onlineGpuRevocation(ctx, opts, result, gpu, policy, now);
  }
  return {...result, source: info, policy: meta};
}
