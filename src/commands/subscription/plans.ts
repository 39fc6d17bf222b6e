import {BaseCommand} from '../../lib/cli/base-command.js';
import {table} from '../../lib/cli/output.js';
import {formatPeriod, listPlans, type PlanOut} from '../../lib/subscription/index.js';

export default class SubscriptionPlans extends BaseCommand<typeof SubscriptionPlans, PlanOut[]> {
  static summary = 'List the subscription plans the SubscriptionManager offers.';
  static description = 'Prices are in payment-token base units (priceDisplay in whole tokens). Buy one with "secretai subscribe --plan ID".';
  static examples = ['<%= config.bin %> subscription plans', '<%= config.bin %> subscription plans --network pulsar-3 --json'];

  async exec(): Promise<PlanOut[]> {
    return listPlans(this.ctx);
  }

  protected render(plans: PlanOut[]): void {
    if (plans.length === 0) {
      this.out.info('No plans are on offer.');
      return;
    }
    this.out.line(table(plans.map((p) => [p.id, p.priceDisplay, formatPeriod(p.periodSeconds), p.tokenQuota ?? 'unlimited']), ['PLAN', 'PRICE', 'PERIOD', 'TOKEN QUOTA']));
  }
}
