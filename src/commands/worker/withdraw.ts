import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';

export default class WorkerWithdraw extends BaseCommand<typeof WorkerWithdraw, {txHash: string}> {
  static summary = 'Withdraw the stake of a deregistered (or removed) worker after unbonding';
  static examples = ['<%= config.bin %> worker withdraw --from op', '<%= config.bin %> worker withdraw --id 3 --from op --json'];
  static flags = {id: Flags.string({description: 'worker id (default: the --from key\'s worker)', helpValue: 'ID'})};

  async exec(): Promise<{txHash: string}> {
    const {withdrawStake} = await import('../../lib/worker/registry.js');
    return withdrawStake(this.ctx, this.flags.id);
  }

  protected render(r: {txHash: string}): void {
    this.out.line(`${this.out.color.green('✓')} stake withdrawn (tx ${r.txHash})`);
  }
}
