#!/usr/bin/env node
// secretai entry point. Kept tiny: `--version` answers without loading the CLI framework, and an older
// Node re-runs this file under the project's own Node 22 (installed by `npm ci` as a dev dependency).
import {readFileSync, existsSync} from 'node:fs';
import {spawnSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import module from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const major = Number(process.versions.node.split('.')[0]);

if (major < 22) {
  const local = path.join(root, 'node_modules', 'node', 'bin', 'node');
  if (existsSync(local) && !process.env.SECRETAI_REEXEC) {
    const r = spawnSync(local, [fileURLToPath(import.meta.url), ...argv], {stdio: 'inherit', env: {...process.env, SECRETAI_REEXEC: '1'}});
    process.exit(r.status ?? (r.signal === 'SIGINT' ? 130 : 1));
  }
  process.stderr.write(`Error: secretai needs Node.js 22 or newer (this is ${process.version}) (run "npm ci" in ${root} to install it locally)\n`);
  process.exit(1);
}

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const {version} = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  process.stdout.write(`secretai/${version} ${process.platform}-${process.arch} node-${process.version}\n`);
  process.exit(0);
}

// Node 22's on-disk compile cache roughly halves module loading time for every later run.
module.enableCompileCache?.();

// This file has already checked the Node version; oclif's own check loads a semver library on every run.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';

process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

// Not a top-level await: a reader that closes the pipe early (`| head`) must not leave Node warning about it.
import('@oclif/core').then(({execute}) => execute({dir: import.meta.url}));
