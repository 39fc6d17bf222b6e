/**
 * `attest collect`: gathers this machine's CPU (+ GPU) evidence bound as design.md §5 —
 * REPORTDATA = SHA-256(TLS SPKI) ‖ GPU nonce, GPU nonce = SHA-256("secretai/v1" ‖ worker_pubkey ‖ challenge) —
 * and writes it as an attestation bundle.
 *
 * - On a TEE guest: TDX or SEV-SNP through Linux configfs-tsm (`/sys/kernel/config/tsm/report`, Linux ≥ 6.7),
 *   which serves both; `/dev/tdx_guest` and `/dev/sev-guest` are detected but their ioctls are not used.
 *   GPU evidence comes from the command in `SECRETAI_GPU_EVIDENCE_CMD` (run with the nonce as its last
 *   argument; it must print nvtrust JSON), run through execa.
 * - `--dev`: dev evidence from the devnet's dev roots (created on first use), for profiles that allow it.
 */
import {randomBytes} from 'node:crypto';
import {sha256, toHex} from '../../../contracts/common/encoding.js';
import {existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {gpuNonce} from '../../attest/binding.js';
import {makeBundle, serializeBundle} from '../../attest/bundle.js';
import {mintDevEvidence} from '../../attest/dev/mint.js';
import {detectEvidence} from '../../attest/detect.js';
import {parseNvtrustJson, type NvtrustEvidence} from '../../attest/nvidia/verify.js';
import {parseCertDer} from '../../attest/x509.js';
import type {Context} from '../cli/base-command.js';
import {OperationError, UnavailableError, UsageError} from '../errors.js';
import {showKey} from '../keys/service.js';
import {ensureDevRoots} from './dev.js';
import {derObject, hexBytes, readInputFile} from './inputs.js';

/** Where a Linux guest exposes its TEE. */
export interface TeePaths {
  tsmReport: string;
  tdxGuest: string;
  sevGuest: string;
}

export const DEFAULT_TEE_PATHS: TeePaths = {
  tsmReport: '/sys/kernel/config/tsm/report',
  tdxGuest: '/dev/tdx_guest',
  sevGuest: '/dev/sev-guest',
};

/** Environment variable naming the GPU evidence command. */
export const GPU_EVIDENCE_CMD_ENV = 'SECRETAI_GPU_EVIDENCE_CMD';

/** Options of {@link collectAttestation}. */
export interface CollectOptions {
  out: string;
  dev?: boolean;
  /** TLS certificate (PEM or DER) whose key the evidence binds. */
  tlsCert?: string;
  /** Registration challenge, hex. */
  challenge?: string;
  /** Tests: where to look for TEE devices. */
  teePaths?: TeePaths;
}

/** `attest collect --json` (design.md §6). */
export interface CollectResult {
  /** Absolute path of the bundle written. */
  out: string;
  cpu: {type: 'tdx' | 'snp'; reportData: string; bytes: number};
  gpu: {count: number; nonce: string} | null;
  dev: boolean;
  binding: {tlsSpkiSha256: string; workerPubkey: string; challenge: string; gpuNonce: string};
  /** With --dev: where the dev roots live and whether this run created them. */
  devRoots?: {dir: string; created: boolean};
}

const REPORT_DATA_SIZE = 64;


/** What TEE interface, if any, this machine has. */
export function detectTee(p: TeePaths = DEFAULT_TEE_PATHS): {tsm: boolean; tdx: boolean; sev: boolean} {
  return {tsm: existsSync(p.tsmReport), tdx: existsSync(p.tdxGuest), sev: existsSync(p.sevGuest)};
}

/** Reads a report through configfs-tsm (one report directory per request, removed afterwards). */
function tsmReport(dir: string, reportData: Uint8Array): {provider: string; outblob: Uint8Array} {
  const entry = path.join(dir, `secretai-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(entry);
  } catch (e) {
    throw new UnavailableError(`cannot create a configfs-tsm report in ${dir}: ${e instanceof Error ? e.message : String(e)}`, {
      code: 'TEE_UNAVAILABLE',
      suggestion: 'run as a user allowed to write to configfs (usually root)',
    });
  }
  try {
    writeFileSync(path.join(entry, 'inblob'), reportData);
    const provider = readFileSync(path.join(entry, 'provider'), 'utf8').trim();
    const outblob = new Uint8Array(readFileSync(path.join(entry, 'outblob')));
    return {provider, outblob};
  } finally {
    try {
      rmdirSync(entry);
    } catch {
      /* configfs removes it with the process when it cannot be removed now */
    }
  }
}

async function collectGpu(ctx: Context, nonce: Uint8Array): Promise<NvtrustEvidence | undefined> {
  const cmd = ctx.env[GPU_EVIDENCE_CMD_ENV];
  if (!cmd) return undefined;
  const parts = cmd.trim().split(/\s+/);
  const {execa} = await import('execa');
  let stdout: string;
  try {
    const r = await execa(parts[0], [...parts.slice(1), Buffer.from(nonce).toString('hex')], {timeout: 120_000});
    stdout = String(r.stdout);
  } catch (e) {
    throw new UnavailableError(`GPU evidence command (${GPU_EVIDENCE_CMD_ENV}) failed: ${(e as {shortMessage?: string}).shortMessage ?? String(e)}`, {code: 'GPU_UNAVAILABLE'});
  }
  let doc: NvtrustEvidence;
  try {
    doc = JSON.parse(stdout) as NvtrustEvidence;
    parseNvtrustJson(doc);
  } catch (e) {
    throw new OperationError(`GPU evidence command printed no usable nvtrust JSON: ${e instanceof Error ? e.message : String(e)}`, {code: 'GPU_EVIDENCE_INVALID'});
  }
  if (doc.nonce.toLowerCase() !== Buffer.from(nonce).toString('hex')) throw new OperationError('GPU evidence command returned evidence for another nonce', {code: 'GPU_EVIDENCE_INVALID'});
  return doc;
}

/**
 * The registration challenge the evidence must bind: asked of the network's WorkerManager through the
 * contract-client layer. When the chain cannot give one, `--challenge HEX` is the way to pass it.
 */
async function chainChallenge(ctx: Context): Promise<string> {
  const {contractsFor} = await import('../chain/index.js');
  let challenge: string;
  try {
    challenge = (await contractsFor(ctx).workerManager.getRegistrationChallenge()).challenge;
  } catch (e) {
    // Not configured on this network, or the contract refuses (e.g. the query is not built): the user can pass
    // the challenge. A node that is down or an unexpected failure keeps its own exit code (3 or 1).
    const code = (e as {code?: string}).code;
    if (code !== 'CONTRACT_NOT_CONFIGURED' && code !== 'CONTRACT_ERROR') throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new UsageError(`no registration challenge: the WorkerManager on ${ctx.profile.name} could not give one (${why})`, {
      code: 'CHALLENGE_UNAVAILABLE',
      suggestion: 'pass the registration challenge with --challenge HEX',
    });
  }
  if (typeof challenge !== 'string' || !/^[0-9a-f]{2,128}$/i.test(challenge) || challenge.length % 2 !== 0) {
    throw new OperationError(`the WorkerManager on ${ctx.profile.name} answered a malformed registration challenge`, {code: 'CHALLENGE_MALFORMED'});
  }
  return challenge;
}

/** Collects evidence and writes the bundle to `opts.out`. */
export async function collectAttestation(ctx: Context, opts: CollectOptions): Promise<CollectResult> {
  const challenge = hexBytes(opts.challenge ?? (await chainChallenge(ctx)), '--challenge');
  // Without --tls-cert: the worker gateway's own TLS key and self-signed certificate (created on first use).
  const tlsCert = opts.tlsCert ?? (await (await import('../worker/tls.js')).ensureWorkerTls(ctx.home.value, showKey(ctx, ctx.requireFrom()).address)).certPath;
  const certDer = derObject(readInputFile(tlsCert, '--tls-cert'), `--tls-cert ${tlsCert}`);
  let tlsSpki: Uint8Array;
  try {
    tlsSpki = parseCertDer(certDer).spkiDer;
  } catch (e) {
    throw new UsageError(`--tls-cert ${tlsCert} is not an X.509 certificate: ${e instanceof Error ? e.message : String(e)}`);
  }
  const keyName = ctx.requireFrom();
  const workerPubkey = new Uint8Array(Buffer.from(showKey(ctx, keyName).pubkey, 'base64'));
  const nonce = gpuNonce(workerPubkey, challenge);
  const outFile = path.resolve(opts.out);
  if (!existsSync(path.dirname(outFile))) throw new UsageError(`--out ${opts.out}: directory ${path.dirname(outFile)} does not exist`);
  const binding = {
    tlsSpkiSha256: toHex(sha256(tlsSpki)),
    workerPubkey: Buffer.from(workerPubkey).toString('hex'),
    challenge: Buffer.from(challenge).toString('hex'),
    gpuNonce: Buffer.from(nonce).toString('hex'),
  };

  if (opts.dev) {
    const profile = ctx.profile;
    if (!profile.attestation.allowDev) {
      throw new UsageError(`dev attestation is not allowed on network ${profile.name}`, {code: 'POLICY_REFUSED', suggestion: 'dev evidence is for the local devnet (--network local)'});
    }
    const {roots, created, dir} = ensureDevRoots(ctx.home.value);
    const ev = mintDevEvidence({roots, tlsSpkiDer: tlsSpki, workerPubkey, challenge});
    writeFileSync(outFile, serializeBundle(ev.bundle));
    return {
      out: outFile,
      cpu: {type: 'tdx', reportData: Buffer.from(ev.reportData).toString('hex'), bytes: ev.quote.length},
      gpu: ev.gpu ? {count: ev.gpu.evidence_list.length, nonce: ev.gpu.nonce} : null,
      dev: true,
      binding,
      devRoots: {dir, created},
    };
  }

  const paths = opts.teePaths ?? DEFAULT_TEE_PATHS;
  const tee = detectTee(paths);
  if (!tee.tsm) {
    const devices = [tee.tdx && paths.tdxGuest, tee.sev && paths.sevGuest].filter(Boolean);
    if (devices.length) {
      throw new UnavailableError(`found ${devices.join(' and ')} but not configfs-tsm (${paths.tsmReport}); this version reads evidence through configfs-tsm only`, {
        code: 'TEE_UNAVAILABLE',
        suggestion: 'use a guest kernel with configfs-tsm (Linux 6.7+) and mount configfs',
      });
    }
    throw new UnavailableError(`no TEE found on this machine: none of ${paths.tsmReport}, ${paths.tdxGuest}, ${paths.sevGuest} exists`, {
      code: 'TEE_UNAVAILABLE',
      suggestion: 'run inside a TDX or SEV-SNP guest, or use --dev on the local devnet',
    });
  }
  const reportData = new Uint8Array(REPORT_DATA_SIZE);
  reportData.set(sha256(tlsSpki), 0);
  reportData.set(nonce, REPORT_DATA_SIZE / 2);
  const {provider, outblob} = tsmReport(paths.tsmReport, reportData);
  let kind: 'tdx' | 'snp';
  try {
    kind = detectEvidence(outblob).kind;
  } catch (e) {
    throw new OperationError(`configfs-tsm provider "${provider}" returned unrecognised evidence: ${e instanceof Error ? e.message : String(e)}`, {code: 'TEE_EVIDENCE_INVALID'});
  }
  const gpu = await collectGpu(ctx, nonce);
  if (!gpu) ctx.out.warn(`no GPU evidence collected (set ${GPU_EVIDENCE_CMD_ENV} to a command that prints nvtrust JSON for a nonce)`);
  const bundle = makeBundle({cpuType: kind, quote: outblob, ...(gpu ? {gpu} : {}), tlsSpki, workerPubkey, challenge, dev: false});
  writeFileSync(outFile, serializeBundle(bundle));
  return {
    out: outFile,
    cpu: {type: kind, reportData: Buffer.from(reportData).toString('hex'), bytes: outblob.length},
    gpu: gpu ? {count: gpu.evidence_list.length, nonce: gpu.nonce} : null,
    dev: false,
    binding,
  };
}

