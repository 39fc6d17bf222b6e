/**
 * Intel SGX PCK certificate extension (OID 1.2.840.113741.1.13.1), attestation.md §1.2 and Intel's
 * "SGX PCK Certificate and CRL Profile". Walked with the DER reader — no byte-pattern searches.
 */
import * as der from '../der.js';
import {EvidenceFormatError, hex} from '../types.js';
import {findExtension, type ParsedCert} from '../x509.js';

/** OID of the SGX extension and its members. */
export const SGX_EXTENSION_OID = '1.2.840.113741.1.13.1';
const PPID = `${SGX_EXTENSION_OID}.1`;
const TCB = `${SGX_EXTENSION_OID}.2`;
const PCEID = `${SGX_EXTENSION_OID}.3`;
const FMSPC = `${SGX_EXTENSION_OID}.4`;
const SGX_TYPE = `${SGX_EXTENSION_OID}.5`;
const PLATFORM_INSTANCE_ID = `${SGX_EXTENSION_OID}.6`;
const PCESVN_SUFFIX = 17;
const CPUSVN_SUFFIX = 18;
const COMPONENT_COUNT = 16;
const PPID_SIZE = 16;
const PCEID_SIZE = 2;
const FMSPC_SIZE = 6;
const CPUSVN_SIZE = 16;

/** Values of the SGX extension. Hex is lower-case. */
export interface PckExtension {
  ppid: string;
  /** The 16 TCB component SVNs (`.2.1`..`.2.16`). */
  compSvn: number[];
  pceSvn: number;
  cpuSvn: string;
  pceId: string;
  fmspc: string;
  /** 0 standard, 1 scalable, 2 scalable with integrity. */
  sgxType: number;
  platformInstanceId?: string;
}

function octetsOf(n: der.DerNode, size: number, what: string): Uint8Array {
  der.expectTag(n, der.Tag.OCTET_STRING, what);
  const v = der.value(n);
  if (v.length !== size) throw new der.DerError(`${what} must be ${size} bytes, got ${v.length}`);
  return v;
}

/** Reads (OID, value) pairs of a SEQUENCE into a map, rejecting duplicates. */
function pairs(n: der.DerNode, what: string): Map<string, der.DerNode> {
  const out = new Map<string, der.DerNode>();
  for (const item of der.children(der.expectTag(n, der.Tag.SEQUENCE, what))) {
    const kids = der.children(der.expectTag(item, der.Tag.SEQUENCE, what));
    if (kids.length !== 2) throw new der.DerError(`${what}: entry must be (OID, value)`);
    const o = der.oid(kids[0]);
    if (out.has(o)) throw new der.DerError(`${what}: duplicate ${o}`);
    out.set(o, kids[1]);
  }
  return out;
}

function need(m: Map<string, der.DerNode>, o: string): der.DerNode {
  const n = m.get(o);
  if (!n) throw new der.DerError(`missing ${o}`);
  return n;
}

/**
 * Parses the DER value of the SGX extension.
 * @throws EvidenceFormatError on a missing member, wrong size or malformed DER.
 */
export function parseSgxExtension(value: Uint8Array): PckExtension {
  try {
    const top = pairs(der.parse(value), 'SGX extension');
    const tcb = pairs(need(top, TCB), 'SGX TCB');
    const compSvn: number[] = [];
    for (let i = 1; i <= COMPONENT_COUNT; i++) {
      const v = der.int(need(tcb, `${TCB}.${i}`));
      if (v > 255) throw new der.DerError(`component SVN ${i} out of range`);
      compSvn.push(v);
    }
    const pceSvn = der.int(need(tcb, `${TCB}.${PCESVN_SUFFIX}`));
    if (pceSvn > 0xffff) throw new der.DerError('PCESVN out of range');
    const cpuSvn = octetsOf(need(tcb, `${TCB}.${CPUSVN_SUFFIX}`), CPUSVN_SIZE, 'CPUSVN');
    const typeNode = need(top, SGX_TYPE);
    if (typeNode.tag !== der.Tag.ENUMERATED) throw new der.DerError('SGX type must be ENUMERATED');
    const pi = top.get(PLATFORM_INSTANCE_ID);
    return {
      ppid: hex(octetsOf(need(top, PPID), PPID_SIZE, 'PPID')),
      compSvn,
      pceSvn,
      cpuSvn: hex(cpuSvn),
      pceId: hex(octetsOf(need(top, PCEID), PCEID_SIZE, 'PCE-ID')),
      fmspc: hex(octetsOf(need(top, FMSPC), FMSPC_SIZE, 'FMSPC')),
      sgxType: der.int(typeNode),
      ...(pi && pi.tag === der.Tag.OCTET_STRING ? {platformInstanceId: hex(der.value(pi))} : {}),
    };
  } catch (e) {
    if (e instanceof EvidenceFormatError) throw e;
    throw new EvidenceFormatError(`PCK SGX extension: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * The SGX extension of a PCK certificate.
 * @throws EvidenceFormatError when it is absent or malformed.
 */
export function pckExtensionOf(cert: ParsedCert): PckExtension {
  const ext = findExtension(cert, SGX_EXTENSION_OID);
  if (!ext) throw new EvidenceFormatError('PCK certificate has no SGX extension (1.2.840.113741.1.13.1)');
  return parseSgxExtension(ext.value);
}
