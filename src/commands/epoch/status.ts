import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {EpochView} from '../../lib/rewards/index.js';
import {renderEpoch} from './close.js';

export default class EpochStatus extends BaseCommand<typeof EpochStatus, EpochView> {
  static summary = 'Show the current reward epoch';
  static description = `The RewardsManager epoch the block time is in (or --epoch N): its bounds, the revenue received for it, the weight
counted so far, and once closed the protocol fee and the amount shared by weight. Amounts are payment-token base
units. Also says which epoch "epoch close" would close next.`;

  static examples = ['<%= config.bin %> epoch status', '<%= config.bin %> epoch status --epoch 3 --json'];

  static flags = {
    epoch: Flags.string({description: 'show this epoch instead of the current one', helpValue: 'N'}),
  };

  async exec(): Promise<EpochView> {
    const {epochStatus} = await import('../../lib/rewards/index.js');
    return epochStatus(this.ctx, this.flags.epoch);
  }

  protected render(e: EpochView): void {
    renderEpoch(this.out, e);
  }
}
