/**
 * AMD SEV-SNP report verification (attestation.md §2.3), offline and pure: the report, the VCEK, the
 * ASK/ARK chain and the CRL come in as arguments, with `now` in Unix seconds. Every step records a named
 * check; anything missing (VCEK, chain, CRL) makes the verdict `unverifiable`, never a silent pass.
 */
import {verify as cryptoVerify, type KeyObject} from 'node:crypto';
import * as der from '../der.js';
import {checkCrl, isRevoked, parseCrl, type ParsedCrl} from '../crl.js';
import {decodeBytes, decodeDerOrPem, detectEvidence, isText} from '../detect.js';
import {CheckList, EvidenceFormatError, hex, type Check, type Verdict} from '../types.js';
import {bytesEqual, isoTime, parseCertDer, parsePemChain, sha256Hex, verifyIssuedBy, type ParsedCert} from '../x509.js';
import {
  decodeTcb,
  parseSnpReport,
  policyBit,
  SNP_REPORT_SIZE,
  SNP_SIG_ALGO_ECDSA_P384_SHA384,
  SNP_SIGNED_LENGTH,
  SnpPolicyBit,
  SnpSigningKey,
  tcbText,
  type SnpProduct,
  type SnpReport,
  type TcbVersion,
} from './report.js';
import {AMD_ARK_SPKI_SHA256, readVcekInfo, type VcekInfo} from './vcek.js';

/** Guest-policy options for SEV-SNP. */
export interface SnpPolicy {
  /** VMPLs accepted (default `[0, 1]`: SecretVM's Genoa image reports VMPL 1). */
  allowedVmpl?: number[];
  /** Accept a report whose guest policy allows debugging (a debuggable guest exposes its memory). Tests only. */
  dangerousAllowDebug?: boolean;
  /**
   * Extra ARK SubjectPublicKeyInfo SHA-256 pins (lower-case hex) accepted besides AMD's, e.g. a devnet's
   * own chain. A report anchored on one is marked `dev` and the pin check carries a warning.
   */
  dangerousExtraArkSpkiSha256?: string[];
}

/** Default VMPLs accepted. */
export const DEFAULT_SNP_ALLOWED_VMPL: readonly number[] = [0, 1];

/** Input to {@link verifySnpReport}. */
export interface SnpVerifyInput {
  /** The report: raw 1184 bytes, or hex/base64 text (as served by `/cpu`). */
  report: Uint8Array | string;
  /** The VCEK certificate: DER (raw, hex or base64) or PEM. */
  vcek?: Uint8Array | string;
  /** ASK and ARK (either order): PEM text, concatenated DER, or a list of DER certificates. */
  chain?: string | Uint8Array | Uint8Array[];
  /** The product's VCEK CRL from AMD KDS: DER (raw, hex or base64) or PEM. */
  crl?: Uint8Array | string;
  /** Verification time, Unix seconds. */
  now: number;
  policy?: SnpPolicy;
}

/** Result of {@link verifySnpReport}. */
export interface SnpVerifyResult {
  verdict: Verdict;
  /** Every check in the order it ran. */
  checks: Check[];
  /** `name: detail` of each failing or missing check. */
  reasons: string[];
  report?: SnpReport;
  product?: SnpProduct;
  /** Where the product came from. */
  productSource?: 'cpuid' | 'vcek' | 'ark';
  /** REPORT_DATA, lower-case hex (128 characters). */
  reportData?: string;
  /** MEASUREMENT (launch digest), lower-case hex (96 characters). */
  measurement?: string;
  /** REPORTED_TCB decoded (Milan/Genoa layout); undefined for Turin. */
  reportedTcb?: TcbVersion;
  /** True when the ARK matched a `dangerousExtraArkSpkiSha256` pin rather than AMD's. */
  dev?: boolean;
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Splits concatenated DER certificates. */
function splitDer(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let p = 0;
  while (p < buf.length) {
    const n = der.readNode(buf, p, buf.length);
    out.push(buf.subarray(n.start, n.end));
    p = n.end;
  }
  return out;
}

/** Parses the chain input into certificates. */
export function parseCertList(input: string | Uint8Array | Uint8Array[], what: string): ParsedCert[] {
  if (Array.isArray(input)) return input.map((d) => parseCertDer(decodeDerOrPem(d, what)));
  const text = typeof input === 'string' ? input : isText(input) ? Buffer.from(input).toString('latin1') : undefined;
  if (text !== undefined && text.includes('-----BEGIN')) return parsePemChain(text);
  const bytes = decodeBytes(input, what);
  try {
    return splitDer(bytes).map((d) => parseCertDer(d));
  } catch (e) {
    if (e instanceof EvidenceFormatError) throw e;
    throw new EvidenceFormatError(`${what}: ${msg(e)}`);
  }
}

function isP384(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp384r1';
}

function tcbGe(a: TcbVersion, b: TcbVersion): boolean {
  return a.bl >= b.bl && a.tee >= b.tee && a.snp >= b.snp && a.ucode >= b.ucode;
}

function validityCheck(c: ParsedCert, now: number): string | undefined {
  if (now < c.notBefore) return `not yet valid (notBefore ${isoTime(c.notBefore)})`;
  if (now > c.notAfter) return `expired (notAfter ${isoTime(c.notAfter)})`;
  return undefined;
}

interface Chain {
  ark?: ParsedCert;
  ask?: ParsedCert;
  /** A VCEK found in the chain input (used only when no separate VCEK was given). */
  leaf?: ParsedCert;
}

function sortChain(certs: ParsedCert[]): Chain {
  const selfSigned = certs.filter((c) => bytesEqual(c.subjectDer, c.issuerDer));
  const others = certs.filter((c) => !bytesEqual(c.subjectDer, c.issuerDer));
  if (selfSigned.length !== 1) throw new EvidenceFormatError(`chain must hold exactly one self-signed ARK, found ${selfSigned.length}`);
  const cas = others.filter((c) => c.isCA);
  const leaves = others.filter((c) => !c.isCA);
  if (cas.length !== 1) throw new EvidenceFormatError(`chain must hold exactly one ASK (CA certificate), found ${cas.length}`);
  if (leaves.length > 1) throw new EvidenceFormatError(`chain holds ${leaves.length} end-entity certificates`);
  return {ark: selfSigned[0], ask: cas[0], leaf: leaves[0]};
}

/**
 * Verifies an SEV-SNP attestation report at `now` (attestation.md §2.3), recording in order:
 * `snp.report.parse`, `snp.report.algo`, `snp.signing_key`, `snp.vcek.present`, `snp.product`,
 * `snp.chain.ark.pinned`, `snp.chain.ask`, `snp.chain.vcek`, `snp.crl.*` (issuer, signature, validity,
 * revoked), `snp.vcek.hwid`, `snp.vcek.tcb`, `snp.report.signature`, `snp.policy.debug`,
 * `snp.policy.migrate_ma`, `snp.policy.reserved`, `snp.vmpl`, `snp.tcb.order` (warning only).
 * Never throws: malformed input becomes a failing check.
 */
export function verifySnpReport(input: SnpVerifyInput): SnpVerifyResult {
  const list = new CheckList();
  const result: Omit<SnpVerifyResult, 'verdict' | 'checks' | 'reasons'> = {};
  try {
    run(input, list, result);
  } catch (e) {
    list.fail('snp.error', `unexpected error: ${msg(e)}`);
  }
  return {verdict: list.verdict(), checks: list.checks, reasons: list.reasons(), ...result};
}

function run(input: SnpVerifyInput, list: CheckList, out: Omit<SnpVerifyResult, 'verdict' | 'checks' | 'reasons'>): void {
  const now = input.now;
  const policy = input.policy ?? {};
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    list.fail('snp.report.parse', 'now must be a finite number of Unix seconds');
    return;
  }

  // 1. Decode and parse.
  let rep: SnpReport;
  try {
    const raw = input.report;
    if (typeof raw !== 'string' && raw.length === SNP_REPORT_SIZE && !isText(raw)) {
      // Raw report bytes: parse directly, so a bad SIGNATURE_ALGO is reported by its own check.
      rep = parseSnpReport(raw);
      list.pass('snp.report.parse', `version ${rep.version}, ${rep.bytes.length} bytes (binary)`);
    } else {
      const det = detectEvidence(raw);
      if (det.kind !== 'snp') throw new EvidenceFormatError(`evidence is a ${det.kind.toUpperCase()} quote, not an SEV-SNP report`);
      rep = parseSnpReport(det.bytes);
      list.pass('snp.report.parse', `version ${rep.version}, ${rep.bytes.length} bytes (${det.encoding})`);
    }
  } catch (e) {
    list.fail('snp.report.parse', msg(e));
    return;
  }
  out.report = rep;
  out.reportData = hex(rep.reportData);
  out.measurement = hex(rep.measurement);
  list.check(
    'snp.report.algo',
    rep.signatureAlgo === SNP_SIG_ALGO_ECDSA_P384_SHA384,
    'ECDSA P-384 with SHA-384',
    `SIGNATURE_ALGO ${rep.signatureAlgo} is not 1 (ECDSA P-384 with SHA-384)`,
  );

  // 2. Signing key.
  const isVcek = rep.signingKey === SnpSigningKey.VCEK;
  if (isVcek) list.pass('snp.signing_key', 'VCEK');
  else if (rep.signingKey === SnpSigningKey.VLEK) list.missing('snp.signing_key', 'signed with a VLEK; VLEK chains (ASVK) are not supported');
  else list.fail('snp.signing_key', `SIGNING_KEY ${rep.signingKey} is neither VCEK (0) nor VLEK (1)`);

  // 3. VCEK and chain inputs.
  let vcek: ParsedCert | undefined;
  let vcekInfo: VcekInfo | undefined;
  let chain: Chain = {};
  let chainError: string | undefined;
  if (input.chain !== undefined) {
    try {
      chain = sortChain(parseCertList(input.chain, 'ASK/ARK chain'));
    } catch (e) {
      chainError = msg(e);
    }
  }
  let vcekDetail = '';
  if (input.vcek !== undefined) {
    try {
      vcek = parseCertDer(decodeDerOrPem(input.vcek, 'VCEK'));
      vcekDetail = 'VCEK supplied';
    } catch (e) {
      list.fail('snp.vcek.present', `VCEK is not a usable certificate: ${msg(e)}`);
    }
  } else if (chain.leaf) {
    vcek = chain.leaf;
    vcekDetail = 'VCEK taken from the certificate chain';
  } else {
    list.missing(
      'snp.vcek.present',
      `no VCEK supplied (fetch it from AMD KDS for chip ${hex(rep.chipId).slice(0, 16)}…, reported TCB ${hex(rep.reportedTcbRaw)})`,
    );
  }
  if (vcek) {
    try {
      vcekInfo = readVcekInfo(vcek);
      list.pass('snp.vcek.present', `${vcekDetail}: ${vcek.subject}${vcekInfo.productName ? ` (${vcekInfo.productName})` : ''}`);
    } catch (e) {
      list.fail('snp.vcek.present', msg(e));
      vcek = undefined;
    }
  }

  // Product: CPUID (v3+) first, then the VCEK, then the ARK pin.
  const cpuidSet = rep.cpuid !== undefined && (rep.cpuid.family !== 0 || rep.cpuid.model !== 0);
  let product: SnpProduct | undefined;
  let productOk = true;
  if (cpuidSet && rep.cpuid) {
    const c = rep.cpuid;
    if (!rep.cpuidProduct) {
      productOk = false;
      list.fail('snp.product', `unknown CPU family 0x${c.family.toString(16)} model 0x${c.model.toString(16)}`);
    } else if (vcekInfo?.product && vcekInfo.product !== rep.cpuidProduct) {
      productOk = false;
      list.fail('snp.product', `report CPUID says ${rep.cpuidProduct} but the VCEK is for ${vcekInfo.product}`);
    } else {
      product = rep.cpuidProduct;
      out.productSource = 'cpuid';
    }
  } else if (vcekInfo?.product) {
    product = vcekInfo.product;
    out.productSource = 'vcek';
  } else if (vcek) {
    productOk = false;
    list.fail('snp.product', `VCEK issuer "${vcek.issuer}" names no known product`);
  } else if (chain.ark) {
    const spki = sha256Hex(chain.ark.spkiDer);
    product = (Object.keys(AMD_ARK_SPKI_SHA256) as SnpProduct[]).find((p) => AMD_ARK_SPKI_SHA256[p] === spki);
    if (product) out.productSource = 'ark';
  }
  if (productOk) {
    if (product) list.pass('snp.product', `${product} (from ${out.productSource})`);
    else list.missing('snp.product', 'product unknown: a version 2 report needs its VCEK or AMD chain to name it');
  }
  out.product = product;

  // 4. Chain: ARK (pinned, self-signed), ASK (by ARK), VCEK (by ASK).
  const {ark, ask} = chain;
  let chainOk = false;
  if (input.chain === undefined) {
    list.missing('snp.chain.ark.pinned', 'no ASK/ARK certificate chain supplied (AMD KDS /vcek/v1/{product}/cert_chain)');
  } else if (chainError !== undefined || !ark || !ask) {
    list.fail('snp.chain.ark.pinned', `ASK/ARK chain unusable: ${chainError ?? 'incomplete'}`);
  } else {
    const spki = sha256Hex(ark.spkiDer);
    const extra = (policy.dangerousExtraArkSpkiSha256 ?? []).map((s) => s.toLowerCase());
    const expected = product ? AMD_ARK_SPKI_SHA256[product] : undefined;
    let arkOk = false;
    const selfOk = verifyIssuedBy(ark, ark);
    const arkTime = validityCheck(ark, now);
    if (!selfOk) list.fail('snp.chain.ark.pinned', `ARK "${ark.subject}" self-signature does not verify`);
    else if (arkTime) list.fail('snp.chain.ark.pinned', `ARK ${arkTime}`);
    else if (!ark.isCA) list.fail('snp.chain.ark.pinned', 'ARK is not a CA certificate');
    else if (expected !== undefined && spki === expected) {
      arkOk = true;
      list.pass('snp.chain.ark.pinned', `${product} ARK, SPKI SHA-256 ${spki}`);
    } else if (extra.includes(spki)) {
      arkOk = true;
      out.dev = true;
      list.warn('snp.chain.ark.pinned', `ARK matches a non-AMD (dev) root ${spki}: not hardware attestation`);
    } else if (expected === undefined) {
      list.missing('snp.chain.ark.pinned', `product unknown, cannot select the ARK pin (ARK SPKI SHA-256 ${spki})`);
    } else {
      list.fail('snp.chain.ark.pinned', `ARK SPKI SHA-256 ${spki} is not the pinned ${product} ARK ${expected}`);
    }
    let askOk = false;
    const askTime = validityCheck(ask, now);
    if (!verifyIssuedBy(ask, ark)) list.fail('snp.chain.ask', `ASK "${ask.subject}" is not signed by the ARK "${ark.subject}"`);
    else if (askTime) list.fail('snp.chain.ask', `ASK ${askTime}`);
    else if (!ask.isCA) list.fail('snp.chain.ask', 'ASK is not a CA certificate');
    else {
      askOk = true;
      list.pass('snp.chain.ask', `${ask.subject.match(/CN=([^,]+)/)?.[1] ?? ask.subject} signed by ARK`);
    }
    chainOk = arkOk && askOk;
    if (vcek) {
      const vTime = validityCheck(vcek, now);
      if (!verifyIssuedBy(vcek, ask)) list.fail('snp.chain.vcek', `VCEK (issuer "${vcek.issuer}") is not signed by the ASK "${ask.subject}"`);
      else if (vTime) list.fail('snp.chain.vcek', `VCEK ${vTime}`);
      else if (vcek.isCA) list.fail('snp.chain.vcek', 'VCEK must not be a CA certificate');
      else list.pass('snp.chain.vcek', `signed by ASK, valid ${isoTime(vcek.notBefore)} .. ${isoTime(vcek.notAfter)}`);
    }
  }

  // 5. CRL (signed by the ARK; lists revoked ASKs/VCEKs).
  if (input.crl === undefined) {
    list.missing('snp.crl', 'no VCEK CRL supplied (AMD KDS /vcek/v1/{product}/crl)');
  } else {
    let crl: ParsedCrl | undefined;
    try {
      crl = parseCrl(decodeDerOrPem(input.crl, 'CRL'));
    } catch (e) {
      list.fail('snp.crl', `CRL unparseable: ${msg(e)}`);
    }
    if (crl) {
      if (!ark || !ask || !chainOk) {
        list.missing('snp.crl', 'no verified ARK to check the CRL against');
      } else {
        checkCrl(list, 'snp.crl', crl, ark, now);
        const revoked: string[] = [];
        if (isRevoked(crl, ask.serial)) revoked.push(`ASK serial 0x${ask.serial.toString(16)}`);
        if (vcek && isRevoked(crl, vcek.serial)) revoked.push(`VCEK serial 0x${vcek.serial.toString(16)}`);
        list.check(
          'snp.crl.revoked',
          revoked.length === 0,
          `ASK${vcek ? ' and VCEK' : ''} not revoked (${crl.revokedSerials.length} entries)`,
          `revoked: ${revoked.join(', ')}`,
        );
      }
    }
  }

  // 6. VCEK ↔ report: hardware ID and TCB.
  const turin = product === 'Turin';
  if (!turin) out.reportedTcb = decodeTcb(rep.reportedTcbRaw);
  if (vcek && vcekInfo) {
    if (!isVcek) {
      list.skip('snp.vcek.hwid', 'not a VCEK-signed report');
    } else if (!vcekInfo.hwId) {
      list.fail('snp.vcek.hwid', 'VCEK has no hwID extension');
    } else {
      list.check(
        'snp.vcek.hwid',
        bytesEqual(vcekInfo.hwId, rep.chipId),
        `hwID = CHIP_ID ${hex(rep.chipId).slice(0, 16)}…`,
        rep.maskChipKey ? 'report masks CHIP_ID (MASK_CHIP_KEY) so it cannot be matched to the VCEK' : `VCEK hwID ${hex(vcekInfo.hwId).slice(0, 16)}… ≠ report CHIP_ID ${hex(rep.chipId).slice(0, 16)}…`,
      );
    }
    if (turin || !out.reportedTcb) {
      list.fail('snp.vcek.tcb', 'Turin TCB_VERSION layout is not decoded here; cannot match the VCEK TCB');
    } else {
      const t = out.reportedTcb;
      const v = vcekInfo;
      const ok = v.bl === t.bl && v.tee === t.tee && v.snp === t.snp && v.ucode === t.ucode;
      list.check(
        'snp.vcek.tcb',
        ok,
        `VCEK SPLs = REPORTED_TCB (${tcbText(t)})`,
        `VCEK SPLs bl ${v.bl}, tee ${v.tee}, snp ${v.snp}, ucode ${v.ucode} ≠ REPORTED_TCB ${tcbText(t)}`,
      );
    }
  }

  // 7. Report signature.
  if (vcek) {
    if (!isP384(vcek.publicKey)) {
      list.fail('snp.report.signature', 'VCEK key is not ECDSA P-384');
    } else if (!rep.signatureRS) {
      list.fail('snp.report.signature', rep.signatureProblem ?? 'malformed signature field');
    } else {
      let ok = false;
      try {
        ok = cryptoVerify('sha384', rep.bytes.subarray(0, SNP_SIGNED_LENGTH), {key: vcek.publicKey, dsaEncoding: 'ieee-p1363'}, rep.signatureRS);
      } catch {
        ok = false;
      }
      list.check('snp.report.signature', ok, 'ECDSA P-384/SHA-384 over [0, 0x2A0) verifies with the VCEK', 'report signature does not verify with the VCEK');
    }
  }

  // 8. Guest policy.
  const unauth = vcek ? '' : ' (report not authenticated)';
  const debug = policyBit(rep.policy, SnpPolicyBit.DEBUG);
  if (!debug) list.pass('snp.policy.debug', `debugging not allowed${unauth}`);
  else if (policy.dangerousAllowDebug) list.warn('snp.policy.debug', 'guest policy allows debugging (accepted only because dangerousAllowDebug is set)');
  else list.fail('snp.policy.debug', `guest policy 0x${rep.policy.toString(16)} allows debugging (bit 19): its memory can be read by the host`);
  const migrate = policyBit(rep.policy, SnpPolicyBit.MIGRATE_MA);
  list.check('snp.policy.migrate_ma', !migrate, `no migration agent${unauth}`, 'guest policy allows a migration agent (bit 18)');
  const mbo = policyBit(rep.policy, SnpPolicyBit.RESERVED_MUST_BE_ONE);
  const highReserved = rep.policy >> BigInt(SnpPolicyBit.FIRST_RESERVED_ZERO);
  list.check(
    'snp.policy.reserved',
    mbo && highReserved === 0n,
    `reserved bits as required (policy 0x${rep.policy.toString(16)})`,
    !mbo ? 'policy bit 17 (reserved, must be 1) is 0' : `policy has reserved bits ≥ 26 set (0x${rep.policy.toString(16)})`,
  );
  const allowedVmpl = policy.allowedVmpl ?? DEFAULT_SNP_ALLOWED_VMPL;
  list.check('snp.vmpl', allowedVmpl.includes(rep.vmpl), `VMPL ${rep.vmpl}${unauth}`, `VMPL ${rep.vmpl} is not one of [${allowedVmpl.join(', ')}]`);
  if (!turin) {
    const cur = decodeTcb(rep.currentTcbRaw);
    const com = decodeTcb(rep.committedTcbRaw);
    const lau = decodeTcb(rep.launchTcbRaw);
    if (tcbGe(cur, com) && tcbGe(com, lau)) list.pass('snp.tcb.order', `current ≥ committed ≥ launch (${tcbText(cur)})`);
    else list.warn('snp.tcb.order', `TCB not ordered current ≥ committed ≥ launch: current ${tcbText(cur)}; committed ${tcbText(com)}; launch ${tcbText(lau)}`);
  }
}
