/**
 * Commands of the design (design.md §6) that this version does not have yet. They show in help with their
 * purpose, and running one says plainly that it is not built — exit 1, code NOT_BUILT — rather than pretending.
 */
import type {Command} from '@oclif/core/command';
import {OperationError} from '../errors.js';
import {BaseCommand} from './base-command.js';

export interface PlannedCommand {
  id: string;
  summary: string;
  examples?: string[];
}

export function notBuilt(p: PlannedCommand): typeof Command {
  return class extends BaseCommand<typeof Command, never> {
    static summary = `${p.summary} (not built yet)`;
    static description = `${p.summary}\n\nThis command is part of the secretai design but is not built in this version; running it exits with code 1 (NOT_BUILT).`;
    static examples = p.examples ?? [];
    static strict = false;

    async exec(): Promise<never> {
      throw new OperationError(`"secretai ${p.id}" is not built yet in secretai ${this.config.version}`, {
        code: 'NOT_BUILT',
        suggestion: 'see "secretai --help" for the commands that work today',
      });
    }
  };
}
