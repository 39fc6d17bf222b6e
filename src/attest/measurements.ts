/**
 * Measurement appraisal (attestation.md step 5): which images a network accepts. A policy document lists the
 * accepted TDX images (MRTD and RTMR0–2, RTMR3 optional), SEV-SNP launch digests (MEASUREMENT, HOST_DATA
 * optional) and NVIDIA minimum driver / VBIOS versions:
 *
 * ```json
 * {"name": "secretvm", "version": "1.4.0",
 *  "tdx": [{"mrtd": "<96 hex>", "rtmr0": "…", "rtmr1": "…", "rtmr2": "…", "rtmr3"?: "…"}],
 *  "sev_snp": [{"measurement": "<96 hex>", "host_data"?: "<64 hex>"}],
 *  "nvidia": {"min_driver_version"?: "550.144.03", "min_vbios_version"?: "96.00.9F.00.02"}}
 * ```
 * Hex is lower-case without `0x`. The WorkerManager stores the same JSON (`accepted_measurements`).
 * Pure: documents and measurements in, checks out.
 */
import {CheckList, type Check} from './types.js';

/** One accepted TDX image: its build-time and boot measurement registers (48 bytes each, hex). */
export interface TdxMeasurements {
  mrtd: string;
  rtmr0: string;
  rtmr1: string;
  rtmr2: string;
  /** Runtime-extended register; compared only when listed. */
  rtmr3?: string;
}

/** One accepted SEV-SNP image: the launch digest (48 bytes, hex) and, optionally, HOST_DATA (32 bytes, hex). */
export interface SnpMeasurements {
  measurement: string;
  host_data?: string;
}

/** Minimum NVIDIA GPU software versions (dotted: driver `550.144.03`, VBIOS `96.00.9F.00.02`). */
export interface NvidiaMeasurements {
  min_driver_version?: string;
  min_vbios_version?: string;
}

/** The measurement policy document (the wire format shared with the WorkerManager). */
export interface MeasurementPolicy {
  name: string;
  version: string;
  tdx?: TdxMeasurements[];
  sev_snp?: SnpMeasurements[];
  nvidia?: NvidiaMeasurements;
}

/** Thrown by {@link parseMeasurementPolicy} for a document that is not a measurement policy. */
export class MeasurementPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MeasurementPolicyError';
  }
}

const HEX96 = /^[0-9a-f]{96}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const VERSION_RE = /^[0-9A-Fa-f]+(\.[0-9A-Fa-f]+)*$/;
const TDX_KEYS = ['mrtd', 'rtmr0', 'rtmr1', 'rtmr2', 'rtmr3'] as const;

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MeasurementPolicyError(`${what} must be a JSON object`);
  return v as Record<string, unknown>;
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], what: string): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length) throw new MeasurementPolicyError(`${what}: unknown field${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`);
}

function hexField(o: Record<string, unknown>, key: string, re: RegExp, size: number, what: string, optional = false): string | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || !re.test(v)) throw new MeasurementPolicyError(`${what}.${key} must be ${size} lower-case hex characters without 0x`);
  return v;
}

/**
 * Validates a measurement policy (parsed JSON or its text) and returns it normalised (only known fields).
 * @throws MeasurementPolicyError naming the first offending field
 */
export function parseMeasurementPolicy(input: unknown): MeasurementPolicy {
  let v = input;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch (e) {
      throw new MeasurementPolicyError(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const o = obj(v, 'measurement policy');
  onlyKeys(o, ['name', 'version', 'tdx', 'sev_snp', 'nvidia'], 'measurement policy');
  if (typeof o.name !== 'string' || !o.name.trim()) throw new MeasurementPolicyError('measurement policy: name must be a non-empty string');
  if (typeof o.version !== 'string' || !o.version.trim()) throw new MeasurementPolicyError('measurement policy: version must be a non-empty string');
  const out: MeasurementPolicy = {name: o.name, version: o.version};
  if (o.tdx !== undefined) {
    if (!Array.isArray(o.tdx)) throw new MeasurementPolicyError('measurement policy: tdx must be an array');
    out.tdx = o.tdx.map((e, i) => {
      const what = `tdx[${i}]`;
      const t = obj(e, what);
      onlyKeys(t, TDX_KEYS, what);
      const rtmr3 = hexField(t, 'rtmr3', HEX96, 96, what, true);
      return {
        mrtd: hexField(t, 'mrtd', HEX96, 96, what)!,
        rtmr0: hexField(t, 'rtmr0', HEX96, 96, what)!,
        rtmr1: hexField(t, 'rtmr1', HEX96, 96, what)!,
        rtmr2: hexField(t, 'rtmr2', HEX96, 96, what)!,
        ...(rtmr3 ? {rtmr3} : {}),
      };
    });
  }
  if (o.sev_snp !== undefined) {
    if (!Array.isArray(o.sev_snp)) throw new MeasurementPolicyError('measurement policy: sev_snp must be an array');
    out.sev_snp = o.sev_snp.map((e, i) => {
      const what = `sev_snp[${i}]`;
      const s = obj(e, what);
      onlyKeys(s, ['measurement', 'host_data'], what);
      const hostData = hexField(s, 'host_data', HEX64, 64, what, true);
      return {measurement: hexField(s, 'measurement', HEX96, 96, what)!, ...(hostData ? {host_data: hostData} : {})};
    });
  }
  if (o.nvidia !== undefined) {
    const n = obj(o.nvidia, 'nvidia');
    onlyKeys(n, ['min_driver_version', 'min_vbios_version'], 'nvidia');
    const nv: NvidiaMeasurements = {};
    for (const k of ['min_driver_version', 'min_vbios_version'] as const) {
      if (n[k] === undefined) continue;
      if (typeof n[k] !== 'string' || !VERSION_RE.test(n[k] as string)) throw new MeasurementPolicyError(`nvidia.${k} must be a dotted version such as 550.144.03`);
      nv[k] = n[k] as string;
    }
    out.nvidia = nv;
  }
  return out;
}

/**
 * Compares dotted versions component by component (each hex for VBIOS-style, decimal otherwise; a missing
 * component counts as 0). Negative, zero or positive like a sort comparator.
 */
export function compareVersions(a: string, b: string, radix: 10 | 16 = 10): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = parseInt(pa[i] ?? '0', radix);
    const y = parseInt(pb[i] ?? '0', radix);
    if (Number.isNaN(x) || Number.isNaN(y)) return a.localeCompare(b);
    if (x !== y) return x - y;
  }
  return 0;
}

/** What {@link appraiseMeasurements} compares: the measurements a verification read from the evidence. */
export interface EvidenceMeasurements {
  /** TDX registers, lower-case hex, keyed `mrtd`, `rtmr0`…`rtmr3` (other keys ignored). */
  tdx?: Record<string, string>;
  /** SEV-SNP `measurement` and `hostData`, lower-case hex. */
  snp?: {measurement?: string; hostData?: string};
  /** Each GPU's reported versions. */
  gpus?: {driver?: string; vbios?: string}[];
}

function short(h: string): string {
  return h.length > 16 ? `${h.slice(0, 16)}…` : h;
}

/** The first register of a TDX entry that differs from the evidence, or undefined when the entry matches. */
function tdxMismatch(entry: TdxMeasurements, got: Record<string, string>): string | undefined {
  for (const k of TDX_KEYS) {
    const want = entry[k];
    if (want === undefined) continue;
    if ((got[k] ?? '').toLowerCase() !== want) return k;
  }
  return undefined;
}

/**
 * Appraises measurements against a policy, recording `measurements.tdx`, `measurements.sev_snp` and
 * `measurements.nvidia` (each only when the evidence has that part). A genuine TEE running an image the
 * policy does not list fails, naming the register that differs from the closest listed image; a policy that
 * lists nothing for a TEE type present in the evidence fails too (that type is not accepted). Without a
 * policy, each part is `missing` with `noPolicyDetail` — callers that may accept that (loose evidence)
 * turn it into a warning.
 */
export function appraiseMeasurements(m: EvidenceMeasurements, policy: MeasurementPolicy | undefined, noPolicyDetail = 'no measurement policy (--measurements FILE, the network profile or the WorkerManager)'): Check[] {
  const list = new CheckList();
  const label = policy ? `policy ${policy.name} ${policy.version}` : '';
  if (m.tdx) {
    if (!policy) list.missing('measurements.tdx', `TDX image not appraised: ${noPolicyDetail}`);
    else if (!policy.tdx?.length) list.fail('measurements.tdx', `${label} lists no TDX image: MRTD ${short(m.tdx.mrtd ?? '')} is not accepted`);
    else {
      const misses = policy.tdx.map((e) => tdxMismatch(e, m.tdx!));
      if (misses.includes(undefined)) list.pass('measurements.tdx', `MRTD ${short(m.tdx.mrtd ?? '')} and RTMR0–2 match an image of ${label}`);
      else {
        // Name the register of the entry that matched longest (the closest image).
        const order = TDX_KEYS as readonly string[];
        const best = misses.reduce((a, b) => (order.indexOf(b!) > order.indexOf(a!) ? b : a))!;
        const reg = best.toUpperCase();
        list.fail('measurements.tdx', `${reg} ${short(m.tdx[best] ?? '')} is not an accepted value in ${label} (unlisted image)`);
      }
    }
  }
  if (m.snp) {
    if (!policy) list.missing('measurements.sev_snp', `SEV-SNP image not appraised: ${noPolicyDetail}`);
    else {
      const got = (m.snp.measurement ?? '').toLowerCase();
      const host = (m.snp.hostData ?? '').toLowerCase();
      const same = (policy.sev_snp ?? []).filter((e) => e.measurement === got);
      if (!same.length) list.fail('measurements.sev_snp', `MEASUREMENT ${short(got)} is not an accepted value in ${label} (unlisted image)`);
      else if (!same.some((e) => e.host_data === undefined || e.host_data === host)) list.fail('measurements.sev_snp', `HOST_DATA ${short(host)} is not accepted with this MEASUREMENT in ${label}`);
      else list.pass('measurements.sev_snp', `MEASUREMENT ${short(got)} is accepted by ${label}`);
    }
  }
  if (m.gpus?.length) {
    if (!policy) list.missing('measurements.nvidia', `GPU versions not appraised: ${noPolicyDetail}`);
    else {
      const min = policy.nvidia ?? {};
      const bad: string[] = [];
      m.gpus.forEach((g, i) => {
        const pre = m.gpus!.length > 1 ? `GPU ${i}: ` : '';
        if (min.min_driver_version && (!g.driver || compareVersions(g.driver, min.min_driver_version) < 0)) bad.push(`${pre}driver ${g.driver ?? '?'} < ${min.min_driver_version}`);
        if (min.min_vbios_version && (!g.vbios || compareVersions(g.vbios, min.min_vbios_version, 16) < 0)) bad.push(`${pre}VBIOS ${g.vbios ?? '?'} < ${min.min_vbios_version}`);
      });
      const what = [min.min_driver_version ? `driver ≥ ${min.min_driver_version}` : '', min.min_vbios_version ? `VBIOS ≥ ${min.min_vbios_version}` : ''].filter(Boolean).join(', ');
      list.check('measurements.nvidia', bad.length === 0, what ? `${what} (${label})` : `${label} sets no GPU minimum versions`, `${bad.join('; ')} (${label})`);
    }
  }
  return list.checks;
}

/**
 * The measurement policy document naming exactly the given evidence's measurements (what `attest show
 * --measurements` prints, so an operator can propose their image). GPU versions become minimums.
 */
export function measurementPolicyOf(m: EvidenceMeasurements, name: string, version = '1'): MeasurementPolicy {
  const out: MeasurementPolicy = {name, version};
  if (m.tdx) {
    const t = m.tdx;
    out.tdx = [{mrtd: t.mrtd, rtmr0: t.rtmr0, rtmr1: t.rtmr1, rtmr2: t.rtmr2, ...(t.rtmr3 ? {rtmr3: t.rtmr3} : {})}];
  }
  if (m.snp?.measurement) {
    const host = m.snp.hostData;
    out.sev_snp = [{measurement: m.snp.measurement, ...(host && !/^0+$/.test(host) ? {host_data: host} : {})}];
  }
  const gpus = m.gpus ?? [];
  if (gpus.length) {
    const lowest = (k: 'driver' | 'vbios', radix: 10 | 16) =>
      gpus.map((g) => g[k]).filter((x): x is string => Boolean(x)).sort((a, b) => compareVersions(a, b, radix))[0];
    const driver = lowest('driver', 10);
    const vbios = lowest('vbios', 16);
    out.nvidia = {...(driver ? {min_driver_version: driver} : {}), ...(vbios ? {min_vbios_version: vbios} : {})};
  }
  return out;
}
