/**
 * SHA-256 (FIPS 180-4) in AssemblyScript, for the wasm contracts (Secret has no hash import). Same digests as
 * `contracts/common/sha256.ts`. Integer operations only; no allocation but the 32-byte result.
 *
 * Also exports {@link hashBlocks}, the Merkle–Damgård block loop with the 64-byte padding that SHA-256 and
 * RIPEMD-160 share (they differ only in the byte order of the length field).
 */

/** Digest length in bytes. */
export const SHA256_DIGEST_BYTES: i32 = 32;
/** Block length in bytes of SHA-256 and RIPEMD-160. */
export const HASH_BLOCK_BYTES: i32 = 64;
/** Bytes of the message length field at the end of the last block. */
const LENGTH_FIELD_BYTES: i32 = 8;

/** Round constants (FIPS 180-4 §4.2.2). */
const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
];

/** Chaining state h0…h7 of the digest being computed (static: the hash functions are not re-entrant). */
const STATE: usize = memory.data(32, 4);
/** Message schedule w0…w63. */
const SCHEDULE: usize = memory.data(256, 4);
/** The padded tail of a message: at most two blocks. */
const TAIL: usize = memory.data(128, 4);

/**
 * Runs `compress` over every block of `data` padded the Merkle–Damgård way: the message, 0x80, zeros, and the
 * message length in bits as 8 bytes (big-endian when `bigEndianLength`, else little-endian) ending a block.
 * Full blocks are read in place; only the tail is copied.
 */
export function hashBlocks(data: Uint8Array, compress: (block: usize) => void, bigEndianLength: bool): void {
  const length = data.length;
  const start = data.dataStart;
  const full = length & ~(HASH_BLOCK_BYTES - 1);
  for (let off = 0; off < full; off += HASH_BLOCK_BYTES) compress(start + <usize>off);
  const rest = length - full;
  memory.fill(TAIL, 0, 2 * HASH_BLOCK_BYTES);
  memory.copy(TAIL, start + <usize>full, <usize>rest);
  store<u8>(TAIL + <usize>rest, 0x80);
  const tailBytes = rest + 1 + LENGTH_FIELD_BYTES > HASH_BLOCK_BYTES ? 2 * HASH_BLOCK_BYTES : HASH_BLOCK_BYTES;
  const bits = <u64>length << 3;
  const lengthAt = TAIL + <usize>(tailBytes - LENGTH_FIELD_BYTES);
  store<u64>(lengthAt, bigEndianLength ? bswap<u64>(bits) : bits);
  compress(TAIL);
  if (tailBytes > HASH_BLOCK_BYTES) compress(TAIL + <usize>HASH_BLOCK_BYTES);
}

/** SHA-256 of `data`: the 32-byte digest. */
export function sha256(data: Uint8Array): Uint8Array {
  store<u32>(STATE, 0x6a09e667, 0);
  store<u32>(STATE, 0xbb67ae85, 4);
  store<u32>(STATE, 0x3c6ef372, 8);
  store<u32>(STATE, 0xa54ff53a, 12);
  store<u32>(STATE, 0x510e527f, 16);
  store<u32>(STATE, 0x9b05688c, 20);
  store<u32>(STATE, 0x1f83d9ab, 24);
  store<u32>(STATE, 0x5be0cd19, 28);
  hashBlocks(data, compressSha256, true);
  const out = new Uint8Array(SHA256_DIGEST_BYTES);
  const dst = out.dataStart;
  for (let i = 0; i < 8; i++) store<u32>(dst + (<usize>i << 2), bswap<u32>(load<u32>(STATE + (<usize>i << 2))));
  return out;
}

function compressSha256(block: usize): void {
  for (let t = 0; t < 16; t++) {
    store<u32>(SCHEDULE + (<usize>t << 2), bswap<u32>(load<u32>(block + (<usize>t << 2))));
  }
  for (let t = 16; t < 64; t++) {
    const w15 = load<u32>(SCHEDULE + (<usize>(t - 15) << 2));
    const w2 = load<u32>(SCHEDULE + (<usize>(t - 2) << 2));
    const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    const w16 = load<u32>(SCHEDULE + (<usize>(t - 16) << 2));
    const w7 = load<u32>(SCHEDULE + (<usize>(t - 7) << 2));
    store<u32>(SCHEDULE + (<usize>t << 2), w16 + s0 + w7 + s1);
  }
  let a = load<u32>(STATE, 0);
  let b = load<u32>(STATE, 4);
  let c = load<u32>(STATE, 8);
  let d = load<u32>(STATE, 12);
  let e = load<u32>(STATE, 16);
  let f = load<u32>(STATE, 20);
  let g = load<u32>(STATE, 24);
  let h = load<u32>(STATE, 28);
  for (let t = 0; t < 64; t++) {
    const bigS1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = h + bigS1 + ch + unchecked(K[t]) + load<u32>(SCHEDULE + (<usize>t << 2));
    const bigS0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + bigS0 + maj;
  }
  store<u32>(STATE, load<u32>(STATE, 0) + a, 0);
  store<u32>(STATE, load<u32>(STATE, 4) + b, 4);
  store<u32>(STATE, load<u32>(STATE, 8) + c, 8);
  store<u32>(STATE, load<u32>(STATE, 12) + d, 12);
  store<u32>(STATE, load<u32>(STATE, 16) + e, 16);
  store<u32>(STATE, load<u32>(STATE, 20) + f, 20);
  store<u32>(STATE, load<u32>(STATE, 24) + g, 24);
  store<u32>(STATE, load<u32>(STATE, 28) + h, 28);
}
