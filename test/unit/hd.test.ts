/**
 * Native BIP-39 / BIP-32 derivation (src/lib/keys/hd.ts) against the BIPs' test vectors and against secretjs's
 * `Wallet`, which every Secret wallet agrees with.
 */
import {describe, expect, it} from '@jest/globals';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import bip39 from 'bip39';
import {Wallet} from 'secretjs';
import {DEV_ACCOUNTS} from '../../src/devnet/genesis.js';
import {
  accountPath,
  deriveAccount,
  deriveChild,
  derivePath,
  HARDENED_OFFSET,
  HdKeyError,
  masterKey,
  mnemonicToSeed,
  parsePath,
  pubkeyAddress,
} from '../../src/lib/keys/hd.js';
import {compressedPublicKey} from '../../src/lib/keys/secp256k1.js';
import {repoRoot} from '../helpers/shared.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

// Public test mnemonics (BIP-39 reference vectors and the devnet's published accounts): never for funds.
const MNEMONIC_12 = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const MNEMONIC_18 = 'legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal will';
const MNEMONICS = [MNEMONIC_12, MNEMONIC_18, ...DEV_ACCOUNTS.map((a) => a.mnemonic)];

/** BIP-32 test vector 1: seed 000102…0f, chain m/0'/1/2'/2/1000000000 (private key, chain code, public key). */
const VECTOR_1: Array<[string, string, string, string]> = [
  ['m', 'e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35', '873dff81c02f525623fd1fe5167eac3a55a049de3d314bb42ee227ffed37d508', '0339a36013301597daef41fbe593a02cc513d0b55527ec2df1050e2e8ff49c85c2'],
  ["m/0'", 'edb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea', '47fdacbd0f1097043b78c63c20c34ef4ed9a111d980047ad16282c7ae6236141', '035a784662a4a20a65bf6aab9ae98a6c068a81c52e4b032c0fb5400c706cfccc56'],
  ["m/0'/1", '3c6cb8d0f6a264c91ea8b5030fadaa8e538b020f0a387421a12de9319dc93368', '2a7857631386ba23dacac34180dd1983734e444fdbf774041578e9b6adb37c19', '03501e454bf00751f24b1b489aa925215d66af2234e3891c3b21a52bedb3cd711c'],
  ["m/0'/1/2'", 'cbce0d719ecf7431d88e6a89fa1483e02e35092af60c042b1df2ff59fa424dca', '04466b9cc8e161e966409ca52986c584f07e9dc81f735db683c3ff6ec7b1503f', '0357bfe1e341d01c69fe5654309956cbea516822fba8a601743a012a7896ee8dc2'],
  ["m/0'/1/2'/2", '0f479245fb19a38a1954c5c7c0ebab2f9bdfd96a17563ef28a6a4b1a2a764ef4', 'cfb71883f01676f587d023cc53a35bc7f88f724b1f8c2892ac1275ac822a3edd', '02e8445082a72f29b75ca48748a914df60622a609cacfce8ed0e35804560741d29'],
  ["m/0'/1/2'/2/1000000000", '471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8', 'c783e67b921d2beb8f6b389cc646d7263b4145701dadd2161548a8b078e65e9e', '022a471424da5e657499d1ff51cb43c47481a03b1e77f951fe64cec9f5a48f7011'],
];

describe('BIP-39 seed', () => {
  it('matches the reference vector with passphrase TREZOR, and the bip39 package with and without a passphrase', () => {
    expect(hex(mnemonicToSeed(MNEMONIC_12, 'TREZOR'))).toBe(
      'c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04',
    );
    for (const m of MNEMONICS) {
      expect(hex(mnemonicToSeed(m))).toBe(bip39.mnemonicToSeedSync(m).toString('hex'));
      expect(hex(mnemonicToSeed(m, 'pass phrase'))).toBe(bip39.mnemonicToSeedSync(m, 'pass phrase').toString('hex'));
    }
  });
});

describe('BIP-32 derivation', () => {
  it('gives test vector 1 step by step and by path', () => {
    const seed = fromHex('000102030405060708090a0b0c0d0e0f');
    let node = masterKey(seed);
    for (const [p, priv, chain, pub] of VECTOR_1) {
      if (p !== 'm') node = deriveChild(node, parsePath(p).at(-1)!);
      expect({p, priv: hex(node.privateKey), chain: hex(node.chainCode), pub: hex(compressedPublicKey(node.privateKey))}).toEqual({p, priv, chain, pub});
      const byPath = derivePath(seed, p);
      expect([hex(byPath.privateKey), hex(byPath.chainCode)]).toEqual([priv, chain]);
    }
  });

  it('parses paths and refuses malformed ones, bad indexes and bad seeds', () => {
    expect(parsePath("m/44'/529'/0'/0/0")).toEqual([44 + HARDENED_OFFSET, 529 + HARDENED_OFFSET, HARDENED_OFFSET, 0, 0]);
    expect(parsePath('m/1h/2')).toEqual([1 + HARDENED_OFFSET, 2]);
    expect(parsePath('m')).toEqual([]);
    for (const bad of ['', '44/0', 'm/', 'm/-1', 'm/1.5', "m/2147483648'", 'm/2147483648', 'm/x', "m/0''"]) {
      expect(() => parsePath(bad)).toThrow(HdKeyError);
    }
    const root = masterKey(new Uint8Array(16));
    for (const bad of [-1, 2 ** 32, 1.5, NaN]) expect(() => deriveChild(root, bad)).toThrow(HdKeyError);
    expect(() => masterKey(new Uint8Array(15))).toThrow(HdKeyError);
    expect(() => masterKey(new Uint8Array(65))).toThrow(HdKeyError);
    expect(() => accountPath(529, -1)).toThrow(HdKeyError);
    expect(() => accountPath(HARDENED_OFFSET, 0)).toThrow(HdKeyError);
  });
});

describe('Secret accounts', () => {
  it('give the private key, public key and address secretjs\'s Wallet gives, for 12-, 18- and 24-word mnemonics', () => {
    for (const m of MNEMONICS) {
      const w = new Wallet(m);
      const a = deriveAccount(m);
      expect({m, priv: hex(a.privateKey), pub: hex(a.publicKey), address: a.address}).toEqual({m, priv: hex(w.privateKey), pub: hex(w.publicKey), address: w.address});
    }
  });

  it('give the devnet accounts their published addresses', () => {
    for (const acct of DEV_ACCOUNTS) expect(deriveAccount(acct.mnemonic).address).toBe(acct.address);
  });

  it('follow secretjs for other account indexes, coin types and address prefixes', () => {
    const cases = [{hdAccountIndex: 1}, {hdAccountIndex: 7}, {coinType: 118}, {coinType: 118, hdAccountIndex: 3, bech32Prefix: 'cosmos'}];
    for (const m of [MNEMONIC_12, DEV_ACCOUNTS[1]!.mnemonic]) {
      for (const opts of cases) {
        const w = new Wallet(m, opts);
        const a = deriveAccount(m, opts);
        expect({opts, priv: hex(a.privateKey), pub: hex(a.publicKey), address: a.address}).toEqual({opts, priv: hex(w.privateKey), pub: hex(w.publicKey), address: w.address});
      }
    }
    expect(accountPath()).toBe("m/44'/529'/0'/0/0");
    expect(accountPath(118, 2)).toBe("m/44'/118'/0'/0/2");
  });

  it('addresses are bech32 of RIPEMD-160(SHA-256(compressed key))', () => {
    const a = deriveAccount(MNEMONIC_12);
    expect(pubkeyAddress(a.publicKey)).toBe(a.address);
    expect(pubkeyAddress(a.publicKey, 'cosmos')).toMatch(/^cosmos1/);
  });

  it('refuse an empty mnemonic (secretjs would make a random wallet of it)', () => {
    expect(() => deriveAccount('')).toThrow(HdKeyError);
    expect(() => deriveAccount('   ')).toThrow(HdKeyError);
  });

  it('load neither secretjs nor @noble: node:crypto and the shared encoding only', () => {
    for (const f of ['hd.ts', 'secp256k1.ts']) {
      const text = readFileSync(path.join(repoRoot, 'src', 'lib', 'keys', f), 'utf8');
      const imports = [...text.matchAll(/^import [^;]*? from '([^']+)';/gm)].map((x) => x[1]);
      expect({f, imports: imports.filter((i) => !/^node:|^\.\.?\//.test(i!))}).toEqual({f, imports: []});
    }
  });
});
