/**
 * Every `env` import, called through a probe module (each probe calls one import and returns its raw result and
 * the bytes it points to): storage, addresses, secp256k1 and ed25519, debug, query_chain, gas, bad Regions.
 */
import {beforeAll, describe, expect, it} from '@jest/globals';
import {ed25519} from '@noble/curves/ed25519.js';
import {secp256k1} from '@noble/curves/secp256k1.js';
import {decodeBech32, encodeBech32, sha256, utf8} from '../../../contracts/common/encoding.js';
import {CRYPTO_ERROR, VmError, WasmVm, codeHashOf, type CompiledCode} from '../../../src/devnet/vm/index.js';
import {probeContractWat, watToWasm} from '../../helpers/wat.js';
import {MapStorage, SENDER, context, recordingHost} from './fixtures.js';

const vm = new WasmVm();
let probe: CompiledCode;

beforeAll(async () => {
  const wasm = await watToWasm(probeContractWat());
  probe = vm.load(codeHashOf(wasm), () => wasm);
});

/** Calls `probe_<name>`; returns the raw result and the bytes it points to. */
function call(name: string, args: Uint8Array[], ctx = context(new MapStorage())): {raw: bigint; bytes: Uint8Array} {
  const out = vm.call(probe, `probe_${name}`, args, ctx);
  return {raw: Buffer.from(out.subarray(0, 8)).readBigUInt64LE(), bytes: out.subarray(8)};
}

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('storage', () => {
  it('reads absent keys as 0 and present keys as their bytes; writes and removes', () => {
    const storage = new MapStorage();
    const ctx = context(storage);
    expect(call('db_read', [utf8('k')], ctx).raw).toBe(0n);
    call('db_write', [utf8('k'), Uint8Array.of(0, 255, 7)], ctx);
    expect(call('db_read', [utf8('k')], ctx).bytes).toEqual(Uint8Array.of(0, 255, 7));
    call('db_write', [Uint8Array.of(0xff, 0x00), utf8('')], ctx); // non-UTF-8 key, empty value
    expect(call('db_read', [Uint8Array.of(0xff, 0x00)], ctx)).toMatchObject({bytes: new Uint8Array(0)});
    call('db_remove', [utf8('k')], ctx);
    expect(call('db_read', [utf8('k')], ctx).raw).toBe(0n);
  });

  it('traps writes and removes in a read-only call', () => {
    const ctx = context(new MapStorage(), {readonly: true});
    expect(() => call('db_write', [utf8('k'), utf8('v')], ctx)).toThrow(/db_write: write access/);
    expect(() => call('db_remove', [utf8('k')], ctx)).toThrow(/db_remove: write access/);
  });

  it('traps a Region pointer outside memory', () => {
    expect(() => call('bad_region', [])).toThrow(VmError);
  });
});

describe('addresses', () => {
  const upper = SENDER.toUpperCase();

  it('validates normalised secret1 addresses of 20 bytes; anything else gets an error text', () => {
    expect(call('addr_validate', [utf8(SENDER)]).raw).toBe(0n);
    for (const [input, error] of [
      ['', 'Input is empty'],
      [upper, 'Address is not normalized'],
      [SENDER.slice(0, -1) + (SENDER.endsWith('q') ? 'p' : 'q'), 'invalid bech32 (checksum)'],
      [encodeBech32('cosmos', new Uint8Array(20)), 'wrong address prefix: "cosmos"'],
      [encodeBech32('secret', new Uint8Array(32)), 'Invalid address length 32'],
    ] as const) {
      const r = call('addr_validate', [utf8(input)]);
      expect(r.raw).not.toBe(0n);
      expect(text(r.bytes)).toBe(error);
    }
    expect(text(call('addr_validate', [Uint8Array.of(0xff)]).bytes)).toBe('Input is not valid UTF-8');
  });

  it('canonicalizes to the 20 bytes and humanizes back', () => {
    const canonical = call('addr_canonicalize', [utf8(SENDER)]);
    expect(canonical.raw).toBe(0n);
    expect(canonical.bytes).toEqual((decodeBech32(SENDER) as {data: Uint8Array}).data);
    const human = call('addr_humanize', [canonical.bytes]);
    expect(human.raw).toBe(0n);
    expect(text(human.bytes)).toBe(SENDER);
    expect(text(call('addr_humanize', [new Uint8Array(32)]).bytes)).toBe('Invalid canonical address length 32');
    expect(text(call('addr_canonicalize', [utf8('nope')]).bytes)).toMatch(/invalid bech32/);
  });
});

describe('secp256k1', () => {
  const key = sha256(utf8('probe key'));
  const pubkey = secp256k1.getPublicKey(key, true);
  const hash = sha256(utf8('message'));
  const sig = secp256k1.sign(hash, key, {prehash: false, lowS: true, format: 'compact'});

  it('verifies: 0 valid, 1 invalid (including high-S), error codes for malformed input', () => {
    const verify = (h: Uint8Array, s: Uint8Array, p: Uint8Array) => Number(call('secp256k1_verify', [h, s, p]).raw);
    expect(verify(hash, sig, pubkey)).toBe(0);
    expect(verify(hash, sig, secp256k1.getPublicKey(key, false))).toBe(0);
    expect(verify(sha256(utf8('other')), sig, pubkey)).toBe(1);
    const n = secp256k1.Point.Fn.ORDER;
    const highS = sig.slice();
    highS.set(Buffer.from((n - BigInt('0x' + Buffer.from(sig.subarray(32)).toString('hex'))).toString(16).padStart(64, '0'), 'hex'), 32);
    expect(verify(hash, highS, pubkey)).toBe(1);
    expect(verify(hash.subarray(1), sig, pubkey)).toBe(CRYPTO_ERROR.invalidHashFormat);
    expect(verify(hash, sig.subarray(1), pubkey)).toBe(CRYPTO_ERROR.invalidSignatureFormat);
    expect(verify(hash, sig, pubkey.subarray(1))).toBe(CRYPTO_ERROR.invalidPubkeyFormat);
    expect(verify(hash, sig, Uint8Array.of(0x02, ...new Uint8Array(32).fill(0xff)))).toBe(CRYPTO_ERROR.genericErr);
  });

  it('gives the same answers when asked again (answers are remembered), and each input its own', () => {
    const verify = (h: Uint8Array, s: Uint8Array, p: Uint8Array) => Number(call('secp256k1_verify', [h, s, p]).raw);
    const tampered = sig.slice();
    tampered[5]! ^= 1;
    for (let round = 0; round < 3; round++) {
      expect(verify(hash, sig, pubkey)).toBe(0);
      expect(verify(hash, tampered, pubkey)).toBe(1);
      expect(verify(sha256(utf8('other')), sig, pubkey)).toBe(1);
      expect(verify(hash, sig, Uint8Array.of(0x02, ...new Uint8Array(32).fill(0xff)))).toBe(CRYPTO_ERROR.genericErr);
    }
    // More distinct inputs than are remembered: old ones are dropped and still answered right.
    for (let i = 0; i < 1100; i++) expect(verify(sha256(utf8(`m${i}`)), sig, pubkey)).toBe(1);
    expect(verify(hash, sig, pubkey)).toBe(0);
  });

  it('recovers the compressed public key; error codes in the high half', () => {
    const recoverable = secp256k1.sign(hash, key, {prehash: false, lowS: true, format: 'recovered'});
    const recovery = recoverable[0]!;
    const r = call('secp256k1_recover_pubkey', [hash, recoverable.subarray(1), Uint8Array.of(recovery)]);
    expect(r.raw >> 32n).toBe(0n);
    expect(r.bytes).toEqual(pubkey);
    expect(call('secp256k1_recover_pubkey', [hash.subarray(2), sig, Uint8Array.of(0)]).raw >> 32n).toBe(BigInt(CRYPTO_ERROR.invalidHashFormat));
    expect(call('secp256k1_recover_pubkey', [hash, sig, Uint8Array.of(9)]).raw >> 32n).toBe(BigInt(CRYPTO_ERROR.genericErr));
  });

  it('signs SHA-256 of the message (low-S, deterministic); a bad key is error 1000', () => {
    const message = utf8('sign me');
    const r = call('secp256k1_sign', [message, key]);
    expect(r.raw >> 32n).toBe(0n);
    expect(r.bytes.length).toBe(64);
    expect(secp256k1.verify(r.bytes, sha256(message), pubkey, {prehash: false, lowS: true, format: 'compact'})).toBe(true);
    expect(call('secp256k1_sign', [message, key]).bytes).toEqual(r.bytes);
    expect(call('secp256k1_sign', [message, key.subarray(1)]).raw >> 32n).toBe(1000n);
    expect(call('secp256k1_sign', [message, new Uint8Array(32)]).raw >> 32n).toBe(1000n);
  });
});

describe('ed25519', () => {
  const keys = [1, 2, 3].map((i) => sha256(utf8(`ed key ${i}`)));
  const pubs = keys.map((k) => ed25519.getPublicKey(k));
  const msgs = [1, 2, 3].map((i) => utf8(`msg ${i}`));
  const sigs = keys.map((k, i) => ed25519.sign(msgs[i]!, k));
  /** cosmwasm's section encoding: each element followed by its big-endian u32 length. */
  const sections = (items: Uint8Array[]) =>
    Buffer.concat(
      items.flatMap((b) => {
        const length = Buffer.alloc(4);
        length.writeUInt32BE(b.length);
        return [Buffer.from(b), length];
      }),
    );

  it('verifies single signatures with the enclave codes', () => {
    const verify = (m: Uint8Array, s: Uint8Array, p: Uint8Array) => Number(call('ed25519_verify', [m, s, p]).raw);
    expect(verify(msgs[0]!, sigs[0]!, pubs[0]!)).toBe(0);
    expect(verify(msgs[1]!, sigs[0]!, pubs[0]!)).toBe(1);
    expect(verify(msgs[0]!, sigs[0]!.subarray(1), pubs[0]!)).toBe(CRYPTO_ERROR.invalidSignatureFormat);
    expect(verify(msgs[0]!, sigs[0]!, pubs[0]!.subarray(1))).toBe(CRYPTO_ERROR.invalidPubkeyFormat);
  });

  it('batch-verifies lists, a shared message or a shared key; mismatched lengths are a batch error', () => {
    const batch = (m: Uint8Array[], s: Uint8Array[], p: Uint8Array[]) => Number(call('ed25519_batch_verify', [sections(m), sections(s), sections(p)]).raw);
    expect(batch(msgs, sigs, pubs)).toBe(0);
    expect(batch([], [], [])).toBe(0);
    expect(batch([msgs[0]!, msgs[0]!, msgs[2]!], sigs, pubs)).toBe(1);
    const shared = keys.map((k) => ed25519.sign(msgs[0]!, k));
    expect(batch([msgs[0]!], shared, pubs)).toBe(0);
    const oneKey = msgs.map((m) => ed25519.sign(m, keys[0]!));
    expect(batch(msgs, oneKey, [pubs[0]!])).toBe(0);
    expect(batch(msgs.slice(0, 2), sigs, pubs)).toBe(CRYPTO_ERROR.batchErr);
  });

  it('signs with a 32-byte key', () => {
    const r = call('ed25519_sign', [msgs[0]!, keys[0]!]);
    expect(r.bytes).toEqual(sigs[0]);
    expect(call('ed25519_sign', [msgs[0]!, keys[0]!.subarray(4)]).raw >> 32n).toBe(1000n);
  });
});

describe('chain, log and gas', () => {
  it('query_chain returns the answer Region; debug reaches the host log', () => {
    const host = recordingHost(() => ({ok: utf8('[1]')}));
    const ctx = context(new MapStorage(), {host});
    const r = call('query_chain', [utf8('{"bank":{"balance":{"address":"a","denom":"uscrt"}}}')], ctx);
    expect(JSON.parse(text(r.bytes))).toEqual({Ok: {Ok: Buffer.from('[1]').toString('base64')}});
    expect(host.requests).toEqual([{bank: {balance: {address: 'a', denom: 'uscrt'}}}]);
    call('debug', [utf8('trace me')], ctx);
    expect(host.logs).toEqual(['trace me']);
  });

  it('check_gas reports the gas used so far and gas_evaporate burns exactly what it is asked', () => {
    const ctx = context(new MapStorage());
    const seen = call('check_gas', [], ctx).raw;
    expect(seen).toBeGreaterThan(0n);
    expect(seen).toBeLessThanOrEqual(BigInt(ctx.gas.used));

    const base = context(new MapStorage());
    call('gas_evaporate', [Uint8Array.of(0, 0, 0, 0)], base);
    const burnt = context(new MapStorage());
    call('gas_evaporate', [Uint8Array.of(0x10, 0x27, 0, 0)], burnt); // 10 000
    expect(burnt.gas.used - base.gas.used).toBe(10_000);
  });
});
