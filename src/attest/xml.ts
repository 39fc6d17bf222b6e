/**
 * A small, strict XML reader for signed manifests (NVIDIA RIMs: ISO/IEC 19770-2 SWID tags). It reads the
 * subset such documents use — an optional XML declaration, elements, attributes, character data, comments,
 * the five predefined entities and character references, namespaces (Namespaces in XML 1.0) — and rejects
 * everything else: DOCTYPE and entity declarations, CDATA sections, processing instructions other than the
 * declaration, undeclared prefixes, duplicate attributes, mismatched tags, content after the root element.
 *
 * Pure: text in, a tree out. Limits on size, depth and element count bound the work on hostile input.
 */
import {EvidenceFormatError} from './types.js';

/** Largest document accepted, characters (NVIDIA RIMs are about 20 KB). */
export const MAX_XML_CHARS = 2 * 1024 * 1024;
/** Deepest element nesting accepted. */
export const MAX_XML_DEPTH = 32;
/** Most elements accepted in one document. */
export const MAX_XML_ELEMENTS = 20_000;

/** Namespace of the `xml` prefix (Namespaces in XML 1.0 §3). */
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
/** Namespace of `xmlns` declarations. */
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** One attribute, with its namespace resolved (`ns` is '' for unprefixed attributes). */
export interface XmlAttribute {
  /** Qualified name as written, e.g. `ns2:Hash0`. */
  qname: string;
  ns: string;
  local: string;
  value: string;
}

/** One element. `children` holds elements and text nodes in document order. */
export interface XmlElement {
  kind: 'element';
  qname: string;
  ns: string;
  local: string;
  /** Attributes other than namespace declarations, in document order. */
  attributes: XmlAttribute[];
  /** Namespace declarations made on this element: prefix ('' for the default namespace) → URI. */
  declarations: Map<string, string>;
  children: XmlNode[];
}

/** Character data (entity and character references already replaced). */
export interface XmlText {
  kind: 'text';
  text: string;
}

export type XmlNode = XmlElement | XmlText;

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?$/;
const PREDEFINED: Record<string, string> = {lt: '<', gt: '>', amp: '&', quot: '"', apos: "'"};

function err(message: string, at: number): never {
  throw new EvidenceFormatError(`XML: ${message} at offset ${at}`);
}

/** Replaces entity and character references; rejects anything else after `&`. */
function unescape(s: string, at: number): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;]{0,12});?/g, (m, body: string) => {
    if (!m.endsWith(';')) err('unterminated reference', at);
    if (body in PREDEFINED) return PREDEFINED[body];
    const num = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(body);
    if (!num) err(`unknown entity "&${body.slice(0, 12)};"`, at);
    const cp = num[1] !== undefined ? parseInt(num[1], 16) : parseInt(num[2], 10);
    const allowed = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
    if (!allowed) err(`character reference to U+${cp.toString(16)} is not an XML character`, at);
    return String.fromCodePoint(cp);
  });
}

interface RawElement {
  qname: string;
  rawAttrs: {qname: string; value: string}[];
  children: XmlNode[];
  scope: Map<string, string>;
  declarations: Map<string, string>;
  at: number;
}

function splitName(qname: string): {prefix: string; local: string} {
  const i = qname.indexOf(':');
  return i < 0 ? {prefix: '', local: qname} : {prefix: qname.slice(0, i), local: qname.slice(i + 1)};
}

/**
 * Parses a document and returns its root element.
 * @throws EvidenceFormatError on anything outside the supported subset or not well-formed.
 */
export function parseXml(text: string): XmlElement {
  if (typeof text !== 'string') throw new EvidenceFormatError('XML: input must be text');
  if (text.length > MAX_XML_CHARS) throw new EvidenceFormatError(`XML: document is larger than ${MAX_XML_CHARS} characters`);
  // XML 1.0 §2.11: line ends are normalised to LF before parsing.
  const s = text.replace(/\r\n?/g, '\n');
  let p = 0;
  if (s.startsWith('\ufeff')) p = 1;
  if (s.startsWith('<?xml', p)) {
    const end = s.indexOf('?>', p);
    if (end < 0) err('unterminated XML declaration', p);
    const decl = s.slice(p + 5, end);
    if (!/^\s+version\s*=\s*["']1\.[0-9]+["'](\s+encoding\s*=\s*["'][A-Za-z][A-Za-z0-9._-]*["'])?(\s+standalone\s*=\s*["'](yes|no)["'])?\s*$/.test(decl)) err('malformed XML declaration', p);
    const enc = /encoding\s*=\s*["']([^"']*)["']/.exec(decl)?.[1];
    if (enc !== undefined && !/^utf-?8$/i.test(enc)) err(`encoding ${enc} is not supported (UTF-8 only)`, p);
    p = end + 2;
  }

  const stack: RawElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  const rootScope = new Map<string, string>([['xml', XML_NS]]);

  /** Skips the comment starting at `p` (`<!--`), rejecting an unterminated one or `--` inside it. */
  const skipComment = (): void => {
    const end = s.indexOf('-->', p + 4);
    if (end < 0) err('unterminated comment', p);
    if (s.slice(p + 4, end).includes('--')) err('"--" inside a comment', p);
    p = end + 3;
  };

  const skipMisc = (): void => {
    // Whitespace and comments are allowed outside the root element.
    for (;;) {
      while (p < s.length && /\s/.test(s[p])) p++;
      if (s.startsWith('<!--', p)) {
        skipComment();
        continue;
      }
      return;
    }
  };

  const finish = (raw: RawElement): XmlElement => {
    const {prefix, local} = splitName(raw.qname);
    const ns = raw.scope.get(prefix) ?? (prefix === '' ? '' : err(`undeclared prefix "${prefix}"`, raw.at));
    const seen = new Set<string>();
    const attributes: XmlAttribute[] = [];
    for (const a of raw.rawAttrs) {
      if (a.qname === 'xmlns' || a.qname.startsWith('xmlns:')) continue;
      const n = splitName(a.qname);
      const ans = n.prefix === '' ? '' : (raw.scope.get(n.prefix) ?? err(`undeclared prefix "${n.prefix}"`, raw.at));
      const key = `${ans}\u0000${n.local}`;
      if (seen.has(key)) err(`attribute ${a.qname} repeats an expanded name`, raw.at);
      seen.add(key);
      attributes.push({qname: a.qname, ns: ans, local: n.local, value: a.value});
    }
    return {kind: 'element', qname: raw.qname, ns, local, attributes, declarations: raw.declarations, children: raw.children};
  };

  skipMisc();
  if (s[p] !== '<') err('document does not start with an element', p);
  while (p < s.length) {
    if (root) {
      skipMisc();
      if (p < s.length) err('content after the root element', p);
      break;
    }
    if (s[p] === '<') {
      const at = p;
      if (s.startsWith('<!--', p)) {
        skipComment();
        continue;
      }
      if (s.startsWith('<!', p)) err('DOCTYPE, entity declarations and CDATA sections are not accepted', p);
      if (s.startsWith('<?', p)) err('processing instructions are not accepted', p);
      if (s[p + 1] === '/') {
        const end = s.indexOf('>', p);
        if (end < 0) err('unterminated end tag', p);
        const name = s.slice(p + 2, end).trimEnd();
        const open = stack.pop();
        if (!open) err(`end tag </${name}> without a start tag`, p);
        if (open.qname !== name) err(`end tag </${name}> does not match <${open.qname}>`, p);
        p = end + 1;
        const el = finish(open);
        if (stack.length) stack[stack.length - 1].children.push(el);
        else root = el;
        continue;
      }
      // Start tag.
      p++;
      const nameMatch = /^[^\s/>]+/.exec(s.slice(p, p + 256));
      if (!nameMatch || !NAME.test(nameMatch[0])) err('malformed element name', at);
      const qname = nameMatch[0];
      p += qname.length;
      const rawAttrs: {qname: string; value: string}[] = [];
      let selfClosing = false;
      for (;;) {
        const ws = p;
        while (p < s.length && /\s/.test(s[p])) p++;
        if (p >= s.length) err(`unterminated start tag <${qname}>`, at);
        if (s[p] === '>') {
          p++;
          break;
        }
        if (s.startsWith('/>', p)) {
          p += 2;
          selfClosing = true;
          break;
        }
        if (p === ws) err(`attributes of <${qname}> must be separated by whitespace`, p);
        const an = /^[^\s=/>]+/.exec(s.slice(p, p + 256));
        if (!an || !NAME.test(an[0])) err(`malformed attribute name in <${qname}>`, p);
        p += an[0].length;
        while (p < s.length && /\s/.test(s[p])) p++;
        if (s[p] !== '=') err(`attribute ${an[0]} has no value`, p);
        p++;
        while (p < s.length && /\s/.test(s[p])) p++;
        const q = s[p];
        if (q !== '"' && q !== "'") err(`attribute ${an[0]} value must be quoted`, p);
        const end = s.indexOf(q, p + 1);
        if (end < 0) err(`unterminated value of attribute ${an[0]}`, p);
        const rawValue = s.slice(p + 1, end);
        if (rawValue.includes('<')) err(`"<" in the value of attribute ${an[0]}`, p);
        // XML 1.0 §3.3.3: literal whitespace characters in attribute values become spaces.
        const value = unescape(rawValue.replace(/[\t\n]/g, ' '), p);
        if (rawAttrs.some((a) => a.qname === an[0])) err(`attribute ${an[0]} appears twice`, p);
        rawAttrs.push({qname: an[0], value});
        p = end + 1;
      }
      if (stack.length + 1 > MAX_XML_DEPTH) err(`elements nested deeper than ${MAX_XML_DEPTH}`, at);
      if (++elements > MAX_XML_ELEMENTS) err(`more than ${MAX_XML_ELEMENTS} elements`, at);
      const parentScope = stack.length ? stack[stack.length - 1].scope : rootScope;
      const scope = new Map(parentScope);
      const declarations = new Map<string, string>();
      for (const a of rawAttrs) {
        if (a.qname !== 'xmlns' && !a.qname.startsWith('xmlns:')) continue;
        const prefix = a.qname === 'xmlns' ? '' : a.qname.slice(6);
        if (prefix === 'xmlns' || (prefix === 'xml' && a.value !== XML_NS) || a.value === XMLNS_NS) err(`reserved namespace declaration ${a.qname}`, at);
        if (prefix !== '' && a.value === '') err(`prefix ${prefix} cannot be undeclared (Namespaces in XML 1.0)`, at);
        declarations.set(prefix, a.value);
        scope.set(prefix, a.value);
      }
      const raw: RawElement = {qname, rawAttrs, children: [], scope, declarations, at};
      if (selfClosing) {
        const el = finish(raw);
        if (stack.length) stack[stack.length - 1].children.push(el);
        else root = el;
      } else stack.push(raw);
      continue;
    }
    // Character data.
    const next = s.indexOf('<', p);
    const end = next < 0 ? s.length : next;
    const chunk = s.slice(p, end);
    if (!stack.length) err('text outside the root element', p);
    if (chunk.includes(']]>')) err('"]]>" in character data', p);
    stack[stack.length - 1].children.push({kind: 'text', text: unescape(chunk, p)});
    p = end;
  }
  if (stack.length) err(`unclosed element <${stack[stack.length - 1].qname}>`, p);
  if (!root) err('no root element', p);
  return root;
}

/** Child elements of `el` (text nodes skipped), optionally only those with namespace `ns` and local name `local`. */
export function childElements(el: XmlElement, ns?: string, local?: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.kind === 'element' && (ns === undefined || c.ns === ns) && (local === undefined || c.local === local));
}

/** The value of the attribute with namespace `ns` ('' for unprefixed) and local name `local`. */
export function attribute(el: XmlElement, ns: string, local: string): string | undefined {
  return el.attributes.find((a) => a.ns === ns && a.local === local)?.value;
}

/** Concatenated text of an element's direct text children. */
export function textContent(el: XmlElement): string {
  return el.children.map((c) => (c.kind === 'text' ? c.text : '')).join('');
}
