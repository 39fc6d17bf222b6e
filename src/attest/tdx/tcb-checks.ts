/**
 * TDX identity, TCB and TD policy checks (attestation.md §1.4 steps 8, 10–15), pure: the QE report against
 * the QE identity, FMSPC and PCE-ID, the platform TCB level, the TDX module identity, the combined TCB
 * status, the TD attributes and MRSERVICETD, and the TCB status policy. Each recorded as a named check.
 */
import {hex, type CheckList} from '../types.js';
import {bytesEqual} from '../x509.js';
import type {IsvTcbLevel, QeIdentity, TdxModuleIdentity, TdxTcbInfo} from './collateral.js';
import type {PckExtension} from './pck.js';
import type {QeReport, TdReportBody} from './quote.js';
import {
  foldTcbStatus,
  isvLevel,
  isZero,
  KNOWN_PLATFORM_STATUSES,
  le64,
  maskedEqual,
  selectTdxTcbLevel,
  SGX_ATTR_DEBUG,
  TCB_STATUS_OK,
  TCB_STATUS_WARN,
  TD_ATTR,
  TEE_TCB_SVN_MODULE_ISVSVN,
  TEE_TCB_SVN_MODULE_VERSION,
} from './tcb.js';

/** Step 8: the QE report against the QE identity (`tdx.qe.identity`), and its QE TCB level (`tdx.qe.tcb`). */
export function checkQeIdentity(list: CheckList, q: QeReport, qeId: QeIdentity): IsvTcbLevel | undefined {
  const problems: string[] = [];
  if (!bytesEqual(q.mrSigner, qeId.mrSigner)) problems.push(`MRSIGNER ${hex(q.mrSigner)} ≠ ${hex(qeId.mrSigner)}`);
  if (q.isvProdId !== qeId.isvProdId) problems.push(`ISVPRODID ${q.isvProdId} ≠ ${qeId.isvProdId}`);
  if (((q.miscSelect & qeId.miscselectMask) >>> 0) !== ((qeId.miscselect & qeId.miscselectMask) >>> 0)) problems.push('MISCSELECT does not match');
  if (!maskedEqual(q.attributes, qeId.attributes, qeId.attributesMask)) problems.push('ATTRIBUTES do not match');
  if (q.attributes[0] & SGX_ATTR_DEBUG) problems.push('QE is a debug enclave');
  list.check('tdx.qe.identity', problems.length === 0, `TD QE, ISVSVN ${q.isvSvn}`, problems.join('; '));
  const qeLevel = isvLevel(qeId.tcbLevels, q.isvSvn);
  list.check('tdx.qe.tcb', !!qeLevel, `QE TCB ${qeLevel?.tcbStatus}`, `QE ISVSVN ${q.isvSvn} matches no QE identity TCB level (not supported)`);
  return qeLevel;
}

/**
 * Steps 10–13: FMSPC and PCE-ID, the platform TCB level, the TDX module identity, and the combined status
 * (platform ⊕ TDX module ⊕ QE), which is also set in `out` with its advisories. Returns the combined status,
 * undefined when it could not be established.
 */
export function checkTcbStatus(
  list: CheckList,
  tcbInfo: TdxTcbInfo,
  ext: PckExtension,
  body: TdReportBody,
  qeLevel: IsvTcbLevel | undefined,
  out: {tcbStatus?: string; advisoryIds?: string[]},
): string | undefined {
  let status: string | undefined;
  const advisories = new Set<string>();
  list.check('tdx.fmspc', ext.fmspc === tcbInfo.fmspc, `FMSPC ${ext.fmspc}`, `PCK FMSPC ${ext.fmspc} ≠ TCB info FMSPC ${tcbInfo.fmspc}`);
  list.check('tdx.pceid', ext.pceId === tcbInfo.pceId, `PCE-ID ${ext.pceId}`, `PCK PCE-ID ${ext.pceId} ≠ TCB info PCE-ID ${tcbInfo.pceId}`);
  const sel = selectTdxTcbLevel(tcbInfo, ext, body.teeTcbSvn);
  const lvl = sel.level;
  const levelOk = list.check(
    'tdx.tcb.level',
    !!lvl && KNOWN_PLATFORM_STATUSES.has(lvl.tcbStatus),
    `${lvl?.tcbStatus} (tcbDate ${lvl?.tcbDate}; TEE_TCB_SVN compared from index ${sel.firstTdxIndex})`,
    lvl
      ? `unknown TCB status "${lvl.tcbStatus}"`
      : sel.sgxMatched
        ? 'TCB not supported: no TCB level matches the TDX components (TEE_TCB_SVN)'
        : 'TCB not supported: no TCB level matches the PCK SGX components and PCESVN',
  );
  if (levelOk && lvl) {
    status = lvl.tcbStatus;
    lvl.advisoryIds.forEach((a) => advisories.add(a));
  }
  // 12. TDX module identity.
  const moduleVersion = body.teeTcbSvn[TEE_TCB_SVN_MODULE_VERSION];
  let ident: TdxModuleIdentity | undefined = tcbInfo.tdxModule;
  let identName = 'tdxModule';
  if (moduleVersion > 0 && tcbInfo.tdxModuleIdentities) {
    identName = `TDX_${moduleVersion.toString(16).padStart(2, '0').toUpperCase()}`;
    ident = tcbInfo.tdxModuleIdentities.find((m) => (m.id ?? '').toUpperCase() === identName);
  }
  if (!ident) list.fail('tdx.module.identity', `TCB info has no TDX module identity ${identName}`);
  else {
    const problems: string[] = [];
    if (!bytesEqual(body.mrSignerSeam, ident.mrSigner)) problems.push(`MRSIGNERSEAM ${hex(body.mrSignerSeam)} ≠ ${hex(ident.mrSigner)}`);
    if (!maskedEqual(body.seamAttributes, ident.attributes, ident.attributesMask)) problems.push(`SEAMATTRIBUTES ${hex(body.seamAttributes)} do not match`);
    let modLevel: IsvTcbLevel | undefined;
    if (ident.tcbLevels) {
      modLevel = isvLevel(ident.tcbLevels, body.teeTcbSvn[TEE_TCB_SVN_MODULE_ISVSVN]);
      if (!modLevel) problems.push(`module ISVSVN ${body.teeTcbSvn[TEE_TCB_SVN_MODULE_ISVSVN]} matches no ${identName} TCB level (not supported)`);
    }
    const ok = list.check(
      'tdx.module.identity',
      problems.length === 0,
      `${identName}${modLevel ? `, ISVSVN ${body.teeTcbSvn[TEE_TCB_SVN_MODULE_ISVSVN]} → ${modLevel.tcbStatus}` : ''}`,
      problems.join('; '),
    );
    if (ok && modLevel && status !== undefined) {
      const folded = foldTcbStatus(status, modLevel.tcbStatus);
      if (folded === undefined) {
        list.fail('tdx.tcb.status', `unknown TDX module TCB status "${modLevel.tcbStatus}"`);
        status = undefined;
      } else {
        if (modLevel.tcbStatus !== 'UpToDate') modLevel.advisoryIds.forEach((a) => advisories.add(a));
        status = folded;
      }
    } else if (!ok) status = undefined;
  }
  // 13. Fold in the QE status.
  if (status !== undefined && qeLevel) {
    const folded = foldTcbStatus(status, qeLevel.tcbStatus);
    if (folded === undefined) {
      list.fail('tdx.tcb.status', `unknown QE TCB status "${qeLevel.tcbStatus}"`);
      status = undefined;
    } else {
      if (qeLevel.tcbStatus !== 'UpToDate') qeLevel.advisoryIds.forEach((a) => advisories.add(a));
      status = folded;
    }
  } else if (!qeLevel) status = undefined;
  if (status !== undefined) {
    list.pass('tdx.tcb.status', status + (advisories.size ? ` (${[...advisories].join(', ')})` : ''));
    out.tcbStatus = status;
    out.advisoryIds = [...advisories];
  }
  return status;
}

/** Step 14: TD attributes (`tdx.td.attributes`) and, on TD 1.5 bodies, MRSERVICETD (`tdx.td.mrServiceTd`). */
export function checkTdAttributes(list: CheckList, body: TdReportBody, policy: {requireSeptVeDisable?: boolean}): void {
  const attrs = le64(body.tdAttributes);
  const attrProblems: string[] = [];
  if ((attrs >> TD_ATTR.DEBUG) & 1n) attrProblems.push('DEBUG (bit 0) is set: the TD is debuggable');
  if (attrs & TD_ATTR.RESERVED_MASK) attrProblems.push(`reserved bits set (0x${(attrs & TD_ATTR.RESERVED_MASK).toString(16)})`);
  const septVe = ((attrs >> TD_ATTR.SEPT_VE_DISABLE) & 1n) === 1n;
  if (policy.requireSeptVeDisable && !septVe) attrProblems.push('SEPT_VE_DISABLE (bit 28) is not set');
  list.check('tdx.td.attributes', attrProblems.length === 0, `TDATTRIBUTES ${hex(body.tdAttributes)} (DEBUG=0, SEPT_VE_DISABLE=${septVe ? 1 : 0})`, attrProblems.join('; '));
  if (body.mrServiceTd) {
    list.check('tdx.td.mrServiceTd', isZero(body.mrServiceTd), 'no service TD', `MRSERVICETD ${hex(body.mrServiceTd)} is not zero (service TDs are not trusted)`);
  }
}

/** Step 15: the established TCB status against the policy (`tdx.tcb.policy`); a warning status fails when `strict`. */
export function checkTcbPolicy(list: CheckList, status: string, advisoryIds: string[] | undefined, strict: boolean | undefined): void {
  if (status === TCB_STATUS_OK) list.pass('tdx.tcb.policy', 'UpToDate accepted');
  else if ((TCB_STATUS_WARN as readonly string[]).includes(status)) {
    const adv = advisoryIds?.length ? `; advisories ${advisoryIds.join(', ')}` : '';
    if (strict) list.fail('tdx.tcb.policy', `${status} rejected by strict policy${adv}`);
    else list.warn('tdx.tcb.policy', `${status} accepted with a warning${adv}`);
  } else list.fail('tdx.tcb.policy', `TCB status ${status} is not acceptable`);
}
