import {describe, expect, it} from '@jest/globals';
import {createHash, randomBytes} from 'node:crypto';
import {sha256} from '../../contracts/common/sha256.js';
import {bytesEqual, canonicalJson, fromBase64, fromHex, fromUtf8, sha256Hex, toBase64, toHex, u64be, utf8} from '../../contracts/common/encoding.js';
import {checkedAdd, checkedMul, checkedSub, formatUint128, parseUint128, saturatingAdd, saturatingSub, UINT128_MAX} from '../../contracts/common/uint128.js';

const nodeSha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('sha256 (plain TypeScript)', () => {
  it('matches node:crypto around every padding boundary and on random data', () => {
    for (let len = 0; len <= 200; len++) {
      const data = new Uint8Array(len).map((_, i) => (i * 31 + len) & 0xff);
      expect(toHex(sha256(data))).toBe(nodeSha(data));
    }
    for (const len of [1000, 4096, 65537]) {
      const data = new Uint8Array(randomBytes(len));
      expect(toHex(sha256(data))).toBe(nodeSha(data));
    }
  });

  it('gives the FIPS 180-4 "abc" digest', () => {
    expect(toHex(sha256(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('sha256Hex hashes bytes, and text as UTF-8', () => {
    expect(sha256Hex(utf8('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('é')).toBe(nodeSha(Buffer.from('é', 'utf8')));
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('base64, hex and UTF-8', () => {
  it('round-trips like Buffer for every length and tail', () => {
    for (let len = 0; len <= 40; len++) {
      const data = new Uint8Array(randomBytes(len));
      const text = toBase64(data);
      expect(text).toBe(Buffer.from(data).toString('base64'));
      expect(bytesEqual(fromBase64(text), data)).toBe(true);
      expect(fromHex(toHex(data))).toEqual(data);
    }
  });

  it('rejects malformed base64 (CosmWasm Binary strictness)', () => {
    for (const bad of ['abc', 'ab=c', 'a===', 'ab-_', 'ab c', '====', 'QQ==QQ==']) {
      expect(() => fromBase64(bad)).toThrow(/Invalid Base64 string/);
    }
  });

  it('rejects malformed hex and UTF-8', () => {
    expect(() => fromHex('abc')).toThrow('Invalid hex string');
    expect(() => fromHex('zz')).toThrow('Invalid hex string');
    expect(() => fromUtf8(new Uint8Array([0xc3, 0x28]))).toThrow('Invalid UTF-8 data');
  });

  it('encodes u64 big-endian', () => {
    expect(toHex(u64be(0x0102030405))).toBe('0000000102030405');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level, drops undefined members and adds no whitespace', () => {
    expect(canonicalJson({b: 1, a: {d: [3, {z: 1, y: 2}], c: undefined}, e: null})).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1,"e":null}');
  });

  it('escapes like serde-json (no HTML escaping)', () => {
    expect(canonicalJson({k: '<a&b>"\\\n\u0001é'})).toBe('{"k":"<a&b>\\"\\\\\\n\\u0001é"}');
  });
});

describe('Uint128 arithmetic', () => {
  it('parses decimal strings up to 2^128-1 and nothing else', () => {
    expect(parseUint128('340282366920938463463374607431768211455')).toBe(UINT128_MAX);
    expect(parseUint128('007')).toBe(7n);
    expect(() => parseUint128('340282366920938463463374607431768211456')).toThrow('exceeds the Uint128 maximum');
    for (const bad of ['', '-1', '1.0', '1e3', ' 1', '0x10']) expect(() => parseUint128(bad)).toThrow('is not a decimal Uint128');
  });

  it('reports overflow and underflow in CosmWasm wording, or saturates when asked', () => {
    expect(() => checkedAdd(UINT128_MAX, 1n)).toThrow(`Overflow: Cannot Add with ${UINT128_MAX} and 1`);
    expect(() => checkedSub(1n, 2n)).toThrow('Overflow: Cannot Sub with 1 and 2');
    expect(() => checkedMul(UINT128_MAX, 2n)).toThrow('Overflow: Cannot Mul with');
    expect(saturatingAdd(UINT128_MAX, 5n)).toBe(UINT128_MAX);
    expect(saturatingSub(1n, 5n)).toBe(0n);
    expect(() => formatUint128(-1n)).toThrow('Uint128 out of range');
    expect(formatUint128(12n)).toBe('12');
  });
});
