import {BaseCommand} from '../../lib/cli/base-command.js';
import {createApiKey, type CreateKeyOut} from '../../lib/subscription/index.js';

export default class ApikeyCreate extends BaseCommand<typeof ApikeyCreate, CreateKeyOut> {
  static summary = 'Create an API key: a random key shown once; only its SHA-256 goes on chain.';
  static description = [
    'The key is also kept in the home directory\'s key store for "secretai chat" — sealed with the keyring passphrase',
    'when the --from key is in the file keyring. Workers accept it while your subscription runs or a prepaid balance',
    'is left; they learn an opaque handle, never your address.',
  ].join('\n');

  static examples = ['<%= config.bin %> apikey create --from alice', '<%= config.bin %> apikey create --json'];

  async exec(): Promise<CreateKeyOut> {
    return createApiKey(this.ctx);
  }

  protected render(r: CreateKeyOut): void {
    this.out.line(r.key);
    this.out.info(`${this.out.errColor.green('✓')} API key registered (hash ${r.keyHash}, tx ${r.txHash}).`);
    this.out.info('This is the only time the key is shown; it is also kept in the key store for "secretai chat".');
  }
}
