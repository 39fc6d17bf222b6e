/**
 * AMD VCEK/VLEK certificate extensions (attestation.md §2.2; AMD "Versioned Chip Endorsement Key
 * (VCEK) Certificate and KDS Interface Specification"), and the pinned ARK keys.
 */
import * as der from '../der.js';
import {EvidenceFormatError} from '../types.js';
import {findExtension, type ParsedCert} from '../x509.js';
import type {SnpProduct} from './report.js';

/** SHA-256 (lower-case hex) of each product's ARK SubjectPublicKeyInfo DER, as published by AMD. */
export const AMD_ARK_SPKI_SHA256: Readonly<Record<SnpProduct, string>> = {
  Milan: '9f056bee44377e29308cb5ffa895bdfb62d18881fa6bed8d6f075b0204089cb9',
  Genoa: '429a69c9422aa258ee4d8db5fcda9c6470ef15f8cd5a9cebd6cbc7d90b863831',
  Turin: '4f125410563a2ab9a50356f9243f6fe0b6f73de98603f53f90339c70e9d7ad08',
};

/** AMD certificate extension OIDs (prefix 1.3.6.1.4.1.3704.1). */
export const AmdOid = {
  structVersion: '1.3.6.1.4.1.3704.1.1',
  productName: '1.3.6.1.4.1.3704.1.2',
  blSpl: '1.3.6.1.4.1.3704.1.3.1',
  teeSpl: '1.3.6.1.4.1.3704.1.3.2',
  snpSpl: '1.3.6.1.4.1.3704.1.3.3',
  ucodeSpl: '1.3.6.1.4.1.3704.1.3.8',
  hwId: '1.3.6.1.4.1.3704.1.4',
  cspId: '1.3.6.1.4.1.3704.1.5',
} as const;

/** Size of the hwID extension (= CHIP_ID), bytes. */
export const HWID_SIZE = 64;

/** The VCEK fields compared with the report. */
export interface VcekInfo {
  /** productName, e.g. `Milan-B0`; undefined when absent. */
  productName?: string;
  /** Product from the issuer CN (`SEV-Milan`) or productName; undefined when neither names a known one. */
  product?: SnpProduct;
  /** SPLs; undefined when the extension is absent. */
  bl?: number;
  tee?: number;
  snp?: number;
  ucode?: number;
  /** 64-byte hardware ID (VCEK only). */
  hwId?: Uint8Array;
}

function intExt(cert: ParsedCert, oid: string): number | undefined {
  const e = findExtension(cert, oid);
  if (!e) return undefined;
  try {
    return der.int(der.expectTag(der.parse(e.value), der.Tag.INTEGER, oid));
  } catch (err) {
    throw new EvidenceFormatError(`VCEK extension ${oid}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Maps a product label (`Milan`, `Milan-B0`, `SEV-Genoa`, …) to a known product. */
export function productFromName(name: string | undefined): SnpProduct | undefined {
  if (!name) return undefined;
  const m = /^(?:SEV-)?(Milan|Genoa|Turin)(?:-[A-Za-z0-9]+)?$/.exec(name.trim());
  return m ? (m[1] as SnpProduct) : undefined;
}

/** The CN value of a readable Name (`CN=SEV-Milan, …`). */
export function commonName(name: string): string | undefined {
  for (const part of name.split(', ')) if (part.startsWith('CN=')) return part.slice(3);
  return undefined;
}

/**
 * Reads the AMD extensions of a VCEK (or VLEK). The hwID value is the 64 raw bytes in extnValue;
 * an OCTET STRING wrapping them is accepted too.
 * @throws EvidenceFormatError when an extension is present but malformed.
 */
export function readVcekInfo(cert: ParsedCert): VcekInfo {
  let productName: string | undefined;
  const pn = findExtension(cert, AmdOid.productName);
  if (pn) {
    try {
      const n = der.parse(pn.value);
      productName = der.text(n);
    } catch {
      throw new EvidenceFormatError('VCEK productName extension is malformed');
    }
  }
  let hwId: Uint8Array | undefined;
  const hw = findExtension(cert, AmdOid.hwId);
  if (hw) {
    if (hw.value.length === HWID_SIZE) hwId = hw.value;
    else if (hw.value.length === HWID_SIZE + 2 && hw.value[0] === der.Tag.OCTET_STRING && hw.value[1] === HWID_SIZE) hwId = hw.value.subarray(2);
    else throw new EvidenceFormatError(`VCEK hwID extension is ${hw.value.length} bytes, expected ${HWID_SIZE}`);
  }
  const issuerProduct = productFromName(commonName(cert.issuer));
  return {
    productName,
    product: issuerProduct ?? productFromName(productName),
    bl: intExt(cert, AmdOid.blSpl),
    tee: intExt(cert, AmdOid.teeSpl),
    snp: intExt(cert, AmdOid.snpSpl),
    ucode: intExt(cert, AmdOid.ucodeSpl),
    hwId,
  };
}
