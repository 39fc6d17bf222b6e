/**
 * Builds `dist/oclif-pack.cjs`: @oclif/core and every package it loads, bundled into one CommonJS file by esbuild.
 * Loading oclif file by file is about half of what every secretai start costs beyond Node itself (some 100 files:
 * resolving, reading and compiling each); from one file it is one read and one compile. `bin/run.js` puts each
 * public entry of @oclif/core from the pack into Node's require cache under that entry's own file, so the runner,
 * the commands and the help class all share the one instance, and falls back to the installed files when the pack
 * is missing or was built for another @oclif/core version. Run by `npm run build`, after tsc.
 */
import {build, type Plugin} from 'esbuild';
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

/**
 * The order oclif gives a plugin's commands (`a.id.localeCompare(b.id)`), without starting ICU's collator — the
 * first `localeCompare` of a process costs some 15–20 ms of every start-up here. For ids made only of lower-case
 * letters, ':' and '-' (all of secretai's), the collator's order is code-unit order: it sorts punctuation before
 * letters and '-' before ':', and compares primary weights first, which for these characters differ for every pair;
 * with digits it would not be (it puts ':' before digits, code units after). Any other pair goes to localeCompare.
 */
export function compareCommandIds(a: string, b: string): number {
  const plain = /^[a-z:-]*$/;
  if (plain.test(a) && plain.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return a.localeCompare(b);
}

/** oclif's sort of a plugin's commands, as it is in @oclif/core's `config/plugin.js`. */
export const COMMAND_SORT = '.sort((a, b) => a.id.localeCompare(b.id))';

/** Replaces {@link COMMAND_SORT} in `config/plugin.js` by {@link compareCommandIds}; warns if oclif changed it. */
function commandSortPlugin(): Plugin {
  return {
    name: 'secretai-command-sort',
    setup(b) {
      b.onLoad({filter: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/}, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes(COMMAND_SORT)) return {contents: source, loader: 'js', warnings: [{text: `oclif's command sort was not found in ${args.path}: commands are sorted with localeCompare (slower start-up)`}]};
        const contents = `${source.replace(COMMAND_SORT, '.sort((a, b) => secretaiCompareCommandIds(a.id, b.id))')}\nfunction secretaiCompareCommandIds(a, b) {\n  return (${compareCommandIds.toString()})(a, b);\n}\n`;
        return {contents, loader: 'js'};
      });
    },
  };
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
    plugins: [commandSortPlugin()],
    logLevel: 'warning',
  });
  process.stdout.write(`wrote ${path.relative(root, PACK_FILE)} (@oclif/core ${pjson.version})\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
