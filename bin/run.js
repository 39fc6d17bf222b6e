#!/bin/sh
":" //; r=$(readlink -f "$0" 2>/dev/null) || r=$0; n=${r%/*}/../node_modules/node/bin/node; [ -x "$n" ] || n=node; exec "$n" "$r" "$@"
// secretai entry point, a shell-and-JavaScript file. Run as a program (`./bin/run.js`, `secretai` on PATH) the
// shell line above replaces itself with the project's own Node 22 (installed by `npm ci` as a dev dependency),
// else the `node` on PATH: one Node start, no wrapper process left to forward signals. To JavaScript that line is a
// string and a comment. Run by an older `node` directly, this file starts Node 22 as a child and forwards signals.
// Kept tiny: `--version` answers without loading the CLI framework.
import {readFileSync, existsSync} from 'node:fs';
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import module from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const major = Number(process.versions.node.split('.')[0]);

if (major < 22) {
  const local = path.join(root, 'node_modules', 'node', 'bin', 'node');
  if (existsSync(local) && !process.env.SECRETAI_REEXEC) {
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

  // Only oclif's runner, not its whole index (the index also loads the help renderer, ux and parser up front).
  // Not a top-level await: a reader that closes the pipe early (`| head`) must not leave Node warning about it.
  import('@oclif/core/execute').then(({execute}) => execute({dir: import.meta.url}));
}
