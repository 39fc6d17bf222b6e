/**
 * Compiles AssemblyScript test modules with the flags of the contracts build, through asc's JS API, and caches
 * the result by content (sources of contracts/lib and of the test modules, flags, compiler version), so a
 * module is compiled once however many test files use it.
 */
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {repoRoot} from '../../helpers/shared.js';

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

  const asc = (await import('assemblyscript/asc')).default;
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
