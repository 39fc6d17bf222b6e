import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {advanceService} from '../../lib/devnet/service.js';

export default class DevnetAdvance extends BaseCommand<typeof DevnetAdvance, {height: number; time: string}> {
  static summary = 'Move the devnet\'s block time forward (to end epochs and expire subscriptions).';
  static examples = ['<%= config.bin %> devnet advance --seconds 86400'];
  static flags = {seconds: Flags.integer({description: 'seconds to add to block time', required: true, min: 1})};

  async exec(): Promise<{height: number; time: string}> {
    return advanceService(this.ctx, this.flags.seconds);
  }

  protected render(r: {height: number; time: string}): void {
    this.out.line(`${this.out.color.green('✓')} block time is now ${r.time} (height ${r.height})`);
  }
}
