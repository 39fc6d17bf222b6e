/**
 * Worker registry services behind `worker register|list|show|update|deregister|withdraw|next` and `models`
 * (design.md §4, §6). Every chain access goes through the WorkerManager client; every attestation check through
 * the attestation service's `verifyWorker` (loaded when a command verifies, so that importing this module stays cheap).
 * Registration verifies first and sends nothing unless the verdict is `valid`.
 */
import type {Context} from '../cli/base-command.js';
import {OperationError, UnavailableError, UsageError, VerificationError} from '../errors.js';
import type {AttestationBundle, MeasurementPolicy, WorkerInfo, WorkerManagerClient} from '../chain/index.js';
import type {WorkerVerification} from '../attest/service.js';

/** Model names as the WorkerManager accepts them (contracts/worker-manager/schema `ModelName`). */
export const MODEL_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/;
/** Largest number of models per worker (schema `maxItems`). */
export const MAX_MODELS = 32;
/** Page size used to walk `get_workers`. */
const PAGE = 100;
/** Workers `worker next` tries (excluding those that fail verification) before giving up. */
export const NEXT_WORKER_ATTEMPTS = 3;
/** How long `worker next` waits for the worker's `/attestation`, ms. */
const WORKER_PROBE_TIMEOUT_MS = 5_000;

/** A worker as `worker list` / `worker show` print it (design.md §6 fields first). */
export interface WorkerView {
  id: string;
  url: string;
  models: string[];
  payout: string;
  status: string;
  operator: string;
  stake: string;
  workerPubkey: string;
  registeredAt: number;
  lastLivenessAt: number | null;
  unbondingEndsAt: number | null;
}

/** `worker list` on the existing Secret AI deployment: only URLs are known. */
export interface LegacyWorkerView {
  id: null;
  url: string;
  models: string[];
  payout: null;
  status: 'unknown';
}

export function toView(w: WorkerInfo): WorkerView {
  return {
    id: w.id, url: w.url, models: w.models, payout: w.payout_address, status: w.status, operator: w.operator, stake: w.stake,
    workerPubkey: Buffer.from(w.worker_pubkey, 'base64').toString('hex'), registeredAt: w.registered_at,
    lastLivenessAt: w.last_liveness_at, unbondingEndsAt: w.unbonding_ends_at,
  };
}

/** Checks model names locally (exit 2, nothing sent). */
export function checkModels(models: string[]): string[] {
  if (!models.length) throw new UsageError('give at least one --model', {code: 'MODEL_REQUIRED'});
  if (models.length > MAX_MODELS) throw new UsageError(`at most ${MAX_MODELS} models per worker`, {code: 'MODEL_INVALID'});
  for (const m of models) {
    if (!MODEL_NAME_RE.test(m)) throw new UsageError(`invalid model name "${m}": letters, digits and . _ : / @ + - (starting with a letter or digit, at most 128)`, {code: 'MODEL_INVALID'});
  }
  if (new Set(models).size !== models.length) throw new UsageError('a model is given twice', {code: 'MODEL_INVALID'});
  return models;
}

/** Checks a worker URL locally with the contract's own rule (loopback only where dev attestation is allowed). */
export async function checkUrl(ctx: Context, url: string): Promise<string> {
  const {checkWorkerUrl} = await import('./url.js');
  try {
    return checkWorkerUrl(url, ctx.profile.attestation.allowDev);
  } catch (e) {
    throw new UsageError(`--url: ${(e as Error).message}`, {code: 'URL_INVALID'});
  }
}

async function client(ctx: Context, chain?: import('../chain/index.js').ChainClient): Promise<WorkerManagerClient> {
  const {contractsFor} = await import('../chain/index.js');
  return contractsFor(ctx, chain).workerManager;
}

/** A bundle as read from a file (validated by the attestation layer's parser). */
type ParsedBundle = import('../../attest/bundle.js').AttestationBundle;

/** Reads and parses a bundle file (exit 2 when it is not one). */
async function readBundle(file: string): Promise<ParsedBundle> {
  const {readInputFile, asUsage} = await import('../attest/inputs.js');
  const {parseBundle} = await import('../../attest/bundle.js');
  const bytes = readInputFile(file, '--attestation');
  return asUsage(`--attestation ${file}`, () => parseBundle(Buffer.from(bytes).toString('utf8')));
}

/** Throws the exit-3/4 error of a verdict that is not `valid`, naming the failing checks. */
function requireValid(v: WorkerVerification, what: string): void {
  if (v.verdict === 'valid') return;
  const why = v.reasons.slice(0, 3).join('; ');
  const details = {verdict: v.verdict, reasons: v.reasons};
  if (v.verdict === 'invalid') throw new VerificationError(`${what} failed verification: ${why}`, {code: 'ATTESTATION_INVALID', details, suggestion: 'collect the attestation again (secretai attest collect) and check the image is one the network accepts'});
  throw new UnavailableError(`${what} could not be verified: ${why}`, {code: 'ATTESTATION_UNVERIFIABLE', details, suggestion: 'retry with --online, or check the collateral cache'});
}

/** Verifies a bundle for (re-)registration: the WorkerManager's challenges and measurement policy. */
async function verifyForRegistration(ctx: Context, wm: WorkerManagerClient, bundle: ParsedBundle, online: boolean): Promise<WorkerVerification> {
  const challenge = await wm.getRegistrationChallenge();
  const expectedChallenges = [challenge.challenge, ...(challenge.previous ? [challenge.previous] : [])];
  // Measurements: the profile's policy, else the WorkerManager's accepted_measurements (resolved by the service).
  const {verifyWorker} = await import('../attest/service.js');
  const v = await verifyWorker(ctx, {bundle, expectedChallenges, online});
  requireValid(v, 'the attestation bundle');
  return v;
}

/** The signing key's compressed public key must be the bundle's worker key (the contract insists too). */
async function requireOwnBundle(ctx: Context, bundle: ParsedBundle, keyName: string): Promise<void> {
  const {showKey} = await import('../keys/service.js');
  const mine = showKey(ctx, keyName).pubkey;
  if (bundle.workerPubkey !== mine) {
    throw new UsageError(`the bundle binds another worker key than "${keyName}": a worker registers from the key its attestation names`, {
      code: 'WORKER_KEY_MISMATCH',
      suggestion: `collect the attestation with --from ${keyName}, or register with --from set to the key the bundle was collected for`,
    });
  }
}

export interface RegisterOptions {
  url: string;
  models: string[];
  attestation: string;
  payout?: string;
  /** uscrt, or e.g. `1scrt`. */
  stake: string;
  online?: boolean;
}

export interface RegisterResult {
  workerId: string;
  txHash: string;
  attestation: {verdict: string; dev: boolean};
}

/** `worker register`: local checks, full verification, then the tx. */
export async function registerWorker(ctx: Context, o: RegisterOptions): Promise<RegisterResult> {
  const {parseAddress, parseScrt, signerFor} = await import('../chain/index.js');
  const url = await checkUrl(ctx, o.url);
  const models = checkModels(o.models);
  const stake = parseScrt(o.stake, {bare: 'uscrt', what: '--stake'});
  if (stake <= 0n) throw new UsageError('--stake must be positive', {code: 'AMOUNT_INVALID'});
  const payout = o.payout !== undefined ? parseAddress(o.payout, '--payout') : undefined;
  const bundle = await readBundle(o.attestation);
  const keyName = ctx.requireFrom();
  await requireOwnBundle(ctx, bundle, keyName);
  const wm = await client(ctx);
  const config = await wm.config();
  if (stake < BigInt(config.min_stake)) {
    throw new UsageError(`--stake ${stake} uscrt is below the WorkerManager's minimum of ${config.min_stake} uscrt`, {code: 'STAKE_TOO_LOW'});
  }
  const v = await verifyForRegistration(ctx, wm, bundle, Boolean(o.online));
  const signer = await signerFor(ctx);
  const r = await wm.registerWorker(signer, {url, models, payout_address: payout ?? signer.address, worker_pubkey: bundle.workerPubkey, attestation: bundle as unknown as AttestationBundle}, stake);
  return {workerId: r.data.register_worker.worker_id, txHash: r.txHash, attestation: {verdict: v.verdict, dev: v.dev}};
}

export interface UpdateOptions {
  workerId?: string;
  url?: string;
  models?: string[];
  payout?: string;
  attestation?: string;
  online?: boolean;
}

/** `worker update`: any of URL, models, payout, a new bundle (verified like a registration). */
export async function updateWorker(ctx: Context, o: UpdateOptions): Promise<{txHash: string}> {
  const {parseAddress, signerFor} = await import('../chain/index.js');
  if (o.url === undefined && o.models === undefined && o.payout === undefined && o.attestation === undefined) {
    throw new UsageError('nothing to change', {suggestion: 'give --url, --model, --payout or --attestation'});
  }
  const url = o.url !== undefined ? await checkUrl(ctx, o.url) : undefined;
  const models = o.models !== undefined ? checkModels(o.models) : undefined;
  const payout = o.payout !== undefined ? parseAddress(o.payout, '--payout') : undefined;
  const bundle = o.attestation !== undefined ? await readBundle(o.attestation) : undefined;
  const keyName = ctx.requireFrom();
  const wm = await client(ctx);
  if (bundle) {
    await requireOwnBundle(ctx, bundle, keyName);
    await verifyForRegistration(ctx, wm, bundle, Boolean(o.online));
  }
  const signer = await signerFor(ctx);
  const r = await wm.updateWorker(signer, {
    ...(o.workerId !== undefined ? {worker_id: o.workerId} : {}),
    ...(url !== undefined ? {url} : {}),
    ...(models !== undefined ? {models} : {}),
    ...(payout !== undefined ? {payout_address: payout} : {}),
    ...(bundle !== undefined ? {attestation: bundle as unknown as AttestationBundle} : {}),
  });
  return {txHash: r.txHash};
}

/** `worker deregister`: leave assignment; the stake comes back with `worker withdraw` after unbonding. */
export async function deregisterWorker(ctx: Context, workerId?: string): Promise<{txHash: string; unbondingEndsAt: number | null}> {
  const {signerFor} = await import('../chain/index.js');
  const signer = await signerFor(ctx);
  const wm = await client(ctx, signer);
  const r = await wm.deregisterWorker(signer, workerId);
  const mine = (await listAll(wm)).find((w) => w.operator === signer.address && (workerId === undefined || w.id === workerId) && w.status === 'unbonding');
  return {txHash: r.txHash, unbondingEndsAt: mine?.unbonding_ends_at ?? null};
}

/** `worker withdraw`: the stake back once unbonding has ended. */
export async function withdrawStake(ctx: Context, workerId?: string): Promise<{txHash: string}> {
  const {signerFor} = await import('../chain/index.js');
  const signer = await signerFor(ctx);
  const r = await (await client(ctx, signer)).withdrawStake(signer, workerId);
  return {txHash: r.txHash};
}

async function listAll(wm: WorkerManagerClient, model?: string): Promise<WorkerInfo[]> {
  const all: WorkerInfo[] = [];
  for (;;) {
    const page = await wm.getWorkers({...(model !== undefined ? {model} : {}), ...(all.length ? {startAfter: all[all.length - 1]!.id} : {}), limit: PAGE});
    all.push(...page);
    if (page.length < PAGE) return all;
  }
}

/** Whether this profile only knows the existing Secret AI deployment's worker contract. */
async function legacyOnly(ctx: Context): Promise<boolean> {
  const {contractsFor} = await import('../chain/index.js');
  const c = contractsFor(ctx);
  return !c.has('workerManager') && c.has('legacyWorkerManager');
}

const LEGACY_NOTE = 'the existing Secret AI worker contract publishes only models and URLs: ids, payout, status and attestations are not shown';

/** `worker list [--model]`. */
export async function listWorkers(ctx: Context, model?: string): Promise<Array<WorkerView | LegacyWorkerView>> {
  if (model !== undefined) checkModels([model]);
  const {contractsFor} = await import('../chain/index.js');
  if (await legacyOnly(ctx)) {
    ctx.out.warn(LEGACY_NOTE);
    const legacy = contractsFor(ctx).legacyWorkerManager;
    const urls = await legacy.getUrls(model);
    return urls.map((url) => ({id: null, url, models: model !== undefined ? [model] : [], payout: null, status: 'unknown' as const}));
  }
  return (await listAll(contractsFor(ctx).workerManager, model)).map(toView);
}

/** `worker show ID`: the worker and the bundle stored with it. */
export async function showWorker(ctx: Context, id: string): Promise<WorkerView & {attestation: AttestationBundle}> {
  if (!/^[1-9][0-9]{0,19}$/.test(id)) throw new UsageError(`invalid worker id "${id}": a positive integer`, {code: 'WORKER_ID_INVALID'});
  const r = await (await client(ctx)).getWorker(id);
  return {...toView(r.worker), attestation: r.attestation};
}

/** `models`: models offered by live workers, with how many workers serve each. */
export async function listModels(ctx: Context): Promise<Array<{name: string; workers: number}>> {
  const {contractsFor} = await import('../chain/index.js');
  if (await legacyOnly(ctx)) {
    ctx.out.warn('the existing Secret AI worker contract does not publish liveness: worker counts are URLs registered for each model');
    const legacy = contractsFor(ctx).legacyWorkerManager;
    const names = await legacy.getModels();
    return Promise.all(names.map(async (name) => ({name, workers: (await legacy.getUrls(name)).length})));
  }
  const wm = contractsFor(ctx).workerManager;
  const names = await wm.getModels();
  return Promise.all(names.map(async (name) => ({name, workers: (await listAll(wm, name)).filter((w) => w.status === 'active').length})));
}

export interface NextWorkerResult {
  id: string;
  url: string;
  model: string;
  epoch: number;
  attestation: {verdict: string; dev: boolean; checks: WorkerVerification['checks']; reasons: string[]};
  /** Whether the worker answered on its `/attestation` endpoint (and served the registered bundle). */
  reachable: boolean;
  /** Workers skipped because their attestation did not verify. */
  skipped: string[];
}

/** Compares JSON documents structurally (key order ignored). */
function sameJson(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): unknown =>
    v === null || typeof v !== 'object' ? v : Array.isArray(v) ? v.map(canon) : Object.fromEntries(Object.entries(v as object).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, canon(x)]));
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

/**
 * `worker next --model M`: asks the contract for this subscriber's worker (a permit signed by `--from`), verifies
 * the bundle registered on chain with the network's measurement policy, and — when the worker answers — that it
 * serves the same bundle over the attested TLS key. A worker whose attestation does not verify is skipped
 * (`exclude`) up to {@link NEXT_WORKER_ATTEMPTS} times; the last verdict is returned otherwise.
 */
export async function nextWorker(ctx: Context, o: {model: string; online?: boolean}): Promise<NextWorkerResult> {
  checkModels([o.model]);
  const {getPermit, permitStoreFor, signerFor} = await import('../chain/index.js');
  const signer = await signerFor(ctx);
  const wm = await client(ctx, signer);
  const permit = await getPermit(signer, {contracts: [wm.address], permissions: ['balance']}, permitStoreFor(ctx));
  const skipped: string[] = [];
  let last: NextWorkerResult | undefined;
  for (let attempt = 0; attempt < NEXT_WORKER_ATTEMPTS; attempt++) {
    let pick;
    try {
      pick = await wm.getNextWorker(o.model, permit, skipped);
    } catch (e) {
      if (last && (e as {code?: string}).code === 'CONTRACT_ERROR') break;
      throw e;
    }
    const {worker, attestation, epoch} = pick;
    let presentedCertDer: Uint8Array | undefined;
    let reachable = false;
    let servedOther = false;
    try {
      const {fetchWorkerEvidence} = await import('../attest/worker.js');
      const ev = await fetchWorkerEvidence(worker.url, {timeoutMs: WORKER_PROBE_TIMEOUT_MS});
      presentedCertDer = ev.tlsCertDer;
      reachable = true;
      if (ev.bundleText !== undefined) servedOther = !sameJson(JSON.parse(ev.bundleText), attestation);
    } catch (e) {
      ctx.out.warn(`worker ${worker.id} at ${worker.url} did not answer (${e instanceof Error ? e.message : String(e)}); verified the bundle registered on chain only`);
    }
    const {verifyWorker} = await import('../attest/service.js');
    const v = await verifyWorker(ctx, {bundle: attestation, ...(presentedCertDer ? {presentedCertDer} : {}), online: Boolean(o.online)});
    if (servedOther) {
      v.checks.push({name: 'source.bundle', ok: false, detail: 'the worker serves another attestation bundle than the one registered on chain'});
      v.reasons.push('source.bundle: the worker serves another attestation bundle than the one registered on chain');
      v.verdict = 'invalid';
    }
    last = {id: worker.id, url: worker.url, model: o.model, epoch, attestation: {verdict: v.verdict, dev: v.dev, checks: v.checks, reasons: v.reasons}, reachable, skipped: [...skipped]};
    if (v.verdict === 'valid') return last;
    ctx.out.warn(`worker ${worker.id} failed verification (${v.reasons[0] ?? v.verdict}); asking for another`);
    skipped.push(worker.id);
  }
  if (!last) throw new OperationError(`no worker for model ${o.model}`, {code: 'NO_WORKER'});
  return last;
}

export type {MeasurementPolicy};
