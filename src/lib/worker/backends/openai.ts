/**
 * An OpenAI-compatible server as the backend (`--backend openai=URL`; vLLM, llama.cpp's server, LiteLLM, another
 * `model serve`…): `POST /v1/chat/completions` with `stream: true` and `stream_options.include_usage`, whose SSE
 * chunks are passed on as they arrive; `GET /v1/models` lists the models. The URL is the server root or its `/v1`
 * base. A bearer key, when the server needs one, comes from `SECRETAI_BACKEND_API_KEY` (never the command line).
 *
 * Counting: the final usage chunk's `prompt_tokens` / `completion_tokens` are used as they are
 * (`counted: 'upstream'`). A server that ignores `include_usage` sends none; then output = the number of content
 * chunks (such servers stream one token per chunk) and input = {@link estimatePromptTokens} (`counted: 'local'`).
 */
import {createParser, type EventSourceMessage} from 'eventsource-parser';
import {StringDecoder} from 'node:string_decoder';
import {abortError, chatStream, UpstreamError, type BackendModel, type ChatRequest, type ChatResult, type ChatStream, type InferenceBackend} from '../backend.js';
import {countField, estimatePromptTokens, MAX_STREAM_LINE_CHARS, streamError, upstreamAgent, upstreamJson, upstreamRequest} from './upstream.js';
import type {Agent} from 'node:http';
import type http from 'node:http';

/** Environment variable holding the upstream server's API key. */
export const BACKEND_API_KEY_ENV = 'SECRETAI_BACKEND_API_KEY';

interface OpenAiChunk {
  choices?: Array<{delta?: {content?: unknown}; finish_reason?: unknown}>;
  usage?: {prompt_tokens?: unknown; completion_tokens?: unknown} | null;
  error?: unknown;
}

export class OpenAiBackend implements InferenceBackend {
  readonly kind = 'openai';
  readonly description: string;
  /** The `/v1` base URL. */
  readonly apiBase: string;
  private readonly headers: Record<string, string>;
  private readonly agent: Agent;

  /** `url`: the server root or its `/v1` base; `apiKey`: the bearer key, if the server needs one. */
  constructor(url: string, apiKey?: string) {
    this.apiBase = /\/v1$/.test(url) ? url : `${url}/v1`;
    this.description = `OpenAI-compatible server at ${url}`;
    this.headers = apiKey ? {authorization: `Bearer ${apiKey}`} : {};
    this.agent = upstreamAgent(url);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  async listModels(signal?: AbortSignal): Promise<BackendModel[]> {
    const j = (await upstreamJson({method: 'GET', url: `${this.apiBase}/models`, headers: this.headers, signal, agent: this.agent})) as {data?: Array<{id?: unknown; owned_by?: unknown}>};
    if (!Array.isArray(j?.data)) throw new UpstreamError('the upstream server\'s /v1/models answer has no data list');
    return j.data
      .filter((m) => typeof m?.id === 'string')
      .map((m) => ({name: m.id as string, ...(typeof m.owned_by === 'string' ? {ownedBy: m.owned_by} : {})}));
  }

  chat(request: ChatRequest, signal: AbortSignal): ChatStream {
    const estimate = estimatePromptTokens(request.messages);
    let reportedInput: number | undefined;
    const url = `${this.apiBase}/chat/completions`;
    const body: Record<string, unknown> = {
      model: request.model,
      messages: request.messages,
      stream: true,
      stream_options: {include_usage: true},
    };
    if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.topP !== undefined) body.top_p = request.topP;
    if (request.seed !== undefined) body.seed = request.seed;
    const headers = this.headers;
    const agent = this.agent;

    async function* produce(): AsyncGenerator<{text: string; tokens: number}, ChatResult> {
      const res = await upstreamRequest({method: 'POST', url, body, headers, signal, agent});
      let chunks = 0;
      let finish: unknown;
      let usage: OpenAiChunk['usage'];
      let done = false;
      for await (const data of sseData(res, signal)) {
        if (data === '[DONE]') {
          done = true;
          break;
        }
        let c: OpenAiChunk;
        try {
          c = JSON.parse(data) as OpenAiChunk;
        } catch {
          throw new UpstreamError('the upstream server sent an event that is not JSON');
        }
        if (c.error !== undefined && c.error !== null) {
          const msg = typeof c.error === 'string' ? c.error : (c.error as {message?: unknown}).message;
          throw new UpstreamError(`the upstream server failed: ${String(msg ?? 'unknown error').slice(0, 300)}`);
        }
        if (c.usage) usage = c.usage;
        const choice = c.choices?.[0];
        if (choice?.finish_reason) finish = choice.finish_reason;
        const text = typeof choice?.delta?.content === 'string' ? choice.delta.content : '';
        if (text) {
          chunks++;
          yield {text, tokens: 1};
        }
      }
      if (!done) {
        if (signal.aborted) throw abortError(signal);
        throw new UpstreamError('the upstream server ended the stream without [DONE]');
      }
      reportedInput = countField(usage?.prompt_tokens);
      const output = countField(usage?.completion_tokens);
      return {
        inputTokens: reportedInput ?? estimate,
        outputTokens: output ?? chunks,
        counted: reportedInput !== undefined && output !== undefined ? 'upstream' : 'local',
        finishReason: finish === 'length' ? 'length' : 'stop',
      };
    }
    return chatStream(produce, () => reportedInput ?? estimate);
  }
}

/** The `data` of each server-sent event of a response, as the events arrive. */
async function* sseData(res: http.IncomingMessage, signal: AbortSignal): AsyncGenerator<string> {
  const queue: string[] = [];
  let tooLarge = false;
  const parser = createParser({
    maxBufferSize: MAX_STREAM_LINE_CHARS,
    onEvent: (e: EventSourceMessage) => {
      if (e.event === undefined || e.event === 'message') queue.push(e.data);
    },
    onError: (e) => {
      if (e.type === 'max-buffer-size-exceeded') tooLarge = true;
    },
  });
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      parser.feed(decoder.write(chunk));
      if (tooLarge) throw new UpstreamError('the upstream server sent an event larger than 1 MiB');
      while (queue.length > 0) yield queue.shift()!;
    }
    parser.feed(decoder.end());
    parser.feed('\n\n');
  } catch (err) {
    throw streamError(err, signal);
  } finally {
    if (!res.complete) res.destroy();
  }
  while (queue.length > 0) yield queue.shift()!;
}
