import {describe, expect, it} from '@jest/globals';
import type {EmbeddedModel, GenerateOptions, GeneratedPiece} from '../../src/lib/inference/index.js';
import {BackendRequestError, type ChatMessage} from '../../src/lib/worker/backend.js';
import {EmbeddedBackend} from '../../src/lib/worker/backends/embedded.js';

/**
 * A stand-in with the engine's EmbeddedModel interface (the real engine is tested on its own): one token per
 * character of the prompt text, and generation that emits `w<i>` up to maxTokens or an end after `stopAfter`.
 */
function fakeModel(stopAfter = Infinity): EmbeddedModel & {calls: GenerateOptions[]} {
  const calls: GenerateOptions[] = [];
  return {
    name: 'stories260K',
    contextLength: 64,
    calls,
    encode: (text: string, opts?: {bos?: boolean}) => [...(opts?.bos ? [1] : []), ...[...text].map((c) => c.charCodeAt(0))],
    *generate(_prompt: number[], opts: GenerateOptions): Generator<GeneratedPiece> {
      calls.push(opts);
      for (let i = 0; i < opts.maxTokens && i < stopAfter; i++) yield {token: 100 + i, text: `w${i} `};
    },
  } as unknown as EmbeddedModel & {calls: GenerateOptions[]};
}

const template = (messages: ChatMessage[]) => messages.at(-1)!.content;
const USER = [{role: 'user', content: 'Once'}];

async function run(b: EmbeddedBackend, req: Parameters<EmbeddedBackend['chat']>[0], signal = new AbortController().signal) {
  const chat = b.chat(req, signal);
  let text = '';
  for await (const d of chat) text += d.text;
  return {text, result: chat.result()};
}

describe('embedded backend over the engine interface', () => {
  it('counts prompt tokens with BOS and one output token per piece, and fills the context by default', async () => {
    const m = fakeModel();
    const r = await run(new EmbeddedBackend(m, template), {model: 'stories260K', messages: USER, temperature: 0, seed: 7});
    expect(r.result).toEqual({inputTokens: 5, outputTokens: 59, counted: 'local', finishReason: 'length'});
    expect(m.calls[0]).toMatchObject({maxTokens: 59, temperature: 0, seed: 7});
    const s = await run(new EmbeddedBackend(fakeModel(3), template), {model: 'stories260K:latest', messages: USER, maxTokens: 10});
    expect(s).toEqual({text: 'w0 w1 w2 ', result: {inputTokens: 5, outputTokens: 3, counted: 'local', finishReason: 'stop'}});
  });

  it('refuses another model (404) and a prompt that fills the context (400)', async () => {
    const b = new EmbeddedBackend(fakeModel(), template);
    await expect(run(b, {model: 'llama3', messages: USER})).rejects.toMatchObject({status: 404});
    await expect(run(b, {model: 'stories260K', messages: [{role: 'user', content: 'x'.repeat(63)}]})).rejects.toBeInstanceOf(BackendRequestError);
  });

  it('yields to the event loop between tokens, so concurrent chats interleave and an abort stops generation', async () => {
    const b = new EmbeddedBackend(fakeModel(), template);
    const order: string[] = [];
    const ac = new AbortController();
    const one = async (tag: string, signal: AbortSignal) => {
      let n = 0;
      try {
        for await (const _ of b.chat({model: 'stories260K', messages: USER, maxTokens: 20}, signal)) {
          order.push(tag);
          if (tag === 'b' && ++n === 5) ac.abort();
        }
      } catch (err) {
        return (err as Error).name;
      }
      return 'done';
    };
    const [a, bb] = await Promise.all([one('a', new AbortController().signal), one('b', ac.signal)]);
    expect([a, bb]).toEqual(['done', 'AbortError']);
    expect(order.filter((t) => t === 'b')).toHaveLength(5);
    expect(order.slice(0, 4)).toEqual(['a', 'b', 'a', 'b']);
  });
});
