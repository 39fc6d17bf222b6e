import {BaseCommand} from '../../lib/cli/base-command.js';
import {table} from '../../lib/cli/output.js';
import {listNetworks, type NetworkRow} from '../../lib/config/service.js';

export default class NetworkList extends BaseCommand<typeof NetworkList, NetworkRow[]> {
  static summary = 'List network profiles; the active one is marked.';
  static examples = ['<%= config.bin %> network list', '<%= config.bin %> network list --json'];

  async exec(): Promise<NetworkRow[]> {
    return listNetworks(this.ctx);
  }

  protected render(rows: NetworkRow[]): void {
    this.out.line(table(rows.map((r) => [r.active ? '*' : ' ', r.name, r.chainId, r.lcdUrl, r.description ?? '']), [' ', 'NAME', 'CHAIN ID', 'LCD URL', 'DESCRIPTION']));
  }
}
