import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {chatPrompt, defaultModelDir, loadEmbeddedModel, type EmbeddedModel, type GenerateOptions} from '../../src/lib/inference/index.js';
import {caught} from '../chain/helpers/caught.js';
import {describeShared, repoRoot, sharedPath} from '../helpers/shared.js';

/** The golden continuation of ../shared/models/stories260K/README.md (BOS + "Once upon a time", temperature 0, 64 tokens). */
const GOLDEN =
  ", there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\nLily's mom said";

const modelDir = sharedPath('models', 'stories260K');

function collect(model: EmbeddedModel, prompt: number[], opts: GenerateOptions): {tokens: number[]; text: string} {
  const tokens: number[] = [];
  let text = '';
  for (const piece of model.generate(prompt, opts)) {
    tokens.push(piece.token);
    text += piece.text;
  }
  return {tokens, text};
}

describe('chat template of the embedded model', () => {
  it('takes the last user message as the story start and ignores system and assistant messages', () => {
    expect(
      chatPrompt([
        {role: 'system', content: 'You are helpful.'},
        {role: 'user', content: 'first'},
        {role: 'assistant', content: 'reply'},
        {role: 'user', content: 'Once upon a time'},
        {role: 'assistant', content: 'partial'},
      ]),
    ).toBe('Once upon a time');
    expect(chatPrompt([{role: 'system', content: 'only a system message'}])).toBe('');
    expect(chatPrompt([])).toBe('');
  });
});

describe('model folder', () => {
  it('is $SECRETAI_MODEL_DIR when set, else models/stories260K in $SECRETAI_SHARED, else in ../shared beside the repository', () => {
    const saved = {model: process.env.SECRETAI_MODEL_DIR, shared: process.env.SECRETAI_SHARED};
    try {
      process.env.SECRETAI_MODEL_DIR = 'some/relative/dir';
      process.env.SECRETAI_SHARED = '/elsewhere/shared';
      expect(defaultModelDir()).toBe(path.resolve('some/relative/dir'));
      delete process.env.SECRETAI_MODEL_DIR;
      expect(defaultModelDir()).toBe(path.resolve('/elsewhere/shared', 'models', 'stories260K'));
      delete process.env.SECRETAI_SHARED;
      expect(defaultModelDir()).toBe(path.resolve(repoRoot, '..', 'shared', 'models', 'stories260K'));
    } finally {
      for (const [k, v] of [['SECRETAI_MODEL_DIR', saved.model], ['SECRETAI_SHARED', saved.shared]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('says plainly when the folder is missing', async () => {
    const missing = path.join(os.tmpdir(), `secretai-no-model-${process.pid}`);
    const e = await caught(loadEmbeddedModel({dir: missing}));
    expect(e.code).toBe('MODEL_NOT_FOUND');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`model folder ${missing} not found`);
    expect(e.suggestion).toMatch(/SECRETAI_MODEL_DIR/);
  });
});

describeShared('models/stories260K')('embedded stories260K model', () => {
  let model: EmbeddedModel;
  let prompt: number[];
  beforeAll(async () => {
    model = await loadEmbeddedModel({dir: modelDir});
    prompt = model.encode('Once upon a time', {bos: true});
  });

  it('describes itself', () => {
    expect(model.name).toBe('stories260K');
    expect(model.contextLength).toBe(512);
  });

  it('reproduces the golden continuation exactly at temperature 0', () => {
    const {tokens, text} = collect(model, prompt, {maxTokens: 64, temperature: 0});
    expect(tokens).toHaveLength(64);
    expect(text).toBe(GOLDEN);
    expect(model.decode([1, ...tokens])).toBe(GOLDEN);
    // The same through the chat template.
    const chat = model.encode(chatPrompt([{role: 'system', content: 'ignored'}, {role: 'user', content: 'Once upon a time'}]), {bos: true});
    expect(collect(model, chat, {maxTokens: 64, temperature: 0, seed: 7}).text).toBe(GOLDEN);
  });

  it('samples reproducibly for a seed, and differently for another seed', () => {
    const opts = {maxTokens: 48, temperature: 1, topP: 0.9};
    const a = collect(model, prompt, {...opts, seed: 42});
    const b = collect(model, prompt, {...opts, seed: 42});
    const c = collect(model, prompt, {...opts, seed: 43});
    expect(a.tokens.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(c.tokens).not.toEqual(a.tokens);
    // Sampling the whole distribution (top-p 1) is reproducible too, and is not the greedy text.
    const whole = {maxTokens: 48, temperature: 1.2, topP: 1, seed: 5};
    const w = collect(model, prompt, whole);
    expect(collect(model, prompt, whole)).toEqual(w);
    expect(w.tokens).not.toEqual(collect(model, prompt, {maxTokens: 48, temperature: 0}).tokens);
  });

  it('streams: pieces come one at a time, and interleaved generations do not disturb each other', () => {
    const g1 = model.generate(prompt, {maxTokens: 64, temperature: 0});
    const g2 = model.generate(prompt, {maxTokens: 64, temperature: 0});
    let t1 = '';
    let t2 = '';
    for (;;) {
      const a = g1.next();
      const b = g2.next();
      if (a.done || b.done) {
        expect(a.done && b.done).toBe(true);
        break;
      }
      t1 += a.value.text;
      t2 += b.value.text;
    }
    expect(t1).toBe(GOLDEN);
    expect(t2).toBe(GOLDEN);
  });

  it('stops at max tokens, on abort, and at the context length', () => {
    expect(collect(model, prompt, {maxTokens: 0, temperature: 0}).tokens).toEqual([]);
    expect(collect(model, prompt, {maxTokens: 5, temperature: 0}).tokens).toHaveLength(5);
    const controller = new AbortController();
    let n = 0;
    for (const _ of model.generate(prompt, {maxTokens: 64, temperature: 0, signal: controller.signal})) {
      if (++n === 3) controller.abort();
    }
    expect(n).toBe(3);
    // A prompt two tokens short of the context leaves room for at most two new tokens.
    const long = [1, ...Array.from({length: model.contextLength - 3}, (_, i) => prompt[1 + (i % 4)])];
    const tail = collect(model, long, {maxTokens: 100, temperature: 0}).tokens;
    expect(tail.length).toBeLessThanOrEqual(2);
  });

  it('refuses bad generation requests at once', async () => {
    const bad = async (p: number[], opts: GenerateOptions) => {
      const e = await caught((async () => model.generate(p, opts))());
      expect(e.code).toBe('BAD_GENERATION_REQUEST');
      expect(e.exitCode).toBe(2);
      return e.message;
    };
    expect(await bad([], {maxTokens: 1})).toMatch(/at least one token/);
    expect(await bad([1, 512], {maxTokens: 1})).toMatch(/token id 512 is outside the vocabulary/);
    expect(await bad(new Array(512).fill(1), {maxTokens: 1})).toMatch(/512 tokens; stories260K's context holds 512/);
    expect(await bad(prompt, {maxTokens: -1})).toMatch(/max tokens/);
    expect(await bad(prompt, {maxTokens: 1.5})).toMatch(/max tokens/);
    expect(await bad(prompt, {maxTokens: 1, temperature: Number.NaN})).toMatch(/temperature/);
    expect(await bad(prompt, {maxTokens: 1, temperature: -1})).toMatch(/temperature/);
    expect(await bad(prompt, {maxTokens: 1, topP: -0.1})).toMatch(/top-p/);
    expect(await bad(prompt, {maxTokens: 1, seed: 0.5})).toMatch(/seed/);
  });

  describe('file checks', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'secretai-model-'));
    });
    afterAll(() => rmSync(dir, {recursive: true, force: true}));

    const copyInto = (sub: string): string => {
      const d = path.join(dir, sub);
      rmSync(d, {recursive: true, force: true});
      mkdirSync(d);
      for (const f of ['stories260K.bin', 'tok512.bin']) copyFileSync(path.join(modelDir, f), path.join(d, f));
      return d;
    };

    it('loads an unmodified copy', async () => {
      const d = copyInto('ok');
      const m = await loadEmbeddedModel({dir: d});
      expect(collect(m, prompt, {maxTokens: 64, temperature: 0}).text).toBe(GOLDEN);
    });

    it.each(['stories260K.bin', 'tok512.bin'])('refuses a copy whose %s is modified, naming the file and both digests', async (file) => {
      const d = copyInto(`mod-${file}`);
      const bytes = readFileSync(path.join(d, file));
      bytes[bytes.length >> 1] ^= 0x01;
      writeFileSync(path.join(d, file), bytes);
      const e = await caught(loadEmbeddedModel({dir: d}));
      expect(e.code).toBe('MODEL_DIGEST_MISMATCH');
      expect(e.exitCode).toBe(2);
      expect(e.message).toContain(path.join(d, file));
      expect(e.message).toMatch(/modified or a different file/);
      expect(e.details?.expected).toMatch(/^[0-9a-f]{64}$/);
      expect(e.details?.actual).not.toBe(e.details?.expected);
    });

    it('says which file is missing', async () => {
      const d = copyInto('missing');
      rmSync(path.join(d, 'tok512.bin'));
      const e = await caught(loadEmbeddedModel({dir: d}));
      expect(e.code).toBe('MODEL_NOT_FOUND');
      expect(e.message).toBe(`model file ${path.join(d, 'tok512.bin')} is missing`);
    });

    it('refuses a file where the folder should be', async () => {
      const e = await caught(loadEmbeddedModel({dir: path.join(modelDir, 'tok512.bin')}));
      expect(e.code).toBe('MODEL_NOT_FOUND');
      expect(e.message).toMatch(/is not a folder/);
    });
  });
});
