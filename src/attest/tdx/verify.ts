/**
 * Intel TDX DCAP quote verification (attestation.md §1.4), pure: quote bytes, collateral, pinned roots and
 * `now` (Unix seconds) in; an ordered list of named checks and a verdict out. No network, no clock.
 *
 * Steps, each recorded as a named check in this order:
 *  1 parse (`tdx.quote.parse`, `tdx.quote.qeVendor`) · 2 root pin (`tdx.root.pinned`) · 3 collateral chains,
 *  signatures, validity (`tdx.collateral.*`) · 4 CRLs (`tdx.crl.root.*`, `tdx.crl.pck.*`) · 5 PCK chain
 *  (`tdx.pck.chain`, `tdx.pck.validity`, `tdx.pck.revocation`, `tdx.pck.extension`) · 6 `tdx.qe.signature` ·
 *  7 `tdx.qe.binding` · 8 `tdx.qe.identity`, `tdx.qe.tcb` · 9 `tdx.quote.signature` · 10 `tdx.fmspc`,
 *  `tdx.pceid` · 11 `tdx.tcb.level` · 12 `tdx.module.identity` · 13 `tdx.tcb.status` · 14 `tdx.td.attributes`,
 *  `tdx.td.mrServiceTd` · 15 `tdx.tcb.policy`.
 *
 * Without collateral every offline step still runs and each collateral-dependent step is recorded as
 * `missing`, so the verdict is `unverifiable` unless something provably failed (then `invalid`).
 *
 * Speed: a {@link TdxVerifier} memoizes parsed collateral, parsed PCK chains and the results of signature
 * checks on them, keyed by SHA-256 of the exact input bytes; time-dependent checks always run again.
 *
 * This module runs the steps in order; the TCB rules are in tcb.ts, the memoized inputs in prepared.ts, the
 * chain and collateral checks (3–5) in collateral-checks.ts, the identity, TCB and TD checks (8, 10–15) in
 * tcb-checks.ts.
 */
import {concatBytes, sha256} from '../../../contracts/common/encoding.js';
import {isRevoked} from '../crl.js';
import {CheckList, EvidenceFormatError, hex, type Check, type Verdict} from '../types.js';
import {bytesEqual, sha256Hex, type ParsedCert} from '../x509.js';
import {checkChain, checkCollateral} from './collateral-checks.js';
import type {IsvTcbLevel, QeIdentity, TdxCollateral} from './collateral.js';
import type {PckExtension} from './pck.js';
import {errText, PreparedInputs, verifyP256, type PreparedCollateral, type PreparedPck} from './prepared.js';
import {BODY_TYPE_TD15, INTEL_QE_VENDOR_ID, parseTdxQuote, type TdxQuote} from './quote.js';
import {checkQeIdentity, checkTcbPolicy, checkTcbStatus, checkTdAttributes} from './tcb-checks.js';
import {isZero} from './tcb.js';

export {foldTcbStatus, selectTdxTcbLevel, TCB_STATUS_OK, TCB_STATUS_WARN, TD_ATTR} from './tcb.js';

/** SHA-256 of the DER of the Intel SGX Root CA (MANIFEST.md trust anchors). The only root trusted by default. */
export const INTEL_SGX_ROOT_CA_SHA256 = '44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3';

/** PCK chain length: leaf, Platform/Processor CA, Root CA. */
const PCK_CHAIN_LENGTH = 3;

/** Verification policy. */
export interface TdxPolicy {
  /** Reject SWHardeningNeeded / ConfigurationNeeded / ConfigurationAndSWHardeningNeeded instead of warning. */
  strict?: boolean;
  /** Require TDATTRIBUTES.SEPT_VE_DISABLE (bit 28), as dcap-qvl does; Intel leaves it to policy. */
  requireSeptVeDisable?: boolean;
}

export interface TdxVerifyInput {
  /** Raw quote bytes (v4 or v5). */
  quote: Uint8Array;
  /** Parsed collateral (see parseTdxCollateral); without it the verdict is at best `unverifiable`. */
  collateral?: TdxCollateral;
  /** Unix seconds. */
  now: number;
  policy?: TdxPolicy;
  /** Extra pinned roots (SHA-256 of DER, hex) accepted instead of Intel's — used ONLY for the devnet's dev chain. */
  dangerousExtraRootSha256?: string[];
}

export interface TdxResult {
  verdict: Verdict;
  checks: Check[];
  reasons: string[];
  quote?: TdxQuote;
  /**
   * Combined TCB status (platform ⊕ TDX module ⊕ QE), when collateral allowed computing it. Reported even
   * when another check made the verdict `invalid`: only `verdict` says whether the quote is trusted.
   */
  tcbStatus?: string;
  advisoryIds?: string[];
  /** Lower-case hex, from the PCK certificate. */
  fmspc?: string;
  /** 64 bytes, hex. */
  reportData?: string;
  /** Measurement registers and attribute words, hex. */
  measurements?: Record<string, string>;
  /** SHA-256 (hex) of the root certificate the PCK chain ends in. */
  rootSha256?: string;
}

/**
 * Verifies TDX quotes, memoizing everything that does not depend on the quote itself or on `now`:
 * parsed collateral (certificates, CRLs, TCB info, QE identity) and its signature checks, parsed PCK
 * chains and their signature checks, imported attestation keys. Keys are SHA-256 of the exact bytes.
 */
export class TdxVerifier {
  private readonly prepared = new PreparedInputs();

  /** Never throws: malformed input becomes an `invalid` verdict with the failing check named. */
  verify(input: TdxVerifyInput): TdxResult {
    const list = new CheckList();
    const result: Omit<TdxResult, 'verdict' | 'checks' | 'reasons'> = {};
    try {
      this.run(input, list, result);
    } catch (e) {
      list.fail('tdx.internal', `unexpected error: ${errText(e)}`);
    }
    return {verdict: list.verdict(), checks: list.checks, reasons: list.reasons(), ...result};
  }

  private run(input: TdxVerifyInput, list: CheckList, out: Omit<TdxResult, 'verdict' | 'checks' | 'reasons'>): void {
    const now = input.now;
    const policy = input.policy ?? {};
    if (typeof now !== 'number' || !Number.isFinite(now)) {
      list.fail('tdx.input.now', `now must be Unix seconds, got ${String(now)}`);
      return;
    }

    // 1. Parse.
    let quote: TdxQuote;
    try {
      quote = parseTdxQuote(input.quote);
    } catch (e) {
      list.fail('tdx.quote.parse', e instanceof EvidenceFormatError ? e.message : `TDX quote: ${errText(e)}`);
      return;
    }
    const body = quote.body;
    out.quote = quote;
    out.reportData = hex(body.reportData);
    out.measurements = {
      mrtd: hex(body.mrTd),
      rtmr0: hex(body.rtmr[0]),
      rtmr1: hex(body.rtmr[1]),
      rtmr2: hex(body.rtmr[2]),
      rtmr3: hex(body.rtmr[3]),
      mrseam: hex(body.mrSeam),
      mrsignerseam: hex(body.mrSignerSeam),
      mrconfigid: hex(body.mrConfigId),
      mrowner: hex(body.mrOwner),
      mrownerconfig: hex(body.mrOwnerConfig),
      ...(body.mrServiceTd ? {mrservicetd: hex(body.mrServiceTd)} : {}),
      tdattributes: hex(body.tdAttributes),
      xfam: hex(body.xfam),
      seamattributes: hex(body.seamAttributes),
      teetcbsvn: hex(body.teeTcbSvn),
    };
    list.pass(
      'tdx.quote.parse',
      `version ${quote.header.version}, ${body.bodyType === BODY_TYPE_TD15 ? 'TD 1.5' : 'TD 1.0'} body, ${quote.bytes.length} bytes` +
        (quote.paddingLength ? ` + ${quote.paddingLength} zero padding` : ''),
    );
    const vendor = hex(quote.header.qeVendorId);
    list.check('tdx.quote.qeVendor', vendor === INTEL_QE_VENDOR_ID, 'Intel QE', `QE vendor ID ${vendor} is not Intel's`);

    // 2. Root of trust.
    const acceptedRoots = new Set([INTEL_SGX_ROOT_CA_SHA256, ...(input.dangerousExtraRootSha256 ?? []).map((s) => String(s).toLowerCase())]);
    const pem = quote.pckChainPem ?? input.collateral?.pckCertificateChain;
    let pck: PreparedPck | undefined;
    let root: ParsedCert | undefined;
    if (!pem) {
      list.missing('tdx.root.pinned', `quote carries certification data type ${quote.certDataType} (PPID), not the PCK chain; the PCK certificate must come from Intel PCS`);
    } else {
      pck = this.prepared.preparePck(pem);
      if (pck.error) list.fail('tdx.root.pinned', `PCK certificate chain unparseable: ${pck.error}`);
      else {
        root = pck.certs[pck.certs.length - 1];
        const rootSha = sha256Hex(root.der);
        out.rootSha256 = rootSha;
        if (rootSha === INTEL_SGX_ROOT_CA_SHA256) list.pass('tdx.root.pinned', 'Intel SGX Root CA');
        else if (acceptedRoots.has(rootSha)) list.warn('tdx.root.pinned', `DANGEROUS: non-Intel root accepted by configuration (${root.subject}, SHA-256 ${rootSha})`);
        else {
          list.fail('tdx.root.pinned', `root ${root.subject} (SHA-256 ${rootSha}) is not the pinned Intel SGX Root CA`);
          root = undefined;
        }
      }
    }
    const pinnedRoot = root;
    const rootAccepted = (r: ParsedCert) => (pinnedRoot ? bytesEqual(r.der, pinnedRoot.der) : acceptedRoots.has(sha256Hex(r.der)));
    const pckCerts = pck && !pck.error ? pck.certs : undefined;
    const leaf = pckCerts?.[0];
    const intermediate = pckCerts && pckCerts.length >= 2 ? pckCerts[1] : undefined;

    // 3–4. Collateral: signer chains, signatures, validity; CRLs.
    const needCollateral = (name: string) => list.missing(name, 'needs collateral (TCB info, QE identity, CRLs from Intel PCS/PCCS)');
    let col: PreparedCollateral | undefined;
    let collateralUsable = false;
    if (!input.collateral) {
      needCollateral('tdx.collateral');
    } else {
      try {
        col = this.prepared.prepareCollateral(input.collateral);
        collateralUsable = list.check('tdx.collateral.parse', col.errors.length === 0, 'all parts parse', col.errors.join('; '));
      } catch (e) {
        list.fail('tdx.collateral.parse', `collateral is not a TdxCollateral (use parseTdxCollateral): ${errText(e)}`);
      }
    }
    const tcbInfo = collateralUsable ? col!.tcbInfo : undefined;
    const qeId = collateralUsable ? col!.qeIdentity : undefined;
    if (col && collateralUsable) {
      checkCollateral(list, col, rootAccepted, pinnedRoot, intermediate, now);
    } else if (!input.collateral) {
      needCollateral('tdx.crl.root');
      needCollateral('tdx.crl.pck');
    }

    // 5. PCK chain.
    if (pckCerts && pinnedRoot) {
      checkChain(list, 'tdx.pck.chain', 'tdx.pck.validity', pckCerts, PCK_CHAIN_LENGTH, rootAccepted, now);
    } else list.skip('tdx.pck.chain', 'no trusted PCK chain');
    if (col && collateralUsable && leaf && intermediate) {
      const r = [
        isRevoked(col.pckCrl!, leaf.serial) && `PCK certificate (serial ${leaf.serial.toString(16)}) is revoked by the PCK CRL`,
        isRevoked(col.rootCrl!, intermediate.serial) && `${intermediate.subject.split(',')[0]} (serial ${intermediate.serial.toString(16)}) is revoked by the Root CA CRL`,
      ].filter(Boolean);
      list.check('tdx.pck.revocation', r.length === 0, 'PCK certificate and its CA not revoked', r.join('; '));
    } else if (!input.collateral) needCollateral('tdx.pck.revocation');
    let ext: PckExtension | undefined;
    if (pck && !pck.error) {
      if (pck.ext) {
        ext = pck.ext;
        out.fmspc = ext.fmspc;
        list.pass('tdx.pck.extension', `FMSPC ${ext.fmspc}, PCESVN ${ext.pceSvn}, CPUSVN ${ext.cpuSvn}, PCE-ID ${ext.pceId}, SGX type ${ext.sgxType}`);
      } else list.fail('tdx.pck.extension', pck.extError ?? 'no SGX extension');
    }

    // 6. QE report signature (PCK leaf key).
    if (leaf) {
      list.check(
        'tdx.qe.signature',
        verifyP256(quote.qeReport.raw, quote.qeReportSignature, leaf.publicKey),
        'QE report signed by the PCK key',
        'QE report signature does not verify with the PCK certificate key',
      );
    } else list.skip('tdx.qe.signature', 'no PCK certificate');

    // 7. QE report binding of the attestation key.
    const expected = sha256(concatBytes(quote.attestationKey, quote.qeAuthData));
    const rd = quote.qeReport.reportData;
    list.check(
      'tdx.qe.binding',
      bytesEqual(rd.subarray(0, 32), expected) && isZero(rd.subarray(32, 64)),
      'QE report data = SHA-256(attestation key ‖ QE auth data) ‖ zeros',
      'QE report data does not bind the attestation key',
    );

    // 8. QE identity and QE TCB status.
    let qeLevel: IsvTcbLevel | undefined;
    if (qi(qeId)) qeLevel = checkQeIdentity(list, quote.qeReport, qeId);
    else if (!input.collateral) needCollateral('tdx.qe.identity');

    // 9. Quote signature (attestation key over header + body).
    const attKey = this.prepared.attestationKey(quote.attestationKey);
    list.check(
      'tdx.quote.signature',
      !!attKey && verifyP256(quote.signedRegion, quote.signature, attKey),
      'header and TD report signed by the attestation key',
      attKey ? 'quote signature does not verify' : 'attestation key is not a valid P-256 point',
    );

    // 10–13. FMSPC, TCB level, TDX module identity, combined status.
    let status: string | undefined;
    if (tcbInfo && ext) {
      status = checkTcbStatus(list, tcbInfo, ext, body, qeLevel, out);
    } else if (!input.collateral) {
      needCollateral('tdx.fmspc');
      needCollateral('tdx.tcb.level');
      needCollateral('tdx.module.identity');
    }

    // 14. TD attributes and MRSERVICETD.
    checkTdAttributes(list, body, policy);

    // 15. Status policy.
    if (status !== undefined) checkTcbPolicy(list, status, out.advisoryIds, policy.strict);
    else if (!input.collateral) needCollateral('tdx.tcb.policy');
    else if (list.incomplete) list.missing('tdx.tcb.policy', 'no TCB status: an input it needs is missing');
    else if (!list.failed) list.fail('tdx.tcb.policy', 'no TCB status could be established');
  }
}

/** Type guard that keeps the QE identity branch readable. */
function qi(x: QeIdentity | undefined): x is QeIdentity {
  return x !== undefined;
}

const defaultVerifier = new TdxVerifier();

/**
 * Verifies a TDX quote with a process-wide {@link TdxVerifier} (memoized collateral and chains).
 * Never throws; see the module comment for the checks.
 */
export function verifyTdxQuote(input: TdxVerifyInput): TdxResult {
  return defaultVerifier.verify(input);
}
