/**
 * NVIDIA reference integrity manifests (RIMs) and the golden-measurement comparison of attestation.md §3.3
 * steps 7–8. A RIM is an ISO/IEC 19770-2:2015 SWID tag (TCG RIM information model) served by NVIDIA's RIM
 * service as JSON `{ "id", "rim": <base64 of the XML> , … }` at `GET /v1/rim/{id}`:
 *
 *   SoftwareIdentity
 *     Meta      colloquialVersion = the driver version (e.g. `550.144.03`) or VBIOS version (`96.00.9F.00.02`)
 *     Payload   Resource × N: type="Measurement" index (0-based) active ("True"/"False") alternatives size
 *               and Hash0 … Hash{alternatives-1} (hex, namespace http://www.w3.org/2001/04/xmlenc#sha384)
 *     ds:Signature (XML-DSig, certificate chain to NVIDIA's RIM root)
 *
 * Ids (as NVIDIA's local verifier forms them): driver `NV_GPU_DRIVER_GH100_<driver version>`, VBIOS
 * `NV_GPU_VBIOS_<project>_<project SKU>_<chip SKU>_<VBIOS version without dots, upper case>` from opaque
 * fields 17, 18, 15 and 6.
 *
 * Comparison: the active entries of the driver RIM and of the VBIOS RIM cover disjoint indices (an index
 * active in both is a failure); every active golden entry at RIM index i must equal, in one of its
 * alternatives and with the stated size, the runtime measurement block with SPDM index i + 1. Index 35
 * is not compared when the evidence reports NVDEC0 disabled (opaque type 11 = 0x55), as NVIDIA's verifier
 * does. Each RIM must describe exactly as many indices as the evidence has blocks; anything else fails.
 *
 * Authenticity: each RIM's enveloped XML-DSig signature is verified ({@link verifyEnvelopedSignature}:
 * Canonical XML 1.1, ECDSA, certificate chain to the pinned {@link NVIDIA_RIM_ROOT_SHA256} at `now`) and
 * recorded as `nvidia.rim.signature`. A RIM without a signature fails, except with
 * `dangerousUnsignedRims` (the devnet's RIMs, which nobody signs), where the check is missing instead, so
 * such a GPU is `unverifiable`, never `valid`.
 *
 * Pure: the service is reached only through the caller's {@link RimFetcher} (design.md §2).
 */
import {CheckList, EvidenceFormatError, hex, type Check} from '../types.js';
import {attribute, childElements, parseXml, type XmlElement} from '../xml.js';
import {NVIDIA_RIM_ROOT_SHA256, verifyEnvelopedSignature} from './xmldsig.js';
import {driverVersion, NvOpaque, opaqueField, opaqueText, parseSpdmEvidence, vbiosVersion, type SpdmEvidence} from './spdm.js';

/** NVIDIA's RIM service: the RIM with id X is at this URL followed by X. */
export const NVIDIA_RIM_URL = 'https://rim.attestation.nvidia.com/v1/rim/';
/** ISO/IEC 19770-2:2015 SWID namespace. */
export const SWID_NS = 'http://standards.iso.org/iso/19770/-2/2015/schema.xsd';
/** Namespace of the `Hash<i>` attributes of RIM resources (SHA-384 digests). */
export const RIM_HASH_NS = 'http://www.w3.org/2001/04/xmlenc#sha384';
/** XML-DSig namespace. */
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
/** Driver RIM id prefix for Hopper (GH100). */
export const DRIVER_RIM_PREFIX = 'NV_GPU_DRIVER_GH100_';
/** VBIOS RIM id prefix. */
export const VBIOS_RIM_PREFIX = 'NV_GPU_VBIOS_';
/** Opaque NVDEC0 status value meaning "disabled" (NVIDIA local verifier `NVDEC_STATUS.DISABLED`). */
export const NVDEC0_DISABLED = 0x55;
/** RIM index not compared when NVDEC0 is disabled. */
export const NVDEC0_MEASUREMENT_INDEX = 35;
/** Detail of the missing signature check of unsigned RIMs accepted through `dangerousUnsignedRims`. */
export const RIM_UNSIGNED_ACCEPTED = 'unsigned RIM accepted for a dev GPU (dangerousUnsignedRims)';
/** Most alternatives accepted for one golden entry. */
const MAX_ALTERNATIVES = 16;
/** Largest RIM service answer accepted, bytes. */
export const MAX_RIM_RESPONSE_BYTES = 4 * 1024 * 1024;
/** RIM ids: letters, digits, `_`, `.`, `-` (they go into a URL path and a cache key). */
const RIM_ID = /^[A-Za-z0-9_.-]{1,128}$/;

/** One golden measurement entry of a RIM. */
export interface GoldenMeasurement {
  /** 0-based RIM index (compared with the SPDM block of index + 1). */
  index: number;
  active: boolean;
  name: string;
  /** Digest size, bytes. */
  size: number;
  /** Accepted values, lower-case hex (`alternatives` of them). */
  values: string[];
}

/** A parsed RIM. */
export interface Rim {
  /** Meta `colloquialVersion`. */
  version: string;
  /** SoftwareIdentity `tagId`, when present. */
  tagId?: string;
  /** True when the document carries a `ds:Signature` (verified separately, by {@link verifyEnvelopedSignature}). */
  hasSignature: boolean;
  measurements: GoldenMeasurement[];
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function one(parent: XmlElement, ns: string, local: string, what: string): XmlElement {
  const found = childElements(parent, ns, local);
  if (found.length !== 1) throw new EvidenceFormatError(`RIM: ${what} must have exactly one ${local} element (found ${found.length})`);
  return found[0];
}

function decimal(v: string | undefined, what: string, max: number): number {
  if (v === undefined || !/^[0-9]{1,6}$/.test(v)) throw new EvidenceFormatError(`RIM: ${what} must be a decimal integer`);
  const n = Number(v);
  if (n > max) throw new EvidenceFormatError(`RIM: ${what} ${n} exceeds ${max}`);
  return n;
}

/**
 * Parses RIM XML (the SWID layout described in this module's header).
 * @throws EvidenceFormatError on anything unexpected: wrong root, missing or repeated Meta/Payload, a resource
 * that is not a measurement, malformed index/active/alternatives/size, a hash that is not hex of `size`
 * bytes, a repeated index, or an empty payload.
 */
export function parseRimXml(xml: string): Rim {
  const root = parseXml(xml);
  if (root.ns !== SWID_NS || root.local !== 'SoftwareIdentity') throw new EvidenceFormatError(`RIM: root element is {${root.ns}}${root.local}, expected SWID SoftwareIdentity`);
  const meta = one(root, SWID_NS, 'Meta', 'SoftwareIdentity');
  const version = attribute(meta, '', 'colloquialVersion');
  if (!version) throw new EvidenceFormatError('RIM: Meta has no colloquialVersion');
  const payload = one(root, SWID_NS, 'Payload', 'SoftwareIdentity');
  const resources = childElements(payload);
  if (resources.length === 0) throw new EvidenceFormatError('RIM: Payload holds no measurements');
  const seen = new Set<number>();
  const measurements = resources.map((r, i): GoldenMeasurement => {
    if (r.ns !== SWID_NS || r.local !== 'Resource') throw new EvidenceFormatError(`RIM: Payload child ${i} is {${r.ns}}${r.local}, expected Resource`);
    if (attribute(r, '', 'type') !== 'Measurement') throw new EvidenceFormatError(`RIM: Resource ${i} is not of type Measurement`);
    const index = decimal(attribute(r, '', 'index'), `Resource ${i} index`, 0xfe);
    if (seen.has(index)) throw new EvidenceFormatError(`RIM: index ${index} appears twice`);
    seen.add(index);
    const activeText = attribute(r, '', 'active');
    if (activeText !== 'True' && activeText !== 'False') throw new EvidenceFormatError(`RIM: index ${index} active must be True or False`);
    const alternatives = decimal(attribute(r, '', 'alternatives'), `index ${index} alternatives`, MAX_ALTERNATIVES);
    if (alternatives < 1) throw new EvidenceFormatError(`RIM: index ${index} has no alternatives`);
    const size = decimal(attribute(r, '', 'size'), `index ${index} size`, 1024);
    if (size < 1) throw new EvidenceFormatError(`RIM: index ${index} size must be positive`);
    const values: string[] = [];
    for (let a = 0; a < alternatives; a++) {
      const v = attribute(r, RIM_HASH_NS, `Hash${a}`);
      if (v === undefined) throw new EvidenceFormatError(`RIM: index ${index} lacks Hash${a}`);
      if (v.length !== size * 2 || !/^[0-9A-Fa-f]*$/.test(v)) throw new EvidenceFormatError(`RIM: index ${index} Hash${a} is not ${size} bytes of hex`);
      values.push(v.toLowerCase());
    }
    if (attribute(r, RIM_HASH_NS, `Hash${alternatives}`) !== undefined) throw new EvidenceFormatError(`RIM: index ${index} has more hashes than its ${alternatives} alternatives`);
    return {index, active: activeText === 'True', name: attribute(r, '', 'name') ?? '', size, values};
  });
  const tagId = attribute(root, '', 'tagId');
  return {version, ...(tagId ? {tagId} : {}), hasSignature: childElements(root, XMLDSIG_NS, 'Signature').length > 0, measurements};
}

/**
 * The XML text of a RIM service answer: JSON whose `rim` is base64 of the XML (UTF-8). When the answer
 * names an `id`, it must be the one asked for.
 * @throws EvidenceFormatError on anything else.
 */
export function rimXmlFromServiceJson(body: Uint8Array | string, expectedId: string): string {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  if (text.length > MAX_RIM_RESPONSE_BYTES) throw new EvidenceFormatError('RIM service answer is too large');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new EvidenceFormatError(`RIM service answer is not JSON: ${msg(e)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new EvidenceFormatError('RIM service answer is not a JSON object');
  const o = doc as Record<string, unknown>;
  if (o.id !== undefined && o.id !== expectedId) throw new EvidenceFormatError(`RIM service answered for id ${String(o.id).slice(0, 80)}, not ${expectedId}`);
  if (typeof o.rim !== 'string' || !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(o.rim) || o.rim.trim() === '') throw new EvidenceFormatError('RIM service answer has no base64 "rim"');
  const xml = Buffer.from(o.rim.replace(/\s+/g, ''), 'base64');
  const decoded = new TextDecoder('utf-8', {fatal: true});
  try {
    return decoded.decode(xml);
  } catch {
    throw new EvidenceFormatError('RIM is not UTF-8 text');
  }
}

/** RIM ids for one GPU's evidence, or why one cannot be formed. */
export interface RimIds {
  driver?: string;
  vbios?: string;
  /** Why an id is absent. */
  driverProblem?: string;
  vbiosProblem?: string;
}

/** Forms the driver and VBIOS RIM ids from the evidence's opaque data (see the module header). */
export function rimIds(ev: SpdmEvidence): RimIds {
  const out: RimIds = {};
  const drv = driverVersion(ev);
  if (!drv) out.driverProblem = 'evidence has no driver version (opaque type 3)';
  else if (!RIM_ID.test(drv)) out.driverProblem = `driver version "${drv.slice(0, 40)}" cannot form a RIM id`;
  else out.driver = `${DRIVER_RIM_PREFIX}${drv.toLowerCase()}`;
  const vb = vbiosVersion(ev);
  const project = opaqueText(ev, NvOpaque.PROJECT)?.trim();
  const projectSku = opaqueText(ev, NvOpaque.PROJECT_SKU)?.trim();
  const chipSku = opaqueText(ev, NvOpaque.CHIP_SKU)?.trim();
  const lacking = [vb ? '' : 'VBIOS version (6)', project ? '' : 'project (17)', projectSku ? '' : 'project SKU (18)', chipSku ? '' : 'chip SKU (15)'].filter(Boolean);
  if (lacking.length) out.vbiosProblem = `evidence lacks ${lacking.join(', ')} needed for the VBIOS RIM id`;
  else {
    const id = `${VBIOS_RIM_PREFIX}${project}_${projectSku}_${chipSku}_${vb!.replace(/\./g, '')}`.toUpperCase();
    if (!RIM_ID.test(id)) out.vbiosProblem = `VBIOS RIM id "${id.slice(0, 60)}" has unexpected characters`;
    else out.vbios = id;
  }
  return out;
}

/** Result of comparing runtime blocks with golden measurements. */
export interface RimComparison {
  /** Problems that make the comparison fail (index conflicts, counts, mismatches). */
  problems: string[];
  /** RIM indices whose runtime block did not match. */
  mismatched: number[];
  /** Active golden entries compared. */
  compared: number;
  /** RIM indices skipped (index 35 with NVDEC0 disabled). */
  skipped: number[];
}

/**
 * Compares the evidence's measurement blocks with the active entries of the driver and VBIOS RIMs
 * (module header). Never throws.
 */
export function compareWithRims(ev: SpdmEvidence, driver: Rim, vbios: Rim): RimComparison {
  const problems: string[] = [];
  const mismatched: number[] = [];
  const skipped: number[] = [];
  const blocks = new Map<number, Uint8Array>();
  for (const b of ev.blocks) {
    if (blocks.has(b.index)) problems.push(`evidence repeats measurement block ${b.index}`);
    blocks.set(b.index, b.value);
  }
  const n = ev.blocks.length;
  for (const [label, rim] of [['driver', driver], ['VBIOS', vbios]] as const) {
    if (rim.measurements.length !== n) problems.push(`${label} RIM describes ${rim.measurements.length} measurements, the evidence has ${n} blocks`);
    const beyond = rim.measurements.filter((m) => m.index >= n).map((m) => m.index);
    if (beyond.length) problems.push(`${label} RIM has indices beyond the evidence's ${n} blocks: ${beyond.slice(0, 8).join(', ')}`);
  }
  const golden = new Map<number, GoldenMeasurement>();
  for (const m of driver.measurements) if (m.active) golden.set(m.index, m);
  for (const m of vbios.measurements) {
    if (!m.active) continue;
    if (golden.has(m.index)) problems.push(`index ${m.index} is active in both the driver and the VBIOS RIM`);
    else golden.set(m.index, m);
  }
  const nvdec = opaqueField(ev, NvOpaque.NVDEC0_STATUS);
  const nvdecDisabled = nvdec !== undefined && nvdec.length >= 1 && nvdec[0] === NVDEC0_DISABLED;
  let compared = 0;
  for (const [index, m] of [...golden.entries()].sort((a, b) => a[0] - b[0])) {
    if (index === NVDEC0_MEASUREMENT_INDEX && nvdecDisabled) {
      skipped.push(index);
      continue;
    }
    compared++;
    const runtime = blocks.get(index + 1);
    const ok = runtime !== undefined && runtime.length === m.size && m.values.includes(hex(runtime));
    if (!ok) mismatched.push(index);
  }
  if (compared === 0) problems.push('the RIMs have no active measurements to compare');
  if (mismatched.length) problems.push(`runtime measurements differ from the golden values at RIM index${mismatched.length > 1 ? 'es' : ''} ${mismatched.slice(0, 16).join(', ')}${mismatched.length > 16 ? ', …' : ''}`);
  return {problems, mismatched, compared, skipped};
}

/**
 * Fetches the RIM service's answer (JSON bytes) for one id; rejects when no answer was had (unreachable,
 * HTTP error, not found), which makes the RIM checks missing rather than failed.
 */
export type RimFetcher = (id: string) => Promise<Uint8Array>;

/** Input of {@link checkGpuRims}. */
export interface GpuRimInput {
  /** Raw SPDM evidence (request ‖ response) of each GPU, in evidence order. */
  evidence: Uint8Array[];
  fetch: RimFetcher;
  /** Verification time for the RIM signing certificates, Unix seconds. */
  now: number;
  /**
   * Accept RIMs that carry no signature, recording `nvidia.rim.signature` as missing rather than failed
   * (devnet GPUs, whose RIMs are built locally and unsigned). A RIM that carries a signature is always
   * verified, and one whose signature does not verify always fails.
   */
  dangerousUnsignedRims?: boolean;
}

/** Signature state of one RIM: verified (with the signer), unsigned, or failed (why). */
type RimSignature = {state: 'ok'; signer: string} | {state: 'unsigned'} | {state: 'failed'; problem: string};

type RimOutcome = {rim?: Rim; id: string; missing?: string; failure?: string; signature?: RimSignature};

async function getRim(id: string, fetch: RimFetcher, now: number): Promise<RimOutcome> {
  let body: Uint8Array;
  try {
    body = await fetch(id);
  } catch (e) {
    return {id, missing: `RIM ${id} could not be had: ${msg(e)}`};
  }
  let xml: string;
  let rim: Rim;
  try {
    xml = rimXmlFromServiceJson(body, id);
    rim = parseRimXml(xml);
  } catch (e) {
    return {id, failure: `RIM ${id} is unusable: ${msg(e)}`};
  }
  if (!rim.hasSignature) return {id, rim, signature: {state: 'unsigned'}};
  const v = verifyEnvelopedSignature({xml, trustedRootSha256: [NVIDIA_RIM_ROOT_SHA256], now});
  return {id, rim, signature: v.ok ? {state: 'ok', signer: v.signer ?? '?'} : {state: 'failed', problem: v.problem ?? 'signature does not verify'}};
}

/**
 * The RIM stage for every GPU (attestation.md §3.3 steps 7–8). Records per GPU, in order:
 * `nvidia.rim.driver` and `nvidia.rim.vbios` (RIM fetched, parsed, and for exactly the evidence's version),
 * `nvidia.rim.signature` (every RIM had is signed by NVIDIA's RIM chain at `now`; missing for unsigned RIMs
 * under `dangerousUnsignedRims`), `nvidia.rim.measurements` (the comparison) and the summary `nvidia.rim`
 * (passes when the versions, signatures and measurements do; with unsigned dev RIMs it passes on the
 * measurements and says the signatures were not verified). An unreachable or unknown RIM makes the checks
 * missing; a RIM that cannot be parsed, is unsigned (without the dangerous option), carries a signature
 * that does not verify, names another version, or disagrees with the evidence makes them fail.
 * RIMs shared by several GPUs are fetched once. Never throws.
 */
export async function checkGpuRims(input: GpuRimInput): Promise<Check[]> {
  const list = new CheckList();
  const memo = new Map<string, Promise<RimOutcome>>();
  const get = (id: string) => {
    let p = memo.get(id);
    if (!p) {
      p = getRim(id, input.fetch, input.now);
      memo.set(id, p);
    }
    return p;
  };
  const multi = input.evidence.length > 1;
  for (let g = 0; g < input.evidence.length; g++) {
    const pre = multi ? `GPU ${g}: ` : '';
    let ev: SpdmEvidence;
    try {
      ev = parseSpdmEvidence(input.evidence[g]);
    } catch (e) {
      list.fail('nvidia.rim', `${pre}evidence unusable: ${msg(e)}`);
      continue;
    }
    const ids = rimIds(ev);
    const evidenceVersions = {driver: driverVersion(ev), VBIOS: vbiosVersion(ev)};
    const outcomes: {label: 'driver' | 'VBIOS'; name: string; rim?: Rim; signature?: RimSignature; state: 'ok' | 'missing' | 'failed'}[] = [];
    for (const [label, name, id, problem] of [
      ['driver', 'nvidia.rim.driver', ids.driver, ids.driverProblem],
      ['VBIOS', 'nvidia.rim.vbios', ids.vbios, ids.vbiosProblem],
    ] as const) {
      if (!id) {
        list.fail(name, `${pre}${problem}`);
        outcomes.push({label, name, state: 'failed'});
        continue;
      }
      const r = await get(id);
      if (r.missing) {
        list.missing(name, pre + r.missing);
        outcomes.push({label, name, state: 'missing'});
      } else if (r.failure || !r.rim) {
        list.fail(name, pre + (r.failure ?? `RIM ${id} is unusable`));
        outcomes.push({label, name, state: 'failed'});
      } else {
        const want = evidenceVersions[label]!;
        const okVersion = r.rim.version.toLowerCase() === want.toLowerCase();
        const active = r.rim.measurements.filter((m) => m.active).length;
        list.check(name, okVersion, `${pre}${id}: version ${r.rim.version}, ${r.rim.measurements.length} entries (${active} active)`, `${pre}${id} is for ${label} version ${r.rim.version.slice(0, 40)}, the evidence reports ${want}`);
        outcomes.push({label, name, rim: r.rim, ...(r.signature ? {signature: r.signature} : {}), state: okVersion ? 'ok' : 'failed'});
      }
    }
    const got = outcomes.filter((o) => o.rim && o.signature);
    let signature: 'ok' | 'missing' | 'failed' | undefined;
    if (got.length) {
      const failed = got.filter((o) => o.signature!.state === 'failed' || (o.signature!.state === 'unsigned' && !input.dangerousUnsignedRims));
      const unsigned = got.filter((o) => o.signature!.state === 'unsigned');
      const why = (o: (typeof got)[number]) => {
        const sg = o.signature!;
        return `${o.label} RIM ${sg.state === 'failed' ? `signature: ${sg.problem}` : 'is not signed'}`;
      };
      if (failed.length) {
        signature = 'failed';
        list.fail('nvidia.rim.signature', `${pre}${failed.map(why).join('; ')}`);
      } else if (unsigned.length) {
        signature = 'missing';
        list.missing('nvidia.rim.signature', `${pre}${RIM_UNSIGNED_ACCEPTED}: the ${unsigned.map((o) => o.label).join(' and ')} RIM${unsigned.length > 1 ? 's are' : ' is'} not authenticated`);
      } else {
        signature = 'ok';
        const signers = [...new Set(got.map((o) => (o.signature as {signer: string}).signer))];
        list.pass('nvidia.rim.signature', `${pre}${got.map((o) => o.label).join(' and ')} RIM${got.length > 1 ? 's' : ''} signed through NVIDIA's RIM root (signer ${signers.join('; ')})`);
        // The signing chain's revocation is a separate question this version does not ask (NVIDIA's OCSP covers
        // RIM certificates too): say so rather than let the signature check read as complete.
        list.skip('nvidia.rim.ocsp', `${pre}revocation of the RIM signing certificates is not checked in this version`);
      }
    }

    const [drv, vb] = outcomes;
    let measurements: 'ok' | 'missing' | 'failed';
    if (drv.rim && vb.rim) {
      const c = compareWithRims(ev, drv.rim, vb.rim);
      measurements = c.problems.length ? 'failed' : 'ok';
      list.check(
        'nvidia.rim.measurements',
        measurements === 'ok',
        `${pre}all ${c.compared} active golden measurements match the runtime blocks${c.skipped.length ? ` (index ${c.skipped.join(', ')} not compared: NVDEC0 disabled)` : ''}`,
        pre + c.problems.join('; '),
      );
    } else {
      measurements = outcomes.some((o) => o.state === 'missing') && !outcomes.some((o) => o.state === 'failed' && !o.rim) ? 'missing' : 'failed';
      const detail = `${pre}measurements not compared: ${outcomes.filter((o) => !o.rim).map((o) => `${o.label} RIM ${o.state === 'missing' ? 'unavailable' : 'unusable'}`).join(', ')}`;
      if (measurements === 'missing') list.missing('nvidia.rim.measurements', detail);
      else list.fail('nvidia.rim.measurements', detail);
    }

    // An unsigned dev RIM (signature missing) does not hold the summary back: nvidia.rim.signature keeps the
    // verdict unverifiable on its own. A failed signature fails the summary.
    const states = [...outcomes.map((o) => o.state), measurements, ...(signature === 'failed' ? ['failed' as const] : [])];
    const names = `driver ${evidenceVersions.driver ?? '?'}, VBIOS ${evidenceVersions.VBIOS ?? '?'}`;
    if (states.every((s) => s === 'ok')) {
      list.pass('nvidia.rim', signature === 'ok' ? `${pre}measurements match NVIDIA's signed golden values for ${names}` : `${pre}measurements match the golden values for ${names} (RIM signatures not verified: see nvidia.rim.signature)`);
    } else if (states.includes('failed')) {
      list.fail('nvidia.rim', signature === 'failed' && [...outcomes.map((o) => o.state), measurements].every((st) => st === 'ok') ? `${pre}the RIMs for ${names} are not authentic (see nvidia.rim.signature)` : `${pre}GPU state does not match the RIMs for ${names}`);
    }
    else list.missing('nvidia.rim', `${pre}golden measurements for ${names} could not be had`);
  }
  return list.checks;
}
