import {Args} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {getSetting, type SettingRow} from '../../lib/config/service.js';

export default class ConfigGet extends BaseCommand<typeof ConfigGet, SettingRow> {
  static summary = 'Print the effective value of a setting.';
  static description = 'Settings: network, from, keyring-backend, model-dir. Precedence: flag > environment > config file > default.';
  static examples = ['<%= config.bin %> config get network', '<%= config.bin %> config get from --json'];
  static args = {key: Args.string({description: 'setting name', required: true})};

  async exec(): Promise<SettingRow> {
    const f = this.flags;
    return getSetting(this.ctx, this.args.key, {network: f.network, from: f.from});
  }

  protected render(r: SettingRow): void {
    this.out.line(r.value ?? '');
  }
}
