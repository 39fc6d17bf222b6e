/**
 * The embedded engine as a backend (`--backend embedded`): the model of `src/lib/inference` (stories260K by
 * default, from `$SECRETAI_MODEL_DIR` or the shared models folder) run in this process.
 *
 * Messages become the prompt through the engine's `chatPrompt` template; the prompt is encoded with BOS. Counting
 * is exact and local (`counted: 'local'`): input = prompt tokens, output = tokens generated, one delta per token.
 * The engine's generator is synchronous per token, so the stream yields to the event loop after every token:
 * many concurrent chats share the process fairly and a client's disconnect is seen before the next token.
 */
import {setImmediate as nextTurn} from 'node:timers/promises';
import type {EmbeddedModel} from '../../inference/index.js';
import {abortError, BackendRequestError, chatStream, type BackendModel, type ChatRequest, type ChatResult, type ChatStream, type InferenceBackend} from '../backend.js';

/** Ollama clients name models `name:tag`; `:latest` means the one model of that name. */
const LATEST_TAG = ':latest';

export class EmbeddedBackend implements InferenceBackend {
  readonly kind = 'embedded';
  readonly description: string;

  constructor(private readonly model: EmbeddedModel) {
    this.description = `embedded ${model.name}`;
  }

  /** Loads the engine (imported only now: it is heavy) and its model from `dir` or the default folder. */
  static async load(opts: {dir?: string} = {}): Promise<EmbeddedBackend> {
    const {loadEmbeddedModel} = await import('../../inference/index.js');
    return new EmbeddedBackend(await loadEmbeddedModel(opts.dir ? {dir: opts.dir} : undefined));
  }

  async listModels(): Promise<BackendModel[]> {
    return [{name: this.model.name, contextLength: this.model.contextLength, ownedBy: 'secretai'}];
  }

  chat(request: ChatRequest, signal: AbortSignal): ChatStream {
    const model = this.model;
    let promptTokens = 0;
    async function* produce(): AsyncGenerator<{text: string; tokens: number}, ChatResult> {
      const name = request.model.endsWith(LATEST_TAG) ? request.model.slice(0, -LATEST_TAG.length) : request.model;
      if (name !== model.name) throw new BackendRequestError(`model "${request.model}" not found (this server has "${model.name}")`, 404);
      const {chatPrompt} = await import('../../inference/index.js');
      const prompt = model.encode(chatPrompt(request.messages), {bos: true});
      promptTokens = prompt.length;
      const room = model.contextLength - prompt.length;
      if (room < 1) {
        throw new BackendRequestError(`the prompt is ${prompt.length} tokens; ${model.name} has a context of ${model.contextLength}`, 400);
      }
      const maxTokens = Math.min(request.maxTokens ?? room, room);
      const gen = model.generate(prompt, {maxTokens, temperature: request.temperature, topP: request.topP, seed: request.seed, signal});
      let produced = 0;
      try {
        while (true) {
          if (signal.aborted) throw abortError(signal);
          const next = gen.next();
          if (next.done) break;
          produced++;
          yield {text: next.value.text, tokens: 1};
          await nextTurn();
        }
      } finally {
        gen.return(undefined);
      }
      return {inputTokens: promptTokens, outputTokens: produced, counted: 'local', finishReason: produced >= maxTokens ? 'length' : 'stop'};
    }
    return chatStream(produce, () => promptTokens);
  }
}
