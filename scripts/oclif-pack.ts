/**
 * Builds `dist/oclif-pack.cjs`: @oclif/core and every package it loads, bundled into one CommonJS file by esbuild.
 * Loading oclif file by file is about half of what every secretai start costs beyond Node itself (some 100 files:
 * resolving, reading and compiling each); from one file it is one read and one compile. `bin/run.js` puts each
 * public entry of @oclif/core from the pack into Node's require cache under that entry's own file, so the runner,
 * the commands and the help class all share the one instance, and falls back to the installed files when the pack
 * is missing or was built for another @oclif/core version. Run by `npm run build`, after tsc.
 */
import {build, type Plugin} from 'esbuild';
import {readFileSync, writeFileSync} from 'node:fs';
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
 * The pack's entry: the @oclif/core version it holds, the entries' specifiers and the file each resolves to
 * (relative to the @oclif/core package directory, with '/' separators; fixed by that version's `exports`), readable
 * without running oclif, and `load()`, which runs oclif's modules and returns each entry's exports. With the files
 * recorded, `bin/run.js` resolves one path at start (the package's own package.json) instead of every entry's,
 * about 0.4 ms each here.
 */
export function packEntrySource(version: string, specifiers: string[], files: string[]): string {
  const loads = specifiers.map((s) => `    ${JSON.stringify(s)}: require(${JSON.stringify(s)}),`).join('\n');
  return [
    `exports.version = ${JSON.stringify(version)};`,
    `exports.specifiers = ${JSON.stringify(specifiers)};`,
    `exports.files = ${JSON.stringify(files)};`,
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

/** `config/plugin.js` with {@link COMMAND_SORT} replaced by {@link compareCommandIds}; warns if oclif changed it. */
function sortCommandIds(source: string, file: string): string {
  if (!source.includes(COMMAND_SORT)) {
    process.stderr.write(`warning: oclif's command sort was not found in ${file}: commands are sorted with localeCompare (slower start-up)\n`);
    return source;
  }
  return `${source.replace(COMMAND_SORT, '.sort((a, b) => secretaiCompareCommandIds(a.id, b.id))')}\nfunction secretaiCompareCommandIds(a, b) {\n  return (${compareCommandIds.toString()})(a, b);\n}\n`;
}

/**
 * Packages oclif loads on every start but uses only on some paths: command discovery without a manifest
 * (`tinyglobby`), plugin dependency patterns (`minimatch`), its own spinner (`cli-spinners`; secretai's spinners are
 * ora's), help templates (`ejs`), error rendering (`clean-stack`, `indent-string`, `wrap-ansi`), and Node's
 * `readline` (flags read from stdin). In the pack their
 * top-level requires in @oclif/core's files become lazy: each loads on its first use, as the same module.
 */
export const LAZY_PACKAGES = ['tinyglobby', 'minimatch', 'cli-spinners', 'ejs', 'clean-stack', 'indent-string', 'wrap-ansi', 'node:readline'];

/**
 * Rewrites `const X = require("P")` and `const X = __importDefault(require("P"))` for the packages in `lazy` into
 * bindings that require `P` on first use. Only where `X` is used solely as `X.name` (a property read at call time,
 * as TypeScript's CommonJS output does): if any other use of `X` is found, the file is left as it is and the reason
 * is returned, so a changed oclif cannot be broken by this, only made to load eagerly again.
 */
export function lazyRequires(source: string, lazy: readonly string[]): {contents: string; skipped: string[]} {
  const skipped: string[] = [];
  let contents = source;
  for (const pkg of lazy) {
    const decl = new RegExp(`^const (\\w+) = (__importDefault\\()?require\\("${pkg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\)\\)?;$`, 'm');
    const m = decl.exec(contents);
    if (!m) continue;
    const [line, name, viaDefault] = m as unknown as [string, string, string | undefined];
    const rest = contents.slice(0, m.index) + contents.slice(m.index + line.length);
    const uses = rest.match(new RegExp(`\\b${name}\\b(\\.\\w+)?`, 'g')) ?? [];
    const bad = uses.filter((u) => (viaDefault ? u !== `${name}.default` : !u.startsWith(`${name}.`)));
    if (bad.length) {
      skipped.push(`${pkg} (${bad[0]})`);
      continue;
    }
    const load = `require(${JSON.stringify(pkg)})`;
    const binding = viaDefault
      ? `const ${name} = {get default() { const m = ${load}; return m && m.__esModule ? m.default : m; }};`
      : `const ${name} = new Proxy({}, {get: (_, k) => ${load}[k]});`;
    contents = contents.slice(0, m.index) + binding + contents.slice(m.index + line.length);
  }
  return {contents, skipped};
}

/**
 * `debug` as oclif's logger takes it: without `DEBUG` in the environment (where `debug` would log nothing) a logger
 * factory whose loggers do nothing, so the package and what it loads (`tty`, `supports-color`) stay unloaded; with
 * `DEBUG` set, the package itself.
 */
export const QUIET_DEBUG_SOURCE = `if (process.env.DEBUG) {
  module.exports = require("debug");
} else {
  const quiet = (namespace) => {
    const log = () => undefined;
    return Object.assign(log, {enabled: false, namespace, log, extend: (sub, delimiter = ":") => quiet(namespace + delimiter + sub), destroy: () => false});
  };
  module.exports = Object.assign(quiet, {enabled: () => false, enable: () => undefined, disable: () => "", names: [], skips: []});
}
`;

/** {@link lazyRequires} on @oclif/core's files, and {@link QUIET_DEBUG_SOURCE} for its `debug`. */
function lazyLoadPlugin(): Plugin {
  const quietNs = 'secretai-quiet-debug';
  return {
    name: 'secretai-lazy-load',
    setup(b) {
      b.onResolve({filter: /^debug$/}, (args) => (args.namespace === quietNs ? undefined : {path: 'debug', namespace: quietNs}));
      b.onLoad({filter: /.*/, namespace: quietNs}, () => ({contents: QUIET_DEBUG_SOURCE, loader: 'js', resolveDir: root}));
      b.onLoad({filter: /@oclif[\\/]core[\\/]lib[\\/].*\.js$/}, (args) => {
        let source = readFileSync(args.path, 'utf8');
        if (/[\\/]config[\\/]plugin\.js$/.test(args.path)) source = sortCommandIds(source, args.path);
        const {contents, skipped} = lazyRequires(source, LAZY_PACKAGES);
        return {contents, loader: 'js', warnings: skipped.map((s) => ({text: `${path.relative(root, args.path)}: ${s} is used other than as a property: loaded eagerly`}))};
      });
    },
  };
}

/**
 * `source` with every character outside ASCII written as a `\\uXXXX` escape. esbuild escapes them in strings, but
 * not in regular expression literals (one of oclif's packages has a raw U+009B in one): a single such character
 * makes Node decode the whole file into a two-byte string, twice the memory of the one-byte string an ASCII file
 * gives (measured: reading the pack 5.8 → 5.4 ms). An escape means the same character in a string, a template, a
 * regular expression or an identifier; in a comment it is only text.
 */
export function escapeNonAscii(source: string): string {
  return source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

async function main(): Promise<void> {
  const require = createRequire(path.join(root, 'package.json'));
  const pjsonFile = require.resolve('@oclif/core/package.json');
  const pjson = JSON.parse(readFileSync(pjsonFile, 'utf8')) as {version: string; exports: Record<string, unknown>};
  const specifiers = oclifEntries(pjson.exports);
  const files = specifiers.map((s) => path.relative(path.dirname(pjsonFile), require.resolve(s)).split(path.sep).join('/'));
  const result = await build({
    stdin: {contents: packEntrySource(pjson.version, specifiers, files), resolveDir: root, sourcefile: 'oclif-pack-entry.cjs', loader: 'js'},
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    // Whitespace and syntax minified (738 → 471 kB): reading the file costs about 12 µs per kB here at every start,
    // its compiled code coming from Node's compile cache. Names are kept: oclif's stack traces stay readable, and
    // shorter names measured no faster.
    minifyWhitespace: true,
    minifySyntax: true,
    outfile: PACK_FILE,
    plugins: [lazyLoadPlugin()],
    logLevel: 'warning',
    write: false,
  });
  writeFileSync(PACK_FILE, escapeNonAscii(result.outputFiles[0]!.text));
  process.stdout.write(`wrote ${path.relative(root, PACK_FILE)} (@oclif/core ${pjson.version})\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
