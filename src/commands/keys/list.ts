import {BaseCommand} from '../../lib/cli/base-command.js';
import {table} from '../../lib/cli/output.js';
import type {KeyInfo} from '../../lib/keys/index.js';
import {listKeys} from '../../lib/keys/service.js';

export default class KeysList extends BaseCommand<typeof KeysList, Array<Pick<KeyInfo, 'name' | 'address' | 'backend'>>> {
  static summary = 'List your keys.';
  static examples = ['<%= config.bin %> keys list', '<%= config.bin %> keys list --json'];

  async exec(): Promise<Array<Pick<KeyInfo, 'name' | 'address' | 'backend'>>> {
    return listKeys(this.ctx).map((k) => ({name: k.name, address: k.address, backend: k.backend}));
  }

  protected render(keys: Array<Pick<KeyInfo, 'name' | 'address' | 'backend'>>): void {
    if (keys.length === 0) {
      this.out.info('No keys yet. Create one with "secretai keys add NAME".');
      return;
    }
    this.out.line(table(keys.map((k) => [k.name, k.address, k.backend]), ['NAME', 'ADDRESS', 'KEYRING']));
  }
}
