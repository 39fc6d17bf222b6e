import {describe, expect, it, beforeAll, afterAll} from '@jest/globals';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {randomBytes} from 'node:crypto';
import {EncryptionUtilsImpl, Wallet} from 'secretjs';
import {
  AesSiv,
  AesSivError,
  IoKey,
  encryptContractInput,
  generateX25519KeyPair,
  isSecretAddress,
  privateKeyFromMnemonic,
  pubkeyToAddress,
  secp256k1PublicKey,
  signSecp256k1Sha256,
  verifySecp256k1Prehashed,
  verifySecp256k1Sha256,
  x25519PublicKey,
  x25519SharedSecret,
  isLowS,
} from '../../src/devnet/crypto.js';
import {DEV_ACCOUNTS} from '../../src/devnet/genesis.js';
import {fromBase64Lenient as fromBase64, fromHex, sha256, toHex} from '../../contracts/common/encoding.js';
import {bech32Decode, bech32Encode} from './bech32.js';

describe('AES-SIV (RFC 5297)', () => {
  it('matches appendix A.1 (deterministic authenticated encryption)', () => {
    const key = fromHex('fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
    const ad = fromHex('101112131415161718191a1b1c1d1e1f2021222324252627');
    const plaintext = fromHex('112233445566778899aabbccddee');
    const sealed = new AesSiv(key).seal(plaintext, [ad]);
    expect(toHex(sealed)).toBe('85632d07c6e8f37f950acd320a2ecc9340c02b9690c4dc04daef7f6afe5c');
    expect(toHex(new AesSiv(key).open(sealed, [ad]))).toBe(toHex(plaintext));
  });

  it('matches appendix A.2 (nonce-based, several associated-data elements)', () => {
    const key = fromHex('7f7e7d7c7b7a79787776757473727170404142434445464748494a4b4c4d4e4f');
    const ad1 = fromHex('00112233445566778899aabbccddeeffdeaddadadeaddadaffeeddccbbaa99887766554433221100');
    const ad2 = fromHex('102030405060708090a0');
    const nonce = fromHex('09f911029d74e35bd84156c5635688c0');
    const plaintext = fromHex(
      '7468697320697320736f6d6520706c61696e7465787420746f20656e6372797074207573696e67205349562d414553',
    );
    const sealed = new AesSiv(key).seal(plaintext, [ad1, ad2, nonce]);
    expect(toHex(sealed)).toBe(
      '7bdb6e3b432667eb06f4d14bff2fbd0fcb900f2fddbe404326601965c889bf17dba77ceb094fa663b7a3f748ba8af829ea64ad544a272e9c485b62a3fd5c0d',
    );
  });

  it('rejects a modified ciphertext, tag or associated data', () => {
    const siv = new AesSiv(new Uint8Array(randomBytes(32)));
    const sealed = siv.seal(new TextEncoder().encode('attack at dawn, 32 bytes or more..'));
    for (const i of [0, 15, 16, sealed.length - 1]) {
      const bad = new Uint8Array(sealed);
      bad[i]! ^= 1;
      expect(() => siv.open(bad)).toThrow(AesSivError);
    }
    expect(() => siv.open(sealed, [])).toThrow(AesSivError);
    expect(() => siv.open(sealed.subarray(0, 10))).toThrow(AesSivError);
  });

  it('round-trips every plaintext length around block boundaries', () => {
    const siv = new AesSiv(new Uint8Array(randomBytes(32)));
    for (let len = 0; len <= 48; len++) {
      const pt = new Uint8Array(randomBytes(len));
      const sealed = siv.seal(pt);
      expect(sealed.length).toBe(len + 16);
      expect(toHex(siv.open(sealed))).toBe(toHex(pt));
    }
  });
});

describe('contract-message encryption against secretjs', () => {
  const io = IoKey.generate();
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({key: Buffer.from(io.publicKey).toString('base64')}));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('derives the same X25519 public key from a seed as secretjs', () => {
    const seed = new Uint8Array(randomBytes(32));
    const theirs = EncryptionUtilsImpl.GenerateNewKeyPairFromSeed(seed);
    expect(toHex(x25519PublicKey(seed))).toBe(toHex(theirs.pubkey));
    const other = generateX25519KeyPair();
    expect(toHex(x25519SharedSecret(seed, other.publicKey))).toBe(toHex(x25519SharedSecret(other.privateKey, theirs.pubkey)));
  });

  it('opens what secretjs encrypts, and secretjs decrypts what the devnet encrypts', async () => {
    const enc = new EncryptionUtilsImpl(url, new Uint8Array(randomBytes(32)));
    const codeHash = 'ab'.repeat(32);
    const msg = {transfer: {recipient: 'secret1xyz', amount: '100', memo: 'ünïcödé "quoted"'}};
    const envelope = await enc.encrypt(codeHash, msg);
    const opened = io.openInput(envelope);
    expect(opened.codeHash).toBe(codeHash);
    expect(JSON.parse(opened.json)).toEqual(msg);
    const output = opened.cipher.seal(new TextEncoder().encode('answer ✓'));
    expect(new TextDecoder().decode(await enc.decrypt(output, opened.nonce))).toBe('answer ✓');
  });

  it('secretjs decrypts an input the devnet-side client encrypted', async () => {
    const seed = new Uint8Array(randomBytes(32));
    const enc = new EncryptionUtilsImpl(url, seed);
    const client = generateX25519KeyPair(seed);
    const {envelope} = encryptContractInput(io.publicKey, client, 'cd'.repeat(32), {hello: 'world'});
    const nonce = envelope.subarray(0, 32);
    const plain = new TextDecoder().decode(await enc.decrypt(envelope.subarray(64), nonce));
    expect(plain).toBe('cd'.repeat(32) + '{"hello":"world"}');
  });

  it('rejects inputs that are too short or encrypted for another key', () => {
    expect(() => io.openInput(new Uint8Array(81))).toThrow(AesSivError);
    const other = IoKey.generate();
    const {envelope} = encryptContractInput(other.publicKey, generateX25519KeyPair(), 'ef'.repeat(32), {});
    expect(() => io.openInput(envelope)).toThrow(AesSivError);
  });
});

describe('secp256k1', () => {
  it('signs low-S signatures that verify, over the message and over its digest', () => {
    for (let i = 0; i < 20; i++) {
      const priv = new Uint8Array(randomBytes(32));
      const pub = secp256k1PublicKey(priv);
      const msg = new Uint8Array(randomBytes(100));
      const sig = signSecp256k1Sha256(msg, priv);
      expect(isLowS(sig)).toBe(true);
      expect(verifySecp256k1Sha256(msg, sig, pub)).toBe(true);
      expect(verifySecp256k1Prehashed(sha256(msg), sig, pub)).toBe(true);
      const other = new Uint8Array(msg);
      other[0]! ^= 1;
      expect(verifySecp256k1Sha256(other, sig, pub)).toBe(false);
      expect(verifySecp256k1Prehashed(sha256(other), sig, pub)).toBe(false);
    }
  });

  it('rejects high-S for transactions but accepts it for the contract Api (prehashed)', () => {
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const priv = new Uint8Array(randomBytes(32));
    const pub = secp256k1PublicKey(priv);
    const msg = new TextEncoder().encode('high s');
    const sig = signSecp256k1Sha256(msg, priv);
    const s = BigInt('0x' + toHex(sig.subarray(32)));
    const high = new Uint8Array(sig);
    high.set(fromHex((n - s).toString(16).padStart(64, '0')), 32);
    expect(verifySecp256k1Sha256(msg, high, pub)).toBe(false);
    expect(verifySecp256k1Sha256(msg, high, pub, {dangerousAllowHighS: true})).toBe(true);
    expect(verifySecp256k1Prehashed(sha256(msg), high, pub)).toBe(true);
  });

  it('returns false for malformed keys and signatures', () => {
    const priv = new Uint8Array(randomBytes(32));
    const msg = new Uint8Array(32);
    const sig = signSecp256k1Sha256(msg, priv);
    const badKey = new Uint8Array(33).fill(7);
    expect(verifySecp256k1Sha256(msg, sig, badKey)).toBe(false);
    expect(verifySecp256k1Prehashed(msg, sig, badKey)).toBe(false);
    expect(verifySecp256k1Sha256(msg, sig.subarray(0, 63), secp256k1PublicKey(priv))).toBe(false);
    expect(verifySecp256k1Prehashed(msg, new Uint8Array(64), secp256k1PublicKey(priv))).toBe(false);
  });
});

describe('addresses and keys', () => {
  it('encodes and decodes bech32 (BIP-173 vectors) and rejects bad checksums', () => {
    const {prefix, data} = bech32Decode('A12UEL5L');
    expect(prefix).toBe('a');
    expect(data.length).toBe(0);
    expect(bech32Decode('abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw').prefix).toBe('abcdef');
    expect(() => bech32Decode('a12uel5m')).toThrow();
    const bytes = new Uint8Array(randomBytes(20));
    const addr = bech32Encode('secret', bytes);
    expect(toHex(bech32Decode(addr).data)).toBe(toHex(bytes));
    expect(isSecretAddress(addr)).toBe(true);
    expect(isSecretAddress(addr.slice(0, -1) + (addr.endsWith('q') ? 'p' : 'q'))).toBe(false);
    expect(isSecretAddress(bech32Encode('cosmos', bytes))).toBe(false);
    expect(isSecretAddress(bech32Encode('secret', new Uint8Array(32)))).toBe(false);
  });

  it('derives the dev accounts exactly as secretjs Wallet does', () => {
    for (const acc of DEV_ACCOUNTS) {
      const wallet = new Wallet(acc.mnemonic);
      const priv = privateKeyFromMnemonic(acc.mnemonic);
      expect(toHex(priv)).toBe(toHex(wallet.privateKey));
      expect(pubkeyToAddress(secp256k1PublicKey(priv))).toBe(wallet.address);
      expect(wallet.address).toBe(acc.address);
    }
  });

  it('accepts standard and URL-safe base64 and rejects other characters', () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xfe, 0x00]);
    expect(toHex(fromBase64(Buffer.from(bytes).toString('base64')))).toBe('fbfffe00');
    expect(toHex(fromBase64(Buffer.from(bytes).toString('base64url')))).toBe('fbfffe00');
    expect(() => fromBase64('ab$c')).toThrow();
  });
});
