/**
 * OCSP for NVIDIA device certificate chains (attestation.md §3.3 step 9), per RFC 6960: builds
 * OCSPRequests (§4.1) and checks BasicOCSPResponses (§4.2) — responder signature, certificate status,
 * validity window and nonce echo — as named checks.
 *
 * Pure: the network is reached only through the {@link OcspFetcher} the caller passes, the nonce bytes
 * come from the caller's `random`, and `now` is an argument (design.md §2).
 *
 * Outcome per GPU (check `nvidia.ocsp`): passes only when every certificate of the chain below the root
 * is `good` in a response that verifies; a `revoked` status or a response that fails a check is a
 * failure; an unreachable responder or an `unknown` status is missing (the verdict becomes unverifiable).
 */
import {createHash, verify as cryptoVerify, constants} from 'node:crypto';
import * as der from '../der.js';
import * as w from '../der-write.js';
import {CheckList, EvidenceFormatError, hex, type Check} from '../types.js';
import {bytesEqual, findExtension, isoTime, OID, parseCertDer, parsePemChain, sha256Hex, validAt, verifyIssuedBy, type ParsedCert} from '../x509.js';

/** NVIDIA's OCSP responder for device certificates. */
export const NVIDIA_OCSP_URL = 'https://ocsp.ndis.nvidia.com/';
/** Media types of RFC 6960 Appendix A.1 (HTTP transport). */
export const OCSP_REQUEST_MEDIA_TYPE = 'application/ocsp-request';
export const OCSP_RESPONSE_MEDIA_TYPE = 'application/ocsp-response';
/** id-pkix-ocsp-basic (RFC 6960 §4.2.1). */
export const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
/** id-pkix-ocsp-nonce (RFC 6960 §4.4.1). */
export const OID_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
/** id-kp-OCSPSigning (RFC 5280 §4.2.1.12). */
export const OID_KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** extKeyUsage (RFC 5280 §4.2.1.12). */
const OID_EXT_KEY_USAGE = '2.5.29.37';
/** Hash algorithms for CertID (RFC 6960 §4.1.1). */
const HASH_OIDS = {sha1: '1.3.14.3.2.26', sha256: '2.16.840.1.101.3.4.2.1', sha384: '2.16.840.1.101.3.4.2.2'} as const;
/** Nonce length sent, bytes (RFC 8954 §2.1: 1..32). */
export const OCSP_NONCE_SIZE = 32;
/** Allowance for the responder's clock running ahead of ours when comparing thisUpdate, seconds. */
export const OCSP_CLOCK_SKEW = 300;
/** Longest path from a delegated responder certificate to a pinned root. */
/** OCSPResponseStatus values (RFC 6960 §4.2.1). */
const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', '(unused)', 'sigRequired', 'unauthorized'];

/** CertID hash algorithm. */
export type OcspHash = keyof typeof HASH_OIDS;

/** An RFC 6960 CertID. */
export interface OcspCertId {
  hash: OcspHash;
  /** Hash of the issuer's DER-encoded Name. */
  issuerNameHash: Uint8Array;
  /** Hash of the issuer's subjectPublicKey BIT STRING value (without the unused-bits octet). */
  issuerKeyHash: Uint8Array;
  serial: bigint;
}

function digest(alg: OcspHash, b: Uint8Array): Uint8Array {
  return Uint8Array.from(createHash(alg).update(b).digest());
}

/** subjectPublicKey bits of a certificate's SPKI (the bytes RFC 6960 hashes for issuerKeyHash). */
export function subjectPublicKeyBits(cert: ParsedCert): Uint8Array {
  const spki = der.children(der.parse(cert.spkiDer));
  if (spki.length !== 2) throw new EvidenceFormatError('SubjectPublicKeyInfo must have 2 fields');
  return der.bitString(spki[1]);
}

/** The CertID of `cert` issued by `issuer` (RFC 6960 §4.1.1). */
export function ocspCertId(cert: ParsedCert, issuer: ParsedCert, hash: OcspHash = 'sha384'): OcspCertId {
  return {hash, issuerNameHash: digest(hash, issuer.subjectDer), issuerKeyHash: digest(hash, subjectPublicKeyBits(issuer)), serial: cert.serial};
}

function certIdDer(id: OcspCertId): Uint8Array {
  return w.seq(w.seq(w.oid(HASH_OIDS[id.hash]), w.nul()), w.octets(id.issuerNameHash), w.octets(id.issuerKeyHash), w.int(id.serial));
}

/**
 * DER of an unsigned OCSPRequest (RFC 6960 §4.1.1) for the given CertIDs, with an optional nonce
 * extension (the extnValue holds the nonce as an OCTET STRING, RFC 8954 §2.1).
 */
export function buildOcspRequest(ids: OcspCertId[], nonce?: Uint8Array): Uint8Array {
  if (ids.length === 0) throw new RangeError('an OCSP request needs at least one CertID');
  const exts = nonce ? [w.explicit(2, w.seq(w.seq(w.oid(OID_OCSP_NONCE), w.octets(w.octets(nonce)))))] : [];
  return w.seq(w.seq(w.seq(...ids.map((id) => w.seq(certIdDer(id)))), ...exts));
}

/** Status of one certificate in a response. */
export type OcspCertStatus = 'good' | 'revoked' | 'unknown';

/** One SingleResponse (RFC 6960 §4.2.1). Times in Unix seconds. */
export interface OcspSingleResponse {
  certId: OcspCertId | {hashOid: string; issuerNameHash: Uint8Array; issuerKeyHash: Uint8Array; serial: bigint};
  status: OcspCertStatus;
  revocationTime?: number;
  revocationReason?: number;
  thisUpdate: number;
  nextUpdate?: number;
}

/** A parsed OCSPResponse. `basic` is present only when `status` is `successful`. */
export interface ParsedOcspResponse {
  status: string;
  basic?: {
    /** The signed ResponseData TLV. */
    tbs: Uint8Array;
    responderByKey?: Uint8Array;
    responderByName?: Uint8Array;
    producedAt: number;
    responses: OcspSingleResponse[];
    nonce?: Uint8Array;
    signatureAlgorithm: string;
    signature: Uint8Array;
    certs: ParsedCert[];
  };
}

function parseCertIdNode(n: der.DerNode): OcspSingleResponse['certId'] {
  const f = der.children(der.expectTag(n, der.Tag.SEQUENCE, 'CertID'));
  if (f.length !== 4) throw new der.DerError('CertID must have 4 fields');
  const hashOid = der.oid(der.children(der.expectTag(f[0], der.Tag.SEQUENCE, 'hashAlgorithm'))[0]);
  const issuerNameHash = der.value(der.expectTag(f[1], der.Tag.OCTET_STRING, 'issuerNameHash'));
  const issuerKeyHash = der.value(der.expectTag(f[2], der.Tag.OCTET_STRING, 'issuerKeyHash'));
  const serial = der.bigint(f[3]);
  const hash = (Object.keys(HASH_OIDS) as OcspHash[]).find((k) => HASH_OIDS[k] === hashOid);
  return hash ? {hash, issuerNameHash, issuerKeyHash, serial} : {hashOid, issuerNameHash, issuerKeyHash, serial};
}

function parseSingle(n: der.DerNode): OcspSingleResponse {
  const f = der.children(der.expectTag(n, der.Tag.SEQUENCE, 'SingleResponse'));
  if (f.length < 3) throw new der.DerError('SingleResponse is missing fields');
  const certId = parseCertIdNode(f[0]);
  const st = f[1];
  let status: OcspCertStatus;
  let revocationTime: number | undefined;
  let revocationReason: number | undefined;
  if (st.tag === 0x80) status = 'good';
  else if (st.tag === 0x82) status = 'unknown';
  else if (st.tag === 0xa1) {
    status = 'revoked';
    const r = der.children(st);
    if (r.length < 1) throw new der.DerError('RevokedInfo without revocationTime');
    revocationTime = der.time(r[0]);
    if (r[1]?.tag === 0xa0) revocationReason = der.int(der.children(r[1])[0]);
  } else throw new der.DerError(`unknown CertStatus tag 0x${st.tag.toString(16)}`);
  const thisUpdate = der.time(der.expectTag(f[2], der.Tag.GENERALIZED_TIME, 'thisUpdate'));
  let nextUpdate: number | undefined;
  for (const x of f.slice(3)) if (x.tag === 0xa0) nextUpdate = der.time(der.children(x)[0]);
  return {certId, status, thisUpdate, ...(nextUpdate !== undefined ? {nextUpdate} : {}), ...(revocationTime !== undefined ? {revocationTime} : {}), ...(revocationReason !== undefined ? {revocationReason} : {})};
}

function nonceFromExtensions(n: der.DerNode): Uint8Array | undefined {
  for (const e of der.children(der.expectTag(n, der.Tag.SEQUENCE, 'Extensions'))) {
    const parts = der.children(e);
    if (der.oid(parts[0]) !== OID_OCSP_NONCE) continue;
    const v = der.value(der.expectTag(parts[parts.length - 1], der.Tag.OCTET_STRING, 'extnValue'));
    // RFC 8954: the value is an OCTET STRING; some responders put the raw bytes. Accept both, exactly.
    try {
      const inner = der.parse(v);
      if (inner.tag === der.Tag.OCTET_STRING) return der.value(inner);
    } catch {
      /* raw nonce bytes */
    }
    return v;
  }
  return undefined;
}

/**
 * Parses an OCSPResponse (RFC 6960 §4.2.1). Only id-pkix-ocsp-basic response bytes are understood.
 * @throws EvidenceFormatError when the bytes are not a well-formed response.
 */
export function parseOcspResponse(input: Uint8Array): ParsedOcspResponse {
  try {
    const top = der.children(der.expectTag(der.parse(Uint8Array.from(input)), der.Tag.SEQUENCE, 'OCSPResponse'));
    const code = der.int(der.expectTag(top[0], der.Tag.ENUMERATED, 'responseStatus'));
    const status = RESPONSE_STATUS[code] ?? `status ${code}`;
    if (code !== 0) return {status};
    if (top[1]?.tag !== 0xa0) throw new der.DerError('successful response without responseBytes');
    const rb = der.children(der.children(top[1])[0]);
    const type = der.oid(rb[0]);
    if (type !== OID_OCSP_BASIC) throw new der.DerError(`response type ${type} is not id-pkix-ocsp-basic`);
    const basicBytes = der.value(der.expectTag(rb[1], der.Tag.OCTET_STRING, 'response'));
    const b = der.children(der.expectTag(der.parse(basicBytes), der.Tag.SEQUENCE, 'BasicOCSPResponse'));
    if (b.length < 3) throw new der.DerError('BasicOCSPResponse is missing fields');
    const tbsNode = der.expectTag(b[0], der.Tag.SEQUENCE, 'ResponseData');
    const signatureAlgorithm = der.oid(der.children(der.expectTag(b[1], der.Tag.SEQUENCE, 'signatureAlgorithm'))[0]);
    const signature = der.bitString(b[2]);
    const certs = b[3]?.tag === 0xa0 ? der.children(der.children(b[3])[0]).map((c) => parseCertDer(der.raw(c))) : [];
    const rd = der.children(tbsNode);
    let i = 0;
    if (rd[i]?.tag === 0xa0) {
      if (der.int(der.children(rd[i])[0]) !== 0) throw new der.DerError('unsupported ResponseData version');
      i++;
    }
    const rid = rd[i++];
    let responderByKey: Uint8Array | undefined;
    let responderByName: Uint8Array | undefined;
    if (rid?.tag === 0xa1) responderByName = der.raw(der.children(rid)[0]);
    else if (rid?.tag === 0xa2) responderByKey = der.value(der.expectTag(der.children(rid)[0], der.Tag.OCTET_STRING, 'KeyHash'));
    else throw new der.DerError('bad ResponderID');
    const producedAt = der.time(der.expectTag(rd[i++], der.Tag.GENERALIZED_TIME, 'producedAt'));
    const responses = der.children(der.expectTag(rd[i++], der.Tag.SEQUENCE, 'responses')).map(parseSingle);
    let nonce: Uint8Array | undefined;
    if (rd[i]?.tag === 0xa1) nonce = nonceFromExtensions(der.children(rd[i])[0]);
    return {
      status,
      basic: {tbs: der.raw(tbsNode), ...(responderByKey ? {responderByKey} : {}), ...(responderByName ? {responderByName} : {}), producedAt, responses, ...(nonce ? {nonce} : {}), signatureAlgorithm, signature, certs},
    };
  } catch (e) {
    if (e instanceof EvidenceFormatError) throw e;
    throw new EvidenceFormatError(`OCSP response: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Verifies a signature made by `key` over `data` under an X.509 signature algorithm OID; false when unsupported. */
function verifySignature(alg: string, data: Uint8Array, cert: ParsedCert, sig: Uint8Array): boolean {
  try {
    switch (alg) {
      case OID.ecdsaWithSha256:
        return cryptoVerify('sha256', data, cert.publicKey, sig);
      case OID.ecdsaWithSha384:
        return cryptoVerify('sha384', data, cert.publicKey, sig);
      case OID.sha256WithRsa:
        return cryptoVerify('sha256', data, {key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING}, sig);
      case OID.sha384WithRsa:
        return cryptoVerify('sha384', data, {key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING}, sig);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

function hasOcspSigningEku(c: ParsedCert): boolean {
  const ext = findExtension(c, OID_EXT_KEY_USAGE);
  if (!ext) return false;
  try {
    return der.children(der.parse(ext.value)).some((n) => der.oid(n) === OID_KP_OCSP_SIGNING);
  } catch {
    return false;
  }
}

function responderMatches(basic: NonNullable<ParsedOcspResponse['basic']>, c: ParsedCert): boolean {
  if (basic.responderByName) return bytesEqual(basic.responderByName, c.subjectDer);
  if (basic.responderByKey) return bytesEqual(basic.responderByKey, digest('sha1', subjectPublicKeyBits(c)));
  return false;
}

/** Input of {@link checkOcspResponse}. */
export interface OcspCheckInput {
  /** The OCSPResponse DER as received. */
  response: Uint8Array;
  cert: ParsedCert;
  issuer: ParsedCert;
  certId: OcspCertId;
  /** The nonce sent in the request, if any: the response must echo it. */
  nonce?: Uint8Array;
  /** Unix seconds. */
  now: number;
}

/** Result of {@link checkOcspResponse}: the status when the response was acceptable, and why not otherwise. */
export interface OcspCheckResult {
  /** `good`/`revoked`/`unknown` from a verified, fresh response; undefined when the response is unusable. */
  status?: OcspCertStatus;
  /** Why the response is unusable (signature, freshness, nonce, malformed): a failure. */
  problem?: string;
  /** The responder answered but gave no usable status (tryLater, internalError, …): missing, not failed. */
  unavailable?: string;
  /** The accepted response's nextUpdate (Unix seconds), when it has one: how long it may be relied on. */
  nextUpdate?: number;
  detail: string;
}

function sameCertId(a: OcspSingleResponse['certId'], b: OcspCertId): boolean {
  return 'hash' in a && a.hash === b.hash && a.serial === b.serial && bytesEqual(a.issuerNameHash, b.issuerNameHash) && bytesEqual(a.issuerKeyHash, b.issuerKeyHash);
}

/**
 * Checks one OCSP response for one certificate (RFC 6960 §3.2): the response is `successful`, signed by
 * the issuer or by a delegated responder (OCSP-signing EKU, certified directly by that issuer), contains the CertID,
 * `thisUpdate ≤ now ≤ nextUpdate` (thisUpdate with {@link OCSP_CLOCK_SKEW}; without nextUpdate only a
 * matching nonce proves freshness) and echoes the nonce that was sent. Never throws.
 */
export function checkOcspResponse(input: OcspCheckInput): OcspCheckResult {
  let parsed: ParsedOcspResponse;
  try {
    parsed = parseOcspResponse(input.response);
  } catch (e) {
    return {problem: e instanceof Error ? e.message : String(e), detail: 'malformed response'};
  }
  if (!parsed.basic) return {unavailable: `responder answered ${parsed.status}`, detail: parsed.status};
  const b = parsed.basic;
  // Signature: the issuer itself, or a delegated responder certificate carried in the response.
  let signer: string | undefined;
  if (responderMatches(b, input.issuer) && verifySignature(b.signatureAlgorithm, b.tbs, input.issuer, b.signature)) signer = 'the issuing CA';
  else {
    const delegated = b.certs.find((c) => responderMatches(b, c));
    if (!delegated) return {problem: 'response is not signed by the issuer and carries no matching responder certificate', detail: 'signature'};
    if (!verifySignature(b.signatureAlgorithm, b.tbs, delegated, b.signature)) return {problem: `response signature does not verify with the responder certificate ${delegated.subject}`, detail: 'signature'};
    if (!hasOcspSigningEku(delegated)) return {problem: `responder certificate ${delegated.subject} lacks the OCSP-signing extended key usage`, detail: 'signature'};
    // RFC 6960 §4.2.2.2: a delegated responder must be certified directly by the CA that issued the certificate
    // in question. A longer path is not accepted: per-device CAs (a GPU's BROM certificate) sit in these chains,
    // and one extracted device key must not be able to vouch for any certificate.
    if (!verifyIssuedBy(delegated, input.issuer)) {
      return {problem: `responder certificate ${delegated.subject} is not issued by ${input.issuer.subject}, the issuer of the certificate asked about`, detail: 'signature'};
    }
    if (!validAt(delegated, input.now)) return {problem: `responder certificate ${delegated.subject} is not valid at ${isoTime(input.now)}`, detail: 'signature'};
    signer = `delegated responder ${delegated.subject}`;
  }
  const single = b.responses.find((r) => sameCertId(r.certId, input.certId));
  if (!single) return {problem: 'response does not cover the certificate asked about', detail: 'certid'};
  if (input.nonce) {
    if (!b.nonce) return {problem: 'response does not echo the request nonce', detail: 'nonce'};
    if (!bytesEqual(b.nonce, input.nonce)) return {problem: `response nonce ${hex(b.nonce).slice(0, 16)}… ≠ request nonce ${hex(input.nonce).slice(0, 16)}…`, detail: 'nonce'};
  }
  const now = input.now;
  if (single.thisUpdate > now + OCSP_CLOCK_SKEW) return {problem: `thisUpdate ${isoTime(single.thisUpdate)} is after ${isoTime(now)}`, detail: 'freshness'};
  if (single.nextUpdate !== undefined && now > single.nextUpdate) return {problem: `response is stale: nextUpdate ${isoTime(single.nextUpdate)} is before ${isoTime(now)}`, detail: 'freshness'};
  if (single.nextUpdate === undefined && !input.nonce) return {problem: 'response has no nextUpdate and no nonce proves it fresh', detail: 'freshness'};
  const when = `thisUpdate ${isoTime(single.thisUpdate)}${single.nextUpdate !== undefined ? `, nextUpdate ${isoTime(single.nextUpdate)}` : ''}`;
  if (single.status === 'revoked') {
    return {status: 'revoked', detail: `revoked at ${isoTime(single.revocationTime ?? NaN)}${single.revocationReason !== undefined ? ` (reason ${single.revocationReason})` : ''}; signed by ${signer}, ${when}`};
  }
  return {status: single.status, ...(single.nextUpdate !== undefined ? {nextUpdate: single.nextUpdate} : {}), detail: `${single.status}; signed by ${signer}, ${when}`};
}

/** Sends an OCSPRequest (DER) and resolves with the OCSPResponse bytes; rejects when no response was had. */
export type OcspFetcher = (request: Uint8Array) => Promise<Uint8Array>;

/** Input of {@link checkGpuChainsOcsp}. */
export interface GpuOcspInput {
  /** PEM device chains, leaf first, one per GPU (in evidence order). */
  chains: string[];
  fetch: OcspFetcher;
  /** Unix seconds. */
  now: number;
  /** Random bytes for request nonces; no nonce is sent without it. */
  random?: (n: number) => Uint8Array;
  /** CertID hash (default SHA-384, as NVIDIA's verifier sends). */
  hash?: OcspHash;
  /**
   * Where `good` answers are kept for their validity (until their `nextUpdate`), keyed by
   * `<issuer DER SHA-256>-<serial hex>.der`. A cached answer is checked exactly like a fresh one (responder
   * signature, status, validity at `now`; it has no nonce of this request, so it counts only while its
   * nextUpdate lasts); anything else is asked again.
   */
  cache?: OcspResponseCache;
}

/** Storage of OCSP responses (DER) for {@link GpuOcspInput.cache}. */
export interface OcspResponseCache {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
}

/**
 * OCSP for every certificate of every GPU device chain except the root (attestation.md §3.3 step 9).
 * Records per certificate `nvidia.ocsp.cert` (pass good / fail revoked or bad response / missing
 * unreachable or unknown) and per GPU `nvidia.ocsp` (pass only when every certificate is good).
 * Certificates shared by several GPUs are asked about once. Never throws.
 */
export async function checkGpuChainsOcsp(input: GpuOcspInput): Promise<Check[]> {
  const list = new CheckList();
  const memo = new Map<string, Promise<{ok: boolean; missing: boolean; detail: string}>>();
  const multi = input.chains.length > 1;
  for (let g = 0; g < input.chains.length; g++) {
    const pre = multi ? `GPU ${g}: ` : '';
    let certs: ParsedCert[];
    try {
      certs = parsePemChain(input.chains[g]);
    } catch (e) {
      list.missing('nvidia.ocsp', `${pre}device chain unusable (${e instanceof Error ? e.message : String(e)}); revocation not checked`);
      continue;
    }
    if (certs.length < 2) {
      list.missing('nvidia.ocsp', `${pre}device chain has no issuer to ask about; revocation not checked`);
      continue;
    }
    const results: {ok: boolean; missing: boolean}[] = [];
    for (let i = 0; i < certs.length - 1; i++) {
      const cert = certs[i];
      const issuer = certs[i + 1];
      const cn = /(?:^|, )CN=([^,]*)/.exec(cert.subject)?.[1] ?? cert.subject;
      const key = `${sha256Hex(issuer.der)}:${cert.serial.toString(16)}`;
      let p = memo.get(key);
      if (!p) {
        p = askOne(cert, issuer, input);
        memo.set(key, p);
      }
      const r = await p;
      results.push(r);
      const name = 'nvidia.ocsp.cert';
      const detail = `${pre}certificate ${i} (${cn}, serial ${cert.serial.toString(16)}): ${r.detail}`;
      if (r.ok) list.pass(name, detail);
      else if (r.missing) list.missing(name, detail);
      else list.fail(name, detail);
    }
    const n = results.length;
    if (results.every((r) => r.ok)) list.pass('nvidia.ocsp', `${pre}all ${n} device certificates below the root are good`);
    else if (results.some((r) => !r.ok && !r.missing)) list.fail('nvidia.ocsp', `${pre}${results.filter((r) => !r.ok && !r.missing).length} of ${n} device certificates revoked or answered by an unacceptable response`);
    else list.missing('nvidia.ocsp', `${pre}revocation status of ${results.filter((r) => r.missing).length} of ${n} device certificates could not be had`);
  }
  return list.checks;
}

async function askOne(cert: ParsedCert, issuer: ParsedCert, input: GpuOcspInput): Promise<{ok: boolean; missing: boolean; detail: string}> {
  let certId: OcspCertId;
  let request: Uint8Array;
  const nonce = input.random ? input.random(OCSP_NONCE_SIZE) : undefined;
  try {
    certId = ocspCertId(cert, issuer, input.hash ?? 'sha384');
    request = buildOcspRequest([certId], nonce);
  } catch (e) {
    return {ok: false, missing: true, detail: `cannot build the OCSP request: ${e instanceof Error ? e.message : String(e)}`};
  }
  const cacheKey = `${sha256Hex(issuer.der)}-${cert.serial.toString(16)}.der`;
  if (input.cache) {
    const hit = await input.cache.get(cacheKey).catch(() => undefined);
    if (hit) {
      const c = checkOcspResponse({response: hit, cert, issuer, certId, now: input.now});
      if (!c.problem && !c.unavailable && c.status === 'good' && c.nextUpdate !== undefined) return {ok: true, missing: false, detail: `${c.detail} (cached)`};
    }
  }
  let response: Uint8Array;
  try {
    response = await input.fetch(request);
  } catch (e) {
    return {ok: false, missing: true, detail: `no OCSP response: ${e instanceof Error ? e.message : String(e)}`};
  }
  const r = checkOcspResponse({response, cert, issuer, certId, ...(nonce ? {nonce} : {}), now: input.now});
  if (r.problem) return {ok: false, missing: false, detail: `OCSP response rejected: ${r.problem}`};
  if (r.unavailable) return {ok: false, missing: true, detail: r.unavailable};
  if (r.status === 'good') {
    if (input.cache && r.nextUpdate !== undefined) await input.cache.put(cacheKey, response).catch(() => undefined);
    return {ok: true, missing: false, detail: r.detail};
  }
  if (r.status === 'revoked') return {ok: false, missing: false, detail: r.detail};
  return {ok: false, missing: true, detail: `${r.detail}: the responder does not know this certificate`};
}
