/**
 * The contracts build on the fixture contract `test/fixtures/contracts/echo` (copied into a temporary root laid out
 * like the repository): schema embedding, MVP-only output without a start function, determinism, the cache, the
 * module actually running, and the errors for code a chain would refuse.
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import wabtInit from 'wabt';
import {compileSchema} from '../../contracts/common/schema.js';
import {contractSchemas} from '../../src/lib/contracts/schema-embed.js';
import {readWasmModule} from '../../src/lib/contracts/wasm-reader.js';
import {buildContracts, ContractBuildError, SCHEMA_MODULE, type BuildOptions} from '../../src/lib/contracts/build.js';
import {sha256Hex, validateContract} from '../../src/lib/contracts/validate.js';
import {repoRoot} from '../helpers/shared.js';

/** The part of the global WebAssembly API used here (the project's Node typings do not declare it). */
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{instance: {exports: Record<string, unknown>}}>;
}
const WA = (globalThis as unknown as {WebAssembly: WasmApi}).WebAssembly;

const FIXTURE = path.join(repoRoot, 'test', 'fixtures', 'contracts');
const ABORT = {file: 'contracts/lib/abort.ts', fn: 'contractAbort'};
const tmpDirs: string[] = [];

/** A fresh root with the fixture tree as its `contracts/`. */
function fixtureRoot(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'secretai-contracts-build-'));
  tmpDirs.push(root);
  cpSync(FIXTURE, path.join(root, 'contracts'), {recursive: true});
  return root;
}

function build(root: string, extra: Partial<BuildOptions> = {}) {
  return buildContracts({root, abort: ABORT, cacheDir: path.join(root, 'cache'), ...extra});
}

/** Writes a one-off contract `name` with the given AssemblyScript body (plus the required exports). */
function addContract(root: string, name: string, body: string): void {
  const dir = path.join(root, 'contracts', name, 'assembly');
  mkdirSync(dir, {recursive: true});
  writeFileSync(
    path.join(dir, 'index.ts'),
    `${body}
export function interface_version_8(): void {}
export function allocate(size: u32): u32 { return <u32>heap.alloc(size); }
export function deallocate(ptr: u32): void {}
export function instantiate(env: u32, info: u32, msg: u32): u32 { return msg; }
export function execute(env: u32, info: u32, msg: u32): u32 { return msg; }
export function query(env: u32, msg: u32): u32 { return msg; }
`,
  );
}

afterAll(() => {
  for (const d of tmpDirs) rmSync(d, {recursive: true, force: true});
});

describe('buildContracts on the echo fixture', () => {
  let root: string;
  let wasm: Uint8Array;
  let first: Awaited<ReturnType<typeof build>>;

  beforeAll(async () => {
    root = fixtureRoot();
    first = await build(root);
    wasm = new Uint8Array(readFileSync(path.join(root, 'contracts', 'echo', 'echo.wasm')));
  });

  it('writes contracts/<name>/<name>.wasm and reports its size and code hash', () => {
    expect(first.contracts).toHaveLength(1);
    expect(first.contracts[0]).toMatchObject({name: 'echo', artifact: path.join('contracts', 'echo', 'echo.wasm'), compiled: true, written: true, size: wasm.length});
    expect(first.contracts[0]!.codeHash).toBe(sha256Hex(wasm));
  });

  it('produces a module the validator accepts even with sign-extension refused, and wabt reads as MVP', async () => {
    const verdict = validateContract(wasm, {allowSignExtension: false});
    expect(verdict.violations).toEqual([]);
    const wabt = await wabtInit();
    const m = wabt.readWasm(wasm, {check: true}); // every post-MVP feature off
    expect(() => m.validate()).not.toThrow();
    m.destroy();
    const parsed = readWasmModule(wasm);
    expect(parsed.start).toBeUndefined();
    expect(parsed.customSections).toEqual([]); // no names, no producers
    expect(parsed.exports.map((e) => e.name).sort()).toEqual(['allocate', 'deallocate', 'execute', 'instantiate', 'interface_version_8', 'memory', 'query']);
    expect(parsed.imports.map((i) => `${i.module}.${i.name}`)).toEqual(['env.debug']);
  });

  it('embeds self-contained schemas without annotations', () => {
    const source = readFileSync(path.join(root, 'contracts', 'echo', 'assembly', SCHEMA_MODULE), 'utf8');
    const consts = Object.fromEntries(
      [...source.matchAll(/^export const (\w+): string = (".*");$/gm)].map((m) => [m[1]!, JSON.parse(JSON.parse(m[2]!) as string) as Record<string, unknown>]),
    );
    expect(Object.keys(consts)).toEqual(['SCHEMA_EXECUTE', 'SCHEMA_INSTANTIATE', 'SCHEMA_QUERY', 'SCHEMA_RECEIVE_MSG']);
    expect(source).not.toMatch(/[^\x00-\x7f]/); // non-ASCII is escaped
    expect(consts.SCHEMA_INSTANTIATE).toEqual({
      type: 'object',
      required: ['owner'],
      properties: {owner: {$ref: '#/definitions/Addr'}, description: {type: ['string', 'null'], maxLength: 64}},
      additionalProperties: false,
      definitions: {Addr: {type: 'string', pattern: '^secret1[02-9ac-hj-np-z]{38}$'}},
    });
    expect((consts.SCHEMA_EXECUTE as {oneOf: Array<{enum?: string[]}>}).oneOf[1]!.enum).toEqual(['ping', 'description']);
    // Local definitions win, shared ones are pulled in transitively, unreferenced ones are dropped.
    expect(consts.SCHEMA_QUERY!.definitions).toEqual({
      Amount: {$ref: '#/definitions/Uint128'},
      Uint128: {type: 'string', pattern: '^[0-9]+$', maxLength: 39},
    });
    expect(consts.SCHEMA_QUERY!.title).toBeUndefined();
    expect(JSON.stringify(consts.SCHEMA_RECEIVE_MSG)).toContain('naïve');
  });

  it('runs: inputs are echoed through Regions and the static data survives heap allocations', async () => {
    const debugged: string[] = [];
    let memory!: {buffer: ArrayBuffer};
    const read = (ptr: number): Uint8Array => {
      const view = new DataView(memory.buffer);
      const offset = view.getUint32(ptr, true);
      const length = view.getUint32(ptr + 8, true);
      return new Uint8Array(memory.buffer.slice(offset, offset + length));
    };
    const {instance} = await WA.instantiate(wasm, {env: {debug: (ptr: number) => void debugged.push(Buffer.from(read(ptr)).toString())}});
    const ex = instance.exports as Record<string, (...a: number[]) => number>;
    memory = instance.exports.memory as {buffer: ArrayBuffer};
    const write = (bytes: Uint8Array): number => {
      const r = ex.allocate!(bytes.length);
      const view = new DataView(memory.buffer);
      expect(view.getUint32(r + 4, true)).toBe(bytes.length);
      new Uint8Array(memory.buffer, view.getUint32(r, true), bytes.length).set(bytes);
      view.setUint32(r + 8, bytes.length, true);
      return r;
    };
    const msg = Buffer.from('{"echo":{"text":"hello"}}');
    expect(Buffer.from(read(ex.execute!(write(Buffer.from('{}')), write(Buffer.from('{}')), write(msg)))).toString()).toBe(msg.toString());
    expect(debugged).toEqual([msg.toString()]);
    write(new Uint8Array(200_000).fill(0xff)); // grows memory; would clobber the data if the heap began at 0
    const schema = JSON.parse(Buffer.from(read(ex.query!(write(Buffer.from('{}')), write(msg)))).toString()) as {definitions: object};
    expect(Object.keys(schema.definitions)).toEqual(['Amount', 'Uint128']);
  });

  it('is deterministic: a forced rebuild and a build in another directory give the same bytes', async () => {
    const again = await build(root, {force: true});
    expect(again.contracts[0]).toMatchObject({compiled: true, written: false, codeHash: first.contracts[0]!.codeHash});
    const other = await build(fixtureRoot(), {cacheDir: false});
    expect(other.contracts[0]!.codeHash).toBe(first.contracts[0]!.codeHash);
  });

  it('reuses the artifact while no input changed, and recompiles when one does', async () => {
    expect((await build(root)).contracts[0]).toMatchObject({compiled: false, written: false});
    appendFileSync(path.join(root, 'contracts', 'lib', 'abort.ts'), '\n// touched\n');
    expect((await build(root)).contracts[0]).toMatchObject({compiled: true, written: false});
    writeFileSync(path.join(root, 'contracts', 'echo', 'schema', 'query.json'), JSON.stringify({type: 'object'}));
    const changed = await build(root);
    expect(changed.contracts[0]).toMatchObject({compiled: true, written: true});
    expect(changed.contracts[0]!.codeHash).not.toBe(first.contracts[0]!.codeHash);
    rmSync(path.join(root, 'contracts', 'echo', 'echo.wasm'));
    expect((await build(root)).contracts[0]).toMatchObject({compiled: true, written: true});
  });
});

describe('buildContracts errors', () => {
  it('builds nothing, without loading the compiler, when there is no contract source', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'secretai-contracts-none-'));
    tmpDirs.push(root);
    expect((await buildContracts({root})).contracts).toEqual([]);
  });

  it('refuses a start function that cannot be folded', async () => {
    const root = fixtureRoot();
    addContract(root, 'eager', 'const table = new Array<u32>(4);\nexport function size(): u32 { return <u32>table.length; }');
    await expect(build(root, {names: ['eager']})).rejects.toThrow(/contract eager: its start function cannot be folded/);
  });

  it('fails on floating point with the validator violations', async () => {
    const root = fixtureRoot();
    addContract(root, 'floaty', 'export function scale(x: u32): u32 { return <u32>(<f64>x * 1.5); }');
    const err = await build(root, {names: ['floaty']}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractBuildError);
    expect((err as ContractBuildError).violations.map((v) => v.rule)).toContain('float');
    expect(existsSync(path.join(root, 'contracts', 'floaty', 'floaty.wasm'))).toBe(false);
  });

  it('reports compile errors and a missing abort function clearly', async () => {
    const root = fixtureRoot();
    addContract(root, 'broken', 'export function f(): u32 { return undefinedThing; }');
    await expect(build(root, {names: ['broken']})).rejects.toThrow(/contract broken: asc failed:[\s\S]*undefinedThing/);
    await expect(build(root, {names: ['echo'], abort: {file: ABORT.file, fn: 'noSuchAbort'}})).rejects.toThrow(/must be exported by contracts\/lib\/abort\.ts/);
    await expect(build(root, {names: ['missing']})).rejects.toThrow(/contract missing: has no source/);
  });
});

describe('embedded schemas of the real contracts', () => {
  it('are self-contained: every schema of contracts/*/schema compiles on its own after embedding', () => {
    const contracts = path.join(repoRoot, 'contracts');
    const dirs = readdirSync(contracts, {withFileTypes: true}).filter((d) => d.isDirectory() && existsSync(path.join(contracts, d.name, 'schema')));
    expect(dirs.length).toBeGreaterThan(0);
    for (const d of dirs) {
      for (const s of contractSchemas(path.join(contracts, d.name), path.join(contracts, 'common', 'schema', 'definitions.json'))) {
        const schema = JSON.parse(s.json) as {description?: string};
        expect(() => compileSchema(schema, s.name)).not.toThrow();
        expect(s.json).not.toMatch(/"description":"/); // annotations gone (no property of that name in these schemas)
      }
    }
  });
});
