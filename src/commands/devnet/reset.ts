import {BaseCommand} from '../../lib/cli/base-command.js';
import {confirm} from '../../lib/cli/input.js';
import {resetDevnetService, type DevnetStatusResult} from '../../lib/devnet/service.js';

type Reset = DevnetStatusResult & {wasRunning: boolean};

export default class DevnetReset extends BaseCommand<typeof DevnetReset, Reset> {
  static summary = 'Stop the devnet and delete all its chain state (accounts, contracts, txs).';
  static description = 'The next "devnet start" creates a fresh chain with new contract addresses. Asks for confirmation on a terminal; scripts pass --yes.';
  static examples = ['<%= config.bin %> devnet reset --yes'];

  async exec(): Promise<Reset> {
    await confirm(this.ctx, 'Delete all devnet state in this home?');
    return resetDevnetService(this.ctx);
  }

  protected render(s: Reset): void {
    this.out.line(`${this.out.color.green('✓')} devnet state deleted${s.wasRunning ? ' (it was stopped first)' : ''}`);
  }
}
