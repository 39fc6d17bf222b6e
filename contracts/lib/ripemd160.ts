/**
 * RIPEMD-160 (Dobbertin, Bosselaers, Preneel 1996) in AssemblyScript: the second hash of a Cosmos account address,
 * RIPEMD-160(SHA-256(public key)). Integer operations only; the padding is SHA-256's ({@link hashBlocks}) with a
 * little-endian length.
 */
import {hashBlocks} from './sha256';

/** Digest length in bytes. */
export const RIPEMD160_DIGEST_BYTES: i32 = 20;

/** Message word used at each step, left line then right line (80 each). */
const WORD_LEFT: StaticArray<u8> = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
  7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8,
  3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12,
  1, 9, 11, 10, 0, 8, 12, 4, 13, 3, 7, 15, 14, 5, 6, 2,
  4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13,
];
const WORD_RIGHT: StaticArray<u8> = [
  5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12,
  6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12, 4, 9, 1, 2,
  15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13,
  8, 6, 4, 1, 3, 11, 15, 0, 5, 12, 2, 13, 9, 7, 10, 14,
  12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11,
];
/** Left-rotation amount at each step. */
const SHIFT_LEFT: StaticArray<u8> = [
  11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8,
  7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15, 9, 11, 7, 13, 12,
  11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5,
  11, 12, 14, 15, 14, 15, 9, 8, 9, 14, 5, 6, 8, 6, 5, 12,
  9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6,
];
const SHIFT_RIGHT: StaticArray<u8> = [
  8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6,
  9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12, 7, 6, 15, 13, 11,
  9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5,
  15, 5, 8, 11, 14, 14, 6, 14, 6, 9, 12, 9, 12, 5, 15, 8,
  8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11,
];
/** Additive constant of each round of 16 steps. */
const CONST_LEFT: StaticArray<u32> = [0x00000000, 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xa953fd4e];
const CONST_RIGHT: StaticArray<u32> = [0x50a28be6, 0x5c4dd124, 0x6d703ef3, 0x7a6d76e9, 0x00000000];

/** Chaining state h0…h4 (static: not re-entrant). */
const STATE: usize = memory.data(20, 4);

/** RIPEMD-160 of `data`: the 20-byte digest. */
export function ripemd160(data: Uint8Array): Uint8Array {
  store<u32>(STATE, 0x67452301, 0);
  store<u32>(STATE, 0xefcdab89, 4);
  store<u32>(STATE, 0x98badcfe, 8);
  store<u32>(STATE, 0x10325476, 12);
  store<u32>(STATE, 0xc3d2e1f0, 16);
  hashBlocks(data, compressRipemd160, false);
  const out = new Uint8Array(RIPEMD160_DIGEST_BYTES);
  memory.copy(out.dataStart, STATE, <usize>RIPEMD160_DIGEST_BYTES);
  return out;
}

/** The round function of round `round` (0…4). */
// @ts-ignore: decorator
@inline
function roundFunction(round: i32, x: u32, y: u32, z: u32): u32 {
  if (round == 0) return x ^ y ^ z;
  if (round == 1) return (x & y) | (~x & z);
  if (round == 2) return (x | ~y) ^ z;
  if (round == 3) return (x & z) | (y & ~z);
  return x ^ (y | ~z);
}

function compressRipemd160(block: usize): void {
  const h0 = load<u32>(STATE, 0);
  const h1 = load<u32>(STATE, 4);
  const h2 = load<u32>(STATE, 8);
  const h3 = load<u32>(STATE, 12);
  const h4 = load<u32>(STATE, 16);
  let al = h0, bl = h1, cl = h2, dl = h3, el = h4;
  let ar = h0, br = h1, cr = h2, dr = h3, er = h4;
  for (let j = 0; j < 80; j++) {
    const round = j >> 4;
    // Words are little-endian, which is wasm's own byte order.
    const xl = load<u32>(block + (<usize>unchecked(WORD_LEFT[j]) << 2));
    let t = rotl<u32>(al + roundFunction(round, bl, cl, dl) + xl + unchecked(CONST_LEFT[round]), unchecked(SHIFT_LEFT[j])) + el;
    al = el;
    el = dl;
    dl = rotl<u32>(cl, 10);
    cl = bl;
    bl = t;
    const xr = load<u32>(block + (<usize>unchecked(WORD_RIGHT[j]) << 2));
    t = rotl<u32>(ar + roundFunction(4 - round, br, cr, dr) + xr + unchecked(CONST_RIGHT[round]), unchecked(SHIFT_RIGHT[j])) + er;
    ar = er;
    er = dr;
    dr = rotl<u32>(cr, 10);
    cr = br;
    br = t;
  }
  store<u32>(STATE, h1 + cl + dr, 0);
  store<u32>(STATE, h2 + dl + er, 4);
  store<u32>(STATE, h3 + el + ar, 8);
  store<u32>(STATE, h4 + al + br, 12);
  store<u32>(STATE, h0 + bl + cr, 16);
}
