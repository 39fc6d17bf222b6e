import {describe, expect, it} from '@jest/globals';
import {spawn} from 'node:child_process';
import path from 'node:path';
import OpenAI from 'openai';
import {startModelServer} from '../../src/lib/worker/model-serve.js';
import {runCli, tempHome} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';
import {SyntheticBackend} from './helpers/synthetic.js';

/**
 * Node 22 itself: under an older Node, bin/run.js re-runs itself under the project's Node 22 as a child, and a
 * SIGTERM sent to that wrapper would not reach the server.
 */
const NODE22 = Number(process.versions.node.split('.')[0]) >= 22 ? process.execPath : path.join(repoRoot, 'node_modules', 'node', 'bin', 'node');

describe('secretai model serve (CLI)', () => {
  it('proxies an OpenAI-compatible upstream, prints {url} with --json, and stops cleanly on SIGTERM', async () => {
    const synthetic = new SyntheticBackend({tokens: 15});
    const upstream = await startModelServer({backend: synthetic, port: 0});
    const child = spawn(NODE22, [path.join(repoRoot, 'bin', 'run.js'), 'model', 'serve', '--backend', `openai=${upstream.result.url}`, '--port', '0', '--json'], {
      env: {...process.env, SECRETAI_HOME: tempHome(), NO_COLOR: '1'},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      const doc = await new Promise<{url: string; backend: {kind: string}}>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          stdout += d;
          try {
            resolve(JSON.parse(stdout));
          } catch {
            // not complete yet
          }
        });
        void exited.then((code) => reject(new Error(`model serve exited ${code}: ${stderr}`)));
      });
      expect(doc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(doc.backend.kind).toBe('openai');

      const client = new OpenAI({baseURL: `${doc.url}/v1`, apiKey: 'unused', maxRetries: 0});
      const stream = await client.chat.completions.create({model: 'synthetic', messages: [{role: 'user', content: 'hi'}], stream: true});
      let text = '';
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
      expect(text).toBe(synthetic.textOf(15));

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // stdout held exactly the one JSON document.
      expect(JSON.parse(stdout)).toEqual(doc);
    } finally {
      child.kill('SIGKILL');
      await upstream.stop();
    }
  });

  it('refuses a bad --backend with exit 2 before listening', async () => {
    const r = await runCli(['model', 'serve', '--backend', 'vllm=http://x', '--json'], {env: {SECRETAI_HOME: tempHome()}});
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('BAD_BACKEND');
  });
});
