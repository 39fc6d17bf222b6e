/**
 * The shared codecs (`contracts/common/encoding.ts`): the portable code that runs where there is no `Buffer` or
 * `node:crypto` gives exactly what the host fast paths give.
 */
import {describe, expect, it} from '@jest/globals';
import {randomBytes} from 'node:crypto';
import {fromBase64Lenient, fromHex, portable, sha256, toBase64, toHex} from '../../contracts/common/encoding.js';
import {sha256Portable} from '../../contracts/common/sha256.js';

describe('shared codecs: portable and host paths agree', () => {
  it('base64, lenient base64 and hex', () => {
    for (let len = 0; len <= 70; len++) {
      const data = new Uint8Array(randomBytes(len));
      const b64 = toBase64(data);
      expect(portable.toBase64(data)).toBe(b64);
      expect(portable.fromBase64(b64)).toEqual(data);
      const url = Buffer.from(data).toString('base64url');
      expect(portable.fromBase64Lenient(url)).toEqual(data);
      expect(fromBase64Lenient(url)).toEqual(data);
      expect(portable.fromBase64Lenient(b64.replace(/=+$/, ''))).toEqual(data);
      expect(portable.toHex(data)).toBe(toHex(data));
      expect(portable.fromHex(toHex(data))).toEqual(fromHex(toHex(data)));
    }
    expect(() => fromBase64Lenient('ab$c')).toThrow(/Invalid Base64/);
    expect(() => portable.fromBase64Lenient('abcde')).toThrow(/Invalid Base64/);
  });

  it('SHA-256', () => {
    for (const len of [0, 1, 55, 56, 63, 64, 65, 1000]) {
      const data = new Uint8Array(randomBytes(len));
      expect(toHex(sha256Portable(data))).toBe(toHex(sha256(data)));
    }
    expect(toHex(sha256Portable(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
