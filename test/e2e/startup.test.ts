/**
 * How `bin/run.js` loads oclif: from the build's one-file pack (`dist/oclif-pack.cjs`, see scripts/oclif-pack.ts)
 * with the same behaviour as from oclif's installed files, and from the installed files whenever the pack does not
 * belong to the installed @oclif/core.
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {COMMAND_SORT, compareCommandIds, LAZY_PACKAGES, lazyRequires, oclifEntries, QUIET_DEBUG_SOURCE} from '../../scripts/oclif-pack.js';
import {runCli, tempHome, type RunResult} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

const requireHere = createRequire(import.meta.url);
let scratch: string;
let probe: string;

/** What the probe saw loaded: the pack, and an oclif file that only the installed package has on its own. */
interface Loaded {
  pack: boolean;
  installed: boolean;
}

/** Runs the CLI with the probe preloaded; returns the run (probe line removed from stderr) and what it saw. */
async function probed(args: string[], env: Record<string, string> = {}, bin?: string): Promise<RunResult & {loaded: Loaded}> {
  const r = await runCli(args, {env: {...env, NODE_OPTIONS: `--require ${probe}`}, bin});
  const m = /\nLOADED (\{.*\})\n$/.exec(r.stderr);
  if (!m) throw new Error(`no probe line in stderr: ${r.stderr}`);
  return {...r, stderr: r.stderr.slice(0, m.index), loaded: JSON.parse(m[1]) as Loaded};
}

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'secretai-startup-'));
  probe = path.join(scratch, 'probe.cjs');
  writeFileSync(
    probe,
    `const path = require('node:path');
process.on('exit', () => {
  const files = Object.keys(require.cache);
  const pack = files.some((f) => f.endsWith(path.join('dist', 'oclif-pack.cjs')));
  const installed = files.some((f) => f.endsWith(path.join('@oclif', 'core', 'lib', 'config', 'config.js')));
  process.stderr.write('\\nLOADED ' + JSON.stringify({pack, installed}) + '\\n');
});
`,
  );
});

afterAll(() => {
  rmSync(scratch, {recursive: true, force: true});
});

describe('oclif pack', () => {
  it('holds every public entry of the installed @oclif/core, for its version', () => {
    const pjson = JSON.parse(readFileSync(requireHere.resolve('@oclif/core/package.json'), 'utf8')) as {version: string; exports: Record<string, unknown>};
    const pack = requireHere(path.join(repoRoot, 'dist', 'oclif-pack.cjs')) as {version: string; specifiers: string[]; files: string[]};
    expect(pack.version).toBe(pjson.version);
    expect(pack.specifiers).toEqual(oclifEntries(pjson.exports));
    // The file each entry resolves to, recorded relative to the package (bin/run.js resolves only package.json).
    const dir = path.dirname(requireHere.resolve('@oclif/core/package.json'));
    expect(pack.files.map((f) => path.join(dir, f))).toEqual(pack.specifiers.map((s) => requireHere.resolve(s)));
    expect(pack.specifiers).toEqual(expect.arrayContaining(['@oclif/core', '@oclif/core/command', '@oclif/core/execute', '@oclif/core/help']));
  });

  it('sorts commands in localeCompare order without localeCompare where that order is code-unit order', () => {
    // The pack carries the replacement, and the installed oclif still sorts as the replacement assumes.
    expect(readFileSync(path.join(repoRoot, 'dist', 'oclif-pack.cjs'), 'utf8')).toMatch(/\.sort\(\(a, ?b\) ?=> ?secretaiCompareCommandIds\(a\.id, ?b\.id\)\)/);
    expect(readFileSync(path.join(path.dirname(requireHere.resolve('@oclif/core/package.json')), 'lib', 'config', 'plugin.js'), 'utf8')).toContain(COMMAND_SORT);
    const ids = Object.keys((JSON.parse(readFileSync(path.join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {commands: object}).commands);
    expect(ids.length).toBeGreaterThan(20);
    const sorted = (xs: string[], f: (a: string, b: string) => number) => [...xs].sort(f);
    expect(sorted(ids, compareCommandIds)).toEqual(sorted(ids, (a, b) => a.localeCompare(b)));
    // Random ids over the alphabet the shortcut takes, with shared prefixes: the same sign as localeCompare.
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const alphabet = 'abz:-';
    const words = Array.from({length: 400}, () => Array.from({length: 1 + rnd(6)}, () => alphabet[rnd(alphabet.length)]).join(''));
    for (let i = 0; i + 1 < words.length; i++) expect(Math.sign(compareCommandIds(words[i]!, words[i + 1]!))).toBe(Math.sign(words[i]!.localeCompare(words[i + 1]!)));
    // Outside it (digits, capitals), localeCompare decides.
    expect(compareCommandIds('a:b', 'a1')).toBe('a:b'.localeCompare('a1'));
    expect(compareCommandIds('B', 'a')).toBe('B'.localeCompare('a'));
  });

  it('turns requires of occasional packages into loads on first use, only where the binding is read as a property', () => {
    const source = [
      'const glob_1 = require("tinyglobby");',
      'const ejs_1 = __importDefault(require("ejs"));',
      'const wrap_1 = __importDefault(require("wrap-ansi"));',
      'exports.find = () => (0, glob_1.glob)("*");',
      'exports.render = (t) => ejs_1.default.render(t);',
      'exports.wrap = wrap_1;',
      '',
    ].join('\n');
    const {contents, skipped} = lazyRequires(source, ['tinyglobby', 'ejs', 'wrap-ansi']);
    // `wrap_1` escapes as a value: left eager, and said.
    expect(skipped).toEqual(['wrap-ansi (wrap_1)']);
    const loads: string[] = [];
    const modules: Record<string, unknown> = {tinyglobby: {glob: (p: string) => `glob ${p}`}, ejs: {__esModule: true, default: {render: (t: string) => `ejs ${t}`}}, 'wrap-ansi': () => 'wrapped'};
    const fakeRequire = (id: string) => (loads.push(id), modules[id]);
    const importDefault = (m: {__esModule?: boolean}) => (m && m.__esModule ? m : {default: m});
    const exports: Record<string, (...a: string[]) => unknown> = {};
    new Function('require', '__importDefault', 'exports', contents)(fakeRequire, importDefault, exports);
    expect(loads).toEqual(['wrap-ansi']);
    expect(exports.find!()).toBe('glob *');
    expect(exports.render!('t')).toBe('ejs t');
    expect(loads).toEqual(['wrap-ansi', 'tinyglobby', 'ejs']);
    // Every package named is one the installed oclif requires at the top of a file.
    expect(LAZY_PACKAGES.length).toBeGreaterThan(3);
  });

  it('gives oclif a logger factory that logs nothing without DEBUG, and the debug package with it', async () => {
    const load = (env: Record<string, string | undefined>) => {
      const module = {exports: {} as unknown};
      const saved = process.env.DEBUG;
      if (env.DEBUG === undefined) delete process.env.DEBUG;
      else process.env.DEBUG = env.DEBUG;
      try {
        new Function('module', 'require', QUIET_DEBUG_SOURCE)(module, requireHere);
      } finally {
        if (saved === undefined) delete process.env.DEBUG;
        else process.env.DEBUG = saved;
      }
      return module.exports as (ns: string) => ((...a: unknown[]) => void) & {enabled: boolean; namespace: string; extend(s: string): {namespace: string}};
    };
    const quiet = load({});
    const log = quiet('oclif:main');
    expect(log.enabled).toBe(false);
    expect(log.namespace).toBe('oclif:main');
    expect(log.extend('config').namespace).toBe('oclif:main:config');
    expect(log('nothing %s', 'here')).toBeUndefined();
    expect(load({DEBUG: 'oclif:*'})).toBe(requireHere('debug'));
    // End to end: DEBUG still shows oclif's own log lines through the pack, as from the installed files.
    const home = tempHome();
    for (const extra of [{}, {SECRETAI_OCLIF_PACK: '0'}]) {
      const r = await runCli(['keys', 'list', '--home', home], {env: {DEBUG: 'oclif:main', ...extra}});
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/oclif:main process\.argv/);
    }
    expect((await runCli(['keys', 'list', '--home', home])).stderr).not.toMatch(/oclif:/);
  });

  it('is what a command runs on; SECRETAI_OCLIF_PACK=0 loads the installed files', async () => {
    const packed = await probed(['network', 'list', '--json', '--home', tempHome()]);
    expect(packed.code).toBe(0);
    expect(packed.loaded).toEqual({pack: true, installed: false});
    const unpacked = await probed(['network', 'list', '--json', '--home', tempHome()], {SECRETAI_OCLIF_PACK: '0'});
    expect(unpacked.code).toBe(0);
    expect(unpacked.loaded).toEqual({pack: false, installed: true});
    expect(packed.stdout).toBe(unpacked.stdout);
  });

  it.each([
    [['--help']],
    [['keys', '--help']],
    [['attest', 'verify', '--help']],
    [['keys', 'list', '--json']],
    [['config', 'get', 'network']],
    [['keys', 'nosuch']],
    [['keys', 'list', '--bogus']],
    [['network', 'use', 'nope', '--json']],
    [['keys', 'add']],
  ])('%j: same output and exit code from the pack as from the installed files', async (args) => {
    const home = tempHome();
    const packed = await runCli([...args, '--home', home]);
    const unpacked = await runCli([...args, '--home', home], {env: {SECRETAI_OCLIF_PACK: '0'}});
    expect({code: packed.code, stdout: packed.stdout, stderr: packed.stderr}).toEqual({code: unpacked.code, stdout: unpacked.stdout, stderr: unpacked.stderr});
  });

  it('a pack built for another @oclif/core version is not used', async () => {
    // A copy of the entry point beside a pack that claims another version.
    const root = path.join(scratch, 'other-pack');
    mkdirSync(path.join(root, 'dist'), {recursive: true});
    cpSync(path.join(repoRoot, 'bin'), path.join(root, 'bin'), {recursive: true});
    for (const f of ['package.json', 'oclif.manifest.json']) cpSync(path.join(repoRoot, f), path.join(root, f));
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'));
    for (const d of ['src', 'cli']) symlinkSync(path.join(repoRoot, 'dist', d), path.join(root, 'dist', d));
    writeFileSync(
      path.join(root, 'dist', 'oclif-pack.cjs'),
      // Used, its empty @oclif/core/execute would break every command.
      "exports.version = '0.0.0-other';\nexports.specifiers = ['@oclif/core/execute'];\nexports.load = () => ({'@oclif/core/execute': {}});\n",
    );
    const r = await probed(['network', 'list', '--json', '--home', tempHome()], {}, path.join(root, 'bin', 'run.js'));
    expect(r.code).toBe(0);
    expect(r.loaded.installed).toBe(true);
    expect((JSON.parse(r.stdout) as Array<{name: string}>).map((n) => n.name)).toContain('local');
  });
});
