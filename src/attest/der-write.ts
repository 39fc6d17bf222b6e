/**
 * A tiny DER (X.690) writer plus X.509 certificate and CRL builders (RFC 5280 §4.1, §5.1), signed with
 * ECDSA (P-256/SHA-256 or P-384/SHA-384) through node:crypto. Used to mint the devnet-only dev chain of
 * trust and negative test cases; nothing here is used when verifying.
 */
import {createPublicKey, sign as cryptoSign, type KeyObject} from 'node:crypto';

/** One encoded TLV. */
export type Der = Uint8Array;

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) out.unshift(x & 0xff);
  return [0x80 | out.length, ...out];
}

/** TLV with the given tag byte and content. */
export function tlv(tag: number, content: Uint8Array): Der {
  const len = lengthBytes(content.length);
  const out = new Uint8Array(1 + len.length + content.length);
  out[0] = tag;
  out.set(len, 1);
  out.set(content, 1 + len.length);
  return out;
}

/** Concatenation of byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const seq = (...items: Der[]): Der => tlv(0x30, concat(...items));
export const set = (...items: Der[]): Der => tlv(0x31, concat(...items));
/** Context-specific constructed `[n]` (EXPLICIT tagging). */
export const explicit = (n: number, ...items: Der[]): Der => tlv(0xa0 | n, concat(...items));
export const octets = (b: Uint8Array): Der => tlv(0x04, b);
export const utf8 = (s: string): Der => tlv(0x0c, Buffer.from(s, 'utf8'));
export const printable = (s: string): Der => tlv(0x13, Buffer.from(s, 'latin1'));
export const nul = (): Der => Uint8Array.of(0x05, 0x00);
export const bool = (b: boolean): Der => Uint8Array.of(0x01, 0x01, b ? 0xff : 0x00);

/** BIT STRING with `unused` unused bits in the last byte. */
export function bitString(b: Uint8Array, unused = 0): Der {
  return tlv(0x03, concat(Uint8Array.of(unused), b));
}

/** Non-negative INTEGER (minimal two's complement). */
export function int(v: number | bigint, tag = 0x02): Der {
  let x = BigInt(v);
  if (x < 0n) throw new RangeError('negative INTEGER');
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(x & 0xffn));
    x >>= 8n;
  } while (x > 0n);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(tag, Uint8Array.from(bytes));
}

/** ENUMERATED. */
export const enumerated = (v: number): Der => int(v, 0x0a);

/** OBJECT IDENTIFIER from dotted text. */
export function oid(dotted: string): Der {
  const p = dotted.split('.').map((s) => BigInt(s));
  if (p.length < 2) throw new RangeError(`bad OID ${dotted}`);
  const arcs = [p[0] * 40n + p[1], ...p.slice(2)];
  const out: number[] = [];
  for (const a of arcs) {
    const chunk: number[] = [];
    let x = a;
    do {
      chunk.unshift(Number(x & 0x7fn));
      x >>= 7n;
    } while (x > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5). `t` in Unix seconds. */
export function time(t: number): Der {
  const d = new Date(t * 1000);
  const y = d.getUTCFullYear();
  const p2 = (n: number) => String(n).padStart(2, '0');
  const rest = `${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(p2(y % 100) + rest, 'latin1'));
  return tlv(0x18, Buffer.from(String(y).padStart(4, '0') + rest, 'latin1'));
}

const NAME_OIDS: Record<string, string> = {CN: '2.5.4.3', C: '2.5.4.6', L: '2.5.4.7', ST: '2.5.4.8', O: '2.5.4.10', OU: '2.5.4.11'};

/** X.501 Name from `[attribute, value]` pairs, one RDN each (C as PrintableString, the rest UTF8String). */
export function name(attrs: Array<[string, string]>): Der {
  return seq(
    ...attrs.map(([k, v]) => {
      const o = NAME_OIDS[k] ?? k;
      return set(seq(oid(o), k === 'C' ? printable(v) : utf8(v)));
    }),
  );
}

/** One certificate extension. */
export interface ExtensionSpec {
  oid: string;
  critical?: boolean;
  /** DER of the extension value (wrapped in the extnValue OCTET STRING here). */
  value: Uint8Array;
}

function ecdsaAlgorithm(key: KeyObject): {hash: 'sha256' | 'sha384'; alg: Der} {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || (curve !== 'prime256v1' && curve !== 'secp384r1')) {
    throw new RangeError('signing key must be ECDSA P-256 or P-384');
  }
  return curve === 'secp384r1'
    ? {hash: 'sha384', alg: seq(oid('1.2.840.10045.4.3.3'))}
    : {hash: 'sha256', alg: seq(oid('1.2.840.10045.4.3.2'))};
}

/** Input for {@link buildCertificate}. Times in Unix seconds. */
export interface CertificateSpec {
  serial: bigint | number;
  issuer: Der;
  subject: Der;
  notBefore: number;
  notAfter: number;
  /** Subject public key. */
  publicKey: KeyObject;
  /** Issuer's private key (ECDSA). */
  signingKey: KeyObject;
  /** basicConstraints; omitted when undefined. */
  ca?: boolean;
  /** keyUsage bits (bit 0 = digitalSignature, 5 = keyCertSign, 6 = cRLSign); omitted when undefined. */
  keyUsage?: number;
  extensions?: ExtensionSpec[];
}

function keyUsageDer(bits: number): Der {
  let bytes = [bits & 0xff, (bits >> 8) & 0xff].map((b) => {
    let r = 0;
    for (let i = 0; i < 8; i++) if (b & (1 << i)) r |= 0x80 >> i;
    return r;
  });
  if (bytes[1] === 0) bytes = [bytes[0]];
  const last = bytes[bytes.length - 1];
  let unused = 0;
  while (unused < 7 && last !== 0 && (last & (1 << unused)) === 0) unused++;
  return bitString(Uint8Array.from(bytes), unused);
}

/** A signed X.509 v3 certificate (DER). */
export function buildCertificate(spec: CertificateSpec): Uint8Array {
  const {hash, alg} = ecdsaAlgorithm(spec.signingKey);
  const exts: Der[] = [];
  if (spec.ca !== undefined) exts.push(seq(oid('2.5.29.19'), bool(true), octets(seq(...(spec.ca ? [bool(true)] : [])))));
  if (spec.keyUsage !== undefined) exts.push(seq(oid('2.5.29.15'), bool(true), octets(keyUsageDer(spec.keyUsage))));
  for (const e of spec.extensions ?? []) exts.push(seq(oid(e.oid), ...(e.critical ? [bool(true)] : []), octets(e.value)));
  const pub = spec.publicKey.type === 'public' ? spec.publicKey : createPublicKey(spec.publicKey);
  const spki = pub.export({type: 'spki', format: 'der'});
  const tbs = seq(
    explicit(0, int(2)),
    int(spec.serial),
    alg,
    spec.issuer,
    seq(time(spec.notBefore), time(spec.notAfter)),
    spec.subject,
    new Uint8Array(spki),
    ...(exts.length ? [explicit(3, seq(...exts))] : []),
  );
  const sig = cryptoSign(hash, tbs, spec.signingKey);
  return seq(tbs, alg, bitString(sig));
}

/** Input for {@link buildCrl}. Times in Unix seconds. */
export interface CrlSpec {
  issuer: Der;
  thisUpdate: number;
  /** Omitted from the CRL when undefined (malformed per RFC 5280, for negative tests). */
  nextUpdate?: number;
  revoked?: Array<{serial: bigint | number; date: number}>;
  signingKey: KeyObject;
  crlNumber?: number;
}

/** A signed X.509 v2 CRL (DER). */
export function buildCrl(spec: CrlSpec): Uint8Array {
  const {hash, alg} = ecdsaAlgorithm(spec.signingKey);
  const revoked = spec.revoked ?? [];
  const tbs = seq(
    int(1),
    alg,
    spec.issuer,
    time(spec.thisUpdate),
    ...(spec.nextUpdate !== undefined ? [time(spec.nextUpdate)] : []),
    ...(revoked.length ? [seq(...revoked.map((r) => seq(int(r.serial), time(r.date))))] : []),
    explicit(0, seq(seq(oid('2.5.29.20'), octets(int(spec.crlNumber ?? 1))))),
  );
  const sig = cryptoSign(hash, tbs, spec.signingKey);
  return seq(tbs, alg, bitString(sig));
}

/** PEM text of DER certificates, 64-character lines, `\n` line ends. */
export function toPem(ders: Uint8Array[]): string {
  return ders
    .map((d) => {
      const b64 = Buffer.from(d).toString('base64');
      const lines = b64.match(/.{1,64}/g) ?? [];
      return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
    })
    .join('');
}
