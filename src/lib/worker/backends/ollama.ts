/**
 * An Ollama server as the backend (`--backend ollama=URL`): `POST /api/chat` with `stream: true`, whose NDJSON
 * chunks are passed on as they arrive; `GET /api/tags` lists the models.
 *
 * Counting: Ollama's final chunk reports `prompt_eval_count` and `eval_count`, which are used as they are
 * (`counted: 'upstream'`). When it omits them (older servers, a prompt served from its cache reports no
 * `prompt_eval_count`), the missing count is counted here (`counted: 'local'`): output = the number of content
 * chunks (Ollama streams one token per chunk), input = {@link estimatePromptTokens}.
 */
import {abortError, chatStream, UpstreamError, type BackendModel, type ChatRequest, type ChatResult, type ChatStream, type InferenceBackend} from '../backend.js';
import {bodyLines, countField, estimatePromptTokens, upstreamAgent, upstreamJson, upstreamRequest} from './upstream.js';
import type {Agent} from 'node:http';

interface OllamaChunk {
  message?: {content?: unknown};
  done?: unknown;
  done_reason?: unknown;
  prompt_eval_count?: unknown;
  eval_count?: unknown;
  error?: unknown;
}

export class OllamaBackend implements InferenceBackend {
  readonly kind = 'ollama';
  readonly description: string;
  private readonly agent: Agent;

  /** `baseUrl`: the server's root, e.g. `http://127.0.0.1:11434` (no trailing slash). */
  constructor(readonly baseUrl: string) {
    this.description = `ollama at ${baseUrl}`;
    this.agent = upstreamAgent(baseUrl);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  async listModels(signal?: AbortSignal): Promise<BackendModel[]> {
    const j = (await upstreamJson({method: 'GET', url: `${this.baseUrl}/api/tags`, signal, agent: this.agent})) as {models?: Array<{name?: unknown; size?: unknown}>};
    if (!Array.isArray(j?.models)) throw new UpstreamError('the Ollama server\'s /api/tags answer has no models list');
    return j.models
      .filter((m) => typeof m?.name === 'string')
      .map((m) => ({name: m.name as string, ownedBy: 'ollama', ...(countField(m.size) !== undefined ? {size: m.size as number} : {})}));
  }

  chat(request: ChatRequest, signal: AbortSignal): ChatStream {
    const estimate = estimatePromptTokens(request.messages);
    let reportedInput: number | undefined;
    const url = `${this.baseUrl}/api/chat`;
    const options: Record<string, number> = {};
    if (request.temperature !== undefined) options.temperature = request.temperature;
    if (request.topP !== undefined) options.top_p = request.topP;
    if (request.seed !== undefined) options.seed = request.seed;
    if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
    const agent = this.agent;
    const body = {model: request.model, messages: request.messages, stream: true, ...(Object.keys(options).length ? {options} : {})};

    async function* produce(): AsyncGenerator<{text: string; tokens: number}, ChatResult> {
      const res = await upstreamRequest({method: 'POST', url, body, signal, agent});
      let chunks = 0;
      for await (const line of bodyLines(res, signal)) {
        let c: OllamaChunk;
        try {
          c = JSON.parse(line) as OllamaChunk;
        } catch {
          throw new UpstreamError('the Ollama server sent a line that is not JSON');
        }
        if (c.error !== undefined) throw new UpstreamError(`the Ollama server failed: ${String(typeof c.error === 'string' ? c.error : JSON.stringify(c.error)).slice(0, 300)}`);
        const text = typeof c.message?.content === 'string' ? c.message.content : '';
        if (c.done === true) {
          if (text) {
            chunks++;
            yield {text, tokens: 1};
          }
          reportedInput = countField(c.prompt_eval_count);
          const output = countField(c.eval_count);
          const upstream = reportedInput !== undefined && output !== undefined;
          return {
            inputTokens: reportedInput ?? estimate,
            outputTokens: output ?? chunks,
            counted: upstream ? 'upstream' : 'local',
            finishReason: c.done_reason === 'length' ? 'length' : 'stop',
          };
        }
        if (text) {
          chunks++;
          yield {text, tokens: 1};
        }
      }
      if (signal.aborted) throw abortError(signal);
      throw new UpstreamError('the Ollama server ended the stream without its final chunk');
    }
    return chatStream(produce, () => reportedInput ?? estimate);
  }
}
