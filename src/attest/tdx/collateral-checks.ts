/**
 * TDX certificate chain and collateral checks (attestation.md §1.4 steps 3–5), pure: a chain's structure,
 * signatures, pinning and validity at `now`; the collateral's signer chains, signatures, format and validity;
 * the Root CA and PCK CRLs and the revocation of the collateral signers. Each recorded as a named check.
 */
import {checkCrl, isRevoked} from '../crl.js';
import type {CheckList} from '../types.js';
import {isoTime, sha256Hex, type ParsedCert} from '../x509.js';
import {crlSignedBy, issuedBy, verifyP256, type PreparedCollateral} from './prepared.js';

/** Collateral signer chains: TCB Signing cert, Root CA. */
const SIGNER_CHAIN_LENGTH = 2;

/**
 * Checks a certificate chain `[leaf, …, root]`: structure, names, signatures, CA flags and pinning to
 * `root` (byte-equal), recorded as `sigName`; validity of every certificate at `now` as `validityName`.
 */
export function checkChain(
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

/**
 * Steps 3–4 on collateral that parsed: TCB info and QE identity (signer chain, signature, format, validity),
 * then the CRLs and the revocation of the collateral signers. `pinnedRoot` is the root the PCK chain ends in
 * (when pinned), `rootAccepted` says which roots a chain may end in, `intermediate` is the CA that issued the
 * PCK leaf (the PCK CRL is checked against it).
 */
export function checkCollateral(
  list: CheckList,
  c: PreparedCollateral,
  rootAccepted: (root: ParsedCert) => boolean,
  pinnedRoot: ParsedCert | undefined,
  intermediate: ParsedCert | undefined,
  now: number,
): void {
  // TCB info.
  const tcbSigner = checkSignedDocument(list, 'tcbInfo', 'TCB info', c.tcbChain!, c.raw.tcbInfo, c.raw.tcbInfoSignature, c.tcbInfoSigOk, rootAccepted, now);
  const ti = c.tcbInfo!;
  list.check(
    'tdx.collateral.tcbInfo.format',
    ti.id === 'TDX' && ti.version >= 3 && ti.tcbType === 0,
    `id ${ti.id}, version ${ti.version}, tcbEvaluationDataNumber ${ti.tcbEvaluationDataNumber}`,
    `expected id "TDX", version ≥ 3, tcbType 0; got id "${ti.id}", version ${ti.version}, tcbType ${ti.tcbType}`,
  );
  checkValidityWindow(list, 'tcbInfo', 'TCB info', ti, now);
  // QE identity.
  const qeSigner = checkSignedDocument(list, 'qeIdentity', 'QE identity', c.qeChain!, c.raw.qeIdentity, c.raw.qeIdentitySignature, c.qeIdentitySigOk, rootAccepted, now);
  const qi = c.qeIdentity!;
  list.check(
    'tdx.collateral.qeIdentity.format',
    qi.id === 'TD_QE' && qi.version === 2,
    `id ${qi.id}, version ${qi.version}`,
    `expected id "TD_QE", version 2; got id "${qi.id}", version ${qi.version}`,
  );
  checkValidityWindow(list, 'qeIdentity', 'QE identity', qi, now);
  // CRLs. The Root CA CRL is checked against the pinned root; the PCK CRL against the CA that issued the leaf.
  const crlRoot = pinnedRoot ?? c.tcbChain![c.tcbChain!.length - 1];
  checkCrl(list, 'tdx.crl.root', c.rootCrl!, crlRoot, now, {verifySignature: crlSignedBy});
  checkChain(list, 'tdx.collateral.pckCrlChain', 'tdx.collateral.pckCrlChain.validity', c.pckCrlChain!, 2, rootAccepted, now, true);
  if (intermediate) checkCrl(list, 'tdx.crl.pck', c.pckCrl!, intermediate, now, {verifySignature: crlSignedBy});
  else list.skip('tdx.crl.pck', 'no PCK issuing CA to check the PCK CRL against');
  const revokedSigner = [tcbSigner, qeSigner, c.pckCrlChain![0], crlRoot].find((x) => isRevoked(c.rootCrl!, x.serial));
  list.check(
    'tdx.collateral.revocation',
    !revokedSigner,
    'no collateral signer revoked by the Root CA CRL',
    `${revokedSigner?.subject} (serial ${revokedSigner?.serial.toString(16)}) is revoked by the Root CA CRL`,
  );
}

/**
 * One signed collateral document (TCB info, QE identity): its signer chain (`tdx.collateral.<id>.chain`, `.validity`)
 * and its signature by the chain's leaf (`.signature`), memoized per signer in `sigOk`. Returns the signer.
 */
function checkSignedDocument(
  list: CheckList,
  id: 'tcbInfo' | 'qeIdentity',
  what: string,
  chain: ParsedCert[],
  body: string,
  signature: Uint8Array,
  sigOk: WeakMap<ParsedCert, boolean>,
  rootAccepted: (root: ParsedCert) => boolean,
  now: number,
): ParsedCert {
  const chainOk = checkChain(list, `tdx.collateral.${id}.chain`, `tdx.collateral.${id}.chain.validity`, chain, SIGNER_CHAIN_LENGTH, rootAccepted, now);
  const signer = chain[0]!;
  let sig = sigOk.get(signer);
  if (sig === undefined) sigOk.set(signer, (sig = verifyP256(Buffer.from(body, 'utf8'), signature, signer.publicKey)));
  list.check(`tdx.collateral.${id}.signature`, chainOk && sig, `signed by ${signer.subject.split(',')[0]}`, sig ? 'signer chain not trusted' : `${what} signature does not verify`);
  return signer;
}

/** `tdx.collateral.<id>.validity`: `now` within the document's issueDate .. nextUpdate. */
function checkValidityWindow(list: CheckList, id: 'tcbInfo' | 'qeIdentity', what: string, doc: {issueDate: number; nextUpdate: number}, now: number): void {
  list.check(
    `tdx.collateral.${id}.validity`,
    doc.issueDate <= now && now <= doc.nextUpdate,
    `${isoTime(doc.issueDate)} .. ${isoTime(doc.nextUpdate)}`,
    now > doc.nextUpdate ? `${what} expired (nextUpdate ${isoTime(doc.nextUpdate)} < now ${isoTime(now)})` : `${what} not yet valid (issueDate ${isoTime(doc.issueDate)} > now ${isoTime(now)})`,
  );
}
