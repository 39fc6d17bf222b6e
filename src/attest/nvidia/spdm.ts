/**
 * NVIDIA Hopper GPU attestation report: an SPDM 1.1 GET_MEASUREMENTS request followed by the
 * MEASUREMENTS response (attestation.md §3.1; DMTF DSP0274 1.1 §10.11). Parsed structurally: the
 * signature is located from the record and opaque lengths, never assumed to be the last 96 bytes.
 *
 * Trailing data: bytes after the signature are not covered by it, so a buffer that carries any is
 * rejected (`EvidenceFormatError`). Real Hopper reports end exactly at the signature.
 */
import {EvidenceFormatError, hex, Reader} from '../types.js';

/** SPDM version byte for 1.1. */
export const SPDM_VERSION_11 = 0x11;
/** Request code GET_MEASUREMENTS. */
export const SPDM_GET_MEASUREMENTS = 0xe0;
/** Response code MEASUREMENTS. */
export const SPDM_MEASUREMENTS = 0x60;
/** GET_MEASUREMENTS param1 bit 0: signature requested. */
export const SPDM_PARAM1_SIGNATURE = 0x01;
/** GET_MEASUREMENTS param2 0xFF: all measurement blocks. */
export const SPDM_ALL_BLOCKS = 0xff;
/** Measurement block `spec` (MeasurementSpecification) bit for the DMTF format. */
export const SPDM_MEAS_SPEC_DMTF = 0x01;

/** Request layout (37 bytes with a signature requested). */
export const SpdmRequest = {
  VERSION: 0,
  CODE: 1,
  PARAM1: 2,
  PARAM2: 3,
  NONCE: 4,
  SLOT: 36,
  SIZE: 37,
} as const;

/** Response layout, offsets from the response start. */
export const SpdmResponse = {
  VERSION: 0,
  CODE: 1,
  PARAM1: 2,
  PARAM2: 3,
  NUM_BLOCKS: 4,
  RECORD_LENGTH: 5,
  RECORD: 8,
  /** After the record: responder nonce. */
  NONCE_SIZE: 32,
  /** After the nonce: opaque length u16. */
  OPAQUE_LENGTH_SIZE: 2,
} as const;

/** SPDM nonce size, bytes. */
export const SPDM_NONCE_SIZE = 32;
/** ECDSA P-384 raw signature size (`r ‖ s`, 48 bytes each, big-endian). */
export const P384_SIGNATURE_SIZE = 96;
/** Measurement block header: index u8, spec u8, size u16. */
const BLOCK_HEADER = 4;
/** DMTF measurement header: type u8, value size u16. */
const DMTF_HEADER = 3;
/** Opaque element header: type u16, size u16. */
const OPAQUE_HEADER = 4;

/** NVIDIA opaque data types (nvtrust local verifier; attestation.md §3.1). */
export const NvOpaque = {
  CERT_ISSUER_NAME: 1,
  CERT_AUTHORITY_KEY_ID: 2,
  DRIVER_VERSION: 3,
  GPU_INFO: 4,
  SKU: 5,
  VBIOS_VERSION: 6,
  MANUFACTURER_ID: 7,
  TAMPER_DETECTION: 8,
  SMC: 9,
  VPR: 10,
  NVDEC0_STATUS: 11,
  MSRSCNT: 12,
  CPRINFO: 13,
  BOARD_ID: 14,
  CHIP_SKU: 15,
  CHIP_SKU_MOD: 16,
  PROJECT: 17,
  PROJECT_SKU: 18,
  PROJECT_SKU_MOD: 19,
  FWID: 20,
  PROTECTED_PCIE_STATUS: 21,
  SWITCH_PDI: 22,
  FLOORSWEPT_PORTS: 23,
  POSITION_ID: 24,
  LOCK_SWITCH_STATUS: 25,
  GPU_LINK_CONN: 32,
  SYS_ENABLE_STATUS: 33,
  OPAQUE_DATA_VERSION: 34,
  CHIP_INFO: 35,
  FEATURE_FLAG: 36,
} as const;

/** One measurement block (DMTF format). */
export interface MeasurementBlock {
  index: number;
  spec: number;
  /** DMTFSpecMeasurementValueType (bit 7 = raw bit stream). */
  valueType: number;
  /** The measurement value (a SHA-384 digest on Hopper). */
  value: Uint8Array;
}

/** One opaque TLV. */
export interface OpaqueField {
  type: number;
  value: Uint8Array;
}

/** A parsed GET_MEASUREMENTS request + MEASUREMENTS response. Byte fields are views into `bytes`. */
export interface SpdmEvidence {
  /** The whole evidence (a copy). */
  bytes: Uint8Array;
  requestNonce: Uint8Array;
  slot: number;
  responseParam1: number;
  responseParam2: number;
  blocks: MeasurementBlock[];
  /** Measurement record length L1. */
  recordLength: number;
  responderNonce: Uint8Array;
  /** Opaque data length L2. */
  opaqueLength: number;
  opaque: OpaqueField[];
  /** Offset of the signature = length of the signed bytes (`37 + 42 + L1 + L2`). */
  signatureOffset: number;
  /** 96-byte ECDSA P-384 `r ‖ s`. */
  signature: Uint8Array;
}

/**
 * Parses Hopper SPDM evidence (attestation.md §3.1, §3.3 step 2): version/codes, record length equal to
 * the sum of the blocks (and the block count), opaque TLVs exactly filling L2 (unknown types kept, skipped
 * by length), and a 96-byte signature ending the buffer.
 * @throws EvidenceFormatError on any structural problem, including bytes after the signature.
 */
export function parseSpdmEvidence(input: Uint8Array): SpdmEvidence {
  const bytes = Uint8Array.from(input);
  const r = new Reader(bytes, 'SPDM evidence');
  const Q = SpdmRequest;
  if (bytes.length < Q.SIZE) throw new EvidenceFormatError(`SPDM evidence is ${bytes.length} bytes, shorter than the ${Q.SIZE}-byte request`);
  if (r.u8(Q.VERSION) !== SPDM_VERSION_11) throw new EvidenceFormatError(`SPDM request version 0x${r.u8(Q.VERSION).toString(16)} is not 0x11`);
  if (r.u8(Q.CODE) !== SPDM_GET_MEASUREMENTS) throw new EvidenceFormatError(`SPDM request code 0x${r.u8(Q.CODE).toString(16)} is not GET_MEASUREMENTS (0xe0)`);
  if ((r.u8(Q.PARAM1) & SPDM_PARAM1_SIGNATURE) === 0) throw new EvidenceFormatError('SPDM request does not ask for a signature');
  if (r.u8(Q.PARAM2) !== SPDM_ALL_BLOCKS) throw new EvidenceFormatError(`SPDM request param2 0x${r.u8(Q.PARAM2).toString(16)} is not 0xff (all blocks)`);
  const requestNonce = r.bytes(Q.NONCE, SPDM_NONCE_SIZE);
  const slot = r.u8(Q.SLOT);

  const base = Q.SIZE;
  const P = SpdmResponse;
  if (r.u8(base + P.VERSION) !== SPDM_VERSION_11) throw new EvidenceFormatError(`SPDM response version 0x${r.u8(base + P.VERSION).toString(16)} is not 0x11`);
  if (r.u8(base + P.CODE) !== SPDM_MEASUREMENTS) throw new EvidenceFormatError(`SPDM response code 0x${r.u8(base + P.CODE).toString(16)} is not MEASUREMENTS (0x60)`);
  const numBlocks = r.u8(base + P.NUM_BLOCKS);
  const recordLength = r.u24(base + P.RECORD_LENGTH);
  const recStart = base + P.RECORD;
  const recEnd = recStart + recordLength;
  r.bytes(recStart, recordLength);
  const blocks: MeasurementBlock[] = [];
  let p = recStart;
  while (p < recEnd) {
    if (p + BLOCK_HEADER > recEnd) throw new EvidenceFormatError(`measurement block header at ${p} overruns the record`);
    const index = r.u8(p);
    const spec = r.u8(p + 1);
    const size = r.u16(p + 2);
    const body = p + BLOCK_HEADER;
    if (body + size > recEnd) throw new EvidenceFormatError(`measurement block ${index} (${size} bytes) overruns the record`);
    if ((spec & SPDM_MEAS_SPEC_DMTF) === 0) throw new EvidenceFormatError(`measurement block ${index} is not in the DMTF format (spec 0x${spec.toString(16)})`);
    if (size < DMTF_HEADER) throw new EvidenceFormatError(`measurement block ${index} is too short for a DMTF header`);
    const valueType = r.u8(body);
    const valueSize = r.u16(body + 1);
    if (DMTF_HEADER + valueSize !== size) throw new EvidenceFormatError(`measurement block ${index}: value size ${valueSize} does not match block size ${size}`);
    blocks.push({index, spec, valueType, value: r.bytes(body + DMTF_HEADER, valueSize)});
    p = body + size;
  }
  if (blocks.length !== numBlocks) throw new EvidenceFormatError(`measurement record holds ${blocks.length} blocks, header says ${numBlocks}`);

  const responderNonce = r.bytes(recEnd, SPDM_NONCE_SIZE);
  const opaqueLenOff = recEnd + P.NONCE_SIZE;
  const opaqueLength = r.u16(opaqueLenOff);
  const opStart = opaqueLenOff + P.OPAQUE_LENGTH_SIZE;
  const opEnd = opStart + opaqueLength;
  r.bytes(opStart, opaqueLength);
  const opaque: OpaqueField[] = [];
  p = opStart;
  while (p < opEnd) {
    if (p + OPAQUE_HEADER > opEnd) throw new EvidenceFormatError(`opaque element header at ${p} overruns the opaque data`);
    const type = r.u16(p);
    const size = r.u16(p + 2);
    if (p + OPAQUE_HEADER + size > opEnd) throw new EvidenceFormatError(`opaque element type ${type} (${size} bytes) overruns the opaque data`);
    opaque.push({type, value: r.bytes(p + OPAQUE_HEADER, size)});
    p += OPAQUE_HEADER + size;
  }

  const signatureOffset = opEnd;
  if (signatureOffset + P384_SIGNATURE_SIZE > bytes.length) {
    throw new EvidenceFormatError(`SPDM evidence ends before the 96-byte signature at ${signatureOffset} (${bytes.length} bytes)`);
  }
  const signature = r.bytes(signatureOffset, P384_SIGNATURE_SIZE);
  const trailing = bytes.length - (signatureOffset + P384_SIGNATURE_SIZE);
  if (trailing !== 0) throw new EvidenceFormatError(`${trailing} unsigned bytes after the SPDM signature`);

  return {
    bytes,
    requestNonce,
    slot,
    responseParam1: r.u8(base + P.PARAM1),
    responseParam2: r.u8(base + P.PARAM2),
    blocks,
    recordLength,
    responderNonce,
    opaqueLength,
    opaque,
    signatureOffset,
    signature,
  };
}

/** The first opaque field of a type, if any. */
export function opaqueField(ev: SpdmEvidence, type: number): Uint8Array | undefined {
  return ev.opaque.find((f) => f.type === type)?.value;
}

/** Driver version text (opaque type 3: ASCII, NUL-terminated). */
export function driverVersion(ev: SpdmEvidence): string | undefined {
  const v = opaqueField(ev, NvOpaque.DRIVER_VERSION);
  if (!v) return undefined;
  const end = v.indexOf(0);
  return Buffer.from(v.subarray(0, end < 0 ? v.length : end)).toString('latin1');
}

/** VBIOS version (opaque type 6, 8 bytes) printed as `b3.b2.b1.b0.b4` in upper-case hex, e.g. `96.00.9F.00.02`. */
export function vbiosVersion(ev: SpdmEvidence): string | undefined {
  const v = opaqueField(ev, NvOpaque.VBIOS_VERSION);
  if (!v || v.length < 5) return undefined;
  return [v[3], v[2], v[1], v[0], v[4]].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('.');
}

/** ASCII text of an opaque field without trailing NULs. */
export function opaqueText(ev: SpdmEvidence, type: number): string | undefined {
  const v = opaqueField(ev, type);
  if (!v) return undefined;
  const end = v.indexOf(0);
  return Buffer.from(v.subarray(0, end < 0 ? v.length : end)).toString('latin1');
}

/** Measurement values as lower-case hex, by block order. */
export function measurementHex(ev: SpdmEvidence): string[] {
  return ev.blocks.map((b) => hex(b.value));
}
