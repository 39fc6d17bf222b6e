/**
 * Compiles AssemblyScript test modules with the flags of the contracts build, through asc's JS API (in a child
 * process: asc-compile.ts), and caches the result by content (sources of contracts/lib and of the test modules,
 * flags, compiler version), so a module is compiled once however many test files and workers use it.
 *
 * `compileTestModule` and `secretWasmProblems` (the crypto tests): compile `test/contracts/lib/assembly/<name>.ts`
 * in this process (runtime-library files not written yet are served from `assembly/standins/`, see its README) and
 * check a module with wabt the way Secret would: MVP features only, no f32/f64 anywhere.
 */
import wabt from 'wabt';
import {createHash} from 'node:crypto';
import {execFile} from 'node:child_process';
import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {repoRoot} from '../../helpers/shared.js';

const execFileAsync = promisify(execFile);

/** asc flags of the contracts build (issue 15 design): stub runtime, MVP features only, our own abort. */
export const CONTRACT_ASC_FLAGS = [
  '--runtime', 'stub',
  '-O3', '--converge',
  '--disable', 'sign-extension,nontrapping-f2i,bulk-memory,mutable-globals',
  '--use', 'abort=contracts/lib/abort/contractAbort',
  '--noColors',
];

/** Folders whose AssemblyScript sources a test module may import. */
const SOURCE_DIRS = ['contracts/lib', 'test/contracts/lib/assembly'];

function sourceFingerprint(): string {
  const h = createHash('sha256');
  const ascPackage = readFileSync(path.join(repoRoot, 'node_modules', 'assemblyscript', 'package.json'), 'utf8');
  h.update((JSON.parse(ascPackage) as {version: string}).version);
  h.update(JSON.stringify(CONTRACT_ASC_FLAGS));
  for (const dir of SOURCE_DIRS) {
    const abs = path.join(repoRoot, dir);
    for (const name of readdirSync(abs).filter((n) => n.endsWith('.ts')).sort()) {
      h.update(`${dir}/${name}\0`);
      h.update(readFileSync(path.join(abs, name)));
    }
  }
  return h.digest('hex');
}

/** Compiles `entry` (a path relative to the repository root); returns the wasm bytes. Throws with asc's output. */
export async function compileAssemblyScript(entry: string, extraFlags: string[] = []): Promise<Uint8Array> {
  const key = createHash('sha256').update(sourceFingerprint()).update(entry).update(JSON.stringify(extraFlags)).digest('hex');
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
    const binary = await compile(entry, extraFlags, tmp);
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
async function compile(entry: string, extraFlags: string[], outFile: string): Promise<Uint8Array> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'asc-compile.js');
  const args = [script, outFile, entry, ...CONTRACT_ASC_FLAGS, ...extraFlags, '--baseDir', repoRoot];
  try {
    await execFileAsync(process.execPath, args, {cwd: repoRoot, maxBuffer: 16 * 1024 * 1024});
  } catch (e) {
    const err = e as {stderr?: string; message: string};
    throw new Error(`asc failed for ${entry}: ${err.stderr || err.message}`);
  }
  return new Uint8Array(readFileSync(outFile));
}

// --- crypto test modules -------------------------------------------------------------------------------------

/** The contracts' code-generation flags: stub runtime, every post-MVP feature asc enables by default disabled. */
export const CONTRACT_FLAGS = ['--runtime', 'stub', '--disable', 'sign-extension,nontrapping-f2i,bulk-memory,mutable-globals'];

const LIB_DIR = path.join(repoRoot, 'contracts', 'lib');
const STANDIN_DIR = path.join(repoRoot, 'test', 'contracts', 'lib', 'assembly', 'standins');

const cache = new Map<string, Promise<Uint8Array>>();

type Asc = typeof import('assemblyscript/asc').default;
let ascModule: Promise<Asc> | undefined;

/**
 * Loads asc. Its float helper instantiates a wasm from a `data:` URL with the global `fetch`, and secretjs, once
 * imported, replaces that with cross-fetch, which only speaks HTTP(S): while asc loads, `data:` URLs are answered
 * here.
 */
function loadAsc(): Promise<Asc> {
  ascModule ??= (async () => {
    const current = globalThis.fetch;
    globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      if (typeof input === 'string' && input.startsWith('data:')) {
        const comma = input.indexOf(',');
        const type = input.slice(5, comma).replace(/;base64$/, '');
        return new Response(Buffer.from(input.slice(comma + 1), 'base64'), {headers: {'content-type': type}});
      }
      return current(input, init);
    }) as typeof fetch;
    try {
      return (await import('assemblyscript/asc')).default;
    } finally {
      globalThis.fetch = current;
    }
  })();
  return ascModule;
}

/**
 * Compiles `test/contracts/lib/assembly/<name>.ts` (optimised with -O3 unless `optimize` is false); throws with
 * asc's diagnostics on failure. Results are cached per process.
 */
export function compileTestModule(name: string, optimize = true): Promise<Uint8Array> {
  const key = `${name}:${optimize}`;
  let result = cache.get(key);
  if (!result) {
    result = compileInProcess(`test/contracts/lib/assembly/${name}.ts`, optimize);
    cache.set(key, result);
  }
  return result;
}

async function compileInProcess(entry: string, optimize: boolean): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  const stderr: string[] = [];
  const asc = await loadAsc();
  const {error} = await asc.main([entry, '--outFile', 'module.wasm', ...(optimize ? ['-O3'] : ['-O0']), ...CONTRACT_FLAGS], {
    readFile(name: string, baseDir: string): string | null {
      const file = path.resolve(repoRoot, baseDir, name);
      if (existsSync(file)) return readFileSync(file, 'utf8');
      const standin = path.join(STANDIN_DIR, path.basename(file));
      if (path.dirname(file) === LIB_DIR && existsSync(standin)) return readFileSync(standin, 'utf8');
      return null;
    },
    writeFile(name: string, contents: Uint8Array | string): void {
      if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
    },
    listFiles: () => [],
    stdout: {write: () => true} as never,
    stderr: {write: (chunk: string | Uint8Array) => (stderr.push(String(chunk)), true)} as never,
  });
  if (error || !binary) throw new Error(`asc ${entry}: ${error?.message ?? 'no output'}\n${stderr.join('')}`);
  return binary;
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
