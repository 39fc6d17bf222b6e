import {BaseCommand} from '../../lib/cli/base-command.js';
import {table} from '../../lib/cli/output.js';
import {listApiKeys, type ApiKeyOut} from '../../lib/subscription/index.js';

export default class ApikeyList extends BaseCommand<typeof ApikeyList, ApiKeyOut[]> {
  static summary = 'List your API keys by hash: active, revoked, and whether this home keeps the key.';
  static description = 'Read with a permit of the --from key; active means a worker would accept the key now.';
  static examples = ['<%= config.bin %> apikey list --from alice', '<%= config.bin %> apikey list --json'];

  async exec(): Promise<ApiKeyOut[]> {
    return listApiKeys(this.ctx);
  }

  protected render(keys: ApiKeyOut[]): void {
    if (keys.length === 0) {
      this.out.info('No API keys yet. Create one with "secretai apikey create".');
      return;
    }
    const state = (k: ApiKeyOut) => (k.revoked ? 'revoked' : k.active ? 'active' : 'inactive (no subscription or balance)');
    this.out.line(table(keys.map((k) => [k.keyHash, state(k), k.createdAt, k.stored ? 'yes' : 'no']), ['KEY HASH', 'STATUS', 'CREATED', 'STORED']));
  }
}
