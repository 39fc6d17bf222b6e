import {Args, Flags} from '@oclif/core';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {ExitCode} from '../../lib/errors.js';
import type {AttestVerifyResult} from '../../lib/attest/verify.js';
import {renderChecks, verdictLine} from '../../lib/attest/render.js';

export default class AttestVerify extends BaseCommand<typeof AttestVerify, AttestVerifyResult> {
  static summary = 'Verify TDX / SEV-SNP + NVIDIA attestation evidence: a bundle, loose files, or a live worker.';
  static description = `Checks every signature, certificate chain, CRL, TCB level and policy rule of the CPU evidence (Intel TDX
quote or AMD SEV-SNP report) and of NVIDIA GPU evidence, then the binding: REPORTDATA[0..32] must be the
SHA-256 of the worker's TLS public key (or, for legacy images, of its certificate) and REPORTDATA[32..64]
the GPU nonce.

Inputs are auto-detected: quotes/reports as binary, hex or base64; GPU evidence as nvtrust JSON or raw SPDM
bytes (then give --gpu-cert-chain); certificates and CRLs as DER or PEM. --at takes Unix seconds or ISO 8601.

Collateral (Intel TCB info, QE identity, CRLs; AMD VCEK, ASK/ARK chain, CRL) comes from the files you give,
then from the cache in <home>/cache/attestation/. Intel PCS and AMD KDS are contacted only with --online
(base URLs from SECRETAI_PCS_URL — a PCCS works too — and SECRETAI_KDS_URL). Offline, missing collateral
makes the result unverifiable (exit 3), never a pass.

--url fetches /cpu and /gpu from a SecretVM worker (port 29343, then 21434, unless the URL names one) or
/attestation from a secretai gateway, takes the TLS certificate the endpoint presents (no CA needed: the
binding authenticates it) and requires the binding to it.

Dev attestation (devnet roots, "not hardware") is accepted only where the network profile allows it (local).

Exit codes: 0 valid, 4 invalid, 3 unverifiable, 2 malformed input.`;

  static examples = [
    {description: 'A live worker', command: '<%= config.bin %> attest verify --url https://worker.example.com'},
    {description: 'A TDX quote with its collateral, at a fixed time', command: '<%= config.bin %> attest verify --quote quote.bin --collateral collateral.json --at 2025-07-01T00:00:00Z'},
    {description: 'An SEV-SNP report', command: '<%= config.bin %> attest verify --quote report.b64 --vcek vcek.der --cert-chain ask_ark.pem --crl crl.der'},
    {description: 'NVIDIA raw SPDM evidence with its chain and nonce', command: '<%= config.bin %> attest verify --gpu-evidence report.hex --gpu-cert-chain chain.pem --gpu-nonce 931d…dfcb'},
    {description: 'A bundle, fetching missing collateral', command: '<%= config.bin %> attest verify bundle.json --online --require-binding --json'},
  ];

  static args = {bundle: Args.string({description: 'attestation bundle (JSON); also accepts a quote/report or GPU evidence file'})};
  static flags = {
    quote: Flags.string({description: 'CPU evidence: TDX quote or SEV-SNP report (binary, hex or base64)', helpValue: 'FILE'}),
    collateral: Flags.string({description: 'TDX collateral JSON (dcap-qvl layout)', helpValue: 'FILE'}),
    vcek: Flags.string({description: 'SEV-SNP VCEK certificate (DER or PEM)', helpValue: 'FILE'}),
    'cert-chain': Flags.string({description: 'SEV-SNP ASK + ARK chain (PEM)', helpValue: 'FILE'}),
    crl: Flags.string({description: 'SEV-SNP VCEK CRL (DER or PEM)', helpValue: 'FILE'}),
    'gpu-evidence': Flags.string({description: 'NVIDIA evidence: nvtrust JSON, or raw SPDM bytes (binary/hex/base64)', helpValue: 'FILE'}),
    'gpu-cert-chain': Flags.string({description: 'PEM device certificate chain for raw SPDM evidence', helpValue: 'FILE'}),
    'gpu-nonce': Flags.string({description: 'the nonce the GPU evidence must carry (64 hex)', helpValue: 'HEX'}),
    at: Flags.string({description: 'verification time: Unix seconds or ISO 8601 (default: now)', helpValue: 'TIME'}),
    'require-binding': Flags.boolean({description: 'fail unless REPORTDATA binds a TLS key (and the GPU nonce); always on with --url'}),
    url: Flags.string({description: "fetch a live worker's evidence and TLS certificate", helpValue: 'URL'}),
    online: Flags.boolean({description: 'fetch missing collateral from Intel PCS / AMD KDS (default: cache only)'}),
    strict: Flags.boolean({description: 'reject SWHardeningNeeded / ConfigurationNeeded TCB statuses (default: the profile setting)', allowNo: true}),
    'allow-dev': Flags.boolean({description: 'accept dev attestation; only where the profile allows it (--no-allow-dev refuses it everywhere)', allowNo: true}),
  };

  async exec(): Promise<AttestVerifyResult> {
    const {verifyAttestation} = await import('../../lib/attest/verify.js');
    const f = this.flags;
    return verifyAttestation(this.ctx, {
      bundle: this.args.bundle,
      quote: f.quote,
      collateral: f.collateral,
      vcek: f.vcek,
      certChain: f['cert-chain'],
      crl: f.crl,
      gpuEvidence: f['gpu-evidence'],
      gpuCertChain: f['gpu-cert-chain'],
      gpuNonce: f['gpu-nonce'],
      at: f.at,
      requireBinding: f['require-binding'],
      url: f.url,
      online: f.online,
      strict: f.strict,
      allowDev: f['allow-dev'],
    });
  }

  protected render(r: AttestVerifyResult): void {
    verdictLine(this.out, r);
    renderChecks(this.out, r.checks);
    if (r.verdict !== 'valid' && r.reasons.length) {
      this.out.line('');
      this.out.line(`${r.verdict === 'invalid' ? 'Failed' : 'Could not check'}: ${r.reasons[0]}${r.reasons.length > 1 ? ` (+${r.reasons.length - 1} more)` : ''}`);
    }
  }

  protected exitCodeFor(r: AttestVerifyResult): number {
    return r.verdict === 'valid' ? ExitCode.OK : r.verdict === 'invalid' ? ExitCode.VERIFICATION : ExitCode.UNAVAILABLE;
  }
}
