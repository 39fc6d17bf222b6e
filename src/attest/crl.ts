/**
 * Certificate revocation lists (RFC 5280 §5): parsing, signature verification and freshness checks.
 * Used for Intel's PCK and Root CA CRLs, AMD's VCEK CRLs (RSASSA-PSS) and any other X.509 CRL.
 * Pure: `now` (Unix seconds) comes in as an argument. An unparseable CRL is an error, never "no revocations".
 */
import {constants, verify as cryptoVerify} from 'node:crypto';
import * as der from './der.js';
import {CheckList, EvidenceFormatError} from './types.js';
import {bytesEqual, isoTime, nameToString, OID, serialOf, type ParsedCert} from './x509.js';

/** A parsed CertificateList. */
export interface ParsedCrl {
  /** The whole CRL DER (a copy). */
  der: Uint8Array;
  /** The tbsCertList TLV (the signed bytes). */
  tbs: Uint8Array;
  /** Outer signatureAlgorithm OID. */
  signatureAlgorithm: string;
  /** DER of the outer signatureAlgorithm parameters, when present (RSASSA-PSS parameters). */
  signatureParams?: Uint8Array;
  /** signatureValue BIT STRING contents (DER `ECDSA-Sig-Value` for ECDSA, raw for RSA). */
  signature: Uint8Array;
  /** Readable issuer Name. */
  issuer: string;
  /** Raw issuer Name TLV. */
  issuerDer: Uint8Array;
  /** Unix seconds. */
  thisUpdate: number;
  /** Unix seconds; absent only in malformed CRLs (treated as stale by `checkCrl`). */
  nextUpdate?: number;
  /** Revoked serial numbers (unsigned magnitude, as `ParsedCert.serial`). */
  revokedSerials: bigint[];
}

const HASH_OIDS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/**
 * Parses a DER CRL (RFC 5280 §5.1).
 * @throws EvidenceFormatError when the bytes are not a well-formed CertificateList.
 */
export function parseCrl(input: Uint8Array): ParsedCrl {
  const bytes = Uint8Array.from(input);
  try {
    const top = der.children(der.expectTag(der.parse(bytes), der.Tag.SEQUENCE, 'CertificateList'));
    if (top.length !== 3) throw new der.DerError('CertificateList must have 3 fields');
    const [tbsNode, algNode, sigNode] = top;
    const alg = der.children(der.expectTag(algNode, der.Tag.SEQUENCE, 'signatureAlgorithm'));
    const signatureAlgorithm = der.oid(alg[0]);
    const signature = der.bitString(sigNode);
    const f = der.children(der.expectTag(tbsNode, der.Tag.SEQUENCE, 'tbsCertList'));
    let i = 0;
    if (f[i]?.tag === der.Tag.INTEGER) {
      if (der.int(f[i]) !== 1) throw new der.DerError('unsupported CRL version');
      i++;
    }
    const innerAlg = f[i++];
    const issuerNode = f[i++];
    const thisNode = f[i++];
    if (!innerAlg || !issuerNode || !thisNode) throw new der.DerError('tbsCertList is missing fields');
    if (der.oid(der.children(der.expectTag(innerAlg, der.Tag.SEQUENCE, 'signature'))[0]) !== signatureAlgorithm) {
      throw new der.DerError('inner and outer signature algorithms differ');
    }
    const issuer = nameToString(issuerNode);
    const thisUpdate = der.time(thisNode);
    let nextUpdate: number | undefined;
    if (f[i] && (f[i].tag === der.Tag.UTC_TIME || f[i].tag === der.Tag.GENERALIZED_TIME)) nextUpdate = der.time(f[i++]);
    const revokedSerials: bigint[] = [];
    if (f[i] && f[i].tag === der.Tag.SEQUENCE) {
      for (const entry of der.children(f[i++])) {
        const e = der.children(der.expectTag(entry, der.Tag.SEQUENCE, 'revokedCertificate'));
        if (e.length < 2) throw new der.DerError('revoked entry needs a serial and a date');
        revokedSerials.push(serialOf(e[0]));
        der.time(e[1]);
      }
    }
    if (f[i] && f[i].tag === 0xa0) i++; // crlExtensions
    if (i !== f.length) throw new der.DerError('unexpected fields at the end of tbsCertList');
    return {
      der: bytes,
      tbs: der.raw(tbsNode),
      signatureAlgorithm,
      signatureParams: alg[1] && alg[1].tag !== der.Tag.NULL ? der.raw(alg[1]) : undefined,
      signature,
      issuer,
      issuerDer: der.raw(issuerNode),
      thisUpdate,
      nextUpdate,
      revokedSerials,
    };
  } catch (e) {
    if (e instanceof EvidenceFormatError) throw e;
    throw new EvidenceFormatError(`CRL: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Reads RSASSA-PSS-params (RFC 4055 §3.1): hash name and salt length; MGF1 must use the same hash. */
function pssParams(params: Uint8Array | undefined): {hash: string; saltLength: number} {
  if (!params) throw new der.DerError('RSASSA-PSS without parameters');
  let hash = 'sha1';
  let mgfHash = 'sha1';
  let saltLength = 20;
  for (const p of der.children(der.expectTag(der.parse(params), der.Tag.SEQUENCE, 'RSASSA-PSS-params'))) {
    const inner = der.children(p)[0];
    if (p.tag === 0xa0) hash = HASH_OIDS[der.oid(der.children(inner)[0])] ?? 'unknown';
    else if (p.tag === 0xa1) {
      const [mgfOid, mgfAlg] = der.children(inner);
      if (der.oid(mgfOid) !== '1.2.840.113549.1.1.8') throw new der.DerError('PSS mask generation is not MGF1');
      mgfHash = HASH_OIDS[der.oid(der.children(mgfAlg)[0])] ?? 'unknown';
    } else if (p.tag === 0xa2) saltLength = der.int(inner);
    else if (p.tag === 0xa3) {
      if (der.int(inner) !== 1) throw new der.DerError('PSS trailer field must be 1');
    }
  }
  if (hash !== mgfHash) throw new der.DerError('PSS hash and MGF1 hash differ');
  return {hash, saltLength};
}

/**
 * Verifies the CRL signature over `tbsCertList` with the issuer's public key. Supported: ECDSA with
 * SHA-256/384, RSASSA-PSS with SHA-256/384 (AMD: SHA-384, MGF1-SHA-384, salt 48), RSA PKCS#1 v1.5 with
 * SHA-256/384. Never throws: unsupported algorithms and malformed parameters return false.
 */
export function verifyCrlSignature(crl: ParsedCrl, issuer: ParsedCert): boolean {
  try {
    switch (crl.signatureAlgorithm) {
      case OID.ecdsaWithSha256:
        return cryptoVerify('sha256', crl.tbs, issuer.publicKey, crl.signature);
      case OID.ecdsaWithSha384:
        return cryptoVerify('sha384', crl.tbs, issuer.publicKey, crl.signature);
      case OID.sha256WithRsa:
        return cryptoVerify('sha256', crl.tbs, {key: issuer.publicKey, padding: constants.RSA_PKCS1_PADDING}, crl.signature);
      case OID.sha384WithRsa:
        return cryptoVerify('sha384', crl.tbs, {key: issuer.publicKey, padding: constants.RSA_PKCS1_PADDING}, crl.signature);
      case OID.rsassaPss: {
        const {hash, saltLength} = pssParams(crl.signatureParams);
        if (hash !== 'sha256' && hash !== 'sha384') return false;
        return cryptoVerify(hash, crl.tbs, {key: issuer.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength}, crl.signature);
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** True when the serial is listed as revoked. */
export function isRevoked(crl: ParsedCrl, serial: bigint): boolean {
  return crl.revokedSerials.includes(serial);
}

/**
 * Checks a CRL against its expected issuer at `now` (Unix seconds), recording three checks:
 * `<name>.issuer` (issuer Name equals the CA's subject, byte for byte), `<name>.signature`,
 * `<name>.validity` (thisUpdate ≤ now ≤ nextUpdate; a CRL without nextUpdate fails).
 * Returns true only when all three pass. `opts.verifySignature` may supply a memoized equivalent of
 * {@link verifyCrlSignature} (same answer, cached by the caller).
 */
export function checkCrl(
  list: CheckList,
  name: string,
  crl: ParsedCrl,
  issuer: ParsedCert,
  now: number,
  opts: {verifySignature?: (crl: ParsedCrl, issuer: ParsedCert) => boolean} = {},
): boolean {
  const a = list.check(
    `${name}.issuer`,
    bytesEqual(crl.issuerDer, issuer.subjectDer),
    `issued by ${crl.issuer}`,
    `CRL issuer "${crl.issuer}" is not "${issuer.subject}"`,
  );
  const b = list.check(`${name}.signature`, (opts.verifySignature ?? verifyCrlSignature)(crl, issuer), 'signature valid', `CRL signature does not verify with ${issuer.subject}`);
  const next = crl.nextUpdate;
  let fresh: boolean;
  let why: string;
  if (next === undefined) {
    fresh = false;
    why = 'CRL has no nextUpdate';
  } else if (now < crl.thisUpdate) {
    fresh = false;
    why = `CRL not yet valid (thisUpdate ${isoTime(crl.thisUpdate)} > now ${isoTime(now)})`;
  } else if (now > next) {
    fresh = false;
    why = `CRL stale (nextUpdate ${isoTime(next)} < now ${isoTime(now)})`;
  } else {
    fresh = true;
    why = '';
  }
  const c = list.check(`${name}.validity`, fresh, `${isoTime(crl.thisUpdate)} .. ${isoTime(next ?? NaN)}`, why);
  return a && b && c;
}
