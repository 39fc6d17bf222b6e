import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';

type Out = {txHash: string; unbondingEndsAt: number | null};

export default class WorkerDeregister extends BaseCommand<typeof WorkerDeregister, Out> {
  static summary = 'Leave the network: stop being assigned and start the unbonding period';
  static description = 'Signed by the worker key (--from). The stake comes back with "worker withdraw" once the unbonding period has passed.';
  static examples = ['<%= config.bin %> worker deregister --from op', '<%= config.bin %> worker deregister --id 3 --from op --json'];
  static flags = {id: Flags.string({description: 'worker id (default: the --from key\'s worker)', helpValue: 'ID'})};

  async exec(): Promise<Out> {
    const {deregisterWorker} = await import('../../lib/worker/registry.js');
    return deregisterWorker(this.ctx, this.flags.id);
  }

  protected render(r: Out): void {
    const until = r.unbondingEndsAt !== null ? `; withdraw the stake after ${new Date(r.unbondingEndsAt * 1000).toISOString()}` : '';
    this.out.line(`${this.out.color.green('✓')} worker deregistered (tx ${r.txHash})${until}`);
  }
}
