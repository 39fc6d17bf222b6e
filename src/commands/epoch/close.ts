import {BaseCommand} from '../../lib/cli/base-command.js';
import type {Output} from '../../lib/cli/output.js';
import type {EpochView} from '../../lib/rewards/index.js';

/** Prints an epoch for people (shared by `epoch status` and `epoch close`). */
export function renderEpoch(out: Output, e: EpochView): void {
  const iso = (t: number) => new Date(t * 1000).toISOString();
  const state = e.closed ? 'closed' : e.closable ? 'ended, can be closed' : 'open';
  out.line(`epoch ${e.epoch} (${state}): ${iso(e.startsAt)} → ${iso(e.endsAt)}`);
  out.line(`  revenue ${e.revenue}, weight ${e.totalWeight}, workers up ${e.workersUp}`);
  if (e.closed) out.line(`  protocol fee ${e.protocolFee}, shared by weight ${e.distributed}${e.carriedIn && e.carriedIn !== '0' ? ` (carried in ${e.carriedIn})` : ''}`);
  if (e.nextToClose !== undefined && e.nextToClose !== e.epoch) out.line(`  next epoch to close: ${e.nextToClose}`);
  if (e.txHash) out.line(`  tx ${e.txHash}`);
}

export default class EpochClose extends BaseCommand<typeof EpochClose, EpochView> {
  static summary = 'Close the oldest ended reward epoch';
  static description = `Anyone may close an epoch once its end has passed; epochs close in order, one per call. Closing pays the protocol fee
to the fee address and fixes the rest of the epoch's revenue (plus remainders carried from earlier epochs) for sharing
pro rata to weight; workers then collect their share with "rewards claim".`;

  static examples = ['<%= config.bin %> epoch close --from a', '<%= config.bin %> epoch close --from a --json'];

  async exec(): Promise<EpochView> {
    const {closeEpoch} = await import('../../lib/rewards/index.js');
    return closeEpoch(this.ctx);
  }

  protected render(e: EpochView): void {
    this.out.line(`${this.out.color.green('✓')} closed epoch ${e.epoch}`);
    renderEpoch(this.out, e);
  }
}
