/**
 * The gateway's public attestation endpoints, from the worker's registered bundle (design.md §5):
 * `/attestation` — the bundle as registered; `/cpu` and `/gpu` — the same evidence in the SecretVM format
 * (attestation.md §0: `/cpu` a TDX quote as hex text or a SEV-SNP report as base64 text; `/gpu` the nvtrust JSON,
 * or a JSON object with an `error` key when there is no GPU), so verifiers written for SecretVM workers
 * (and `attest verify --url`) check a secretai worker unchanged. No API key is needed for these.
 */
import type {AttestationBundle} from '../../../attest/bundle.js';

/** A prepared answer. */
export interface StaticAnswer {
  contentType: string;
  body: Buffer;
}

/** Paths served without an API key. */
export type EvidencePath = '/attestation' | '/cpu' | '/gpu';

/** The three answers, computed once from the registered bundle. */
export function evidenceAnswers(bundle: AttestationBundle): Record<EvidencePath, StaticAnswer> {
  const quote = Buffer.from(bundle.cpu.quote, 'base64');
  const json = (v: unknown): StaticAnswer => ({contentType: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify(v))});
  return {
    '/attestation': json(bundle),
    '/cpu': {contentType: 'text/plain; charset=utf-8', body: Buffer.from(bundle.cpu.type === 'tdx' ? quote.toString('hex') : quote.toString('base64'))},
    '/gpu': bundle.gpu ? json(bundle.gpu) : json({error: 'this worker has no GPU evidence'}),
  };
}
