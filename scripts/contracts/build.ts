/**
 * `npm run build`'s last step: builds every `contracts/<name>/assembly/index.ts` into `contracts/<name>/<name>.wasm`
 * (see src/lib/contracts/build.ts), one line per contract. `--force` ignores the cache. Exits 1 when a contract
 * fails to compile or breaks the Secret Network rules.
 */
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {buildContracts, builtLine, ContractBuildError} from '../../src/lib/contracts/build.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

try {
  const result = await buildContracts({
    root,
    force: process.argv.includes('--force'),
    onProgress: (e) => {
      if (e.type === 'done') process.stdout.write(`contracts: ${builtLine(e.result)}\n`);
    },
  });
  if (result.contracts.length === 0) process.stdout.write('contracts: none found (no contracts/*/assembly/index.ts)\n');
} catch (err) {
  process.stderr.write(`contracts: ${err instanceof ContractBuildError ? err.message : (err as Error).stack}\n`);
  process.exitCode = 1;
}
