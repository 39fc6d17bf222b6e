import {Flags} from '../lib/cli/oclif.js';
import {BaseCommand} from '../lib/cli/base-command.js';
import {ExitCode} from '../lib/errors.js';
import {runDemo, type DemoSummary} from '../lib/demo/index.js';

export default class Demo extends BaseCommand<typeof Demo, DemoSummary> {
  static summary = 'Run the whole Secret AI flow on a throw-away devnet, step by step, then print it as commands to run by hand.';
  static description = 'Creates a temporary home, runs each step of the user and worker flows, and prints a summary of every step. Steps not built in this version are listed as such.';
  static examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --json', '<%= config.bin %> demo --keep'];
  static flags = {keep: Flags.boolean({description: 'keep the temporary home (keys, devnet state) for inspection'})};

  async exec(): Promise<DemoSummary> {
    return runDemo(this.out, {keep: this.flags.keep});
  }

  protected exitCodeFor(s: DemoSummary): number {
    return s.ok ? ExitCode.OK : ExitCode.FAILED;
  }

  protected render(s: DemoSummary): void {
    const c = this.out.color;
    this.out.line('');
    this.out.line(c.bold('Demo summary'));
    for (const st of s.steps) {
      const mark = st.status === 'ok' ? c.green('✓') : st.status === 'failed' ? c.red('✗') : c.yellow('…');
      this.out.line(`${mark} ${st.name}`);
      this.out.line(`    ${st.status === 'ok' ? c.gray(st.detail) : st.detail}`);
    }
    if (s.notBuilt.length > 0) this.out.line(c.yellow(`\n${s.notBuilt.length} of ${s.steps.length} steps are not built yet in this version.`));
    if (this.flags.keep) this.out.line(`home kept at ${s.home}`);
    if (s.ok) {
      this.out.line(c.bold('\nThe same flow by hand (one --home, the devnet running):'));
      for (const cmd of s.byHand) this.out.line(`  ${cmd}`);
    }
  }
}
