/**
 * The `secretai chat` service (design.md §1, §5, §6): the subscriber's API key and key, a pre-flight check with the
 * SubscriptionManager, the next worker for the model (`get_next_worker` with a permit signed by `--from`), its
 * attestation verified before any prompt byte is sent, a TLS connection pinned to the attested key, the reply
 * streamed, the usage record checked, countersigned and handed back.
 *
 * Failover: a worker that fails verification, refuses the pin, or drops before the first token is excluded and the
 * next one asked for (said on stderr). After the first token a failure is reported (exit 1): answers of two workers
 * are never mixed.
 */
import type {Context} from '../cli/base-command.js';
import {OperationError, UnavailableError, UsageError, VerificationError} from '../errors.js';
import type {SignedUsageRecord} from '../../../contracts/common/usage.js';
import {API_KEY_ENV, requireActiveKey, resolveApiKey, Subscriber} from './credentials.js';
import {BeforeFirstTokenError, handBack, runTurn, type ChatMessage} from './stream.js';
import {PinMismatchError} from './pinned.js';
import {chainView, dropServed, namedCandidate, nextCandidate, takeFirstCandidate, takeServed, WorkerRefusal, type ChainView} from './chain-view.js';
// Loaded with this module, before any query is sent: loading the worker's side (TLS, verification, streaming)
// later would compete for the CPU with the devnet answering and the worker handshaking.
import {prefetchServed, verifyCandidate, type AttestationSummary, type Timings, type VerifiedWorker} from './worker.js';
import {MODEL_NAME_RE} from '../worker/registry.js';

export type {ChatMessage};
export {API_KEY_ENV};

/** Workers tried for one prompt before giving up. */
export const MAX_WORKER_ATTEMPTS = 5;
/** Largest `--max-tokens`. */
export const MAX_TOKENS_LIMIT = 1_000_000;
/** Largest `--seed` (engines take 32-bit seeds). */
export const MAX_SEED = 0xffff_ffff;

export interface ChatOptions {
  model: string;
  worker?: string;
  maxTokens?: number;
  temperature?: number;
  system?: string;
  seed?: number;
  online?: boolean;
}

/** `chat --json` (design.md §6 fields first). */
export interface ChatResult {
  worker: {id: string; url: string};
  model: string;
  content: string;
  usage: {inputTokens: number; outputTokens: number};
  attestation: {verdict: string; dev: boolean; cached: boolean; validUntil: number};
  record: SignedUsageRecord & {handedBack: boolean; handBackDetail?: string};
  /** Workers refused before this one, with why. */
  failover: Array<{id: string; reason: string}>;
  finishReason: string | null;
  /** Milliseconds per phase (for `bench/chat`). */
  timings: Timings;
}

/**
 * `chat --json` with the existing Secret AI deployment: its contract lists URLs only (no worker ids) and its workers
 * sign no usage records (`record` null).
 */
export type LegacyChatResult = Omit<ChatResult, 'worker' | 'record'> & {worker: {id: null; url: string}; record: null};

/** Checks flag values locally (exit 2, nothing sent). */
export function checkChatOptions(o: ChatOptions): ChatOptions {
  if (!MODEL_NAME_RE.test(o.model)) throw new UsageError(`invalid model name "${o.model}"`, {code: 'MODEL_INVALID', suggestion: 'see "secretai models"'});
  if (o.worker !== undefined && !/^[1-9][0-9]{0,19}$/.test(o.worker)) throw new UsageError(`invalid worker id "${o.worker}": a positive integer`, {code: 'WORKER_ID_INVALID'});
  if (o.maxTokens !== undefined && (!Number.isInteger(o.maxTokens) || o.maxTokens < 1 || o.maxTokens > MAX_TOKENS_LIMIT)) throw new UsageError(`--max-tokens must be an integer from 1 to ${MAX_TOKENS_LIMIT}`);
  if (o.temperature !== undefined && (!Number.isFinite(o.temperature) || o.temperature < 0 || o.temperature > 2)) throw new UsageError('--temperature must be a number from 0 to 2');
  if (o.seed !== undefined && (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > MAX_SEED)) throw new UsageError(`--seed must be an integer from 0 to ${MAX_SEED}`);
  return o;
}

/** Parses `--temperature` text (oclif has no float flag). */
export function parseTemperature(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(t)) throw new UsageError(`--temperature must be a number from 0 to 2 (got "${text}")`);
  return Number(t);
}

/** The error for "every worker tried was refused": 4 if one failed verification, 3 if one could not be checked. */
function allRefused(model: string, refusals: WorkerRefusal[], cause: unknown): Error {
  const list = refusals.map((r) => r.message).join(' | ');
  const details = {refused: refusals.map((r) => ({id: r.workerId, kind: r.kind, reason: r.message}))};
  if (refusals.some((r) => r.kind === 'invalid' || r.kind === 'pin')) {
    return new VerificationError(`verification failed: no worker for ${model} passed (${list})`, {code: 'ATTESTATION_INVALID', details, cause, suggestion: 'nothing was sent; try again later or report the workers to the network admin'});
  }
  if (refusals.some((r) => r.kind === 'unverifiable')) {
    return new UnavailableError(`could not verify a worker for ${model} (${list})`, {code: 'ATTESTATION_UNVERIFIABLE', details, cause, suggestion: 'nothing was sent; retry with --online, or check the attestation collateral cache'});
  }
  return new OperationError(`no live worker for model ${model} answered (${list})`, {code: 'NO_WORKER', details, cause, suggestion: 'try again later; see "secretai models"'});
}

/**
 * A chat session: credentials and chain state resolved once, a verified worker kept across turns (the REPL), and
 * failover while no token of a turn has arrived.
 */
export class ChatSession<R extends ChatResult | LegacyChatResult = ChatResult> {
  worker?: VerifiedWorker;
  readonly refusals: WorkerRefusal[] = [];
  readonly timings: Timings = {};

  private constructor(
    private readonly ctx: Context,
    readonly opts: ChatOptions,
    private readonly subscriber: Subscriber | undefined,
    private readonly apiKey: string,
    private readonly view: ChainView | undefined,
    /** The existing deployment: the URLs `get_u_r_ls` lists for the model (no `get_next_worker`, no usage records). */
    private readonly legacy?: {urls: string[]; keyName: string},
  ) {}

  /** {@link open}, or {@link openLegacy} on a profile that knows only the existing Secret AI deployment's contract. */
  static async openAny(ctx: Context, opts: ChatOptions): Promise<ChatSession<ChatResult> | ChatSession<LegacyChatResult>> {
    const c = ctx.profile.contracts;
    if (!c?.workerManager?.address && c?.legacyWorkerManager?.address) return ChatSession.openLegacy(ctx, checkChatOptions(opts));
    return ChatSession.open(ctx, opts);
  }

  /** Resolves the API key and the subscriber's key, checks the key's subscription, reads the WorkerManager. */
  static async open(ctx: Context, opts: ChatOptions): Promise<ChatSession<ChatResult>> {
    checkChatOptions(opts);
    const {profile} = ctx;
    if (!profile.contracts?.workerManager?.address) {
      throw new UsageError(`network ${profile.name} has no WorkerManager`, {code: 'NO_WORKER_MANAGER', suggestion: 'set the network\'s workerManager contract in its profile, or use --network local'});
    }
    // performance.now() counts from process start: what the CLI took to reach this service.
    const t: Timings = {startup: performance.now()};
    let t0 = performance.now();
    const keyName = ctx.requireFrom();
    const {showKey} = await import('../keys/service.js');
    const owner = showKey(ctx, keyName);
    const {key} = await resolveApiKey(ctx, {name: keyName, address: owner.address});
    const subscriber = new Subscriber(ctx, keyName, owner.address);
    t.credentials = performance.now() - t0;
    t0 = performance.now();
    const active = requireActiveKey(ctx, key, keyName);
    const [, view] = await Promise.all([active, chainView(ctx, subscriber, opts.worker === undefined ? {model: opts.model, gate: active, fetchServed: prefetchServed} : undefined)]);
    t.chain = performance.now() - t0;
    const s = new ChatSession<ChatResult>(ctx, opts, subscriber, key, view);
    Object.assign(s.timings, t);
    return s;
  }

  /**
   * The existing Secret AI deployment: the API key (`SECRETAI_API_KEY`, else the key store of `--from`) and the
   * model's worker URLs from `get_u_r_ls`, tried in a random order (the contract has no `get_next_worker`).
   */
  static async openLegacy(ctx: Context, opts: ChatOptions): Promise<ChatSession<LegacyChatResult>> {
    const t: Timings = {startup: performance.now()};
    let t0 = performance.now();
    let keyName = ctx.from.value ?? '';
    let key: string;
    if (ctx.env[API_KEY_ENV]?.trim()) key = (await resolveApiKey(ctx, {name: keyName, address: ''})).key;
    else {
      keyName = ctx.requireFrom();
      const {showKey} = await import('../keys/service.js');
      key = (await resolveApiKey(ctx, {name: keyName, address: showKey(ctx, keyName).address})).key;
    }
    t.credentials = performance.now() - t0;
    t0 = performance.now();
    const {legacyUrls} = await import('./legacy.js');
    const urls = await legacyUrls(ctx, opts.model);
    t.chain = performance.now() - t0;
    if (opts.worker !== undefined) throw new UsageError(`network ${ctx.profile.name} runs the existing Secret AI worker contract: its workers have no ids, --worker does not apply`, {code: 'WORKER_ID_UNSUPPORTED'});
    if (!urls.length) throw new OperationError(`no worker for model ${opts.model} on network ${ctx.profile.name}`, {code: 'NO_WORKER', suggestion: 'see "secretai models"'});
    ctx.out.warn(`network ${ctx.profile.name} runs the existing Secret AI deployment: workers are verified and pinned, but it keeps no signed usage records`);
    const shuffled = [...urls];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const s = new ChatSession<LegacyChatResult>(ctx, opts, undefined, key, undefined, {urls: shuffled, keyName: keyName || 'KEY'});
    Object.assign(s.timings, t);
    return s;
  }

  /** The current worker, or the next verified one (failing over across refusals). */
  async ensureWorker(): Promise<VerifiedWorker> {
    if (this.worker) return this.worker;
    if (this.legacy) return this.ensureLegacyWorker(this.legacy.urls);
    const view = this.view!;
    for (let attempt = 0; attempt < MAX_WORKER_ATTEMPTS; attempt++) {
      const t0 = performance.now();
      let c;
      try {
        const first = this.refusals.length === 0 ? takeFirstCandidate(view) : undefined;
        c = this.opts.worker !== undefined ? await namedCandidate(view, this.opts.worker) : await (first ?? nextCandidate(view, this.opts.model, this.refusals.map((r) => r.workerId)));
      } catch (e) {
        if (this.refusals.length && (e as {code?: string}).code === 'NO_WORKER') throw allRefused(this.opts.model, this.refusals, e);
        throw e;
      }
      this.timings.chain = (this.timings.chain ?? 0) + performance.now() - t0;
      const prefetched = attempt === 0 ? await takeServed(view, c) : undefined;
      try {
        this.worker = await verifyCandidate(this.ctx, view, c, {...(this.opts.online !== undefined ? {online: this.opts.online} : {}), timings: this.timings, ...(prefetched ? {prefetched} : {})});
        return this.worker;
      } catch (e) {
        if (!(e instanceof WorkerRefusal)) throw e;
        this.refuse(e);
        if (this.opts.worker !== undefined) break;
      }
    }
    throw allRefused(this.opts.model, this.refusals, undefined);
  }

  /** The first of `urls` (not refused yet) whose SecretVM evidence verifies. */
  private async ensureLegacyWorker(urls: string[]): Promise<VerifiedWorker> {
    const {verifyLegacyWorker} = await import('./legacy.js');
    for (const url of urls.slice(0, MAX_WORKER_ATTEMPTS * 2)) {
      if (this.refusals.some((r) => r.workerId === url)) continue;
      try {
        this.worker = await verifyLegacyWorker(this.ctx, url, {...(this.opts.online !== undefined ? {online: this.opts.online} : {}), timings: this.timings});
        return this.worker;
      } catch (e) {
        if (!(e instanceof WorkerRefusal)) throw e;
        this.refuse(e);
      }
    }
    throw allRefused(this.opts.model, this.refusals, undefined);
  }

  private refuse(r: WorkerRefusal): void {
    this.refusals.push(r);
    this.worker = undefined;
    this.ctx.out.warn(`${r.message}${this.opts.worker === undefined ? ' — trying the next worker' : ''}`);
  }

  /** Re-verifies the current worker (the REPL's `/verify`): the cache is bypassed only by a changed bundle or certificate. */
  async attestation(): Promise<AttestationSummary | undefined> {
    return (await this.ensureWorker()).attestation;
  }

  /**
   * Sends `messages` and streams the reply through `onDelta`. Before the first token, a worker that refuses the pin
   * or fails is replaced by the next (unless `--worker` named it); after it, failures are reported.
   */
  async ask(messages: ChatMessage[], io: {onDelta?: (t: string) => void; signal?: AbortSignal} = {}): Promise<R> {
    for (let attempt = 0; attempt < MAX_WORKER_ATTEMPTS; attempt++) {
      const w = await this.ensureWorker();
      const t0 = performance.now();
      // TLS handshakes made during this turn (none when the connection /attestation came on is reused).
      const hs0 = w.agent.handshakeMs;
      let first = 0;
      const turnOpts = {
        model: this.opts.model, messages, apiKey: this.apiKey,
        ...(this.opts.maxTokens !== undefined ? {maxTokens: this.opts.maxTokens} : {}),
        ...(this.opts.temperature !== undefined ? {temperature: this.opts.temperature} : {}),
        ...(this.opts.seed !== undefined ? {seed: this.opts.seed} : {}),
        ...(io.signal ? {signal: io.signal} : {}),
        ...(io.onDelta ? {onDelta: io.onDelta} : {}),
        onFirstToken: () => (first = performance.now()),
      };
      try {
        if (this.legacy) {
          const {runOllamaTurn} = await import('./legacy.js');
          const turn = await runOllamaTurn(w, turnOpts, this.legacy.keyName);
          this.timings.tls = w.agent.handshakeMs - hs0;
          this.timings.firstToken = (first || turn.endedAt) - t0 - this.timings.tls;
          this.timings.stream = turn.endedAt - (first || turn.endedAt);
          const legacy: LegacyChatResult = {
            worker: {id: null, url: w.url},
            model: this.opts.model,
            content: turn.content,
            usage: turn.usage,
            attestation: {verdict: w.attestation.verdict, dev: w.attestation.dev, cached: false, validUntil: w.attestation.validUntil},
            record: null,
            failover: this.refusals.map((r) => ({id: r.workerId, reason: r.message})),
            finishReason: turn.finishReason,
            timings: {...this.timings},
          };
          return legacy as R;
        }
        const turn = await runTurn(w, turnOpts, this.subscriber!);
        const end = turn.endedAt;
        this.timings.tls = w.agent.handshakeMs - hs0;
        this.timings.firstToken = (first || end) - t0 - this.timings.tls;
        this.timings.stream = end - (first || end);
        const t1 = performance.now();
        let back: {stored: boolean; detail?: string};
        try {
          back = await handBack(w, turn.record, this.apiKey);
        } catch (e) {
          back = {stored: false, detail: e instanceof Error ? e.message : String(e)};
        }
        if (!back.stored) this.ctx.out.warn(`worker ${w.id} did not take the countersigned usage record back (${back.detail})`);
        this.timings.handBack = performance.now() - t1;
        const result: ChatResult = {
          worker: {id: w.id, url: w.url},
          model: this.opts.model,
          content: turn.content,
          usage: turn.usage,
          attestation: {verdict: w.attestation.verdict, dev: w.attestation.dev, cached: w.attestation.cached, validUntil: w.attestation.validUntil},
          record: {...turn.record, handedBack: back.stored, ...(back.detail ? {handBackDetail: back.detail} : {})},
          failover: this.refusals.map((r) => ({id: r.workerId, reason: r.message})),
          finishReason: turn.finishReason,
          timings: {...this.timings},
        };
        return result as R;
      } catch (e) {
        if (io.signal?.aborted) throw e;
        let refusal: WorkerRefusal | undefined;
        if (e instanceof PinMismatchError) refusal = new WorkerRefusal(w.id, 'pin', `worker ${w.id} refused the TLS pin: ${e.message}; nothing was sent`);
        else if (e instanceof BeforeFirstTokenError) refusal = new WorkerRefusal(w.id, 'dropped', `worker ${w.id} failed before the first token: ${e.message}`);
        else if (!(e instanceof OperationError) && (e as {code?: string}).code !== undefined && /^E[A-Z]+$/.test(String((e as {code?: string}).code))) {
          refusal = new WorkerRefusal(w.id, 'dropped', `worker ${w.id} connection failed before the first token: ${(e as Error).message}`);
        }
        if (!refusal) throw e;
        this.refuse(refusal);
        if (this.opts.worker !== undefined) throw allRefused(this.opts.model, this.refusals, e);
      }
    }
    throw allRefused(this.opts.model, this.refusals, undefined);
  }

  /** Releases the pinned connections. */
  close(): void {
    this.worker?.agent.destroy();
    dropServed(this.view);
  }
}
