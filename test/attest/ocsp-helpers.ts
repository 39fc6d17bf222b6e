/**
 * Test OCSP responder material: BasicOCSPResponse builder (RFC 6960 §4.2.1) over der-write, a parser for
 * the requests our client sends, and a local HTTPS responder answering a scripted status per certificate.
 */
import {sign as cryptoSign, type KeyObject} from 'node:crypto';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import * as der from '../../src/attest/der.js';
import * as w from '../../src/attest/der-write.js';
import {OID_OCSP_BASIC, OID_OCSP_NONCE} from '../../src/attest/nvidia/ocsp.js';
import type {TestCert} from './fetch-server.js';

/** One SingleResponse to put in a response. Times in Unix seconds. */
export interface SingleSpec {
  /** DER of the CertID exactly as asked. */
  certIdDer: Uint8Array;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: number;
  thisUpdate: number;
  nextUpdate?: number;
}

/** Input of {@link buildOcspResponse}. */
export interface OcspResponseSpec {
  /** Responder name DER (byName). */
  responderName: Uint8Array;
  producedAt: number;
  singles: SingleSpec[];
  nonce?: Uint8Array;
  signingKey: KeyObject;
  /** Certificates carried in the response (delegated responder and its path). */
  certs?: Uint8Array[];
  /** Flip a bit of the signature. */
  corruptSignature?: boolean;
}

const gtime = (t: number) => w.tlv(0x18, Buffer.from(new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:T]/g, ''), 'latin1'));

/** A signed, successful OCSPResponse (DER), ECDSA with SHA-384 (P-384 keys) or SHA-256 (P-256). */
export function buildOcspResponse(spec: OcspResponseSpec): Uint8Array {
  const p384 = spec.signingKey.asymmetricKeyDetails?.namedCurve === 'secp384r1';
  const alg = w.seq(w.oid(p384 ? '1.2.840.10045.4.3.3' : '1.2.840.10045.4.3.2'));
  const singles = spec.singles.map((s) => {
    const status = s.status === 'good' ? Uint8Array.of(0x80, 0) : s.status === 'unknown' ? Uint8Array.of(0x82, 0) : w.tlv(0xa1, gtime(s.revokedAt ?? s.thisUpdate));
    return w.seq(s.certIdDer, status, gtime(s.thisUpdate), ...(s.nextUpdate !== undefined ? [w.explicit(0, gtime(s.nextUpdate))] : []));
  });
  const exts = spec.nonce ? [w.explicit(1, w.seq(w.seq(w.oid(OID_OCSP_NONCE), w.octets(w.octets(spec.nonce)))))] : [];
  const tbs = w.seq(w.explicit(1, spec.responderName), gtime(spec.producedAt), w.seq(...singles), ...exts);
  const sig = Uint8Array.from(cryptoSign(p384 ? 'sha384' : 'sha256', tbs, spec.signingKey));
  if (spec.corruptSignature) sig[sig.length - 1] ^= 1;
  const basic = w.seq(tbs, alg, w.bitString(sig), ...(spec.certs?.length ? [w.explicit(0, w.seq(...spec.certs))] : []));
  return w.seq(w.enumerated(0), w.explicit(0, w.seq(w.oid(OID_OCSP_BASIC), w.octets(basic))));
}

/** An OCSPResponse with a non-successful status (e.g. 3 = tryLater). */
export function buildOcspErrorResponse(status: number): Uint8Array {
  return w.seq(w.enumerated(status));
}

/** What an OCSPRequest asks: each CertID's DER and serial, and the nonce if any. */
export function parseOcspRequest(body: Uint8Array): {certIds: {der: Uint8Array; serial: bigint; issuerNameHash: Uint8Array}[]; nonce?: Uint8Array} {
  const tbs = der.children(der.children(der.parse(body))[0]);
  const list = der.children(tbs[0]);
  const certIds = list.map((r) => {
    const id = der.children(r)[0];
    const f = der.children(id);
    return {der: Uint8Array.from(der.raw(id)), serial: der.bigint(f[3]), issuerNameHash: Uint8Array.from(der.value(f[1]))};
  });
  let nonce: Uint8Array | undefined;
  const extNode = tbs.find((n) => n.tag === 0xa2);
  if (extNode) {
    for (const e of der.children(der.children(extNode)[0])) {
      const p = der.children(e);
      if (der.oid(p[0]) === OID_OCSP_NONCE) nonce = Uint8Array.from(der.value(der.parse(der.value(p[1]))));
    }
  }
  return {certIds, ...(nonce ? {nonce} : {})};
}

/** A local HTTPS OCSP responder: `answer` maps each POSTed request body to a response body. */
export interface OcspServer {
  url: string;
  /** Bodies of the requests received, in order. */
  requests: Uint8Array[];
  /** Content types of the requests received. */
  contentTypes: string[];
  close(): Promise<void>;
}

export function startOcspServer(cert: TestCert, answer: (request: Uint8Array) => {status?: number; body: Uint8Array}): Promise<OcspServer> {
  const requests: Uint8Array[] = [];
  const contentTypes: string[] = [];
  const server = https.createServer({cert: cert.certPem, key: cert.keyPem}, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = new Uint8Array(Buffer.concat(chunks));
      requests.push(body);
      contentTypes.push(String(req.headers['content-type']));
      let r: {status?: number; body: Uint8Array};
      try {
        r = req.method === 'POST' ? answer(body) : {status: 405, body: new Uint8Array()};
      } catch {
        r = {status: 400, body: new Uint8Array()};
      }
      res.writeHead(r.status ?? 200, {'content-type': 'application/ocsp-response'});
      res.end(Buffer.from(r.body));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `https://127.0.0.1:${port}/`,
        requests,
        contentTypes,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
