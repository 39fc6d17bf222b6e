import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {LegacyWorkerView, WorkerView} from '../../lib/worker/registry.js';

type Row = WorkerView | LegacyWorkerView;

export default class WorkerList extends BaseCommand<typeof WorkerList, Row[]> {
  static summary = 'List registered workers';
  static description = `Every worker registered with the network's WorkerManager (all statuses), optionally only those serving a model.
On a profile that only knows the existing Secret AI deployment (pulsar-3, secret-4) the list comes from its
get_u_r_ls query: URLs only, without ids, payout or status.`;

  static examples = ['<%= config.bin %> worker list', '<%= config.bin %> worker list --model llama3.1:8b --json'];

  static flags = {
    model: Flags.string({description: 'only workers serving this model', helpValue: 'M'}),
  };

  async exec(): Promise<Row[]> {
    const {listWorkers} = await import('../../lib/worker/registry.js');
    return listWorkers(this.ctx, this.flags.model);
  }

  protected render(rows: Row[]): void {
    if (!rows.length) {
      this.out.line('no workers');
      return;
    }
    for (const w of rows) {
      this.out.line(w.id === null ? `-  ${w.url}  ${w.models.join(', ')}` : `${w.id}  ${w.status.padEnd(9)}  ${w.url}  ${w.models.join(', ')}  payout ${w.payout}`);
    }
  }
}
