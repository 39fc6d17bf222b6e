/**
 * Human output of attestation results: a verdict line, the dev label when it applies, and one line per
 * check — ✓ passed, ✗ failed, – missing or skipped — with its detail. Light: imports no verifier.
 */
import type {Output} from '../cli/output.js';

interface CheckLike {
  name: string;
  ok: boolean;
  detail: string;
  missing?: boolean;
  skipped?: boolean;
  warning?: boolean;
}

interface ResultLike {
  verdict: 'valid' | 'invalid' | 'unverifiable';
  dev: boolean;
  cpu?: {type: string; tcbStatus?: string; version?: number; product?: string};
  gpu?: unknown[];
  binding?: {tls?: string; worker?: boolean};
  source?: {origin?: string};
}

/** The label every dev result carries (design.md §5). */
const DEV_LABEL = 'dev attestation (not hardware)';

/** One-line summary of the verdict. */
export function verdictLine(out: Output, r: ResultLike): void {
  const c = out.color;
  const mark = r.verdict === 'valid' ? c.green('✓ valid') : r.verdict === 'invalid' ? c.red('✗ invalid') : c.yellow('– unverifiable');
  const parts: string[] = [];
  if (r.cpu) {
    const kind = r.cpu.type === 'tdx' ? `TDX quote${r.cpu.version ? ` v${r.cpu.version}` : ''}` : `SEV-SNP report${r.cpu.version ? ` v${r.cpu.version}` : ''}${r.cpu.product ? ` (${r.cpu.product})` : ''}`;
    // A TCB status computed under a chain that was not trusted means nothing: say so instead of showing it bare.
    const tcb = r.cpu.tcbStatus ? (r.verdict === 'valid' ? `, TCB ${r.cpu.tcbStatus}` : `, TCB ${r.cpu.tcbStatus} (not trusted: see the failed checks)`) : '';
    parts.push(`${kind}${tcb}`);
  }
  if (r.gpu?.length) parts.push(`${r.gpu.length} NVIDIA GPU${r.gpu.length > 1 ? 's' : ''}`);
  if (r.binding?.tls) parts.push(`bound to the TLS ${r.binding.tls === 'spki' ? 'key' : 'certificate (legacy)'}`);
  if (r.source?.origin) parts.push(r.source.origin);
  out.line(`${mark}${parts.length ? `  ${parts.join(' · ')}` : ''}`);
  if (r.dev) out.line(c.yellow(`  ${DEV_LABEL}`));
}

/** The checks, one per line, names aligned. */
export function renderChecks(out: Output, checks: CheckLike[]): void {
  const c = out.color;
  const width = Math.min(40, Math.max(0, ...checks.map((x) => x.name.length)));
  for (const x of checks) {
    const mark = x.missing || x.skipped ? c.gray('–') : !x.ok ? c.red('✗') : x.warning ? c.yellow('✓') : c.green('✓');
    const note = x.missing ? ' (missing)' : x.warning ? ' (warning)' : '';
    out.line(`  ${mark} ${x.name.padEnd(width)}  ${x.detail}${note}`);
  }
}

/**
 * Warnings on stderr, on every run (with --json too): each gap the policy accepted, and a measurement
 * appraisal that did not happen. Nothing when there are none.
 */
export function warnAccepted(out: Output, r: {accepted?: string[]; checks: CheckLike[]}): void {
  for (const a of r.accepted ?? []) out.warn(`accepted gap: ${a}`);
  for (const x of r.checks) if (x.name === 'measurements' && x.warning) out.warn(x.detail);
}
