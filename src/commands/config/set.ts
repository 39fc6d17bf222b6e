import {Args} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {setSetting, type SettingRow} from '../../lib/config/service.js';

export default class ConfigSet extends BaseCommand<typeof ConfigSet, SettingRow> {
  static summary = 'Store a setting in the config file (an empty value removes it).';
  static description = 'Settings: network, from, keyring-backend, model-dir. Secrets are never stored here: use the keyring or environment variables.';
  static examples = ['<%= config.bin %> config set from alice', '<%= config.bin %> config set keyring-backend test', '<%= config.bin %> config set from ""'];
  static args = {key: Args.string({description: 'setting name', required: true}), value: Args.string({description: 'new value', required: true})};

  async exec(): Promise<SettingRow> {
    return setSetting(this.ctx, this.args.key, this.args.value);
  }

  protected render(r: SettingRow): void {
    this.out.line(`${this.out.color.green('✓')} ${r.key} = ${r.value ?? '(unset)'}`);
  }
}
