/**
 * Compiles the AssemblyScript test modules of `test/contracts/lib/assembly/` (which import `contracts/lib/`) with
 * asc's JS API and the contracts' code-generation rules (stub runtime, MVP features only), and checks a module
 * with wabt the way Secret would: MVP features only, no f32/f64 anywhere.
 *
 * Runtime-library files that are not written yet are served from `assembly/standins/` (see its README).
 */
import wabt from 'wabt';
import {existsSync, readFileSync} from 'node:fs';
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
