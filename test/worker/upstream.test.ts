import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {Ollama} from 'ollama';
import OpenAI from 'openai';
import {parseBackend, UpstreamError, BackendRequestError} from '../../src/lib/worker/backend.js';
import {OllamaBackend} from '../../src/lib/worker/backends/ollama.js';
import {OpenAiBackend} from '../../src/lib/worker/backends/openai.js';
import {estimatePromptTokens} from '../../src/lib/worker/backends/upstream.js';
import {startModelServer, type RunningModelServer} from '../../src/lib/worker/model-serve.js';
import type {CompletedUsage} from '../../src/lib/worker/api/handler.js';
import {UsageError} from '../../src/lib/errors.js';
import {SyntheticBackend} from './helpers/synthetic.js';
import {raw} from './helpers/server.js';

const MESSAGES = [{role: 'user' as const, content: 'tell me a story'}];

describe('parseBackend', () => {
  it('reads embedded, ollama=URL and openai=URL', () => {
    expect(parseBackend('embedded')).toEqual({kind: 'embedded'});
    expect(parseBackend('ollama=http://127.0.0.1:11434/')).toEqual({kind: 'ollama', url: 'http://127.0.0.1:11434'});
    expect(parseBackend('openai=https://api.example.com/v1')).toEqual({kind: 'openai', url: 'https://api.example.com/v1'});
  });

  it('refuses other forms, other schemes, credentials and queries as usage errors', () => {
    for (const bad of ['', 'llama', 'vllm=http://x', 'ollama=', 'ollama=not a url', 'openai=ftp://x', 'openai=http://user:secret@host', 'openai=http://h/?key=1']) {
      expect(() => parseBackend(bad)).toThrow(UsageError);
    }
    try {
      parseBackend('openai=http://user:secret@host');
    } catch (e) {
      expect((e as Error).message).not.toContain('secret');
    }
  });
});

describe('upstream backends behind model serve (proxy)', () => {
  const synthetic = new SyntheticBackend({tokens: 20});
  const proxied: CompletedUsage[] = [];
  let upstream: RunningModelServer;
  let viaOpenAi: RunningModelServer;
  let viaOllama: RunningModelServer;

  beforeAll(async () => {
    upstream = await startModelServer({backend: synthetic, port: 0});
    const hooks = {onComplete: (u: CompletedUsage) => void proxied.push(u)};
    viaOpenAi = await startModelServer({backend: `openai=${upstream.result.url}`, port: 0, hooks});
    viaOllama = await startModelServer({backend: `ollama=${upstream.result.url}`, port: 0, hooks});
  });
  afterAll(async () => {
    await Promise.all([viaOpenAi.stop(), viaOllama.stop()]);
    await upstream.stop();
  });

  it('streams through an openai= backend to the OpenAI client, using the upstream\'s counts', async () => {
    const client = new OpenAI({baseURL: `${viaOpenAi.result.url}/v1`, apiKey: 'unused', maxRetries: 0});
    const stream = await client.chat.completions.create({model: 'synthetic', messages: MESSAGES, stream: true, stream_options: {include_usage: true}, max_tokens: 9});
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      if (c.usage) usage = c.usage;
    }
    expect(text).toBe(synthetic.textOf(9));
    expect(usage).toEqual({prompt_tokens: 4, completion_tokens: 9, total_tokens: 13});
    expect(proxied.at(-1)).toMatchObject({outcome: 'completed', inputTokens: 4, outputTokens: 9, counted: 'upstream', finishReason: 'length'});
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['synthetic']);
  });

  it('streams through an ollama= backend to the Ollama client, using the upstream\'s counts', async () => {
    const client = new Ollama({host: viaOllama.result.url});
    let text = '';
    for await (const p of await client.chat({model: 'synthetic', messages: MESSAGES, stream: true})) text += p.message.content;
    expect(text).toBe(synthetic.textOf(20));
    expect(proxied.at(-1)).toMatchObject({outcome: 'completed', inputTokens: 4, outputTokens: 20, counted: 'upstream', finishReason: 'stop'});
    expect((await client.list()).models.map((m) => m.name)).toEqual(['synthetic']);
  });

  it('passes an unknown model on as 404 and an unreachable upstream as 502', async () => {
    const r = await raw(viaOpenAi.result.url, 'POST', '/v1/chat/completions', {model: 'nope', messages: MESSAGES, stream: true});
    expect(r.status).toBe(404);
    const dead = await startModelServer({backend: 'ollama=http://127.0.0.1:9', port: 0});
    try {
      const d = await raw(dead.result.url, 'POST', '/api/chat', {model: 'synthetic', messages: MESSAGES});
      expect(d.status).toBe(502);
      expect(JSON.parse(d.body).error).toMatch(/upstream server at http:\/\/127\.0\.0\.1:9 failed/);
    } finally {
      await dead.stop();
    }
  });
});

/** A tiny fake upstream that streams what the test gives it. */
async function fakeUpstream(handler: http.RequestListener): Promise<{url: string; close(): Promise<void>}> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

async function drain(stream: AsyncIterable<{text: string}>): Promise<string> {
  let t = '';
  for await (const d of stream) t += d.text;
  return t;
}

describe('upstream counting and failures', () => {
  it('counts locally when an OpenAI-compatible server reports no usage: chunks out, bytes / 4 in', async () => {
    const up = await fakeUpstream((_req, res) => {
      res.writeHead(200, {'content-type': 'text/event-stream'});
      for (const t of ['Hel', 'lo', ' there']) res.write(`data: ${JSON.stringify({choices: [{delta: {content: t}, finish_reason: null}]})}\n\n`);
      res.write(`data: ${JSON.stringify({choices: [{delta: {}, finish_reason: 'stop'}]})}\n\n`);
      res.end('data: [DONE]\n\n');
    });
    try {
      const chat = new OpenAiBackend(up.url).chat({model: 'm', messages: MESSAGES}, new AbortController().signal);
      expect(await drain(chat)).toBe('Hello there');
      expect(chat.result()).toEqual({inputTokens: estimatePromptTokens(MESSAGES), outputTokens: 3, counted: 'local', finishReason: 'stop'});
      expect(estimatePromptTokens(MESSAGES)).toBe(Math.ceil(('user'.length + 'tell me a story'.length) / 4) + 1);
    } finally {
      await up.close();
    }
  });

  it('turns upstream error events, broken streams and error statuses into typed errors', async () => {
    let mode = '';
    const up = await fakeUpstream((_req, res) => {
      if (mode === 'status') {
        res.writeHead(500, {'content-type': 'application/json'});
        res.end(JSON.stringify({error: {message: 'out of memory'}}));
      } else if (mode === 'missing') {
        res.writeHead(404, {'content-type': 'application/json'});
        res.end(JSON.stringify({error: 'model "m" not found, try pulling it first'}));
      } else if (mode === 'ollama-error') {
        res.writeHead(200, {'content-type': 'application/x-ndjson'});
        res.write(`${JSON.stringify({message: {content: 'a'}, done: false})}\n`);
        res.end(`${JSON.stringify({error: 'llama runner crashed'})}\n`);
      } else {
        res.writeHead(200, {'content-type': 'text/event-stream'});
        res.end(`data: ${JSON.stringify({choices: [{delta: {content: 'a'}}]})}\n\n`);
      }
    });
    const signal = new AbortController().signal;
    try {
      mode = 'status';
      await expect(drain(new OpenAiBackend(up.url).chat({model: 'm', messages: MESSAGES}, signal))).rejects.toThrow(new UpstreamError('the upstream server answered 500: out of memory'));
      mode = 'missing';
      await expect(drain(new OllamaBackend(up.url).chat({model: 'm', messages: MESSAGES}, signal))).rejects.toBeInstanceOf(BackendRequestError);
      mode = 'ollama-error';
      await expect(drain(new OllamaBackend(up.url).chat({model: 'm', messages: MESSAGES}, signal))).rejects.toThrow(/llama runner crashed/);
      mode = 'truncated';
      await expect(drain(new OpenAiBackend(up.url).chat({model: 'm', messages: MESSAGES}, signal))).rejects.toThrow(/without \[DONE\]/);
    } finally {
      await up.close();
    }
  });

  it('aborts the upstream request when the chat is aborted', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    const up = await fakeUpstream((req, res) => {
      res.writeHead(200, {'content-type': 'application/x-ndjson'});
      const timer = setInterval(() => res.write(`${JSON.stringify({message: {content: 'x'}, done: false})}\n`), 5);
      res.on('close', () => {
        clearInterval(timer);
        upstreamClosed();
      });
      req.resume();
    });
    try {
      const ac = new AbortController();
      const chat = new OllamaBackend(up.url).chat({model: 'm', messages: MESSAGES}, ac.signal);
      let n = 0;
      await expect(
        (async () => {
          for await (const _ of chat) if (++n === 3) ac.abort();
        })(),
      ).rejects.toMatchObject({name: 'AbortError'});
      await closed;
      expect(chat.inputTokens()).toBe(estimatePromptTokens(MESSAGES));
    } finally {
      await up.close();
    }
  });
});
