/**
 * Where the contracts' sources and built artifacts are: `contracts/<name>/assembly/index.ts` (AssemblyScript) is
 * built into `contracts/<name>/<name>.wasm`. Reading an artifact gives its bytes and code hash.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {UsageError} from '../errors.js';
import {contractCodeHash} from './validate.js';

/** The package root (this module runs from `dist/src/lib/contracts/`). */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
}

/** The contracts directory of a root. */
export function contractsDir(root: string): string {
  return path.join(root, 'contracts');
}

/** Entry file of a contract's AssemblyScript source. */
export function contractEntry(root: string, name: string): string {
  return path.join(contractsDir(root), name, 'assembly', 'index.ts');
}

/** Built artifact of a contract. */
export function artifactPath(root: string, name: string): string {
  return path.join(contractsDir(root), name, `${name}.wasm`);
}

/** Names of the contracts with an AssemblyScript source (`contracts/<name>/assembly/index.ts`), sorted. */
export function contractSources(root: string): string[] {
  const dir = contractsDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, {withFileTypes: true})
    .filter((d) => d.isDirectory() && existsSync(contractEntry(root, d.name)))
    .map((d) => d.name)
    .sort();
}

/** A built contract. */
export interface Artifact {
  name: string;
  path: string;
  wasm: Uint8Array;
  /** SHA-256 hex of the (unzipped) code: the code hash on chain. */
  codeHash: string;
  size: number;
}

/** Reads a file of contract code (wasm, or gzip-compressed wasm) and hashes it. */
export function readCodeFile(file: string, name: string = path.basename(file).replace(/\.wasm(\.gz)?$/, '')): Artifact {
  let wasm: Uint8Array;
  try {
    wasm = new Uint8Array(readFileSync(file));
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {code: 'FILE_UNREADABLE'});
  }
  return {name, path: file, wasm, codeHash: contractCodeHash(wasm), size: wasm.length};
}

/** The built artifact of contract `name`; a usage error when it has not been built. */
export function readArtifact(root: string, name: string): Artifact {
  const file = artifactPath(root, name);
  if (!existsSync(file)) {
    throw new UsageError(`contract ${name} is not built (${path.relative(root, file)} is missing)`, {
      code: 'CONTRACT_NOT_BUILT',
      suggestion: 'run "npm run build" or "secretai contracts build"',
    });
  }
  return readCodeFile(file, name);
}
