/**
 * What the commands use of @oclif/core — `Args`, `Flags` and `Command` — taken with `require` (help.ts takes the help
 * classes the same way, when help is asked for).
 *
 * An ES import of a CommonJS module makes Node parse the module's source, and the source of every module it
 * re-exports, to find its export names; for @oclif/core's entries that is about 8 ms of every start, although
 * `bin/run.js` has already loaded oclif (from its one-file pack, see scripts/oclif-pack.ts). `require` hands over
 * the loaded exports. Types come from the packages' own declarations, unchanged.
 */
import module from 'node:module';

const require = module.createRequire(import.meta.url);

export const Args = require('@oclif/core/args') as typeof import('@oclif/core/args');
export const Flags = require('@oclif/core/flags') as typeof import('@oclif/core/flags');
export const {Command} = require('@oclif/core/command') as typeof import('@oclif/core/command');
