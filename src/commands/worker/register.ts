import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {RegisterResult} from '../../lib/worker/registry.js';

export default class WorkerRegister extends BaseCommand<typeof WorkerRegister, RegisterResult> {
  static summary = 'Verify the worker attestation locally, then register it with its stake';
  static description = `Checks the URL, model names and stake, then verifies the attestation bundle in full against the network's
policy: signatures and certificate chains, TCB status, the binding of the TLS key, GPU nonce and worker key, the
WorkerManager's current (or previous) registration challenge, and its accepted measurements. Only a valid bundle is
sent: an invalid one exits 4 naming the failing check, one that cannot be checked exits 3, bad input exits 2.

The --from key must be the worker key the bundle binds (attest collect --from KEY): the contract accepts a
registration only from the account of that key. The stake (uscrt, or e.g. 1scrt) is locked until
"worker deregister" and "worker withdraw" after the unbonding period.`;

  static examples = [
    {description: 'Register a dev worker on the devnet', command: '<%= config.bin %> worker register --url https://127.0.0.1:21434 --model stories260K --attestation bundle.json --stake 1000000 --from op'},
    '<%= config.bin %> worker register --url https://my-gpu.example.com:21434 --model llama3.1:8b --attestation bundle.json --payout secret1… --stake 1000000 --json',
  ];

  static flags = {
    url: Flags.string({description: 'https://HOST:PORT of the worker gateway', required: true, helpValue: 'URL'}),
    model: Flags.string({description: 'model the worker serves (repeat for several)', required: true, multiple: true, helpValue: 'M'}),
    attestation: Flags.string({description: 'attestation bundle from "attest collect"', required: true, helpValue: 'F'}),
    payout: Flags.string({description: 'address rewards are paid to (default: the --from account)', helpValue: 'ADDR'}),
    stake: Flags.string({description: 'native stake: uscrt, or Nscrt', required: true, helpValue: 'N'}),
    online: Flags.boolean({description: 'let verification fetch missing collateral, NVIDIA RIMs and OCSP'}),
  };

  async exec(): Promise<RegisterResult> {
    const {registerWorker} = await import('../../lib/worker/registry.js');
    const sp = await this.out.spinner('Verifying the attestation and registering');
    try {
      const r = await registerWorker(this.ctx, {
        url: this.flags.url, models: this.flags.model, attestation: this.flags.attestation, stake: this.flags.stake,
        ...(this.flags.payout !== undefined ? {payout: this.flags.payout} : {}), online: this.flags.online,
      });
      sp.stop();
      return r;
    } catch (e) {
      sp.stop();
      throw e;
    }
  }

  protected render(r: RegisterResult): void {
    this.out.line(`${this.out.color.green('✓')} registered worker ${r.workerId} (tx ${r.txHash})`);
    this.out.line(`  attestation ${r.attestation.verdict}${r.attestation.dev ? ' — dev attestation (not hardware)' : ''}`);
  }
}
