import {BaseCommand} from '../../lib/cli/base-command.js';
import type {RewardsView} from '../../lib/rewards/index.js';

export default class RewardsShow extends BaseCommand<typeof RewardsShow, RewardsView> {
  static summary = 'Show the rewards of your workers';
  static description = `Rewards of the workers the --from key operates or is the payout address of (read with a permit the key signs once):
pending is claimable now (epochs already closed), unsettledWeight is work counted in epochs not closed yet. Amounts
are payment-token base units. The RewardsManager learns of a worker at its first report.`;

  static examples = ['<%= config.bin %> rewards show --from op', '<%= config.bin %> rewards show --from payout --json'];

  async exec(): Promise<RewardsView> {
    const {showRewards} = await import('../../lib/rewards/index.js');
    return showRewards(this.ctx);
  }

  protected render(r: RewardsView): void {
    this.out.line(`pending ${r.pending}, claimed ${r.claimed}, weight in open epochs ${r.unsettledWeight}`);
    for (const w of r.workers) this.out.line(`  worker ${w.workerId}: pending ${w.pending}, claimed ${w.claimed}, open weight ${w.unsettledWeight}`);
  }
}
