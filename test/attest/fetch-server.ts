/**
 * Local HTTPS servers for attestation tests: a self-signed P-256 certificate (localhost, 127.0.0.1) made with
 * node:crypto, and a server whose routes the test defines. Every request is recorded.
 */
import {generateKeyPairSync, type KeyObject} from 'node:crypto';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import * as w from '../../src/attest/der-write.js';

export interface TestCert {
  certPem: string;
  keyPem: string;
  certDer: Uint8Array;
  key: KeyObject;
}

/** A self-signed TLS certificate for localhost / 127.0.0.1, valid around now. */
export function makeTlsCert(cn = 'localhost'): TestCert {
  const k = generateKeyPairSync('ec', {namedCurve: 'P-256'});
  const now = Math.floor(Date.now() / 1000);
  const name = w.name([['CN', cn]]);
  const san = w.seq(w.tlv(0x82, Buffer.from('localhost')), w.tlv(0x87, Uint8Array.of(127, 0, 0, 1)));
  const certDer = w.buildCertificate({
    serial: BigInt(now),
    issuer: name,
    subject: name,
    notBefore: now - 3600,
    notAfter: now + 7 * 86400,
    publicKey: k.publicKey,
    signingKey: k.privateKey,
    ca: true,
    extensions: [{oid: '2.5.29.17', value: san}],
  });
  return {certPem: w.toPem([certDer]), keyPem: k.privateKey.export({type: 'pkcs8', format: 'pem'}) as string, certDer, key: k.privateKey};
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export type Route = (path: string, query: URLSearchParams) => Reply | undefined;

export interface TestServer {
  url: string;
  port: number;
  /** `path?query` of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Starts an HTTPS server on 127.0.0.1 (random port); unmatched paths answer 404. */
export function startServer(cert: TestCert, route: Route): Promise<TestServer> {
  const requests: string[] = [];
  const server = https.createServer({cert: cert.certPem, key: cert.keyPem}, (req, res) => {
    const u = new URL(req.url ?? '/', 'https://localhost');
    requests.push(u.pathname + u.search);
    const r = route(u.pathname, u.searchParams);
    res.writeHead(r?.status ?? (r ? 200 : 404), r?.headers ?? {});
    res.end(r?.body !== undefined ? Buffer.from(r.body) : r ? '' : 'not found');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `https://127.0.0.1:${port}`,
        port,
        requests,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

/**
 * Routes of a PCCS-like server serving one dcap-qvl collateral JSON the way Intel serves it: signed texts in
 * `{"tcbInfo":…,"signature":…}` documents, URL-encoded issuer chains in headers, PCK CRL as DER, root CA CRL as hex.
 */
export function pccsRoute(col: Record<string, string>, fmspc: string): Route {
  return (p, q): Reply | undefined => {
    if (p === '/tdx/certification/v4/tcb' && q.get('fmspc')?.toLowerCase() === fmspc.toLowerCase()) {
      return {headers: {'TCB-Info-Issuer-Chain': encodeURIComponent(col.tcb_info_issuer_chain)}, body: `{"tcbInfo":${col.tcb_info},"signature":"${col.tcb_info_signature}"}`};
    }
    if (p === '/tdx/certification/v4/qe/identity') {
      return {headers: {'SGX-Enclave-Identity-Issuer-Chain': encodeURIComponent(col.qe_identity_issuer_chain)}, body: `{"enclaveIdentity":${col.qe_identity},"signature":"${col.qe_identity_signature}"}`};
    }
    if (p === '/sgx/certification/v4/pckcrl' && q.get('ca') === 'platform') {
      return {headers: {'SGX-PCK-CRL-Issuer-Chain': encodeURIComponent(col.pck_crl_issuer_chain)}, body: Buffer.from(col.pck_crl, 'hex')};
    }
    if (p === '/sgx/certification/v4/rootcacrl') return {body: col.root_ca_crl};
    return undefined;
  };
}
