#!/bin/sh
":" //; r=$0; [ -L "$r" ] && { r=$(readlink -f "$r" 2>/dev/null) || r=$0; }; n=${r%/*}/../node_modules/node/bin/node; [ -x "$n" ] || n=node; exec "$n" "$r" "$@"
// secretai entry point, a shell-and-JavaScript file. Run as a program (`./bin/run.js`, `secretai` on PATH) the
// shell line above replaces itself with the project's own Node 22 (installed by `npm ci` as a dev dependency),
// else the `node` on PATH: one Node start, no wrapper process left to forward signals. To JavaScript that line is a
// string and a comment. Run by an older `node` directly, this file starts Node 22 as a child and forwards signals.
// The shell line calls `readlink` (a subprocess) only when it was started through a symbolic link.
// Kept tiny: `--version` answers without loading the CLI framework, and Node's own modules are loaded with
// `require`: an ES `import` of one builds its whole export list, which loads dozens of Node's internal modules.
import module from 'node:module';

const require = module.createRequire(import.meta.url);
const {readFileSync, existsSync} = require('node:fs');
const {fileURLToPath} = require('node:url');
const path = require('node:path');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const major = Number(process.versions.node.split('.')[0]);

if (major < 22) {
  const local = path.join(root, 'node_modules', 'node', 'bin', 'node');
  if (existsSync(local) && !process.env.SECRETAI_REEXEC) {
    const {spawn} = require('node:child_process');
    const child = spawn(local, [fileURLToPath(import.meta.url), ...argv], {stdio: 'inherit', env: {...process.env, SECRETAI_REEXEC: '1'}});
    // A signal sent to this process (a `kill`, a supervisor stopping it) goes to the child too, so no server is left.
    const forward = (sig) => child.kill(sig);
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, forward);
    child.on('error', (e) => {
      process.stderr.write(`Error: could not start ${local}: ${e.message}\n`);
      process.exit(1);
    });
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      // Die of the same signal the child died of, so the caller sees what happened.
      if (signal) process.kill(process.pid, signal);
      process.exit(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  } else {
    process.stderr.write(`Error: secretai needs Node.js 22 or newer (this is ${process.version}) (run "npm ci" in ${root} to install it locally)\n`);
    process.exit(1);
  }
} else if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const {version} = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  process.stdout.write(`secretai/${version} ${process.platform}-${process.arch} node-${process.version}\n`);
  process.exit(0);
} else {
  // Node 22's on-disk compile cache (in $NODE_COMPILE_CACHE, else <tmpdir>/node-compile-cache) skips parsing and
  // compiling the CLI's modules on every later run.
  module.enableCompileCache?.();

  // This file has already checked the Node version; oclif's own check loads a semver library on every run.
  process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';

  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));

  useOclifPack();
  // Not awaited at the top level: a reader that closes the pipe early (`| head`) must not leave Node warning about it.
  require('@oclif/core/execute').execute({dir: import.meta.url});
}

/**
 * oclif from one file: `dist/oclif-pack.cjs` (built by `npm run build`, see scripts/oclif-pack.ts) holds @oclif/core
 * and the packages it loads, so Node reads and compiles one file instead of resolving, reading and compiling about
 * a hundred. Each public entry of @oclif/core (`@oclif/core`, `@oclif/core/command`, …) goes into the require cache
 * under the file it resolves to, where `require` and `import` both find it: the runner, the commands and the help
 * class share that one instance, and the installed files are not loaded. Without the pack, or with a pack built
 * for another @oclif/core version, or with SECRETAI_OCLIF_PACK=0, oclif loads from its installed files as usual.
 */
function useOclifPack() {
  if (process.env.SECRETAI_OCLIF_PACK === '0') return;
  let pack;
  let files;
  let entries;
  try {
    pack = require('../dist/oclif-pack.cjs');
    // One resolution (the package's own package.json); each entry's file is recorded in the pack, relative to the
    // package, which that version's `exports` fixes.
    const pjsonFile = require.resolve('@oclif/core/package.json');
    if (pack.version !== JSON.parse(readFileSync(pjsonFile, 'utf8')).version || pack.files?.length !== pack.specifiers.length) return;
    const dir = path.dirname(pjsonFile);
    files = pack.files.map((f) => path.join(dir, f));
    entries = pack.load();
  } catch {
    return;
  }
  // Everything that can fail is above: the cache gets every entry or none.
  pack.specifiers.forEach((s, i) => {
    const m = new module.Module(files[i]);
    m.filename = files[i];
    m.exports = entries[s];
    m.loaded = true;
    require.cache[files[i]] = m;
  });
}
