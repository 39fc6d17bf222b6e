import {describe, expect, it} from '@jest/globals';
import {createCipheriv, randomBytes, scryptSync} from 'node:crypto';
import {copyFileSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {Wallet} from 'secretjs';
import {Keyring} from '../../src/lib/keys/index.js';
import {SCRYPT_BOUNDS, seal, sealedAad, unseal, type SealedBlob} from '../../src/lib/keys/sealed.js';
import {ApiKeyStore, apiKeyHash, generateApiKey} from '../../src/lib/keys/apikeys.js';
import {ApiKeyChecker} from '../../src/lib/subscription/check.js';
import {tempHome} from '../helpers/cli.js';

// BIP-39 test mnemonic (public): fine for tests, never for funds.
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const PASS = 'correct horse';
const aad = sealedAad({name: 'k', address: 'secret1x', pubkey: 'AAA'});
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as {code?: string}).code;
  }
  return undefined;
};

describe('sealed secrets', () => {
  it('round-trips, authenticating the fields: a wrong passphrase and altered fields are told apart', () => {
    const b = seal('s3cret', PASS, aad);
    expect(b).toMatchObject({v: 2, kdf: 'scrypt', n: 1 << 15, r: 8, p: 1, cipher: 'aes-256-gcm'});
    expect(JSON.stringify(b)).not.toContain('s3cret');
    expect(unseal(b, PASS, aad, 'k')).toEqual({plaintext: 's3cret', legacy: false});
    expect(codeOf(() => unseal(b, 'wrong horse', aad, 'k'))).toBe('PASSPHRASE_WRONG');
    expect(codeOf(() => unseal(b, PASS, sealedAad({name: 'k', address: 'secret1y', pubkey: 'AAA'}), 'k'))).toBe('KEY_FILE_TAMPERED');
    const flipped = {...b, ciphertext: Buffer.from(Buffer.from(b.ciphertext, 'base64').map((x, i) => (i === 0 ? x ^ 1 : x))).toString('base64')};
    expect(codeOf(() => unseal(flipped, PASS, aad, 'k'))).toBe('KEY_FILE_TAMPERED');
    expect(sealedAad({b: '2', a: '1'}).toString()).toBe('{"a":"1","b":"2"}');
  });

  it('refuses scrypt parameters outside sane bounds before deriving anything', () => {
    const b = seal('x', PASS, aad);
    for (const bad of [{n: 1 << 10}, {n: 3 << 14}, {n: SCRYPT_BOUNDS.maxN * 2}, {r: 1}, {r: 64}, {p: 0}, {p: 99}, {n: 1.5}] as Array<Partial<SealedBlob>>) {
      expect(codeOf(() => unseal({...b, ...bad}, PASS, aad, 'k'))).toBe('KEY_FILE_CORRUPT');
    }
    expect(codeOf(() => unseal({...b, iv: 'AAAA'}, PASS, aad, 'k'))).toBe('KEY_FILE_CORRUPT');
    expect(codeOf(() => unseal({...b, v: 7 as 2}, PASS, aad, 'k'))).toBe('KEY_FILE_CORRUPT');
  });
});

/** A key file as versions before authenticated fields wrote it (scrypt N=2^15 + AES-GCM, no additional data). */
function writeLegacyKeyFile(home: string, name: string, address: string, pubkey: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(PASS, salt, 32, {N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024});
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(MNEMONIC, 'utf8'), c.final()]);
  const rec = {
    version: 1, name, address, pubkey, backend: 'file', createdAt: new Date(0).toISOString(),
    crypto: {kdf: 'scrypt', n: 1 << 15, r: 8, p: 1, salt: salt.toString('base64'), cipher: 'aes-256-gcm', iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), ciphertext: ct.toString('base64')},
  };
  const file = path.join(home, 'keys', `${name}.json`);
  writeFileSync(file, JSON.stringify(rec), {mode: 0o600});
  return file;
}

describe('keyring files', () => {
  const wallet = new Wallet(MNEMONIC);
  const pubkey = Buffer.from(wallet.publicKey).toString('base64');

  it('refuses a key file whose address was changed, and one copied under another name', async () => {
    const home = tempHome();
    const kr = new Keyring(home);
    await kr.add('f', MNEMONIC, {backend: 'file', passphrase: PASS});
    const file = path.join(home, 'keys', 'f.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({version: 2, crypto: {v: 2}});
    copyFileSync(file, path.join(home, 'keys', 'g.json'));
    expect(codeOf(() => kr.mnemonic('g', PASS))).toBe('KEY_FILE_CORRUPT');
    const rec = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({...rec, address: 'secret1jx9mh97y0r33wrzjkptxynkfa7e454ff63s7yz'}));
    expect(codeOf(() => kr.mnemonic('f', PASS))).toBe('KEY_FILE_TAMPERED');
    await expect(kr.unlock('f', PASS)).rejects.toMatchObject({code: 'KEY_FILE_TAMPERED'});
  });

  it('opens a legacy file and re-seals it with authenticated fields on unlock', async () => {
    const home = tempHome();
    const kr = new Keyring(home);
    await kr.add('seed', MNEMONIC, {backend: 'test'}); // creates the keys directory
    const file = writeLegacyKeyFile(home, 'old', wallet.address, pubkey);
    expect(kr.mnemonic('old', PASS)).toBe(MNEMONIC);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
    expect(await kr.unlock('old', PASS)).toBe(MNEMONIC);
    const migrated = JSON.parse(readFileSync(file, 'utf8'));
    expect(migrated).toMatchObject({version: 2, address: wallet.address, crypto: {v: 2}});
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(kr.mnemonic('old', PASS)).toBe(MNEMONIC);
    expect(() => kr.mnemonic('old', 'wrong horse')).toThrow(/wrong passphrase/);
  });

  it('refuses to migrate a legacy file whose address is not the mnemonic\'s', async () => {
    const home = tempHome();
    const kr = new Keyring(home);
    await kr.add('seed', MNEMONIC, {backend: 'test'});
    const file = writeLegacyKeyFile(home, 'old', 'secret1jx9mh97y0r33wrzjkptxynkfa7e454ff63s7yz', pubkey);
    await expect(kr.unlock('old', PASS)).rejects.toMatchObject({code: 'KEY_FILE_TAMPERED'});
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
  });
});

describe('API key store', () => {
  const info = {chainId: 'secretdev-1', contract: 'secret1contract', owner: {name: 'me', address: 'secret1me'}};

  it('generates random keys, stores them sealed (file owner) or in clear (test owner), mode 0600, and removes them', () => {
    const home = tempHome();
    const store = new ApiKeyStore(home);
    const k1 = generateApiKey();
    expect(k1).toMatch(/^sai_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(k1);
    const saved = store.save(k1, {...info, backend: 'file'}, PASS);
    const file = path.join(home, 'apikeys', 'secretdev-1', `${apiKeyHash(k1)}.json`);
    expect(readFileSync(file, 'utf8')).not.toContain(k1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(store.open('secretdev-1', saved.keyHash, PASS)).toBe(k1);
    expect(codeOf(() => store.open('secretdev-1', saved.keyHash, 'wrong horse'))).toBe('PASSPHRASE_WRONG');
    const k2 = generateApiKey();
    store.save(k2, {...info, backend: 'test'});
    expect(store.open('secretdev-1', apiKeyHash(k2))).toBe(k2);
    expect(store.list('secretdev-1', 'secret1me').map((k) => k.keyHash).sort()).toEqual([apiKeyHash(k1), apiKeyHash(k2)].sort());
    expect(store.list('secretdev-1', 'secret1other')).toEqual([]);
    expect(store.remove('secretdev-1', apiKeyHash(k2))).toBe(true);
    expect(store.open('secretdev-1', apiKeyHash(k2))).toBeUndefined();
  });
});

describe('API key checks (gateway cache)', () => {
  it('answers from api_key_status, caches accepted keys 30 s and refused ones 10 s, never caches failures', async () => {
    let now = 1_000_000;
    let answer: {active: boolean; key_handle: string | null; reason: string | null} = {active: true, key_handle: 'ab'.repeat(32), reason: null};
    let calls = 0;
    let fail = false;
    const seen: string[] = [];
    const checker = new ApiKeyChecker(
      {
        apiKeyStatus: async (hash) => {
          calls++;
          seen.push(hash);
          if (fail) throw new Error('node down');
          return answer;
        },
      },
      {now: () => now},
    );
    const key = generateApiKey();
    expect(await checker.check(key)).toEqual({status: 'active', handle: 'ab'.repeat(32)});
    expect(seen).toEqual([apiKeyHash(key)]);
    answer = {active: false, key_handle: null, reason: 'revoked'};
    now += 29_999;
    expect((await checker.check(key)).status).toBe('active');
    now += 1;
    expect(await checker.check(key)).toEqual({status: 'revoked'});
    answer = {active: false, key_handle: null, reason: 'expired'};
    now += 9_999;
    expect((await checker.check(key)).status).toBe('revoked');
    now += 1;
    expect((await checker.check(key)).status).toBe('expired');
    fail = true;
    now += 10_000;
    await expect(checker.check(key)).rejects.toThrow('node down');
    fail = false;
    answer = {active: false, key_handle: null, reason: 'no_balance'};
    expect((await checker.check(key)).status).toBe('no_balance');
    answer = {active: false, key_handle: null, reason: 'unknown'};
    expect((await checker.check('other')).status).toBe('unknown');
    expect(await checker.check('')).toEqual({status: 'unknown'});
    expect(calls).toBe(6);
  });
});
