/**
 * The OpenAI routes: `POST /v1/chat/completions` (SSE when `stream` is true — `chat.completion.chunk` events, a
 * final usage chunk with empty `choices` when `stream_options.include_usage` is set, then `data: [DONE]`; one
 * `chat.completion` JSON otherwise) and `GET /v1/models`. Errors: `{"error":{"message","type","param","code"}}`.
 */
import type {ChatRequest, ChatResult} from '../backend.js';
import type {ErrorShape, Exchange, StreamFormat} from './exchange.js';
import {chatMessages, optionalBoolean, optionalInteger, optionalNumber, optionalObject, refuseUnsupported, requiredString} from './params.js';
import {USAGE_FIELD} from './types.js';

/** Largest token limit accepted in a request. */
const MAX_TOKENS_LIMIT = 1_000_000;
/** Largest seed accepted (a safe 32-bit-range integer; engines take 32-bit seeds). */
const MAX_SEED = 0xffff_ffff;

export const openAiError: ErrorShape = (status, message, type) => ({
  error: {message, type, param: null, code: status === 404 ? 'model_not_found' : null},
});

/** `data: <json>\n\n`. */
function sse(obj: unknown): string {
  return `data: ${JSON.stringify(obj)}\n\n`;
}

/** `GET /v1/models`. */
export async function openAiModels(x: Exchange, created: number): Promise<void> {
  const models = await x.opts.backend.listModels(x.controller.signal);
  x.sendJson(200, {object: 'list', data: models.map((m) => ({id: m.name, object: 'model', created, owned_by: m.ownedBy ?? 'secretai'}))});
}

/** `POST /v1/chat/completions`. */
export async function openAiChat(x: Exchange, body: Record<string, unknown>, nowMs: number): Promise<void> {
  const model = requiredString(body, 'model');
  const messages = chatMessages(body.messages);
  optionalInteger(body, 'n', 1, 1); // one choice only
  refuseUnsupported(body, ['tools', 'functions', 'stop', 'logprobs', 'response_format', 'audio']);
  const maxTokens = optionalInteger(body, 'max_completion_tokens', 1, MAX_TOKENS_LIMIT) ?? optionalInteger(body, 'max_tokens', 1, MAX_TOKENS_LIMIT);
  const request: ChatRequest = {
    model,
    messages,
    maxTokens,
    temperature: optionalNumber(body, 'temperature', 0, 2),
    topP: optionalNumber(body, 'top_p', 0, 1),
    seed: optionalInteger(body, 'seed', 0, MAX_SEED),
  };
  const stream = optionalBoolean(body, 'stream') ?? false;
  const streamOptions = optionalObject(body, 'stream_options');
  const includeUsage = (streamOptions && optionalBoolean(streamOptions, 'include_usage', 'stream_options.')) ?? false;
  const chat = x.opts.backend.chat(request, x.controller.signal);
  const id = `chatcmpl-${x.requestId}`;
  const created = Math.floor(nowMs / 1000);
  const usageOf = (r: ChatResult) => ({prompt_tokens: r.inputTokens, completion_tokens: r.outputTokens, total_tokens: r.inputTokens + r.outputTokens});

  if (!stream) {
    return x.collect(chat, model, (text, r) => ({
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{index: 0, message: {role: 'assistant', content: text, refusal: null}, logprobs: null, finish_reason: r.finishReason}],
      usage: usageOf(r),
    }));
  }

  // The constant head and tail of every content chunk, serialised once.
  const extra = includeUsage ? ',"usage":null' : '';
  const head = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":{`;
  let first = true;
  const format: StreamFormat = {
    contentType: 'text/event-stream; charset=utf-8',
    delta(text) {
      const role = first ? '"role":"assistant",' : '';
      first = false;
      return `${head}${role}"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}]${extra}}\n\n`;
    },
    finish(r) {
      const base = {id, object: 'chat.completion.chunk', created, model};
      let out = sse({...base, choices: [{index: 0, delta: {}, logprobs: null, finish_reason: r.finishReason}], ...(includeUsage ? {usage: null} : {})});
      if (includeUsage) out += sse({...base, choices: [], usage: usageOf(r)});
      return out;
    },
    close(_r, doc) {
      const record = doc === undefined ? '' : sse({id, object: 'chat.completion.chunk', created, model, choices: [], [USAGE_FIELD]: doc});
      return `${record}data: [DONE]\n\n`;
    },
  };
  return x.stream(chat, model, format, sse);
}
