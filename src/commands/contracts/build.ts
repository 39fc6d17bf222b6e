import {Args, Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {BuildResult} from '../../lib/contracts/build.js';

export default class ContractsBuild extends BaseCommand<typeof ContractsBuild, BuildResult> {
  static summary = 'Build the contracts into Secret Network wasm (contracts/<name>/<name>.wasm).';
  static description = `Compiles each contracts/<name>/assembly/index.ts with AssemblyScript (WebAssembly MVP, no floating point),
folds its start function, checks the result with the validator of "contracts verify" and writes
contracts/<name>/<name>.wasm. The same sources always give the same bytes, hence the same code hash.
Contracts whose inputs did not change since the last build are not compiled again (--force does).
Needs the development dependencies (run from a clone after "npm install"); "npm run build" runs it too.`;

  static examples = ['<%= config.bin %> contracts build', '<%= config.bin %> contracts build worker-manager --force --json'];
  static args = {name: Args.string({description: 'only these contracts (default: all)', required: false})};
  static strict = false;
  static flags = {
    force: Flags.boolean({description: 'compile even when the sources did not change'}),
  };

  /** Every positional argument (the command takes any number). */
  private async positional(): Promise<string[]> {
    const {argv} = await this.parse(ContractsBuild);
    return argv.map(String);
  }

  async exec(): Promise<BuildResult> {
    const {buildContractsService} = await import('../../lib/contracts/service.js');
    return buildContractsService(this.ctx, {force: this.flags.force, names: await this.positional()});
  }

  protected render(r: BuildResult): void {
    if (r.contracts.length === 0) this.out.line('no contracts found (no contracts/*/assembly/index.ts)');
    else this.out.line(`${this.out.color.green('✓')} ${r.contracts.length} contract(s) built in ${(r.ms / 1000).toFixed(1)} s`);
  }
}
