import {Args} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {revokeApiKey} from '../../lib/subscription/index.js';

export default class ApikeyRevoke extends BaseCommand<typeof ApikeyRevoke, {txHash: string; keyHash: string; revoked: true}> {
  static summary = 'Revoke one of your API keys (by its hash); workers refuse it once their short cache expires (30 s).';
  static examples = ['<%= config.bin %> apikey revoke 3f0c…e1 --from alice', '<%= config.bin %> apikey revoke KEY_HASH --json'];
  static args = {keyHash: Args.string({name: 'KEY_HASH', description: 'SHA-256 of the key, 64 hex (from "secretai apikey list")', required: true})};

  async exec(): Promise<{txHash: string; keyHash: string; revoked: true}> {
    return revokeApiKey(this.ctx, this.args.keyHash);
  }

  protected render(r: {txHash: string; keyHash: string}): void {
    this.out.line(`${this.out.color.green('✓')} revoked API key ${r.keyHash} (tx ${r.txHash})`);
  }
}
