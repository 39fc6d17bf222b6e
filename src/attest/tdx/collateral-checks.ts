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
  const tcbChainOk = checkChain(list, 'tdx.collateral.tcbInfo.chain', 'tdx.collateral.tcbInfo.chain.validity', c.tcbChain!, SIGNER_CHAIN_LENGTH, rootAccepted, now);
  const tcbSigner = c.tcbChain![0];
  let tsig = c.tcbInfoSigOk.get(tcbSigner);
  if (tsig === undefined) c.tcbInfoSigOk.set(tcbSigner, (tsig = verifyP256(Buffer.from(c.raw.tcbInfo, 'utf8'), c.raw.tcbInfoSignature, tcbSigner.publicKey)));
  list.check('tdx.collateral.tcbInfo.signature', tcbChainOk && tsig, `signed by ${tcbSigner.subject.split(',')[0]}`, tsig ? 'signer chain not trusted' : 'TCB info signature does not verify');
  const ti = c.tcbInfo!;
  list.check(
    'tdx.collateral.tcbInfo.format',
    ti.id === 'TDX' && ti.version >= 3 && ti.tcbType === 0,
    `id ${ti.id}, version ${ti.version}, tcbEvaluationDataNumber ${ti.tcbEvaluationDataNumber}`,
    `expected id "TDX", version ≥ 3, tcbType 0; got id "${ti.id}", version ${ti.version}, tcbType ${ti.tcbType}`,
  );
  list.check(
    'tdx.collateral.tcbInfo.validity',
    ti.issueDate <= now && now <= ti.nextUpdate,
    `${isoTime(ti.issueDate)} .. ${isoTime(ti.nextUpdate)}`,
    now > ti.nextUpdate ? `TCB info expired (nextUpdate ${isoTime(ti.nextUpdate)} < now ${isoTime(now)})` : `TCB info not yet valid (issueDate ${isoTime(ti.issueDate)} > now ${isoTime(now)})`,
  );
  // QE identity.
  const qeChainOk = checkChain(list, 'tdx.collateral.qeIdentity.chain', 'tdx.collateral.qeIdentity.chain.validity', c.qeChain!, SIGNER_CHAIN_LENGTH, rootAccepted, now);
  const qeSigner = c.qeChain![0];
  let qsig = c.qeIdentitySigOk.get(qeSigner);
  if (qsig === undefined) c.qeIdentitySigOk.set(qeSigner, (qsig = verifyP256(Buffer.from(c.raw.qeIdentity, 'utf8'), c.raw.qeIdentitySignature, qeSigner.publicKey)));
  list.check('tdx.collateral.qeIdentity.signature', qeChainOk && qsig, `signed by ${qeSigner.subject.split(',')[0]}`, qsig ? 'signer chain not trusted' : 'QE identity signature does not verify');
  const qi = c.qeIdentity!;
  list.check(
    'tdx.collateral.qeIdentity.format',
    qi.id === 'TD_QE' && qi.version === 2,
    `id ${qi.id}, version ${qi.version}`,
    `expected id "TD_QE", version 2; got id "${qi.id}", version ${qi.version}`,
  );
  list.check(
    'tdx.collateral.qeIdentity.validity',
    qi.issueDate <= now && now <= qi.nextUpdate,
    `${isoTime(qi.issueDate)} .. ${isoTime(qi.nextUpdate)}`,
    now > qi.nextUpdate ? `QE identity expired (nextUpdate ${isoTime(qi.nextUpdate)} < now ${isoTime(now)})` : `QE identity not yet valid (issueDate ${isoTime(qi.issueDate)} > now ${isoTime(now)})`,
  );
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
