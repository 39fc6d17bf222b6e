import {Args} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {confirm} from '../../lib/cli/input.js';
import {deleteKey, showKey} from '../../lib/keys/service.js';

interface Deleted {
  name: string;
  address: string;
  deleted: true;
}

export default class KeysDelete extends BaseCommand<typeof KeysDelete, Deleted> {
  static summary = 'Delete a key from the keyring.';
  static description = 'Asks for confirmation on a terminal; scripts pass --yes. Without its mnemonic a deleted key cannot be recovered.';
  static examples = ['<%= config.bin %> keys delete alice', '<%= config.bin %> keys delete alice --yes --json'];
  static args = {name: Args.string({description: 'key name', required: true})};

  async exec(): Promise<Deleted> {
    const k = showKey(this.ctx, this.args.name);
    await confirm(this.ctx, `Delete key "${k.name}" (${k.address})? It cannot be recovered without its mnemonic.`);
    const d = deleteKey(this.ctx, k.name);
    return {name: d.name, address: d.address, deleted: true};
  }

  protected render(d: Deleted): void {
    this.out.line(`${this.out.color.green('✓')} deleted key ${d.name} (${d.address})`);
  }
}
