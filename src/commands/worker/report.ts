import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {ReportResult} from '../../lib/rewards/index.js';

export default class WorkerReport extends BaseCommand<typeof WorkerReport, ReportResult> {
  static summary = 'Submit the gateway pending usage records';
  static description = `Reads the usage records "worker serve" signed for the --from worker (<home>/worker/usage/<account>/pending.jsonl,
the countersigned version where a client handed one back) and submits them to the RewardsManager with report_work, in
batches that fit a transaction. A record leaves the pending log only once its transaction committed (it is listed in
reported.jsonl beside the gateway's files), so an interrupted run loses nothing, and running it again counts nothing
twice: the contract refuses request ids it already counted. Records the contract refuses for good (bad signature,
closed epoch, revoked key…) leave the log with their reason; those refused for now (epoch not started, earlier epochs
to close first) stay pending.`;

  static examples = ['<%= config.bin %> worker report --from op', '<%= config.bin %> worker report --from op --batch 500 --json'];

  static flags = {
    batch: Flags.integer({description: 'records per transaction (1 to 1000)', default: 200, helpValue: 'N'}),
  };

  async exec(): Promise<ReportResult> {
    const {reportUsage} = await import('../../lib/rewards/index.js');
    return reportUsage(this.ctx, {batch: this.flags.batch});
  }

  protected render(r: ReportResult): void {
    if (r.records === 0) {
      this.out.line(r.pending ? `nothing reported; ${r.pending} records wait for their epoch` : 'no pending usage records');
      return;
    }
    this.out.line(`${this.out.color.green('✓')} reported ${r.records} records: ${r.accepted} counted (weight ${r.weight}), ${r.rejected} refused (tx ${r.txHash})`);
    for (const x of r.rejections) this.out.line(`  refused ${x.requestId}: ${x.reason}`);
    if (r.pending) this.out.line(`${r.pending} records stay pending (to retry later)`);
  }
}
