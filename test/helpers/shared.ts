import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, it} from '@jest/globals';

/** Repository root (tests run from dist/test/…). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The shared data folder kept beside the project: `$SECRETAI_SHARED`, else `../shared` from the repo root. */
export function sharedDir(): string {
  return process.env.SECRETAI_SHARED ? path.resolve(process.env.SECRETAI_SHARED) : path.resolve(repoRoot, '..', 'shared');
}

/** Absolute path of a file under the shared folder. */
export function sharedPath(...parts: string[]): string {
  return path.join(sharedDir(), ...parts);
}

/**
 * `describe` when the shared sub-folder exists; otherwise a visibly skipped suite, or — when CI is set —
 * a thrown error, since CI must have the shared data beside the clone. The skipped suite never runs its body
 * (Jest runs a `describe.skip` body to collect its tests, and a body that reads fixtures would crash), so
 * each suite shows as one skipped test that names the missing folder.
 */
export function describeShared(sub: string): typeof describe | typeof describe.skip {
  const dir = sharedPath(sub);
  if (existsSync(dir)) return describe;
  const msg = `shared data missing: ${dir} (set SECRETAI_SHARED or place shared/ beside the repository)`;
  if (process.env.CI) throw new Error(msg);
  process.stderr.write(`SKIPPED: ${msg}\n`);
  const skipped = (name: string, _body?: unknown) =>
    describe(name, () => {
      it.skip(`SKIPPED: ${msg}`, () => {});
    });
  return Object.assign(skipped, describe.skip) as unknown as typeof describe.skip;
}
