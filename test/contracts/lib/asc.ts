/**
 * Compiles AssemblyScript test modules with asc's JS API and the contracts' code-generation rules (stub runtime,
 * MVP features only), and checks a module with wabt the way Secret would: MVP features only, no f32/f64 anywhere.
 *
 * `compileAssemblyScript` uses the flags of the contracts build and caches by content (sources of contracts/lib
 * and of the test modules, flags, compiler version), so a module is compiled once however many test files use it.
 * `compileTestModule` compiles `test/contracts/lib/assembly/<name>.ts`; runtime-library files that are not written
 * yet are served from `assembly/standins/` (see its README).
 */
import wabt from 'wabt';
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {repoRoot} from '../../helpers/shared.js';

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
    result = compile(`test/contracts/lib/assembly/${name}.ts`, optimize);
    cache.set(key, result);
  }
  return result;
}

async function compile(entry: string, optimize: boolean): Promise<Uint8Array> {
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

  const asc = await loadAsc();
  let binary: Uint8Array | undefined;
  const errors: string[] = [];
  const {error} = await asc.main([entry, ...CONTRACT_ASC_FLAGS, ...extraFlags, '--outFile', 'out.wasm'], {
    readFile: (name, baseDir) => {
      const file = path.resolve(baseDir, name);
      return existsSync(file) ? readFileSync(file, 'utf8') : null;
    },
    writeFile: (name, contents) => {
      if (name.endsWith('out.wasm')) binary = typeof contents === 'string' ? new TextEncoder().encode(contents) : contents;
    },
    listFiles: (dirname, baseDir) => {
      const dir = path.resolve(baseDir, dirname);
      return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.ts')) : null;
    },
    stdout: {write: () => true} as never,
    stderr: {write: (s: string | Uint8Array) => (errors.push(String(s)), true)} as never,
  });
  if (error || !binary) throw new Error(`asc failed for ${entry}: ${error?.message ?? 'no output'}\n${errors.join('')}`);
  mkdirSync(cacheDir, {recursive: true});
  const tmp = `${cached}.${process.pid}.tmp`;
  writeFileSync(tmp, binary);
  renameSync(tmp, cached);
  return binary;
}
