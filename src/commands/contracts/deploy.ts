import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {ContractsDeployResult} from '../../lib/contracts/service.js';

export default class ContractsDeploy extends BaseCommand<typeof ContractsDeploy, ContractsDeployResult> {
  static summary = 'Store and instantiate the three managers on a network, and point its profile at them.';
  static description = `Uploads the built WorkerManager, SubscriptionManager and RewardsManager (MsgStoreCode), instantiates them
with the --from key as admin and the given SNIP-20 payment token, links them to each other (update_config),
and writes their addresses and code hashes, and the payment token, into the network profile. A progress line
per step. Run it again after an interruption: code already stored is found by its hash, contracts already
instantiated by their labels, links already set by the managers' config.

Settings (stake, epochs, fee, plans, measurement policy) default to the devnet's on profiles that allow dev
attestation and to public-network defaults elsewhere; --settings FILE overrides them (JSON object with keys
minStake, epochSeconds, unbondingSeconds, stakeDenom, allowLoopbackUrls, acceptedMeasurements, plans,
protocolFeeBps, unconfirmedWeightCap).`;

  static examples = [
    '<%= config.bin %> contracts deploy --network local-2 --payment-token secret1… --from admin',
    '<%= config.bin %> contracts deploy --network pulsar-3 --payment-token secret1… --settings managers.json --from deployer',
  ];

  static flags = {
    'payment-token': Flags.string({description: 'address of the SNIP-20 token subscriptions are paid in', required: true, helpValue: 'ADDR'}),
    settings: Flags.string({description: 'JSON file of manager settings overriding the defaults', helpValue: 'FILE'}),
    'label-prefix': Flags.string({description: 'start of the contracts\' labels (default secretai)', helpValue: 'PREFIX'}),
  };

  async exec(): Promise<ContractsDeployResult> {
    const {deployContractsService} = await import('../../lib/contracts/service.js');
    return deployContractsService(this.ctx, {
      paymentToken: this.flags['payment-token'],
      ...(this.flags.settings !== undefined ? {settingsFile: this.flags.settings} : {}),
      ...(this.flags['label-prefix'] !== undefined ? {labelPrefix: this.flags['label-prefix']} : {}),
    });
  }

  protected render(r: ContractsDeployResult): void {
    this.out.line(`${this.out.color.green('✓')} managers deployed on ${r.network} (${r.chainId}), deployment ${r.deployment}; profile ${r.network} updated`);
    for (const [key, c] of Object.entries(r.contracts)) this.out.line(`  ${key.padEnd(20)} ${c.address}  code ${c.codeId}  ${c.codeHash}`);
    this.out.line(`  ${'paymentToken'.padEnd(20)} ${r.paymentToken.address}`);
  }
}
