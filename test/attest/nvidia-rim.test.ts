import {generateKeyPairSync} from 'node:crypto';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from '@jest/globals';
import {buildSpdmEvidence, driverVersionOpaque, vbiosVersionOpaque} from '../../src/attest/dev/spdm-build.js';
import {checkGpuRims, parseRimXml, rimIds, rimXmlFromServiceJson, RIM_UNSIGNED_ACCEPTED, type RimFetcher} from '../../src/attest/nvidia/rim.js';
import {NvOpaque, parseSpdmEvidence} from '../../src/attest/nvidia/spdm.js';
import {parseNvtrustJson} from '../../src/attest/nvidia/verify.js';
import {CheckList, hex, type Check} from '../../src/attest/types.js';
import {parseXml} from '../../src/attest/xml.js';
import {describeShared, repoRoot, sharedPath} from '../helpers/shared.js';
import {buildRimXml, rimServiceJson, rimsForEvidence} from './rim-helpers.js';

const BLOCKS = 64;
/** Unix seconds inside the validity of the real sample RIM's signer (2023-06-28 … 2025-06-27). */
const NOW = Date.parse('2024-06-01T00:00:00Z') / 1000;
/** The locally built RIMs of these tests are unsigned, as the devnet's are. */
const DEV = {now: NOW, dangerousUnsignedRims: true} as const;
const key = generateKeyPairSync('ec', {namedCurve: 'P-384'}).privateKey;
const digest = (i: number, salt = 0) => Uint8Array.from({length: 48}, (_, j) => (i * 7 + j * 13 + salt) & 0xff);

/** SPDM evidence with 64 blocks and the opaque fields that name the RIMs. */
function evidence(o: {driver?: string; nvdec?: number; project?: string; vbios?: string; projectSku?: string; chipSku?: string; blocks?: Map<number, Uint8Array>} = {}): Uint8Array {
  const text = (s: string) => driverVersionOpaque(s);
  return buildSpdmEvidence({
    requestNonce: new Uint8Array(32).fill(1),
    responderNonce: new Uint8Array(32).fill(2),
    blocks: Array.from({length: BLOCKS}, (_, i) => ({index: i + 1, value: o.blocks?.get(i + 1) ?? digest(i + 1)})),
    opaque: [
      {type: NvOpaque.DRIVER_VERSION, value: text(o.driver ?? '550.144.03')},
      {type: NvOpaque.VBIOS_VERSION, value: vbiosVersionOpaque(o.vbios ?? '96.00.9F.00.02')},
      ...(o.nvdec !== undefined ? [{type: NvOpaque.NVDEC0_STATUS, value: Uint8Array.of(o.nvdec)}] : []),
      {type: NvOpaque.CHIP_SKU, value: text(o.chipSku ?? '886')},
      ...(o.project === '' ? [] : [{type: NvOpaque.PROJECT, value: text(o.project ?? '1010')}]),
      {type: NvOpaque.PROJECT_SKU, value: text(o.projectSku ?? '0210')},
    ],
    signingKey: key,
  });
}

/** A fetcher serving answers by id (others: rejected as not found); records the ids asked for. */
function serve(answers: Map<string, string>): RimFetcher & {asked: string[]} {
  const asked: string[] = [];
  const f = async (id: string) => {
    asked.push(id);
    const a = answers.get(id);
    if (a === undefined) throw new Error(`HTTP 404 for ${id}`);
    return new Uint8Array(Buffer.from(a, 'utf8'));
  };
  return Object.assign(f, {asked});
}

const byName = (checks: Check[], name: string) => checks.filter((c) => c.name === name);
const verdictOf = (checks: Check[]) => {
  const l = new CheckList();
  l.checks.push(...checks);
  return l.verdict();
};

describe('NVIDIA RIM ids', () => {
  it('forms the driver and VBIOS ids from the opaque data', () => {
    expect(rimIds(parseSpdmEvidence(evidence()))).toEqual({driver: 'NV_GPU_DRIVER_GH100_550.144.03', vbios: 'NV_GPU_VBIOS_1010_0210_886_96009F0002'});
  });

  it('names what is missing when the VBIOS id cannot be formed', () => {
    const ids = rimIds(parseSpdmEvidence(evidence({project: ''})));
    expect(ids.vbios).toBeUndefined();
    expect(ids.vbiosProblem).toMatch(/project \(17\)/);
  });
});

describeShared('fixtures/attestation')('NVIDIA RIM ids of real evidence', () => {
  it('N1 names the driver and VBIOS RIMs NVIDIA publishes for it', () => {
    const n1 = parseNvtrustJson(readFileSync(sharedPath('fixtures', 'attestation', 'nvidia', 'secretai-worker-gpu-evidence.json'), 'utf8'));
    expect(rimIds(parseSpdmEvidence(n1.entries[0].evidence))).toEqual({driver: 'NV_GPU_DRIVER_GH100_550.144.03', vbios: 'NV_GPU_VBIOS_1010_0210_886_96009F0002'});
  });
});

describe('RIM XML (SWID) parsing', () => {
  const entry = {index: 0, active: true, values: ['AB'.repeat(48), '00'.repeat(48)]};

  it('reads version, entries and alternatives through namespace prefixes', () => {
    const rim = parseRimXml(buildRimXml('550.144.03', [entry, {index: 1, active: false, values: ['00'.repeat(48)]}]));
    expect(rim.version).toBe('550.144.03');
    expect(rim.hasSignature).toBe(false);
    expect(rim.measurements).toEqual([
      {index: 0, active: true, name: 'Measurement_0', size: 48, values: ['ab'.repeat(48), '00'.repeat(48)]},
      {index: 1, active: false, name: 'Measurement_1', size: 48, values: ['00'.repeat(48)]},
    ]);
  });

  it.each<[string, (x: string) => string, RegExp]>([
    ['a DOCTYPE', (x) => x.replace('<SoftwareIdentity', '<!DOCTYPE x [<!ENTITY e "e">]><SoftwareIdentity'), /DOCTYPE/],
    ['an unknown entity', (x) => x.replace('product="GH100"', 'product="&e;"'), /unknown entity/],
    ['a repeated index', (x) => x.replace('index="1"', 'index="0"'), /appears twice/],
    ['a short hash', (x) => x.replace(`ns2:Hash0="${'00'.repeat(48)}"`, `ns2:Hash0="${'00'.repeat(47)}"`), /not 48 bytes of hex/],
    ['a hash outside the SHA-384 namespace', (x) => x.replace(/ns2:Hash0/g, 'Hash0'), /lacks Hash0/],
    ['active other than True/False', (x) => x.replace('active="False"', 'active="no"'), /True or False/],
    ['no Meta', (x) => x.replace(/<ns0:Meta[^>]*\/>/, ''), /exactly one Meta/],
    ['two Payloads', (x) => x.replace('</SoftwareIdentity>', '<ns0:Payload/></SoftwareIdentity>'), /exactly one Payload/],
    ['an undeclared prefix', (x) => x.replace('<ns0:Entity', '<zz:Entity').replace('role="softwareCreator tagCreator"/>', 'role="x"/>'), /undeclared prefix/],
    ['a mismatched end tag', (x) => x.replace('</ns0:Payload>', '</Payload>'), /does not match/],
    ['content after the root', (x) => `${x}<x/>`, /after the root/],
    ['a wrong root element', (x) => x.replace(/SoftwareIdentity/g, 'Software'), /SoftwareIdentity/],
    ['more hashes than alternatives', (x) => x.replace(`ns2:Hash1="${'00'.repeat(48)}"`, `ns2:Hash1="${'00'.repeat(48)}" ns2:Hash2="${'00'.repeat(48)}"`), /more hashes/],
  ])('rejects %s', (_, mutate, re) => {
    const xml = buildRimXml('550.144.03', [entry, {index: 1, active: false, values: ['00'.repeat(48)]}]);
    expect(() => parseRimXml(xml)).not.toThrow();
    expect(() => parseRimXml(mutate(xml))).toThrow(re);
  });

  it('the XML reader resolves default and prefixed namespaces and decodes references', () => {
    const root = parseXml('<a xmlns="urn:a" xmlns:b="urn:b" b:x="1&amp;&#x41;"><b:c>t&lt;</b:c><!-- c --></a>');
    expect({ns: root.ns, attr: root.attributes[0], child: (root.children[0] as {ns: string}).ns}).toEqual({ns: 'urn:a', attr: {qname: 'b:x', ns: 'urn:b', local: 'x', value: '1&A'}, child: 'urn:b'});
  });

  it('service JSON: decodes the base64 RIM, refuses another id or a missing rim', () => {
    const xml = buildRimXml('1', [entry]);
    expect(rimXmlFromServiceJson(rimServiceJson('X', xml), 'X')).toBe(xml);
    expect(() => rimXmlFromServiceJson(rimServiceJson('Y', xml), 'X')).toThrow(/not X/);
    expect(() => rimXmlFromServiceJson('{"id":"X"}', 'X')).toThrow(/no base64/);
    expect(() => rimXmlFromServiceJson('<html>', 'X')).toThrow(/not JSON/);
  });
});

describe('NVIDIA RIM comparison (checkGpuRims)', () => {
  const spdm = evidence();

  it('matching unsigned RIMs (dev): versions and measurements pass, nvidia.rim passes, the missing signature keeps the verdict unverifiable', async () => {
    const f = serve(rimsForEvidence(spdm));
    const checks = await checkGpuRims({evidence: [spdm], fetch: f, ...DEV});
    expect(checks.map((c) => [c.name, c.ok, Boolean(c.missing)])).toEqual([
      ['nvidia.rim.driver', true, false],
      ['nvidia.rim.vbios', true, false],
      ['nvidia.rim.signature', false, true],
      ['nvidia.rim.measurements', true, false],
      ['nvidia.rim', true, false],
    ]);
    expect(byName(checks, 'nvidia.rim.signature')[0].detail).toContain(RIM_UNSIGNED_ACCEPTED);
    expect(byName(checks, 'nvidia.rim.measurements')[0].detail).toMatch(/all 64 active golden measurements match/);
    expect(verdictOf(checks)).toBe('unverifiable');
    expect(f.asked).toEqual(['NV_GPU_DRIVER_GH100_550.144.03', 'NV_GPU_VBIOS_1010_0210_886_96009F0002']);
  });

  it.each<[string, Parameters<typeof rimsForEvidence>[1], string, RegExp]>([
    ['a golden value differs from a runtime block (driver RIM)', {corrupt: [10]}, 'nvidia.rim.measurements', /RIM index 10$/],
    ['a golden value differs from a runtime block (VBIOS RIM)', {corrupt: [11]}, 'nvidia.rim.measurements', /RIM index 11$/],
    ['the driver RIM is for another version', {driverVersion: '550.144.04'}, 'nvidia.rim.driver', /version 550\.144\.04, the evidence reports 550\.144\.03/],
    ['the VBIOS RIM is for another version', {vbiosVersion: '96.00.9F.00.03'}, 'nvidia.rim.vbios', /the evidence reports 96\.00\.9F\.00\.02/],
    ['an index is active in both RIMs', {vbiosAlsoActive: [4]}, 'nvidia.rim.measurements', /index 4 is active in both/],
    ['the RIMs describe fewer indices than the evidence has blocks', {count: 63}, 'nvidia.rim.measurements', /describes 63 measurements, the evidence has 64 blocks/],
  ])('%s → invalid', async (_, opts, name, re) => {
    const checks = await checkGpuRims({evidence: [spdm], fetch: serve(rimsForEvidence(spdm, opts)), ...DEV});
    const c = byName(checks, name)[0];
    expect(c).toMatchObject({ok: false});
    expect(c.missing).toBeUndefined();
    expect(c.detail).toMatch(re);
    expect(byName(checks, 'nvidia.rim')[0]).toMatchObject({ok: false});
    expect(verdictOf(checks)).toBe('invalid');
  });

  it('a second alternative matching the runtime block is accepted', async () => {
    const answers = rimsForEvidence(spdm);
    const id = 'NV_GPU_DRIVER_GH100_550.144.03';
    const xml = rimXmlFromServiceJson(answers.get(id)!, id);
    const block0 = Buffer.from(digest(1)).toString('hex');
    answers.set(id, rimServiceJson(id, xml.replace(`alternatives="1" ns2:Hash0="${block0}"`, `alternatives="2" ns2:Hash0="${'cd'.repeat(48)}" ns2:Hash1="${block0}"`)));
    expect(rimXmlFromServiceJson(answers.get(id)!, id)).toContain('ns2:Hash1');
    const checks = await checkGpuRims({evidence: [spdm], fetch: serve(answers), ...DEV});
    expect(byName(checks, 'nvidia.rim')[0].ok).toBe(true);
  });

  it('index 35 is not compared when NVDEC0 is disabled (0x55), and is when it is enabled', async () => {
    const off = evidence({nvdec: 0x55});
    const on = evidence({nvdec: 0xaa});
    const skipped = await checkGpuRims({evidence: [off], fetch: serve(rimsForEvidence(off, {corrupt: [35]})), ...DEV});
    expect(byName(skipped, 'nvidia.rim.measurements')[0]).toMatchObject({ok: true, detail: expect.stringMatching(/63 active .*index 35 not compared: NVDEC0 disabled/)});
    const compared = await checkGpuRims({evidence: [on], fetch: serve(rimsForEvidence(on, {corrupt: [35]})), ...DEV});
    expect(byName(compared, 'nvidia.rim.measurements')[0]).toMatchObject({ok: false, detail: expect.stringMatching(/RIM index 35$/)});
  });

  it('a RIM the service does not have makes the checks missing (unverifiable), not failed', async () => {
    const answers = rimsForEvidence(spdm);
    answers.delete('NV_GPU_VBIOS_1010_0210_886_96009F0002');
    const checks = await checkGpuRims({evidence: [spdm], fetch: serve(answers), ...DEV});
    expect(byName(checks, 'nvidia.rim.vbios')[0]).toMatchObject({ok: false, missing: true});
    expect(byName(checks, 'nvidia.rim.measurements')[0]).toMatchObject({ok: false, missing: true});
    expect(byName(checks, 'nvidia.rim')[0]).toMatchObject({ok: false, missing: true});
    expect(verdictOf(checks)).toBe('unverifiable');
  });

  it('an unparsable RIM fails closed', async () => {
    const answers = rimsForEvidence(spdm);
    answers.set('NV_GPU_DRIVER_GH100_550.144.03', rimServiceJson('NV_GPU_DRIVER_GH100_550.144.03', '<SoftwareIdentity'));
    const checks = await checkGpuRims({evidence: [spdm], fetch: serve(answers), ...DEV});
    expect(byName(checks, 'nvidia.rim.driver')[0]).toMatchObject({ok: false, detail: expect.stringMatching(/unusable: XML/)});
    expect(verdictOf(checks)).toBe('invalid');
  });

  it('two GPUs with the same versions ask for each RIM once and are reported per GPU', async () => {
    const f = serve(rimsForEvidence(spdm));
    const checks = await checkGpuRims({evidence: [spdm, spdm], fetch: f, ...DEV});
    expect(f.asked).toHaveLength(2);
    expect(byName(checks, 'nvidia.rim').map((c) => [c.ok, c.detail.slice(0, 7)])).toEqual([
      [true, 'GPU 0: '],
      [true, 'GPU 1: '],
    ]);
  });
});

describe('NVIDIA RIM signatures (checkGpuRims)', () => {
  // A real NVIDIA-signed VBIOS RIM (fixtures/nvidia/SOURCE.md): GH100, project 1010, SKU 0205, chip 862.
  const SIGNED = readFileSync(path.join(repoRoot, 'fixtures', 'nvidia', '1010_0205_862_96005E0002_PROD.swidtag'), 'utf8');
  const VBIOS_ID = 'NV_GPU_VBIOS_1010_0205_862_96005E0002';
  const DRIVER = '550.144.03';
  const DRIVER_ID = `NV_GPU_DRIVER_GH100_${DRIVER}`;
  const golden = parseRimXml(SIGNED).measurements;
  const vbiosActive = new Set(golden.filter((m) => m.active).map((m) => m.index));
  /** Evidence whose blocks equal the sample's active golden values (and `digest` elsewhere). */
  const spdm = (vbiosRim = SIGNED) => {
    const values = parseRimXml(vbiosRim).measurements;
    const blocks = new Map(values.filter((m) => m.active).map((m) => [m.index + 1, Uint8Array.from(Buffer.from(m.values[0], 'hex'))]));
    return evidence({driver: DRIVER, vbios: '96.00.5E.00.02', project: '1010', projectSku: '0205', chipSku: '862', blocks});
  };
  /** An unsigned driver RIM making active exactly the indices the VBIOS RIM leaves inactive. */
  const driverRim = () =>
    rimServiceJson(DRIVER_ID, buildRimXml(DRIVER, Array.from({length: BLOCKS}, (_, i) => ({index: i, active: !vbiosActive.has(i), values: [vbiosActive.has(i) ? '00'.repeat(48) : hex(digest(i + 1))]}))));
  const answers = (vbiosRim = SIGNED) => new Map([[DRIVER_ID, driverRim()], [VBIOS_ID, rimServiceJson(VBIOS_ID, vbiosRim)]]);

  it('the real signed VBIOS RIM verifies; the unsigned dev driver RIM keeps the signature check missing; measurements match', async () => {
    const ev = spdm();
    expect(rimIds(parseSpdmEvidence(ev))).toEqual({driver: DRIVER_ID, vbios: VBIOS_ID});
    const checks = await checkGpuRims({evidence: [ev], fetch: serve(answers()), ...DEV});
    expect(byName(checks, 'nvidia.rim.signature')[0]).toMatchObject({ok: false, missing: true, detail: expect.stringMatching(/the driver RIM is not authenticated$/)});
    expect(byName(checks, 'nvidia.rim.measurements')[0]).toMatchObject({ok: true});
    expect(byName(checks, 'nvidia.rim')[0]).toMatchObject({ok: true});
    expect(verdictOf(checks)).toBe('unverifiable');
  });

  it('without dangerousUnsignedRims an unsigned RIM fails', async () => {
    const checks = await checkGpuRims({evidence: [spdm()], fetch: serve(answers()), now: NOW});
    expect(byName(checks, 'nvidia.rim.signature')[0]).toMatchObject({ok: false, detail: 'driver RIM is not signed'});
    expect(byName(checks, 'nvidia.rim.signature')[0].missing).toBeUndefined();
    expect(byName(checks, 'nvidia.rim')[0]).toMatchObject({ok: false, detail: expect.stringMatching(/not authentic/)});
    expect(verdictOf(checks)).toBe('invalid');
  });

  it('signed RIMs for both ids pass the signature check (the same document twice: its indices then conflict)', async () => {
    const ev = evidence({driver: '96.00.5E.00.02', vbios: '96.00.5E.00.02', project: '1010', projectSku: '0205', chipSku: '862'});
    const ids = rimIds(parseSpdmEvidence(ev));
    const f = serve(new Map([[ids.driver!, rimServiceJson(ids.driver!, SIGNED)], [ids.vbios!, rimServiceJson(ids.vbios!, SIGNED)]]));
    const checks = await checkGpuRims({evidence: [ev], fetch: f, now: NOW});
    expect(byName(checks, 'nvidia.rim.signature')[0]).toMatchObject({ok: true, detail: expect.stringMatching(/^driver and VBIOS RIMs signed through NVIDIA's RIM root \(signer .*CN=HCC RIM L4 Signer\)$/)});
    expect(byName(checks, 'nvidia.rim.measurements')[0]).toMatchObject({ok: false, detail: expect.stringMatching(/active in both/)});
  });

  it('a golden value changed in the signed RIM (and matched by the evidence) fails the signature, even for dev', async () => {
    const tampered = SIGNED.replace('c3f65ef79a19c029', 'c3f65ef79a19c028');
    expect(tampered).not.toBe(SIGNED);
    const checks = await checkGpuRims({evidence: [spdm(tampered)], fetch: serve(answers(tampered)), ...DEV});
    expect(byName(checks, 'nvidia.rim.signature')[0]).toMatchObject({ok: false, detail: expect.stringMatching(/^VBIOS RIM signature: Reference digest mismatch/)});
    expect(byName(checks, 'nvidia.rim.measurements')[0]).toMatchObject({ok: true});
    expect(byName(checks, 'nvidia.rim')[0]).toMatchObject({ok: false});
    expect(verdictOf(checks)).toBe('invalid');
  });

  it('after the signer certificate expired the signature check fails', async () => {
    const checks = await checkGpuRims({evidence: [spdm()], fetch: serve(answers()), now: Date.parse('2025-07-01T00:00:00Z') / 1000, dangerousUnsignedRims: true});
    expect(byName(checks, 'nvidia.rim.signature')[0]).toMatchObject({ok: false, detail: expect.stringMatching(/VBIOS RIM signature: certificate 0 .* is not valid at 2025-07-01/)});
  });
});
