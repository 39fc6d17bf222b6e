import {BaseCommand} from '../../lib/cli/base-command.js';
import {subscriptionStatus, type StatusOut} from '../../lib/subscription/index.js';

export default class SubscriptionStatus extends BaseCommand<typeof SubscriptionStatus, StatusOut> {
  static summary = 'Show your subscription: plan, expiry, prepaid balance and usage this epoch.';
  static description = 'Read with a SNIP-24 permit signed by the --from key (cached in the home directory); nothing is sent on chain.';
  static examples = ['<%= config.bin %> subscription status --from alice', '<%= config.bin %> subscription status --json'];

  async exec(): Promise<StatusOut> {
    return subscriptionStatus(this.ctx);
  }

  protected render(s: StatusOut): void {
    const c = this.out.color;
    if (s.status === 'active') this.out.line(`${c.green('●')} active: plan ${s.plan}, until ${s.expiresAt}`);
    else if (s.status === 'expired') this.out.line(`${c.yellow('●')} expired: plan ${s.plan} ended at ${s.expiresAt} (renew with "secretai subscribe --plan ${s.plan}")`);
    else this.out.line(`${c.gray('●')} no subscription (see "secretai subscription plans")`);
    this.out.line(`  subscriber: ${s.subscriber}`);
    this.out.line(`  prepaid balance: ${s.balanceDisplay}`);
    this.out.line(`  usage this epoch: ${s.usage ? `${s.usage.inputTokens} input, ${s.usage.outputTokens} output tokens (epoch ${s.usage.epoch})` : 'not reported'}`);
  }
}
