/**
 * The CLI as oclif loads it: the build's bundle of the CLI's own modules (`dist/cli/`, see scripts/cli-bundle.ts),
 * a stub per command in `dist/cli/commands/`, every module's `import.meta.url` pointing at its own file under
 * `dist/`, and the oclif pack written in ASCII only.
 */
import {describe, expect, it} from '@jest/globals';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {commandEntryName, commandFiles, commandStubSource, EXTRA_ENTRIES, rewriteImportMetaUrl} from '../../scripts/cli-bundle.js';
import {escapeNonAscii} from '../../scripts/oclif-pack.js';
import {runCli, tempHome} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

const dist = path.join(repoRoot, 'dist');
const cliDir = path.join(dist, 'cli');

describe('CLI bundle: layout', () => {
  it('names a command bundle after its path, and its stub re-exports it from the right depth', () => {
    expect(commandEntryName('chat.js')).toBe('command-chat');
    expect(commandEntryName('worker/register.js')).toBe('command-worker-register');
    expect(commandEntryName('a/b/c.js')).toBe('command-a-b-c');
    expect(commandStubSource('chat.js', 'command-chat')).toBe('export * from "../command-chat.js";\nexport {default} from "../command-chat.js";\n');
    expect(commandStubSource('worker/register.js', 'command-worker-register')).toContain('"../../command-worker-register.js"');
  });

  it('rewrites import.meta.url to the module\'s own file, relative to the bundle directory', () => {
    const file = path.join(dist, 'src', 'lib', 'inference', 'files.js');
    const out = rewriteImportMetaUrl('const a = import.meta.url; const b = new URL("x.js", import.meta.url);', file, cliDir);
    expect(out).toBe('const a = new URL("../src/lib/inference/files.js", import.meta.url).href; const b = new URL("x.js", new URL("../src/lib/inference/files.js", import.meta.url).href);');
    // Evaluated for a bundle file in dist/cli, both name what the module's own URL named.
    const chunkUrl = pathToFileURL(path.join(cliDir, 'chunk-X.js')).href;
    const a = new URL('../src/lib/inference/files.js', chunkUrl).href;
    expect(a).toBe(pathToFileURL(file).href);
    expect(new URL('x.js', a).href).toBe(new URL('x.js', pathToFileURL(file).href).href);
    expect(rewriteImportMetaUrl('no meta here', file, cliDir)).toBe('no meta here');
  });

  it('has a stub for every command tsc built, each exporting the same command as the unbundled module', async () => {
    const commands = commandFiles(path.join(dist, 'src', 'commands'));
    expect(commands).toEqual(expect.arrayContaining(['chat.js', 'worker/register.js', 'devnet/start.js', 'rewards/claim.js']));
    expect(commandFiles(path.join(cliDir, 'commands'))).toEqual(commands);
    for (const rel of ['chat.js', 'worker/register.js', 'devnet/start.js']) {
      const bundled = (await import(pathToFileURL(path.join(cliDir, 'commands', rel)).href)) as {default: {description?: string; flags?: object}};
      const plain = (await import(pathToFileURL(path.join(dist, 'src', 'commands', rel)).href)) as {default: {description?: string; flags?: object}};
      expect(typeof bundled.default).toBe('function');
      expect(bundled.default).not.toBe(plain.default);
      expect(bundled.default.description).toBe(plain.default.description);
      expect(Object.keys(bundled.default.flags ?? {})).toEqual(Object.keys(plain.default.flags ?? {}));
    }
    for (const name of Object.keys(EXTRA_ENTRIES)) expect(existsSync(path.join(cliDir, `${name}.js`))).toBe(true);
    const pjson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {oclif: {commands: string; helpClass: string; hooks: Record<string, string>}};
    expect(pjson.oclif.commands).toBe('./dist/cli/commands');
    for (const f of [pjson.oclif.helpClass, ...Object.values(pjson.oclif.hooks)]) expect(path.dirname(path.resolve(repoRoot, f))).toBe(cliDir);
  });

  it('leaves no bare import.meta.url in the bundle: each names an existing file of dist/', () => {
    const files = readdirSync(cliDir).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(50);
    let rewritten = 0;
    for (const f of files) {
      const text = readFileSync(path.join(cliDir, f), 'utf8');
      const all = text.match(/import\.meta\.url/g) ?? [];
      const named = [...text.matchAll(/new URL\("(\.\.\/[^"]+)",\s*import\.meta\.url\)/g)].map((m) => m[1]!);
      expect({file: f, bare: all.length - named.length}).toEqual({file: f, bare: 0});
      for (const rel of named) expect(existsSync(fileURLToPath(new URL(rel, pathToFileURL(path.join(cliDir, f)))))).toBe(true);
      rewritten += named.length;
    }
    expect(rewritten).toBeGreaterThan(0);
  });
});

describe('CLI bundle: behaviour', () => {
  it('finds the package\'s own files from bundled modules, and the help class and the not-found hook run', async () => {
    // `contracts verify` finds contracts/ from the package root its module computes from import.meta.url.
    const r = await runCli(['contracts', 'verify', '--json', '--home', tempHome()]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {ok: boolean; artifacts: Array<{file: string}>};
    expect(doc.ok).toBe(true);
    expect(doc.artifacts.map((a) => a.file)).toContain(path.join(repoRoot, 'contracts', 'worker-manager', 'worker-manager.wasm'));
    const help = await runCli(['chat', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('USAGE');
    const nf = await runCli(['wrker', '--home', tempHome()]);
    expect(nf.stderr).toContain('unknown command "wrker"');
  });
});

describe('oclif pack: ASCII only', () => {
  it('escapes characters outside ASCII so that strings, templates and regular expressions keep their meaning', () => {
    const source = 'module.exports = {s: "a\u00e9\u2014", t: `x\u009by`, re: /[\u001b\u009b]X/, id: "\u{1F600}"};';
    const escaped = escapeNonAscii(source);
    expect(/^[\x00-\x7f]*$/.test(escaped)).toBe(true);
    const run = (src: string) => {
      const m = {exports: {} as {s: string; t: string; re: RegExp; id: string}};
      new Function('module', src)(m);
      return m.exports;
    };
    const a = run(source);
    const b = run(escaped);
    expect(b.s).toBe(a.s);
    expect(b.t).toBe(a.t);
    expect(b.id).toBe(a.id);
    expect(b.re.source).not.toBe(a.re.source);
    for (const probe of ['\u009bX', '\u001bX', 'X', '\u00e9X']) expect(b.re.test(probe)).toBe(a.re.test(probe));
  });

  it('the built pack is ASCII', () => {
    const pack = readFileSync(path.join(dist, 'oclif-pack.cjs'));
    expect(pack.every((byte) => byte < 0x80)).toBe(true);
  });
});
