/**
 * AMD SEV-SNP attestation report parser (attestation.md §2.1; AMD SEV-SNP ABI specification,
 * `ATTESTATION_REPORT` structure). Pure: 1184 bytes in, named fields out. Versions 2, 3 and 5 are
 * accepted; any other version is rejected because its layout is not known here (fail closed).
 */
import {EvidenceFormatError, hex, Reader} from '../types.js';
import {SNP_REPORT_SIZE} from '../detect.js';

export {SNP_REPORT_SIZE};

/** Field offsets in the report (bytes from its start). */
export const SnpOffset = {
  VERSION: 0x000,
  GUEST_SVN: 0x004,
  POLICY: 0x008,
  FAMILY_ID: 0x010,
  IMAGE_ID: 0x020,
  VMPL: 0x030,
  SIGNATURE_ALGO: 0x034,
  CURRENT_TCB: 0x038,
  PLATFORM_INFO: 0x040,
  KEY_INFO: 0x048,
  REPORT_DATA: 0x050,
  MEASUREMENT: 0x090,
  HOST_DATA: 0x0c0,
  ID_KEY_DIGEST: 0x0e0,
  AUTHOR_KEY_DIGEST: 0x110,
  REPORT_ID: 0x140,
  REPORT_ID_MA: 0x160,
  REPORTED_TCB: 0x180,
  CPUID_FAM_ID: 0x188,
  CPUID_MOD_ID: 0x189,
  CPUID_STEP: 0x18a,
  CHIP_ID: 0x1a0,
  COMMITTED_TCB: 0x1e0,
  CURRENT_BUILD: 0x1e8,
  CURRENT_MINOR: 0x1e9,
  CURRENT_MAJOR: 0x1ea,
  COMMITTED_BUILD: 0x1ec,
  COMMITTED_MINOR: 0x1ed,
  COMMITTED_MAJOR: 0x1ee,
  LAUNCH_TCB: 0x1f0,
  LAUNCH_MIT_VECTOR: 0x1f8,
  CURRENT_MIT_VECTOR: 0x200,
  SIGNATURE: 0x2a0,
} as const;

/** Field sizes in bytes. */
export const SnpSize = {
  FAMILY_ID: 16,
  IMAGE_ID: 16,
  REPORT_DATA: 64,
  MEASUREMENT: 48,
  HOST_DATA: 32,
  ID_KEY_DIGEST: 48,
  AUTHOR_KEY_DIGEST: 48,
  REPORT_ID: 32,
  REPORT_ID_MA: 32,
  CHIP_ID: 64,
  TCB_VERSION: 8,
  /** One signature component (R or S) as stored: 72-byte little-endian, zero-extended. */
  SIGNATURE_COMPONENT: 72,
  /** Significant bytes of a P-384 component. */
  P384_COMPONENT: 48,
  SIGNATURE: 512,
} as const;

/** The bytes covered by the report signature: `[0, SIGNED_LENGTH)`. */
export const SNP_SIGNED_LENGTH = SnpOffset.SIGNATURE;
/** SIGNATURE_ALGO value for ECDSA P-384 with SHA-384 (the only one defined). */
export const SNP_SIG_ALGO_ECDSA_P384_SHA384 = 1;
/** Report versions whose layout this parser knows. */
export const SNP_KNOWN_VERSIONS: readonly number[] = [2, 3, 5];

/** SIGNING_KEY values (KEY_INFO bits 2–4). */
export const SnpSigningKey = {VCEK: 0, VLEK: 1, NONE: 7} as const;

/** POLICY bit positions (u64). */
export const SnpPolicyBit = {
  SMT: 16,
  RESERVED_MUST_BE_ONE: 17,
  MIGRATE_MA: 18,
  DEBUG: 19,
  SINGLE_SOCKET: 20,
  CXL_ALLOW: 21,
  MEM_AES_256_XTS: 22,
  RAPL_DIS: 23,
  CIPHERTEXT_HIDING: 24,
  PAGE_SWAP_DISABLE: 25,
  /** Bits from here up are reserved and must be zero. */
  FIRST_RESERVED_ZERO: 26,
} as const;

/** AMD product lines with a known ARK. */
export type SnpProduct = 'Milan' | 'Genoa' | 'Turin';

/**
 * A decoded TCB_VERSION (8 bytes). For Milan and Genoa: byte 0 BOOT_LOADER, byte 1 TEE, bytes 2–5
 * reserved, byte 6 SNP, byte 7 MICROCODE. Turin's layout differs (it adds an FMC SPL) and is not decoded.
 */
export interface TcbVersion {
  /** The 8 raw bytes as lower-case hex, e.g. `0300000000000873`. */
  raw: string;
  bl: number;
  tee: number;
  snp: number;
  ucode: number;
}

/** CPUID family/model/stepping as reported (v3+; zero in v2). */
export interface SnpCpuid {
  family: number;
  model: number;
  stepping: number;
}

/** A parsed SEV-SNP attestation report. Byte fields are views into `bytes`. */
export interface SnpReport {
  /** The whole 1184-byte report (a copy owned by this object). */
  bytes: Uint8Array;
  version: number;
  guestSvn: number;
  /** POLICY (u64). */
  policy: bigint;
  familyId: Uint8Array;
  imageId: Uint8Array;
  vmpl: number;
  signatureAlgo: number;
  /** PLATFORM_INFO (u64): bit 0 SMT enabled, bit 1 TSME enabled, … */
  platformInfo: bigint;
  /** Raw KEY_INFO u32 at 0x48. */
  keyInfo: number;
  authorKeyEn: boolean;
  maskChipKey: boolean;
  /** SIGNING_KEY: 0 VCEK, 1 VLEK, 7 none. */
  signingKey: number;
  reportData: Uint8Array;
  measurement: Uint8Array;
  hostData: Uint8Array;
  idKeyDigest: Uint8Array;
  authorKeyDigest: Uint8Array;
  reportId: Uint8Array;
  reportIdMa: Uint8Array;
  /** The raw 8-byte TCB_VERSION fields. */
  currentTcbRaw: Uint8Array;
  reportedTcbRaw: Uint8Array;
  committedTcbRaw: Uint8Array;
  launchTcbRaw: Uint8Array;
  /** v3+: CPUID family (extended + base), model (extended + base), stepping; undefined for v2. */
  cpuid?: SnpCpuid;
  /** Product implied by CPUID (v3+), when it is one of the known ones. */
  cpuidProduct?: SnpProduct;
  chipId: Uint8Array;
  /** Firmware versions `major.minor.build`. */
  currentFirmware: string;
  committedFirmware: string;
  /** v5+: mitigation vectors. */
  launchMitVector?: bigint;
  currentMitVector?: bigint;
  /** The 96-byte big-endian `r ‖ s` derived from the signature field; undefined when the field is malformed. */
  signatureRS?: Uint8Array;
  /** Why `signatureRS` is undefined (non-zero high bytes, zero component). */
  signatureProblem?: string;
}

/** Decodes a Milan/Genoa TCB_VERSION. */
export function decodeTcb(raw: Uint8Array): TcbVersion {
  if (raw.length !== SnpSize.TCB_VERSION) throw new EvidenceFormatError(`TCB_VERSION must be 8 bytes, got ${raw.length}`);
  return {raw: hex(raw), bl: raw[0], tee: raw[1], snp: raw[6], ucode: raw[7]};
}

/** `bl/tee/snp/ucode` text for details. */
export function tcbText(t: TcbVersion): string {
  return `bl ${t.bl}, tee ${t.tee}, snp ${t.snp}, ucode ${t.ucode}`;
}

/** Product from CPUID family/model (go-sev-guest's table; attestation.md §2.1). */
export function productFromCpuid(c: SnpCpuid): SnpProduct | undefined {
  if (c.family === 0x19 && c.model === 0x01) return 'Milan';
  if (c.family === 0x19 && c.model === 0x11) return 'Genoa';
  if (c.family === 0x1a && c.model === 0x02) return 'Turin';
  return undefined;
}

function isZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/**
 * Converts the signature field to big-endian `r ‖ s` (attestation.md §2.3 step 7): each of R (at 0x2A0)
 * and S (at 0x2E8) is a 72-byte little-endian integer whose bytes 48..71 must be zero; bytes 0..47 are
 * reversed. All-zero components are rejected, and so is any non-zero byte in the field's reserved
 * remainder (0x330..0x4A0), which the signature does not cover.
 */
export function snpSignatureToRS(report: Uint8Array): {rs?: Uint8Array; problem?: string} {
  const r = new Reader(report, 'SEV-SNP report');
  const comp = SnpSize.SIGNATURE_COMPONENT;
  const sig = SnpSize.P384_COMPONENT;
  const out = new Uint8Array(2 * sig);
  for (let k = 0; k < 2; k++) {
    const field = r.bytes(SnpOffset.SIGNATURE + k * comp, comp);
    const name = k === 0 ? 'R' : 'S';
    if (!isZero(field.subarray(sig))) return {problem: `signature ${name} has non-zero bytes beyond 48`};
    if (isZero(field.subarray(0, sig))) return {problem: `signature ${name} is zero`};
    for (let i = 0; i < sig; i++) out[k * sig + i] = field[sig - 1 - i];
  }
  // The rest of the 512-byte field is reserved and not covered by the signature: it must be zero.
  if (!isZero(r.bytes(SnpOffset.SIGNATURE + 2 * comp, SnpSize.SIGNATURE - 2 * comp))) {
    return {problem: 'reserved part of the signature field (0x330..0x4A0) is not zero'};
  }
  return {rs: out};
}

function firmware(r: Reader, buildOff: number): string {
  return `${r.u8(buildOff + 2)}.${r.u8(buildOff + 1)}.${r.u8(buildOff)}`;
}

/**
 * Parses an SEV-SNP attestation report (exactly 1184 bytes; attestation.md §2.1 and §2.3 step 1).
 * Does not verify anything; SIGNATURE_ALGO and the signature field's shape are reported, not enforced.
 * @throws EvidenceFormatError on a wrong size or a version whose layout is unknown.
 */
export function parseSnpReport(input: Uint8Array): SnpReport {
  if (input.length !== SNP_REPORT_SIZE) {
    throw new EvidenceFormatError(`SEV-SNP report must be ${SNP_REPORT_SIZE} bytes, got ${input.length}`);
  }
  const bytes = Uint8Array.from(input);
  const r = new Reader(bytes, 'SEV-SNP report');
  const O = SnpOffset;
  const S = SnpSize;
  const version = r.u32(O.VERSION);
  if (!SNP_KNOWN_VERSIONS.includes(version)) {
    throw new EvidenceFormatError(`SEV-SNP report version ${version} is not supported (known: ${SNP_KNOWN_VERSIONS.join(', ')})`);
  }
  const keyInfo = r.u32(O.KEY_INFO);
  let cpuid: SnpCpuid | undefined;
  if (version >= 3) {
    cpuid = {family: r.u8(O.CPUID_FAM_ID), model: r.u8(O.CPUID_MOD_ID), stepping: r.u8(O.CPUID_STEP)};
  }
  const sig = snpSignatureToRS(bytes);
  return {
    bytes,
    version,
    guestSvn: r.u32(O.GUEST_SVN),
    policy: r.u64(O.POLICY),
    familyId: r.bytes(O.FAMILY_ID, S.FAMILY_ID),
    imageId: r.bytes(O.IMAGE_ID, S.IMAGE_ID),
    vmpl: r.u32(O.VMPL),
    signatureAlgo: r.u32(O.SIGNATURE_ALGO),
    platformInfo: r.u64(O.PLATFORM_INFO),
    keyInfo,
    authorKeyEn: (keyInfo & 1) !== 0,
    maskChipKey: (keyInfo & 2) !== 0,
    signingKey: (keyInfo >>> 2) & 7,
    reportData: r.bytes(O.REPORT_DATA, S.REPORT_DATA),
    measurement: r.bytes(O.MEASUREMENT, S.MEASUREMENT),
    hostData: r.bytes(O.HOST_DATA, S.HOST_DATA),
    idKeyDigest: r.bytes(O.ID_KEY_DIGEST, S.ID_KEY_DIGEST),
    authorKeyDigest: r.bytes(O.AUTHOR_KEY_DIGEST, S.AUTHOR_KEY_DIGEST),
    reportId: r.bytes(O.REPORT_ID, S.REPORT_ID),
    reportIdMa: r.bytes(O.REPORT_ID_MA, S.REPORT_ID_MA),
    currentTcbRaw: r.bytes(O.CURRENT_TCB, S.TCB_VERSION),
    reportedTcbRaw: r.bytes(O.REPORTED_TCB, S.TCB_VERSION),
    committedTcbRaw: r.bytes(O.COMMITTED_TCB, S.TCB_VERSION),
    launchTcbRaw: r.bytes(O.LAUNCH_TCB, S.TCB_VERSION),
    cpuid,
    cpuidProduct: cpuid ? productFromCpuid(cpuid) : undefined,
    chipId: r.bytes(O.CHIP_ID, S.CHIP_ID),
    currentFirmware: firmware(r, O.CURRENT_BUILD),
    committedFirmware: firmware(r, O.COMMITTED_BUILD),
    launchMitVector: version >= 5 ? r.u64(O.LAUNCH_MIT_VECTOR) : undefined,
    currentMitVector: version >= 5 ? r.u64(O.CURRENT_MIT_VECTOR) : undefined,
    signatureRS: sig.rs,
    signatureProblem: sig.problem,
  };
}

/** True when POLICY bit `bit` is set. */
export function policyBit(policy: bigint, bit: number): boolean {
  return ((policy >> BigInt(bit)) & 1n) === 1n;
}

/** A JSON-friendly summary of a report (hex for byte fields), for `attest show` and verdict output. */
export function summarizeSnpReport(rep: SnpReport): Record<string, unknown> {
  return {
    version: rep.version,
    guestSvn: rep.guestSvn,
    policy: '0x' + rep.policy.toString(16),
    debug: policyBit(rep.policy, SnpPolicyBit.DEBUG),
    migrateMa: policyBit(rep.policy, SnpPolicyBit.MIGRATE_MA),
    vmpl: rep.vmpl,
    signatureAlgo: rep.signatureAlgo,
    platformInfo: '0x' + rep.platformInfo.toString(16),
    signingKey: rep.signingKey === SnpSigningKey.VCEK ? 'VCEK' : rep.signingKey === SnpSigningKey.VLEK ? 'VLEK' : `other(${rep.signingKey})`,
    maskChipKey: rep.maskChipKey,
    reportData: hex(rep.reportData),
    measurement: hex(rep.measurement),
    hostData: hex(rep.hostData),
    familyId: hex(rep.familyId),
    imageId: hex(rep.imageId),
    idKeyDigest: hex(rep.idKeyDigest),
    authorKeyDigest: hex(rep.authorKeyDigest),
    reportId: hex(rep.reportId),
    chipId: hex(rep.chipId),
    cpuid: rep.cpuid,
    cpuidProduct: rep.cpuidProduct,
    currentTcb: hex(rep.currentTcbRaw),
    reportedTcb: hex(rep.reportedTcbRaw),
    committedTcb: hex(rep.committedTcbRaw),
    launchTcb: hex(rep.launchTcbRaw),
    currentFirmware: rep.currentFirmware,
    committedFirmware: rep.committedFirmware,
    launchMitVector: rep.launchMitVector === undefined ? undefined : '0x' + rep.launchMitVector.toString(16),
    currentMitVector: rep.currentMitVector === undefined ? undefined : '0x' + rep.currentMitVector.toString(16),
  };
}
