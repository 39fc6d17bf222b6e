import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {startDevnetService, type DevnetStartResult} from '../../lib/devnet/service.js';

export default class DevnetStart extends BaseCommand<typeof DevnetStart, DevnetStartResult> {
  static summary = 'Start the embedded local Secret Network devnet with the Secret AI contracts and payment token deployed.';
  static description =
    'Serves the Secret Network LCD API that secretjs uses, on 127.0.0.1. At first start it creates fixed dev accounts and deploys WorkerManager, SubscriptionManager, RewardsManager and the SNIP-20 payment token; state persists in <home>/devnet and is reused by later starts. The "local" network profile is pointed at it. In the foreground it runs until Ctrl-C; with --detach it runs in the background and the command returns once it answers.';

  static examples = [
    '<%= config.bin %> devnet start --detach',
    '<%= config.bin %> devnet start --port 26657 --detach --json',
    {description: 'Run in the foreground (Ctrl-C stops it)', command: '<%= config.bin %> devnet start'},
  ];

  static flags = {
    port: Flags.integer({description: 'TCP port on 127.0.0.1 (default 1317, or the local profile\'s)', min: 0, max: 65535}),
    detach: Flags.boolean({char: 'd', description: 'run in the background and return once it answers'}),
  };

  private waitForStop?: () => Promise<void>;
  private stopNow?: () => Promise<void>;

  async exec(): Promise<DevnetStartResult> {
    const sp = this.flags.detach ? await this.out.spinner('Starting the devnet') : undefined;
    try {
      const r = await startDevnetService(this.ctx, {port: this.flags.port, detach: this.flags.detach});
      sp?.succeed(r.result.alreadyRunning ? `devnet already running at ${r.result.url}` : `devnet running at ${r.result.url}`);
      this.waitForStop = r.wait;
      this.stopNow = r.stop;
      return r.result;
    } catch (err) {
      sp?.fail('the devnet did not start');
      throw err;
    }
  }

  protected render(r: DevnetStartResult): void {
    const c = this.out.color;
    this.out.line(`${c.green('✓')} devnet ${r.alreadyRunning ? 'already running' : 'running'} at ${c.bold(r.url)} (chain ${r.chainId}${r.pid ? `, pid ${r.pid}` : ''})`);
    this.out.line(`  home:                 ${r.home}`);
    this.out.line(`  admin (faucet):       ${r.admin.address}`);
    this.out.line(`  payment token:        ${r.contracts.paymentToken.address}`);
    this.out.line(`  WorkerManager:        ${r.contracts.workerManager.address}`);
    this.out.line(`  SubscriptionManager:  ${r.contracts.subscriptionManager.address}`);
    this.out.line(`  RewardsManager:       ${r.contracts.rewardsManager.address}`);
    this.out.line(`  network profile "${r.network}" now points here.`);
  }

  async run(): Promise<DevnetStartResult> {
    const result = await super.run();
    if (this.waitForStop && this.stopNow) {
      this.out.info('Press Ctrl-C to stop the devnet.');
      const stop = this.stopNow;
      const onSignal = () => void stop();
      process.removeAllListeners('SIGINT');
      process.removeAllListeners('SIGTERM');
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      await this.waitForStop();
      this.out.info('devnet stopped; its state is kept in the home directory.');
    }
    return result;
  }
}
