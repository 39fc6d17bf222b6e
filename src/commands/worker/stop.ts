import {BaseCommand} from '../../lib/cli/base-command.js';
import {stopGateway} from '../../lib/worker/gateway/daemon.js';

interface StopResult {
  stopped: boolean;
  pid?: number;
}

export default class WorkerStop extends BaseCommand<typeof WorkerStop, StopResult> {
  static summary = 'Stop the gateway started with "worker serve --detach".';
  static description = 'Sends SIGTERM to the background gateway of this home (its pid file is <home>/worker/gateway.pid) and waits until it has let running responses finish and exited. {stopped: false} when none was running.';
  static examples = ['<%= config.bin %> worker stop', '<%= config.bin %> worker stop --json'];

  async exec(): Promise<StopResult> {
    return stopGateway(this.ctx);
  }

  protected render(r: StopResult): void {
    this.out.line(r.stopped ? `${this.out.color.green('✓')} gateway (pid ${r.pid}) stopped` : 'no gateway was running for this home');
  }
}
