import {BaseCommand} from '../lib/cli/base-command.js';

type Model = {name: string; workers: number};

export default class Models extends BaseCommand<typeof Models, Model[]> {
  static summary = 'Models offered by live workers';
  static description = `Models served by active workers registered with the network's WorkerManager, with how many workers serve each.
On pulsar-3 / secret-4 the existing Secret AI deployment's get_models and get_u_r_ls queries answer (worker counts
are then registered URLs; liveness is not published there).`;

  static examples = ['<%= config.bin %> models', '<%= config.bin %> models --network secret-4 --json'];

  async exec(): Promise<Model[]> {
    const {listModels} = await import('../lib/worker/registry.js');
    return listModels(this.ctx);
  }

  protected render(rows: Model[]): void {
    if (!rows.length) this.out.line('no models (no live workers)');
    for (const m of rows) this.out.line(`${m.name}  ${m.workers} worker${m.workers === 1 ? '' : 's'}`);
  }
}
