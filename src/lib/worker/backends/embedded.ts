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
import {chatPrompt, loadEmbeddedModel, type EmbeddedModel} from '../../inference/index.js';
import {abortError, BackendRequestError, chatStream, type BackendModel, type ChatRequest, type ChatResult, type ChatStream, type InferenceBackend} from '../backend.js';

/** Ollama clients name models `name:tag`; `:latest` means the one model of that name. */
const LATEST_TAG = ':latest';

export class EmbeddedBackend implements InferenceBackend {
  readonly kind = 'embedded';
  readonly description: string;

  /** `template` turns messages into the prompt text (default: the engine's `chatPrompt`). */
  constructor(
    private readonly model: EmbeddedModel,
    private readonly template: (messages: ChatRequest['messages']) => string = chatPrompt,
  ) {
    this.description = `embedded ${model.name}`;
  }

  /** Loads the model from `dir` or the engine's default folder (this module is itself imported only when needed). */
  static async load(opts: {dir?: string} = {}): Promise<EmbeddedBackend> {
    return new EmbeddedBackend(await loadEmbeddedModel(opts.dir ? {dir: opts.dir} : undefined));
  }

  async listModels(): Promise<BackendModel[]> {
    return [{name: this.model.name, contextLength: this.model.contextLength, ownedBy: 'secretai'}];
  }

  chat(request: ChatRequest, signal: AbortSignal): ChatStream {
    const model = this.model;
    const template = this.template;
    let promptTokens = 0;
    async function* produce(): AsyncGenerator<{text: string; tokens: number}, ChatResult> {
      const name = request.model.endsWith(LATEST_TAG) ? request.model.slice(0, -LATEST_TAG.length) : request.model;
      if (name !== model.name) throw new BackendRequestError(`model "${request.model}" not found (this server has "${model.name}")`, 404);
      const prompt = model.encode(template(request.messages), {bos: true});
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
