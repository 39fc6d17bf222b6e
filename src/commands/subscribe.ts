import {Flags} from '../lib/cli/oclif.js';
import {BaseCommand} from '../lib/cli/base-command.js';
import {subscribeService, type SubscribeOut} from '../lib/subscription/index.js';

export default class Subscribe extends BaseCommand<typeof Subscribe, SubscribeOut> {
  static summary = 'Pay for a plan, or a prepaid deposit, with the SNIP-20 payment token.';
  static description = [
    'Sends the payment token to the SubscriptionManager (SNIP-20 send). --plan pays exactly the plan price for one period,',
    'which starts now or, while a period runs, at its end. --deposit adds to the prepaid pay-as-you-go balance: a number is',
    'base units, or give whole tokens with the symbol (e.g. 2.5SAIT).',
    '',
    'Before sending, the plan, the amount and your token balance are checked (exit 2, nothing sent); on a terminal the',
    'price is shown and confirmed; scripts pass --yes.',
  ].join('\n');

  static examples = [
    '<%= config.bin %> subscribe --plan basic --from alice',
    '<%= config.bin %> subscribe --plan basic --yes --json',
    '<%= config.bin %> subscribe --deposit 5000000 --yes',
  ];

  static flags = {
    plan: Flags.string({description: 'plan id (see "secretai subscription plans")', exactlyOne: ['plan', 'deposit'], helpValue: 'ID'}),
    deposit: Flags.string({description: 'prepaid amount: base units, or e.g. 2.5SAIT', exactlyOne: ['plan', 'deposit'], helpValue: 'AMOUNT'}),
  };

  async exec(): Promise<SubscribeOut> {
    return subscribeService(this.ctx, {plan: this.flags.plan, deposit: this.flags.deposit});
  }

  protected render(r: SubscribeOut): void {
    const ok = this.out.color.green('✓');
    if (r.plan) this.out.line(`${ok} paid ${r.amountDisplay} for plan ${r.plan}: active until ${r.expiresAt} (tx ${r.txHash})`);
    else this.out.line(`${ok} deposited ${r.amountDisplay}: prepaid balance ${r.balance} base units (tx ${r.txHash})`);
  }
}
