import {Args, Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {NetworkProfile} from '../../lib/config/index.js';
import {addNetwork} from '../../lib/config/service.js';

export default class NetworkAdd extends BaseCommand<typeof NetworkAdd, NetworkProfile> {
  static summary = 'Add a network profile (an LCD endpoint and chain id).';
  static examples = [
    '<%= config.bin %> network add mynode --url https://lcd.example.com --chain-id secret-4',
    {description: 'A second devnet on another port', command: '<%= config.bin %> network add dev2 --url http://127.0.0.1:1318 --chain-id secretdev-1 --allow-dev-attestation'},
  ];
  static args = {name: Args.string({description: 'profile name', required: true})};
  static flags = {
    url: Flags.string({description: 'LCD (REST) URL', required: true}),
    'chain-id': Flags.string({description: 'chain id, e.g. secret-4', required: true}),
    'gas-price': Flags.string({description: 'gas price in uscrt per gas unit', default: undefined}),
    'allow-dev-attestation': Flags.boolean({description: 'accept devnet-only dev attestation (never for public networks)'}),
    force: Flags.boolean({description: 'replace an existing profile of that name'}),
  };

  async exec(): Promise<NetworkProfile> {
    return addNetwork(this.ctx, {
      name: this.args.name,
      url: this.flags.url,
      chainId: this.flags['chain-id'],
      gasPrice: this.flags['gas-price'],
      allowDevAttestation: this.flags['allow-dev-attestation'],
      force: this.flags.force,
    });
  }

  protected render(p: NetworkProfile): void {
    this.out.line(`${this.out.color.green('✓')} network ${p.name}: ${p.lcdUrl} (${p.chainId}). Use it with --network ${p.name} or "secretai network use ${p.name}".`);
  }
}
