/**
 * TEST HELPER, not production: a fast synthetic inference backend. It "generates" `tok<i> ` pieces with no model,
 * so tests and benchmarks measure the HTTP layer alone, and it records what happened (aborts, tokens produced).
 */
import {setImmediate as nextTurn, setTimeout as sleep} from 'node:timers/promises';
import {abortError, BackendRequestError, chatStream, UpstreamError, type BackendModel, type ChatRequest, type ChatResult, type ChatStream, type InferenceBackend} from '../../../src/lib/worker/backend.js';

export interface SyntheticOptions {
  model?: string;
  /** Tokens per chat when the request sets no limit (default 32). */
  tokens?: number;
  /** Milliseconds between tokens (default 0: only a turn of the event loop). */
  delayMs?: number;
  /** Text of token i (default `tok<i> `). */
  piece?: (i: number) => string;
  /** Throw an UpstreamError before the first token, or after this many tokens. */
  failAfter?: number;
}

export class SyntheticBackend implements InferenceBackend {
  readonly kind = 'synthetic';
  readonly description = 'synthetic test backend (not a model)';
  readonly model: string;
  /** Chats started, aborted, completed; tokens produced in all. */
  started = 0;
  aborted = 0;
  completed = 0;
  produced = 0;

  constructor(private readonly opts: SyntheticOptions = {}) {
    this.model = opts.model ?? 'synthetic';
  }

  async listModels(): Promise<BackendModel[]> {
    return [{name: this.model, contextLength: 4096, ownedBy: 'secretai-test'}];
  }

  /** The full text a chat of `n` tokens produces. */
  textOf(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += this.piece(i);
    return s;
  }

  piece(i: number): string {
    return this.opts.piece ? this.opts.piece(i) : `tok${i} `;
  }

  /** Input tokens the synthetic backend bills: whitespace-separated words of all messages. */
  static inputTokens(req: Pick<ChatRequest, 'messages'>): number {
    return req.messages.reduce((n, m) => n + m.content.split(/\s+/).filter(Boolean).length, 0);
  }

  chat(req: ChatRequest, signal: AbortSignal): ChatStream {
    const self = this;
    const input = SyntheticBackend.inputTokens(req);
    async function* produce(): AsyncGenerator<{text: string; tokens: number}, ChatResult> {
      self.started++;
      if (req.model !== self.model) throw new BackendRequestError(`model "${req.model}" not found`, 404);
      const n = req.maxTokens ?? self.opts.tokens ?? 32;
      try {
        for (let i = 0; i < n; i++) {
          if (self.opts.failAfter === i) throw new UpstreamError('synthetic upstream failure');
          if (signal.aborted) throw abortError(signal);
          self.produced++;
          yield {text: self.piece(i), tokens: 1};
          if (self.opts.delayMs) await sleep(self.opts.delayMs, undefined, {signal}).catch(() => undefined);
          else await nextTurn();
        }
        if (signal.aborted) throw abortError(signal);
      } finally {
        // Stopped by an abort, or by the consumer leaving (return()) after its client went away.
        if (signal.aborted) self.aborted++;
      }
      self.completed++;
      return {inputTokens: input, outputTokens: n, counted: 'local', finishReason: req.maxTokens !== undefined ? 'length' : 'stop'};
    }
    return chatStream(produce, () => input);
  }
}
