import {Args, Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {ShowResult} from '../../lib/attest/show.js';
import type {MeasurementPolicy} from '../../attest/measurements.js';

export default class AttestShow extends BaseCommand<typeof AttestShow, ShowResult | MeasurementPolicy> {
  static summary = 'Print every parsed field of an evidence file (quote, report, GPU evidence, bundle, collateral, certificate, CRL).';
  static description = `Recognises a TDX quote or SEV-SNP report (binary, hex or base64), NVIDIA evidence (nvtrust JSON or raw
SPDM bytes), an attestation bundle, TDX collateral JSON, certificates (PEM or DER) and CRLs, and prints their
fields. Nothing is verified: use "attest verify" for that.

With --measurements, prints only the evidence's measurements (TDX MRTD/RTMR0-3, SEV-SNP MEASUREMENT and
HOST_DATA, NVIDIA driver/VBIOS as minimums) as a measurement policy document, the JSON that
"attest verify --measurements FILE" takes and the WorkerManager's accepted_measurements stores.`;

  static examples = [
    {description: 'Fields of a TDX quote', command: '<%= config.bin %> attest show quote.hex'},
    {description: 'As JSON', command: '<%= config.bin %> attest show gpu.json --json'},
    {description: "Propose an image: a bundle's measurements as a policy document", command: '<%= config.bin %> attest show bundle.json --measurements > policy.json'},
  ];

  static args = {file: Args.string({description: 'evidence file', required: true})};
  static flags = {
    measurements: Flags.boolean({description: 'print the measurements as a policy document (for attest verify --measurements)'}),
  };

  async exec(): Promise<ShowResult | MeasurementPolicy> {
    const {showEvidence, showMeasurements} = await import('../../lib/attest/show.js');
    return this.flags.measurements ? showMeasurements(this.args.file) : showEvidence(this.args.file);
  }

  protected render(result: ShowResult | MeasurementPolicy): void {
    if (this.flags.measurements) {
      this.out.printJson(result);
      return;
    }
    const r = result as ShowResult;
    const c = this.out.color;
    this.out.line(`${c.bold(r.kind)}${r.encoding ? ` (${r.encoding})` : ''}  ${r.file}`);
    const walk = (v: unknown, indent: string, key: string): void => {
      if (v === undefined) return;
      if (Array.isArray(v)) {
        if (v.every((x) => typeof x !== 'object' || x === null) && v.join(', ').length < 100) {
          this.out.line(`${indent}${key}: [${v.join(', ')}]`);
          return;
        }
        this.out.line(`${indent}${key}:`);
        v.forEach((x, i) => walk(x, `${indent}  `, `[${i}]`));
        return;
      }
      if (v !== null && typeof v === 'object') {
        this.out.line(`${indent}${key}:`);
        for (const [k, x] of Object.entries(v)) walk(x, `${indent}  `, k);
        return;
      }
      this.out.line(`${indent}${key}: ${String(v)}`);
    };
    for (const [k, v] of Object.entries(r.fields)) walk(v, '  ', k);
  }
}
