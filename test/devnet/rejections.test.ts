/**
 * Bad transactions are rejected at broadcast (CheckTx) with the chain's codes and clear texts, and leave no trace:
 * every state table and everything secretjs can read is compared before and after.
 */
import {describe, expect, it, beforeAll, afterAll} from '@jest/globals';
import {randomBytes} from 'node:crypto';
import {AminoWallet} from 'secretjs/dist/wallet_amino.js';
import {MsgExecuteContract, MsgSend, MsgStoreCode, SecretNetworkClient, Wallet} from 'secretjs';
import {TxRaw, TxBody, AuthInfo, SignDoc} from 'secretjs/dist/protobuf/cosmos/tx/v1beta1/tx.js';
import {PubKey} from 'secretjs/dist/protobuf/cosmos/crypto/secp256k1/keys.js';
import {MsgExecuteContract as MsgExecuteContractProto} from 'secretjs/dist/protobuf/secret/compute/v1beta1/msg.js';
import {MsgSend as MsgSendProto} from 'secretjs/dist/protobuf/cosmos/bank/v1beta1/tx.js';
import {addressBytes, signSecp256k1Sha256} from '../../src/devnet/crypto.js';
import {TX, publicState, snapshotState, startTestDevnet, type TestDevnet} from './helpers.js';

let t: TestDevnet;

beforeAll(async () => {
  t = await startTestDevnet();
  // a first tx so that account `a` has a stored public key and a non-zero sequence
  const tx = await t.clients.a.tx.bank.send(
    {from_address: t.wallets.a.address, to_address: t.wallets.b.address, amount: [{denom: 'uscrt', amount: '1'}]},
    TX,
  );
  expect(tx.code).toBe(0);
});

afterAll(async () => {
  await t?.close();
});

/** Runs `attempt`, expects it to throw matching `pattern`, and checks that no state changed. */
async function expectRejectedWithoutTrace(attempt: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  const dbBefore = snapshotState(t.devnet);
  const publicBefore = await publicState(t);
  let error: unknown;
  try {
    const result = await attempt();
    error = new Error(`not rejected: ${JSON.stringify(result)}`);
  } catch (err) {
    error = err;
  }
  expect(String((error as Error)?.message ?? JSON.stringify(error))).toMatch(pattern);
  expect(snapshotState(t.devnet)).toBe(dbBefore);
  expect(await publicState(t)).toEqual(publicBefore);
}

async function accountOf(address: string): Promise<{accountNumber: number; sequence: number}> {
  const {account} = await t.clients.admin.query.auth.account({address});
  const a = account as {account_number: string; sequence: string};
  return {accountNumber: Number(a.account_number), sequence: Number(a.sequence)};
}

/** Signs raw protobuf messages with the wallet's key (SIGN_MODE_DIRECT), for shapes secretjs would never build. */
async function rawTx(
  wallet: Wallet,
  messages: Array<{type_url: string; value: Uint8Array}>,
  gasLimit = 400_000,
  timeoutHeight = '0',
): Promise<Uint8Array> {
  const {accountNumber, sequence} = await accountOf(wallet.address);
  const bodyBytes = TxBody.encode(TxBody.fromPartial({messages, memo: '', timeout_height: timeoutHeight})).finish();
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      signer_infos: [
        {
          public_key: {type_url: '/cosmos.crypto.secp256k1.PubKey', value: PubKey.encode({key: wallet.publicKey}).finish()},
          mode_info: {single: {mode: 1}},
          sequence: String(sequence),
        },
      ],
      fee: {amount: [{denom: 'uscrt', amount: '40000'}], gas_limit: String(gasLimit), payer: '', granter: ''},
    }),
  ).finish();
  const signBytes = SignDoc.encode({
    body_bytes: bodyBytes,
    auth_info_bytes: authInfoBytes,
    chain_id: t.devnet.chainId,
    account_number: String(accountNumber),
  }).finish();
  const signature = signSecp256k1Sha256(signBytes, wallet.privateKey);
  return TxRaw.encode({body_bytes: bodyBytes, auth_info_bytes: authInfoBytes, signatures: [signature]}).finish();
}

function echoMsg(sender: string, msg: object, codeHash = t.devnet.contracts.echo.codeHash, address = t.devnet.contracts.echo.address) {
  return new MsgExecuteContract({sender, contract_address: address, code_hash: codeHash, msg});
}

describe('rejected transactions leave no trace', () => {
  it('wrong chain id → code 4', async () => {
    const wrong = new SecretNetworkClient({url: t.devnet.url, chainId: 'secret-4', wallet: t.wallets.a, walletAddress: t.wallets.a.address});
    await expectRejectedWithoutTrace(
      () => wrong.tx.broadcast([echoMsg(t.wallets.a.address, {echo: {value: 1}})], TX),
      /code 4 \(codespace: sdk\)\. Log: signature verification failed; please verify account number \(1\) and chain-id \(secretdev-1\): unauthorized/,
    );
  });

  it('wrong account number → code 4', async () => {
    const {sequence} = await accountOf(t.wallets.a.address);
    await expectRejectedWithoutTrace(
      () =>
        t.clients.a.tx.broadcast([echoMsg(t.wallets.a.address, {echo: {value: 1}})], {
          ...TX,
          explicitSignerData: {accountNumber: 7, sequence, chainId: t.devnet.chainId},
        }),
      /code 4 .*signature verification failed/,
    );
  });

  it('stale or future sequence → code 32', async () => {
    const {accountNumber, sequence} = await accountOf(t.wallets.a.address);
    for (const bad of [sequence - 1, sequence + 3]) {
      await expectRejectedWithoutTrace(
        () =>
          t.clients.a.tx.broadcast([echoMsg(t.wallets.a.address, {echo: {value: 1}})], {
            ...TX,
            explicitSignerData: {accountNumber, sequence: bad, chainId: t.devnet.chainId},
          }),
        new RegExp(`code 32 \\(codespace: sdk\\)\\. Log: account sequence mismatch, expected ${sequence}, got ${bad}: incorrect account sequence`),
      );
    }
  });

  it('tampered signature → code 4', async () => {
    const bytes = await t.clients.a.tx.signTx([echoMsg(t.wallets.a.address, {echo: {value: 1}})], TX);
    const raw = TxRaw.decode(bytes);
    raw.signatures[0]![5]! ^= 0x01;
    await expectRejectedWithoutTrace(() => t.clients.a.tx.broadcastSignedTx(TxRaw.encode(raw).finish(), TX), /code 4 .*signature verification failed/);
  });

  it('tampered body (signature over other bytes) → code 4', async () => {
    const bytes = await t.clients.a.tx.signTx([echoMsg(t.wallets.a.address, {echo: {value: 1}})], {...TX, memo: 'original'});
    const raw = TxRaw.decode(bytes);
    const body = TxBody.decode(raw.body_bytes);
    body.memo = 'changed';
    raw.body_bytes = TxBody.encode(body).finish();
    await expectRejectedWithoutTrace(() => t.clients.a.tx.broadcastSignedTx(TxRaw.encode(raw).finish(), TX), /code 4 .*signature verification failed/);
  });

  it('message signer differs from the key → code 8', async () => {
    await expectRejectedWithoutTrace(
      () =>
        t.clients.a.tx.broadcast(
          [new MsgSend({from_address: t.wallets.b.address, to_address: t.wallets.a.address, amount: [{denom: 'uscrt', amount: '5'}]})],
          TX,
        ),
      new RegExp(`code 8 .*pubKey does not match signer address ${t.wallets.b.address}`),
    );
  });

  it('unknown signer account → code 9', async () => {
    const stranger = new Wallet();
    const client = new SecretNetworkClient({url: t.devnet.url, chainId: t.devnet.chainId, wallet: stranger, walletAddress: stranger.address});
    await expectRejectedWithoutTrace(
      () =>
        client.tx.broadcast(
          [new MsgSend({from_address: stranger.address, to_address: t.wallets.a.address, amount: [{denom: 'uscrt', amount: '5'}]})],
          {...TX, explicitSignerData: {accountNumber: 0, sequence: 0, chainId: t.devnet.chainId}},
        ),
      new RegExp(`code 9 .*account ${stranger.address} not found: unknown address`),
    );
  });

  it('fee above the balance → code 5', async () => {
    await expectRejectedWithoutTrace(
      () => t.clients.c.tx.broadcast([echoMsg(t.wallets.c.address, {echo: {value: 1}})], {...TX, gasPriceInFeeDenom: 1e9}),
      /code 5 \(codespace: sdk\)\. Log: \d+uscrt is smaller than 400000000000000uscrt: insufficient funds/,
    );
  });

  it('amino (LEGACY_AMINO_JSON) signing → code 4, DIRECT only', async () => {
    const amino = new AminoWallet(t.devnet.accounts.find((a) => a.name === 'a')!.mnemonic);
    const client = new SecretNetworkClient({url: t.devnet.url, chainId: t.devnet.chainId, wallet: amino, walletAddress: amino.address});
    await expectRejectedWithoutTrace(
      () =>
        client.tx.broadcast(
          [new MsgSend({from_address: amino.address, to_address: t.wallets.b.address, amount: [{denom: 'uscrt', amount: '5'}]})],
          TX,
        ),
      /code 4 .*sign mode SIGN_MODE_LEGACY_AMINO_JSON is not supported/,
    );
  });

  it('unknown contract → code 9', async () => {
    const nowhere = new Wallet().address;
    await expectRejectedWithoutTrace(
      () => t.clients.a.tx.broadcast([echoMsg(t.wallets.a.address, {echo: {value: 1}}, t.devnet.contracts.echo.codeHash, nowhere)], TX),
      new RegExp(`code 9 \\(codespace: compute\\)\\. Log: failed to execute message; message index: 0: contract ${nowhere} not found`),
    );
  });

  it('wrong code hash → code 3 "failed to validate transaction"', async () => {
    await expectRejectedWithoutTrace(
      () => t.clients.a.tx.broadcast([echoMsg(t.wallets.a.address, {echo: {value: 1}}, t.devnet.contracts.token.codeHash)], TX),
      /code 3 \(codespace: compute\)\. Log: failed to execute message; message index: 0: failed to validate transaction: code hash/,
    );
  });

  it('a failing message among good ones rejects the whole tx when it cannot even be validated', async () => {
    await expectRejectedWithoutTrace(
      () =>
        t.clients.a.tx.broadcast(
          [
            echoMsg(t.wallets.a.address, {set: {key: 'x', value: 1}}),
            echoMsg(t.wallets.a.address, {set: {key: 'y', value: 2}}, t.devnet.contracts.token.codeHash),
          ],
          TX,
        ),
      /code 3 .*message index: 1: failed to validate transaction/,
    );
  });

  it('contract input that is not decryptable → code 3 "failed to decrypt data"', async () => {
    const value = MsgExecuteContractProto.encode(
      MsgExecuteContractProto.fromPartial({
        sender: addressBytes(t.wallets.a.address),
        contract: addressBytes(t.devnet.contracts.echo.address),
        msg: new Uint8Array(randomBytes(120)),
      }),
    ).finish();
    const bytes = await rawTx(t.wallets.a, [{type_url: '/secret.compute.v1beta1.MsgExecuteContract', value}]);
    await expectRejectedWithoutTrace(() => t.clients.a.tx.broadcastSignedTx(bytes, TX), /code 3 .*failed to decrypt data/);
  });

  it('undecodable tx bytes → code 2', async () => {
    await expectRejectedWithoutTrace(() => t.clients.a.tx.broadcastSignedTx(new Uint8Array([0x0a, 0xff, 0xff, 0x01]), TX), /code 2 .*tx parse error/);
  });

  it('message types the devnet does not run → code 2', async () => {
    await expectRejectedWithoutTrace(
      () =>
        t.clients.a.tx.staking.delegate(
          {delegator_address: t.wallets.a.address, validator_address: 'secretvaloper1xyz', amount: {denom: 'uscrt', amount: '1'}},
          TX,
        ),
      /code 2 .*unable to resolve type URL \/cosmos\.staking\.v1beta1\.MsgDelegate/,
    );
  });

  it('code that is not wasm, gzip that does not unzip, or wasm that breaks the contract rules → code 13 with the violations, nothing stored', async () => {
    const store = (wasm: Uint8Array) => () => t.clients.a.tx.broadcast([new MsgStoreCode({sender: t.wallets.a.address, wasm_byte_code: wasm, source: '', builder: ''})], TX);
    await expectRejectedWithoutTrace(store(new Uint8Array([0, 97, 115, 109])), /code 13 .*invalid wasm: format: not a valid WebAssembly module.*: create wasm contract failed/);
    await expectRejectedWithoutTrace(store(new Uint8Array([0x1f, 0x8b, 0x08, 0, 1, 2, 3])), /code 13 .*invalid wasm: format: gzip data is corrupt/);
    // an empty module: well-formed wasm, but no memory and none of the exports a contract must have
    await expectRejectedWithoutTrace(
      store(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])),
      /code 13 .*invalid wasm: .*memory: .*exports: does not export interface_version_8.*: create wasm contract failed/,
    );
  });

  it('invalid recipient address → code 7', async () => {
    await expectRejectedWithoutTrace(
      () =>
        t.clients.a.tx.bank.send(
          {from_address: t.wallets.a.address, to_address: 'secret1notanaddress', amount: [{denom: 'uscrt', amount: '5'}]},
          TX,
        ),
      /code 7 .*to address secret1notanaddress: invalid address/,
    );
  });

  it('gas limit below the cost of the tx bytes → code 11 at broadcast', async () => {
    await expectRejectedWithoutTrace(
      () => t.clients.a.tx.broadcast([echoMsg(t.wallets.a.address, {echo: {value: 1}})], {...TX, gasLimit: 500}),
      /code 11 .*out of gas in location: txSize/,
    );
  });

  it('memo longer than 256 characters → code 12', async () => {
    await expectRejectedWithoutTrace(
      () => t.clients.a.tx.broadcast([echoMsg(t.wallets.a.address, {echo: {value: 1}})], {...TX, memo: 'm'.repeat(257)}),
      /code 12 .*maximum number of characters is 256 but received 257 characters: memo too large/,
    );
  });

  it('timeout height already passed → code 30', async () => {
    const bytes = await rawTx(t.wallets.a, [{type_url: '/cosmos.bank.v1beta1.MsgSend', value: MsgSendProto.encode({from_address: t.wallets.a.address, to_address: t.wallets.b.address, amount: [{denom: 'uscrt', amount: '1'}]}).finish()}], 400_000, '1');
    await expectRejectedWithoutTrace(() => t.clients.a.tx.broadcastSignedTx(bytes, TX), /code 30 .*tx timeout height/);
  });

  it('the same signed tx broadcast twice → code 19 the second time', async () => {
    const bytes = await t.clients.a.tx.signTx([echoMsg(t.wallets.a.address, {echo: {value: 'once'}})], TX);
    const first = await t.clients.a.tx.broadcastSignedTx(bytes, TX);
    expect(first.code).toBe(0);
    await expectRejectedWithoutTrace(() => t.clients.a.tx.broadcastSignedTx(bytes, TX), /code 19 .*tx already exists in cache/);
  });
});
