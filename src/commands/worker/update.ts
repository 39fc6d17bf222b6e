import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';

export default class WorkerUpdate extends BaseCommand<typeof WorkerUpdate, {txHash: string}> {
  static summary = 'Change a registered worker: URL, models, payout address or attestation';
  static description = 'Signed by the worker key (--from). A new --attestation is verified like a registration before anything is sent.';
  static examples = [
    '<%= config.bin %> worker update --url https://new-host.example.com:21434 --from op',
    '<%= config.bin %> worker update --model stories260K --model llama3.1:8b --attestation bundle.json --from op --json',
  ];

  static flags = {
    id: Flags.string({description: 'worker id (default: the --from key\'s worker)', helpValue: 'ID'}),
    url: Flags.string({description: 'new https://HOST:PORT', helpValue: 'URL'}),
    model: Flags.string({description: 'new model list (repeat for several)', multiple: true, helpValue: 'M'}),
    payout: Flags.string({description: 'new payout address', helpValue: 'ADDR'}),
    attestation: Flags.string({description: 'new attestation bundle', helpValue: 'F'}),
    online: Flags.boolean({description: 'let verification fetch missing collateral, NVIDIA RIMs and OCSP'}),
  };

  async exec(): Promise<{txHash: string}> {
    const {updateWorker} = await import('../../lib/worker/registry.js');
    const f = this.flags;
    return updateWorker(this.ctx, {
      ...(f.id !== undefined ? {workerId: f.id} : {}),
      ...(f.url !== undefined ? {url: f.url} : {}),
      ...(f.model !== undefined ? {models: f.model} : {}),
      ...(f.payout !== undefined ? {payout: f.payout} : {}),
      ...(f.attestation !== undefined ? {attestation: f.attestation} : {}),
      online: f.online,
    });
  }

  protected render(r: {txHash: string}): void {
    this.out.line(`${this.out.color.green('✓')} worker updated (tx ${r.txHash})`);
  }
}
