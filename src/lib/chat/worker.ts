/**
 * Getting to a verified worker, once the chain named it (`chain-view.ts`): the bundle it serves on `/attestation`
 * (must be the registered one), the verdict of the attestation service with the network's policy and the current /
 * previous registration challenges (or a cached `valid` verdict for exactly this bundle and certificate), and a
 * {@link PinnedAgent} on the attested TLS key. Everything that makes a worker unusable before a prompt is sent is a
 * {@link WorkerRefusal}, so the caller can fail over to the next worker.
 */
import type {TLSSocket} from 'node:tls';
import {canonicalJson} from '../../../contracts/common/encoding.js';
import type {Check} from '../../attest/types.js';
import type {Context} from '../cli/base-command.js';
import {VerdictCache, verdictKey} from './cache.js';
import {WorkerRefusal, type Candidate, type ChainView, type Served, type ServedFetch} from './chain-view.js';
import {peerCertificate, PinMismatchError, PinnedAgent, pinnedRequest, readText} from './pinned.js';

export {WorkerRefusal};

/** Time limit for a worker's `/attestation` answer, ms. */
export const ATTESTATION_FETCH_TIMEOUT_MS = 10_000;

/** The worker's attestation as `chat` reports it. */
export interface AttestationSummary {
  verdict: 'valid' | 'invalid' | 'unverifiable';
  dev: boolean;
  /** Whether this verdict came from the attestation cache. */
  cached: boolean;
  validUntil: number;
  checks: Check[];
  measurementPolicy?: {name?: string; version?: string};
}

/** A worker ready to take a prompt. */
export interface VerifiedWorker {
  id: string;
  url: string;
  epoch?: number;
  /** Compressed secp256k1 key bound in the bundle (hex): it must have signed the usage record. */
  workerPubkey: string;
  tlsSpkiSha256: string;
  agent: PinnedAgent;
  attestation: AttestationSummary;
}

/** Phases timed for the benchmark (ms). */
export interface Timings {
  [phase: string]: number;
}

const ms = (t0: number) => performance.now() - t0;

/** Starts fetching `c`'s `/attestation` on a new agent (the chain view's prefetch of the first candidate). */
export function prefetchServed(c: Candidate): ServedFetch {
  const agent = new PinnedAgent();
  const served = fetchServedBundle(agent, c);
  served.catch(() => undefined);
  return {candidate: c, agent, served};
}

/** The worker's `/attestation` over `agent` (not pinned yet: the request carries nothing private), with the certificate its connection presented. */
async function fetchServedBundle(agent: PinnedAgent, c: Candidate): Promise<Served> {
  const res = await pinnedRequest(agent, `${c.url.replace(/\/+$/, '')}/attestation`, {method: 'GET', unpinned: true, timeoutMs: ATTESTATION_FETCH_TIMEOUT_MS});
  const cert = res.socket ? peerCertificate(res.socket as TLSSocket) : undefined;
  const text = await readText(res);
  return {status: res.statusCode ?? 0, text, ...(cert ? {peerCertDer: cert.der} : {})};
}

/**
 * Makes `c` usable or refuses it: `/attestation` (unpinned GET: it carries nothing private) must equal the
 * registered bundle; the verdict for (bundle, presented certificate, policy) must be `valid` — from the cache or
 * from {@link verifyWorker}; the agent is then pinned to the attested key: it keeps the connection the evidence came
 * on (that connection presented the verified certificate) and accepts only that key on every other.
 */
export async function verifyCandidate(ctx: Context, view: ChainView, c: Candidate, o: {online?: boolean; timings?: Timings; prefetched?: ServedFetch}): Promise<VerifiedWorker> {
  const agent = o.prefetched?.agent ?? new PinnedAgent();
  try {
    return await verifyOn(agent, ctx, view, c, o);
  } catch (e) {
    agent.destroy();
    throw e;
  }
}

async function verifyOn(agent: PinnedAgent, ctx: Context, view: ChainView, c: Candidate, o: {online?: boolean; timings?: Timings; prefetched?: ServedFetch}): Promise<VerifiedWorker> {
  const t = o.timings ?? {};
  let t0 = performance.now();
  let served;
  try {
    // A prefetched fetch counts from when the chain queries ended (what is left of it), as the bench splits phases.
    served = await (o.prefetched?.served ?? fetchServedBundle(agent, c));
  } catch (e) {
    throw new WorkerRefusal(c.id, 'unreachable', `worker ${c.id} at ${c.url} did not answer (${e instanceof Error ? e.message : String(e)})`);
  }
  t.attestationFetch = (t.attestationFetch ?? 0) + ms(t0);
  if (served.status !== 200 || !served.peerCertDer) throw new WorkerRefusal(c.id, 'unreachable', `worker ${c.id} at ${c.url} answered /attestation with HTTP ${served.status}`);
  let servedBundle: unknown;
  try {
    servedBundle = JSON.parse(served.text);
  } catch {
    servedBundle = undefined;
  }
  if (canonicalJson(servedBundle ?? null) !== canonicalJson(c.bundle ?? null)) {
    throw new WorkerRefusal(c.id, 'invalid', `worker ${c.id} serves another attestation bundle than the one registered on chain`);
  }
  const now = Math.floor(Date.now() / 1000);
  const cache = VerdictCache.forHome(ctx.home.value, ctx.profile.chainId);
  const key = verdictKey(c.bundle, served.peerCertDer, view.policy);
  t0 = performance.now();
  let att: AttestationSummary;
  let pins: {workerPubkey: string; tlsSpkiSha256: string};
  const hit = cache.get(c.id, key, now, view.challenges);
  if (hit) {
    att = {verdict: 'valid', dev: hit.dev, cached: true, validUntil: hit.validUntil, checks: hit.checks};
    if (hit.dev) ctx.out.warn(`worker ${c.id}: dev attestation (not hardware), verdict from the attestation cache`);
    pins = {workerPubkey: hit.workerPubkey, tlsSpkiSha256: hit.tlsSpkiSha256};
  } else {
    const {verifyWorker} = await import('../attest/service.js');
    let v;
    try {
      v = await verifyWorker(ctx, {
        bundle: c.bundle,
        presentedCertDer: served.peerCertDer,
        expectedChallenges: view.challenges,
        ...(view.policy ? {measurements: view.policy} : {}),
        ...(o.online !== undefined ? {online: o.online} : {}),
        now,
      });
    } catch (e) {
      throw new WorkerRefusal(c.id, 'invalid', `worker ${c.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
    t.verify = (t.verify ?? 0) + ms(t0);
    if (v.verdict !== 'valid') {
      throw new WorkerRefusal(c.id, v.verdict, `worker ${c.id} attestation ${v.verdict}: ${v.reasons.slice(0, 2).join('; ')}`);
    }
    for (const w of v.warnings) ctx.out.warn(`worker ${c.id}: ${w}`);
    const validUntil = v.validUntil;
    att = {verdict: 'valid', dev: v.dev, cached: false, validUntil: validUntil ?? now, checks: v.checks, measurementPolicy: v.measurementPolicy};
    pins = {workerPubkey: v.workerPubkey, tlsSpkiSha256: v.tlsSpkiSha256};
    if (validUntil !== undefined && validUntil > now) {
      const challenge = (c.bundle as {challenge?: string}).challenge?.toLowerCase();
      cache.put(c.id, {key, verdict: 'valid', dev: v.dev, ...pins, validUntil, ...(challenge ? {challenge} : {}), checks: v.checks, verifiedAt: now});
    }
  }
  t.verify = t.verify ?? ms(t0);
  agent.pin(pins.tlsSpkiSha256);
  return {id: c.id, url: c.url, ...(c.epoch !== undefined ? {epoch: c.epoch} : {}), ...pins, agent, attestation: att};
}

/** Whether an error from talking to a verified worker means its TLS key was not the attested one. */
export function isPinRefusal(e: unknown): e is PinMismatchError {
  return e instanceof PinMismatchError;
}
