/**
 * Mutation tests on real SEV-SNP reports: every single-byte change in the signed region [0, 0x2A0) or in the
 * 512-byte signature field must make the verdict `invalid`, and nothing may throw. Random positions and
 * XOR values come from a fixed seed so a failure is reproducible.
 */
import {readFileSync} from 'node:fs';
import {expect, it} from '@jest/globals';
import {detectEvidence} from '../../src/attest/detect.js';
import {SNP_SIGNED_LENGTH, SnpSize, verifySnpReport, type SnpVerifyInput} from '../../src/attest/snp/index.js';
import {mutateRegion, type MutationTally} from '../helpers/mutate.js';
import {describeShared, sharedPath} from '../helpers/shared.js';

const fx = (f: string) => readFileSync(sharedPath('fixtures', 'attestation', 'sev-snp', f));
const NOW = 1788220800;
const MUTANTS = 1000;

function mutateAll(base: SnpVerifyInput, report: Uint8Array, from: number, to: number, seed: number): MutationTally {
  const options = {from, to, seed, count: MUTANTS, formatPosition: (pos: number) => `0x${pos.toString(16)}`};
  return mutateRegion(report, options, (m) => verifySnpReport({...base, report: m}).verdict);
}

describeShared('fixtures/attestation')('SEV-SNP mutation', () => {
  const chain = fx('amd-milan-ask-ark.pem').toString('latin1');
  const crl = fx('amd-milan-vcek-crl.der');
  const vectors: [string, SnpVerifyInput][] = [
    ['S1', {report: detectEvidence(fx('virtee-milan-v2.report.hex')).bytes, vcek: fx('virtee-milan.vcek.der'), chain, crl, now: NOW}],
    // S2 is valid only with debugging allowed; mutants must still never verify.
    ['S2', {report: fx('gosev-milan-v2-debug.report.bin'), vcek: fx('gosev-milan.vcek.der'), chain, crl, now: NOW, policy: {dangerousAllowDebug: true}}],
  ];

  for (const [id, base] of vectors) {
    const report = base.report as Uint8Array;
    it(`${id} verifies unmutated`, () => {
      expect(verifySnpReport(base).verdict).toBe('valid');
    });
    it(`${id}: ${MUTANTS} single-byte changes in [0, 0x2A0) are all invalid`, () => {
      const res = mutateAll(base, report, 0, SNP_SIGNED_LENGTH, id === 'S1' ? 1 : 2);
      expect(res).toEqual({valid: 0, notInvalid: [], thrown: 0, count: MUTANTS});
    });
    it(`${id}: ${MUTANTS} single-byte changes in the signature field are all invalid`, () => {
      const res = mutateAll(base, report, SNP_SIGNED_LENGTH, SNP_SIGNED_LENGTH + SnpSize.SIGNATURE, id === 'S1' ? 3 : 4);
      expect(res).toEqual({valid: 0, notInvalid: [], thrown: 0, count: MUTANTS});
    });
  }
});
