/**
 * The native wallet (src/lib/chain/signer.ts) inside secretjs, offline: secretjs builds the same txs with it as with
 * its own `Wallet`, in direct and amino mode, and the signatures are valid and low-S over the bytes the chain checks;
 * permits signed with it pass secretjs's and the contracts' verification. (A real devnet tx with it is in
 * devnet.test.ts and the e2e tests: every signing client uses it.)
 */
import {describe, expect, it} from '@jest/globals';
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {secp256k1} from '@noble/curves/secp256k1.js';
import {MsgSend, SecretNetworkClient, Wallet, type TxOptions} from 'secretjs';
import {SignDoc, TxRaw} from 'secretjs/dist/protobuf/cosmos/tx/v1beta1/tx.js';
import {AminoWallet} from 'secretjs/dist/wallet_amino.js';
import {fromBase64} from '../../contracts/common/encoding.js';
import {verifyPermit} from '../../contracts/common/permit.js';
import {aminoSignBytes, directSignBytes, NativeWallet, type AminoSignDoc, type DirectSignDoc} from '../../src/lib/chain/signer.js';
import {signingClient} from '../../src/lib/chain/signing-client.js';
import {BUILTIN_PROFILES} from '../../src/lib/config/index.js';
import {UsageError} from '../../src/lib/errors.js';
import {isLowSCompactSignature as isLowSCompact} from '../../contracts/common/crypto.js';
import {DEV_ACCOUNTS} from '../../src/devnet/genesis.js';
import {nodeApi, testAddress} from '../contracts/harness.js';
import {repoRoot} from '../helpers/shared.js';

const MNEMONIC = DEV_ACCOUNTS[1]!.mnemonic;
const CHAIN_ID = 'secretdev-1';
/** Nothing listens here: every test is offline. */
const URL = 'http://127.0.0.1:9';
const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function verifies(sig: Uint8Array, bytes: Uint8Array, pub: Uint8Array): boolean {
  return secp256k1.verify(sig, sha256(bytes), pub, {prehash: false, lowS: true, format: 'compact'});
}

/** The protobuf SignDoc bytes of a signed tx, rebuilt with secretjs's own encoder. */
function signDocBytes(raw: TxRaw, accountNumber: number): Uint8Array {
  return SignDoc.encode({body_bytes: raw.body_bytes, auth_info_bytes: raw.auth_info_bytes, chain_id: CHAIN_ID, account_number: String(accountNumber)}).finish();
}

function txOptions(accountNumber: number, sequence: number): TxOptions {
  return {gasLimit: 20_000, gasPriceInFeeDenom: 0.1, feeDenom: 'uscrt', memo: 'fish & chips <3>', explicitSignerData: {accountNumber, sequence, chainId: CHAIN_ID}};
}

function send(from: string): MsgSend {
  return new MsgSend({from_address: from, to_address: DEV_ACCOUNTS[2]!.address, amount: [{denom: 'uscrt', amount: '1234'}]});
}

describe('NativeWallet', () => {
  const reference = new Wallet(MNEMONIC);
  const wallet = new NativeWallet(reference.privateKey);

  it('has secretjs Wallet\'s address, public key and account', async () => {
    expect(wallet.address).toBe(reference.address);
    expect(hex(wallet.publicKey)).toBe(hex(reference.publicKey));
    expect(await wallet.getAccounts()).toEqual(await reference.getAccounts());
    expect(JSON.stringify(wallet)).toBe(JSON.stringify({address: reference.address}));
  });

  it('signs direct-mode txs in secretjs: the same body and auth info as secretjs\'s Wallet, a valid low-S signature', async () => {
    for (const [accountNumber, sequence] of [[0, 0], [12, 3], [2 ** 40, 99]] as const) {
      const txs = await Promise.all(
        [wallet, reference].map(async (w) => {
          const client = new SecretNetworkClient({url: URL, chainId: CHAIN_ID, wallet: w as unknown as Wallet, walletAddress: w.address});
          return TxRaw.decode(await client.tx.signTx([send(w.address)], txOptions(accountNumber, sequence)));
        }),
      );
      const [ours, theirs] = txs as [TxRaw, TxRaw];
      expect(hex(ours.body_bytes)).toBe(hex(theirs.body_bytes));
      expect(hex(ours.auth_info_bytes)).toBe(hex(theirs.auth_info_bytes));
      const doc = signDocBytes(ours, accountNumber);
      expect(verifies(theirs.signatures[0]!, doc, reference.publicKey)).toBe(true);
      const sig = ours.signatures[0]!;
      expect(sig).toHaveLength(64);
      expect(isLowSCompact(sig)).toBe(true);
      expect(verifies(sig, doc, wallet.publicKey)).toBe(true);
      expect(verifies(sig, signDocBytes(ours, accountNumber + 1), wallet.publicKey)).toBe(false);
    }
  });

  it('encodes direct sign docs as secretjs\'s protobuf SignDoc does, defaults left out', () => {
    const body = new Uint8Array(300_000).map((_, i) => i % 251);
    const cases: Array<[Uint8Array, Uint8Array, string, bigint]> = [
      [body, new Uint8Array([1, 2, 3]), CHAIN_ID, 7n],
      [new Uint8Array(0), new Uint8Array(0), '', 0n],
      [new Uint8Array([9]), new Uint8Array(0), 'pulsar-3', 2n ** 63n + 5n],
      [new Uint8Array(127), new Uint8Array(128), 'secret-4', 127n],
    ];
    for (const [bodyBytes, authInfoBytes, chainId, accountNumber] of cases) {
      const ours = directSignBytes({bodyBytes, authInfoBytes, chainId, accountNumber} as DirectSignDoc);
      const theirs = SignDoc.encode({body_bytes: bodyBytes, auth_info_bytes: authInfoBytes, chain_id: chainId, account_number: accountNumber.toString()}).finish();
      expect(hex(ours)).toBe(hex(theirs));
    }
  });

  it('signs amino-mode txs in secretjs over the bytes secretjs\'s AminoWallet signs', async () => {
    const docs: AminoSignDoc[] = [];
    // Without signDirect, secretjs signs in amino mode (SIGN_MODE_LEGACY_AMINO_JSON).
    const aminoOnly = {
      getAccounts: () => wallet.getAccounts(),
      signAmino: (address: string, doc: AminoSignDoc) => {
        docs.push(doc);
        return wallet.signAmino(address, doc);
      },
    };
    const theirWallet = new AminoWallet(MNEMONIC);
    const [ours, theirs] = await Promise.all(
      [aminoOnly, theirWallet].map(async (w) => {
        const client = new SecretNetworkClient({url: URL, chainId: CHAIN_ID, wallet: w as unknown as Wallet, walletAddress: wallet.address});
        return TxRaw.decode(await client.tx.signTx([send(wallet.address)], txOptions(12, 3)));
      }),
    );
    expect(hex(ours!.body_bytes)).toBe(hex(theirs!.body_bytes));
    expect(hex(ours!.auth_info_bytes)).toBe(hex(theirs!.auth_info_bytes));
    const bytes = aminoSignBytes(docs[0]!);
    // secretjs's signature verifies over our serialisation: the bytes are the same.
    expect(verifies(theirs!.signatures[0]!, bytes, wallet.publicKey)).toBe(true);
    expect(isLowSCompact(ours!.signatures[0]!)).toBe(true);
    expect(verifies(ours!.signatures[0]!, bytes, wallet.publicKey)).toBe(true);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('"memo":"fish \\u0026 chips \\u003c3\\u003e"');
    expect(text.startsWith('{"account_number":"12","chain_id":"secretdev-1","fee":{"amount":[{"amount":"2000","denom":"uscrt"}],"gas":"20000"},"memo":')).toBe(true);
  });

  it('sorts keys at every level and escapes &, <, > in amino sign docs', () => {
    const doc = {z: 1, a: [{y: 'a&b', b: null}, 'x<y>'], m: {k: {c: 2, b: 1}}} as unknown as AminoSignDoc;
    expect(new TextDecoder().decode(aminoSignBytes(doc))).toBe('{"a":[{"b":null,"y":"a\\u0026b"},"x\\u003cy\\u003e"],"m":{"k":{"b":1,"c":2}},"z":1}');
  });

  it('signs permits that secretjs and the contracts verify', async () => {
    const client = new SecretNetworkClient({url: URL, chainId: CHAIN_ID, wallet: wallet as unknown as Wallet, walletAddress: wallet.address});
    const contract = testAddress(7);
    const permit = await client.utils.accessControl.permit.sign(wallet.address, CHAIN_ID, 'secretai', [contract], ['balance'], false);
    expect(isLowSCompact(fromBase64(permit.signature.signature))).toBe(true);
    expect(client.utils.accessControl.permit.verify(permit, wallet.address, contract, ['balance'])).toBe(true);
    const deps = {api: nodeApi(), storage: {get: () => null}, querier: undefined} as unknown as Parameters<typeof verifyPermit>[0];
    const env = {block: {height: 1, time: 1_700_000_000, chain_id: CHAIN_ID}, contract: {address: contract, code_hash: 'ab'.repeat(32)}};
    expect(verifyPermit(deps, env, permit as Parameters<typeof verifyPermit>[2], contract, 'balance')).toBe(wallet.address);
  });

  it('refuses to sign for another address, as secretjs\'s Wallet does', async () => {
    const other = DEV_ACCOUNTS[2]!.address;
    const doc = {bodyBytes: new Uint8Array(1), authInfoBytes: new Uint8Array(1), chainId: CHAIN_ID, accountNumber: 1n} as DirectSignDoc;
    await expect(wallet.signDirect(other, doc)).rejects.toThrow(`Address ${other} not found in wallet`);
    await expect(reference.signDirect(other, doc)).rejects.toThrow(`Address ${other} not found in wallet`);
    await expect(wallet.signAmino(other, {} as AminoSignDoc)).rejects.toThrow(`Address ${other} not found in wallet`);
  });

  it('is what signingClient uses: secretjs\'s address and key, no secretjs Wallet; a bad mnemonic is a usage error', async () => {
    const client = await signingClient(BUILTIN_PROFILES.local, MNEMONIC);
    expect(client.address).toBe(reference.address);
    expect(hex(client.publicKey)).toBe(hex(reference.publicKey));
    for (const bad of ['', 'abandon '.repeat(12).trim()]) {
      await expect(signingClient(BUILTIN_PROFILES.local, bad)).rejects.toThrow(UsageError);
    }
    const source = readFileSync(path.join(repoRoot, 'src', 'lib', 'chain', 'signing-client.ts'), 'utf8');
    expect(source).not.toMatch(/new (sjs\.)?Wallet\(/);
  });

  it('loads without secretjs: signer.ts imports only its types', () => {
    const text = readFileSync(path.join(repoRoot, 'src', 'lib', 'chain', 'signer.ts'), 'utf8');
    const imports = [...text.matchAll(/^import (type )?[^;]*? from '([^']+)';/gm)].map((m) => ({type: Boolean(m[1]), from: m[2]}));
    expect(imports.filter((i) => !i.type && !/^node:|^\.\.?\//.test(i.from!))).toEqual([]);
  });
});
