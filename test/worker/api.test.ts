import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import http from 'node:http';
import {Ollama} from 'ollama';
import OpenAI from 'openai';
import {REQUEST_ID_HEADER, USAGE_FIELD, USAGE_HEADER, type CompletedUsage} from '../../src/lib/worker/api/handler.js';
import {SyntheticBackend} from './helpers/synthetic.js';
import {ndjsonLines, raw, serve, sseData, type TestServer} from './helpers/server.js';

const MESSAGES = [{role: 'user' as const, content: 'tell me a story'}];

describe('HTTP layer with the official OpenAI and Ollama clients', () => {
  const backend = new SyntheticBackend({tokens: 12});
  const completed: CompletedUsage[] = [];
  let srv: TestServer;
  let openai: OpenAI;
  let ollama: Ollama;

  beforeAll(async () => {
    srv = await serve({backend, hooks: {onComplete: (u) => void completed.push(u)}});
    openai = new OpenAI({baseURL: `${srv.url}/v1`, apiKey: 'unused', maxRetries: 0});
    ollama = new Ollama({host: srv.url});
  });
  afterAll(() => srv.close());

  it('streams OpenAI chat completions with a final usage chunk', async () => {
    const stream = await openai.chat.completions.create({model: 'synthetic', messages: MESSAGES, stream: true, stream_options: {include_usage: true}});
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    const finish: Array<string | null> = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.choices[0]?.finish_reason) finish.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(backend.textOf(12));
    expect(finish).toEqual(['stop']);
    expect(usage).toEqual({prompt_tokens: 4, completion_tokens: 12, total_tokens: 16});
  });

  it('answers non-streaming OpenAI completions, honouring max_tokens', async () => {
    const r = await openai.chat.completions.create({model: 'synthetic', messages: MESSAGES, max_tokens: 5});
    expect(r.object).toBe('chat.completion');
    expect(r.choices[0]!.message.content).toBe(backend.textOf(5));
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.usage).toEqual({prompt_tokens: 4, completion_tokens: 5, total_tokens: 9});
  });

  it('lists models for both clients', async () => {
    const page = await openai.models.list();
    expect(page.data.map((m) => m.id)).toEqual(['synthetic']);
    const tags = await ollama.list();
    expect(tags.models.map((m) => m.name)).toEqual(['synthetic']);
  });

  it('streams Ollama /api/chat and /api/generate, and answers them without streaming', async () => {
    let text = '';
    let last: {done?: boolean; prompt_eval_count?: number; eval_count?: number} = {};
    for await (const part of await ollama.chat({model: 'synthetic', messages: MESSAGES, stream: true, options: {num_predict: 7}})) {
      text += part.message.content;
      last = part;
    }
    expect(text).toBe(backend.textOf(7));
    expect(last).toMatchObject({done: true, prompt_eval_count: 4, eval_count: 7, done_reason: 'length'});

    let gen = '';
    for await (const part of await ollama.generate({model: 'synthetic', prompt: 'once upon a time', system: 'be brief', stream: true})) gen += part.response;
    expect(gen).toBe(backend.textOf(12));

    const whole = await ollama.chat({model: 'synthetic', messages: MESSAGES, stream: false});
    expect(whole.message.content).toBe(backend.textOf(12));
    expect(whole.eval_count).toBe(12);
    const g = await ollama.generate({model: 'synthetic', prompt: 'hi', stream: false});
    expect(g.response).toBe(backend.textOf(12));
    expect(g.prompt_eval_count).toBe(1);
  });

  it('reports each completed chat once to the completion hook', async () => {
    const before = completed.length;
    await openai.chat.completions.create({model: 'synthetic', messages: MESSAGES, max_tokens: 3});
    expect(completed.length).toBe(before + 1);
    expect(completed.at(-1)).toMatchObject({api: 'openai', endpoint: '/v1/chat/completions', model: 'synthetic', outcome: 'completed', inputTokens: 4, outputTokens: 3, finishReason: 'length'});
    expect(completed.at(-1)!.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('finishes 100 concurrent streams without error', async () => {
    const runs = Array.from({length: 100}, async (_, i) => {
      if (i % 2 === 0) {
        const s = await openai.chat.completions.create({model: 'synthetic', messages: MESSAGES, stream: true, max_tokens: 50});
        let t = '';
        for await (const c of s) t += c.choices[0]?.delta?.content ?? '';
        return t;
      }
      let t = '';
      for await (const p of await ollama.chat({model: 'synthetic', messages: MESSAGES, stream: true, options: {num_predict: 50}})) t += p.message.content;
      return t;
    });
    const texts = await Promise.all(runs);
    for (const t of texts) expect(t).toBe(backend.textOf(50));
  });
});

describe('HTTP layer hooks and errors', () => {
  it('checks authorization before reading the body, in each API\'s error shape, with the request id from the start', async () => {
    const backend = new SyntheticBackend();
    let seenIds = 0;
    const srv = await serve({
      backend,
      hooks: {
        requestId: () => `req${++seenIds}`,
        authorize: (req) => (req.headers.authorization === 'Bearer good' ? {ok: true, principal: 'handle-1'} : {ok: false, message: 'a valid API key is required'}),
      },
    });
    try {
      const o = await raw(srv.url, 'POST', '/v1/chat/completions', {model: 'synthetic', messages: MESSAGES});
      expect(o.status).toBe(401);
      expect(JSON.parse(o.body)).toEqual({error: {message: 'a valid API key is required', type: 'authentication_error', param: null, code: null}});
      expect(o.headers[REQUEST_ID_HEADER]).toBe('req1');
      const l = await raw(srv.url, 'POST', '/api/chat', {model: 'synthetic', messages: MESSAGES});
      expect(l.status).toBe(401);
      expect(JSON.parse(l.body)).toEqual({error: 'a valid API key is required'});
      expect(backend.started).toBe(0);

      const client = new OpenAI({baseURL: `${srv.url}/v1`, apiKey: 'bad', maxRetries: 0});
      await expect(client.chat.completions.create({model: 'synthetic', messages: MESSAGES})).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      const ok = new OpenAI({baseURL: `${srv.url}/v1`, apiKey: 'good', maxRetries: 0});
      const {response} = await ok.chat.completions.create({model: 'synthetic', messages: MESSAGES, stream: true}).withResponse();
      expect(response.headers.get(REQUEST_ID_HEADER)).toMatch(/^req\d+$/);
    } finally {
      await srv.close();
    }
  });

  it('appends the completion hook\'s document as the last event, and as a header when not streaming', async () => {
    const backend = new SyntheticBackend({tokens: 4});
    const srv = await serve({backend, hooks: {authorize: () => ({ok: true, principal: 'p'}), onComplete: (u) => ({signed: `${u.requestId}:${u.inputTokens}:${u.outputTokens}:${String(u.principal)}`})}});
    try {
      const s = await raw(srv.url, 'POST', '/v1/chat/completions', {model: 'synthetic', messages: MESSAGES, stream: true, stream_options: {include_usage: true}});
      const id = s.headers[REQUEST_ID_HEADER] as string;
      const events = sseData(s.body);
      expect(events.at(-1)).toBe('[DONE]');
      const usageChunk = JSON.parse(events.at(-3)!) as {choices: unknown[]; usage: unknown};
      expect(usageChunk).toMatchObject({choices: [], usage: {prompt_tokens: 4, completion_tokens: 4}});
      expect(JSON.parse(events.at(-2)!)).toMatchObject({choices: [], [USAGE_FIELD]: {signed: `${id}:4:4:p`}});

      const n = await raw(srv.url, 'POST', '/api/chat', {model: 'synthetic', messages: MESSAGES});
      const lines = ndjsonLines(n.body);
      // Ollama clients stop at the first `done: true` object: the document is in it, and nothing follows it.
      expect(lines.filter((l) => l.done === true)).toHaveLength(1);
      expect(lines.at(-1)).toMatchObject({done: true, eval_count: 4, [USAGE_FIELD]: {signed: `${n.headers[REQUEST_ID_HEADER]}:4:4:p`}});
      const gen = ndjsonLines((await raw(srv.url, 'POST', '/api/generate', {model: 'synthetic', prompt: 'once upon a time'})).body);
      expect(gen.filter((l) => l.done === true)).toHaveLength(1);
      expect(gen.at(-1)).toMatchObject({done: true, response: '', eval_count: 4, [USAGE_FIELD]: {signed: expect.stringMatching(/:4:4:p$/)}});

      const w = await raw(srv.url, 'POST', '/v1/chat/completions', {model: 'synthetic', messages: MESSAGES});
      const doc = {signed: `${w.headers[REQUEST_ID_HEADER]}:4:4:p`};
      expect(JSON.parse(Buffer.from(w.headers[USAGE_HEADER] as string, 'base64').toString())).toEqual(doc);
      expect(JSON.parse(w.body)[USAGE_FIELD]).toEqual(doc);
    } finally {
      await srv.close();
    }
  });

  it('a completion hook that fails ends the stream with an error event, never with a done object lacking the record', async () => {
    const backend = new SyntheticBackend({tokens: 3});
    const errors: unknown[] = [];
    const srv = await serve({backend, hooks: {onComplete: () => Promise.reject(new Error('log unavailable')), onError: (e) => void errors.push(e)}});
    try {
      for (const path of ['/api/chat', '/api/generate']) {
        const n = await raw(srv.url, 'POST', path, {model: 'synthetic', messages: MESSAGES, prompt: 'once upon a time'});
        const lines = ndjsonLines(n.body);
        expect(lines.filter((l) => l.done === true)).toEqual([]);
        expect(lines.at(-1)).toEqual({error: 'the usage record could not be made'});
      }
      const s = await raw(srv.url, 'POST', '/v1/chat/completions', {model: 'synthetic', messages: MESSAGES, stream: true});
      const events = sseData(s.body);
      expect(events).not.toContain('[DONE]');
      expect(JSON.parse(events.at(-1)!)).toMatchObject({error: {type: 'server_error'}});
      expect(errors).toHaveLength(3);
    } finally {
      await srv.close();
    }
  });

  it('answers bad requests with 400/404/405/413 in each API\'s shape, and nothing reaches the backend', async () => {
    const backend = new SyntheticBackend();
    const srv = await serve({backend, maxBodyBytes: 2048});
    try {
      const cases: Array<[string, string, unknown, number, RegExp]> = [
        ['POST', '/v1/chat/completions', '{not json', 400, /not valid JSON/],
        ['POST', '/v1/chat/completions', {model: 'synthetic'}, 400, /"messages" must be a non-empty array/],
        ['POST', '/v1/chat/completions', {model: 'synthetic', messages: [{role: 'wizard', content: 'x'}]}, 400, /role/],
        ['POST', '/v1/chat/completions', {model: 'synthetic', messages: MESSAGES, temperature: 7}, 400, /"temperature" must be a number from 0 to 2/],
        ['POST', '/v1/chat/completions', {model: 'synthetic', messages: MESSAGES, tools: [{type: 'function'}]}, 400, /"tools" is not supported/],
        ['POST', '/v1/chat/completions', {model: 'synthetic', messages: [{role: 'user', content: 'x'.repeat(4096)}]}, 413, /larger than 2048 bytes/],
        ['GET', '/v1/chat/completions', undefined, 405, /takes POST/],
        ['GET', '/v1/nothing', undefined, 404, /no route/],
        ['POST', '/api/chat', {model: 'synthetic', messages: MESSAGES, options: {num_predict: 'many'}}, 400, /options\.num_predict/],
        ['POST', '/api/generate', {model: 'synthetic', prompt: 5}, 400, /"prompt" and "system" must be strings/],
        ['POST', '/api/chat', {messages: MESSAGES}, 400, /"model" must be a non-empty string/],
      ];
      for (const [method, path, body, status, msg] of cases) {
        const r = await raw(srv.url, method, path, body);
        expect([path, r.status]).toEqual([path, status]);
        const j = JSON.parse(r.body) as {error: string | {message: string}};
        const message = path.startsWith('/api/') ? (j.error as string) : (j.error as {message: string}).message;
        expect(typeof message).toBe('string');
        expect(message).toMatch(msg);
      }
      expect(backend.started).toBe(0);
      const unknown = await raw(srv.url, 'POST', '/v1/chat/completions', {model: 'nope', messages: MESSAGES, stream: true});
      expect(unknown.status).toBe(404);
      expect(JSON.parse(unknown.body).error.code).toBe('model_not_found');
      const unknownOllama = await raw(srv.url, 'POST', '/api/chat', {model: 'nope', messages: MESSAGES});
      expect([unknownOllama.status, JSON.parse(unknownOllama.body).error]).toEqual([404, 'model "nope" not found']);
    } finally {
      await srv.close();
    }
  });

  it('turns an upstream failure into a 502 before the stream, or an error event during it, billing nothing', async () => {
    const completed: CompletedUsage[] = [];
    const early = new SyntheticBackend({failAfter: 0});
    const late = new SyntheticBackend({failAfter: 3});
    const a = await serve({backend: early, hooks: {onComplete: (u) => void completed.push(u)}});
    const b = await serve({backend: late, hooks: {onComplete: (u) => void completed.push(u)}});
    try {
      const r = await raw(a.url, 'POST', '/v1/chat/completions', {model: 'synthetic', messages: MESSAGES, stream: true});
      expect(r.status).toBe(502);
      expect(JSON.parse(r.body).error).toMatchObject({type: 'upstream_error', message: 'synthetic upstream failure'});
      const o = await raw(a.url, 'POST', '/api/generate', {model: 'synthetic', prompt: 'x'});
      expect([o.status, JSON.parse(o.body)]).toEqual([502, {error: 'synthetic upstream failure'}]);

      const client = new OpenAI({baseURL: `${b.url}/v1`, apiKey: 'x', maxRetries: 0});
      const s = await client.chat.completions.create({model: 'synthetic', messages: MESSAGES, stream: true});
      let got = '';
      await expect(
        (async () => {
          for await (const c of s) got += c.choices[0]?.delta?.content ?? '';
        })(),
      ).rejects.toThrow(/synthetic upstream failure/);
      expect(got).toBe(late.textOf(3));
      const ol = await raw(b.url, 'POST', '/api/chat', {model: 'synthetic', messages: MESSAGES});
      expect(ndjsonLines(ol.body).at(-1)).toEqual({error: 'synthetic upstream failure'});
      expect(completed).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('aborts generation when a client disconnects mid-stream and bills only delivered tokens', async () => {
    const backend = new SyntheticBackend({tokens: 10_000, delayMs: 2});
    const completed: CompletedUsage[] = [];
    let reported!: () => void;
    const done = new Promise<void>((r) => (reported = r));
    const srv = await serve({
      backend,
      hooks: {
        onComplete: (u) => {
          completed.push(u);
          reported();
        },
      },
    });
    try {
      let received = 0;
      await new Promise<void>((resolve, reject) => {
        const req = http.request(`${srv.url}/api/chat`, {method: 'POST', agent: false}, (res) => {
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            received += c.split('\n').filter(Boolean).length;
            if (received >= 5) {
              req.destroy();
              resolve();
            }
          });
        });
        req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(e)));
        req.end(JSON.stringify({model: 'synthetic', messages: MESSAGES}));
      });
      await done;
      expect(backend.aborted).toBe(1);
      expect(backend.completed).toBe(0);
      expect(backend.produced).toBeLessThan(10_000);
      expect(completed).toHaveLength(1);
      const u = completed[0]!;
      expect(u).toMatchObject({outcome: 'disconnected', inputTokens: 4, counted: 'local'});
      // Every token the client read was delivered; nothing beyond what the backend produced is billed.
      expect(u.outputTokens).toBeGreaterThanOrEqual(5);
      expect(u.outputTokens).toBeLessThanOrEqual(backend.produced);
    } finally {
      await srv.close();
    }
  });

  it('respects backpressure: a client that stops reading stops generation', async () => {
    const big = 'x'.repeat(64 * 1024);
    const backend = new SyntheticBackend({tokens: 100_000, piece: () => big});
    const srv = await serve({backend});
    try {
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.request(`${srv.url}/api/generate`, {method: 'POST', agent: false}, resolve);
        req.on('error', reject);
        req.end(JSON.stringify({model: 'synthetic', prompt: 'go'}));
      });
      res.pause();
      // Let the buffers fill until the producer waits for 'drain'.
      let last = -1;
      while (backend.produced !== last) {
        last = backend.produced;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(backend.produced).toBeLessThan(1000);
      res.destroy();
    } finally {
      await srv.close();
    }
  });
});
