/**
 * Builds NVIDIA-style SPDM 1.1 evidence: a GET_MEASUREMENTS request followed by its signed MEASUREMENTS
 * response (DMTF DSP0274 1.1 §10.11; the layout of attestation.md §3.1), exactly what
 * `nvidia/spdm.ts` parses. Used for the devnet's dev attestation and for negative tests; the signature is
 * ECDSA P-384/SHA-384 (`r ‖ s`) over request ‖ response up to the signature, as Hopper GPUs sign it.
 */
import {sign as cryptoSign, type KeyObject} from 'node:crypto';
import {
  P384_SIGNATURE_SIZE,
  SPDM_ALL_BLOCKS,
  SPDM_GET_MEASUREMENTS,
  SPDM_MEAS_SPEC_DMTF,
  SPDM_MEASUREMENTS,
  SPDM_NONCE_SIZE,
  SPDM_PARAM1_SIGNATURE,
  SPDM_VERSION_11,
  SpdmRequest,
  SpdmResponse,
} from '../nvidia/spdm.js';

/** DMTFSpecMeasurementValueType: immutable ROM digest (bit 7 clear = digest, not raw bit stream). */
export const DMTF_VALUE_TYPE_DIGEST = 0x00;
/** Measurement block header (index, spec, size u16) and DMTF value header (type, size u16), bytes. */
const BLOCK_HEADER = 4;
const DMTF_HEADER = 3;
const OPAQUE_HEADER = 4;
/** Largest measurement record the u24 length field can describe. */
const MAX_RECORD = 0xffffff;

/** One measurement block to encode. */
export interface SpdmBlockSpec {
  /** Block index (1-based on Hopper). */
  index: number;
  /** DMTF value type (default {@link DMTF_VALUE_TYPE_DIGEST}). */
  valueType?: number;
  /** The value (48-byte SHA-384 digests on Hopper). */
  value: Uint8Array;
}

/** Input of {@link buildSpdmEvidence}. */
export interface SpdmBuildInput {
  /** Requester (verifier) nonce, 32 bytes. */
  requestNonce: Uint8Array;
  /** Responder (device) nonce, 32 bytes. */
  responderNonce: Uint8Array;
  blocks: SpdmBlockSpec[];
  /** Opaque TLVs `{type u16, size u16, value}` (NVIDIA types, attestation.md §3.1). */
  opaque: {type: number; value: Uint8Array}[];
  /** ECDSA P-384 private key of the device leaf certificate. */
  signingKey: KeyObject;
  /** Slot ID in the request (default 0). */
  slot?: number;
  /** Negative tests: bytes appended after the signature. */
  dangerousTrailing?: Uint8Array;
}

function u16(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError(`${n} does not fit in 16 bits`);
  return Uint8Array.of(n & 0xff, n >> 8);
}

/** Encodes and signs request ‖ response. */
export function buildSpdmEvidence(input: SpdmBuildInput): Uint8Array {
  if (input.requestNonce.length !== SPDM_NONCE_SIZE) throw new RangeError('request nonce must be 32 bytes');
  if (input.responderNonce.length !== SPDM_NONCE_SIZE) throw new RangeError('responder nonce must be 32 bytes');
  if (input.blocks.length === 0 || input.blocks.length > 0xff) throw new RangeError('1..255 measurement blocks');
  const key = input.signingKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'secp384r1') throw new RangeError('signing key must be ECDSA P-384');

  const request = new Uint8Array(SpdmRequest.SIZE);
  request[SpdmRequest.VERSION] = SPDM_VERSION_11;
  request[SpdmRequest.CODE] = SPDM_GET_MEASUREMENTS;
  request[SpdmRequest.PARAM1] = SPDM_PARAM1_SIGNATURE;
  request[SpdmRequest.PARAM2] = SPDM_ALL_BLOCKS;
  request.set(input.requestNonce, SpdmRequest.NONCE);
  request[SpdmRequest.SLOT] = input.slot ?? 0;

  const record = Buffer.concat(
    input.blocks.map((b) => {
      const size = DMTF_HEADER + b.value.length;
      return Buffer.concat([Uint8Array.of(b.index, SPDM_MEAS_SPEC_DMTF), u16(size), Uint8Array.of(b.valueType ?? DMTF_VALUE_TYPE_DIGEST), u16(b.value.length), b.value]);
    }),
  );
  if (record.length > MAX_RECORD) throw new RangeError('measurement record too long');
  const opaque = Buffer.concat(input.opaque.map((o) => Buffer.concat([u16(o.type), u16(o.value.length), o.value])));
  if (opaque.length > 0xffff) throw new RangeError('opaque data too long');

  const head = new Uint8Array(SpdmResponse.RECORD);
  head[SpdmResponse.VERSION] = SPDM_VERSION_11;
  head[SpdmResponse.CODE] = SPDM_MEASUREMENTS;
  head[SpdmResponse.NUM_BLOCKS] = input.blocks.length;
  head[SpdmResponse.RECORD_LENGTH] = record.length & 0xff;
  head[SpdmResponse.RECORD_LENGTH + 1] = (record.length >> 8) & 0xff;
  head[SpdmResponse.RECORD_LENGTH + 2] = (record.length >> 16) & 0xff;

  const signed = Buffer.concat([request, head, record, input.responderNonce, u16(opaque.length), opaque]);
  const signature = cryptoSign('sha384', signed, {key, dsaEncoding: 'ieee-p1363'});
  if (signature.length !== P384_SIGNATURE_SIZE) throw new Error('unexpected P-384 signature size');
  return Uint8Array.from(Buffer.concat([signed, signature, input.dangerousTrailing ?? new Uint8Array(0)]));
}

/** Opaque value for a driver version (type 3): ASCII, NUL-terminated. */
export function driverVersionOpaque(version: string): Uint8Array {
  return Uint8Array.from(Buffer.concat([Buffer.from(version, 'latin1'), Buffer.of(0)]));
}

/**
 * Opaque value for a VBIOS version (type 6, 8 bytes) from its printed form `b3.b2.b1.b0.b4`
 * (e.g. `96.00.9F.00.02` → `00 9f 00 96 02 00 00 00`).
 */
export function vbiosVersionOpaque(printed: string): Uint8Array {
  const parts = printed.split('.').map((p) => parseInt(p, 16));
  if (parts.length !== 5 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 0xff)) throw new RangeError(`VBIOS version "${printed}" is not five hex bytes`);
  const [b3, b2, b1, b0, b4] = parts;
  return Uint8Array.of(b0, b1, b2, b3, b4, 0, 0, 0);
}

/** Size of an opaque element on the wire (for callers that budget lengths). */
export function opaqueElementSize(value: Uint8Array): number {
  return OPAQUE_HEADER + value.length;
}

/** Size of a measurement block on the wire. */
export function blockSize(value: Uint8Array): number {
  return BLOCK_HEADER + DMTF_HEADER + value.length;
}
