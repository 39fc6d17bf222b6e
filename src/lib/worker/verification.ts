/**
 * The one verification entry point of the worker commands (`worker register`, `worker next`). Its input has the
 * shape of the attestation layer's `verifyWorker` service, which will replace the body of
 * {@link verifyWorkerAttestation} when it lands; until then it runs the existing bundle verification
 * (`verifyAttestation`: signatures, chains, collateral, TCB, binding required) and adds, fail-closed:
 * - freshness: the bundle must bind one of `expectedChallenges` (its REPORTDATA binding is checked against the
 *   bundle's own challenge, so the challenge itself is compared here);
 * - the presented TLS certificate's key must be the bundle's TLS key;
 * - appraisal of the measurements against `measurements` (TDX MRTD + RTMR0–2, RTMR3 when listed; SEV-SNP
 *   MEASUREMENT, HOST_DATA when listed; NVIDIA minimum driver / VBIOS versions). No policy → unverifiable.
 */
import {createHash} from 'node:crypto';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {MeasurementPolicy} from '../../../contracts/worker-manager/types.js';
import type {Check, Verdict} from '../../attest/types.js';
import type {Context} from '../cli/base-command.js';

export type {MeasurementPolicy};

/** Input of {@link verifyWorkerAttestation} (the shape of `verifyWorker`'s input). */
export interface WorkerVerifyInput {
  /** The bundle: parsed JSON or its text. */
  bundle: unknown;
  /** The TLS certificate DER the worker presented, when there was a connection. */
  presentedCertDer?: Uint8Array;
  /** Registration challenges (hex) the bundle may bind. */
  expectedChallenges?: string[];
  /** The measurement policy to appraise against. */
  measurements?: MeasurementPolicy;
  /** Allow network access for collateral, NVIDIA RIM and OCSP. */
  online?: boolean;
}

/** Result of {@link verifyWorkerAttestation} (the shape of `verifyWorker`'s `WorkerVerification`). */
export interface WorkerVerification {
  verdict: Verdict;
  checks: Check[];
  reasons: string[];
  warnings: string[];
  /** Gaps the policy accepted. */
  accepted: string[];
  dev: boolean;
  /** The bundle's worker key and TLS SPKI hash, hex. */
  workerPubkey: string;
  tlsSpkiSha256: string;
}

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Numeric segments of a version (`550.144.03`; VBIOS `96.00.9F.00.02` segments read as hex). */
function versionParts(v: string, radix: number): number[] {
  return v.split('.').map((s) => parseInt(s, radix));
}

/** a ≥ b, segment by segment. */
function versionAtLeast(a: string, b: string, radix: number): boolean {
  const x = versionParts(a, radix);
  const y = versionParts(b, radix);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (Number.isNaN(d)) return false;
    if (d !== 0) return d > 0;
  }
  return true;
}

interface AppraisalInput {
  cpu?: {type: string; measurements: Record<string, string>};
  gpu?: Array<{driver?: string; vbios?: string}>;
}

/** Checks `measurements.*` of a verified result against a policy. Pure. */
export function appraiseMeasurements(r: AppraisalInput, policy: MeasurementPolicy | undefined): Check[] {
  if (!policy) return [{name: 'measurements.policy', ok: false, missing: true, detail: 'no measurement policy (none set by the network\'s WorkerManager)'}];
  const out: Check[] = [];
  const m = r.cpu?.measurements ?? {};
  const label = `${policy.name} v${policy.version}`;
  if (r.cpu?.type === 'tdx') {
    const hit = (policy.tdx ?? []).find((e) => e.mrtd === m.mrtd && e.rtmr0 === m.rtmr0 && e.rtmr1 === m.rtmr1 && e.rtmr2 === m.rtmr2 && (e.rtmr3 === undefined || e.rtmr3 === m.rtmr3));
    out.push(hit
      ? {name: 'measurements.tdx', ok: true, detail: `MRTD and RTMR0–2${hit.rtmr3 ? '–3' : ''} are listed in ${label}`}
      : {name: 'measurements.tdx', ok: false, detail: `MRTD ${String(m.mrtd).slice(0, 16)}… with these RTMRs is not listed in ${label}`});
  } else if (r.cpu?.type === 'snp') {
    const hit = (policy.sev_snp ?? []).find((e) => e.measurement === m.measurement && (e.host_data === undefined || e.host_data === m.hostData));
    out.push(hit
      ? {name: 'measurements.sev_snp', ok: true, detail: `MEASUREMENT is listed in ${label}`}
      : {name: 'measurements.sev_snp', ok: false, detail: `MEASUREMENT ${String(m.measurement).slice(0, 16)}… is not listed in ${label}`});
  } else {
    out.push({name: 'measurements.cpu', ok: false, missing: true, detail: 'no verified CPU measurements to appraise'});
  }
  const nv = policy.nvidia;
  (r.gpu ?? []).forEach((g, i) => {
    if (nv?.min_driver_version) {
      const ok = g.driver !== undefined && versionAtLeast(g.driver, nv.min_driver_version, 10);
      out.push({name: 'measurements.nvidia.driver', ok, detail: `GPU ${i} driver ${g.driver ?? '(unknown)'} ${ok ? '≥' : 'is below'} ${nv.min_driver_version}`});
    }
    if (nv?.min_vbios_version) {
      const ok = g.vbios !== undefined && versionAtLeast(g.vbios, nv.min_vbios_version, 16);
      out.push({name: 'measurements.nvidia.vbios', ok, detail: `GPU ${i} VBIOS ${g.vbios ?? '(unknown)'} ${ok ? '≥' : 'is below'} ${nv.min_vbios_version}`});
    }
  });
  return out;
}

function verdictOf(checks: Check[]): Verdict {
  if (checks.some((c) => !c.ok && !c.missing && !c.skipped)) return 'invalid';
  if (checks.some((c) => !c.ok && c.missing)) return 'unverifiable';
  return 'valid';
}

/**
 * Verifies a worker's attestation bundle for the worker commands. Throws UsageError (exit 2) for a bundle that is
 * not a bundle; every verification outcome is a verdict with its checks.
 */
export async function verifyWorkerAttestation(ctx: Context, input: WorkerVerifyInput): Promise<WorkerVerification> {
  const {parseBundle} = await import('../../attest/bundle.js');
  const {asUsage} = await import('../attest/inputs.js');
  const text = typeof input.bundle === 'string' ? input.bundle : JSON.stringify(input.bundle);
  const bundle = asUsage('attestation bundle', () => parseBundle(text));
  const tlsSpki = Buffer.from(bundle.tlsSpki, 'base64');
  const workerPubkey = Buffer.from(bundle.workerPubkey, 'base64').toString('hex');

  // The existing verifier reads bundles from files: hand it a private temporary copy.
  const {verifyAttestation} = await import('../attest/verify.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'secretai-bundle-'));
  let base;
  try {
    const file = path.join(dir, 'bundle.json');
    writeFileSync(file, text, {mode: 0o600});
    base = await verifyAttestation(ctx, {bundle: file, requireBinding: true, online: Boolean(input.online)});
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }

  const checks: Check[] = [...base.checks];
  if (input.expectedChallenges) {
    const bound = bundle.challenge;
    const ok = bound !== undefined && input.expectedChallenges.includes(bound);
    checks.push({
      name: 'freshness.challenge',
      ok,
      detail: ok ? `binds the registration challenge ${bound.slice(0, 16)}…` : `binds ${bound ? `challenge ${bound.slice(0, 16)}…` : 'no challenge'}, not the WorkerManager's current or previous registration challenge`,
    });
  }
  if (input.presentedCertDer) {
    const {parseCertDer} = await import('../../attest/x509.js');
    let presented: string | undefined;
    try {
      presented = sha256Hex(parseCertDer(input.presentedCertDer).spkiDer);
    } catch {
      presented = undefined;
    }
    const ok = presented === sha256Hex(tlsSpki);
    checks.push({name: 'binding.presented_tls', ok, detail: ok ? 'the worker presented the attested TLS key' : 'the worker presented another TLS key than the attested one'});
  }
  checks.push(...appraiseMeasurements(base, input.measurements));
  const verdict = base.verdict === 'invalid' ? 'invalid' : verdictOf(checks);
  return {
    verdict,
    checks,
    reasons: checks.filter((c) => !c.ok && !c.skipped).map((c) => `${c.name}: ${c.detail}`),
    warnings: base.warnings,
    accepted: [],
    dev: base.dev,
    workerPubkey,
    tlsSpkiSha256: sha256Hex(tlsSpki),
  };
}
