import {BaseCommand} from '../../lib/cli/base-command.js';
import {table} from '../../lib/cli/output.js';
import {showSettings, type SettingRow} from '../../lib/config/service.js';
import type {Source} from '../../lib/config/index.js';

type Shown = {home: {value: string; source: Source}; settings: SettingRow[]};

export default class ConfigShow extends BaseCommand<typeof ConfigShow, Shown> {
  static summary = 'Show every setting, its value and where it came from (flag, env, config or default).';
  static examples = ['<%= config.bin %> config show', 'SECRETAI_NETWORK=pulsar-3 <%= config.bin %> config show --json'];

  async exec(): Promise<Shown> {
    return showSettings(this.ctx, {network: this.flags.network, from: this.flags.from});
  }

  protected render(s: Shown): void {
    this.out.line(table(
      [['home', s.home.value, s.home.source], ...s.settings.map((r) => [r.key, r.value ?? '(unset)', r.source === 'env' ? `env ${r.env}` : r.source])],
      ['SETTING', 'VALUE', 'SOURCE'],
    ));
  }
}
