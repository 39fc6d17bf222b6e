/**
 * The chain's side of choosing a worker for a chat: the WorkerManager's next worker for the model (`get_next_worker`
 * with the subscriber's permit, or `get_worker` for `--worker`), its measurement policy and registration challenges.
 * Nothing here talks to a worker: the worker's `/attestation` (prefetched once the first candidate and the API
 * key's check are in) and its verification live in `worker.ts`.
 */
import type {Context} from '../cli/base-command.js';
import {OperationError} from '../errors.js';
import type {PinnedAgent} from './pinned.js';

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
}

export type Served = {status: number; text: string; peerCertDer?: Uint8Array};

/**
 * Asks the WorkerManager for what every selection needs (permit, policy and challenges in parallel) and, with
 * `prefetch`, the first next worker for that model as soon as the permit is known — sent ahead of the policy and
 * challenge queries, so it is answered first (a query: it changes nothing, so asking it before the subscription
 * check answers sends nothing to any worker). Once that worker is known and `prefetch.gate` (the API key's check)
 * has passed, `prefetch.fetchServed` (the worker side's, `worker.ts`) starts its `/attestation` fetch while the other
 * queries finish: a GET that carries nothing private.
 */
export async function chainView(
  ctx: Context,
  subscriber: {permit(contract: string): Promise<import('../chain/index.js').Permit>},
  prefetch?: {model: string; gate?: Promise<unknown>; fetchServed?: (c: Candidate) => ServedFetch},
): Promise<ChainView> {
  const {contractsFor} = await import('../chain/index.js');
  const wm = contractsFor(ctx).workerManager;
  const permitP = subscriber.permit(wm.address);
  const first = prefetch ? permitP.then((permit) => nextCandidate({wm, permit, policy: null, challenges: []}, prefetch.model, [])) : undefined;
  const fetchServed = prefetch?.fetchServed;
  const served = first && prefetch?.gate && fetchServed ? Promise.all([first, prefetch.gate]).then(([c]) => fetchServed(c)) : undefined;
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

