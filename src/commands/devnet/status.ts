import {BaseCommand} from '../../lib/cli/base-command.js';
import {devnetStatusService, type DevnetStatusResult} from '../../lib/devnet/service.js';

export default class DevnetStatus extends BaseCommand<typeof DevnetStatus, DevnetStatusResult> {
  static summary = 'Is the devnet of this home running? Its URL, height and block time.';
  static examples = ['<%= config.bin %> devnet status', '<%= config.bin %> devnet status --json | jq .running'];

  async exec(): Promise<DevnetStatusResult> {
    return devnetStatusService(this.ctx);
  }

  protected render(s: DevnetStatusResult): void {
    const c = this.out.color;
    if (!s.running) {
      this.out.line(`${c.yellow('●')} devnet not running${s.hasState ? ' (state kept; "secretai devnet start" resumes it)' : ''}`);
      return;
    }
    this.out.line(`${c.green('●')} devnet running at ${s.url} — chain ${s.chainId}, height ${s.height}, block time ${s.time}${s.pid ? `, pid ${s.pid}` : ''}`);
  }
}
