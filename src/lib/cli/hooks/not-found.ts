/**
 * oclif `command_not_found` hook: unknown commands and stray words after a command get the same one-line
 * error (or one JSON document with --json) and exit code 2 as every other usage error.
 */
import type {Hook} from '@oclif/core/hooks';
import {UsageError} from '../../errors.js';
import {Output} from '../output.js';

const hook: Hook<'command_not_found'> = async function (opts) {
  const words = opts.id.split(':');
  const argv = opts.argv ?? [];
  const json = argv.includes('--json') || process.argv.includes('--json');
  const ids = new Set(opts.config.commands.map((c) => c.id));
  // The longest known command the words start with: what follows it are stray arguments.
  let known = '';
  for (let i = words.length - 1; i > 0 && !known; i--) {
    const id = words.slice(0, i).join(':');
    if (ids.has(id)) known = id;
  }
  const topics = new Set(opts.config.topics.map((t) => t.name));
  let err: UsageError;
  if (known) {
    const extra = words.length - known.split(':').length;
    err = new UsageError(`unexpected argument${extra === 1 ? '' : 's'} (${extra}) after "secretai ${known.replace(/:/g, ' ')}"`, {
      code: 'USAGE',
      suggestion: `see "secretai ${known.replace(/:/g, ' ')} --help"`,
    });
  } else if (words[0].startsWith('-')) {
    err = new UsageError(`unknown flag "${words[0].split('=')[0]}" without a command`, {code: 'USAGE', suggestion: 'see "secretai --help" for the commands'});
  } else {
    // Name only what is known to be a topic, and at most one more word: later words may be anything,
    // including something that should stay private.
    const topic = topics.has(words[0]) ? words[0] : undefined;
    const hint = topic ? `see "secretai ${topic} --help" for its commands` : 'see "secretai --help" for the commands';
    const shown = topic ? `${topic} ${words[1] ?? ''}`.trim() : words[0];
    err = new UsageError(`unknown command "${shown}"`, {code: 'COMMAND_NOT_FOUND', suggestion: hint});
  }
  const out = new Output({json, verbose: false, interactive: false});
  if (json) out.printJson(err.toJSON());
  out.stderr.write(`${out.errColor.red('Error:')} ${err.message} (${err.suggestion})\n`);
  process.exitCode = err.exitCode;
  // Returning normally lets oclif finish; its own "command not found" output is suppressed by exiting here.
  process.exit(err.exitCode);
};

export default hook;
