/**
 * Builds NVIDIA-style RIMs (SWID tags, the layout of src/attest/nvidia/rim.ts) for tests: golden values
 * are read back from SPDM evidence so a RIM can match it exactly or differ on purpose. The documents are
 * unsigned, as the devnet's are: `checkGpuRims` accepts them only with `dangerousUnsignedRims`, and then
 * records `nvidia.rim.signature` as missing.
 */
import {hex} from '../../src/attest/types.js';
import {driverVersion, parseSpdmEvidence, vbiosVersion} from '../../src/attest/nvidia/spdm.js';
import {rimIds, RIM_HASH_NS, SWID_NS} from '../../src/attest/nvidia/rim.js';

export interface RimEntrySpec {
  index: number;
  active: boolean;
  values: string[];
  size?: number;
}

/** RIM XML with the prefixes NVIDIA's documents use (`ns0` for SWID, `ns2` for the hash attributes). */
export function buildRimXml(version: string, entries: RimEntrySpec[]): string {
  const rows = entries.map((e) => {
    const hashes = e.values.map((v, i) => ` ns2:Hash${i}="${v}"`).join('');
    return `    <ns0:Resource type="Measurement" index="${e.index}" active="${e.active ? 'True' : 'False'}" alternatives="${e.values.length}"${hashes} name="Measurement_${e.index}" size="${e.size ?? 48}"/>`;
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<SoftwareIdentity xmlns="${SWID_NS}" xmlns:ns0="${SWID_NS}" xmlns:ns2="${RIM_HASH_NS}" name="GH100" tagId="test" version="1.0" tagVersion="0">`,
    `  <ns0:Entity name="test" role="softwareCreator tagCreator"/>`,
    `  <ns0:Meta colloquialVersion="${version}" product="GH100"/>`,
    `  <ns0:Payload>`,
    ...rows,
    `  </ns0:Payload>`,
    `</SoftwareIdentity>`,
  ].join('\n');
}

/** The RIM service's JSON answer for a RIM. */
export function rimServiceJson(id: string, xml: string): string {
  return JSON.stringify({id, rim: Buffer.from(xml, 'utf8').toString('base64'), sha256: 'not checked', last_updated: '2026-01-01T00:00:00'});
}

/** Options of {@link rimsForEvidence}. */
export interface RimsFor {
  /** RIM indices (0-based) the driver RIM makes active; the VBIOS RIM makes the rest active. */
  driverActive?: (index: number) => boolean;
  /** Replace the golden value at these RIM indices with another digest. */
  corrupt?: number[];
  driverVersion?: string;
  vbiosVersion?: string;
  /** Also activate these indices in the VBIOS RIM (index conflicts). */
  vbiosAlsoActive?: number[];
  /** Entries per RIM (default: the number of evidence blocks). */
  count?: number;
}

/** A driver RIM and a VBIOS RIM (service answers keyed by id) derived from SPDM evidence. */
export function rimsForEvidence(spdm: Uint8Array, o: RimsFor = {}): Map<string, string> {
  const ev = parseSpdmEvidence(spdm);
  const ids = rimIds(ev);
  const values = new Map(ev.blocks.map((b) => [b.index - 1, hex(b.value)]));
  const n = o.count ?? ev.blocks.length;
  const driverActive = o.driverActive ?? ((i: number) => i % 2 === 0);
  const golden = (i: number) => (o.corrupt?.includes(i) ? 'ab'.repeat(48) : (values.get(i) ?? '00'.repeat(48)));
  const entries = (active: (i: number) => boolean): RimEntrySpec[] => Array.from({length: n}, (_, i) => ({index: i, active: active(i), values: [active(i) ? golden(i) : '00'.repeat(48)]}));
  const out = new Map<string, string>();
  out.set(ids.driver!, rimServiceJson(ids.driver!, buildRimXml(o.driverVersion ?? driverVersion(ev)!, entries(driverActive))));
  out.set(ids.vbios!, rimServiceJson(ids.vbios!, buildRimXml(o.vbiosVersion ?? vbiosVersion(ev)!, entries((i) => !driverActive(i) || (o.vbiosAlsoActive ?? []).includes(i)))));
  return out;
}
