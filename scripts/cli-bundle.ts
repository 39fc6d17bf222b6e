/**
 * Builds `dist/cli/`: the CLI's own modules as oclif loads them, bundled by esbuild with code splitting. tsc leaves
 * one file per source module, and `secretai chat` reaches its first token only after Node has resolved, read,
 * compiled and linked some seventy of them one by one. Bundled, each command is one file plus the chunks it shares
 * with others (ASCII, whitespace minified, without the sources' comments); a dynamic `import()` stays a chunk loaded
 * on first use, so what a command loads late it still loads late. Measured with the minified oclif pack
 * (scripts/oclif-pack.ts) against the tsc output and the unminified pack, 31 interleaved runs each: `keys list`
 * 197 → 189 ms, warm `chat` to its first token 296 → 284 ms. Packages in node_modules stay outside (`@oclif/core`
 * comes from `dist/oclif-pack.cjs`, see scripts/oclif-pack.ts).
 *
 * Layout: every bundle file (one per command, the help class, the hook, and the shared chunks) sits directly in
 * `dist/cli/`, and `dist/cli/commands/` holds one two-line module per command that re-exports it, so oclif finds
 * the commands by their paths as before (package.json `oclif.commands`). Because every bundle file is at the same
 * depth, a module's `import.meta.url` is rewritten to its own file under `dist/` (`new URL('../src/…', import.meta.url)`):
 * paths a module finds from where it lives (the package root, the devnet daemon's entry, the CLI entry) are the same
 * bundled or not, and a process it spawns runs the unbundled file.
 *
 * Run by `npm run build`, after tsc and before `oclif manifest`.
 */
import {build, type Plugin} from 'esbuild';
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = path.join(root, 'dist');
export const CLI_DIR = path.join(DIST, 'cli');
const COMMANDS_SRC = path.join(DIST, 'src', 'commands');

/** The oclif entries besides the commands, by bundle file name (package.json `oclif.helpClass` and `hooks`). */
export const EXTRA_ENTRIES: Record<string, string> = {
  help: 'src/lib/cli/help.js',
  'hook-not-found': 'src/lib/cli/hooks/not-found.js',
};

/** Every command module under `dir` (tsc output), as paths relative to it with '/' separators. */
export function commandFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...commandFiles(path.join(dir, e.name), rel));
    else if (e.isFile() && e.name.endsWith('.js')) out.push(rel);
  }
  return out.sort();
}

/** The bundle file name of a command module: `worker/register.js` → `command-worker-register`. */
export function commandEntryName(rel: string): string {
  return `command-${rel.replace(/\.js$/, '').split('/').join('-')}`;
}

/** The module in `commands/` that stands for a command: the command's bundle file, re-exported. */
export function commandStubSource(rel: string, entryName: string): string {
  const depth = rel.split('/').length; // commands/<rel>: one '..' for each directory, and one for commands/
  const target = `${'../'.repeat(depth)}${entryName}.js`;
  return `export * from ${JSON.stringify(target)};\nexport {default} from ${JSON.stringify(target)};\n`;
}

/**
 * `source` with every `import.meta.url` replaced by the URL of `file`, written relative to a bundle file in
 * `outDir` (all of which sit directly in it). Occurrences inside strings or comments are replaced too, which is
 * harmless: the text still names the same module.
 */
export function rewriteImportMetaUrl(source: string, file: string, outDir: string): string {
  if (!source.includes('import.meta.url')) return source;
  const rel = path.relative(outDir, file).split(path.sep).join('/');
  return source.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`);
}

function importMetaPlugin(outDir: string): Plugin {
  return {
    name: 'secretai-import-meta',
    setup(b) {
      b.onLoad({filter: /\.js$/}, (args) => {
        if (!args.path.startsWith(DIST + path.sep)) return undefined;
        return {contents: rewriteImportMetaUrl(readFileSync(args.path, 'utf8'), args.path, outDir), loader: 'js'};
      });
    },
  };
}

async function main(): Promise<void> {
  rmSync(CLI_DIR, {recursive: true, force: true});
  const commands = commandFiles(COMMANDS_SRC);
  const entryPoints: Record<string, string> = {};
  for (const rel of commands) entryPoints[commandEntryName(rel)] = path.join(COMMANDS_SRC, rel);
  for (const [name, file] of Object.entries(EXTRA_ENTRIES)) entryPoints[name] = path.join(DIST, file);
  const result = await build({
    entryPoints,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    // Names are kept, so stack traces stay readable; whitespace is not: on these machines reading a file costs
    // about 12 µs per kB at every start, compiled code coming from the compile cache.
    minifyWhitespace: true,
    minifySyntax: true,
    outdir: CLI_DIR,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    plugins: [importMetaPlugin(CLI_DIR)],
    metafile: true,
    logLevel: 'warning',
  });
  for (const rel of commands) {
    const stub = path.join(CLI_DIR, 'commands', ...rel.split('/'));
    mkdirSync(path.dirname(stub), {recursive: true});
    writeFileSync(stub, commandStubSource(rel, commandEntryName(rel)));
  }
  const outputs = Object.values(result.metafile.outputs);
  const bytes = outputs.reduce((n, o) => n + o.bytes, 0);
  process.stdout.write(`wrote ${path.relative(root, CLI_DIR)}/ (${commands.length} commands, ${outputs.length} files, ${Math.round(bytes / 1024)} kB)\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
