/**
 * A fake Intel-shaped DCAP PKI for negative tests: root CA, PCK Platform CA, PCK leaf with an SGX extension,
 * TCB Signing cert, both CRLs, signed TCB info and QE identity, and quotes minted by buildTdxQuote.
 * Every part can be overridden to mint one specific defect; verification trusts the fake root only through
 * `dangerousExtraRootSha256`.
 */
import {generateKeyPairSync, type KeyObject} from 'node:crypto';
import {buildCertificate, buildCrl, name, toPem} from '../../src/attest/der-write.js';
import {buildSgxExtension, buildTdxQuote, signCollateralText, type BuildTdxQuoteInput, type SgxExtensionFields} from '../../src/attest/tdx/build.js';
import type {TdxCollateral} from '../../src/attest/tdx/collateral.js';
import {verifyTdxQuote, type TdxPolicy, type TdxResult} from '../../src/attest/tdx/verify.js';
import {sha256Hex} from '../../src/attest/x509.js';

const DAY = 86400;
const YEAR = 365 * DAY;
const SGX_EXT = '1.2.840.113741.1.13.1';
const KU_CA = (1 << 5) | (1 << 6);
const KU_LEAF = 1 << 0;

export const newKey = (curve: 'P-256' | 'P-384' = 'P-256'): {privateKey: KeyObject; publicKey: KeyObject} =>
  generateKeyPairSync('ec', {namedCurve: curve});

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
const comps = (svns: number[]) => svns.map((svn) => ({svn}));
const zeros = (n: number) => '0'.repeat(n * 2);

export interface FakePkiOptions {
  /** The "now" everything is valid around (Unix seconds). */
  now?: number;
  /** PCK leaf validity [notBefore, notAfter]. */
  pckValidity?: [number, number];
  /** PCK Platform CA validity. */
  caValidity?: [number, number];
  /** PCK extension values. */
  sgx?: Partial<SgxExtensionFields>;
  /** Sign the PCK Platform CA with this key instead of the root's (a broken chain). */
  dangerousCaSigner?: KeyObject;
}

export interface CollateralOptions {
  /** Replace parts of the TCB info object before it is serialised and signed. */
  tcbInfo?: (t: Record<string, unknown>) => void;
  qeIdentity?: (q: Record<string, unknown>) => void;
  pckCrl?: {thisUpdate?: number; nextUpdate?: number | null; revoked?: bigint[]; signer?: KeyObject};
  rootCrl?: {thisUpdate?: number; nextUpdate?: number | null; revoked?: bigint[]; signer?: KeyObject};
  /** Key that signs the TCB info (default: the TCB Signing key). */
  tcbInfoSigner?: KeyObject;
}

/** The default TCB info for the fake platform: level 0 UpToDate (SGX SVNs 5, PCESVN 11), level 1 OutOfDate. */
export function defaultTcbInfo(now: number, fmspc: string): Record<string, unknown> {
  const mod = {mrsigner: zeros(48), attributes: zeros(8), attributesMask: 'FFFFFFFFFFFFFFFF'};
  return {
    id: 'TDX',
    version: 3,
    issueDate: iso(now - 10 * DAY),
    nextUpdate: iso(now + 20 * DAY),
    fmspc: fmspc.toUpperCase(),
    pceId: '0000',
    tcbType: 0,
    tcbEvaluationDataNumber: 17,
    tdxModule: mod,
    tdxModuleIdentities: [
      {
        id: 'TDX_01',
        ...mod,
        tcbLevels: [
          {tcb: {isvsvn: 4}, tcbDate: '2024-03-13T00:00:00Z', tcbStatus: 'UpToDate'},
          {tcb: {isvsvn: 2}, tcbDate: '2023-08-09T00:00:00Z', tcbStatus: 'OutOfDate', advisoryIDs: ['INTEL-SA-00001']},
        ],
      },
    ],
    tcbLevels: [
      {
        tcb: {sgxtcbcomponents: comps(Array(16).fill(5)), pcesvn: 11, tdxtcbcomponents: comps([5, 0, 2, ...Array(13).fill(0)])},
        tcbDate: '2024-03-13T00:00:00Z',
        tcbStatus: 'UpToDate',
      },
      {
        tcb: {sgxtcbcomponents: comps(Array(16).fill(2)), pcesvn: 5, tdxtcbcomponents: comps(Array(16).fill(0))},
        tcbDate: '2018-01-04T00:00:00Z',
        tcbStatus: 'OutOfDate',
        advisoryIDs: ['INTEL-SA-00106', 'INTEL-SA-00115'],
      },
    ],
  };
}

/** The default QE identity: Intel's TD QE values, ISVSVN ≥ 4 UpToDate, ≥ 2 OutOfDate. */
export function defaultQeIdentity(now: number): Record<string, unknown> {
  return {
    id: 'TD_QE',
    version: 2,
    issueDate: iso(now - 10 * DAY),
    nextUpdate: iso(now + 20 * DAY),
    tcbEvaluationDataNumber: 17,
    miscselect: '00000000',
    miscselectMask: 'FFFFFFFF',
    attributes: '11000000000000000000000000000000',
    attributesMask: 'FBFFFFFFFFFFFFFF0000000000000000',
    mrsigner: 'DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5',
    isvprodid: 2,
    tcbLevels: [
      {tcb: {isvsvn: 4}, tcbDate: '2024-03-13T00:00:00Z', tcbStatus: 'UpToDate'},
      {tcb: {isvsvn: 2}, tcbDate: '2023-08-09T00:00:00Z', tcbStatus: 'OutOfDate', advisoryIDs: ['INTEL-SA-00002']},
    ],
  };
}

export class FakeTdxPki {
  readonly now: number;
  readonly rootKey = newKey();
  readonly caKey = newKey();
  readonly pckKey = newKey();
  readonly tcbKey = newKey();
  readonly attestationKey = newKey();
  readonly rootName = name([['CN', 'Fake SGX Root CA'], ['O', 'Test'], ['C', 'US']]);
  readonly caName = name([['CN', 'Fake SGX PCK Platform CA'], ['O', 'Test'], ['C', 'US']]);
  readonly root: Uint8Array;
  readonly ca: Uint8Array;
  readonly pck: Uint8Array;
  readonly tcbSigning: Uint8Array;
  readonly pckSerial = 0x1234567890abcdefn;
  readonly caSerial = 0x4242n;
  readonly tcbSerial = 0x5151n;
  readonly rootSha256: string;
  readonly fmspc: string;

  constructor(opts: FakePkiOptions = {}) {
    const now = (this.now = opts.now ?? 1760000000);
    this.fmspc = opts.sgx?.fmspc ?? '00906ed50000';
    this.root = buildCertificate({
      serial: 1,
      issuer: this.rootName,
      subject: this.rootName,
      notBefore: now - 5 * YEAR,
      notAfter: now + 20 * YEAR,
      publicKey: this.rootKey.publicKey,
      signingKey: this.rootKey.privateKey,
      ca: true,
      keyUsage: KU_CA,
    });
    const [caFrom, caTo] = opts.caValidity ?? [now - 2 * YEAR, now + 10 * YEAR];
    this.ca = buildCertificate({
      serial: this.caSerial,
      issuer: this.rootName,
      subject: this.caName,
      notBefore: caFrom,
      notAfter: caTo,
      publicKey: this.caKey.publicKey,
      signingKey: opts.dangerousCaSigner ?? this.rootKey.privateKey,
      ca: true,
      keyUsage: KU_CA,
    });
    const [pFrom, pTo] = opts.pckValidity ?? [now - YEAR, now + 6 * YEAR];
    this.pck = buildCertificate({
      serial: this.pckSerial,
      issuer: this.caName,
      subject: name([['CN', 'Fake SGX PCK Certificate'], ['O', 'Test'], ['C', 'US']]),
      notBefore: pFrom,
      notAfter: pTo,
      publicKey: this.pckKey.publicKey,
      signingKey: this.caKey.privateKey,
      ca: false,
      keyUsage: KU_LEAF,
      extensions: [
        {
          oid: SGX_EXT,
          value: buildSgxExtension({compSvn: Array(16).fill(5), pceSvn: 11, fmspc: this.fmspc, pceId: '0000', ...opts.sgx}),
        },
      ],
    });
    this.tcbSigning = buildCertificate({
      serial: this.tcbSerial,
      issuer: this.rootName,
      subject: name([['CN', 'Fake SGX TCB Signing'], ['O', 'Test'], ['C', 'US']]),
      notBefore: now - YEAR,
      notAfter: now + 6 * YEAR,
      publicKey: this.tcbKey.publicKey,
      signingKey: this.rootKey.privateKey,
      ca: false,
      keyUsage: KU_LEAF,
    });
    this.rootSha256 = sha256Hex(this.root);
  }

  get pckChainPem(): string {
    return toPem([this.pck, this.ca, this.root]);
  }

  /** Collateral for this platform, valid around `now`, with optional defects. */
  collateral(o: CollateralOptions = {}): TdxCollateral {
    const now = this.now;
    const ti = defaultTcbInfo(now, this.fmspc);
    o.tcbInfo?.(ti);
    const qi = defaultQeIdentity(now);
    o.qeIdentity?.(qi);
    const tcbInfo = JSON.stringify(ti);
    const qeIdentity = JSON.stringify(qi);
    const crl = (spec: CollateralOptions['pckCrl'], issuer: Uint8Array, key: KeyObject) =>
      buildCrl({
        issuer,
        thisUpdate: spec?.thisUpdate ?? now - 5 * DAY,
        nextUpdate: spec?.nextUpdate === null ? undefined : (spec?.nextUpdate ?? now + 25 * DAY),
        revoked: [0x99n, ...(spec?.revoked ?? [])].map((serial) => ({serial, date: now - 30 * DAY})),
        signingKey: spec?.signer ?? key,
      });
    return {
      pckCrlIssuerChain: toPem([this.ca, this.root]),
      rootCaCrl: crl(o.rootCrl, this.rootName, this.rootKey.privateKey),
      pckCrl: crl(o.pckCrl, this.caName, this.caKey.privateKey),
      tcbInfoIssuerChain: toPem([this.tcbSigning, this.root]),
      tcbInfo,
      tcbInfoSignature: signCollateralText(tcbInfo, o.tcbInfoSigner ?? this.tcbKey.privateKey),
      qeIdentityIssuerChain: toPem([this.tcbSigning, this.root]),
      qeIdentity,
      qeIdentitySignature: signCollateralText(qeIdentity, this.tcbKey.privateKey),
    };
  }

  /** A quote from this platform: TEE_TCB_SVN 06 01 03 00…, SEPT_VE_DISABLE set, QE ISVSVN 4, padded by 70 zeros. */
  quote(o: Partial<BuildTdxQuoteInput> = {}): Uint8Array {
    return buildTdxQuote({
      attestationKey: this.attestationKey.privateKey,
      pckKey: this.pckKey.privateKey,
      pckChainPem: this.pckChainPem,
      padding: 70,
      ...o,
      body: {
        teeTcbSvn: Uint8Array.of(6, 1, 3, ...Array(13).fill(0)),
        mrTd: new Uint8Array(48).fill(0xaa),
        reportData: new Uint8Array(64).fill(0x5a),
        ...o.body,
      },
    });
  }

  /** Verifies with this PKI's root trusted (as the devnet does with its dev chain). */
  verify(quote: Uint8Array, collateral: TdxCollateral | undefined, now = this.now, policy?: TdxPolicy): TdxResult {
    return verifyTdxQuote({quote, collateral, now, policy, dangerousExtraRootSha256: [this.rootSha256]});
  }
}
