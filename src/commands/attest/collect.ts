import {Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {CollectResult} from '../../lib/attest/collect.js';

export default class AttestCollect extends BaseCommand<typeof AttestCollect, CollectResult> {
  static summary = 'Gather this machine’s TDX / SEV-SNP + NVIDIA evidence (or dev evidence) bound to the TLS key and worker key.';
  static description = `Writes an attestation bundle whose report data binds the worker's TLS public key and, through
the GPU nonce SHA-256("secretai/v1" ‖ worker pubkey ‖ challenge), the --from key and the registration challenge.

On a TEE guest, CPU evidence is read through configfs-tsm (/sys/kernel/config/tsm/report; TDX or SEV-SNP) and GPU
evidence from the command in SECRETAI_GPU_EVIDENCE_CMD (given the nonce as its last argument, it must print
nvtrust JSON). Without a TEE the command fails with exit 3.

--dev writes dev evidence (real TDX quote and NVIDIA SPDM formats, signed by the devnet's own roots, created in
<home>/devnet/dev-attestation/ on first use): "dev attestation (not hardware)", accepted only by profiles that
allow it (local).

Without --tls-cert the worker's own TLS key and self-signed certificate are used, created on first use in
<home>/worker/tls/<worker account>/ ("worker serve" serves exactly them; clients pin the attested key).

The registration challenge is asked of the network's WorkerManager (get_registration_challenge); --challenge HEX
passes one explicitly.`;

  static examples = [
    {description: 'Dev evidence on the devnet', command: '<%= config.bin %> attest collect --dev --out bundle.json --from worker'},
    {description: 'On a TDX/SEV-SNP guest', command: '<%= config.bin %> attest collect --out bundle.json --tls-cert gateway.pem --from worker --challenge 0a1b2c'},
  ];

  static flags = {
    out: Flags.string({description: 'where to write the bundle (JSON)', required: true, helpValue: 'FILE'}),
    dev: Flags.boolean({description: 'dev evidence from the devnet roots (not hardware)'}),
    'tls-cert': Flags.string({description: 'TLS certificate (PEM or DER) whose public key the evidence binds (default: the worker\'s own, in the home)', helpValue: 'F'}),
    challenge: Flags.string({description: 'registration challenge (hex) bound into the GPU nonce (default: asked of the WorkerManager)', helpValue: 'HEX'}),
  };

  async exec(): Promise<CollectResult> {
    const {collectAttestation} = await import('../../lib/attest/collect.js');
    return collectAttestation(this.ctx, {out: this.flags.out, dev: this.flags.dev, tlsCert: this.flags['tls-cert'], challenge: this.flags.challenge});
  }

  protected render(r: CollectResult): void {
    const c = this.out.color;
    this.out.line(`${c.green('✓')} wrote ${r.out}`);
    this.out.line(`  cpu: ${r.cpu.type.toUpperCase()} (${r.cpu.bytes} bytes), report data ${r.cpu.reportData.slice(0, 16)}…`);
    this.out.line(`  gpu: ${r.gpu ? `${r.gpu.count} NVIDIA GPU${r.gpu.count > 1 ? 's' : ''}, nonce ${r.gpu.nonce.slice(0, 16)}…` : 'none'}`);
    this.out.line(`  bound to TLS key ${r.binding.tlsSpkiSha256.slice(0, 16)}…, worker key ${r.binding.workerPubkey.slice(0, 16)}…, challenge ${r.binding.challenge}`);
    if (r.dev) this.out.line(c.yellow(`  dev attestation (not hardware)${r.devRoots?.created ? `; dev roots created in ${r.devRoots.dir}` : ''}`));
  }
}
