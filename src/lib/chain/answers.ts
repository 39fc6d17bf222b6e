/**
 * Decoding what a contract query answers (`secret-lcd-devnet.md` §5, §6): the decrypted plaintext is the text of
 * base64(answer bytes), often space-padded (SNIP-20 pads to 256-byte blocks); a contract error comes back inside the
 * gateway's error message, encrypted to the query's nonce, as JSON-escaped text.
 */
import {fromUtf8} from '../../../contracts/common/encoding.js';

/** Where the encrypted error of a contract call sits in a node's error message (two formats seen in the wild). */
export const ENCRYPTED_ERROR_RES = [
  /encrypted: (.+?): (?:instantiate|execute|query|reply to|migrate) contract failed/,
  /(?:instantiate|execute|query|reply to|migrate) contract failed: encrypted: ([\w+/=]+)/,
];

/** Decodes standard base64 strictly (undefined when `s` is not base64). */
function strictBase64(s: string): Uint8Array | undefined {
  if (s.length === 0 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** UTF-8 text of bytes, or undefined when they are not valid UTF-8. */
export function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return fromUtf8(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Parses a contract answer: space padding (SNIP-20 pads to 256-byte blocks) trimmed, then JSON; `null` when empty;
 * the trimmed text itself when it is not JSON.
 */
export function parseContractAnswer(text: string): unknown {
  const t = text.trim();
  if (t === '') return null;
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}

/**
 * The text of a decrypted contract error. The enclave JSON-serialises the error and trims the surrounding quotes,
 * so escapes stay escaped (`\"`); they are undone here. CosmWasm v0.10 contracts answer an object such as
 * `{"generic_err":{"msg":"…"}}`, rendered as `Generic error: …`.
 */
export function contractErrorText(decrypted: Uint8Array): string {
  let text = utf8OrUndefined(decrypted) ?? Buffer.from(decrypted).toString('latin1');
  // secretjs tries base64 first (older enclaves); only accept it when the decoded bytes are printable UTF-8.
  const b = strictBase64(text.trim());
  if (b) {
    const inner = utf8OrUndefined(b);
    if (inner !== undefined && /^[\P{C}\s]*$/u.test(inner) && inner.trim() !== '') text = inner;
  }
  try {
    const unescaped = JSON.parse(`"${text}"`) as string;
    if (typeof unescaped === 'string') text = unescaped;
  } catch {
    /* not an escaped JSON string body; keep as is */
  }
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      const o = JSON.parse(t) as Record<string, {msg?: string}>;
      const [kind] = Object.keys(o);
      const msg = o[kind]?.msg;
      if (kind && typeof msg === 'string') return kind === 'generic_err' ? `Generic error: ${msg}` : `${kind}: ${msg}`;
    } catch {
      /* plain text that starts with a brace */
    }
  }
  return t;
}

/**
 * The answer text of a decrypted query result: the plaintext is the ASCII text of base64(answer bytes) (§5);
 * undefined when the answer bytes are not UTF-8.
 */
export function answerText(decrypted: Uint8Array): string | undefined {
  if (decrypted.length === 0) return '';
  const b64 = utf8OrUndefined(decrypted) ?? '';
  return utf8OrUndefined(new Uint8Array(Buffer.from(b64, 'base64')));
}
