import {Args} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {WorkerView} from '../../lib/worker/registry.js';
import type {AttestationBundle} from '../../lib/chain/index.js';

type Shown = WorkerView & {attestation: AttestationBundle};

export default class WorkerShow extends BaseCommand<typeof WorkerShow, Shown> {
  static summary = 'Show one registered worker';
  static description = 'Everything the WorkerManager stores about a worker, including the attestation bundle as submitted (verify it with "attest verify").';
  static examples = ['<%= config.bin %> worker show 1', '<%= config.bin %> worker show 1 --json'];
  static args = {id: Args.string({description: 'worker id', required: true})};

  async exec(): Promise<Shown> {
    const {showWorker} = await import('../../lib/worker/registry.js');
    return showWorker(this.ctx, this.args.id);
  }

  protected render(w: Shown): void {
    const when = (t: number | null) => (t === null ? '-' : new Date(t * 1000).toISOString());
    this.out.line(`worker ${w.id}  ${w.status}`);
    this.out.line(`  url:          ${w.url}`);
    this.out.line(`  models:       ${w.models.join(', ')}`);
    this.out.line(`  operator:     ${w.operator}`);
    this.out.line(`  payout:       ${w.payout}`);
    this.out.line(`  stake:        ${w.stake} uscrt`);
    this.out.line(`  worker key:   ${w.workerPubkey}`);
    this.out.line(`  registered:   ${when(w.registeredAt)}; last liveness ${when(w.lastLivenessAt)}${w.unbondingEndsAt !== null ? `; unbonding ends ${when(w.unbondingEndsAt)}` : ''}`);
    const b = w.attestation as {cpu?: {type?: string}; gpu?: {evidence_list?: unknown[]}; dev?: boolean};
    this.out.line(`  attestation:  ${String(b.cpu?.type ?? '?').toUpperCase()}${b.gpu ? ` + ${b.gpu.evidence_list?.length ?? 0} GPU` : ''}${b.dev ? ' — dev attestation (not hardware)' : ''}`);
  }
}
