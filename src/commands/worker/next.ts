import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {ExitCode} from '../../lib/errors.js';
import type {NextWorkerResult} from '../../lib/worker/registry.js';

export default class WorkerNext extends BaseCommand<typeof WorkerNext, NextWorkerResult> {
  static summary = 'Ask the contract for the next worker for a model and verify its attestation';
  static description = `The WorkerManager picks a live worker for the model (the same one for you within an epoch) using a permit
signed by --from. The attestation bundle registered on chain is verified against the network's measurement policy;
when the worker answers, its /attestation must be that same bundle over the attested TLS key. A worker that fails
verification is skipped and another is asked for. Exit 0 valid, 4 invalid, 3 could not be checked.`;

  static examples = ['<%= config.bin %> worker next --model stories260K --from user', '<%= config.bin %> worker next --model llama3.1:8b --json'];

  static flags = {
    model: Flags.string({description: 'model to find a worker for', required: true, helpValue: 'M'}),
    online: Flags.boolean({description: 'let verification fetch missing collateral, NVIDIA RIMs and OCSP'}),
  };

  async exec(): Promise<NextWorkerResult> {
    const {nextWorker} = await import('../../lib/worker/registry.js');
    return nextWorker(this.ctx, {model: this.flags.model, online: this.flags.online});
  }

  protected exitCodeFor(r: NextWorkerResult): number {
    return r.attestation.verdict === 'valid' ? ExitCode.OK : r.attestation.verdict === 'invalid' ? ExitCode.VERIFICATION : ExitCode.UNAVAILABLE;
  }

  protected render(r: NextWorkerResult): void {
    const c = this.out.color;
    const mark = r.attestation.verdict === 'valid' ? c.green('✓') : c.red('✗');
    this.out.line(`${mark} worker ${r.id} at ${r.url} for ${r.model} (epoch ${r.epoch}): attestation ${r.attestation.verdict}${r.attestation.dev ? ' — dev attestation (not hardware)' : ''}`);
    for (const why of r.attestation.reasons) this.out.line(`  ${why}`);
    if (!r.reachable) this.out.line(c.yellow('  the worker did not answer: only the bundle registered on chain was verified'));
  }
}
