import {Args} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {NetworkProfile} from '../../lib/config/index.js';
import {showNetwork} from '../../lib/config/service.js';

type Shown = NetworkProfile & {active: boolean};

export default class NetworkShow extends BaseCommand<typeof NetworkShow, Shown> {
  static summary = 'Show a network profile (default: the active one), with its contracts and attestation policy.';
  static examples = ['<%= config.bin %> network show', '<%= config.bin %> network show secret-4 --json'];
  static args = {name: Args.string({description: 'profile name (default: the active network)'})};

  async exec(): Promise<Shown> {
    return showNetwork(this.ctx, this.args.name);
  }

  protected render(p: Shown): void {
    const c = this.out.color;
    this.out.line(`${c.bold(p.name)}${p.active ? c.green(' (active)') : ''}${p.description ? `  ${c.gray(p.description)}` : ''}`);
    this.out.line(`  LCD URL:    ${p.lcdUrl}`);
    this.out.line(`  chain id:   ${p.chainId}`);
    this.out.line(`  gas price:  ${p.gasPrice} uscrt`);
    this.out.line(`  dev attestation: ${p.attestation.allowDev ? c.yellow('allowed (devnet only)') : 'refused'}; TCB policy: ${p.attestation.strict ? 'strict' : 'default'}`);
    this.out.line(`  test keyring: ${p.allowTestKeyring ? 'allowed' : 'refused'}`);
    const entries = Object.entries(p.contracts).filter(([, v]) => v);
    if (entries.length === 0) this.out.line('  contracts:  none configured' + (p.name === 'local' ? ' (run "secretai devnet start")' : ''));
    else for (const [k, v] of entries) this.out.line(`  ${k}: ${v!.address}${v!.codeHash ? ` (${v!.codeHash.slice(0, 12)}…)` : ''}`);
  }
}
