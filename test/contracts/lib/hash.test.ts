import {beforeAll, describe, expect, it} from '@jest/globals';
import {createHash, randomBytes} from 'node:crypto';
import {compileTestModule, secretWasmProblems} from './asc.js';
import {TestModule} from './as-host.js';

describe('contracts/lib sha256 and ripemd160 (wasm)', () => {
  let m: TestModule;
  beforeAll(async () => {
    m = await TestModule.load('hash');
  });

  it('match node:crypto on every length from 0 to 300 bytes of random data', () => {
    for (let length = 0; length <= 300; length++) {
      const data = randomBytes(length);
      const sha = m.run('runSha256', data).bytes;
      const rmd = m.run('runRipemd160', data).bytes;
      expect([length, Buffer.from(sha).toString('hex')]).toEqual([length, createHash('sha256').update(data).digest('hex')]);
      expect([length, Buffer.from(rmd).toString('hex')]).toEqual([length, createHash('ripemd160').update(data).digest('hex')]);
    }
  });

  it('match the published test vectors', () => {
    const ascii = (s: string) => new TextEncoder().encode(s);
    const hex = (r: {bytes: Uint8Array}) => Buffer.from(r.bytes).toString('hex');
    expect(hex(m.run('runSha256', ascii('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(m.run('runRipemd160', ascii('')))).toBe('9c1185a5c5e9fc54612808977ee8f548b2258d31');
    expect(hex(m.run('runRipemd160', ascii('abc')))).toBe('8eb208f7e05d987a9b044a8e98c6b087f15a0bfc');
    expect(hex(m.run('runRipemd160', ascii('1234567890'.repeat(8))))).toBe('9b752e45573d4b39f4dbd3323cab82bf63326bfb');
  });

  it('hash a large input across many blocks', () => {
    const data = randomBytes(100_003);
    expect(Buffer.from(m.run('runSha256', data).bytes).toString('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(Buffer.from(m.run('runRipemd160', data).bytes).toString('hex')).toBe(createHash('ripemd160').update(data).digest('hex'));
  });

  it('compile to an MVP module without floating point', async () => {
    expect(await secretWasmProblems(await compileTestModule('hash'))).toEqual([]);
  });
});
