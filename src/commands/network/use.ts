import {Args} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {useNetwork} from '../../lib/config/service.js';

export default class NetworkUse extends BaseCommand<typeof NetworkUse, {network: string}> {
  static summary = 'Make a network profile the default.';
  static description = 'Stored in the config file; --network and SECRETAI_NETWORK still take precedence.';
  static examples = ['<%= config.bin %> network use pulsar-3'];
  static args = {name: Args.string({description: 'profile name', required: true})};

  async exec(): Promise<{network: string}> {
    return useNetwork(this.ctx, this.args.name);
  }

  protected render(r: {network: string}): void {
    this.out.line(`${this.out.color.green('✓')} default network is now ${r.network}`);
  }
}
