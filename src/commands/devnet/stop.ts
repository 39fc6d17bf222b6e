import {BaseCommand} from '../../lib/cli/base-command.js';
import {stopDevnetService, type DevnetStatusResult} from '../../lib/devnet/service.js';

type Stopped = DevnetStatusResult & {wasRunning: boolean};

export default class DevnetStop extends BaseCommand<typeof DevnetStop, Stopped> {
  static summary = 'Stop the devnet of this home; its state is kept for the next start.';
  static examples = ['<%= config.bin %> devnet stop'];

  async exec(): Promise<Stopped> {
    return stopDevnetService(this.ctx);
  }

  protected render(s: Stopped): void {
    this.out.line(s.wasRunning ? `${this.out.color.green('✓')} devnet stopped (state kept in ${s.home})` : 'no devnet was running');
  }
}
