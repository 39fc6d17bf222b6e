import {generateKeyPairSync} from 'node:crypto';
import {describe, expect, it} from '@jest/globals';
import {DEV_MEASUREMENT_POLICY_NAME, devMeasurementPolicy} from '../../src/attest/dev/measurements.js';
import {generateDevRoots, mintDevEvidence} from '../../src/attest/dev/index.js';
import {appraiseMeasurements, compareVersions, measurementPolicyOf, parseMeasurementPolicy} from '../../src/attest/measurements.js';
import {parseTdxQuote} from '../../src/attest/tdx/index.js';
import {nodeDevCrypto} from '../../src/lib/attest/dev.js';

const H96 = (c: string) => c.repeat(96);
const TDX = {mrtd: H96('a'), rtmr0: H96('b'), rtmr1: H96('c'), rtmr2: H96('d')};

describe('measurement policy documents', () => {
  it('parses a valid document and keeps only known fields', () => {
    const doc = {name: 'img', version: '2', tdx: [{...TDX, rtmr3: H96('e')}], sev_snp: [{measurement: H96('f'), host_data: '0'.repeat(64)}], nvidia: {min_driver_version: '550.144.03', min_vbios_version: '96.00.9F.00.02'}};
    expect(parseMeasurementPolicy(JSON.stringify(doc))).toEqual(doc);
  });

  it.each([
    [{version: '1'}, /name must be a non-empty string/],
    [{name: 'x', version: '1', tdx: [{...TDX, mrtd: '0x' + H96('a').slice(2)}]}, /tdx\[0\]\.mrtd must be 96 lower-case hex/],
    [{name: 'x', version: '1', tdx: [{...TDX, mrtd: H96('A')}]}, /tdx\[0\]\.mrtd/],
    [{name: 'x', version: '1', tdx: [{mrtd: H96('a')}]}, /tdx\[0\]\.rtmr0/],
    [{name: 'x', version: '1', sev_snp: [{measurement: H96('a'), host_data: 'ab'}]}, /sev_snp\[0\]\.host_data must be 64/],
    [{name: 'x', version: '1', nvidia: {min_driver_version: 'latest'}}, /nvidia\.min_driver_version/],
    [{name: 'x', version: '1', extra: 1}, /unknown field extra/],
    ['not json', /not JSON/],
  ])('rejects %j', (doc, re) => {
    expect(() => parseMeasurementPolicy(typeof doc === 'string' ? doc : JSON.stringify(doc))).toThrow(re);
  });

  it('compares dotted versions numerically (VBIOS components as hex)', () => {
    expect(compareVersions('550.144.03', '550.90.07')).toBeGreaterThan(0);
    expect(compareVersions('550.90', '550.90.0')).toBe(0);
    expect(compareVersions('96.00.9F.00.01', '96.00.A0.00.00', 16)).toBeLessThan(0);
  });

  it('appraisal: listed passes, an unlisted register is named, RTMR3 only when listed, HOST_DATA optional', () => {
    const policy = parseMeasurementPolicy({name: 'p', version: '1', tdx: [TDX], sev_snp: [{measurement: H96('f')}]});
    const ev = {...TDX, rtmr3: H96('9')};
    expect(appraiseMeasurements({tdx: ev}, policy).map((c) => c.ok)).toEqual([true]);
    const [bad] = appraiseMeasurements({tdx: {...ev, rtmr2: H96('0')}}, policy);
    expect(bad).toMatchObject({name: 'measurements.tdx', ok: false, detail: expect.stringMatching(/^RTMR2 /)});
    const withRtmr3 = parseMeasurementPolicy({name: 'p', version: '1', tdx: [{...TDX, rtmr3: H96('8')}]});
    expect(appraiseMeasurements({tdx: ev}, withRtmr3)[0]).toMatchObject({ok: false, detail: expect.stringMatching(/^RTMR3 /)});
    expect(appraiseMeasurements({snp: {measurement: H96('f'), hostData: '1'.repeat(64)}}, policy)[0].ok).toBe(true);
    const hostPinned = parseMeasurementPolicy({name: 'p', version: '1', sev_snp: [{measurement: H96('f'), host_data: '2'.repeat(64)}]});
    expect(appraiseMeasurements({snp: {measurement: H96('f'), hostData: '1'.repeat(64)}}, hostPinned)[0]).toMatchObject({ok: false, detail: expect.stringMatching(/^HOST_DATA /)});
    expect(appraiseMeasurements({tdx: ev}, undefined)[0]).toMatchObject({ok: false, missing: true});
  });

  it('measurementPolicyOf round-trips through the parser and appraises its own evidence as accepted', () => {
    const m = {tdx: {...TDX, rtmr3: H96('e')}, gpus: [{driver: '550.144.03', vbios: '96.00.9F.00.02'}, {driver: '550.90.07', vbios: '96.00.9F.00.02'}]};
    const doc = measurementPolicyOf(m, 'mine');
    expect(parseMeasurementPolicy(JSON.stringify(doc))).toEqual(doc);
    expect(doc.nvidia).toEqual({min_driver_version: '550.90.07', min_vbios_version: '96.00.9F.00.02'});
    expect(appraiseMeasurements(m, doc).every((c) => c.ok)).toBe(true);
  });

  it('devMeasurementPolicy is deterministic and is what minted dev evidence carries, whatever the dev roots', () => {
    expect(devMeasurementPolicy()).toEqual(devMeasurementPolicy());
    expect(devMeasurementPolicy().name).toBe(DEV_MEASUREMENT_POLICY_NAME);
    const spki = new Uint8Array(generateKeyPairSync('ec', {namedCurve: 'P-256'}).publicKey.export({type: 'spki', format: 'der'}));
    for (const seed of [1, 2]) {
      const roots = generateDevRoots({now: 1_800_000_000 + seed, crypto: nodeDevCrypto});
      const ev = mintDevEvidence({roots, tlsSpkiDer: spki, workerPubkey: Uint8Array.from([2, ...new Array(32).fill(seed)]), challenge: Uint8Array.of(seed)});
      const b = parseTdxQuote(ev.quote).body;
      const hex = (x: Uint8Array) => Buffer.from(x).toString('hex');
      expect(devMeasurementPolicy().tdx).toEqual([{mrtd: hex(b.mrTd), rtmr0: hex(b.rtmr[0]), rtmr1: hex(b.rtmr[1]), rtmr2: hex(b.rtmr[2]), rtmr3: hex(b.rtmr[3])}]);
    }
  });
});
