import {Args, Flags} from '../../lib/cli/oclif.js';
import {BaseCommand} from '../../lib/cli/base-command.js';
import {ExitCode} from '../../lib/errors.js';
import type {AttestVerifyResult} from '../../lib/attest/verify.js';
import {renderChecks, verdictLine, warnAccepted} from '../../lib/attest/render.js';

export default class AttestVerify extends BaseCommand<typeof AttestVerify, AttestVerifyResult> {
  static summary = 'Verify TDX / SEV-SNP + NVIDIA attestation evidence: a bundle, loose files, or a live worker.';
  static description = `Checks every signature, certificate chain, CRL, TCB level and policy rule of the CPU evidence (Intel TDX
quote or AMD SEV-SNP report) and of NVIDIA GPU evidence, then the binding: REPORTDATA[0..32] must be the
SHA-256 of the worker's TLS public key (or, for legacy images, of its certificate) and REPORTDATA[32..64]
the GPU nonce = SHA-256("secretai/v1" || worker key || challenge). The binding is always required for a
bundle and for --url; loose files report it as not checked unless --require-binding.

Fail closed: a check that could not run makes the result unverifiable (exit 3), unless the network profile
explicitly accepts that gap (shown as a warning and listed in "accepted" with --json; the local devnet
profile accepts missing NVIDIA RIM/OCSP for dev GPUs only).

Measurements (TDX MRTD/RTMR0-3, SEV-SNP MEASUREMENT/HOST_DATA, NVIDIA driver/VBIOS minimums) are appraised
against a policy document: --measurements FILE, else the network profile's, else the WorkerManager's
accepted_measurements. An unlisted image is invalid. A bundle with no policy from any source is
unverifiable; loose files are then reported with the warning "measurements not appraised".
"attest show FILE --measurements" prints a policy document for any evidence.

Freshness: --challenge HEX (repeatable: current and previous) is the challenge the bundle must bind;
another challenge is invalid. Without it freshness is reported as not checked.

Inputs are auto-detected: quotes/reports as binary, hex or base64; GPU evidence as nvtrust JSON or raw SPDM
bytes (then give --gpu-cert-chain); certificates and CRLs as DER or PEM. --at takes Unix seconds or ISO 8601.

Collateral (Intel TCB info, QE identity, CRLs; AMD VCEK, ASK/ARK chain, CRL) comes from the files you give,
then from the cache in <home>/cache/attestation/. Intel PCS, AMD KDS and NVIDIA's RIM and OCSP services are
contacted only with --online or the profile setting attestation.online (base URLs from SECRETAI_PCS_URL — a
PCCS works too — SECRETAI_KDS_URL, SECRETAI_NVIDIA_RIM_URL, SECRETAI_NVIDIA_OCSP_URL). Offline, missing
collateral and the NVIDIA RIM/OCSP checks make the result unverifiable (exit 3), never a pass.

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
    {description: 'A bundle, fetching missing collateral', command: '<%= config.bin %> attest verify bundle.json --online --json'},
    {description: 'A bundle against a measurement policy and the challenge it must bind', command: '<%= config.bin %> attest verify bundle.json --measurements policy.json --challenge 5f1c…9a'},
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
    'require-binding': Flags.boolean({description: 'loose files: fail unless REPORTDATA binds a TLS key (and the GPU nonce); always on for bundles and --url'}),
    challenge: Flags.string({description: 'the challenge the bundle must bind (hex; repeat for current and previous)', helpValue: 'HEX', multiple: true}),
    measurements: Flags.string({description: 'accepted measurements: a policy document (as "attest show --measurements" prints)', helpValue: 'FILE'}),
    url: Flags.string({description: "fetch a live worker's evidence and TLS certificate", helpValue: 'URL'}),
    online: Flags.boolean({description: 'use Intel PCS / AMD KDS / NVIDIA RIM and OCSP (default: the profile setting, else cache only)', allowNo: true}),
    strict: Flags.boolean({description: 'reject SWHardeningNeeded / ConfigurationNeeded TCB statuses (default: the profile setting)', allowNo: true}),
    'allow-dev': Flags.boolean({description: 'accept dev attestation; only where the profile allows it (--no-allow-dev refuses it everywhere)', allowNo: true}),
  };

  async exec(): Promise<AttestVerifyResult> {
    const {verifyAttestation} = await import('../../lib/attest/verify.js');
    const f = this.flags;
    const r = await verifyAttestation(this.ctx, {
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
      ...(f.challenge ? {challenge: f.challenge} : {}),
      measurements: f.measurements,
      online: f.online,
      strict: f.strict,
      allowDev: f['allow-dev'],
    });
    warnAccepted(this.out, r);
    return r;
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
