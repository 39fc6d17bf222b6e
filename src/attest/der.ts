/**
 * A small, bounds-checked DER (X.690) reader: enough to walk certificates, CRLs and the vendor
 * extensions (Intel SGX, AMD VCEK, TCG DICE) without searching raw bytes for patterns.
 * Pure: bytes in, values out; every read is checked against the enclosing element's end.
 */

/** Universal tag numbers used here. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
} as const;

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

/** One decoded TLV element. `start` is the offset of the tag byte, `end` one past the value. */
export interface DerNode {
  tag: number;
  /** Offset of the tag byte in `buf`. */
  start: number;
  /** Offset of the first value byte. */
  valueStart: number;
  /** One past the last value byte. */
  end: number;
  buf: Uint8Array;
}

/** Reads the TLV at `offset`, not past `limit`. Only definite lengths (DER). */
export function readNode(buf: Uint8Array, offset = 0, limit = buf.length): DerNode {
  if (limit > buf.length) throw new DerError('limit beyond buffer');
  if (offset + 2 > limit) throw new DerError(`truncated DER at ${offset}`);
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte tags are not supported (at ${offset})`);
  let p = offset + 1;
  let len = buf[p++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError(`unsupported length form at ${offset}`);
    if (p + n > limit) throw new DerError(`truncated length at ${offset}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++];
  }
  const end = p + len;
  if (end > limit) throw new DerError(`element at ${offset} overruns its container (${end} > ${limit})`);
  return {tag, start: offset, valueStart: p, end, buf};
}

/** The value bytes of a node (a view, not a copy). */
export function value(n: DerNode): Uint8Array {
  return n.buf.subarray(n.valueStart, n.end);
}

/** The whole TLV bytes of a node (a view). */
export function raw(n: DerNode): Uint8Array {
  return n.buf.subarray(n.start, n.end);
}

/** Children of a constructed node (SEQUENCE, SET, or context-specific constructed). */
export function children(n: DerNode): DerNode[] {
  if ((n.tag & 0x20) === 0) throw new DerError(`tag 0x${n.tag.toString(16)} is not constructed`);
  const out: DerNode[] = [];
  let p = n.valueStart;
  while (p < n.end) {
    const c = readNode(n.buf, p, n.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** Parses a whole buffer as exactly one element (no trailing bytes). */
export function parse(buf: Uint8Array): DerNode {
  const n = readNode(buf, 0, buf.length);
  if (n.end !== buf.length) throw new DerError(`${buf.length - n.end} trailing bytes after DER element`);
  return n;
}

export function expectTag(n: DerNode, tag: number, what = 'element'): DerNode {
  if (n.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${n.tag.toString(16)}`);
  return n;
}

/** Dotted-decimal text of an OBJECT IDENTIFIER node. */
export function oid(n: DerNode): string {
  expectTag(n, Tag.OID, 'OID');
  const v = value(n);
  if (v.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    acc = acc * 128 + (v[i] & 0x7f);
    if ((v[i] & 0x80) === 0) {
      if (parts.length === 0) {
        const first = acc < 80 ? Math.floor(acc / 40) : 2;
        parts.push(first, acc - first * 40);
      } else parts.push(acc);
      acc = 0;
    } else if (i === v.length - 1) throw new DerError('truncated OID');
  }
  return parts.join('.');
}

/** Unsigned big integer of an INTEGER or ENUMERATED node (negative values rejected). */
export function bigint(n: DerNode): bigint {
  if (n.tag !== Tag.INTEGER && n.tag !== Tag.ENUMERATED) throw new DerError(`expected INTEGER, got 0x${n.tag.toString(16)}`);
  const v = value(n);
  if (v.length === 0) throw new DerError('empty INTEGER');
  if (v[0] & 0x80) throw new DerError('negative INTEGER');
  let x = 0n;
  for (const b of v) x = (x << 8n) | BigInt(b);
  return x;
}

/** Small non-negative INTEGER as a number. */
export function int(n: DerNode): number {
  const x = bigint(n);
  if (x > BigInt(Number.MAX_SAFE_INTEGER)) throw new DerError('INTEGER too large');
  return Number(x);
}

/** UTCTime or GeneralizedTime → Unix seconds. */
export function time(n: DerNode): number {
  const s = Buffer.from(value(n)).toString('latin1');
  let m: RegExpMatchArray | null;
  if (n.tag === Tag.UTC_TIME) {
    m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/);
    if (!m) throw new DerError(`bad UTCTime ${JSON.stringify(s)}`);
    const yy = Number(m[1]);
    const year = yy >= 50 ? 1900 + yy : 2000 + yy;
    return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
  }
  if (n.tag === Tag.GENERALIZED_TIME) {
    m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/);
    if (!m) throw new DerError(`bad GeneralizedTime ${JSON.stringify(s)}`);
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
  }
  throw new DerError(`expected a time, got tag 0x${n.tag.toString(16)}`);
}

/** Text of a string node (UTF8String, PrintableString, IA5String). */
export function text(n: DerNode): string {
  return Buffer.from(value(n)).toString(n.tag === Tag.UTF8_STRING ? 'utf8' : 'latin1');
}

/** BIT STRING contents without the unused-bits byte (which must be 0). */
export function bitString(n: DerNode): Uint8Array {
  expectTag(n, Tag.BIT_STRING, 'BIT STRING');
  const v = value(n);
  if (v.length === 0 || v[0] !== 0) throw new DerError('BIT STRING with unused bits');
  return v.subarray(1);
}
