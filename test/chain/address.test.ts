import {describe, expect, it} from '@jest/globals';
import {fromBech32, toBech32} from 'secretjs';
import {addressBytes, decodeBech32, encodeBech32, isSecretAddress, parseAddress, toSecretAddress} from '../../src/lib/chain/address.js';
import {UsageError} from '../../src/lib/errors.js';

/** Fixed devnet accounts and the SNIP-24 test-vector signer (snip20-and-permits.md §5.3). */
const KNOWN = [
  'secret1wlr4jajfa7mdqr90mvvl3juskg9qdzfk480qv2',
  'secret1jx9mh97y0r33wrzjkptxynkfa7e454ff63s7yz',
  'secret1399pyvvk3hvwgxwt3udkslsc5jl3rqv4yshfrl',
  'secret1k0jntykt7e4g3y88ltc60czgjuqdy4c9e8fzek',
];

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('bech32 (BIP-173)', () => {
  it('accepts the BIP-173 valid test vectors', () => {
    for (const s of ['A12UEL5L', 'a12uel5l', 'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw', '?1ezyfcl', '11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j']) {
      expect(decodeBech32(s)).toMatchObject({ok: true});
    }
  });

  it('rejects the BIP-173 invalid test vectors with the reason', () => {
    expect(decodeBech32('A1G7SGD8')).toEqual({ok: false, problem: 'checksum'});
    expect(decodeBech32('pzry9x0s0muk')).toEqual({ok: false, problem: 'separator'});
    expect(decodeBech32('1pzry9x0s0muk')).toEqual({ok: false, problem: 'separator'});
    expect(decodeBech32('x1b4n0q5v')).toEqual({ok: false, problem: 'character'});
    expect(decodeBech32('li1dgmt3')).toMatchObject({ok: false}); // checksum too short
    expect(decodeBech32('de1lg7wt\u00ff')).toMatchObject({ok: false});
    expect(decodeBech32('10a06t8')).toMatchObject({ok: false}); // empty HRP
    expect(decodeBech32('\u00201nwldj5')).toMatchObject({ok: false});
    expect(decodeBech32('aBcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw')).toEqual({ok: false, problem: 'case'});
    expect(decodeBech32('an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx')).toEqual({ok: false, problem: 'length'});
  });

  it('agrees with secretjs (cosmjs) on real addresses, both directions', () => {
    for (const a of KNOWN) {
      const mine = decodeBech32(a);
      expect(mine.ok).toBe(true);
      if (!mine.ok) continue;
      expect(Buffer.from(mine.data).toString('hex')).toBe(Buffer.from(fromBech32(a).data).toString('hex'));
      expect(encodeBech32('secret', mine.data)).toBe(a);
      expect(toSecretAddress(mine.data)).toBe(toBech32('secret', fromBech32(a).data));
    }
  });
});

describe('Secret addresses', () => {
  it('validates and normalises secret1 addresses', () => {
    for (const a of KNOWN) {
      expect(isSecretAddress(a)).toBe(true);
      expect(parseAddress(`  ${a.toUpperCase()} `)).toBe(a);
      expect(addressBytes(a)).toHaveLength(20);
    }
  });

  it('names the problem: one changed character breaks the checksum', () => {
    const a = KNOWN[0];
    const typo = a.slice(0, 20) + (a[20] === 'q' ? 'p' : 'q') + a.slice(21);
    const e = usageError(() => parseAddress(typo, '--payout'));
    expect(e.code).toBe('ADDRESS_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('--payout');
    expect(e.message).toMatch(/checksum/);
    expect(isSecretAddress(typo)).toBe(false);
  });

  it('refuses other prefixes, wrong lengths and garbage', () => {
    const cosmos = encodeBech32('cosmos', addressBytes(KNOWN[0]));
    expect(usageError(() => parseAddress(cosmos)).message).toMatch(/prefix "cosmos"/);
    const short = encodeBech32('secret', new Uint8Array(19));
    expect(usageError(() => parseAddress(short)).message).toMatch(/19-byte/);
    expect(isSecretAddress(encodeBech32('secret', new Uint8Array(32)))).toBe(true);
    for (const bad of ['', 'secret1', 'hello', 'secret1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzbio', KNOWN[0] + 'q']) {
      expect(usageError(() => parseAddress(bad)).code).toBe('ADDRESS_INVALID');
    }
  });

  it('round-trips random payloads', () => {
    for (let i = 0; i < 50; i++) {
      const bytes = new Uint8Array(20).map(() => Math.floor(Math.random() * 256));
      const a = toSecretAddress(bytes);
      expect(Buffer.from(addressBytes(a)).equals(Buffer.from(bytes))).toBe(true);
    }
  });
});
