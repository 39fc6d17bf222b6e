/**
 * The result of an attestation verification (design.md §6 `attest verify --json`): its CPU and binding
 * summaries, how an ordered check list becomes one (verdict, reasons, warnings, what was not checked or
 * accepted), gaps accepted by policy, and offline checks replaced by the online step's. Pure.
 */
import type {CpuEvidenceKind} from './detect.js';
import type {GpuInfo} from './nvidia/verify.js';
import type {GapRule} from './policy.js';
import {CheckList, type Check, type Verdict} from './types.js';

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

/** The result of a verification from its check list and the parts gathered on the way. */
export function finish(
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
