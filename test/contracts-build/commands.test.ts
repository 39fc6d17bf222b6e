/**
 * `secretai contracts verify|build|deploy` through the real CLI: results, exit codes, JSON. (Deploying for real
 * needs a chain that accepts MsgStoreCode; the deploy logic itself is tested in deploy.test.ts.)
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {gzipSync} from 'node:zlib';
import wabtInit from 'wabt';
import {contractSources} from '../../src/lib/contracts/artifacts.js';
import {runCli, tempHome} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

const GOOD = `(module
  (memory (export "memory") 1)
  (func (export "interface_version_8"))
  (func (export "allocate") (param i32) (result i32) (i32.const 0))
  (func (export "deallocate") (param i32))
  (func (export "instantiate") (param i32 i32 i32) (result i32) (local.get 2))
  (func (export "execute") (param i32 i32 i32) (result i32) (local.get 2))
  (func (export "query") (param i32 i32) (result i32) (local.get 1))
)`;

let dir: string;
let home: string;
let good: string;
let bad: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'secretai-contracts-cli-'));
  home = tempHome();
  const wabt = await wabtInit();
  const compile = (text: string) => wabt.parseWat('m.wat', text, {}).toBinary({}).buffer;
  good = path.join(dir, 'good.wasm.gz');
  writeFileSync(good, gzipSync(compile(GOOD)));
  bad = path.join(dir, 'bad.wasm');
  writeFileSync(bad, compile(GOOD.replace('(memory (export "memory") 1)', '(memory (export "memory") 1 2) (func $s) (start $s)')));
});

afterAll(() => {
  rmSync(dir, {recursive: true, force: true});
  rmSync(home, {recursive: true, force: true});
});

describe('secretai contracts', () => {
  it('verify prints the code hash of a valid file and exits 0', async () => {
    const r = await runCli(['contracts', 'verify', good, '--json', '--home', home]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {ok: boolean; artifacts: Array<{name: string; ok: boolean; gzipped: boolean; codeHash: string}>};
    expect(out.ok).toBe(true);
    expect(out.artifacts).toEqual([expect.objectContaining({name: 'good', ok: true, gzipped: true, codeHash: expect.stringMatching(/^[0-9a-f]{64}$/)})]);
    const human = await runCli(['contracts', 'verify', good, '--home', home]);
    expect(human.stdout).toMatch(new RegExp(`✓ good  \\d+ bytes \\(gzip\\)  code hash ${out.artifacts[0]!.codeHash}`));
  });

  it('verify lists the violations and exits 4 when a file is invalid', async () => {
    const r = await runCli(['contracts', 'verify', good, bad, '--home', home]);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/✓ good .*\n✗ bad .*\n\s+start: has a start function \(function 0\).*\n\s+memory: memory 0 declares a maximum \(2 pages\); it must have none\n$/);
    const json = await runCli(['contracts', 'verify', bad, '--json', '--home', home]);
    expect(json.code).toBe(4);
    expect((JSON.parse(json.stdout) as {artifacts: Array<{violations: Array<{rule: string}>}>}).artifacts[0]!.violations.map((v) => v.rule)).toEqual(['start', 'memory']);
  });

  it('verify of a missing file is a usage error', async () => {
    const r = await runCli(['contracts', 'verify', path.join(dir, 'nope.wasm'), '--home', home]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*nope\.wasm: ENOENT/);
  });

  it('build reports every contract of the package', async () => {
    const r = await runCli(['contracts', 'build', '--json', '--home', home], {timeoutMs: 300_000});
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {contracts: Array<{name: string; codeHash: string}>};
    expect(out.contracts.map((c) => c.name)).toEqual(contractSources(repoRoot));
  }, 300_000);

  it('deploy checks its input before touching a chain', async () => {
    const r = await runCli(['contracts', 'deploy', '--payment-token', 'secret1nope', '--network', 'local', '--home', home]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--payment-token/);
  });
});
