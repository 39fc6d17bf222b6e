/** Root help with a quick-start section and the exit-code table, on top of oclif's topic list. */
import {Help} from '@oclif/core/help';

const EXAMPLES = `EXAMPLES
  Try the whole flow on a throw-away local devnet:
    $ secretai demo

  Start the embedded devnet and make a key on it:
    $ secretai devnet start --detach
    $ secretai keys add alice --keyring-backend test

  Check a worker's TDX/SEV-SNP + NVIDIA attestation before talking to it:
    $ secretai attest verify --url https://worker.example.com:29343

  Script-friendly output and exit codes:
    $ secretai keys list --json

EXIT CODES
  0 success   1 operation failed   2 usage or input error (nothing sent)
  3 could not check (network, collateral)   4 verification failed   130 cancelled`;

export default class SecretaiHelp extends Help {
  protected async showRootHelp(): Promise<void> {
    await super.showRootHelp();
    this.log('');
    this.log(EXAMPLES);
  }
}
