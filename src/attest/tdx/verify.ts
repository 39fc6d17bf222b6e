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
 */
import {concatBytes, sha256, utf8} from '../../../contracts/common/encoding.js';
import {createPublicKey, verify as cryptoVerify, type KeyObject} from 'node:crypto';
import {checkCrl, isRevoked, parseCrl, verifyCrlSignature, type ParsedCrl} from '../crl.js';
import {CheckList, EvidenceFormatError, hex, type Check, type Verdict} from '../types.js';
import {bytesEqual, isoTime, parsePemChain, sha256Hex, verifyIssuedBy, type ParsedCert} from '../x509.js';
import {parseQeIdentity, parseTdxTcbInfo, type IsvTcbLevel, type QeIdentity, type TdxCollateral, type TdxModuleIdentity, type TdxTcbInfo} from './collateral.js';
import {pckExtensionOf, type PckExtension} from './pck.js';
import {BODY_TYPE_TD15, INTEL_QE_VENDOR_ID, parseTdxQuote, type TdxQuote} from './quote.js';

/** SHA-256 of the DER of the Intel SGX Root CA (MANIFEST.md trust anchors). The only root trusted by default. */
export const INTEL_SGX_ROOT_CA_SHA256 = '44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3';

/** TCB statuses accepted without a warning / with a warning (unless strict) — attestation.md §1.4 step 15. */
export const TCB_STATUS_OK = 'UpToDate';
export const TCB_STATUS_WARN = ['SWHardeningNeeded', 'ConfigurationNeeded', 'ConfigurationAndSWHardeningNeeded'] as const;
const KNOWN_PLATFORM_STATUSES = new Set([
  'UpToDate',
  'SWHardeningNeeded',
  'ConfigurationNeeded',
  'ConfigurationAndSWHardeningNeeded',
  'OutOfDate',
  'OutOfDateConfigurationNeeded',
  'Revoked',
]);

/** TDATTRIBUTES bits (TDX module ABI; attestation.md §1.4 step 14). */
export const TD_ATTR = {
  DEBUG: 0n,
  SEPT_VE_DISABLE: 28n,
  PKS: 30n,
  KL: 31n,
  PERFMON: 63n,
  /** Bits 1–27, 29 and 32–62: reserved, must be zero. */
  RESERVED_MASK: 0x0ffffffen | (1n << 29n) | (((1n << 31n) - 1n) << 32n),
} as const;
/** QE report ATTRIBUTES byte 0 bit 1: the enclave is debuggable. */
const SGX_ATTR_DEBUG = 0x02;
/** Position in TEE_TCB_SVN of the TDX module major version; when non-zero, the TCB comparison starts at index 2. */
const TEE_TCB_SVN_MODULE_VERSION = 1;
const TEE_TCB_SVN_MODULE_ISVSVN = 0;
const TDX_TCB_FIRST_INDEX_WITH_MODULE_IDENTITY = 2;
/** PCK chain length: leaf, Platform/Processor CA, Root CA. */
const PCK_CHAIN_LENGTH = 3;
/** Collateral signer chains: TCB Signing cert, Root CA. */
const SIGNER_CHAIN_LENGTH = 2;
const CACHE_ENTRIES = 256;

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

/** A small insertion-ordered cache that forgets its oldest entry past `max`. */
class BoundedCache<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    return this.m.get(k);
  }
  set(k: string, v: V): V {
    if (this.m.size >= this.max) this.m.delete(this.m.keys().next().value as string);
    this.m.set(k, v);
    return v;
  }
}

/** Memoized `verifyIssuedBy` / `verifyCrlSignature` on parsed (cached, immutable) objects. */
const issuedMemo = new WeakMap<ParsedCert, WeakMap<ParsedCert, boolean>>();
function issuedBy(cert: ParsedCert, issuer: ParsedCert): boolean {
  let m = issuedMemo.get(cert);
  if (!m) issuedMemo.set(cert, (m = new WeakMap()));
  let r = m.get(issuer);
  if (r === undefined) m.set(issuer, (r = verifyIssuedBy(cert, issuer)));
  return r;
}
const crlMemo = new WeakMap<ParsedCrl, WeakMap<ParsedCert, boolean>>();
function crlSignedBy(crl: ParsedCrl, issuer: ParsedCert): boolean {
  let m = crlMemo.get(crl);
  if (!m) crlMemo.set(crl, (m = new WeakMap()));
  let r = m.get(issuer);
  if (r === undefined) m.set(issuer, (r = verifyCrlSignature(crl, issuer)));
  return r;
}

const PART_END = new Uint8Array([0]);

/** Cache key of content given in parts: hex SHA-256 of every part (UTF-8 for text), each followed by a NUL byte. */
function contentKey(...parts: Array<Uint8Array | string>): string {
  return sha256Hex(concatBytes(...parts.flatMap((p) => [typeof p === 'string' ? utf8(p) : p, PART_END])));
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Raw `r ‖ s` ECDSA P-256/SHA-256 verification; false on any error. */
function verifyP256(data: Uint8Array, sig: Uint8Array, key: KeyObject): boolean {
  try {
    return cryptoVerify('sha256', data, {key, dsaEncoding: 'ieee-p1363'}, sig);
  } catch {
    return false;
  }
}

/** DER prefix of a P-256 uncompressed-point SubjectPublicKeyInfo (id-ecPublicKey, prime256v1). */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

interface PreparedPck {
  error?: string;
  certs: ParsedCert[];
  ext?: PckExtension;
  extError?: string;
}

interface PreparedCollateral {
  errors: string[];
  pckCrlChain?: ParsedCert[];
  tcbChain?: ParsedCert[];
  qeChain?: ParsedCert[];
  rootCrl?: ParsedCrl;
  pckCrl?: ParsedCrl;
  tcbInfo?: TdxTcbInfo;
  qeIdentity?: QeIdentity;
  tcbInfoSigOk: WeakMap<ParsedCert, boolean>;
  qeIdentitySigOk: WeakMap<ParsedCert, boolean>;
  raw: TdxCollateral;
}

/** Result of matching a TCB level list against an ISVSVN. */
function isvLevel(levels: IsvTcbLevel[], isvSvn: number): IsvTcbLevel | undefined {
  return levels.find((l) => l.isvSvn <= isvSvn);
}

/**
 * Folds a QE or TDX module TCB status into the platform status (Intel QVL convergence).
 * Returns undefined for a status it does not know.
 */
export function foldTcbStatus(platform: string, other: string): string | undefined {
  switch (other) {
    case 'UpToDate':
      return platform;
    case 'OutOfDate':
      if (platform === 'UpToDate' || platform === 'SWHardeningNeeded') return 'OutOfDate';
      if (platform === 'ConfigurationNeeded' || platform === 'ConfigurationAndSWHardeningNeeded') return 'OutOfDateConfigurationNeeded';
      return platform;
    case 'Revoked':
      return 'Revoked';
    default:
      return undefined;
  }
}

/** Masked byte-wise equality: `(a & mask) == (b & mask)` for every byte. */
function maskedEqual(a: Uint8Array, b: Uint8Array, mask: Uint8Array): boolean {
  if (a.length !== b.length || a.length !== mask.length) return false;
  for (let i = 0; i < a.length; i++) if ((a[i] & mask[i]) !== (b[i] & mask[i])) return false;
  return true;
}

function isZero(b: Uint8Array): boolean {
  for (const x of b) if (x !== 0) return false;
  return true;
}

function le64(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
  return x;
}

/** Selects the platform TCB level (attestation.md §1.4 step 11). */
export function selectTdxTcbLevel(
  tcbInfo: TdxTcbInfo,
  pck: PckExtension,
  teeTcbSvn: Uint8Array,
): {level?: TdxTcbInfo['tcbLevels'][number]; sgxMatched: boolean; firstTdxIndex: number} {
  const firstTdxIndex = teeTcbSvn[TEE_TCB_SVN_MODULE_VERSION] > 0 ? TDX_TCB_FIRST_INDEX_WITH_MODULE_IDENTITY : 0;
  let sgxMatched = false;
  for (const level of tcbInfo.tcbLevels) {
    let sgxOk = pck.pceSvn >= level.pceSvn;
    for (let i = 0; sgxOk && i < 16; i++) if (pck.compSvn[i] < level.sgxComponents[i]) sgxOk = false;
    if (!sgxOk) continue;
    sgxMatched = true;
    let tdxOk = true;
    for (let i = firstTdxIndex; tdxOk && i < 16; i++) if (teeTcbSvn[i] < level.tdxComponents[i]) tdxOk = false;
    if (tdxOk) return {level, sgxMatched, firstTdxIndex};
  }
  return {sgxMatched, firstTdxIndex};
}

/**
 * Verifies TDX quotes, memoizing everything that does not depend on the quote itself or on `now`:
 * parsed collateral (certificates, CRLs, TCB info, QE identity) and its signature checks, parsed PCK
 * chains and their signature checks, imported attestation keys. Keys are SHA-256 of the exact bytes.
 */
export class TdxVerifier {
  private readonly pckCache = new BoundedCache<PreparedPck>(CACHE_ENTRIES);
  private readonly collateralCache = new BoundedCache<PreparedCollateral>(CACHE_ENTRIES);
  private readonly keyCache = new BoundedCache<KeyObject | null>(CACHE_ENTRIES);

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

  private preparePck(pem: string): PreparedPck {
    const key = contentKey(pem);
    const hit = this.pckCache.get(key);
    if (hit) return hit;
    let prepared: PreparedPck;
    try {
      const certs = parsePemChain(pem);
      prepared = {certs};
      try {
        prepared.ext = pckExtensionOf(certs[0]);
      } catch (e) {
        prepared.extError = errText(e);
      }
    } catch (e) {
      prepared = {certs: [], error: errText(e)};
    }
    return this.pckCache.set(key, prepared);
  }

  private prepareCollateral(c: TdxCollateral): PreparedCollateral {
    // Keyed by the content, never by object identity: a caller may reuse and modify its collateral object.
    const key = contentKey(
      c.pckCrlIssuerChain,
      c.rootCaCrl,
      c.pckCrl,
      c.tcbInfoIssuerChain,
      c.tcbInfo,
      c.tcbInfoSignature,
      c.qeIdentityIssuerChain,
      c.qeIdentity,
      c.qeIdentitySignature,
      c.pckCertificateChain ?? '',
    );
    let p = this.collateralCache.get(key);
    if (!p) {
      // Own copies of the signed material, so later changes to the caller's object cannot reach the cache.
      const own: TdxCollateral = {...c, tcbInfoSignature: Uint8Array.from(c.tcbInfoSignature), qeIdentitySignature: Uint8Array.from(c.qeIdentitySignature)};
      p = {errors: [], tcbInfoSigOk: new WeakMap(), qeIdentitySigOk: new WeakMap(), raw: own};
      const attempt = <T>(what: string, f: () => T): T | undefined => {
        try {
          return f();
        } catch (e) {
          p!.errors.push(`${what}: ${errText(e)}`);
          return undefined;
        }
      };
      p.pckCrlChain = attempt('pck_crl_issuer_chain', () => parsePemChain(c.pckCrlIssuerChain));
      p.rootCrl = attempt('root_ca_crl', () => parseCrl(c.rootCaCrl));
      p.pckCrl = attempt('pck_crl', () => parseCrl(c.pckCrl));
      p.tcbChain = attempt('tcb_info_issuer_chain', () => parsePemChain(c.tcbInfoIssuerChain));
      p.tcbInfo = attempt('tcb_info', () => parseTdxTcbInfo(c.tcbInfo));
      p.qeChain = attempt('qe_identity_issuer_chain', () => parsePemChain(c.qeIdentityIssuerChain));
      p.qeIdentity = attempt('qe_identity', () => parseQeIdentity(c.qeIdentity));
      if (c.tcbInfoSignature.length !== 64) p.errors.push('tcb_info_signature: must be 64 bytes (r ‖ s)');
      if (c.qeIdentitySignature.length !== 64) p.errors.push('qe_identity_signature: must be 64 bytes (r ‖ s)');
      this.collateralCache.set(key, p);
    }
    return p;
  }

  private attestationKey(point: Uint8Array): KeyObject | null {
    const k = hex(point);
    const hit = this.keyCache.get(k);
    if (hit !== undefined) return hit;
    let key: KeyObject | null;
    try {
      key = createPublicKey({key: Buffer.concat([P256_SPKI_PREFIX, Uint8Array.of(0x04), point]), format: 'der', type: 'spki'});
    } catch {
      key = null;
    }
    return this.keyCache.set(k, key);
  }

  /**
   * Checks a certificate chain `[leaf, …, root]`: structure, names, signatures, CA flags and pinning to
   * `root` (byte-equal), recorded as `sigName`; validity of every certificate at `now` as `validityName`.
   */
  private checkChain(
    list: CheckList,
    sigName: string,
    validityName: string,
    certs: ParsedCert[],
    expectedLength: number,
    accepted: (root: ParsedCert) => boolean,
    now: number,
    leafIsCA = false,
  ): boolean {
    let why = '';
    if (certs.length !== expectedLength) why = `expected ${expectedLength} certificates, got ${certs.length}`;
    else {
      const root = certs[certs.length - 1];
      if (!accepted(root)) why = `chain ends in an untrusted root ${root.subject} (SHA-256 ${sha256Hex(root.der)})`;
      else if (!issuedBy(root, root)) why = `root ${root.subject} is not self-signed`;
      else if (!root.isCA) why = 'root is not a CA';
      else {
        for (let i = 0; i + 1 < certs.length; i++) {
          if (!issuedBy(certs[i], certs[i + 1])) {
            why = `${certs[i].subject} is not signed by ${certs[i + 1].subject}`;
            break;
          }
          if (!certs[i + 1].isCA) {
            why = `${certs[i + 1].subject} is not a CA`;
            break;
          }
        }
        if (!why && certs[0].isCA !== leafIsCA) {
          why = `${certs[0].subject} ${leafIsCA ? 'is not a CA' : 'is a CA, expected an end-entity certificate'}`;
        }
      }
    }
    const sigOk = list.check(sigName, !why, `${certs.map((c) => c.subject.split(',')[0]).join(' → ')}`, why);
    const bad = certs.find((c) => !(c.notBefore <= now && now <= c.notAfter));
    const validityOk = list.check(
      validityName,
      !bad,
      `all valid at ${isoTime(now)}`,
      bad
        ? now < bad.notBefore
          ? `${bad.subject.split(',')[0]} not yet valid (notBefore ${isoTime(bad.notBefore)} > now ${isoTime(now)})`
          : `${bad.subject.split(',')[0]} expired (notAfter ${isoTime(bad.notAfter)} < now ${isoTime(now)})`
        : '',
    );
    return sigOk && validityOk;
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
      pck = this.preparePck(pem);
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
        col = this.prepareCollateral(input.collateral);
        collateralUsable = list.check('tdx.collateral.parse', col.errors.length === 0, 'all parts parse', col.errors.join('; '));
      } catch (e) {
        list.fail('tdx.collateral.parse', `collateral is not a TdxCollateral (use parseTdxCollateral): ${errText(e)}`);
      }
    }
    const tcbInfo = collateralUsable ? col!.tcbInfo : undefined;
    const qeId = collateralUsable ? col!.qeIdentity : undefined;
    if (col && collateralUsable) {
      const c = col;
      // TCB info.
      const tcbChainOk = this.checkChain(list, 'tdx.collateral.tcbInfo.chain', 'tdx.collateral.tcbInfo.chain.validity', c.tcbChain!, SIGNER_CHAIN_LENGTH, rootAccepted, now);
      const tcbSigner = c.tcbChain![0];
      let tsig = c.tcbInfoSigOk.get(tcbSigner);
      if (tsig === undefined) c.tcbInfoSigOk.set(tcbSigner, (tsig = verifyP256(Buffer.from(c.raw.tcbInfo, 'utf8'), c.raw.tcbInfoSignature, tcbSigner.publicKey)));
      list.check('tdx.collateral.tcbInfo.signature', tcbChainOk && tsig, `signed by ${tcbSigner.subject.split(',')[0]}`, tsig ? 'signer chain not trusted' : 'TCB info signature does not verify');
      const ti = tcbInfo!;
      list.check(
        'tdx.collateral.tcbInfo.format',
        ti.id === 'TDX' && ti.version >= 3 && ti.tcbType === 0,
        `id ${ti.id}, version ${ti.version}, tcbEvaluationDataNumber ${ti.tcbEvaluationDataNumber}`,
        `expected id "TDX", version ≥ 3, tcbType 0; got id "${ti.id}", version ${ti.version}, tcbType ${ti.tcbType}`,
      );
      list.check(
        'tdx.collateral.tcbInfo.validity',
        ti.issueDate <= now && now <= ti.nextUpdate,
        `${isoTime(ti.issueDate)} .. ${isoTime(ti.nextUpdate)}`,
        now > ti.nextUpdate ? `TCB info expired (nextUpdate ${isoTime(ti.nextUpdate)} < now ${isoTime(now)})` : `TCB info not yet valid (issueDate ${isoTime(ti.issueDate)} > now ${isoTime(now)})`,
      );
      // QE identity.
      const qeChainOk = this.checkChain(list, 'tdx.collateral.qeIdentity.chain', 'tdx.collateral.qeIdentity.chain.validity', c.qeChain!, SIGNER_CHAIN_LENGTH, rootAccepted, now);
      const qeSigner = c.qeChain![0];
      let qsig = c.qeIdentitySigOk.get(qeSigner);
      if (qsig === undefined) c.qeIdentitySigOk.set(qeSigner, (qsig = verifyP256(Buffer.from(c.raw.qeIdentity, 'utf8'), c.raw.qeIdentitySignature, qeSigner.publicKey)));
      list.check('tdx.collateral.qeIdentity.signature', qeChainOk && qsig, `signed by ${qeSigner.subject.split(',')[0]}`, qsig ? 'signer chain not trusted' : 'QE identity signature does not verify');
      const qi = qeId!;
      list.check(
        'tdx.collateral.qeIdentity.format',
        qi.id === 'TD_QE' && qi.version === 2,
        `id ${qi.id}, version ${qi.version}`,
        `expected id "TD_QE", version 2; got id "${qi.id}", version ${qi.version}`,
      );
      list.check(
        'tdx.collateral.qeIdentity.validity',
        qi.issueDate <= now && now <= qi.nextUpdate,
        `${isoTime(qi.issueDate)} .. ${isoTime(qi.nextUpdate)}`,
        now > qi.nextUpdate ? `QE identity expired (nextUpdate ${isoTime(qi.nextUpdate)} < now ${isoTime(now)})` : `QE identity not yet valid (issueDate ${isoTime(qi.issueDate)} > now ${isoTime(now)})`,
      );
      // CRLs. The Root CA CRL is checked against the pinned root; the PCK CRL against the CA that issued the leaf.
      const crlRoot = pinnedRoot ?? c.tcbChain![c.tcbChain!.length - 1];
      checkCrl(list, 'tdx.crl.root', c.rootCrl!, crlRoot, now, {verifySignature: crlSignedBy});
      this.checkChain(list, 'tdx.collateral.pckCrlChain', 'tdx.collateral.pckCrlChain.validity', c.pckCrlChain!, 2, rootAccepted, now, true);
      if (intermediate) checkCrl(list, 'tdx.crl.pck', c.pckCrl!, intermediate, now, {verifySignature: crlSignedBy});
      else list.skip('tdx.crl.pck', 'no PCK issuing CA to check the PCK CRL against');
      const revokedSigner = [tcbSigner, qeSigner, c.pckCrlChain![0], crlRoot].find((x) => isRevoked(c.rootCrl!, x.serial));
      list.check(
        'tdx.collateral.revocation',
        !revokedSigner,
        'no collateral signer revoked by the Root CA CRL',
        `${revokedSigner?.subject} (serial ${revokedSigner?.serial.toString(16)}) is revoked by the Root CA CRL`,
      );
    } else if (!input.collateral) {
      needCollateral('tdx.crl.root');
      needCollateral('tdx.crl.pck');
    }

    // 5. PCK chain.
    if (pckCerts && pinnedRoot) {
      this.checkChain(list, 'tdx.pck.chain', 'tdx.pck.validity', pckCerts, PCK_CHAIN_LENGTH, rootAccepted, now);
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
    if (qi(qeId)) {
      const q = quote.qeReport;
      const problems: string[] = [];
      if (!bytesEqual(q.mrSigner, qeId.mrSigner)) problems.push(`MRSIGNER ${hex(q.mrSigner)} ≠ ${hex(qeId.mrSigner)}`);
      if (q.isvProdId !== qeId.isvProdId) problems.push(`ISVPRODID ${q.isvProdId} ≠ ${qeId.isvProdId}`);
      if (((q.miscSelect & qeId.miscselectMask) >>> 0) !== ((qeId.miscselect & qeId.miscselectMask) >>> 0)) problems.push('MISCSELECT does not match');
      if (!maskedEqual(q.attributes, qeId.attributes, qeId.attributesMask)) problems.push('ATTRIBUTES do not match');
      if (q.attributes[0] & SGX_ATTR_DEBUG) problems.push('QE is a debug enclave');
      list.check('tdx.qe.identity', problems.length === 0, `TD QE, ISVSVN ${q.isvSvn}`, problems.join('; '));
      qeLevel = isvLevel(qeId.tcbLevels, q.isvSvn);
      list.check('tdx.qe.tcb', !!qeLevel, `QE TCB ${qeLevel?.tcbStatus}`, `QE ISVSVN ${q.isvSvn} matches no QE identity TCB level (not supported)`);
    } else if (!input.collateral) needCollateral('tdx.qe.identity');

    // 9. Quote signature (attestation key over header + body).
    const attKey = this.attestationKey(quote.attestationKey);
    list.check(
      'tdx.quote.signature',
      !!attKey && verifyP256(quote.signedRegion, quote.signature, attKey),
      'header and TD report signed by the attestation key',
      attKey ? 'quote signature does not verify' : 'attestation key is not a valid P-256 point',
    );

    // 10–13. FMSPC, TCB level, TDX module identity, combined status.
    let status: string | undefined;
    const advisories = new Set<string>();
    if (tcbInfo && ext) {
      list.check('tdx.fmspc', ext.fmspc === tcbInfo.fmspc, `FMSPC ${ext.fmspc}`, `PCK FMSPC ${ext.fmspc} ≠ TCB info FMSPC ${tcbInfo.fmspc}`);
      list.check('tdx.pceid', ext.pceId === tcbInfo.pceId, `PCE-ID ${ext.pceId}`, `PCK PCE-ID ${ext.pceId} ≠ TCB info PCE-ID ${tcbInfo.pceId}`);
      const sel = selectTdxTcbLevel(tcbInfo, ext, body.teeTcbSvn);
      const lvl = sel.level;
      const levelOk = list.check(
        'tdx.tcb.level',
        !!lvl && KNOWN_PLATFORM_STATUSES.has(lvl.tcbStatus),
        `${lvl?.tcbStatus} (tcbDate ${lvl?.tcbDate}; TEE_TCB_SVN compared from index ${sel.firstTdxIndex})`,
        lvl
          ? `unknown TCB status "${lvl.tcbStatus}"`
          : sel.sgxMatched
            ? 'TCB not supported: no TCB level matches the TDX components (TEE_TCB_SVN)'
            : 'TCB not supported: no TCB level matches the PCK SGX components and PCESVN',
      );
      if (levelOk && lvl) {
        status = lvl.tcbStatus;
        lvl.advisoryIds.forEach((a) => advisories.add(a));
      }
      // 12. TDX module identity.
      const moduleVersion = body.teeTcbSvn[TEE_TCB_SVN_MODULE_VERSION];
      let ident: TdxModuleIdentity | undefined = tcbInfo.tdxModule;
      let identName = 'tdxModule';
      if (moduleVersion > 0 && tcbInfo.tdxModuleIdentities) {
        identName = `TDX_${moduleVersion.toString(16).padStart(2, '0').toUpperCase()}`;
        ident = tcbInfo.tdxModuleIdentities.find((m) => (m.id ?? '').toUpperCase() === identName);
      }
      if (!ident) list.fail('tdx.module.identity', `TCB info has no TDX module identity ${identName}`);
      else {
        const problems: string[] = [];
        if (!bytesEqual(body.mrSignerSeam, ident.mrSigner)) problems.push(`MRSIGNERSEAM ${hex(body.mrSignerSeam)} ≠ ${hex(ident.mrSigner)}`);
        if (!maskedEqual(body.seamAttributes, ident.attributes, ident.attributesMask)) problems.push(`SEAMATTRIBUTES ${hex(body.seamAttributes)} do not match`);
        let modLevel: IsvTcbLevel | undefined;
        if (ident.tcbLevels) {
          modLevel = isvLevel(ident.tcbLevels, body.teeTcbSvn[TEE_TCB_SVN_MODULE_ISVSVN]);
          if (!modLevel) problems.push(`module ISVSVN ${body.teeTcbSvn[TEE_TCB_SVN_MODULE_ISVSVN]} matches no ${identName} TCB level (not supported)`);
        }
        const ok = list.check(
          'tdx.module.identity',
          problems.length === 0,
          `${identName}${modLevel ? `, ISVSVN ${body.teeTcbSvn[TEE_TCB_SVN_MODULE_ISVSVN]} → ${modLevel.tcbStatus}` : ''}`,
          problems.join('; '),
        );
        if (ok && modLevel && status !== undefined) {
          const folded = foldTcbStatus(status, modLevel.tcbStatus);
          if (folded === undefined) {
            list.fail('tdx.tcb.status', `unknown TDX module TCB status "${modLevel.tcbStatus}"`);
            status = undefined;
          } else {
            if (modLevel.tcbStatus !== 'UpToDate') modLevel.advisoryIds.forEach((a) => advisories.add(a));
            status = folded;
          }
        } else if (!ok) status = undefined;
      }
      // 13. Fold in the QE status.
      if (status !== undefined && qeLevel) {
        const folded = foldTcbStatus(status, qeLevel.tcbStatus);
        if (folded === undefined) {
          list.fail('tdx.tcb.status', `unknown QE TCB status "${qeLevel.tcbStatus}"`);
          status = undefined;
        } else {
          if (qeLevel.tcbStatus !== 'UpToDate') qeLevel.advisoryIds.forEach((a) => advisories.add(a));
          status = folded;
        }
      } else if (!qeLevel) status = undefined;
      if (status !== undefined) {
        list.pass('tdx.tcb.status', status + (advisories.size ? ` (${[...advisories].join(', ')})` : ''));
        out.tcbStatus = status;
        out.advisoryIds = [...advisories];
      }
    } else if (!input.collateral) {
      needCollateral('tdx.fmspc');
      needCollateral('tdx.tcb.level');
      needCollateral('tdx.module.identity');
    }

    // 14. TD attributes and MRSERVICETD.
    const attrs = le64(body.tdAttributes);
    const attrProblems: string[] = [];
    if ((attrs >> TD_ATTR.DEBUG) & 1n) attrProblems.push('DEBUG (bit 0) is set: the TD is debuggable');
    if (attrs & TD_ATTR.RESERVED_MASK) attrProblems.push(`reserved bits set (0x${(attrs & TD_ATTR.RESERVED_MASK).toString(16)})`);
    const septVe = ((attrs >> TD_ATTR.SEPT_VE_DISABLE) & 1n) === 1n;
    if (policy.requireSeptVeDisable && !septVe) attrProblems.push('SEPT_VE_DISABLE (bit 28) is not set');
    list.check('tdx.td.attributes', attrProblems.length === 0, `TDATTRIBUTES ${hex(body.tdAttributes)} (DEBUG=0, SEPT_VE_DISABLE=${septVe ? 1 : 0})`, attrProblems.join('; '));
    if (body.mrServiceTd) {
      list.check('tdx.td.mrServiceTd', isZero(body.mrServiceTd), 'no service TD', `MRSERVICETD ${hex(body.mrServiceTd)} is not zero (service TDs are not trusted)`);
    }

    // 15. Status policy.
    if (status !== undefined) {
      if (status === TCB_STATUS_OK) list.pass('tdx.tcb.policy', 'UpToDate accepted');
      else if ((TCB_STATUS_WARN as readonly string[]).includes(status)) {
        const adv = out.advisoryIds?.length ? `; advisories ${out.advisoryIds.join(', ')}` : '';
        if (policy.strict) list.fail('tdx.tcb.policy', `${status} rejected by strict policy${adv}`);
        else list.warn('tdx.tcb.policy', `${status} accepted with a warning${adv}`);
      } else list.fail('tdx.tcb.policy', `TCB status ${status} is not acceptable`);
    } else if (!input.collateral) needCollateral('tdx.tcb.policy');
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
