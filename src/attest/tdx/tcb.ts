/**
 * TDX TCB evaluation, pure: the TCB statuses, folding the QE and TDX module statuses into the platform
 * status, selecting the platform TCB level, the TDATTRIBUTES bits and the byte helpers they use
 * (attestation.md §1.4 steps 11–15).
 */
import type {IsvTcbLevel, TdxTcbInfo} from './collateral.js';
import type {PckExtension} from './pck.js';

/** TCB statuses accepted without a warning / with a warning (unless strict) — attestation.md §1.4 step 15. */
export const TCB_STATUS_OK = 'UpToDate';
export const TCB_STATUS_WARN = ['SWHardeningNeeded', 'ConfigurationNeeded', 'ConfigurationAndSWHardeningNeeded'] as const;
export const KNOWN_PLATFORM_STATUSES = new Set([
  'UpToDate',
  'SWHardeningNeeded',
  'ConfigurationNeeded',
  'ConfigurationAndSWHardeningNeeded',
  'OutOfDate',
  'OutOfDateConfigurationNeeded',
  'Revoked',
]);

/** TDATTRIBUTES bits (TDX module ABI; attestation.md §1.4 step 14). */
export const TD_ATTR = {
  DEBUG: 0n,
  SEPT_VE_DISABLE: 28n,
  PKS: 30n,
  KL: 31n,
  PERFMON: 63n,
  /** Bits 1–27, 29 and 32–62: reserved, must be zero. */
  RESERVED_MASK: 0x0ffffffen | (1n << 29n) | (((1n << 31n) - 1n) << 32n),
} as const;
/** QE report ATTRIBUTES byte 0 bit 1: the enclave is debuggable. */
export const SGX_ATTR_DEBUG = 0x02;
/** Position in TEE_TCB_SVN of the TDX module major version; when non-zero, the TCB comparison starts at index 2. */
export const TEE_TCB_SVN_MODULE_VERSION = 1;
export const TEE_TCB_SVN_MODULE_ISVSVN = 0;
const TDX_TCB_FIRST_INDEX_WITH_MODULE_IDENTITY = 2;

/** Result of matching a TCB level list against an ISVSVN. */
export function isvLevel(levels: IsvTcbLevel[], isvSvn: number): IsvTcbLevel | undefined {
  return levels.find((l) => l.isvSvn <= isvSvn);
}

/**
 * Folds a QE or TDX module TCB status into the platform status (Intel QVL convergence).
 * Returns undefined for a status it does not know.
 */
export function foldTcbStatus(platform: string, other: string): string | undefined {
  switch (other) {
    case 'UpToDate':
      return platform;
    case 'OutOfDate':
      if (platform === 'UpToDate' || platform === 'SWHardeningNeeded') return 'OutOfDate';
      if (platform === 'ConfigurationNeeded' || platform === 'ConfigurationAndSWHardeningNeeded') return 'OutOfDateConfigurationNeeded';
      return platform;
    case 'Revoked':
      return 'Revoked';
    default:
      return undefined;
  }
}

/** Masked byte-wise equality: `(a & mask) == (b & mask)` for every byte. */
export function maskedEqual(a: Uint8Array, b: Uint8Array, mask: Uint8Array): boolean {
  if (a.length !== b.length || a.length !== mask.length) return false;
  for (let i = 0; i < a.length; i++) if ((a[i] & mask[i]) !== (b[i] & mask[i])) return false;
  return true;
}

export function isZero(b: Uint8Array): boolean {
  for (const x of b) if (x !== 0) return false;
  return true;
}

export function le64(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
  return x;
}

/** Selects the platform TCB level (attestation.md §1.4 step 11). */
export function selectTdxTcbLevel(
  tcbInfo: TdxTcbInfo,
  pck: PckExtension,
  teeTcbSvn: Uint8Array,
): {level?: TdxTcbInfo['tcbLevels'][number]; sgxMatched: boolean; firstTdxIndex: number} {
  const firstTdxIndex = teeTcbSvn[TEE_TCB_SVN_MODULE_VERSION] > 0 ? TDX_TCB_FIRST_INDEX_WITH_MODULE_IDENTITY : 0;
  let sgxMatched = false;
  for (const level of tcbInfo.tcbLevels) {
    let sgxOk = pck.pceSvn >= level.pceSvn;
    for (let i = 0; sgxOk && i < 16; i++) if (pck.compSvn[i] < level.sgxComponents[i]) sgxOk = false;
    if (!sgxOk) continue;
    sgxMatched = true;
    let tdxOk = true;
    for (let i = firstTdxIndex; tdxOk && i < 16; i++) if (teeTcbSvn[i] < level.tdxComponents[i]) tdxOk = false;
    if (tdxOk) return {level, sgxMatched, firstTdxIndex};
  }
  return {sgxMatched, firstTdxIndex};
}
