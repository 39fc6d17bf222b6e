/**
 * The encryption context on `node:crypto` (`src/lib/chain/seal.ts`): AES-SIV against RFC 5297's vectors and against
 * miscreant (the AES-SIV secretjs uses) for every tail length; the whole context against secretjs's own
 * EncryptionUtilsImpl with the same seed and IO key, both ways; tampered outputs; the consensus IO key it holds.
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {generateKeyPairSync, randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import http from 'node:http';
import {createRequire} from 'node:module';
import type {AddressInfo} from 'node:net';
import {fileURLToPath} from 'node:url';
import {EncryptionUtilsImpl} from 'secretjs';
import {Seal, SivError, sivOpen, sivSeal} from '../../src/lib/chain/seal.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const utf8 = (b: Uint8Array) => new TextDecoder().decode(b);
const CODE_HASH = 'af74387e276be8874f07bec3a87023ee49b0e7ebe08178c49d0a49c3c98ed60e';
const ONE_EMPTY = [new Uint8Array(0)];

/** miscreant's AES-SIV as secretjs loads it (its TypeScript sources are not compiled here). */
interface MiscreantSiv {
  seal(plaintext: Uint8Array, associatedData: Uint8Array[]): Promise<Uint8Array>;
  open(sealed: Uint8Array, associatedData: Uint8Array[]): Promise<Uint8Array>;
}
const miscreant = createRequire(createRequire(import.meta.url).resolve('secretjs'))('miscreant') as {
  SIV: {importKey(key: Uint8Array, alg: 'AES-SIV', provider: unknown): Promise<MiscreantSiv>};
  PolyfillCryptoProvider: new () => unknown;
};
const miscreantSiv = (key: Uint8Array) => miscreant.SIV.importKey(key, 'AES-SIV', new miscreant.PolyfillCryptoProvider());

/** A raw X25519 public key (the chain's consensus IO key, in these tests). */
function newIoKey(): Uint8Array {
  const {publicKey} = generateKeyPairSync('x25519');
  return new Uint8Array(Buffer.from(publicKey.export({format: 'jwk'}).x!, 'base64url'));
}

describe('AES-SIV (RFC 5297, AES-128)', () => {
  it('matches appendix A.1 (deterministic authenticated encryption)', () => {
    const key = bytes('fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
    const ad = bytes('101112131415161718191a1b1c1d1e1f2021222324252627');
    const plaintext = bytes('112233445566778899aabbccddee');
    const sealed = sivSeal(key, plaintext, [ad]);
    expect(hex(sealed)).toBe('85632d07c6e8f37f950acd320a2ecc9340c02b9690c4dc04daef7f6afe5c');
    expect(hex(sivOpen(key, sealed, [ad]))).toBe(hex(plaintext));
  });

  it('matches appendix A.2 (several associated-data elements, nonce last)', () => {
    const key = bytes('7f7e7d7c7b7a79787776757473727170404142434445464748494a4b4c4d4e4f');
    const ads = [
      bytes('00112233445566778899aabbccddeeffdeaddadadeaddadaffeeddccbbaa99887766554433221100'),
      bytes('102030405060708090a0'),
      bytes('09f911029d74e35bd84156c5635688c0'),
    ];
    const plaintext = bytes('7468697320697320736f6d6520706c61696e7465787420746f20656e6372797074207573696e67205349562d414553');
    const sealed = sivSeal(key, plaintext, ads);
    expect(hex(sealed)).toBe('7bdb6e3b432667eb06f4d14bff2fbd0fcb900f2fddbe404326601965c889bf17dba77ceb094fa663b7a3f748ba8af829ea64ad544a272e9c485b62a3fd5c0d');
    expect(hex(sivOpen(key, sealed, ads))).toBe(hex(plaintext));
  });

  it('gives miscreant\'s bytes for every plaintext length from 0 to 80 and associated data of 0 to 40 bytes', async () => {
    const key = new Uint8Array(randomBytes(32));
    const siv = await miscreantSiv(key);
    for (let n = 0; n <= 80; n++) {
      const plaintext = new Uint8Array(randomBytes(n));
      for (const ad of [ONE_EMPTY, [new Uint8Array(randomBytes(n % 41))], []]) {
        const ours = sivSeal(key, plaintext, ad);
        expect(hex(ours)).toBe(hex(await siv.seal(plaintext, ad)));
        expect(hex(sivOpen(key, ours, ad))).toBe(hex(plaintext));
      }
    }
  });

  it('rejects a changed SIV, ciphertext or associated data, a truncated output and a wrong key', () => {
    const key = new Uint8Array(randomBytes(32));
    const sealed = sivSeal(key, new TextEncoder().encode('attack at dawn, well over a block'));
    for (const i of [0, 8, 15, 16, 31, sealed.length - 1]) {
      const bad = new Uint8Array(sealed);
      bad[i]! ^= 0x01;
      expect(() => sivOpen(key, bad)).toThrow(SivError);
    }
    expect(() => sivOpen(key, sealed, [])).toThrow(SivError);
    expect(() => sivOpen(key, sealed.subarray(0, 15))).toThrow(SivError);
    expect(() => sivOpen(new Uint8Array(randomBytes(32)), sealed)).toThrow(SivError);
  });
});

describe('Seal against secretjs\'s EncryptionUtilsImpl', () => {
  let server: http.Server;
  let url: string;
  let ioKey = newIoKey();
  /** The answer to the next `tx-key` requests: the key, or a status and body. */
  let txKeyAnswer: (() => {status: number; body: string}) | undefined;
  let txKeyRequests = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.split('?')[0] !== '/registration/v1beta1/tx-key') return res.writeHead(404).end('{}');
      txKeyRequests++;
      const a = txKeyAnswer?.() ?? {status: 200, body: JSON.stringify({key: Buffer.from(ioKey).toString('base64')})};
      res.writeHead(a.status, {'content-type': 'application/json'}).end(a.body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  const messages: Array<[string, object]> = [
    ['empty', {}],
    ['unicode', {transfer: {recipient: 'secret1xyz', memo: 'ünïcödé "quoted" ✓ 🚀 \u0000 \u2028'}}],
    ['10 kB', {blob: 'x'.repeat(10_000), n: 1}],
  ];

  it('derives the same public key from a seed', async () => {
    for (let i = 0; i < 8; i++) {
      const seed = new Uint8Array(randomBytes(32));
      expect(hex(await new Seal(url, seed).getPubkey())).toBe(hex(new EncryptionUtilsImpl(url, seed).pubkey));
    }
    expect(hex(new Seal(url, new Uint8Array(32)).pubkey)).toBe(hex(new EncryptionUtilsImpl(url, new Uint8Array(32)).pubkey));
    // Without a seed, a random key pair.
    expect(hex(new Seal(url).pubkey)).not.toBe(hex(new Seal(url).pubkey));
    expect(() => new Seal(url, new Uint8Array(31))).toThrow(RangeError);
  });

  it('derives the same message key from a nonce', async () => {
    const seed = new Uint8Array(randomBytes(32));
    const ours = new Seal(url, seed);
    const theirs = new EncryptionUtilsImpl(url, seed);
    for (let i = 0; i < 4; i++) {
      const nonce = new Uint8Array(randomBytes(32));
      expect(hex(await ours.getTxEncryptionKey(nonce))).toBe(hex(await theirs.getTxEncryptionKey(nonce)));
    }
  });

  it.each(messages)('ours encrypts, theirs decrypts, and the other way round: %s', async (_name, msg) => {
    const seed = new Uint8Array(randomBytes(32));
    const ours = new Seal(url, seed);
    const theirs = new EncryptionUtilsImpl(url, seed);
    const expected = CODE_HASH + JSON.stringify(msg);

    const mine = await ours.encrypt(CODE_HASH, msg);
    expect(mine).toBeInstanceOf(Uint8Array);
    expect(mine.length).toBe(32 + 32 + 16 + Buffer.byteLength(expected));
    expect(hex(mine.subarray(32, 64))).toBe(hex(theirs.pubkey));
    expect(utf8(await theirs.decrypt(mine.subarray(64), mine.subarray(0, 32)))).toBe(expected);

    const yours = await theirs.encrypt(CODE_HASH, msg);
    expect(hex(yours.subarray(32, 64))).toBe(hex(ours.pubkey));
    expect(utf8(await ours.decrypt(yours.subarray(64), yours.subarray(0, 32)))).toBe(expected);

    // An output of the message (what a node answers), sealed by either side under the message's key.
    const nonce = mine.subarray(0, 32);
    const answer = new TextEncoder().encode(Buffer.from(JSON.stringify(msg)).toString('base64'));
    const out = sivSeal(await theirs.getTxEncryptionKey(nonce), answer);
    expect(hex(await ours.decrypt(out, nonce))).toBe(hex(answer));
    expect(hex(await theirs.decrypt(sivSeal(await ours.getTxEncryptionKey(nonce), answer), nonce))).toBe(hex(answer));
  });

  it('fresh nonces: the same message never gives the same bytes', async () => {
    const ours = new Seal(url);
    const [a, b] = await Promise.all([ours.encrypt(CODE_HASH, {q: 1}), ours.encrypt(CODE_HASH, {q: 1})]);
    expect(hex(a.subarray(0, 32))).not.toBe(hex(b.subarray(0, 32)));
    expect(hex(a.subarray(64))).not.toBe(hex(b.subarray(64)));
  });

  it('a tampered or foreign output fails to decrypt with an error; an empty one is empty', async () => {
    const seed = new Uint8Array(randomBytes(32));
    const ours = new Seal(url, seed);
    const sealed = await new EncryptionUtilsImpl(url, seed).encrypt(CODE_HASH, {q: 'tamper'});
    const nonce = sealed.subarray(0, 32);
    const body = sealed.slice(64);
    for (const i of [0, 16, body.length - 1]) {
      const bad = new Uint8Array(body);
      bad[i]! ^= 0x80;
      await expect(ours.decrypt(bad, nonce)).rejects.toThrow(SivError);
    }
    const otherNonce = new Uint8Array(nonce);
    otherNonce[0]! ^= 1;
    await expect(ours.decrypt(body, otherNonce)).rejects.toThrow(SivError);
    await expect(new Seal(url).decrypt(body, nonce)).rejects.toThrow(SivError);
    await expect(ours.decrypt(body, nonce.subarray(0, 16))).rejects.toThrow(RangeError);
    expect(await ours.decrypt(new Uint8Array(0), nonce)).toEqual(new Uint8Array(0));
  });

  describe('the consensus IO key it holds', () => {
    it('fetches it once for concurrent callers, and reports the fetched key', async () => {
      const before = txKeyRequests;
      const fetched: Uint8Array[] = [];
      const seal = new Seal(url, undefined, {onIoKeyFetched: (k) => fetched.push(k)});
      expect(seal.knownIoKey).toBeUndefined();
      await Promise.all([seal.encrypt(CODE_HASH, {a: 1}), seal.encrypt(CODE_HASH, {a: 2}), seal.ioKey()]);
      expect(txKeyRequests - before).toBe(1);
      expect(seal.knownIoKey).toEqual(ioKey);
      expect(fetched).toEqual([ioKey]);
      await seal.encrypt(CODE_HASH, {a: 3});
      expect(txKeyRequests - before).toBe(1);
    });

    it('a preset key is used without a request, and a re-fetch replaces it', async () => {
      const before = txKeyRequests;
      const seed = new Uint8Array(randomBytes(32));
      const stale = newIoKey();
      const seal = new Seal(url, seed);
      seal.presetIoKey(stale);
      const nonce = new Uint8Array(randomBytes(32));
      const staleKey = await seal.getTxEncryptionKey(nonce);
      expect(txKeyRequests - before).toBe(0);
      expect(hex(staleKey)).not.toBe(hex(await new EncryptionUtilsImpl(url, seed).getTxEncryptionKey(nonce)));
      expect(txKeyRequests - before).toBe(1); // secretjs's fetch
      expect(await seal.refetchIoKey()).toEqual(ioKey);
      expect(txKeyRequests - before).toBe(2);
      expect(hex(await seal.getTxEncryptionKey(nonce))).toBe(hex(await new EncryptionUtilsImpl(url, seed).getTxEncryptionKey(nonce)));
      expect(() => seal.presetIoKey(new Uint8Array(33))).toThrow(RangeError);
    });

    it('follows the node\'s key when it changes', async () => {
      const seal = new Seal(url);
      const first = await seal.ioKey();
      const previous = ioKey;
      ioKey = newIoKey();
      try {
        expect(await seal.ioKey()).toBe(first);
        expect(await seal.refetchIoKey()).toEqual(ioKey);
        expect(seal.knownIoKey).not.toEqual(previous);
      } finally {
        ioKey = previous;
      }
    });

    it('a refused or malformed answer rejects (a refusal as its JSON body, as secretjs does); the next call asks again', async () => {
      const seal = new Seal(url);
      txKeyAnswer = () => ({status: 503, body: JSON.stringify({code: 14, message: 'unavailable'})});
      try {
        await expect(seal.ioKey()).rejects.toEqual({code: 14, message: 'unavailable'});
        txKeyAnswer = () => ({status: 200, body: JSON.stringify({key: Buffer.alloc(31).toString('base64')})});
        await expect(seal.encrypt(CODE_HASH, {})).rejects.toThrow(/32-byte key/);
        txKeyAnswer = () => ({status: 200, body: 'not json'});
        await expect(seal.ioKey()).rejects.toThrow(/JSON/); // a SyntaxError (node-fetch, which secretjs installs here, wraps it)
      } finally {
        txKeyAnswer = undefined;
      }
      expect(seal.knownIoKey).toBeUndefined();
      expect(await seal.ioKey()).toEqual(ioKey);
    });
  });
});

it('loads nothing but node:crypto and the shared AES-SIV (it is on the start-up path of chat)', () => {
  // Every module seal.js loads, followed through the local ones: only Node's crypto (and module, to require it).
  const seen = new Set<string>();
  const external = new Set<string>();
  const visit = (url: URL) => {
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const js = readFileSync(fileURLToPath(url), 'utf8');
    const specs = [...js.matchAll(/(?:^|\n)\s*(?:import\b[^'"]*|export\s*\{[^}]*\}\s*from\s*)['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
    for (const spec of specs) {
      if (spec.startsWith('.')) visit(new URL(spec, url));
      else external.add(spec);
    }
  };
  visit(new URL('../../src/lib/chain/seal.js', import.meta.url));
  expect([...seen].map((u) => u.replace(/.*\/dist\//, '')).sort()).toEqual(['src/common/aes-siv.js', 'src/common/node-crypto.js', 'src/lib/chain/seal.js']);
  expect([...external].sort()).toEqual(['node:crypto', 'node:module']);
});
