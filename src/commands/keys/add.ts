import {Args, Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {addKey, type AddKeyResult} from '../../lib/keys/service.js';

export default class KeysAdd extends BaseCommand<typeof KeysAdd, AddKeyResult> {
  static summary = 'Create a new key, or recover one from a mnemonic read on stdin.';
  static description = `A new key gets a fresh 24-word mnemonic, printed once: write it down. With --recover the mnemonic
is read from stdin (or a hidden prompt on a terminal) — never from the command line.
The file keyring encrypts the mnemonic with a passphrase from SECRETAI_KEYRING_PASSPHRASE or a prompt;
the test keyring stores it in plaintext and is meant for devnets and CI.`;

  static examples = [
    {description: 'Create a key for the devnet (plaintext keyring)', command: '<%= config.bin %> keys add alice --keyring-backend test'},
    {description: 'Recover a key from a mnemonic file, encrypted at rest', command: 'SECRETAI_KEYRING_PASSPHRASE=… <%= config.bin %> keys add bob --recover < bob.mnemonic'},
    {description: 'Script-friendly', command: '<%= config.bin %> keys add ci --keyring-backend test --json'},
  ];

  static args = {name: Args.string({description: 'key name (letters, digits, . _ -)', required: true})};
  static flags = {
    recover: Flags.boolean({description: 'read an existing mnemonic from stdin instead of generating one'}),
    'keyring-backend': Flags.string({description: 'file (encrypted, default) or test (plaintext) [env: SECRETAI_KEYRING_BACKEND]', options: ['file', 'test']}),
    force: Flags.boolean({description: 'allow the test keyring on a network that refuses it'}),
  };

  async exec(): Promise<AddKeyResult> {
    return addKey(this.ctx, {name: this.args.name, recover: this.flags.recover, backend: this.flags['keyring-backend'], force: this.flags.force});
  }

  protected render(r: AddKeyResult): void {
    const c = this.out.color;
    this.out.line(`${c.green('✓')} key ${c.bold(r.name)} (${r.backend} keyring)`);
    this.out.line(`  address: ${r.address}`);
    if (r.mnemonic) {
      this.out.line('');
      this.out.line(c.yellow('Write down this mnemonic and keep it safe. It is the only way to recover the key and will not be shown again:'));
      this.out.line('');
      this.out.line(`  ${r.mnemonic}`);
    }
  }
}
