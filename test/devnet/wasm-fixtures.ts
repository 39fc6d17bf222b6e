/**
 * Builds the test contracts of `test/fixtures/wasm-contracts/` (AssemblyScript on `contracts/lib`) into wasm, for
 * the devnets of the tests. The build root is a fixed folder under `node_modules/.cache`, so the contracts build's
 * own cache skips the compile when nothing changed; files are copied only when their bytes differ.
 */
import {existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {buildContracts} from '../../src/lib/contracts/build.js';
import {artifactPath} from '../../src/lib/contracts/artifacts.js';

/** The repository (tests run from `dist/test/devnet`). */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'wasm-contracts');
const ROOT = path.join(REPO, 'node_modules', '.cache', 'secretai-test-contracts');

/** The test contracts. */
export type TestContractName = 'echo' | 'token' | 'probe';

function syncFile(from: string, to: string): void {
  const bytes = readFileSync(from);
  try {
    if (readFileSync(to).equals(bytes)) return;
  } catch {
    /* absent */
  }
  mkdirSync(path.dirname(to), {recursive: true});
  const tmp = `${to}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, to);
}

function syncTree(from: string, to: string): void {
  for (const entry of readdirSync(from)) {
    const src = path.join(from, entry);
    if (statSync(src).isDirectory()) syncTree(src, path.join(to, entry));
    else if (entry !== 'schema.generated.ts' && !entry.endsWith('.wasm')) syncFile(src, path.join(to, entry));
  }
}

const built = new Map<string, Promise<Uint8Array>>();

async function buildOne(name: TestContractName): Promise<Uint8Array> {
  const contracts = path.join(ROOT, 'contracts');
  syncTree(path.join(REPO, 'contracts', 'lib'), path.join(contracts, 'lib'));
  syncFile(path.join(REPO, 'contracts', 'common', 'schema', 'definitions.json'), path.join(contracts, 'common', 'schema', 'definitions.json'));
  syncTree(path.join(FIXTURES, name), path.join(contracts, name));
  await buildContracts({root: ROOT, names: [name], cacheDir: path.join(ROOT, 'cache')});
  const file = artifactPath(ROOT, name);
  if (!existsSync(file)) throw new Error(`test contract ${name} was not built`);
  return new Uint8Array(readFileSync(file));
}

/** The wasm of a test contract, built once per process (sequentially: the build is CPU-bound). */
export function testContractWasm(name: TestContractName): Promise<Uint8Array> {
  let p = built.get(name);
  if (!p) {
    const previous = [...built.values()].at(-1) ?? Promise.resolve(new Uint8Array());
    p = previous.catch(() => undefined).then(() => buildOne(name));
    built.set(name, p);
  }
  return p;
}
