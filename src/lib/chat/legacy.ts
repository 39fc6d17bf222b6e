/**
 * `chat` with the existing Secret AI deployment (snip20-and-permits.md §6): its worker contract has no
 * `get_next_worker`, only `get_u_r_ls` per model; its workers are SecretVMs serving `/cpu` and `/gpu` on the
 * attestation port (29343 by default) and the Ollama API behind `Authorization: Bearer <API key>`, all under one TLS
 * key that the CPU evidence binds. Each worker is verified exactly as `attest verify --url` verifies it (same
 * service, same policy of the network profile: dev evidence only where the profile allows dev attestation), the
 * attested TLS key is pinned, and the prompt goes over the pinned connection or not at all. This deployment keeps no
 * signed usage records: there is nothing to check, countersign or hand back.
 */
import type {Context} from '../cli/base-command.js';
import {OperationError} from '../errors.js';
import {BeforeFirstTokenError, httpRefusal, type TurnOptions} from './stream.js';
import {pinnedRequest, readText, PinnedAgent} from './pinned.js';
import {WorkerRefusal} from './chain-view.js';
import type {Timings, VerifiedWorker} from './worker.js';

/** SecretVM's attestation port (the first of `WORKER_ATTESTATION_PORTS`). */
export const SECRETVM_ATTESTATION_PORT = 29343;

/** The URLs the existing worker contract lists for `model`. */
export async function legacyUrls(ctx: Context, model: string): Promise<string[]> {
  const {contractsFor} = await import('../chain/index.js');
  return contractsFor(ctx).legacyWorkerManager.getUrls(model);
}

/**
 * Where a worker's SecretVM evidence may be: its own origin (a worker that serves `/cpu` next to its API), then the
 * attestation port of its host. Undefined for a URL that is not https (its TLS key could not be pinned).
 */
export function attestationOrigins(url: string): string[] | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:') return undefined;
  const own = u.origin;
  const att = `https://${u.host.replace(/:\d+$/, '')}:${SECRETVM_ATTESTATION_PORT}`;
  return own === att ? [own] : [own, att];
}

/**
 * Verifies the worker at `url` through the attestation service and returns it pinned to the attested TLS key, or a
 * {@link WorkerRefusal}. An origin that serves no evidence (or cannot be reached) is skipped for the next one.
 */
export async function verifyLegacyWorker(ctx: Context, url: string, o: {online?: boolean; timings?: Timings}): Promise<VerifiedWorker> {
  const origins = attestationOrigins(url);
  if (!origins) throw new WorkerRefusal(url, 'unreachable', `worker ${url} is not an https URL: its TLS key cannot be pinned`);
  const {verifyAttestation} = await import('../attest/verify.js');
  const t0 = performance.now();
  const missed: string[] = [];
  for (const origin of origins) {
    let r;
    try {
      r = await verifyAttestation(ctx, {url: origin, ...(o.online !== undefined ? {online: o.online} : {})});
    } catch (e) {
      missed.push(`${origin}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (o.timings) o.timings.verify = (o.timings.verify ?? 0) + performance.now() - t0;
    if (r.verdict !== 'valid') {
      throw new WorkerRefusal(url, r.verdict, `worker ${url} attestation ${r.verdict} (evidence from ${origin}): ${r.reasons.slice(0, 2).join('; ')}`);
    }
    const pin = r.source.tlsSpkiSha256;
    if (!pin || !r.policy.requireBinding) throw new WorkerRefusal(url, 'invalid', `worker ${url}: the attestation binds no TLS key that could be pinned`);
    for (const w of r.warnings) ctx.out.warn(`worker ${url}: ${w}`);
    return {
      id: url,
      url,
      workerPubkey: '',
      tlsSpkiSha256: pin,
      agent: new PinnedAgent(pin),
      attestation: {verdict: 'valid', dev: r.dev, cached: false, validUntil: r.at, checks: r.checks, measurementPolicy: r.measurementPolicy},
    };
  }
  throw new WorkerRefusal(url, 'unreachable', `worker ${url} serves no SecretVM evidence (${missed.join(' | ')})`);
}

/** One Ollama streaming line (`POST /api/chat`). */
interface OllamaLine {
  message?: {content?: string};
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  error?: string;
}

/** Splits an NDJSON byte stream into lines. */
async function* ndjson(res: import('node:http').IncomingMessage): AsyncGenerator<string> {
  res.setEncoding('utf8');
  let buf = '';
  for await (const chunk of res as AsyncIterable<string>) {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line) yield line;
    }
  }
  if (buf.trim()) yield buf.trim();
}

/** What an Ollama turn gives: the reply and the worker's own token counts (not signed: nothing to check them by). */
export interface OllamaTurn {
  content: string;
  finishReason: string | null;
  usage: {inputTokens: number; outputTokens: number};
  endedAt: number;
}

/**
 * One turn over the Ollama API (`POST /api/chat`, streaming), on the pinned connection. Errors before the first
 * content are {@link BeforeFirstTokenError} (or the pin refusal / a network error) so the caller may fail over.
 */
export async function runOllamaTurn(w: VerifiedWorker, o: TurnOptions, keyName: string): Promise<OllamaTurn> {
  const options = {
    ...(o.maxTokens !== undefined ? {num_predict: o.maxTokens} : {}),
    ...(o.temperature !== undefined ? {temperature: o.temperature} : {}),
    ...(o.seed !== undefined ? {seed: o.seed} : {}),
  };
  const body = JSON.stringify({model: o.model, messages: o.messages, stream: true, ...(Object.keys(options).length ? {options} : {})});
  const res = await pinnedRequest(w.agent, `${w.url.replace(/\/+$/, '')}/api/chat`, {method: 'POST', headers: {authorization: `Bearer ${o.apiKey}`}, body, ...(o.signal ? {signal: o.signal} : {})});
  if (res.statusCode !== 200) throw httpRefusal(res.statusCode ?? 0, await readText(res, 64 * 1024).catch(() => ''), keyName);
  let content = '';
  let chunks = 0;
  let last: OllamaLine | undefined;
  let streamError: string | undefined;
  try {
    for await (const line of ndjson(res)) {
      let ev: OllamaLine;
      try {
        ev = JSON.parse(line) as OllamaLine;
      } catch {
        throw new Error('the worker sent a line that is not JSON');
      }
      if (ev.error) {
        streamError = ev.error;
        break;
      }
      const text = ev.message?.content;
      if (text) {
        if (chunks === 0) o.onFirstToken?.();
        chunks++;
        content += text;
        o.onDelta?.(text);
      }
      if (ev.done) {
        last = ev;
        break;
      }
    }
  } catch (e) {
    if (chunks === 0) throw new BeforeFirstTokenError(`the connection dropped before the first token (${e instanceof Error ? e.message : String(e)})`);
    throw new OperationError(`worker ${w.url} dropped the reply after ${chunks} pieces: ${e instanceof Error ? e.message : String(e)}`, {code: 'REPLY_INTERRUPTED', suggestion: 'ask again'});
  }
  if (!last || streamError) {
    const why = streamError ?? 'the stream ended without its final line';
    if (chunks === 0) throw new BeforeFirstTokenError(why);
    throw new OperationError(`worker ${w.url} failed mid-reply: ${why}`, {code: 'REPLY_INTERRUPTED', suggestion: 'ask again'});
  }
  return {content, finishReason: last.done_reason ?? null, usage: {inputTokens: last.prompt_eval_count ?? 0, outputTokens: last.eval_count ?? chunks}, endedAt: performance.now()};
}
