/**
 * One chat turn with a verified worker over its pinned TLS key: the OpenAI streaming route
 * (`POST /v1/chat/completions`, `stream: true`, `stream_options.include_usage`), deltas handed to `onDelta` as they
 * arrive, then the worker's signed usage record (the stream's `secretai_usage` event) checked against what was
 * received and against the worker key bound in the attestation, countersigned with the subscriber's key and handed
 * back (`POST /v1/secretai/usage`). The record checks (`record.ts`, with its signature library) are loaded once the
 * stream has ended, so they do not delay the first token.
 */
import type {IncomingMessage} from 'node:http';
import type {SignedUsageRecord} from '../../../contracts/common/usage.js';
import {OperationError} from '../errors.js';
import {USAGE_FIELD} from '../worker/api/types.js';
import {pinnedRequest, readText} from './pinned.js';
import type {VerifiedWorker} from './worker.js';

/** Route taking countersigned records back (the gateway's `COUNTERSIGN_PATH`). */
export const COUNTERSIGN_ROUTE = '/v1/secretai/usage';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface TurnOptions {
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  apiKey: string;
  signal?: AbortSignal;
  /** Called with each piece of text as it arrives. */
  onDelta?: (text: string) => void;
  /** Called once, when the first content arrives (ms since the request started). */
  onFirstToken?: () => void;
}

export interface TurnResult {
  content: string;
  /** Content events received (each carries at least one token). */
  chunks: number;
  finishReason: string | null;
  usage: {inputTokens: number; outputTokens: number};
  /** The worker-signed record with the subscriber's countersignature added. */
  record: SignedUsageRecord;
  /** `performance.now()` when the stream ended (before the record was checked and countersigned). */
  endedAt: number;
}

/** The worker failed before any content arrived: the caller may fail over. */
export class BeforeFirstTokenError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'BeforeFirstTokenError';
  }
}

/** Turns an HTTP refusal of the gateway into the error a user meets. */
export function httpRefusal(status: number, body: string, keyName: string): Error {
  let msg = body.slice(0, 200);
  try {
    const doc = JSON.parse(body) as {error?: {message?: string} | string};
    msg = typeof doc.error === 'string' ? doc.error : (doc.error?.message ?? msg);
  } catch {
    /* not JSON */
  }
  if (status === 401) return new OperationError(`the worker refused the API key: ${msg}`, {code: 'API_KEY_REFUSED', suggestion: `check it with "secretai apikey list --from ${keyName}", or create one with "secretai apikey create"`});
  if (status === 402) return new OperationError(`the worker refused the subscription: ${msg}`, {code: 'SUBSCRIPTION_REFUSED', suggestion: `see "secretai subscription status --from ${keyName}"`});
  if (status === 400 || status === 404 || status === 413) return new OperationError(`the worker refused the request (HTTP ${status}): ${msg}`, {code: 'REQUEST_REFUSED'});
  return new BeforeFirstTokenError(`HTTP ${status}: ${msg}`, status);
}

/** Splits an SSE byte stream into `data:` payloads. */
async function* sseData(res: IncomingMessage): AsyncGenerator<string> {
  res.setEncoding('utf8');
  let buf = '';
  for await (const chunk of res as AsyncIterable<string>) {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const event = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (data) yield data;
    }
  }
}

/**
 * Runs one turn. Errors before the first content are {@link BeforeFirstTokenError} (or the pin refusal / a network
 * error) so the caller can try another worker; after it, an OperationError (exit 1): two workers' answers are never
 * mixed.
 */
export async function runTurn(w: VerifiedWorker, o: TurnOptions, subscriber: {privateKey(): Promise<Uint8Array>; keyName: string}): Promise<TurnResult> {
  const base = w.url.replace(/\/+$/, '');
  const body = JSON.stringify({
    model: o.model,
    messages: o.messages,
    stream: true,
    stream_options: {include_usage: true},
    ...(o.maxTokens !== undefined ? {max_tokens: o.maxTokens} : {}),
    ...(o.temperature !== undefined ? {temperature: o.temperature} : {}),
    ...(o.seed !== undefined ? {seed: o.seed} : {}),
  });
  const auth = {authorization: `Bearer ${o.apiKey}`};
  const res = await pinnedRequest(w.agent, `${base}/v1/chat/completions`, {method: 'POST', headers: {...auth, accept: 'text/event-stream'}, body, ...(o.signal ? {signal: o.signal} : {})});
  if (res.statusCode !== 200) throw httpRefusal(res.statusCode ?? 0, await readText(res, 64 * 1024).catch(() => ''), subscriber.keyName);

  let content = '';
  let chunks = 0;
  let finishReason: string | null = null;
  let reported: {prompt_tokens?: number; completion_tokens?: number} | undefined;
  let signed: SignedUsageRecord | undefined;
  let streamError: string | undefined;
  let done = false;
  try {
    for await (const data of sseData(res)) {
      if (data === '[DONE]') {
        done = true;
        break;
      }
      let ev: {choices?: Array<{delta?: {content?: string}; finish_reason?: string | null}>; usage?: typeof reported | null; error?: {message?: string}} & Record<string, unknown>;
      try {
        ev = JSON.parse(data);
      } catch {
        throw new Error('the worker sent an event that is not JSON');
      }
      if (ev.error) {
        streamError = ev.error.message ?? 'error event';
        break;
      }
      const choice = ev.choices?.[0];
      const text = choice?.delta?.content;
      if (text) {
        if (chunks === 0) o.onFirstToken?.();
        chunks++;
        content += text;
        o.onDelta?.(text);
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (ev.usage) reported = ev.usage;
      if (ev[USAGE_FIELD]) signed = ev[USAGE_FIELD] as SignedUsageRecord;
    }
  } catch (e) {
    if (chunks === 0) throw new BeforeFirstTokenError(`the connection dropped before the first token (${e instanceof Error ? e.message : String(e)})`);
    throw new OperationError(`worker ${w.id} dropped the reply after ${chunks} pieces: ${e instanceof Error ? e.message : String(e)}`, {code: 'REPLY_INTERRUPTED', suggestion: 'ask again'});
  }
  if (!done || streamError) {
    const why = streamError ?? 'the stream ended without its final event';
    if (chunks === 0) throw new BeforeFirstTokenError(why);
    throw new OperationError(`worker ${w.id} failed mid-reply: ${why}`, {code: 'REPLY_INTERRUPTED', suggestion: 'ask again'});
  }
  const endedAt = performance.now();
  if (!signed) throw new OperationError(`worker ${w.id} sent no usage record`, {code: 'USAGE_RECORD_MISSING'});
  const {checkRecord, countersign} = await import('./record.js');
  const bad = checkRecord(signed, {workerId: w.id, model: o.model, workerPubkeyHex: w.workerPubkey, chunks, ...(o.maxTokens !== undefined ? {maxTokens: o.maxTokens} : {}), ...(reported ? {reported} : {})});
  if (bad.length) throw new OperationError(`worker ${w.id}'s usage record does not hold: ${bad.join('; ')}`, {code: 'USAGE_RECORD_INVALID', details: {record: signed.record}});
  const countersigned = await countersign(signed, await subscriber.privateKey());
  return {content, chunks, finishReason, usage: {inputTokens: signed.record.input_tokens, outputTokens: signed.record.output_tokens}, record: countersigned, endedAt};
}

/** Hands a countersigned record back to the worker; resolves with whether the worker stored it (and why not). */
export async function handBack(w: VerifiedWorker, record: SignedUsageRecord, apiKey: string): Promise<{stored: boolean; detail?: string}> {
  const res = await pinnedRequest(w.agent, `${w.url.replace(/\/+$/, '')}${COUNTERSIGN_ROUTE}`, {
    method: 'POST',
    headers: {authorization: `Bearer ${apiKey}`},
    body: JSON.stringify(record),
    timeoutMs: 10_000,
  });
  const text = await readText(res, 64 * 1024);
  if (res.statusCode === 200) return {stored: true};
  return {stored: false, detail: `HTTP ${res.statusCode}: ${text.slice(0, 200)}`};
}
