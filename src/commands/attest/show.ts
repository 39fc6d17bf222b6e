import {Args} from '@oclif/core';
import {BaseCommand} from '../../lib/cli/base-command.js';
import type {ShowResult} from '../../lib/attest/show.js';

export default class AttestShow extends BaseCommand<typeof AttestShow, ShowResult> {
  static summary = 'Print every parsed field of an evidence file (quote, report, GPU evidence, bundle, collateral, certificate, CRL).';
  static description = `Recognises a TDX quote or SEV-SNP report (binary, hex or base64), NVIDIA evidence (nvtrust JSON or raw
SPDM bytes), an attestation bundle, TDX collateral JSON, certificates (PEM or DER) and CRLs, and prints their
fields. Nothing is verified: use "attest verify" for that.`;

  static examples = [
    {description: 'Fields of a TDX quote', command: '<%= config.bin %> attest show quote.hex'},
    {description: 'As JSON', command: '<%= config.bin %> attest show gpu.json --json'},
  ];

  static args = {file: Args.string({description: 'evidence file', required: true})};

  async exec(): Promise<ShowResult> {
    const {showEvidence} = await import('../../lib/attest/show.js');
    return showEvidence(this.args.file);
  }

  protected render(r: ShowResult): void {
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
