/**
 * Compiles the AssemblyScript test modules of the runtime library (`test/contracts/lib/assembly/<name>.ts`) and
 * checks modules the way Secret would:
 * - `compileAssemblyScript(entry, flags)` compiles through asc's JS API in a child process (asc-compile.ts) and
 *   caches the result by content (sources of contracts/lib and of the test modules, flags, compiler version), so a
 *   module is compiled once however many test files and workers use it;
 * - `compileTestModule(name, optimize)` is that for a test module run by `as-host.ts`, which answers asc's own
 *   `abort` import (the contracts' flags route it to `contractAbort` instead, see `CONTRACT_ASC_FLAGS`);
 * - `secretWasmProblems` checks a module with wabt: MVP features only, no f32/f64 anywhere.
 */
import {createHash} from 'node:crypto';
import {execFile} from 'node:child_process';
import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import wabt from 'wabt';
import {repoRoot} from '../../helpers/shared.js';

const execFileAsync = promisify(execFile);

/** The contracts' code generation: stub runtime, every post-MVP feature asc enables by default disabled. */
const CODEGEN_FLAGS = ['--runtime', 'stub', '--disable', 'sign-extension,nontrapping-f2i,bulk-memory,mutable-globals', '--noColors'];

/** asc flags of the contracts build (issue 15 design): their code generation, optimised, with our own abort. */
export const CONTRACT_ASC_FLAGS = [...CODEGEN_FLAGS, '-O3', '--converge', '--use', 'abort=contracts/lib/abort/contractAbort'];

/** Folders whose AssemblyScript sources a test module may import. */
const SOURCE_DIRS = ['contracts/lib', 'test/contracts/lib/assembly'];

function sourceFingerprint(): string {
  const h = createHash('sha256');
  const ascPackage = readFileSync(path.join(repoRoot, 'node_modules', 'assemblyscript', 'package.json'), 'utf8');
  h.update((JSON.parse(ascPackage) as {version: string}).version);
    for (const dir of SOURCE_DIRS) {
    const abs = path.join(repoRoot, dir);
    for (const name of readdirSync(abs).filter((n) => n.endsWith('.ts')).sort()) {
      h.update(`${dir}/${name}\0`);
      h.update(readFileSync(path.join(abs, name)));
    }
  }
  return h.digest('hex');
}

/**
 * Compiles `entry` (a path relative to the repository root) with `flags` (default: the contracts build's); returns
 * the wasm bytes. Throws with asc's output.
 */
export async function compileAssemblyScript(entry: string, flags: string[] = CONTRACT_ASC_FLAGS): Promise<Uint8Array> {
  const key = createHash('sha256').update(sourceFingerprint()).update(entry).update(JSON.stringify(flags)).digest('hex');
  const cacheDir = path.join(os.tmpdir(), 'secretai-asc-cache');
  const cached = path.join(cacheDir, `${key}.wasm`);
  if (existsSync(cached)) return new Uint8Array(readFileSync(cached));
  mkdirSync(cacheDir, {recursive: true});
  // One compiler per module at a time: other test workers wait for its result instead of compiling it again.
  const lock = `${cached}.lock`;
  while (!tryLock(lock)) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (existsSync(cached)) return new Uint8Array(readFileSync(cached));
  }
  try {
    if (existsSync(cached)) return new Uint8Array(readFileSync(cached));
    const tmp = `${cached}.${process.pid}.tmp`;
    const binary = await compile(entry, flags, tmp);
    renameSync(tmp, cached);
    pruneCache(cacheDir);
    return binary;
  } finally {
    rmSync(lock, {force: true});
  }
}

/** Takes the lock (holding this process id); false while a live compiler holds it. A dead holder's lock is removed. */
function tryLock(lock: string): boolean {
  try {
    const fd = openSync(lock, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch {
    if (!holderAlive(lock)) rmSync(lock, {force: true});
    return false;
  }
}

function holderAlive(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - statSync(lock).mtimeMs < 60_000; // being written
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Modules compiled from sources that changed since are dropped after a week. */
const CACHE_DAYS = 7;

function pruneCache(cacheDir: string): void {
  const cutoff = Date.now() - CACHE_DAYS * 24 * 3600 * 1000;
  for (const name of readdirSync(cacheDir).filter((n) => n.endsWith('.wasm'))) {
    try {
      if (statSync(path.join(cacheDir, name)).mtimeMs < cutoff) rmSync(path.join(cacheDir, name), {force: true});
    } catch {
      /* removed meanwhile */
    }
  }
}

/** Runs asc-compile.js (asc's JS API in a child process) and returns the module. */
async function compile(entry: string, flags: string[], outFile: string): Promise<Uint8Array> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'asc-compile.js');
  const args = [script, outFile, entry, ...flags, '--baseDir', repoRoot];
  try {
    await execFileAsync(process.execPath, args, {cwd: repoRoot, maxBuffer: 16 * 1024 * 1024});
  } catch (e) {
    const err = e as {stderr?: string; message: string};
    throw new Error(`asc failed for ${entry}: ${err.stderr || err.message}`);
  }
  return new Uint8Array(readFileSync(outFile));
}

/**
 * Compiles `test/contracts/lib/assembly/<name>.ts` with the contracts' code generation (optimised with -O3 unless
 * `optimize` is false) and asc's own `abort`; throws with asc's diagnostics on failure.
 */
export function compileTestModule(name: string, optimize = true): Promise<Uint8Array> {
  return compileAssemblyScript(`test/contracts/lib/assembly/${name}.ts`, [...CODEGEN_FLAGS, optimize ? '-O3' : '-O0']);
}

/**
 * Checks a module as Secret's upload and enclave would (docs secret-wasm.md "Two gates"): it must parse and
 * validate with every post-MVP feature off, and contain no f32/f64 type, local, global or instruction.
 * Returns the problems found (empty when none).
 */
export async function secretWasmProblems(binary: Uint8Array): Promise<string[]> {
  const w = await wabt();
  const off = {
    exceptions: false, mutable_globals: false, sat_float_to_int: false, sign_extension: false, simd: false, threads: false,
    function_references: false, multi_value: false, tail_call: false, bulk_memory: false, reference_types: false,
    annotations: false, code_metadata: false, gc: false, memory64: false, extended_const: false, relaxed_simd: false,
  };
  let module;
  try {
    module = w.readWasm(binary, {readDebugNames: false, ...off});
    module.validate();
  } catch (e) {
    return [`not an MVP module: ${(e as Error).message}`];
  }
  try {
    const text = module.toText({foldExprs: false, inlineExport: false});
    // Data segments are bytes, not code: their text is not searched.
    const code = text.split('\n').filter((line) => !line.trimStart().startsWith('(data'));
    const floats = code.filter((line) => /\bf(32|64)\b/.test(line));
    return floats.length ? [`${floats.length} line(s) with floating point, e.g. ${floats[0]!.trim()}`] : [];
  } finally {
    module.destroy();
  }
}
