/**
 * Mutation tests on real NVIDIA SPDM evidence: every single-byte change anywhere in the request or the
 * response (signature included) must make the verdict `invalid`, and nothing may throw. Seeded for
 * reproducibility.
 */
import {readFileSync} from 'node:fs';
import {expect, it} from '@jest/globals';
import {expectValidOffline} from './offline.js';
import {parseNvtrustJson, verifyGpuEvidence, type GpuVerifyInput} from '../../src/attest/nvidia/index.js';
import {mutateRegion, type MutationTally} from '../helpers/mutate.js';
import {describeShared, sharedPath} from '../helpers/shared.js';

const fx = (f: string) => readFileSync(sharedPath('fixtures', 'attestation', 'nvidia', f));
const NOW = 1788220800;
const MUTANTS = 1000;

/** Request (37 bytes) and response regions are mutated separately so both get ≥ MUTANTS changes. */
function mutateEvidence(base: GpuVerifyInput, ev: Uint8Array, from: number, to: number, seed: number): MutationTally {
  return mutateRegion(ev, {from, to, seed, count: MUTANTS}, (m) => verifyGpuEvidence({...base, evidence: m}).verdict);
}

describeShared('fixtures/attestation')('NVIDIA SPDM mutation', () => {
  const n1 = parseNvtrustJson(fx('secretai-worker-gpu-evidence.json').toString('utf8')).entries[0];
  const vectors: [string, Uint8Array, GpuVerifyInput][] = [
    ['N1', n1.evidence, {evidence: n1.evidence, certChainPem: n1.certChainPem, expectedNonce: 'a768bb3a38c48d3636b9e8250a3b12da05f557eca0b484bf9d8fa5719c0341bd', now: NOW}],
    [
      'N2',
      Buffer.from(fx('nvtrust-hopper.evidence.hex').toString('latin1').trim(), 'hex'),
      {evidence: '', certChainPem: fx('nvtrust-hopper.certchain.pem').toString('latin1'), expectedNonce: '931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb', now: NOW},
    ],
  ];
  vectors.forEach(([id, ev, base], k) => {
    it(`${id} passes every offline check unmutated (as raw SPDM + chain)`, () => {
      expectValidOffline(verifyGpuEvidence({...base, evidence: ev}));
    });
    it(`${id}: ${MUTANTS} single-byte changes in the request are all invalid`, () => {
      expect(mutateEvidence(base, ev, 0, 37, 10 + k)).toEqual({valid: 0, notInvalid: [], thrown: 0, count: MUTANTS});
    });
    it(`${id}: ${MUTANTS} single-byte changes in the response (incl. signature) are all invalid`, () => {
      expect(mutateEvidence(base, ev, 37, ev.length, 20 + k)).toEqual({valid: 0, notInvalid: [], thrown: 0, count: MUTANTS});
    });
  });
});
