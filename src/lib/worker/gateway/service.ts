/**
 * `worker serve`: finds this operator's registered worker on chain, checks that the TLS identity in the home is the
 * one its registered bundle binds (refusing to start otherwise), unlocks the worker key, and runs the gateway
 * ({@link startGateway}) with the epoch tracker reporting liveness each epoch.
 *
 * The worker key is the `--from` key: the bundle binds its public key, it signs usage records and liveness, and it
 * sends `report_liveness`. API keys: checked against the SubscriptionManager ({@link gatewayKeyChecker}), plus the
 * dev key of `SECRETAI_DEV_API_KEY` on the devnet.
 */
import {existsSync, readFileSync} from 'node:fs';
import {createHash} from 'node:crypto';
import path from 'node:path';
import type {AttestationBundle} from '../../../attest/bundle.js';
import type {Context} from '../../cli/base-command.js';
import {OperationError, UsageError, VerificationError} from '../../errors.js';
import type {InferenceBackend} from '../backend.js';
import {gatewayKeyChecker, type ApiKeyChecker} from './auth.js';
import {EpochTracker, livenessSignature} from './epoch.js';
import {startGateway, type RunningGateway} from './server.js';
import {UsageLog, usageLogDir} from './usage-log.js';

/** Default port of the gateway (the port SecretVM workers serve their API on). */
export const GATEWAY_DEFAULT_PORT = 21434;
export const GATEWAY_DEFAULT_HOST = '127.0.0.1';

export interface ServeOptions {
  /** A backend, or a `--backend` value (default `embedded`). */
  backend?: InferenceBackend | string;
  port?: number;
  host?: string;
  /** Replaces the API-key checker (default: the dev checker). */
  checker?: ApiKeyChecker;
  drainGraceMs?: number;
}

/** `worker serve --json`. */
export interface ServeResult {
  url: string;
  pid?: number;
  workerId: string;
  backend: {kind: string; description: string};
  apiKeys: string;
  epoch: number;
  usageLog: string;
}

export interface RunningWorkerGateway {
  result: ServeResult;
  gateway: RunningGateway;
  /** Drains and stops the server, the epoch tracker, the backend and the log (idempotent). */
  stop(): Promise<void>;
  closed: Promise<void>;
}

const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The registered, active worker operated by `account`, with its bundle; a clear error when there is none. */
async function registeredWorker(ctx: Context, account: string): Promise<{id: string; bundle: AttestationBundle}> {
  const {listWorkers, showWorker} = await import('../registry.js');
  const mine = (await listWorkers(ctx)).filter((w) => w.id !== null && 'operator' in w && w.operator === account);
  const active = mine.find((w) => w.status === 'active');
  if (!active) {
    const other = mine[0];
    throw new OperationError(
      other ? `worker ${other.id} of ${account} is ${other.status}, not active: it cannot serve` : `no worker is registered for ${account} on network ${ctx.profile.name}`,
      {code: 'WORKER_NOT_REGISTERED', suggestion: 'collect the attestation (secretai attest collect) and register (secretai worker register) with this --from key first'},
    );
  }
  const w = await showWorker(ctx, active.id!);
  return {id: w.id, bundle: w.attestation as unknown as AttestationBundle};
}

/** The TLS identity `attest collect` made for `account`; refuses a missing one or one the bundle does not bind. */
async function attestedTls(ctx: Context, account: string, bundle: AttestationBundle): Promise<{cert: string; key: string}> {
  const {workerTlsDir, ensureWorkerTls} = await import('../tls.js');
  const dir = workerTlsDir(ctx.home.value, account);
  if (!existsSync(path.join(dir, 'cert.pem')) || !existsSync(path.join(dir, 'key.pem'))) {
    throw new UsageError(`no worker TLS identity in ${dir}`, {code: 'WORKER_TLS_MISSING', suggestion: 'serve from the home where "secretai attest collect" ran for this key'});
  }
  const tls = await ensureWorkerTls(ctx.home.value, account);
  const cert = readFileSync(tls.certPath, 'utf8');
  const {parsePemChain} = await import('../../../attest/x509.js');
  const spki = parsePemChain(cert)[0]!.spkiDer;
  if (sha256Hex(spki) !== sha256Hex(Buffer.from(bundle.tlsSpki, 'base64'))) {
    throw new VerificationError(`the TLS key in ${dir} is not the one the registered attestation binds`, {
      code: 'WORKER_TLS_NOT_ATTESTED',
      suggestion: 'collect the attestation again and "secretai worker update --attestation FILE", or serve from the home that registered',
    });
  }
  return {cert, key: readFileSync(tls.keyPath, 'utf8')};
}

/** Starts the worker gateway in this process. */
export async function serveWorker(ctx: Context, o: ServeOptions = {}): Promise<RunningWorkerGateway> {
  const {parseBackend} = await import('../backend.js');
  if (typeof o.backend !== 'object') parseBackend(o.backend ?? 'embedded');
  const keyName = ctx.requireFrom();
  const profile = ctx.profile;
  let checker = o.checker;
  if (!checker) {
    const {checkApiKey} = await import('../../subscription/check.js');
    checker = gatewayKeyChecker(
      ctx.env,
      {name: profile.name, allowDev: profile.attestation.allowDev, hasSubscriptionManager: Boolean(profile.contracts?.subscriptionManager?.address)},
      (k) => checkApiKey(ctx, k),
    );
  }
  const {showKey, unlockMnemonic} = await import('../../keys/service.js');
  const key = showKey(ctx, keyName);
  const {id: workerId, bundle} = await registeredWorker(ctx, key.address);
  if (bundle.workerPubkey !== key.pubkey) {
    throw new VerificationError(`worker ${workerId}'s registered bundle binds another worker key than "${keyName}"`, {code: 'WORKER_KEY_MISMATCH'});
  }
  const tls = await attestedTls(ctx, key.address, bundle);

  const mnemonic = await unlockMnemonic(ctx, keyName);
  ctx.out.registerSecret(mnemonic);
  const [{signingClient, contractsFor, gasForPayload, jsonBytes, GAS_LIMITS}, {deriveAccount}, {Secp256k1Key}] = await Promise.all([
    import('../../chain/index.js'),
    import('../../keys/hd.js'),
    import('../../keys/secp256k1.js'),
  ]);
  const signer = await signingClient(profile, mnemonic);
  const workerPrivateKey = deriveAccount(mnemonic).privateKey;
  const workerKey = new Secp256k1Key(workerPrivateKey);
  const wm = contractsFor(ctx, signer).workerManager;
  const livenessGas = gasForPayload(GAS_LIMITS.admin, jsonBytes(bundle), true);

  const {createBackend} = await import('../backends/index.js');
  const backend = typeof o.backend === 'object' ? o.backend : await createBackend(o.backend ?? 'embedded', {env: ctx.env});
  const tracker = new EpochTracker({
    fetch: () => wm.getRegistrationChallenge(),
    onEpoch: async (c) => {
      // report_liveness rewrites the worker's stored record, bundle included: gas grows with the bundle's size.
      await wm.reportLiveness(signer, await livenessSignature(c.challenge, workerKey), workerId, {gasLimit: livenessGas});
      ctx.out.info(`liveness reported for epoch ${c.epoch}`);
    },
    onError: (e) => ctx.out.warn(`epoch / liveness: ${e instanceof Error ? e.message : String(e)}`),
  });
  let log: UsageLog | undefined;
  let gateway: RunningGateway | undefined;
  try {
    const first = await tracker.start();
    log = await UsageLog.open(usageLogDir(ctx.home.value, key.address));
    gateway = await startGateway({
      backend,
      tls,
      host: o.host ?? GATEWAY_DEFAULT_HOST,
      port: o.port ?? GATEWAY_DEFAULT_PORT,
      bundle,
      workerId,
      workerPrivateKey,
      checker,
      epoch: () => tracker.epoch,
      log,
      drainGraceMs: o.drainGraceMs,
      onError: (err, requestId) => ctx.out.warn(`request ${requestId || '-'}: ${err instanceof Error ? err.message : String(err)}`),
    });
    const g = gateway;
    const l = log;
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        tracker.stop();
        await g.stop();
        await Promise.allSettled([Promise.resolve(backend.close?.()), l.close()]);
      })());
    const result: ServeResult = {
      url: g.url,
      workerId,
      backend: {kind: backend.kind, description: backend.description},
      apiKeys: checker.kind,
      epoch: first.epoch,
      usageLog: log.pendingPath,
    };
    return {result, gateway: g, stop, closed: g.closed.then(() => stop())};
  } catch (e) {
    tracker.stop();
    await gateway?.stop();
    await log?.close();
    await backend.close?.();
    throw e;
  }
}

/** Options of {@link runWorkerServe}: the serve options plus the flags a detached child is started with. */
export interface RunServeOptions extends Omit<ServeOptions, 'backend' | 'checker'> {
  backend: string;
  detach: boolean;
}

/**
 * What the `worker serve` command runs. Detached: starts the background gateway and returns `{url, pid}` at once.
 * Otherwise: serves in this process and returns the handle to wait on; a detached child also writes the pid file
 * and reports readiness (or its startup error) to its parent.
 */
export async function runWorkerServe(ctx: Context, o: RunServeOptions): Promise<{result: ServeResult; running?: RunningWorkerGateway}> {
  const daemon = await import('./daemon.js');
  if (o.detach) {
    const args = ['--backend', o.backend, '--port', String(o.port ?? GATEWAY_DEFAULT_PORT), '--host', o.host ?? GATEWAY_DEFAULT_HOST, '--home', ctx.home.value, '--network', ctx.networkName.value, '--from', ctx.requireFrom()];
    return {result: await daemon.startDetachedGateway(ctx, args)};
  }
  const child = daemon.isGatewayDaemon(ctx.env);
  let running: RunningWorkerGateway;
  try {
    running = await serveWorker(ctx, o);
  } catch (e) {
    if (child) {
      const {normalizeError} = await import('../../errors.js');
      const n = normalizeError(e);
      daemon.reportToParent({type: 'error', message: n.message, exitCode: n.exitCode});
    }
    throw e;
  }
  if (child) {
    const removePid = daemon.writePidFile(ctx.home.value);
    void running.closed.finally(removePid);
    running.result.pid = process.pid;
    daemon.reportToParent({type: 'ready', result: running.result});
  }
  return {result: running.result, running};
}
