/**
 * NVIDIA Hopper GPU evidence verification, offline steps 1–7 of attestation.md §3.3: evidence format,
 * device certificate chain to the pinned NVIDIA Device Identity CA, SPDM signature, nonce, FWID, and
 * versions. RIM comparison (step 8) and OCSP (step 9) need NVIDIA's online services; offline they are
 * recorded as `missing` (so the verdict is `unverifiable` unless a policy explicitly accepts the gap), and
 * the online stages (`nvidia/rim.ts`, `nvidia/ocsp.ts`) put their outcome in place of those checks.
 * Evidence JSON without a `nonce` has its nonce check `missing` unless the verifier gives the nonce it chose.
 * Pure: `now` in Unix seconds is an argument.
 */
import {verify as cryptoVerify} from 'node:crypto';
import * as der from '../der.js';
import {base64ToBytes, decodeBytes, isText, MAX_EVIDENCE_BYTES} from '../detect.js';
import {CheckList, EvidenceFormatError, hex, type Check, type Verdict} from '../types.js';
import {bytesEqual, findExtension, isoTime, parsePemChain, sha256Hex, verifyIssuedBy, type ParsedCert} from '../x509.js';
import {driverVersion, measurementHex, NvOpaque, opaqueField, parseSpdmEvidence, vbiosVersion, type SpdmEvidence} from './spdm.js';

/** SHA-256 (lower-case hex) of the DER of `CN=NVIDIA Device Identity CA` (nvtrust `verifier_device_root.pem`). */
export const NVIDIA_DEVICE_ROOT_SHA256 = '102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48';
/** Certificates in a Hopper device chain: FMC leaf, BROM, Provisioner ICA, GH100 Identity, Device Identity CA. */
export const NVIDIA_CHAIN_LENGTH = 5;
/** TCG DICE extension carrying the FWID on the leaf. */
export const OID_TCG_DICE_FWID = '2.23.133.5.4.1';
/** id-sha384. */
const OID_SHA384 = '2.16.840.1.101.3.4.2.2';
/** FWID size (SHA-384), bytes. */
export const FWID_SIZE = 48;
/** Common-name prefix of Hopper device leaf certificates (`GH100 A01 GSP FMC LF`). */
const HOPPER_LEAF_PREFIX = 'GH100 ';
/** The only architecture whose evidence layout is implemented. */
export const NVIDIA_ARCH_HOPPER = 'HOPPER';

/** nvtrust-style GPU evidence as served by a worker's `/gpu` endpoint. */
export interface NvtrustEvidence {
  /**
   * 64 hex characters: the nonce the evidence was requested with. Evidence from elsewhere may lack it
   * ({@link parseNvtrustJson} allows that; the nonce check is then missing).
   */
  nonce: string;
  arch: string;
  evidence_list: {certificate: string; evidence: string}[];
}

/** One GPU's decoded entry. */
export interface GpuEntry {
  /** PEM text of the device chain, leaf first; undefined when not supplied (raw evidence). */
  certChainPem?: string;
  /** Raw SPDM request ‖ response. */
  evidence: Uint8Array;
}

/** Input to {@link verifyGpuEvidence}. */
export interface GpuVerifyInput {
  /**
   * nvtrust JSON (text, bytes of the text, or the parsed object), or raw SPDM evidence bytes
   * (binary, hex or base64) together with `certChainPem`.
   */
  evidence: string | Uint8Array | NvtrustEvidence;
  /** PEM chain for raw SPDM evidence (leaf first). Ignored for JSON evidence. */
  certChainPem?: string;
  /**
   * The nonce the verifier chose (64 hex characters or 32 bytes). Without it, the request nonce is only
   * compared with the JSON `nonce` (which proves nothing about freshness on its own); for raw evidence
   * without it the nonce check is missing and the verdict is `unverifiable`.
   */
  expectedNonce?: string | Uint8Array;
  /** Verification time, Unix seconds. */
  now: number;
  /** Extra root certificate DER SHA-256 pins (e.g. a devnet's chain); a GPU anchored on one is marked `dev`. */
  dangerousExtraRootSha256?: string[];
}

/** Per-GPU facts from the evidence. */
export interface GpuInfo {
  index: number;
  /** The SPDM request nonce, lower-case hex. */
  nonce: string;
  /** Driver version text, e.g. `550.144.03`. */
  driver?: string;
  /** VBIOS version, e.g. `96.00.9F.00.02`. */
  vbios?: string;
  /** Measurement block values in record order, lower-case hex. */
  measurements: string[];
  /** FWID from the opaque data, lower-case hex. */
  fwid?: string;
  /** Leaf certificate subject. */
  leaf?: string;
  /** True when the chain ended on a `dangerousExtraRootSha256` root. */
  dev?: boolean;
}

/** Result of {@link verifyGpuEvidence}. */
export interface GpuVerifyResult {
  verdict: Verdict;
  checks: Check[];
  reasons: string[];
  /** Checks recorded as skipped (online-only steps): `name: why`. */
  notChecked: string[];
  arch?: string;
  /** The JSON `nonce`, lower-case hex, when the evidence was JSON. */
  jsonNonce?: string;
  gpus: GpuInfo[];
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * Parses nvtrust-style GPU evidence JSON (attestation.md §0, §3.3 step 1): `certificate` is base64 of the
 * PEM chain, `evidence` base64 of the SPDM bytes.
 * @throws EvidenceFormatError on a malformed document or a worker `error` object.
 */
export function parseNvtrustJson(input: string | Uint8Array | object): {nonce?: string; arch: string; entries: GpuEntry[]} {
  let doc: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
    if (text.length > MAX_EVIDENCE_BYTES) throw new EvidenceFormatError('GPU evidence JSON is too large');
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new EvidenceFormatError(`GPU evidence is not JSON: ${msg(e)}`);
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new EvidenceFormatError('GPU evidence JSON must be an object');
  const o = doc as Record<string, unknown>;
  if (o.error !== undefined && o.evidence_list === undefined) throw new EvidenceFormatError(`worker reported no GPU evidence: ${String(o.error).slice(0, 200)}`);
  // An absent nonce is allowed here (the nonce check then has nothing to compare with: missing); a present
  // but malformed one is not.
  if (o.nonce !== undefined && (typeof o.nonce !== 'string' || !HEX64.test(o.nonce))) throw new EvidenceFormatError('GPU evidence JSON: nonce must be 64 hex characters');
  if (typeof o.arch !== 'string') throw new EvidenceFormatError('GPU evidence JSON: arch must be a string');
  if (!Array.isArray(o.evidence_list) || o.evidence_list.length === 0) throw new EvidenceFormatError('GPU evidence JSON: evidence_list must be a non-empty array');
  const entries = o.evidence_list.map((e: unknown, i: number): GpuEntry => {
    if (typeof e !== 'object' || e === null) throw new EvidenceFormatError(`GPU evidence JSON: evidence_list[${i}] must be an object`);
    const x = e as Record<string, unknown>;
    if (typeof x.certificate !== 'string') throw new EvidenceFormatError(`evidence_list[${i}].certificate must be a base64 string`);
    if (typeof x.evidence !== 'string') throw new EvidenceFormatError(`evidence_list[${i}].evidence must be a base64 string`);
    const pem = Buffer.from(base64ToBytes(x.certificate, `evidence_list[${i}].certificate`)).toString('latin1');
    return {certChainPem: pem, evidence: base64ToBytes(x.evidence, `evidence_list[${i}].evidence`)};
  });
  return {...(typeof o.nonce === 'string' ? {nonce: o.nonce.toLowerCase()} : {}), arch: o.arch, entries};
}

function looksLikeJson(input: string | Uint8Array): boolean {
  if (typeof input === 'string') return input.trimStart().startsWith('{');
  if (!isText(input)) return false;
  for (const b of input) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b;
  }
  return false;
}

/**
 * The FWID in the leaf's `2.23.133.5.4.1` extension: the 48-byte OCTET STRING that follows the id-sha384
 * OID inside a SEQUENCE (NVIDIA's layout puts it last: SEQUENCE { version, SPKI, SEQUENCE { sha384, fwid } }).
 * Exactly one such digest must be present.
 */
export function leafFwid(leaf: ParsedCert): Uint8Array {
  const ext = findExtension(leaf, OID_TCG_DICE_FWID);
  if (!ext) throw new EvidenceFormatError(`leaf certificate has no ${OID_TCG_DICE_FWID} (FWID) extension`);
  const found: Uint8Array[] = [];
  const walk = (n: der.DerNode, depth: number): void => {
    if (depth > 8 || (n.tag & 0x20) === 0) return;
    const kids = der.children(n);
    if (n.tag === der.Tag.SEQUENCE && kids.length === 2 && kids[0].tag === der.Tag.OID && kids[1].tag === der.Tag.OCTET_STRING) {
      if (der.oid(kids[0]) === OID_SHA384 && kids[1].end - kids[1].valueStart === FWID_SIZE) found.push(der.value(kids[1]));
      return;
    }
    for (const k of kids) walk(k, depth + 1);
  };
  try {
    walk(der.parse(ext.value), 0);
  } catch (e) {
    throw new EvidenceFormatError(`FWID extension is malformed: ${msg(e)}`);
  }
  if (found.length !== 1) throw new EvidenceFormatError(`FWID extension holds ${found.length} SHA-384 digests, expected 1`);
  return found[0];
}

/** Bound on remembered certificate-signature results. */
const LINK_CACHE_MAX = 512;
const linkCache = new Map<string, boolean>();

/**
 * `verifyIssuedBy` with a bounded memo keyed by SHA-256 of both certificates' DER. The upper three
 * certificates of every Hopper chain are shared by all GPUs, and a client re-verifies the same worker
 * often; the result for a given pair of certificates never changes, so remembering it is safe.
 */
function issuedByCached(cert: ParsedCert, issuer: ParsedCert): boolean {
  const key = sha256Hex(cert.der) + sha256Hex(issuer.der);
  const hit = linkCache.get(key);
  if (hit !== undefined) return hit;
  const ok = verifyIssuedBy(cert, issuer);
  if (linkCache.size >= LINK_CACHE_MAX) linkCache.delete(linkCache.keys().next().value as string);
  linkCache.set(key, ok);
  return ok;
}

/** Forgets remembered certificate-signature results (for benchmarks measuring the uncached cost). */
export function clearGpuChainCache(): void {
  linkCache.clear();
}

function normalizeNonce(n: string | Uint8Array): string | undefined {
  if (typeof n === 'string') return HEX64.test(n.trim()) ? n.trim().toLowerCase() : undefined;
  return n.length === 32 ? hex(n) : undefined;
}

function isP384(c: ParsedCert): boolean {
  return c.publicKey.asymmetricKeyType === 'ec' && c.publicKey.asymmetricKeyDetails?.namedCurve === 'secp384r1';
}

/** Checks a device chain (§3.3 step 3). Returns the failure text, or undefined plus whether a dev root anchored it. */
function chainProblem(certs: ParsedCert[], now: number, extraRoots: string[]): {problem?: string; dev?: boolean} {
  if (certs.length !== NVIDIA_CHAIN_LENGTH) return {problem: `chain has ${certs.length} certificates, expected ${NVIDIA_CHAIN_LENGTH}`};
  for (let i = 0; i < certs.length; i++) {
    const c = certs[i];
    const cn = c.subject;
    if (now < c.notBefore) return {problem: `certificate ${i} (${cn}) not yet valid (notBefore ${isoTime(c.notBefore)})`};
    if (now > c.notAfter) return {problem: `certificate ${i} (${cn}) expired (notAfter ${isoTime(c.notAfter)})`};
    const issuer = i + 1 < certs.length ? certs[i + 1] : c;
    if (!issuedByCached(c, issuer)) {
      return {problem: i + 1 < certs.length ? `certificate ${i} (${cn}) is not issued by certificate ${i + 1} (${issuer.subject})` : `root (${cn}) is not self-signed`};
    }
    if (i > 0 && !c.isCA) return {problem: `certificate ${i} (${cn}) is not a CA`};
    if (i === 0 && c.isCA) return {problem: `leaf (${cn}) must not be a CA`};
  }
  const rootHash = sha256Hex(certs[certs.length - 1].der);
  if (rootHash === NVIDIA_DEVICE_ROOT_SHA256) return {};
  if (extraRoots.includes(rootHash)) return {dev: true};
  return {problem: `root SHA-256 ${rootHash} is not the pinned NVIDIA Device Identity CA ${NVIDIA_DEVICE_ROOT_SHA256}`};
}

/**
 * Verifies NVIDIA Hopper GPU evidence at `now` (attestation.md §3.3 steps 1–7; 8–9 recorded as skipped).
 * Checks, in order, per GPU: `nvidia.arch`, `nvidia.evidence.parse`, `nvidia.chain`, `nvidia.signature`,
 * `nvidia.nonce`, `nvidia.fwid`, `nvidia.versions`, `nvidia.rim` (skipped), `nvidia.ocsp` (skipped).
 * With several GPUs each detail starts with `GPU <i>:`. Never throws.
 */
export function verifyGpuEvidence(input: GpuVerifyInput): GpuVerifyResult {
  const list = new CheckList();
  const gpus: GpuInfo[] = [];
  const out: {arch?: string; jsonNonce?: string} = {};
  try {
    runGpu(input, list, gpus, out);
  } catch (e) {
    list.fail('nvidia.error', `unexpected error: ${msg(e)}`);
  }
  return {
    verdict: list.verdict(),
    checks: list.checks,
    reasons: list.reasons(),
    notChecked: list.checks.filter((c) => c.skipped).map((c) => `${c.name}: ${c.detail}`),
    ...out,
    gpus,
  };
}

function runGpu(input: GpuVerifyInput, list: CheckList, gpus: GpuInfo[], out: {arch?: string; jsonNonce?: string}): void {
  const now = input.now;
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    list.fail('nvidia.evidence.parse', 'now must be a finite number of Unix seconds');
    return;
  }
  const extraRoots = (input.dangerousExtraRootSha256 ?? []).map((s) => s.toLowerCase());
  let expected: string | undefined;
  let badExpected = false;
  if (input.expectedNonce !== undefined) {
    expected = normalizeNonce(input.expectedNonce);
    badExpected = expected === undefined;
  }

  // Step 1: decode.
  let entries: GpuEntry[];
  const ev = input.evidence;
  const isJson = typeof ev === 'object' && !(ev instanceof Uint8Array) ? true : looksLikeJson(ev as string | Uint8Array);
  if (isJson) {
    let parsed: ReturnType<typeof parseNvtrustJson>;
    try {
      parsed = parseNvtrustJson(ev);
    } catch (e) {
      list.fail('nvidia.evidence.parse', msg(e));
      return;
    }
    out.arch = parsed.arch;
    if (parsed.nonce !== undefined) out.jsonNonce = parsed.nonce;
    entries = parsed.entries;
    list.check(
      'nvidia.arch',
      parsed.arch.toUpperCase() === NVIDIA_ARCH_HOPPER,
      `${NVIDIA_ARCH_HOPPER}, ${entries.length} GPU${entries.length === 1 ? '' : 's'}`,
      `arch "${parsed.arch.slice(0, 40)}" is not supported (only ${NVIDIA_ARCH_HOPPER})`,
    );
  } else {
    try {
      entries = [{certChainPem: input.certChainPem, evidence: decodeBytes(ev as string | Uint8Array, 'GPU evidence')}];
    } catch (e) {
      list.fail('nvidia.evidence.parse', msg(e));
      return;
    }
  }
  if (badExpected) list.fail('nvidia.nonce', 'expected nonce must be 64 hex characters (32 bytes)');

  const multi = entries.length > 1;
  entries.forEach((entry, i) => verifyOne(entry, i, multi, list, gpus, {now, extraRoots, expected, jsonNonce: out.jsonNonce, badExpected, archFromLeaf: !isJson}));
}

interface OneOptions {
  now: number;
  extraRoots: string[];
  expected?: string;
  jsonNonce?: string;
  badExpected: boolean;
  /** Raw evidence states no architecture: take it from the leaf certificate's CN (`GH100 …` = Hopper). */
  archFromLeaf: boolean;
}

function verifyOne(entry: GpuEntry, index: number, multi: boolean, list: CheckList, gpus: GpuInfo[], o: OneOptions): void {
  const pre = multi ? `GPU ${index}: ` : '';
  // Step 2: parse the SPDM evidence.
  let spdm: SpdmEvidence;
  try {
    spdm = parseSpdmEvidence(entry.evidence);
  } catch (e) {
    list.fail('nvidia.evidence.parse', pre + msg(e));
    return;
  }
  const driver = driverVersion(spdm);
  const vbios = vbiosVersion(spdm);
  const fwidOpaque = opaqueField(spdm, NvOpaque.FWID);
  const info: GpuInfo = {
    index,
    nonce: hex(spdm.requestNonce),
    driver,
    vbios,
    measurements: measurementHex(spdm),
    fwid: fwidOpaque ? hex(fwidOpaque) : undefined,
  };
  gpus.push(info);
  list.pass(
    'nvidia.evidence.parse',
    `${pre}SPDM 1.1, ${spdm.bytes.length} bytes, ${spdm.blocks.length} measurement blocks, ${spdm.opaque.length} opaque fields (${spdm.opaqueLength} bytes)`,
  );

  // Step 3: certificate chain. `leaf` is the parsed leaf even when the chain fails (then `trusted` is false
  // and the verdict is already invalid); the later checks still report what they find.
  let leaf: ParsedCert | undefined;
  let trusted = false;
  if (entry.certChainPem === undefined) {
    if (o.archFromLeaf) list.missing('nvidia.arch', `${pre}raw evidence without a certificate chain: architecture unknown`);
    list.missing('nvidia.chain', `${pre}raw SPDM evidence needs its PEM certificate chain`);
  } else {
    try {
      const certs = parsePemChain(entry.certChainPem);
      leaf = certs[0];
      info.leaf = leaf.subject;
      if (o.archFromLeaf) {
        const cn = /(?:^|, )CN=([^,]*)/.exec(leaf.subject)?.[1] ?? '';
        list.check('nvidia.arch', cn.startsWith(HOPPER_LEAF_PREFIX), `${pre}${NVIDIA_ARCH_HOPPER} (leaf "${cn}")`, `${pre}leaf "${cn.slice(0, 60)}" is not a Hopper (${HOPPER_LEAF_PREFIX}) device`);
      }
      const {problem, dev} = chainProblem(certs, o.now, o.extraRoots);
      if (problem) list.fail('nvidia.chain', pre + problem);
      else if (dev) {
        trusted = true;
        info.dev = true;
        list.warn('nvidia.chain', `${pre}chain ends on a non-NVIDIA (dev) root: not hardware attestation`);
      } else {
        trusted = true;
        list.pass('nvidia.chain', `${pre}${NVIDIA_CHAIN_LENGTH} certificates to the pinned NVIDIA Device Identity CA`);
      }
    } catch (e) {
      list.fail('nvidia.chain', `${pre}certificate chain unusable: ${msg(e)}`);
    }
  }
  const untrusted = trusted ? '' : ' (leaf not trusted)';

  // Step 4: signature over request ‖ response up to the signature, with the leaf key.
  if (!leaf) {
    if (entry.certChainPem === undefined) list.missing('nvidia.signature', `${pre}no leaf certificate to verify the signature with`);
    else list.fail('nvidia.signature', `${pre}no leaf certificate to verify the signature with`);
  } else if (!isP384(leaf)) {
    list.fail('nvidia.signature', `${pre}leaf key is not ECDSA P-384`);
  } else {
    let ok = false;
    try {
      ok = cryptoVerify('sha384', spdm.bytes.subarray(0, spdm.signatureOffset), {key: leaf.publicKey, dsaEncoding: 'ieee-p1363'}, spdm.signature);
    } catch {
      ok = false;
    }
    list.check(
      'nvidia.signature',
      ok,
      `${pre}ECDSA P-384/SHA-384 over ${spdm.signatureOffset} bytes verifies with the leaf key${untrusted}`,
      `${pre}SPDM signature does not verify with the leaf key`,
    );
  }

  // Step 5: nonce.
  const got = info.nonce;
  if (o.badExpected) {
    // Already recorded once for the whole evidence.
  } else if (o.expected !== undefined) {
    if (got !== o.expected) list.fail('nvidia.nonce', `${pre}request nonce ${got} ≠ expected ${o.expected}`);
    else if (o.jsonNonce !== undefined && o.jsonNonce !== o.expected) list.fail('nvidia.nonce', `${pre}JSON nonce ${o.jsonNonce} ≠ expected ${o.expected}`);
    else list.pass('nvidia.nonce', `${pre}request nonce = expected ${got}`);
  } else if (o.jsonNonce !== undefined) {
    list.check('nvidia.nonce', got === o.jsonNonce, `${pre}request nonce = JSON nonce ${got} (bind it to the CPU report for freshness)`, `${pre}request nonce ${got} ≠ JSON nonce ${o.jsonNonce}`);
  } else {
    list.missing('nvidia.nonce', `${pre}no nonce to compare with (the evidence JSON names none and the verifier gave none); request nonce is ${got}`);
  }

  // Step 6: FWID.
  if (!leaf) {
    if (entry.certChainPem === undefined) list.missing('nvidia.fwid', `${pre}no leaf certificate to compare the FWID with`);
    else list.fail('nvidia.fwid', `${pre}no leaf certificate to compare the FWID with`);
  } else {
    try {
      const certFwid = leafFwid(leaf);
      if (!fwidOpaque) list.fail('nvidia.fwid', `${pre}evidence has no FWID (opaque type 20)`);
      else {
        list.check(
          'nvidia.fwid',
          bytesEqual(certFwid, fwidOpaque),
          `${pre}FWID ${hex(fwidOpaque).slice(0, 16)}… matches the leaf certificate${untrusted}`,
          `${pre}evidence FWID ${hex(fwidOpaque).slice(0, 16)}… ≠ leaf FWID ${hex(certFwid).slice(0, 16)}…`,
        );
      }
    } catch (e) {
      list.fail('nvidia.fwid', pre + msg(e));
    }
  }

  // Step 7: versions.
  list.check(
    'nvidia.versions',
    driver !== undefined && driver.length > 0 && vbios !== undefined,
    `${pre}driver ${driver}, VBIOS ${vbios}`,
    `${pre}evidence lacks ${driver ? '' : 'the driver version (opaque 3) '}${vbios ? '' : 'the VBIOS version (opaque 6)'}`.trim(),
  );

  // Steps 8–9: online only.
  list.missing('nvidia.rim', `${pre}golden measurements need NVIDIA's RIM service (driver ${driver ?? '?'}, VBIOS ${vbios ?? '?'}); not appraised offline (--online asks it)`);
  list.missing('nvidia.ocsp', `${pre}certificate revocation needs NVIDIA's OCSP service; not checked offline (--online asks it)`);
}
