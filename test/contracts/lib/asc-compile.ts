/**
 * Compiles one AssemblyScript module through asc's JS API in its own process (the compiler keeps handles alive
 * that would hold up a test worker): `node asc-compile.js <outFile> <asc arguments…>`. asc's diagnostics go
 * to stderr; the exit code is non-zero on failure.
 */
import {writeFileSync} from 'node:fs';
import asc from 'assemblyscript/asc';

const [outFile, ...args] = process.argv.slice(2);
let binary: Uint8Array | undefined;
const {error} = await asc.main([...args, '--outFile', 'out.wasm'], {
  writeFile: (name, contents) => {
    if (name.endsWith('out.wasm')) binary = typeof contents === 'string' ? new TextEncoder().encode(contents) : contents;
  },
  stdout: process.stdout,
  stderr: process.stderr,
});
if (error || !binary) {
  process.stderr.write(`${error?.message ?? 'no output'}\n`);
  process.exit(1);
}
writeFileSync(outFile!, binary);
process.exit(0);
