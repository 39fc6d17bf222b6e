/**
 * Generic X.509 helpers for the attestation verifiers (Intel PCK chains, AMD VCEK/ASK/ARK, NVIDIA device chains).
 *
 * Certificates are walked with the bounds-checked DER reader (RFC 5280 §4.1) for the fields Node's
 * `X509Certificate` does not expose in a usable form (raw issuer/subject Names, extensions, dates as
 * numbers); signatures are checked with Node's `X509Certificate.verify`. Pure: no network, no clock.
 */
import {bytesEqual, sha256Hex} from '../../contracts/common/encoding.js';
import {X509Certificate, type KeyObject} from 'node:crypto';
import * as der from './der.js';
import {EvidenceFormatError} from './types.js';

/** One certificate extension (RFC 5280 §4.1.2.9). */
export interface Extension {
  /** Dotted OID, e.g. `1.2.840.113741.1.13.1` (Intel SGX). */
  oid: string;
  critical: boolean;
  /** Contents of the extnValue OCTET STRING (the DER of the extension's own value). */
  value: Uint8Array;
}

/** A parsed certificate: raw pieces for exact matching plus Node's object for signature checks. */
export interface ParsedCert {
  /** The whole certificate DER (a copy owned by this object). */
  der: Uint8Array;
  x509: X509Certificate;
  /** Readable distinguished name, most significant RDN first: `CN=Intel SGX Root CA, O=Intel Corporation, …`. */
  subject: string;
  issuer: string;
  /** Raw Name TLVs, for exact issuer matching (RFC 5280 §7.1 binary comparison). */
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  /** Serial number as an unsigned magnitude of its content octets. */
  serial: bigint;
  /** Validity, Unix seconds (inclusive both ends). */
  notBefore: number;
  notAfter: number;
  /** basicConstraints cA (false when the extension is absent). */
  isCA: boolean;
  /** basicConstraints pathLenConstraint, when present. */
  pathLen?: number;
  /** keyUsage bits as a number (bit 0 = digitalSignature … bit 5 = keyCertSign, bit 6 = cRLSign), when present. */
  keyUsage?: number;
  /** SubjectPublicKeyInfo TLV. */
  spkiDer: Uint8Array;
  publicKey: KeyObject;
  /** The tbsCertificate TLV (the signed bytes). */
  tbs: Uint8Array;
  /** Outer signatureAlgorithm OID. */
  signatureAlgorithm: string;
  extensions: Extension[];
}

/** Well-known OIDs used by the verifiers. */
export const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
} as const;

/** keyUsage bit numbers (RFC 5280 §4.2.1.3). */
export const KeyUsage = {digitalSignature: 0, keyCertSign: 5, cRLSign: 6} as const;

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
};

/** Byte-wise equality and lower-case hex SHA-256 (the shared codec's). */
export {bytesEqual, sha256Hex};

/**
 * Serial number (certificate or CRL entry) as the unsigned magnitude of the INTEGER's content octets.
 * Using the same rule for certificates and CRL entries keeps matching exact even for the odd negative serial.
 */
export function serialOf(n: der.DerNode): bigint {
  der.expectTag(n, der.Tag.INTEGER, 'serialNumber');
  const v = der.value(n);
  if (v.length === 0) throw new der.DerError('empty serialNumber');
  let x = 0n;
  for (const b of v) x = (x << 8n) | BigInt(b);
  return x;
}

/** Readable text of an X.501 Name TLV, RDNs in encoded order joined by `, ` (multi-valued RDNs by `+`). */
export function nameToString(name: der.DerNode): string {
  der.expectTag(name, der.Tag.SEQUENCE, 'Name');
  const rdns: string[] = [];
  for (const rdn of der.children(name)) {
    der.expectTag(rdn, der.Tag.SET, 'RDN');
    const parts: string[] = [];
    for (const atv of der.children(rdn)) {
      const [type, val] = der.children(der.expectTag(atv, der.Tag.SEQUENCE, 'AttributeTypeAndValue'));
      if (!type || !val) throw new der.DerError('AttributeTypeAndValue needs a type and a value');
      const o = der.oid(type);
      let s: string;
      if (val.tag === 0x1e) {
        // BMPString: UTF-16BE
        const v = der.value(val);
        s = '';
        for (let i = 0; i + 1 < v.length; i += 2) s += String.fromCharCode((v[i] << 8) | v[i + 1]);
      } else if (val.tag === der.Tag.UTF8_STRING || val.tag === der.Tag.PRINTABLE_STRING || val.tag === der.Tag.IA5_STRING || val.tag === 0x14 || val.tag === 0x1c) {
        s = der.text(val);
      } else {
        s = '#' + Buffer.from(der.raw(val)).toString('hex');
      }
      parts.push(`${ATTRIBUTE_NAMES[o] ?? o}=${s}`);
    }
    rdns.push(parts.join('+'));
  }
  return rdns.join(', ');
}

/** Reads a keyUsage BIT STRING (which, unlike most, usually has unused bits) into a bit mask. */
function keyUsageBits(ext: Uint8Array): number {
  const n = der.expectTag(der.parse(ext), der.Tag.BIT_STRING, 'keyUsage');
  const v = der.value(n);
  if (v.length === 0 || v[0] > 7) throw new der.DerError('bad keyUsage BIT STRING');
  let bits = 0;
  for (let i = 1; i < v.length && i <= 2; i++) {
    for (let b = 0; b < 8; b++) if (v[i] & (0x80 >> b)) bits |= 1 << ((i - 1) * 8 + b);
  }
  return bits;
}

/** Parses the Extensions SEQUENCE inside `[3]`. */
function parseExtensions(wrapper: der.DerNode): Extension[] {
  const seq = der.children(wrapper);
  if (seq.length !== 1) throw new der.DerError('[3] extensions must hold one SEQUENCE');
  const out: Extension[] = [];
  for (const e of der.children(der.expectTag(seq[0], der.Tag.SEQUENCE, 'Extensions'))) {
    const parts = der.children(der.expectTag(e, der.Tag.SEQUENCE, 'Extension'));
    if (parts.length < 2 || parts.length > 3) throw new der.DerError('Extension must have 2 or 3 fields');
    const o = der.oid(parts[0]);
    let critical = false;
    let valNode = parts[1];
    if (parts.length === 3) {
      der.expectTag(parts[1], der.Tag.BOOLEAN, 'critical');
      const b = der.value(parts[1]);
      if (b.length !== 1) throw new der.DerError('bad BOOLEAN');
      critical = b[0] !== 0;
      valNode = parts[2];
    }
    der.expectTag(valNode, der.Tag.OCTET_STRING, 'extnValue');
    if (out.some((x) => x.oid === o)) throw new der.DerError(`duplicate extension ${o}`);
    out.push({oid: o, critical, value: der.value(valNode)});
  }
  return out;
}

function fail(what: string, e: unknown): never {
  const msg = e instanceof Error ? e.message : String(e);
  throw new EvidenceFormatError(`${what}: ${msg}`);
}

/**
 * Parses one DER certificate (RFC 5280 §4.1).
 * @throws EvidenceFormatError when the bytes are not a well-formed X.509 v1–v3 certificate.
 */
export function parseCertDer(input: Uint8Array): ParsedCert {
  // Parsed certificates are immutable (frozen) and memoized by their exact bytes: the same chains (NVIDIA's
  // device CAs, Intel's PCK CAs, a worker's whole chain on every request) are parsed once.
  const key = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  const hit = certMemo.get(key);
  if (hit) return hit;
  const parsed = Object.freeze(parseCertUncached(input));
  if (certMemo.size >= CERT_MEMO_MAX) certMemo.delete(certMemo.keys().next().value as string);
  certMemo.set(key, parsed);
  return parsed;
}

/** Most certificates kept parsed by {@link parseCertDer} (the oldest is forgotten first). */
const CERT_MEMO_MAX = 512;
const certMemo = new Map<string, ParsedCert>();

function parseCertUncached(input: Uint8Array): ParsedCert {
  const bytes = Uint8Array.from(input);
  try {
    const cert = der.parse(bytes);
    der.expectTag(cert, der.Tag.SEQUENCE, 'Certificate');
    const top = der.children(cert);
    if (top.length !== 3) throw new der.DerError('Certificate must have 3 fields');
    const [tbsNode, algNode, sigNode] = top;
    der.expectTag(tbsNode, der.Tag.SEQUENCE, 'tbsCertificate');
    der.bitString(sigNode);
    const sigAlg = der.oid(der.children(der.expectTag(algNode, der.Tag.SEQUENCE, 'signatureAlgorithm'))[0]);
    const f = der.children(tbsNode);
    let i = 0;
    if (f[i]?.tag === 0xa0) i++; // [0] EXPLICIT version
    const serialNode = f[i++];
    const innerAlg = f[i++];
    const issuerNode = f[i++];
    const validityNode = f[i++];
    const subjectNode = f[i++];
    const spkiNode = f[i++];
    if (!serialNode || !innerAlg || !issuerNode || !validityNode || !subjectNode || !spkiNode) {
      throw new der.DerError('tbsCertificate is missing fields');
    }
    const innerAlgOid = der.oid(der.children(der.expectTag(innerAlg, der.Tag.SEQUENCE, 'signature'))[0]);
    if (innerAlgOid !== sigAlg) throw new der.DerError('inner and outer signature algorithms differ');
    const validity = der.children(der.expectTag(validityNode, der.Tag.SEQUENCE, 'Validity'));
    if (validity.length !== 2) throw new der.DerError('Validity must have 2 times');
    der.expectTag(spkiNode, der.Tag.SEQUENCE, 'SubjectPublicKeyInfo');
    let extensions: Extension[] = [];
    for (; i < f.length; i++) {
      if (f[i].tag === 0xa3) extensions = parseExtensions(f[i]);
      else if (f[i].tag !== 0x81 && f[i].tag !== 0x82 && f[i].tag !== 0xa1 && f[i].tag !== 0xa2) {
        throw new der.DerError(`unexpected tbsCertificate field tag 0x${f[i].tag.toString(16)}`);
      }
    }
    let isCA = false;
    let pathLen: number | undefined;
    const bc = extensions.find((e) => e.oid === OID.basicConstraints);
    if (bc) {
      const parts = der.children(der.expectTag(der.parse(bc.value), der.Tag.SEQUENCE, 'basicConstraints'));
      for (const p of parts) {
        if (p.tag === der.Tag.BOOLEAN) isCA = der.value(p)[0] !== 0;
        else if (p.tag === der.Tag.INTEGER) pathLen = der.int(p);
      }
    }
    const ku = extensions.find((e) => e.oid === OID.keyUsage);
    const x509 = new X509Certificate(bytes);
    return {
      der: bytes,
      x509,
      subject: nameToString(subjectNode),
      issuer: nameToString(issuerNode),
      subjectDer: der.raw(subjectNode),
      issuerDer: der.raw(issuerNode),
      serial: serialOf(serialNode),
      notBefore: der.time(validity[0]),
      notAfter: der.time(validity[1]),
      isCA,
      pathLen,
      keyUsage: ku ? keyUsageBits(ku.value) : undefined,
      spkiDer: der.raw(spkiNode),
      publicKey: x509.publicKey,
      tbs: der.raw(tbsNode),
      signatureAlgorithm: sigAlg,
      extensions,
    };
  } catch (e) {
    if (e instanceof EvidenceFormatError) throw e;
    fail('certificate', e);
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----/g;

/**
 * Parses a PEM bundle of certificates in order. Whitespace and NUL bytes between and after the blocks are
 * tolerated (quotes end the chain with a NUL); any other text outside the blocks is an error.
 * @throws EvidenceFormatError when there is no certificate, a block is not valid base64 DER, or there is stray text.
 */
export function parsePemChain(pem: string): ParsedCert[] {
  const hit = pemMemo.get(pem);
  if (hit) return [...hit];
  const out = parsePemChainUncached(pem);
  if (pemMemo.size >= PEM_MEMO_MAX) pemMemo.delete(pemMemo.keys().next().value as string);
  pemMemo.set(pem, out);
  return [...out];
}

/** Most PEM chain texts kept parsed by {@link parsePemChain}. */
const PEM_MEMO_MAX = 128;
const pemMemo = new Map<string, ParsedCert[]>();

function parsePemChainUncached(pem: string): ParsedCert[] {
  const out: ParsedCert[] = [];
  let last = 0;
  const stray = (s: string) => /[^\s\0]/.test(s);
  PEM_CERT.lastIndex = 0;
  for (let m = PEM_CERT.exec(pem); m; m = PEM_CERT.exec(pem)) {
    if (stray(pem.slice(last, m.index))) throw new EvidenceFormatError('PEM: unexpected text between certificates');
    const b64 = m[1].replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new EvidenceFormatError('PEM: bad base64');
    const derBytes = Buffer.from(b64, 'base64');
    // Canonical encoding only: two texts must never decode to the same certificate (RFC 4648 §3.5).
    if (derBytes.toString('base64') !== b64) throw new EvidenceFormatError('PEM: non-canonical base64');
    out.push(parseCertDer(derBytes));
    last = m.index + m[0].length;
  }
  if (stray(pem.slice(last))) throw new EvidenceFormatError('PEM: unexpected text after the last certificate');
  if (out.length === 0) throw new EvidenceFormatError('PEM: no certificate found');
  return out;
}

/**
 * True when `issuer`'s subject Name equals `cert`'s issuer Name byte for byte and `cert`'s signature
 * verifies with `issuer`'s public key. Validity dates and CA flags are the caller's to check (they need `now`).
 */
export function verifyIssuedBy(cert: ParsedCert, issuer: ParsedCert): boolean {
  if (!bytesEqual(cert.issuerDer, issuer.subjectDer)) return false;
  try {
    return cert.x509.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** The extension with this OID, if present. */
export function findExtension(cert: ParsedCert, oid: string): Extension | undefined {
  return cert.extensions.find((e) => e.oid === oid);
}

/** True when `notBefore ≤ now ≤ notAfter` (Unix seconds). */
export function validAt(cert: ParsedCert, now: number): boolean {
  return cert.notBefore <= now && now <= cert.notAfter;
}

/** ISO-8601 text of Unix seconds, for check details. */
export function isoTime(t: number): string {
  return Number.isFinite(t) ? new Date(t * 1000).toISOString().replace('.000Z', 'Z') : String(t);
}
