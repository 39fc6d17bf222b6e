import {describe, expect, it} from '@jest/globals';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {Wallet} from 'secretjs';
import {deriveKey, Keyring, normalizeMnemonic} from '../../src/lib/keys/index.js';
import {UsageError} from '../../src/lib/errors.js';
import {tempHome} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

// BIP-39 test mnemonic (public, from the BIP-39 reference vectors): fine for tests, never for funds.
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

describe('keyring', () => {
  it('derives the same address as secretjs for a mnemonic', async () => {
    const kr = new Keyring(tempHome());
    const info = await kr.add('t', MNEMONIC, {backend: 'test'});
    expect(info.address).toBe(new Wallet(MNEMONIC).address);
    expect(info.address).toMatch(/^secret1[02-9ac-hj-np-z]{38}$/);
    expect(Buffer.from(info.pubkey, 'base64')).toHaveLength(33);
  });

  it('derives address and public key as secretjs does, without loading secretjs', async () => {
    const w = new Wallet(MNEMONIC);
    expect(await deriveKey(MNEMONIC)).toEqual({address: w.address, pubkey: w.publicKey});
    const dir = path.join(repoRoot, 'src', 'lib', 'keys');
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(0);
    for (const f of sources) expect({f, secretjs: /from 'secretjs|import\('secretjs/.test(readFileSync(path.join(dir, f), 'utf8'))}).toEqual({f, secretjs: false});
  });

  it('encrypts file-backend mnemonics at rest with mode 0600, and decrypts with the right passphrase only', async () => {
    const home = tempHome();
    const kr = new Keyring(home);
    await kr.add('f', MNEMONIC, {backend: 'file', passphrase: 'correct horse'});
    const file = path.join(home, 'keys', 'f.json');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('abandon');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(home, 'keys')).mode & 0o777).toBe(0o700);
    expect(kr.mnemonic('f', 'correct horse')).toBe(MNEMONIC);
    expect(() => kr.mnemonic('f', 'wrong horse')).toThrow(/wrong passphrase/);
    expect(() => kr.mnemonic('f')).toThrow(UsageError);
  });

  it('lists, shows and deletes; refuses duplicates and bad names', async () => {
    const kr = new Keyring(tempHome());
    await kr.add('b', MNEMONIC, {backend: 'test'});
    await kr.add('a', MNEMONIC, {backend: 'test'});
    expect(kr.list().map((k) => k.name)).toEqual(['a', 'b']);
    await expect(kr.add('a', MNEMONIC, {backend: 'test'})).rejects.toThrow(/already exists/);
    await expect(kr.add('../evil', MNEMONIC, {backend: 'test'})).rejects.toThrow(/invalid key name/);
    expect(kr.delete('a').name).toBe('a');
    expect(() => kr.show('a')).toThrow(/no key named/);
  });

  it('requires a passphrase of 8+ characters for the file backend', async () => {
    const kr = new Keyring(tempHome());
    await expect(kr.add('x', MNEMONIC, {backend: 'file'})).rejects.toThrow(/passphrase is required/);
    await expect(kr.add('x', MNEMONIC, {backend: 'file', passphrase: 'short'})).rejects.toThrow(/at least 8/);
  });

  it('validates mnemonics (word count, words, checksum) and normalises whitespace and case', async () => {
    await expect(normalizeMnemonic(`  ${MNEMONIC.toUpperCase().replace(/ /g, '  \n')} `)).resolves.toBe(MNEMONIC);
    await expect(normalizeMnemonic('abandon abandon')).rejects.toThrow(/12, 15, 18, 21 or 24 words/);
    await expect(normalizeMnemonic(MNEMONIC.replace('about', 'abandon'))).rejects.toThrow(/checksum/);
    await expect(normalizeMnemonic(MNEMONIC.replace('about', 'zzzz'))).rejects.toThrow(/not valid/);
  });
});
