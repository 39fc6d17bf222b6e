// Stand-in for contracts/lib/bytes.ts (see README.md).
const ALPHABET: string = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function utf8Encode(text: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(text));
}

export function utf8Decode(bytes: Uint8Array): string {
  return String.UTF8.decodeUnsafe(bytes.dataStart, bytes.length);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Standard padded base64; null otherwise. */
export function fromBase64(text: string): Uint8Array | null {
  const n = text.length;
  if (n % 4 != 0) return null;
  let padding = 0;
  if (n > 0 && text.charCodeAt(n - 1) == 0x3d) padding = n > 1 && text.charCodeAt(n - 2) == 0x3d ? 2 : 1;
  const out = new Uint8Array((n / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    let acc: u32 = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      let v: i32 = 0;
      if (c == 0x3d && i + j >= n - padding) v = 0;
      else {
        v = c < 0x80 ? ALPHABET.indexOf(String.fromCharCode(c)) : -1;
        if (v < 0) return null;
      }
      acc = (acc << 6) | <u32>v;
    }
    if (o < out.length) out[o++] = <u8>(acc >> 16);
    if (o < out.length) out[o++] = <u8>(acc >> 8);
    if (o < out.length) out[o++] = <u8>acc;
  }
  return out;
}
