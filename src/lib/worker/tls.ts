/**
 * The worker gateway's TLS identity: one P-256 key and a self-signed certificate per worker key, kept in the home
 * (`<home>/worker/tls/<worker account>/{cert.pem,key.pem}`, the key mode 0600). `attest collect` binds this
 * certificate's SubjectPublicKeyInfo into the evidence and `worker serve` serves exactly it; clients pin the
 * attested SPKI, so no CA is involved and the certificate's names do not matter.
 */
import {generateKeyPairSync, createPrivateKey, createPublicKey} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {OperationError} from '../errors.js';

/** Validity of a new certificate, seconds (ten years: the attestation, not the certificate, limits trust). */
export const WORKER_TLS_VALIDITY_SECONDS = 10 * 365 * 24 * 3600;
/** Backdating of `notBefore`, seconds (clock skew between the worker and its clients). */
const NOT_BEFORE_SKEW_SECONDS = 3600;

/** Files of a worker's TLS identity. */
export interface WorkerTls {
  dir: string;
  certPath: string;
  keyPath: string;
  /** True when this call created them. */
  created: boolean;
}

/** Where the TLS identity of the worker whose account is `account` lives. */
export function workerTlsDir(home: string, account: string): string {
  if (!/^secret1[02-9ac-hj-np-z]{38}$/.test(account)) throw new OperationError(`not a worker account address: ${account}`, {code: 'ADDRESS_INVALID'});
  return path.join(home, 'worker', 'tls', account);
}

/**
 * Returns the TLS key and self-signed certificate of the worker `account`, creating them on first use. An existing
 * pair is reused when the certificate's key is the stored key's; a mismatched pair is an error rather than being
 * silently replaced (a new key would invalidate the attestation that binds the old one).
 */
export async function ensureWorkerTls(home: string, account: string, now: number = Math.floor(Date.now() / 1000)): Promise<WorkerTls> {
  const dir = workerTlsDir(home, account);
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const {parsePemChain} = await import('../../attest/x509.js');
    const cert = parsePemChain(readFileSync(certPath, 'utf8'))[0]!;
    const fromKey = createPublicKey(createPrivateKey(readFileSync(keyPath, 'utf8'))).export({type: 'spki', format: 'der'});
    if (!Buffer.from(cert.spkiDer).equals(fromKey)) {
      throw new OperationError(`the worker TLS certificate in ${dir} does not match its key`, {code: 'WORKER_TLS_MISMATCH', suggestion: `remove ${dir} and collect the attestation again`});
    }
    return {dir, certPath, keyPath, created: false};
  }
  const {buildCertificate, name, toPem} = await import('../../attest/der-write.js');
  const {privateKey, publicKey} = generateKeyPairSync('ec', {namedCurve: 'P-256'});
  const subject = name([['CN', `secretai worker ${account}`]]);
  const der = buildCertificate({
    serial: 1,
    issuer: subject,
    subject,
    notBefore: now - NOT_BEFORE_SKEW_SECONDS,
    notAfter: now + WORKER_TLS_VALIDITY_SECONDS,
    publicKey,
    signingKey: privateKey,
  });
  mkdirSync(dir, {recursive: true, mode: 0o700});
  writeFileSync(keyPath, privateKey.export({type: 'pkcs8', format: 'pem'}), {mode: 0o600});
  writeFileSync(certPath, toPem([der]));
  return {dir, certPath, keyPath, created: true};
}
