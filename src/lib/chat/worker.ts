/**
 * Getting to a verified worker: its registration from the WorkerManager (`get_next_worker` with the subscriber's
 * permit, or `get_worker` for `--worker`), the bundle it serves on `/attestation` (must be the registered one), the
 * verdict of the attestation service with the network's policy and the current / previous registration challenges
 * (or a cached `valid` verdict for exactly this bundle and certificate), and a {@link PinnedAgent} on the attested
 * TLS key. Everything that makes a worker unusable before a prompt is sent is a {@link WorkerRefusal}, so the
 * caller can fail over to the next worker.
 */
import type {TLSSocket} from 'node:tls';
import {canonicalJson} from '../../../contracts/common/encoding.js';
import type {Check} from '../../attest/types.js';
import type {Context} from '../cli/base-command.js';
import {OperationError} from '../errors.js';
import {VerdictCache, verdictKey} from './cache.js';
import {peerCertificate, PinMismatchError, PinnedAgent, pinnedRequest, readText} from './pinned.js';

/** Time limit for a worker's `/attestation` answer, ms. */
export const ATTESTATION_FETCH_TIMEOUT_MS = 10_000;

/** Why a worker was not used; `kind` decides the final exit code when every worker is refused. */
export class WorkerRefusal extends Error {
  constructor(
    readonly workerId: string,
    readonly kind: 'invalid' | 'unverifiable' | 'pin' | 'unreachable' | 'dropped',
    message: string,
  ) {
    super(message);
    this.name = 'WorkerRefusal';
  }
}

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

/** What one selection needs from the chain, fetched once per chat. */
export interface ChainView {
  wm: import('../chain/index.js').WorkerManagerClient;
  permit: import('../chain/index.js').Permit;
  policy: import('../chain/index.js').MeasurementPolicy | null;
  challenges: string[];
  /**
   * The first `get_next_worker` answer (no exclusions), asked as soon as the permit is there, ahead of the policy
   * and challenge queries; taken once by {@link takeFirstCandidate}.
   */
  first?: Promise<Candidate>;
  /**
   * That worker's `/attestation`, asked as soon as both its registration and the gate (the API key's check) are
   * in, while the policy and challenge queries are still on their way; used by {@link verifyCandidate} for that
   * candidate.
   */
  served?: Promise<ServedFetch>;
}

/** A worker's `/attestation` fetch started ahead of its verification, on the agent that will carry the prompt. */
export interface ServedFetch {
  candidate: Candidate;
  agent: PinnedAgent;
  served: Promise<Served>;
  startedAt: number;
}

type Served = {status: number; text: string; peerCertDer?: Uint8Array};

/**
 * Asks the WorkerManager for what every selection needs (permit, policy and challenges in parallel) and, with
 * `prefetch`, the first next worker for that model as soon as the permit is known — sent ahead of the policy and
 * challenge queries, so it is answered first (a query: it changes nothing, so asking it before the subscription
 * check answers sends nothing to any worker). Once that worker is known and `prefetch.gate` (the API key's check)
 * has passed, its `/attestation` is fetched while the other queries finish: a GET that carries nothing private.
 */
export async function chainView(ctx: Context, subscriber: {permit(contract: string): Promise<import('../chain/index.js').Permit>}, prefetch?: {model: string; gate?: Promise<unknown>}): Promise<ChainView> {
  const {contractsFor} = await import('../chain/index.js');
  const wm = contractsFor(ctx).workerManager;
  const permitP = subscriber.permit(wm.address);
  const first = prefetch ? permitP.then((permit) => nextCandidate({wm, permit, policy: null, challenges: []}, prefetch.model, [])) : undefined;
  const served = first && prefetch?.gate ? Promise.all([first, prefetch.gate]).then(([c]) => prefetchServed(c)) : undefined;
  // Consumed later (or never, when an earlier step fails): not an unhandled rejection.
  first?.catch(() => undefined);
  served?.catch(() => undefined);
  let permit, policy, challenge;
  try {
    [permit, policy, challenge] = await Promise.all([permitP, permitP.then(() => wm.acceptedMeasurements()), permitP.then(() => wm.getRegistrationChallenge())]);
  } catch (e) {
    void served?.then((pre) => pre.agent.destroy(), () => undefined);
    throw e;
  }
  return {wm, permit, policy, challenges: [challenge.challenge, ...(challenge.previous ? [challenge.previous] : [])], ...(first ? {first} : {}), ...(served ? {served} : {})};
}

/** Starts fetching `c`'s `/attestation` on a new agent. */
function prefetchServed(c: Candidate): ServedFetch {
  const agent = new PinnedAgent();
  const served = fetchServedBundle(agent, c);
  served.catch(() => undefined);
  return {candidate: c, agent, served, startedAt: performance.now()};
}

/** The prefetched `/attestation` of the first candidate, once; its agent is closed if it is not for `c`. */
export async function takeServed(view: ChainView, c: Candidate): Promise<ServedFetch | undefined> {
  const p = view.served;
  delete view.served;
  const pre = await p?.catch(() => undefined);
  if (pre && pre.candidate !== c) {
    pre.agent.destroy();
    return undefined;
  }
  return pre;
}

/** Closes a prefetched `/attestation` connection nobody took (the session ends before verifying). */
export function dropServed(view: ChainView | undefined): void {
  const p = view?.served;
  if (!p || !view) return;
  delete view.served;
  void p.then((pre) => pre.agent.destroy(), () => undefined);
}

/** The prefetched first candidate, once (later selections ask the contract with their exclusions). */
export function takeFirstCandidate(view: ChainView): Promise<Candidate> | undefined {
  const f = view.first;
  delete view.first;
  return f;
}

/** One registration, from `get_next_worker` or `get_worker`. */
export interface Candidate {
  id: string;
  url: string;
  bundle: unknown;
  epoch?: number;
}

/** The next worker for `model` outside `exclude`; an OperationError "no live worker" when there is none. */
export async function nextCandidate(view: ChainView, model: string, exclude: string[]): Promise<Candidate> {
  try {
    const r = await view.wm.getNextWorker(model, view.permit, exclude);
    return {id: r.worker.id, url: r.worker.url, bundle: r.attestation, epoch: r.epoch};
  } catch (e) {
    if ((e as {code?: string}).code !== 'CONTRACT_ERROR') throw e;
    const why = (e as Error).message;
    throw new OperationError(`no live worker for model ${model}${exclude.length ? ` (other than ${exclude.join(', ')}, refused above)` : ''}`, {
      code: 'NO_WORKER',
      details: {contract: why},
      suggestion: 'see "secretai models" for the models live workers serve, or try again later',
    });
  }
}

/** `--worker ID`: that worker's registration. */
export async function namedCandidate(view: ChainView, id: string): Promise<Candidate> {
  const r = await view.wm.getWorker(id);
  if (r.worker.status !== 'active') throw new OperationError(`worker ${id} is ${r.worker.status}, not active`, {code: 'WORKER_NOT_ACTIVE', suggestion: 'leave out --worker to get the next live worker'});
  return {id: r.worker.id, url: r.worker.url, bundle: r.attestation};
}

const ms = (t0: number) => performance.now() - t0;

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
