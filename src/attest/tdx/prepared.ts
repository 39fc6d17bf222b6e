/**
 * What a `TdxVerifier` memoizes, pure: parsed PCK chains, parsed collateral with its signature checks,
 * and imported attestation keys, in bounded caches keyed by SHA-256 of the exact input bytes; memoized
 * certificate and CRL signature checks on the parsed (cached, immutable) objects; raw P-256 verification.
 */
import {concatBytes, utf8} from '../../../contracts/common/encoding.js';
import {createPublicKey, verify as cryptoVerify, type KeyObject} from 'node:crypto';
import {parseCrl, verifyCrlSignature, type ParsedCrl} from '../crl.js';
import {hex} from '../types.js';
import {parsePemChain, sha256Hex, verifyIssuedBy, type ParsedCert} from '../x509.js';
import {parseQeIdentity, parseTdxTcbInfo, type QeIdentity, type TdxCollateral, type TdxTcbInfo} from './collateral.js';
import {pckExtensionOf, type PckExtension} from './pck.js';

const CACHE_ENTRIES = 256;

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

/** `check` memoized per pair of (cached, immutable) objects, both held weakly. */
function memoizedPair<A extends object, B extends object>(check: (a: A, b: B) => boolean): (a: A, b: B) => boolean {
  const memo = new WeakMap<A, WeakMap<B, boolean>>();
  return (a, b) => {
    let m = memo.get(a);
    if (!m) memo.set(a, (m = new WeakMap()));
    let r = m.get(b);
    if (r === undefined) m.set(b, (r = check(a, b)));
    return r;
  };
}

/** Memoized `verifyIssuedBy` / `verifyCrlSignature` on parsed (cached, immutable) objects. */
export const issuedBy: (cert: ParsedCert, issuer: ParsedCert) => boolean = memoizedPair(verifyIssuedBy);
export const crlSignedBy: (crl: ParsedCrl, issuer: ParsedCert) => boolean = memoizedPair(verifyCrlSignature);

const PART_END = new Uint8Array([0]);

/** Cache key of content given in parts: hex SHA-256 of every part (UTF-8 for text), each followed by a NUL byte. */
function contentKey(...parts: Array<Uint8Array | string>): string {
  return sha256Hex(concatBytes(...parts.flatMap((p) => [typeof p === 'string' ? utf8(p) : p, PART_END])));
}

export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Raw `r ‖ s` ECDSA P-256/SHA-256 verification; false on any error. */
export function verifyP256(data: Uint8Array, sig: Uint8Array, key: KeyObject): boolean {
  try {
    return cryptoVerify('sha256', data, {key, dsaEncoding: 'ieee-p1363'}, sig);
  } catch {
    return false;
  }
}

/** DER prefix of a P-256 uncompressed-point SubjectPublicKeyInfo (id-ecPublicKey, prime256v1). */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

export interface PreparedPck {
  error?: string;
  certs: ParsedCert[];
  ext?: PckExtension;
  extError?: string;
}

export interface PreparedCollateral {
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

/**
 * The memoized inputs of one verifier: everything that does not depend on the quote itself or on `now`,
 * prepared once per content (parsed PCK chains, parsed collateral, imported attestation keys).
 */
export class PreparedInputs {
  private readonly pckCache = new BoundedCache<PreparedPck>(CACHE_ENTRIES);
  private readonly collateralCache = new BoundedCache<PreparedCollateral>(CACHE_ENTRIES);
  private readonly keyCache = new BoundedCache<KeyObject | null>(CACHE_ENTRIES);

  preparePck(pem: string): PreparedPck {
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

  prepareCollateral(c: TdxCollateral): PreparedCollateral {
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

  attestationKey(point: Uint8Array): KeyObject | null {
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
}
