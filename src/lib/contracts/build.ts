/**
 * The contracts build: every `contracts/<name>/assembly/index.ts` becomes `contracts/<name>/<name>.wasm`, a module
 * a Secret Network node accepts. Per contract:
 *
 * 1. `contracts/<name>/assembly/schema.generated.ts` from its JSON schemas (`schema-embed.ts`);
 * 2. asc (through its JS API) with the stub runtime, WebAssembly MVP only, `abort` redirected to the contracts'
 *    own (`contracts/lib/abort.ts`, which logs through `debug` and traps), no source map, no debug names;
 * 3. binaryen: the start function (the stub runtime's heap pointer) folded into the globals' initial values and
 *    removed, then the module optimised again with MVP features only;
 * 4. the validator, with sign-extension refused too: any violation fails the build;
 * 5. the artifact is written (only when its bytes changed).
 *
 * The output depends only on the sources and the tool versions: two builds give the same bytes. A cache under
 * `node_modules/.cache/secretai-contracts/` remembers, per contract, every file asc read (or looked for) and the
 * artifact's hash; a build whose inputs are unchanged reuses the artifact.
 */
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {artifactPath, contractEntry, contractSources, contractsDir} from './artifacts.js';
import {contractSchemas, schemaModuleSource} from './schema-embed.js';
import {sha256Hex, validateContract, type Violation} from './validate.js';

/** The features asc must not use (asc 0.28 enables these by default). */
export const DISABLED_FEATURES = ['sign-extension', 'nontrapping-f2i', 'bulk-memory', 'mutable-globals'] as const;

/** The abort function the contracts use instead of the host's (Secret has no `env.abort`). */
export const DEFAULT_ABORT = {file: 'contracts/lib/abort.ts', fn: 'contractAbort'} as const;

/** File name of the generated schema module, next to `index.ts`. */
export const SCHEMA_MODULE = 'schema.generated.ts';

export interface BuildOptions {
  /** Root holding `contracts/` (and `node_modules/` for the cache). */
  root: string;
  /** Only these contracts (default: every contract with an AssemblyScript source). */
  names?: string[];
  /** The abort function, relative to `root` (default {@link DEFAULT_ABORT}). */
  abort?: {file: string; fn: string};
  /** Cache directory; `false` disables the cache (default `<root>/node_modules/.cache/secretai-contracts`). */
  cacheDir?: string | false;
  /** Compile even when the cache says the artifact is up to date. */
  force?: boolean;
  /** Called when a contract starts and when it is done. */
  onProgress?: (event: BuildEvent) => void;
}

export type BuildEvent = {type: 'start'; name: string} | {type: 'done'; result: ContractBuildResult};

export interface ContractBuildResult {
  name: string;
  /** Path of the artifact relative to the root. */
  artifact: string;
  size: number;
  codeHash: string;
  /** False when the cache showed the artifact up to date. */
  compiled: boolean;
  /** Whether the artifact file was (re)written. */
  written: boolean;
  ms: number;
}

export interface BuildResult {
  root: string;
  contracts: ContractBuildResult[];
  ms: number;
}

/** A contract that could not be built: compile errors, an unfoldable start function, or validator violations. */
export class ContractBuildError extends Error {
  constructor(
    readonly contract: string,
    message: string,
    readonly violations: Violation[] = [],
  ) {
    super(`contract ${contract}: ${message}`);
    this.name = 'ContractBuildError';
  }
}

type Asc = typeof import('assemblyscript/asc');
type Binaryen = typeof import('binaryen').default;

interface Tools {
  asc: Asc;
  binaryen: Binaryen;
}

const MISSING_TOOLS = 'the contracts build needs the development dependencies assemblyscript and binaryen (run "npm install")';

/** Versions of asc and binaryen, read from their package.json (loading the compilers takes seconds). */
function toolVersions(): {asc: string; binaryen: string} {
  try {
    const require = createRequire(import.meta.url);
    const version = (pkg: string) => (require(`${pkg}/package.json`) as {version: string}).version;
    return {asc: version('assemblyscript'), binaryen: version('binaryen')};
  } catch (err) {
    throw new Error(`${MISSING_TOOLS}: ${(err as Error).message}`);
  }
}

let tools: Promise<Tools> | undefined;

/** A `data:` URL's bytes as the Response Node's own fetch gives (only base64 payloads occur here). */
function dataUrlResponse(url: string): Response {
  const comma = url.indexOf(',');
  const meta = url.slice(5, comma);
  const mime = meta.split(';')[0] || 'text/plain';
  const body = meta.endsWith(';base64') ? Buffer.from(url.slice(comma + 1), 'base64') : Buffer.from(decodeURIComponent(url.slice(comma + 1)));
  return new Response(body, {headers: {'content-type': mime}});
}

/**
 * Loads asc and binaryen once per process, with a clear error when they are not installed. asc instantiates a small
 * helper module from a `data:` URL with `fetch`, which Node's own fetch serves; secretjs replaces the runtime's fetch
 * with a polyfill that refuses anything but HTTP(S), so while the compilers load, `data:` URLs are answered here and
 * every other request goes to the current fetch.
 */
function loadTools(): Promise<Tools> {
  tools ??= (async () => {
    const fetch = globalThis.fetch;
    try {
      globalThis.fetch = (input, init) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        return url.startsWith('data:') ? Promise.resolve(dataUrlResponse(url)) : fetch(input, init);
      };
      return {asc: (await import('assemblyscript/asc')) as Asc, binaryen: (await import('binaryen')).default};
    } catch (err) {
      tools = undefined;
      throw new Error(`${MISSING_TOOLS}: ${(err as Error).message}`);
    } finally {
      globalThis.fetch = fetch;
    }
  })();
  return tools;
}

/** The asc command line of a contract (paths relative to the root, which is asc's base directory). */
export function ascArguments(name: string, abort: {file: string; fn: string}): string[] {
  const entry = path.posix.join('contracts', name, 'assembly', 'index.ts');
  const abortPath = abort.file.replace(/\\/g, '/').replace(/\.ts$/, '');
  return [
    entry,
    abort.file,
    '--runtime', 'stub',
    '--optimizeLevel', '3',
    '--shrinkLevel', '0',
    '--disable', DISABLED_FEATURES.join(','),
    '--use', `abort=${abortPath}/${abort.fn}`,
    '--outFile', `${name}.wasm`,
    '--noColors',
  ];
}

/** Builds the contracts of `opts.root`; throws {@link ContractBuildError} at the first contract that fails. */
export async function buildContracts(opts: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const root = path.resolve(opts.root);
  const names = opts.names ?? contractSources(root);
  for (const n of names) {
    if (!existsSync(contractEntry(root, n))) throw new ContractBuildError(n, `has no source ${path.relative(root, contractEntry(root, n))}`);
  }
  const results: ContractBuildResult[] = [];
  if (names.length === 0) return {root, contracts: results, ms: Date.now() - started};
  const versions = toolVersions();
  let loaded: Promise<Tools> | undefined;
  const tools = () => (loaded ??= loadTools()); // only when something must be compiled
  const abort = opts.abort ?? DEFAULT_ABORT;
  const cacheDir = opts.cacheDir === false ? undefined : (opts.cacheDir ?? path.join(root, 'node_modules', '.cache', 'secretai-contracts'));
  for (const name of names) {
    opts.onProgress?.({type: 'start', name});
    const result = await buildOne(root, name, abort, versions, tools, cacheDir, Boolean(opts.force));
    results.push(result);
    opts.onProgress?.({type: 'done', result});
  }
  return {root, contracts: results, ms: Date.now() - started};
}

interface CacheEntry {
  key: string;
  /** Every file asc read (sha256) or looked for and did not find (null), relative to the root. */
  inputs: Record<string, string | null>;
  codeHash: string;
}

/** Identity of everything besides the source files: tool versions, arguments and this build code itself. */
function cacheKey(name: string, abort: {file: string; fn: string}, versions: {asc: string; binaryen: string}): string {
  const self = readFileSync(fileURLToPath(import.meta.url));
  const validator = readFileSync(fileURLToPath(new URL('./validate.js', import.meta.url)));
  return sha256Hex(Buffer.from(JSON.stringify({versions, args: ascArguments(name, abort), self: sha256Hex(self), validator: sha256Hex(validator)})));
}

function hashFile(file: string): string | null {
  try {
    return sha256Hex(readFileSync(file));
  } catch {
    return null;
  }
}

function upToDate(root: string, entry: CacheEntry | undefined, key: string, artifact: string): boolean {
  if (!entry || entry.key !== key || hashFile(artifact) !== entry.codeHash) return false;
  return Object.entries(entry.inputs).every(([rel, hash]) => hashFile(path.join(root, rel)) === hash);
}

function readCache(file: string): CacheEntry | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
  } catch {
    return undefined;
  }
}

/** Writes `data` to `file` unless it already holds exactly that (atomic: temp file + rename). */
function writeIfChanged(file: string, data: string | Uint8Array): boolean {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  try {
    if (readFileSync(file).equals(bytes)) return false;
  } catch {
    /* absent */
  }
  mkdirSync(path.dirname(file), {recursive: true});
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return true;
}

async function buildOne(
  root: string,
  name: string,
  abort: {file: string; fn: string},
  versions: {asc: string; binaryen: string},
  tools: () => Promise<Tools>,
  cacheDir: string | undefined,
  force: boolean,
): Promise<ContractBuildResult> {
  const t0 = Date.now();
  const dir = path.join(contractsDir(root), name);
  const schemas = contractSchemas(dir, path.join(contractsDir(root), 'common', 'schema', 'definitions.json'));
  writeIfChanged(path.join(dir, 'assembly', SCHEMA_MODULE), schemaModuleSource(name, schemas));
  const artifact = artifactPath(root, name);
  const relArtifact = path.relative(root, artifact);
  const key = cacheKey(name, abort, versions);
  const cacheFile = cacheDir && path.join(cacheDir, `${name}.json`);
  if (!force && cacheFile && upToDate(root, readCache(cacheFile), key, artifact)) {
    const wasm = new Uint8Array(readFileSync(artifact));
    checkValid(name, wasm);
    return {name, artifact: relArtifact, size: wasm.length, codeHash: sha256Hex(wasm), compiled: false, written: false, ms: Date.now() - t0};
  }
  const {asc, binaryen} = await tools();
  const {wasm: compiled, inputs} = await compile(root, name, abort, asc);
  const wasm = finish(name, compiled, binaryen, abort.fn);
  checkValid(name, wasm);
  const written = writeIfChanged(artifact, wasm);
  const codeHash = sha256Hex(wasm);
  if (cacheFile) writeIfChanged(cacheFile, JSON.stringify({key, inputs, codeHash} satisfies CacheEntry, null, 1) + '\n');
  return {name, artifact: relArtifact, size: wasm.length, codeHash, compiled: true, written, ms: Date.now() - t0};
}

function checkValid(name: string, wasm: Uint8Array): void {
  const verdict = validateContract(wasm, {allowSignExtension: false});
  if (!verdict.ok) {
    throw new ContractBuildError(name, `the built module breaks the Secret Network rules:\n${verdict.violations.map((v) => `  ${v.rule}: ${v.message}`).join('\n')}`, verdict.violations);
  }
}

/** Runs asc in memory; returns the binary and the files it read or looked for. */
async function compile(root: string, name: string, abort: {file: string; fn: string}, asc: Asc): Promise<{wasm: Uint8Array; inputs: Record<string, string | null>}> {
  const inputs: Record<string, string | null> = {};
  let wasm: Uint8Array | undefined;
  const errors: string[] = [];
  const {error, stderr} = await asc.main(ascArguments(name, abort).concat(['--baseDir', root]), {
    readFile: (file, baseDir) => {
      const abs = path.resolve(baseDir, file);
      const rel = path.relative(root, abs);
      // A project-level asconfig.json would change the build behind its back: never read one.
      if (path.basename(file) === 'asconfig.json') return null;
      try {
        const text = readFileSync(abs, 'utf8');
        inputs[rel] = sha256Hex(Buffer.from(text, 'utf8'));
        return text;
      } catch {
        inputs[rel] = null;
        return null;
      }
    },
    writeFile: (file, contents) => {
      if (file.endsWith('.wasm') && typeof contents !== 'string') wasm = contents;
    },
    listFiles: () => [],
    reportDiagnostic: (d) => {
      if (d.category === 1 /* error */) {
        const where = d.range ? `${d.range.source.normalizedPath}: ` : '';
        errors.push(`${where}AS${d.code}: ${d.message}`);
      }
    },
  });
  if (error || !wasm) {
    const detail = errors.length ? errors.join('\n  ') : stderr.toString().trim();
    const hint = /AS111\b.*Element '[^']*\/[^']*' not found/.test(detail) && detail.includes(`/${abort.fn}'`) ? `\n  (the abort function ${abort.fn} must be exported by ${abort.file})` : '';
    throw new ContractBuildError(name, `asc failed:\n  ${detail || error?.message}${hint}`);
  }
  return {wasm, inputs: Object.fromEntries(Object.keys(inputs).sort().map((k) => [k, inputs[k]!]))};
}

/**
 * Folds the start function into global initial values, removes it and the abort function's export, and
 * optimises again with MVP features only.
 */
export function finish(name: string, wasm: Uint8Array, binaryen: Binaryen, abortFn: string = DEFAULT_ABORT.fn): Uint8Array {
  const m = binaryen.readBinaryWithFeatures(wasm, binaryen.Features.MVP);
  try {
    m.setFeatures(binaryen.Features.MVP);
    // The abort file is an extra entry (so that asc always loads it): its export is not part of the interface.
    if (m.getExport(abortFn)) m.removeExport(abortFn);
    foldStart(name, m, binaryen);
    binaryen.setOptimizeLevel(3);
    binaryen.setShrinkLevel(0);
    binaryen.setDebugInfo(false);
    m.optimize();
    m.runPasses(['strip-debug', 'strip-producers', 'strip-target-features']);
    if (!m.validate()) throw new ContractBuildError(name, 'binaryen produced an invalid module');
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

/**
 * Moves the start function's work into the globals' initial values. Only a start function that sets globals to
 * constants (after precomputation) can be folded: module-level code with other effects is an error.
 */
function foldStart(name: string, m: InstanceType<Binaryen['Module']>, binaryen: Binaryen): void {
  const start = m.getStart();
  if (!start) return;
  const fn = binaryen.getFunctionInfo(start);
  m.runPassesOnFunction(fn.name, ['precompute-propagate', 'vacuum', 'merge-blocks']);
  const body = binaryen.getFunctionInfo(start).body;
  const sets: Array<{global: string; value: number}> = [];
  const visit = (expr: number): void => {
    const info = binaryen.getExpressionInfo(expr);
    if (info.id === binaryen.NopId) return;
    if (info.id === binaryen.BlockId) {
      for (const child of (info as unknown as {children: number[]}).children) visit(child);
      return;
    }
    if (info.id === binaryen.GlobalSetId) {
      const set = info as unknown as {name: string; value: number};
      if (binaryen.getExpressionInfo(set.value).id === binaryen.ConstId) {
        sets.push({global: set.name, value: set.value});
        return;
      }
    }
    throw new ContractBuildError(
      name,
      `its start function cannot be folded: module-level code does more than set globals to constants (found ${binaryen.emitText(expr).trim().split('\n')[0]}); initialise such state lazily inside a function`,
    );
  };
  if (body) visit(body);
  for (const {global, value} of sets) {
    const g = binaryen.getGlobalInfo(m.getGlobal(global));
    const init = m.copyExpression(value);
    m.removeGlobal(global);
    m.addGlobal(global, g.type, g.mutable, init);
  }
  m.setStart(0);
  m.removeFunction(fn.name);
}

/** One line about a built contract: name, size, code hash, and whether it was compiled. */
export function builtLine(r: ContractBuildResult): string {
  const how = r.compiled ? `compiled in ${(r.ms / 1000).toFixed(1)} s` : 'up to date';
  return `${r.name}  ${r.size} bytes  code hash ${r.codeHash}  (${r.artifact}, ${how})`;
}
