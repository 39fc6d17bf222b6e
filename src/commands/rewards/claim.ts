import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {ClaimView} from '../../lib/rewards/index.js';

export default class RewardsClaim extends BaseCommand<typeof RewardsClaim, ClaimView> {
  static summary = 'Claim the settled rewards of your workers';
  static description = `Pays the settled rewards of the workers the --from key operates or is the payout address of, in the payment token,
to each worker's payout address. With nothing settled the transaction pays nothing (amount 0).`;

  static examples = ['<%= config.bin %> rewards claim --from op', '<%= config.bin %> rewards claim --from op --worker 2 --json'];

  static flags = {
    worker: Flags.string({description: 'only this worker (you must operate it or be its payout address)', helpValue: 'ID'}),
  };

  async exec(): Promise<ClaimView> {
    const {claimRewards} = await import('../../lib/rewards/index.js');
    return claimRewards(this.ctx, this.flags.worker);
  }

  protected render(r: ClaimView): void {
    if (r.amount === '0') {
      this.out.line(`nothing to claim (tx ${r.txHash})`);
      return;
    }
    this.out.line(`${this.out.color.green('✓')} claimed ${r.amount} (tx ${r.txHash})`);
    for (const p of r.payouts) this.out.line(`  worker ${p.workerId}: ${p.amount} → ${p.address}`);
  }
}
