/**
 * Attestation policy: what a verification accepts beyond the cryptographic checks (design.md §3, §5;
 * attestation.md §1.4 step 15, §2.3 step 8). A network profile carries one; only the `local` devnet
 * profile allows dev attestation.
 */

/** Policy applied on top of the evidence checks. */
export interface AttestationPolicy {
  /** Accept evidence anchored on the devnet's own roots (`devRootsSha256`), shown as "dev attestation (not hardware)". */
  allowDev: boolean;
  /** Reject TCB statuses that are otherwise accepted with a warning (SWHardeningNeeded, ConfigurationNeeded, …). */
  strict: boolean;
  /** SEV-SNP VMPLs accepted. */
  allowedVmpl: number[];
  /** Require REPORTDATA to bind the TLS key, the GPU nonce and the worker key (attestation.md §4). */
  requireBinding: boolean;
  /**
   * Accept a worker that presents no GPU evidence when its REPORTDATA[32..64] binds only its worker key and
   * challenge (a CPU-only worker). Off by default: Secret AI workers run on confidential GPUs, and a bundle
   * stripped of its GPU evidence must not pass as valid.
   */
  allowCpuOnly: boolean;
  /** SHA-256 pins (lower-case hex) of dev roots; honoured only when `allowDev` is true. */
  devRootsSha256?: string[];
  /**
   * Gaps this policy accepts: a check named here that could not run (`missing`) is reported as an accepted
   * gap (a warning, listed in `accepted`) instead of making the verdict `unverifiable`. Empty by default.
   */
  acceptGaps?: GapRule[];
}

/** A gap (a check that could not run) a policy accepts. */
export interface GapRule {
  /** The check name, e.g. `nvidia.rim`. */
  check: string;
  /** Accept it only when every GPU of the evidence is a dev GPU (devnet roots). */
  devOnly?: boolean;
}

/**
 * The gaps the devnet profile accepts: dev GPUs have no NVIDIA RIMs or OCSP answers, so their golden
 * measurements and revocation are accepted as not checked (and labelled dev). Never for real GPUs.
 */
export const DEV_GPU_GAPS: readonly GapRule[] = Object.freeze([
  {check: 'nvidia.rim', devOnly: true},
  {check: 'nvidia.ocsp', devOnly: true},
]);

/** Defaults for real networks: no dev roots, warnings accepted, VMPL 0 or 1, binding required. */
export const DEFAULT_POLICY: Readonly<AttestationPolicy> = Object.freeze({
  allowDev: false,
  strict: false,
  allowedVmpl: Object.freeze([0, 1]) as unknown as number[],
  requireBinding: true,
  allowCpuOnly: false,
});

/** A complete policy from partial settings (missing fields take {@link DEFAULT_POLICY}'s values). Arrays are copied. */
export function resolvePolicy(p: Partial<AttestationPolicy> = {}): AttestationPolicy {
  const allowedVmpl = [...(p.allowedVmpl ?? DEFAULT_POLICY.allowedVmpl)];
  for (const v of allowedVmpl) {
    if (!Number.isInteger(v) || v < 0 || v > 3) throw new RangeError(`allowedVmpl: ${v} is not a VMPL (0..3)`);
  }
  const devRootsSha256 = p.devRootsSha256?.map((s) => {
    const h = s.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(h)) throw new RangeError(`devRootsSha256: "${s}" is not a SHA-256 hex digest`);
    return h;
  });
  return {
    allowDev: p.allowDev ?? DEFAULT_POLICY.allowDev,
    strict: p.strict ?? DEFAULT_POLICY.strict,
    allowedVmpl,
    requireBinding: p.requireBinding ?? DEFAULT_POLICY.requireBinding,
    allowCpuOnly: p.allowCpuOnly ?? DEFAULT_POLICY.allowCpuOnly,
    ...(devRootsSha256 ? {devRootsSha256} : {}),
    ...(p.acceptGaps?.length ? {acceptGaps: p.acceptGaps.map((g) => ({...g}))} : {}),
  };
}

/** The dev-root pins a verifier may honour under this policy: none unless `allowDev`. */
export function dangerousDevRoots(p: AttestationPolicy): string[] {
  return p.allowDev ? [...(p.devRootsSha256 ?? [])] : [];
}
