import {Args, Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {fundService, type FundOut} from '../../lib/devnet/service.js';

export default class DevnetFund extends BaseCommand<typeof DevnetFund, FundOut> {
  static summary = 'Faucet: send native uscrt and mint payment tokens to an address or key on the devnet.';
  static description = 'Amounts are whole base units: --scrt in uscrt (or e.g. 10scrt for whole SCRT), --token in payment-token base units (6 decimals). Defaults: 1000 SCRT and 1000 tokens.';
  static examples = [
    '<%= config.bin %> devnet fund alice',
    '<%= config.bin %> devnet fund secret1… --scrt 5000000 --token 250000000 --json',
  ];

  static args = {address: Args.string({description: 'secret1… address or key name', required: true})};
  static flags = {
    scrt: Flags.string({description: 'native amount: uscrt, or Nscrt (default 1000scrt)'}),
    token: Flags.string({description: 'payment-token base units (default 1000000000)'}),
  };

  async exec(): Promise<FundOut> {
    const sp = await this.out.spinner('Funding');
    try {
      const r = await fundService(this.ctx, {target: this.args.address, scrt: this.flags.scrt, token: this.flags.token});
      sp.stop();
      return r;
    } catch (err) {
      sp.stop();
      throw err;
    }
  }

  protected render(r: FundOut): void {
    this.out.line(`${this.out.color.green('✓')} funded ${r.address}: ${r.scrt} uscrt, ${r.token} token base units (tx ${r.txHash})`);
  }
}
