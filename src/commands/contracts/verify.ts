import {Args} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {ExitCode} from '../../lib/errors.js';
import type {VerifyResult} from '../../lib/contracts/service.js';

export default class ContractsVerify extends BaseCommand<typeof ContractsVerify, VerifyResult> {
  static summary = 'Check contract wasm against the Secret Network rules and print each code hash.';
  static description = `Runs the validator on the built contracts (or on the given files, wasm or gzip-compressed wasm): at most
2 MiB unzipped, WebAssembly MVP only, no floating point anywhere, no start function, one memory defined in the
module without maximum, only the imports a Secret node provides, and the CosmWasm v1 exports. Prints each
artifact's size and code hash (SHA-256 of the unzipped code). Exits 4 listing the violations when one is invalid.`;

  static examples = ['<%= config.bin %> contracts verify', '<%= config.bin %> contracts verify my-contract.wasm.gz --json'];
  static args = {file: Args.string({description: 'wasm files (default: every built contract)', required: false})};
  static strict = false;

  /** Every positional argument (the command takes any number). */
  private async positional(): Promise<string[]> {
    const {argv} = await this.parse(ContractsVerify);
    return argv.map(String);
  }

  async exec(): Promise<VerifyResult> {
    const {verifyContractsService} = await import('../../lib/contracts/service.js');
    return verifyContractsService(this.ctx, await this.positional());
  }

  protected exitCodeFor(r: VerifyResult): number {
    return r.ok ? ExitCode.OK : ExitCode.VERIFICATION;
  }

  protected render(r: VerifyResult): void {
    const c = this.out.color;
    for (const a of r.artifacts) {
      this.out.line(`${a.ok ? c.green('✓') : c.red('✗')} ${a.name}  ${a.size} bytes${a.gzipped ? ' (gzip)' : ''}  code hash ${a.codeHash ?? '-'}`);
      for (const v of a.violations) this.out.line(`    ${v.rule}: ${v.message}`);
    }
  }
}
