/**
 * Builds `dist/oclif-pack.cjs`: @oclif/core and every package it loads, bundled into one CommonJS file by esbuild.
 * Loading oclif file by file is about half of what every secretai start costs beyond Node itself (some 100 files:
 * resolving, reading and compiling each); from one file it is one read and one compile. `bin/run.js` puts each
 * public entry of @oclif/core from the pack into Node's require cache under that entry's own file, so the runner,
 * the commands and the help class all share the one instance, and falls back to the installed files when the pack
 * is missing or was built for another @oclif/core version. Run by `npm run build`, after tsc.
 */
import {build} from 'esbuild';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PACK_FILE = path.join(root, 'dist', 'oclif-pack.cjs');

/** The specifiers of @oclif/core's public entries (its package.json `exports`, less the package.json itself). */
export function oclifEntries(exportsMap: Record<string, unknown>): string[] {
  return Object.keys(exportsMap)
    .filter((k) => k !== './package.json')
    .map((k) => (k === '.' ? '@oclif/core' : `@oclif/core/${k.slice(2)}`));
}

/**
 * The pack's entry: the @oclif/core version it holds and the entries' specifiers, readable without running oclif,
 * and `load()`, which runs oclif's modules and returns each entry's exports.
 */
export function packEntrySource(version: string, specifiers: string[]): string {
  const loads = specifiers.map((s) => `    ${JSON.stringify(s)}: require(${JSON.stringify(s)}),`).join('\n');
  return [
    `exports.version = ${JSON.stringify(version)};`,
    `exports.specifiers = ${JSON.stringify(specifiers)};`,
    'exports.load = () => ({',
    loads,
    '});',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const require = createRequire(path.join(root, 'package.json'));
  const pjson = JSON.parse(readFileSync(require.resolve('@oclif/core/package.json'), 'utf8')) as {version: string; exports: Record<string, unknown>};
  await build({
    stdin: {contents: packEntrySource(pjson.version, oclifEntries(pjson.exports)), resolveDir: root, sourcefile: 'oclif-pack-entry.cjs', loader: 'js'},
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    // Not minified: measured, it loads no faster, and oclif's stack traces stay readable.
    outfile: PACK_FILE,
    logLevel: 'warning',
  });
  process.stdout.write(`wrote ${path.relative(root, PACK_FILE)} (@oclif/core ${pjson.version})\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
