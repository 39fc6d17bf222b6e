/**
 * The Ollama routes: `POST /api/chat` and `POST /api/generate` (NDJSON when `stream` is true or absent — Ollama's
 * default — one object per delta, then the `done: true` object with the counts and the completion hook's
 * document, the signed usage record, as its `secretai_usage` member; one object otherwise) and `GET /api/tags`.
 * `/api/generate`'s `prompt` (and `system`) become a chat of one user (and one system) message, so every backend
 * serves it the same way. Errors: `{"error":"…"}`.
 */
import type {ChatMessage, ChatRequest, ChatResult} from '../backend.js';
import {HttpError, type ErrorShape, type Exchange, type StreamFormat} from './exchange.js';
import {chatMessages, optionalBoolean, optionalInteger, optionalNumber, optionalObject, refuseUnsupported, requiredString} from './params.js';
import {USAGE_FIELD} from './types.js';

/** Largest `num_predict` accepted. */
const MAX_PREDICT = 1_000_000;
const MAX_SEED = 0xffff_ffff;
/** Ollama's `num_predict` values meaning "no limit" (-1) and "fill the context" (-2). */
const UNLIMITED_PREDICT = new Set([-1, -2]);
const NS_PER_MS = 1e6;

export const ollamaError: ErrorShape = (_status, message) => ({error: message});

const ndjson = (obj: unknown): string => `${JSON.stringify(obj)}\n`;

/** `GET /api/tags`. */
export async function ollamaTags(x: Exchange, modifiedAt: string): Promise<void> {
  const models = await x.opts.backend.listModels(x.controller.signal);
  x.sendJson(200, {
    models: models.map((m) => ({
      name: m.name,
      model: m.name,
      modified_at: modifiedAt,
      size: m.size ?? 0,
      digest: '',
      details: {parent_model: '', format: '', family: '', families: null, parameter_size: '', quantization_level: ''},
    })),
  });
}

/** Sampling options of an Ollama request (`options.temperature`, `top_p`, `seed`, `num_predict`). */
function sampling(body: Record<string, unknown>): Omit<ChatRequest, 'model' | 'messages'> {
  refuseUnsupported(body, ['tools', 'format', 'images', 'context', 'suffix']);
  const o = optionalObject(body, 'options') ?? {};
  refuseUnsupported(o, ['stop']);
  const predict = optionalInteger(o, 'num_predict', -2, MAX_PREDICT, 'options.');
  if (predict === 0) throw new HttpError(400, '"options.num_predict" must be positive, or -1 (no limit) or -2 (fill the context)');
  return {
    maxTokens: predict === undefined || UNLIMITED_PREDICT.has(predict) ? undefined : predict,
    temperature: optionalNumber(o, 'temperature', 0, 2, 'options.'),
    topP: optionalNumber(o, 'top_p', 0, 1, 'options.'),
    seed: optionalInteger(o, 'seed', 0, MAX_SEED, 'options.'),
  };
}

/** The counts and timings of a `done: true` object. */
function doneFields(r: ChatResult, startedNs: bigint): Record<string, unknown> {
  const total = Number(process.hrtime.bigint() - startedNs);
  return {
    done_reason: r.finishReason,
    done: true,
    total_duration: total,
    load_duration: 0,
    prompt_eval_count: r.inputTokens,
    prompt_eval_duration: 0,
    eval_count: r.outputTokens,
    eval_duration: total,
  };
}

/** `POST /api/chat` (`generate: false`) or `POST /api/generate` (`generate: true`). */
export async function ollamaChat(x: Exchange, body: Record<string, unknown>, generate: boolean, nowMs: number): Promise<void> {
  const startedNs = process.hrtime.bigint();
  const model = requiredString(body, 'model');
  const opts = sampling(body);
  const stream = optionalBoolean(body, 'stream') ?? true;
  const createdAt = new Date(nowMs).toISOString();
  let messages: ChatMessage[];
  if (generate) {
    const prompt = body.prompt ?? '';
    const system = body.system ?? '';
    if (typeof prompt !== 'string' || typeof system !== 'string') throw new HttpError(400, '"prompt" and "system" must be strings');
    if (prompt === '') {
      // Ollama answers an empty prompt by loading the model: nothing is generated.
      const loaded = {model, created_at: createdAt, response: '', done: true, done_reason: 'load'};
      return x.sendJson(200, loaded, stream ? {'content-type': 'application/x-ndjson'} : {});
    }
    messages = [...(system ? [{role: 'system', content: system}] : []), {role: 'user', content: prompt}];
  } else {
    messages = chatMessages(body.messages);
  }
  const chat = x.opts.backend.chat({model, messages, ...opts}, x.controller.signal);
  const piece = (text: string) => (generate ? {response: text} : {message: {role: 'assistant', content: text}});

  if (!stream) {
    return x.collect(chat, model, (text, r) => ({model, created_at: createdAt, ...piece(text), ...doneFields(r, startedNs)}));
  }
  const head = `{"model":${JSON.stringify(model)},"created_at":${JSON.stringify(createdAt)},`;
  const format: StreamFormat = {
    contentType: 'application/x-ndjson',
    delta: generate
      ? (text) => `${head}"response":${JSON.stringify(text)},"done":false}\n`
      : (text) => `${head}"message":{"role":"assistant","content":${JSON.stringify(text)}},"done":false}\n`,
    // The done object waits for the completion hook: it carries the signed usage record itself, since Ollama clients
    // stop reading at the first `done: true` object.
    finish: () => '',
    close: (r, doc) =>
      ndjson({
        model,
        created_at: new Date(x.opts.now?.() ?? Date.now()).toISOString(),
        ...piece(''),
        ...doneFields(r, startedNs),
        ...(doc === undefined ? {} : {[USAGE_FIELD]: doc}),
      }),
  };
  return x.stream(chat, model, format, ndjson);
}
