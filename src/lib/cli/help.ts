/** Root help with a quick-start section and the exit-code table, on top of oclif's topic list. */
import module from 'node:module';

// With `require`, as in oclif.ts.
const {CommandHelp, Help} = module.createRequire(import.meta.url)('@oclif/core/help') as typeof import('@oclif/core/help');

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

type Render = (input: string) => string;

/**
 * oclif renders every help string (each summary, description, flag and topic line) as an EJS template, and EJS
 * compiles each one into a new function: about 40 compilations for `--help`, 90 for a command's help, most of the
 * time help takes. Text with neither `<%` nor `%>` is plain text to EJS and renders to itself, so it skips EJS;
 * anything else (examples use `<%= config.bin %>`) still goes through oclif's renderer.
 */
export function plainTextFirst(render: Render): Render {
  return (input) => (typeof input === 'string' && !input.includes('<%') && !input.includes('%>') ? input : render(input));
}

/** A command's help, with the same rendering shortcut. */
class SecretaiCommandHelp extends CommandHelp {
  constructor(...args: ConstructorParameters<typeof CommandHelp>) {
    super(...args);
    this.render = plainTextFirst(this.render);
  }
}

export default class SecretaiHelp extends Help {
  protected CommandHelpClass = SecretaiCommandHelp;

  constructor(...args: ConstructorParameters<typeof Help>) {
    super(...args);
    this.render = plainTextFirst(this.render);
  }

  protected async showRootHelp(): Promise<void> {
    await super.showRootHelp();
    this.log('');
    this.log(EXAMPLES);
  }
}
