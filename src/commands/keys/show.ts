import {Args} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {KeyInfo} from '../../lib/keys/index.js';
import {showKey} from '../../lib/keys/service.js';

export default class KeysShow extends BaseCommand<typeof KeysShow, KeyInfo> {
  static summary = 'Show a key\'s address and public key (never its mnemonic).';
  static examples = ['<%= config.bin %> keys show alice', '<%= config.bin %> keys show alice --json | jq -r .address'];
  static args = {name: Args.string({description: 'key name', required: true})};

  async exec(): Promise<KeyInfo> {
    return showKey(this.ctx, this.args.name);
  }

  protected render(k: KeyInfo): void {
    this.out.line(`name:     ${k.name}`);
    this.out.line(`address:  ${k.address}`);
    this.out.line(`pubkey:   ${k.pubkey}`);
    this.out.line(`keyring:  ${k.backend}`);
    this.out.line(`created:  ${k.createdAt}`);
  }
}
