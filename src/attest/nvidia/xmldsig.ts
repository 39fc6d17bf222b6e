/**
 * XML-DSig (XML Signature Syntax and Processing 1.1) verification of enveloped signatures as NVIDIA signs
 * its reference integrity manifests: one `ds:Signature` child of the document element whose single
 * `ds:Reference URI=""` covers the whole document through the transforms enveloped-signature then
 * Canonical XML 1.1 (inclusive, without comments), ECDSA over the canonical `ds:SignedInfo`, and a
 * `ds:KeyInfo/ds:X509Data` holding the signer's certificate first and its issuers after it.
 *
 * Canonical XML 1.1 (W3C REC 2008-05-02) is implemented for the trees {@link parseXml} produces (which has
 * no DOCTYPE, no CDATA, no processing instructions; comments are dropped, matching "without comments"):
 * - §2.1/§2.3 element start tags carry namespace declarations (default first, then by prefix) and then
 *   attributes sorted by namespace URI (no namespace first) and local name; empty elements are written as
 *   start-end tag pairs; nothing outside the document element is written (no comments, no PIs).
 * - §2.3 a namespace declaration is written on an element only when its value differs from the one in
 *   scope at the nearest written ancestor (`xmlns=""` only to undo a non-empty default); for a document
 *   subset (the `SignedInfo` apex) every namespace in scope is written on the apex.
 * - §2.4 (1.1) inheritable `xml:*` attributes of omitted ancestors are not supported: a SignedInfo whose
 *   ancestors carry any `xml:` attribute is rejected rather than canonicalized approximately.
 * - Escaping of text (`&amp; &lt; &gt; &#xD;`) and attribute values (`&amp; &lt; &quot; &#x9; &#xA; &#xD;`).
 *
 * Trust: the chain is the embedded certificates except the last one (NVIDIA's local verifier does not rely
 * on it either), each issued by the next and valid at `now`, and the last kept one issued by a root whose
 * DER SHA-256 is one of the pinned values. Candidate roots are the caller's certificates and the last
 * embedded one (NVIDIA RIMs end with their root, so the pin alone authenticates it). Pure: text, certificates and time in; a result out.
 */
import {createHash, verify as cryptoVerify} from 'node:crypto';
import {childElements, parseXml, textContent, type XmlElement, type XmlNode} from '../xml.js';
import {isoTime, parseCertDer, parsePemChain, sha256Hex, validAt, verifyIssuedBy, type ParsedCert} from '../x509.js';

/** XML-DSig namespace. */
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
/** Canonical XML 1.1 without comments (the only canonicalization accepted). */
export const C14N11 = 'http://www.w3.org/2006/12/xml-c14n11';
/** Enveloped signature transform (XML-DSig §6.6.4). */
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
/** Namespace of `xml:` attributes. */
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Digest methods accepted (RFC 6931 §2.1), URI → Node hash name. */
export const DIGEST_METHODS: Readonly<Record<string, string>> = {
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};
/** ECDSA signature methods accepted (RFC 6931 §2.3.6), URI → Node hash name. */
export const SIGNATURE_METHODS: Readonly<Record<string, string>> = {
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': 'sha384',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512': 'sha512',
};

/**
 * SHA-256 (lower-case hex) of the DER of NVIDIA's RIM signing root, "NVIDIA CoRIM signing Root CA"
 * (valid 2023-03-16 to 2053-03-08), as shipped in NVIDIA nvtrust
 * `guest_tools/gpu_verifiers/local_gpu_verifier/src/verifier/certs/verifier_RIM_root.pem`.
 */
export const NVIDIA_RIM_ROOT_SHA256 = '12977b5115acb0381179279fffeb5a8c4d264971ebb32298023a465fa41df5d1';

/** Outcome of {@link verifyEnvelopedSignature}. */
export interface XmlDsigResult {
  ok: boolean;
  /** Why verification failed (first problem found), when `ok` is false. */
  problem?: string;
  /** Signer certificate subject, when the KeyInfo could be read. */
  signer?: string;
  /** SHA-256 of the root the chain ended on, when it did. */
  rootSha256?: string;
}

/** Input of {@link verifyEnvelopedSignature}. */
export interface XmlDsigInput {
  /** The signed document, as text. */
  xml: string;
  /**
   * Extra candidate root certificates (PEM or DER). The last embedded certificate is always a candidate
   * too; whichever is used must have its DER SHA-256 in `trustedRootSha256`.
   */
  roots?: (string | Uint8Array)[];
  /** Lower-case hex SHA-256 of the DER of each acceptable root (the pin, e.g. {@link NVIDIA_RIM_ROOT_SHA256}). */
  trustedRootSha256: string[];
  /** Verification time, Unix seconds. */
  now: number;
}

class DsigError extends Error {}

function fail(message: string): never {
  throw new DsigError(message);
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;');
}

/** Code-point order of two strings (Canonical XML sorts by UCS code point, not UTF-16 unit). */
function cmp(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

/**
 * Canonical XML 1.1 (without comments) of the subtree rooted at `apex`.
 * @param inherited namespaces in scope at `apex`'s parent (prefix → URI, '' = default); for a whole
 *   document this is empty, for a document subset it is what the omitted ancestors declared.
 * @param omit an element to leave out with its subtree (the enveloped signature), if any.
 */
export function canonicalize(apex: XmlElement, inherited: ReadonlyMap<string, string> = new Map(), omit?: XmlElement): string {
  const out: string[] = [];
  // `rendered` is the namespace context of the nearest written ancestor; for the apex that is nothing.
  const walk = (el: XmlElement, scopeAbove: ReadonlyMap<string, string>, rendered: ReadonlyMap<string, string>): void => {
    const scope = new Map(scopeAbove);
    for (const [p, uri] of el.declarations) scope.set(p, uri);
    const decls: [string, string][] = [];
    for (const [p, uri] of scope) {
      if (p === 'xml') continue;
      const before = rendered.get(p) ?? '';
      if (p === '') {
        if (uri !== before) decls.push(['', uri]);
      } else if (!rendered.has(p) || before !== uri) decls.push([p, uri]);
    }
    decls.sort((a, b) => cmp(a[0], b[0]));
    const attrs = [...el.attributes].sort((a, b) => cmp(a.ns, b.ns) || cmp(a.local, b.local));
    out.push('<', el.qname);
    for (const [p, uri] of decls) out.push(p === '' ? ' xmlns="' : ` xmlns:${p}="`, escapeAttr(uri), '"');
    for (const a of attrs) out.push(' ', a.qname, '="', escapeAttr(a.value), '"');
    out.push('>');
    const next = new Map(rendered);
    for (const [p, uri] of decls) next.set(p, uri);
    for (const c of el.children) {
      if (c.kind === 'text') out.push(escapeText(c.text));
      else if (c !== omit) walk(c, scope, next);
    }
    out.push('</', el.qname, '>');
  };
  walk(apex, inherited, new Map());
  return out.join('');
}

/** Elements from the document element down to `target` (inclusive), or undefined when not in the tree. */
function pathTo(root: XmlElement, target: XmlElement): XmlElement[] | undefined {
  if (root === target) return [root];
  for (const c of root.children) {
    if (c.kind !== 'element') continue;
    const p = pathTo(c, target);
    if (p) return [root, ...p];
  }
  return undefined;
}

function countElements(node: XmlNode, ns: string, local: string): number {
  if (node.kind !== 'element') return 0;
  let n = node.ns === ns && node.local === local ? 1 : 0;
  for (const c of node.children) n += countElements(c, ns, local);
  return n;
}

/** Exactly one child element `ds:local` of `parent`. */
function dsOne(parent: XmlElement, local: string): XmlElement {
  const found = childElements(parent, DSIG_NS, local);
  if (found.length !== 1) fail(`${parent.local} must have exactly one ${local} (found ${found.length})`);
  return found[0];
}

function algorithm(el: XmlElement): string {
  const a = el.attributes.find((x) => x.ns === '' && x.local === 'Algorithm');
  if (!a) fail(`${el.local} has no Algorithm`);
  return a.value;
}

/** Strict base64 (XML Schema base64Binary: whitespace allowed between characters). */
function base64(text: string, what: string): Buffer {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) fail(`${what} is not base64`);
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.toString('base64') !== compact) fail(`${what} is not canonical base64`);
  return bytes;
}

/** Only whitespace text among a dsig element's children (no mixed content). */
function elementOnly(el: XmlElement): void {
  for (const c of el.children) if (c.kind === 'text' && c.text.trim() !== '') fail(`${el.local} holds text`);
}

function loadRoots(roots: (string | Uint8Array)[]): ParsedCert[] {
  const out: ParsedCert[] = [];
  for (const r of roots) {
    if (typeof r === 'string') out.push(...parsePemChain(r));
    else out.push(parseCertDer(r));
  }
  return out;
}

function verifyChain(certs: ParsedCert[], roots: ParsedCert[], trusted: Set<string>, now: number): string {
  for (let i = 0; i < certs.length; i++) {
    const c = certs[i];
    if (!validAt(c, now)) fail(`certificate ${i} (${c.subject}) is not valid at ${isoTime(now)} (${isoTime(c.notBefore)} to ${isoTime(c.notAfter)})`);
    if (i > 0 && !c.isCA) fail(`certificate ${i} (${c.subject}) is not a CA`);
    if (i + 1 < certs.length && !verifyIssuedBy(c, certs[i + 1])) fail(`certificate ${i} (${c.subject}) is not issued by certificate ${i + 1}`);
  }
  const top = certs[certs.length - 1];
  for (const root of roots) {
    const h = sha256Hex(root.der);
    if (!trusted.has(h)) continue;
    if (!validAt(root, now) || !root.isCA) continue;
    if (verifyIssuedBy(top, root)) return h;
  }
  fail(`certificate ${certs.length - 1} (${top.subject}) is not issued by a trusted RIM root`);
}

/**
 * Verifies the enveloped XML-DSig signature of `input.xml` (module header): structure, reference digest
 * over the canonical document without its Signature, ECDSA signature over the canonical SignedInfo with the
 * first certificate's key, and the certificate chain (last embedded certificate left out) to a trusted
 * root at `input.now`. Never throws: malformed input gives `ok: false` with the reason.
 */
export function verifyEnvelopedSignature(input: XmlDsigInput): XmlDsigResult {
  const res: XmlDsigResult = {ok: false};
  try {
    const root = parseXml(input.xml);
    if (countElements(root, DSIG_NS, 'Signature') !== 1) fail('the document must hold exactly one ds:Signature');
    const sig = dsOne(root, 'Signature');
    elementOnly(sig);
    const sigChildren = childElements(sig);
    const sigLocals = sigChildren.map((c) => (c.ns === DSIG_NS ? c.local : `{${c.ns}}${c.local}`));
    if (sigLocals.join(',') !== 'SignedInfo,SignatureValue,KeyInfo') fail(`Signature children must be SignedInfo, SignatureValue, KeyInfo (found ${sigLocals.join(', ')})`);
    const signedInfo = sigChildren[0];
    elementOnly(signedInfo);
    const siLocals = childElements(signedInfo).map((c) => (c.ns === DSIG_NS ? c.local : `{${c.ns}}${c.local}`));
    if (siLocals.join(',') !== 'CanonicalizationMethod,SignatureMethod,Reference') fail(`SignedInfo children must be CanonicalizationMethod, SignatureMethod and one Reference (found ${siLocals.join(', ')})`);
    const c14nMethod = dsOne(signedInfo, 'CanonicalizationMethod');
    if (algorithm(c14nMethod) !== C14N11 || childElements(c14nMethod).length) fail(`CanonicalizationMethod ${algorithm(c14nMethod).slice(0, 80)} is not Canonical XML 1.1`);
    const sigAlg = SIGNATURE_METHODS[algorithm(dsOne(signedInfo, 'SignatureMethod'))];
    if (!sigAlg) fail(`SignatureMethod ${algorithm(dsOne(signedInfo, 'SignatureMethod')).slice(0, 80)} is not supported`);
    const ref = dsOne(signedInfo, 'Reference');
    elementOnly(ref);
    const uri = ref.attributes.find((a) => a.ns === '' && a.local === 'URI');
    if (!uri || uri.value !== '') fail('Reference must have URI="" (the whole document)');
    const refLocals = childElements(ref).map((c) => (c.ns === DSIG_NS ? c.local : `{${c.ns}}${c.local}`));
    if (refLocals.join(',') !== 'Transforms,DigestMethod,DigestValue') fail(`Reference children must be Transforms, DigestMethod, DigestValue (found ${refLocals.join(', ')})`);
    const transforms = dsOne(ref, 'Transforms');
    elementOnly(transforms);
    const tList = childElements(transforms);
    if (tList.length !== 2 || tList.some((t) => t.ns !== DSIG_NS || t.local !== 'Transform' || childElements(t).length) || algorithm(tList[0]) !== ENVELOPED_SIGNATURE || algorithm(tList[1]) !== C14N11) {
      fail('Transforms must be exactly enveloped-signature then Canonical XML 1.1');
    }
    const digestAlg = DIGEST_METHODS[algorithm(dsOne(ref, 'DigestMethod'))];
    if (!digestAlg) fail(`DigestMethod ${algorithm(dsOne(ref, 'DigestMethod')).slice(0, 80)} is not supported`);
    const digestValue = base64(textContent(dsOne(ref, 'DigestValue')), 'DigestValue');
    const signatureValue = base64(textContent(sigChildren[1]), 'SignatureValue');

    // Certificates: KeyInfo/X509Data/X509Certificate × n, signer first.
    const keyInfo = sigChildren[2];
    elementOnly(keyInfo);
    const x509Data = dsOne(keyInfo, 'X509Data');
    elementOnly(x509Data);
    if (childElements(keyInfo).length !== 1) fail('KeyInfo must hold only X509Data');
    const certEls = childElements(x509Data);
    if (certEls.some((c) => c.ns !== DSIG_NS || c.local !== 'X509Certificate')) fail('X509Data must hold only X509Certificate elements');
    if (certEls.length < 2) fail(`X509Data holds ${certEls.length} certificate(s); at least the signer and the certificate after it are needed`);
    const certs = certEls.map((c, i) => parseCertDer(base64(textContent(c), `X509Certificate ${i}`)));
    res.signer = certs[0].subject;

    // Reference digest: the document without the Signature, canonicalized.
    const docC14n = canonicalize(root, new Map(), sig);
    const digest = createHash(digestAlg).update(docC14n, 'utf8').digest();
    if (!digest.equals(digestValue)) fail(`Reference digest mismatch: the signed document was changed (computed ${digest.toString('base64')})`);

    // SignedInfo as a document subset: ancestors' namespaces in scope, no inheritable xml:* from them.
    const path = pathTo(root, signedInfo)!;
    const inherited = new Map<string, string>();
    for (const anc of path.slice(0, -1)) {
      if (anc.attributes.some((a) => a.ns === XML_NS)) fail(`ancestor ${anc.qname} of SignedInfo carries xml: attributes (not supported)`);
      for (const [p, u] of anc.declarations) inherited.set(p, u);
    }
    const siC14n = canonicalize(signedInfo, inherited);
    const leaf = certs[0];
    if (leaf.publicKey.asymmetricKeyType !== 'ec') fail('signer key is not an EC key');
    if (leaf.keyUsage !== undefined && !(leaf.keyUsage & (1 << 0))) fail('signer certificate does not allow digitalSignature');
    let sigOk = false;
    try {
      sigOk = cryptoVerify(sigAlg, Buffer.from(siC14n, 'utf8'), {key: leaf.publicKey, dsaEncoding: 'ieee-p1363'}, signatureValue);
    } catch {
      sigOk = false;
    }
    if (!sigOk) fail(`SignatureValue does not verify with the key of ${leaf.subject}`);

    // Chain: every embedded certificate but the last, then a trusted root. The last embedded certificate
    // is only a candidate root: it counts when its DER matches a pin, like any supplied root.
    const roots = [...loadRoots(input.roots ?? []), certs[certs.length - 1]];
    res.rootSha256 = verifyChain(certs.slice(0, -1), roots, new Set(input.trustedRootSha256.map((s) => s.toLowerCase())), input.now);
    res.ok = true;
    return res;
  } catch (e) {
    res.ok = false;
    res.problem = e instanceof Error ? e.message : String(e);
    delete res.rootSha256;
    return res;
  }
}
