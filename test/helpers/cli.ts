import {spawn} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {repoRoot, sharedPath} from './shared.js';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A fresh, empty secretai home in the temp dir. */
export function tempHome(prefix = 'secretai-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * The environment a CLI child gets in tests: this process's, without SECRETAI_* (nothing leaks in from the
 * developer's shell) and DEBUG, with the embedded model in the shared folder the tests use (`SECRETAI_MODEL_DIR`,
 * so `SECRETAI_SHARED` moves both), no colour, then `extra` (undefined removes a variable).
 */
export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('SECRETAI_') && k !== 'DEBUG') env[k] = v;
  env.SECRETAI_MODEL_DIR = sharedPath('models', 'stories260K');
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * Spawns the real `bin/run.js` under the same Node as the tests, with a clean environment
 * (no SECRETAI_* leaking in from the developer's shell) and stdin closed unless `input` is given. The embedded
 * model is looked up in the same shared folder the tests use (`SECRETAI_MODEL_DIR`), so `SECRETAI_SHARED` moves both.
 * `bin` runs another copy of the entry point instead.
 */
export function runCli(
  args: string[],
  opts: {input?: string; env?: Record<string, string | undefined>; timeoutMs?: number; bin?: string} = {},
): Promise<RunResult> {
  const env = cliEnv(opts.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.bin ?? path.join(repoRoot, 'bin', 'run.js'), ...args], {env, stdio: ['pipe', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({code, stdout, stderr});
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}
