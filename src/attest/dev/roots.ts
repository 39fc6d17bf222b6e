/**
 * The devnet-only chain of trust for dev attestation (design.md §5). The devnet has no TEE hardware, so it
 * gets its own roots, created with the devnet home and never trusted anywhere else:
 *
 * - TDX (Intel DCAP layout, attestation.md §1): a dev SGX root CA (P-256), a PCK Platform CA and a PCK
 *   leaf carrying an SGX extension (`1.2.840.113741.1.13.1`, FMSPC {@link DEV_FMSPC}), a TCB Signing
 *   certificate, and collateral signed with it — TCB info (`id` "TDX", v3), QE identity (`id` "TD_QE", v2),
 *   the root CA CRL and the PCK CRL — in `@phala/dcap-qvl`'s collateral JSON layout.
 * - NVIDIA (attestation.md §3.2): a P-384 chain of five, leaf first (FMC leaf with a TCG DICE FWID
 *   extension, BROM, Provisioner ICA, Identity, Device Identity CA).
 *
 * Every subject carries the dev marker OU (see `marker.ts`). This module reads no clock (`now` is an
 * argument), draws no entropy (key generation and random bytes come in as a {@link DevCrypto}) and does
 * no I/O: the service layer (`src/lib/attest/dev.ts`) supplies node:crypto and persists the result.
 */
import {createHash, createPrivateKey, type KeyObject} from 'node:crypto';
import * as w from '../der-write.js';
import {buildSgxExtension, signCollateralText, TD_QE_DEFAULTS} from '../tdx/build.js';
import {parseTdxCollateral, tdxCollateralToJson, type TdxCollateral} from '../tdx/collateral.js';
import {EvidenceFormatError} from '../types.js';
import {parseCertDer, sha256Hex} from '../x509.js';
import {DEV_ORGANIZATIONAL_UNIT} from './marker.js';

/** Format version of the persisted roots document. */
export const DEV_ROOTS_VERSION = 1;
/** FMSPC of the dev platform (6 bytes, hex). */
export const DEV_FMSPC = '5ec7a1de0000';
/** PCE-ID of the dev platform. */
export const DEV_PCE_ID = '0000';
/** PCK component SVNs (16) and PCESVN of the dev platform; the dev TCB info's only level equals them. */
export const DEV_PCK_COMP_SVN = [3, 3, 2, 2, 4, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0];
export const DEV_PCE_SVN = 13;
/**
 * TEE_TCB_SVN of dev quotes: byte 0 TDX module ISVSVN 5, byte 1 module major version 1 (so TCB matching
 * starts at index 2 and the module identity `TDX_01` applies), byte 2 late microcode 2.
 */
export const DEV_TEE_TCB_SVN = [5, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/** QE ISVSVN of dev quotes. */
export const DEV_QE_ISVSVN = 4;
/** Seconds before `now` that certificates and collateral start being valid (clock skew allowance). */
const BACKDATE = 24 * 3600;
/** Default validity of certificates and collateral: ten years (a devnet outlives Intel's 30-day cadence). */
export const DEV_DEFAULT_VALIDITY = 10 * 365 * 24 * 3600;
/** TCG DICE TcbInfo extension OID (carries the FWID on NVIDIA device leaves). */
const OID_TCG_DICE_TCB_INFO = '2.23.133.5.4.1';
const OID_SHA384 = '2.16.840.1.101.3.4.2.2';
/** keyUsage masks (bit n = RFC 5280 bit n). */
const KU_CA = (1 << 5) | (1 << 6);
const KU_LEAF = 1 << 0;
/** FWID size (SHA-384), bytes. */
const FWID_SIZE = 48;

/** Randomness and key generation, supplied by the caller (design.md §2: `src/attest` draws no entropy itself). */
export interface DevCrypto {
  /** `n` cryptographically random bytes. */
  random(n: number): Uint8Array;
  /** A fresh EC key pair on a NIST curve. */
  ecKeyPair(curve: 'P-256' | 'P-384'): {privateKey: KeyObject; publicKey: KeyObject};
}

/** A private key and the certificate for its public key. */
export interface DevKeyCert {
  /** Private key (P-256 for TDX, P-384 for NVIDIA). */
  key: KeyObject;
  /** Certificate DER. */
  cert: Uint8Array;
}

/** The devnet's dev chain of trust, with private keys (devnet only). */
export interface DevRoots {
  version: typeof DEV_ROOTS_VERSION;
  /** Unix seconds. */
  createdAt: number;
  tdx: {
    root: DevKeyCert;
    pckCa: DevKeyCert;
    pckLeaf: DevKeyCert;
    tcbSigning: DevKeyCert;
    /** Signed collateral for {@link DEV_FMSPC} (platform CA). */
    collateral: TdxCollateral;
  };
  nvidia: {
    /** Leaf first: FMC leaf, BROM, Provisioner ICA, Identity, Device Identity CA (root). */
    chain: DevKeyCert[];
    /** The leaf's FWID (48 bytes), also reported in the evidence's opaque data. */
    fwid: Uint8Array;
  };
  /**
   * The entropy source the caller attached when generating or loading these roots (never persisted);
   * `mintDevEvidence` uses it when its own input names none.
   */
  crypto?: DevCrypto;
}

/** SHA-256 pins (DER of the root certificates) a verifier passes as `dangerousExtraRootSha256` — only when dev is allowed. */
export function devRootPins(r: DevRoots): {tdx: string; nvidia: string; all: string[]} {
  const tdx = sha256Hex(r.tdx.root.cert);
  const nvidia = sha256Hex(r.nvidia.chain[r.nvidia.chain.length - 1].cert);
  return {tdx, nvidia, all: [tdx, nvidia]};
}

/** Options of {@link generateDevRoots}. */
export interface GenerateDevRootsOptions {
  /** Unix seconds: creation time (certificates and collateral valid from a day before). */
  now: number;
  /** Validity of certificates and collateral, seconds (default ten years). */
  validitySeconds?: number;
  /** Key generation and random bytes (serial numbers, the FWID); attached to the result as `crypto`. */
  crypto: DevCrypto;
}

function devName(cn: string): w.Der {
  return w.name([
    ['CN', cn],
    ['OU', DEV_ORGANIZATIONAL_UNIT],
    ['O', 'secretai devnet'],
  ]);
}

function serial(random: (n: number) => Uint8Array): bigint {
  const b = random(16);
  b[0] &= 0x7f;
  let x = 0n;
  for (const v of b) x = (x << 8n) | BigInt(v);
  return x === 0n ? 1n : x;
}

function iso(t: number): string {
  return new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const hexUpper = (b: Uint8Array | number[]) => Buffer.from(b).toString('hex').toUpperCase();

/** The dev TCB info text (Intel TCB info v3 data model), compact JSON exactly as signed. */
function tcbInfoText(issue: number, next: number): string {
  const comp = (svns: number[]) => svns.map((svn) => ({svn}));
  const tdxComponents = DEV_TEE_TCB_SVN.map((v, i) => (i < 2 ? 0 : v));
  return JSON.stringify({
    id: 'TDX',
    version: 3,
    issueDate: iso(issue),
    nextUpdate: iso(next),
    fmspc: DEV_FMSPC.toUpperCase(),
    pceId: DEV_PCE_ID,
    tcbType: 0,
    tcbEvaluationDataNumber: 1,
    tdxModule: {mrsigner: '0'.repeat(96), attributes: '0000000000000000', attributesMask: 'FFFFFFFFFFFFFFFF'},
    tdxModuleIdentities: [
      {
        id: `TDX_${DEV_TEE_TCB_SVN[1].toString(16).padStart(2, '0').toUpperCase()}`,
        mrsigner: '0'.repeat(96),
        attributes: '0000000000000000',
        attributesMask: 'FFFFFFFFFFFFFFFF',
        tcbLevels: [{tcb: {isvsvn: DEV_TEE_TCB_SVN[0]}, tcbDate: iso(issue), tcbStatus: 'UpToDate'}],
      },
    ],
    tcbLevels: [
      {
        tcb: {sgxtcbcomponents: comp(DEV_PCK_COMP_SVN), pcesvn: DEV_PCE_SVN, tdxtcbcomponents: comp(tdxComponents)},
        tcbDate: iso(issue),
        tcbStatus: 'UpToDate',
      },
    ],
  });
}

/** The dev TD QE identity text (Intel enclave identity v2 data model). */
function qeIdentityText(issue: number, next: number): string {
  return JSON.stringify({
    id: 'TD_QE',
    version: 2,
    issueDate: iso(issue),
    nextUpdate: iso(next),
    tcbEvaluationDataNumber: 1,
    miscselect: '00000000',
    miscselectMask: 'FFFFFFFF',
    attributes: TD_QE_DEFAULTS.attributes.toUpperCase(),
    attributesMask: 'FBFFFFFFFFFFFFFF0000000000000000',
    mrsigner: TD_QE_DEFAULTS.mrSigner.toUpperCase(),
    isvprodid: TD_QE_DEFAULTS.isvProdId,
    tcbLevels: [{tcb: {isvsvn: DEV_QE_ISVSVN}, tcbDate: iso(issue), tcbStatus: 'UpToDate'}],
  });
}

/** DER of a TCG DICE TcbInfo value with one SHA-384 FWID (`fwids [6] IMPLICIT SEQUENCE OF FWID`). */
function diceTcbInfo(fwid: Uint8Array): Uint8Array {
  return w.seq(
    w.tlv(0x80, Buffer.from('secretai devnet', 'utf8')),
    w.tlv(0x81, Buffer.from('GH100 (dev)', 'utf8')),
    w.tlv(0xa6, w.seq(w.oid(OID_SHA384), w.octets(fwid))),
  );
}

/**
 * Generates a complete dev chain of trust (TDX + NVIDIA) with signed TDX collateral.
 * Takes a few tens of milliseconds (eleven key pairs).
 */
export function generateDevRoots(opts: GenerateDevRootsOptions): DevRoots {
  const random = (n: number) => opts.crypto.random(n);
  const keyPair = (curve: 'P-256' | 'P-384') => opts.crypto.ecKeyPair(curve);
  const notBefore = Math.floor(opts.now) - BACKDATE;
  const notAfter = Math.floor(opts.now) + (opts.validitySeconds ?? DEV_DEFAULT_VALIDITY);

  // TDX: root → PCK Platform CA → PCK leaf; root → TCB Signing.
  const rootName = devName('secretai dev SGX Root CA');
  const pckCaName = devName('secretai dev SGX PCK Platform CA');
  const root = keyPair('P-256');
  const pckCa = keyPair('P-256');
  const pckLeaf = keyPair('P-256');
  const tcbSigning = keyPair('P-256');
  const rootCert = w.buildCertificate({
    serial: serial(random), issuer: rootName, subject: rootName, notBefore, notAfter,
    publicKey: root.publicKey, signingKey: root.privateKey, ca: true, keyUsage: KU_CA,
  });
  const pckCaCert = w.buildCertificate({
    serial: serial(random), issuer: rootName, subject: pckCaName, notBefore, notAfter,
    publicKey: pckCa.publicKey, signingKey: root.privateKey, ca: true, keyUsage: KU_CA,
  });
  const pckLeafCert = w.buildCertificate({
    serial: serial(random), issuer: pckCaName, subject: devName('secretai dev SGX PCK Certificate'), notBefore, notAfter,
    publicKey: pckLeaf.publicKey, signingKey: pckCa.privateKey, ca: false, keyUsage: KU_LEAF,
    extensions: [{oid: '1.2.840.113741.1.13.1', value: buildSgxExtension({compSvn: DEV_PCK_COMP_SVN, pceSvn: DEV_PCE_SVN, fmspc: DEV_FMSPC, pceId: DEV_PCE_ID, sgxType: 0})}],
  });
  const tcbSigningCert = w.buildCertificate({
    serial: serial(random), issuer: rootName, subject: devName('secretai dev SGX TCB Signing'), notBefore, notAfter,
    publicKey: tcbSigning.publicKey, signingKey: root.privateKey, ca: false, keyUsage: KU_LEAF,
  });
  const tcbInfo = tcbInfoText(notBefore, notAfter);
  const qeIdentity = qeIdentityText(notBefore, notAfter);
  const signerChain = w.toPem([tcbSigningCert, rootCert]);
  const collateral: TdxCollateral = {
    pckCrlIssuerChain: w.toPem([pckCaCert, rootCert]),
    rootCaCrl: w.buildCrl({issuer: rootName, thisUpdate: notBefore, nextUpdate: notAfter, signingKey: root.privateKey}),
    pckCrl: w.buildCrl({issuer: pckCaName, thisUpdate: notBefore, nextUpdate: notAfter, signingKey: pckCa.privateKey}),
    tcbInfoIssuerChain: signerChain,
    tcbInfo,
    tcbInfoSignature: signCollateralText(tcbInfo, tcbSigning.privateKey),
    qeIdentityIssuerChain: signerChain,
    qeIdentity,
    qeIdentitySignature: signCollateralText(qeIdentity, tcbSigning.privateKey),
  };

  // NVIDIA: five P-384 certificates, root last.
  const cns = ['GH100 A01 GSP FMC LF (secretai dev)', 'GH100 A01 GSP BROM (secretai dev)', 'secretai dev GH100 Provisioner ICA 1', 'secretai dev GH100 Identity', 'secretai dev Device Identity CA'];
  const keys = cns.map(() => keyPair('P-384'));
  const names = cns.map(devName);
  const fwid = random(FWID_SIZE);
  const nvChain: DevKeyCert[] = new Array(cns.length);
  for (let i = cns.length - 1; i >= 0; i--) {
    const issuer = i === cns.length - 1 ? i : i + 1;
    const cert = w.buildCertificate({
      serial: serial(random), issuer: names[issuer], subject: names[i], notBefore, notAfter,
      publicKey: keys[i].publicKey, signingKey: keys[issuer].privateKey, ca: i > 0, keyUsage: i > 0 ? KU_CA : KU_LEAF,
      ...(i === 0 ? {extensions: [{oid: OID_TCG_DICE_TCB_INFO, value: diceTcbInfo(fwid)}]} : {}),
    });
    nvChain[i] = {key: keys[i].privateKey, cert};
  }

  return {
    version: DEV_ROOTS_VERSION,
    createdAt: Math.floor(opts.now),
    tdx: {
      root: {key: root.privateKey, cert: rootCert},
      pckCa: {key: pckCa.privateKey, cert: pckCaCert},
      pckLeaf: {key: pckLeaf.privateKey, cert: pckLeafCert},
      tcbSigning: {key: tcbSigning.privateKey, cert: tcbSigningCert},
      collateral,
    },
    nvidia: {chain: nvChain, fwid},
    crypto: opts.crypto,
  };
}

/** The persisted form of {@link DevRoots}: PEM certificates, PKCS#8 PEM keys, collateral JSON. */
export interface DevRootsDocument {
  version: number;
  createdAt: number;
  /** The label, so anyone opening the file knows what it is. */
  note: string;
  pins: {tdxRootSha256: string; nvidiaRootSha256: string};
  tdx: Record<'root' | 'pckCa' | 'pckLeaf' | 'tcbSigning', {cert: string; key: string}> & {collateral: Record<string, string>};
  nvidia: {chain: {cert: string; key: string}[]; fwid: string};
}

function pair(k: DevKeyCert): {cert: string; key: string} {
  return {cert: w.toPem([k.cert]), key: k.key.export({type: 'pkcs8', format: 'pem'}) as string};
}

/** Serialises dev roots (private keys included: this document is devnet-only material). */
export function serializeDevRoots(r: DevRoots): DevRootsDocument {
  const pins = devRootPins(r);
  return {
    version: r.version,
    createdAt: r.createdAt,
    note: 'secretai devnet dev attestation roots (not hardware); never trusted outside this devnet',
    pins: {tdxRootSha256: pins.tdx, nvidiaRootSha256: pins.nvidia},
    tdx: {
      root: pair(r.tdx.root),
      pckCa: pair(r.tdx.pckCa),
      pckLeaf: pair(r.tdx.pckLeaf),
      tcbSigning: pair(r.tdx.tcbSigning),
      collateral: tdxCollateralToJson(r.tdx.collateral),
    },
    nvidia: {chain: r.nvidia.chain.map(pair), fwid: Buffer.from(r.nvidia.fwid).toString('hex')},
  };
}

function readPair(v: unknown, what: string): DevKeyCert {
  const o = v as {cert?: unknown; key?: unknown};
  if (!o || typeof o.cert !== 'string' || typeof o.key !== 'string') throw new EvidenceFormatError(`dev roots: ${what} needs cert and key PEM`);
  const m = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(o.cert);
  if (!m) throw new EvidenceFormatError(`dev roots: ${what}.cert is not a PEM certificate`);
  const cert = Uint8Array.from(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
  parseCertDer(cert);
  let key: KeyObject;
  try {
    key = createPrivateKey(o.key);
  } catch (e) {
    throw new EvidenceFormatError(`dev roots: ${what}.key is not a private key (${e instanceof Error ? e.message : String(e)})`);
  }
  return {key, cert};
}

/**
 * Reads a {@link DevRootsDocument} (object or JSON text) back, checking that the stored pins match the certificates.
 * `crypto`, when given, is attached to the result for minting evidence.
 * @throws EvidenceFormatError when the document is malformed or inconsistent.
 */
export function parseDevRoots(doc: unknown, crypto?: DevCrypto): DevRoots {
  let d = doc;
  if (typeof doc === 'string') {
    try {
      d = JSON.parse(doc);
    } catch {
      throw new EvidenceFormatError('dev roots: not JSON');
    }
  }
  const o = d as DevRootsDocument;
  if (!o || typeof o !== 'object' || o.version !== DEV_ROOTS_VERSION) throw new EvidenceFormatError(`dev roots: unsupported version ${String((o as {version?: unknown})?.version)}`);
  if (!o.tdx || !o.nvidia || !Array.isArray(o.nvidia.chain) || o.nvidia.chain.length !== 5) throw new EvidenceFormatError('dev roots: incomplete document');
  const fwid = Uint8Array.from(Buffer.from(String(o.nvidia.fwid), 'hex'));
  if (fwid.length !== FWID_SIZE) throw new EvidenceFormatError('dev roots: nvidia.fwid must be 48 bytes of hex');
  const r: DevRoots = {
    version: DEV_ROOTS_VERSION,
    createdAt: Number(o.createdAt),
    tdx: {
      root: readPair(o.tdx.root, 'tdx.root'),
      pckCa: readPair(o.tdx.pckCa, 'tdx.pckCa'),
      pckLeaf: readPair(o.tdx.pckLeaf, 'tdx.pckLeaf'),
      tcbSigning: readPair(o.tdx.tcbSigning, 'tdx.tcbSigning'),
      collateral: parseTdxCollateral(o.tdx.collateral),
    },
    nvidia: {chain: o.nvidia.chain.map((p, i) => readPair(p, `nvidia.chain[${i}]`)), fwid},
    ...(crypto ? {crypto} : {}),
  };
  const pins = devRootPins(r);
  if (o.pins?.tdxRootSha256 !== pins.tdx || o.pins?.nvidiaRootSha256 !== pins.nvidia) throw new EvidenceFormatError('dev roots: stored pins do not match the root certificates');
  return r;
}

/** Deterministic dev measurement values: SHA-384 of a label (so dev images have stable, recognisable registers). */
export function devMeasurement(label: string): Uint8Array {
  return Uint8Array.from(createHash('sha384').update(`secretai dev measurement: ${label}`).digest());
}

/** Hex of the dev TCB values, for display. */
export function devTcbSummary(): {fmspc: string; pceSvn: number; compSvn: string; teeTcbSvn: string; qeIsvSvn: number} {
  return {fmspc: DEV_FMSPC, pceSvn: DEV_PCE_SVN, compSvn: hexUpper(DEV_PCK_COMP_SVN), teeTcbSvn: hexUpper(DEV_TEE_TCB_SVN), qeIsvSvn: DEV_QE_ISVSVN};
}
