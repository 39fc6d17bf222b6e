/**
 * The devnet driven by unmodified secretjs through its public API only: accounts, bank, contract queries and
 * executes with decrypted outputs, atomic multi-message txs, nested calls, instantiate, tx lookup, admin endpoints.
 */
import {describe, expect, it, beforeAll, afterAll} from '@jest/globals';
import {MsgExecuteContract, MsgSend, Wallet} from 'secretjs';
import {devnetAdmin} from '../../src/devnet/index.js';
import {GAS} from '../../src/devnet/node/index.js';
import {TEST_TOKEN_BALANCE} from './fixtures.js';
import {TX, clientFor, executeAnswer, instantiateAnswer, startTestDevnet, type TestDevnet} from './helpers.js';

let t: TestDevnet;
let asyncHash = '';

beforeAll(async () => {
  t = await startTestDevnet();
});

afterAll(async () => {
  await t?.close();
});

async function uscrt(address: string): Promise<bigint> {
  const {balance} = await t.clients.admin.query.bank.balance({address, denom: 'uscrt'});
  return BigInt(balance!.amount!);
}

async function sequence(address: string): Promise<number> {
  const {account} = await t.clients.admin.query.auth.account({address});
  return Number((account as {sequence: string}).sequence);
}

async function query<T = any>(contract: {address: string; codeHash: string}, msg: object): Promise<T> {
  return (await t.clients.a.query.compute.queryContract({
    contract_address: contract.address,
    code_hash: contract.codeHash,
    query: msg,
  })) as T;
}

function feeOf(gasLimit: number): bigint {
  return BigInt(Math.ceil(gasLimit * 0.1));
}

describe('accounts and bank', () => {
  it('reads accounts (known and unknown) and balances', async () => {
    const {account} = await t.clients.a.query.auth.account({address: t.wallets.admin.address});
    expect(account).toMatchObject({
      '@type': '/cosmos.auth.v1beta1.BaseAccount',
      address: t.wallets.admin.address,
      account_number: '0',
    });
    const stranger = new Wallet();
    await expect(t.clients.a.query.auth.account({address: stranger.address})).rejects.toMatchObject({
      code: 5,
      message: `account ${stranger.address} not found: key not found`,
    });
    expect(await uscrt(stranger.address)).toBe(0n);
    const {balances} = await t.clients.a.query.bank.allBalances({address: t.wallets.b.address});
    expect(balances).toEqual([{denom: 'uscrt', amount: expect.stringMatching(/^[0-9]+$/)}]);
  });

  it('sends uscrt, charges the fee and bumps the sequence', async () => {
    const [a0, b0, seq0] = [await uscrt(t.wallets.a.address), await uscrt(t.wallets.b.address), await sequence(t.wallets.a.address)];
    const tx = await t.clients.a.tx.bank.send(
      {from_address: t.wallets.a.address, to_address: t.wallets.b.address, amount: [{denom: 'uscrt', amount: '1234'}]},
      {gasLimit: 100_000, broadcastCheckIntervalMs: 100},
    );
    expect(tx.code).toBe(0);
    expect(tx.rawLog).toBe('');
    expect(tx.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(tx.arrayLog).toEqual(
      expect.arrayContaining([
        {msg: 0, type: 'message', key: 'action', value: '/cosmos.bank.v1beta1.MsgSend'},
        {msg: 0, type: 'transfer', key: 'amount', value: '1234uscrt'},
      ]),
    );
    expect(await uscrt(t.wallets.a.address)).toBe(a0 - 1234n - feeOf(100_000));
    expect(await uscrt(t.wallets.b.address)).toBe(b0 + 1234n);
    expect(await sequence(t.wallets.a.address)).toBe(seq0 + 1);
  });

  it('fails a send above the balance at execution (code 5, fee charged), not at broadcast', async () => {
    const c0 = await uscrt(t.wallets.c.address);
    const tx = await t.clients.c.tx.bank.send(
      {from_address: t.wallets.c.address, to_address: t.wallets.a.address, amount: [{denom: 'uscrt', amount: (c0 * 2n).toString()}]},
      {gasLimit: 100_000, broadcastCheckIntervalMs: 100},
    );
    expect(tx.code).toBe(5);
    expect(tx.rawLog).toBe(
      `failed to execute message; message index: 0: spendable balance ${c0 - feeOf(100_000)}uscrt is smaller than ${c0 * 2n}uscrt: insufficient funds`,
    );
    expect(await uscrt(t.wallets.c.address)).toBe(c0 - feeOf(100_000));
  });

  it('simulates without changing state', async () => {
    const seq0 = await sequence(t.wallets.a.address);
    const sim = await t.clients.a.tx.bank.send.simulate({
      from_address: t.wallets.a.address,
      to_address: t.wallets.c.address,
      amount: [{denom: 'uscrt', amount: '1'}],
    });
    expect(Number(sim.gas_info?.gas_used)).toBeGreaterThanOrEqual(GAS.bankSend);
    expect(await sequence(t.wallets.a.address)).toBe(seq0);
  });
});

describe('contracts', () => {
  it('answers queries with decrypted JSON, and contract errors as decrypted strings', async () => {
    const env = await query(t.devnet.contracts.echo, {env: {}});
    expect(env).toMatchObject({chain_id: 'secretdev-1', address: t.devnet.contracts.echo.address});
    expect(await query(t.devnet.contracts.echo, {fail: {reason: 'no "way"'}})).toBe('Generic error: no \\"way\\"');
    expect(await query(t.devnet.contracts.token, {balance: {address: t.wallets.c.address}})).toEqual({
      balance: {amount: TEST_TOKEN_BALANCE},
    });
  });

  it('rejects queries with a wrong code hash or to an unknown contract with plaintext errors', async () => {
    await expect(
      t.clients.a.query.compute.queryContract({
        contract_address: t.devnet.contracts.echo.address,
        code_hash: t.devnet.contracts.token.codeHash,
        query: {count: {}},
      }),
    ).rejects.toMatchObject({code: 2, message: expect.stringContaining('failed to validate transaction')});
    const nowhere = new Wallet().address;
    await expect(
      t.clients.a.query.compute.queryContract({contract_address: nowhere, code_hash: t.devnet.contracts.echo.codeHash, query: {}}),
    ).rejects.toMatchObject({code: 5});
  });

  it('executes with decrypted data, decrypted attributes, plaintext attributes and decrypted input', async () => {
    const before = (await query<{count: number}>(t.devnet.contracts.echo, {count: {}})).count;
    const h0 = (await t.clients.a.query.tendermint.getLatestBlock({})).block?.header?.height;
    const tx = await t.clients.a.tx.compute.executeContract(
      {
        sender: t.wallets.a.address,
        contract_address: t.devnet.contracts.echo.address,
        code_hash: t.devnet.contracts.echo.codeHash,
        msg: {echo: {value: 'hello'}},
        sent_funds: [{denom: 'uscrt', amount: '700'}],
      },
      TX,
    );
    expect(tx.code).toBe(0);
    expect(tx.height).toBe(Number(h0) + 1);
    expect(executeAnswer(tx.data[0]!)).toEqual({
      echo: 'hello',
      count: before + 1,
      sender: t.wallets.a.address,
      funds: [{denom: 'uscrt', amount: '700'}],
    });
    expect(tx.arrayLog).toEqual(
      expect.arrayContaining([
        {msg: 0, type: 'wasm', key: 'echoed', value: 'hello'},
        {msg: 0, type: 'wasm', key: 'plain', value: 'visible'},
        {msg: 0, type: 'wasm', key: 'contract_address', value: t.devnet.contracts.echo.address},
        {msg: 0, type: 'execute', key: 'contract_address', value: t.devnet.contracts.echo.address},
        {msg: 0, type: 'message', key: 'action', value: '/secret.compute.v1beta1.MsgExecuteContract'},
      ]),
    );
    expect((tx.tx.body!.messages![0] as {msg: unknown}).msg).toEqual({echo: {value: 'hello'}});
    // ante events carry no msg_index; message events do
    const anteTypes = tx.events.filter((e) => !e.attributes?.some((a) => a.key === 'msg_index')).map((e) => e.type);
    expect(anteTypes).toEqual(['tx', 'tx', 'tx']);
    expect(await uscrt(t.devnet.contracts.echo.address)).toBeGreaterThanOrEqual(700n);
  });

  it('rolls back every message of a tx whose message 2 fails, keeping fee and sequence', async () => {
    const [a0, c0, seq0] = [await uscrt(t.wallets.a.address), await uscrt(t.wallets.c.address), await sequence(t.wallets.a.address)];
    const echo = t.devnet.contracts.echo;
    const tx = await t.clients.a.tx.broadcast(
      [
        new MsgExecuteContract({sender: t.wallets.a.address, contract_address: echo.address, code_hash: echo.codeHash, msg: {set: {key: 'k1', value: 'v1'}}}),
        new MsgSend({from_address: t.wallets.a.address, to_address: t.wallets.c.address, amount: [{denom: 'uscrt', amount: '100'}]}),
        new MsgExecuteContract({sender: t.wallets.a.address, contract_address: echo.address, code_hash: echo.codeHash, msg: {fail: {reason: 'boom'}}}),
      ],
      TX,
    );
    expect(tx.code).toBe(3);
    expect(tx.codespace).toBe('compute');
    expect(tx.rawLog).toBe('failed to execute message; message index: 2: Generic error: boom: execute contract failed');
    expect(await query(echo, {get: {key: 'k1'}})).toEqual({value: null});
    expect(await uscrt(t.wallets.c.address)).toBe(c0);
    expect(await uscrt(t.wallets.a.address)).toBe(a0 - feeOf(TX.gasLimit));
    expect(await sequence(t.wallets.a.address)).toBe(seq0 + 1);
    const found = await t.clients.a.query.getTx(tx.transactionHash);
    expect(found?.code).toBe(3);
  });

  it('returns per-message data and attributes of a successful multi-message tx', async () => {
    const echo = t.devnet.contracts.echo;
    const tx = await t.clients.b.tx.broadcast(
      [
        new MsgExecuteContract({sender: t.wallets.b.address, contract_address: echo.address, code_hash: echo.codeHash, msg: {echo: {value: 'first'}}}),
        new MsgSend({from_address: t.wallets.b.address, to_address: t.wallets.c.address, amount: [{denom: 'uscrt', amount: '1'}]}),
        new MsgExecuteContract({sender: t.wallets.b.address, contract_address: echo.address, code_hash: echo.codeHash, msg: {echo: {value: 'third'}}}),
      ],
      TX,
    );
    expect(tx.code).toBe(0);
    expect(executeAnswer(tx.data[0]!)).toMatchObject({echo: 'first'});
    expect(executeAnswer(tx.data[2]!)).toMatchObject({echo: 'third'});
    expect(tx.arrayLog).toEqual(
      expect.arrayContaining([
        {msg: 0, type: 'wasm', key: 'echoed', value: 'first'},
        {msg: 2, type: 'wasm', key: 'echoed', value: 'third'},
        {msg: 1, type: 'transfer', key: 'amount', value: '1uscrt'},
      ]),
    );
    expect(tx.jsonLog?.map((l) => l.msg_index)).toEqual([0, 1, 2]);
  });

  it('runs a token send that triggers the receiver, and reverts everything when the receiver fails', async () => {
    const {token, echo2} = t.devnet.contracts;
    const balanceOf = async (address: string) => (await query<{balance: {amount: string}}>(token, {balance: {address}})).balance.amount;
    const a0 = BigInt(await balanceOf(t.wallets.a.address));
    const send = (msg: object) =>
      t.clients.a.tx.compute.executeContract(
        {
          sender: t.wallets.a.address,
          contract_address: token.address,
          code_hash: token.codeHash,
          msg: {send: {recipient: echo2.address, recipient_code_hash: echo2.codeHash, amount: '50', msg: Buffer.from(JSON.stringify(msg)).toString('base64')}},
        },
        TX,
      );
    const ok = await send({note: 'for you'});
    expect(ok.code).toBe(0);
    expect(executeAnswer(ok.data[0]!)).toEqual({send: {status: 'success'}});
    expect(ok.arrayLog).toEqual(
      expect.arrayContaining([
        {msg: 0, type: 'wasm', key: 'sent', value: '50'},
        {msg: 0, type: 'wasm', key: 'received_from', value: t.wallets.a.address},
        {msg: 0, type: 'wasm', key: 'contract_address', value: echo2.address},
      ]),
    );
    expect(await query(echo2, {received: {from: t.wallets.a.address}})).toEqual({amount: '50', token: token.address});
    expect(BigInt(await balanceOf(t.wallets.a.address))).toBe(a0 - 50n);

    const bad = await send({fail: 'not today'});
    expect(bad.code).toBe(3);
    expect(bad.rawLog).toBe(
      'failed to execute message; message index: 0: dispatch: submessages: Generic error: receiver rejects: not today: execute contract failed',
    );
    expect(BigInt(await balanceOf(t.wallets.a.address))).toBe(a0 - 50n);
    expect(await balanceOf(echo2.address)).toBe('50');
    expect(await query(echo2, {received: {from: t.wallets.a.address}})).toEqual({amount: '50', token: token.address});
  });

  it('pays from a contract through bank_send, and fails atomically when the contract cannot pay', async () => {
    const echo = t.devnet.contracts.echo;
    const c0 = await uscrt(t.wallets.c.address);
    const pay = (amount: string) =>
      t.clients.b.tx.compute.executeContract(
        {sender: t.wallets.b.address, contract_address: echo.address, code_hash: echo.codeHash, msg: {pay: {to: t.wallets.c.address, amount}}},
        TX,
      );
    expect((await pay('300')).code).toBe(0);
    expect(await uscrt(t.wallets.c.address)).toBe(c0 + 300n);
    const tooMuch = await pay('1000000000000000');
    expect(tooMuch.code).toBe(5);
    expect(tooMuch.rawLog).toMatch(
      /^failed to execute message; message index: 0: dispatch: submessages: spendable balance \d+uscrt is smaller than 1000000000000000uscrt: insufficient funds$/,
    );
    expect(await uscrt(t.wallets.c.address)).toBe(c0 + 300n);
  });

  it('lets a contract query another contract (and reports a wrong code hash)', async () => {
    const {echo, token} = t.devnet.contracts;
    expect(await query(echo, {query_other: {contract: token.address, code_hash: token.codeHash, msg: {balance: {address: t.wallets.c.address}}}})).toEqual({
      other: {balance: {amount: TEST_TOKEN_BALANCE}},
    });
    expect(await query(echo, {query_other: {contract: token.address, code_hash: echo.codeHash, msg: {}}})).toMatch(
      /^Generic error: Querier system error: code hash mismatch/,
    );
  });

  it('instantiates through secretjs: code hash by code id, decrypted init data, new address from events', async () => {
    const {code_hash} = await t.clients.a.query.compute.codeHashByCodeId({code_id: '1'});
    expect(code_hash).toBe(t.devnet.contracts.echo.codeHash);
    const tx = await t.clients.a.tx.compute.instantiateContract(
      {sender: t.wallets.a.address, code_id: 1, code_hash, label: 'echo-from-test', init_msg: {greeting: 'yo'}, admin: t.wallets.a.address},
      TX,
    );
    expect(tx.code).toBe(0);
    const {address, answer} = instantiateAnswer(tx.data[0]!);
    expect(answer).toEqual({initialized: true, greeting: 'yo'});
    expect(tx.arrayLog?.find((l) => l.type === 'message' && l.key === 'contract_address')?.value).toBe(address);
    expect(tx.arrayLog).toEqual(expect.arrayContaining([{msg: 0, type: 'wasm', key: 'init', value: 'yes'}]));
    expect(await t.clients.a.query.compute.codeHashByContractAddress({contract_address: address})).toEqual({code_hash});
    expect(await query({address, codeHash: code_hash!}, {env: {}})).toMatchObject({address});
    const info = await t.clients.a.query.compute.contractInfo({contract_address: address});
    expect(info.contract_info).toMatchObject({code_id: '1', label: 'echo-from-test', admin: t.wallets.a.address});
    expect(await t.clients.a.query.compute.addressByLabel({label: 'echo-from-test'})).toEqual({contract_address: address});
    const again = await t.clients.a.tx.compute.instantiateContract(
      {sender: t.wallets.a.address, code_id: 1, code_hash, label: 'echo-from-test', init_msg: {}},
      TX,
    ).catch((e: Error) => e);
    expect(String(again)).toMatch(/code 6 .*already exists/);
  });

  it('fails a tx whose gas limit is too small with code 11: fee charged, state reverted', async () => {
    const echo = t.devnet.contracts.echo;
    const before = await query(echo, {count: {}});
    const a0 = await uscrt(t.wallets.a.address);
    const tx = await t.clients.a.tx.compute.executeContract(
      {sender: t.wallets.a.address, contract_address: echo.address, code_hash: echo.codeHash, msg: {echo: {value: 'x'}}},
      {gasLimit: 25_000, broadcastCheckIntervalMs: 100},
    );
    expect(tx.code).toBe(11);
    expect(tx.rawLog).toMatch(/^out of gas in location: .*; gasWanted: 25000, gasUsed: \d+: out of gas$/);
    expect(await query(echo, {count: {}})).toEqual(before);
    expect(await uscrt(t.wallets.a.address)).toBe(a0 - feeOf(25_000));
  });
});

describe('tx lookup', () => {
  it('returns the result right after a broadcast without waiting, and null for an unknown hash', async () => {
    const echo = t.devnet.contracts.echo;
    const sent = await t.clients.c.tx.compute.executeContract(
      {sender: t.wallets.c.address, contract_address: echo.address, code_hash: echo.codeHash, msg: {echo: {value: 'async'}}},
      {...TX, waitForCommit: false},
    );
    expect(sent.transactionHash).toMatch(/^[0-9A-F]{64}$/);
    asyncHash = sent.transactionHash;
    const found = await t.clients.c.query.getTx(sent.transactionHash);
    expect(found?.code).toBe(0);
    expect(executeAnswer(found!.data[0]!)).toMatchObject({echo: 'async'});
    expect(found?.arrayLog).toEqual(expect.arrayContaining([{msg: 0, type: 'wasm', key: 'echoed', value: 'async'}]));
    expect(await t.clients.c.query.getTx('AB'.repeat(32))).toBeNull();
  });

  it('finds txs by event through txsQuery', async () => {
    const txs = await t.clients.c.query.txsQuery(`message.sender='${t.wallets.c.address}'`);
    const mine = txs.find((x) => x.transactionHash === asyncHash);
    expect(mine?.code).toBe(0);
    expect((mine!.tx.body!.messages![0] as {msg?: unknown}).msg).toEqual({echo: {value: 'async'}});
    expect(txs.every((x) => x.events.some((e) => e.type === 'message' && e.attributes?.some((a) => a.key === 'sender' && a.value === t.wallets.c.address)))).toBe(true);
    expect(await t.clients.c.query.txsQuery(`message.sender='${new Wallet().address}'`)).toEqual([]);
  });
});

describe('devnet admin endpoints', () => {
  it('advances block time for contracts', async () => {
    const before = await query<{time: number}>(t.devnet.contracts.echo, {env: {}});
    const advanced = await devnetAdmin.advance(t.devnet.url, 7200);
    expect(Date.parse(advanced.time) / 1000).toBeGreaterThanOrEqual(before.time + 7200);
    const after = await query<{time: number}>(t.devnet.contracts.echo, {env: {}});
    expect(after.time).toBeGreaterThanOrEqual(before.time + 7200);
    const status = await devnetAdmin.status(t.devnet.url);
    expect(status).toMatchObject({running: true, chainId: 'secretdev-1', height: t.devnet.chain.height});
  });

  it('funds a fresh account with uscrt and tokens that it can then spend', async () => {
    const fresh = new Wallet();
    const funded = await devnetAdmin.fund(t.devnet.url, {address: fresh.address, scrt: '5000000', token: '777'});
    expect(funded).toMatchObject({address: fresh.address, scrt: '5000000', token: '777'});
    expect(await uscrt(fresh.address)).toBe(5_000_000n);
    expect(await query(t.devnet.contracts.token, {balance: {address: fresh.address}})).toEqual({balance: {amount: '777'}});
    const client = clientFor(t.devnet.url, t.devnet.chainId, fresh);
    const tx = await client.tx.compute.executeContract(
      {sender: fresh.address, contract_address: t.devnet.contracts.token.address, code_hash: t.devnet.contracts.token.codeHash, msg: {transfer: {recipient: t.wallets.a.address, amount: '7'}}},
      TX,
    );
    expect(tx.code).toBe(0);
    expect(executeAnswer(tx.data[0]!)).toEqual({transfer: {status: 'success'}});
    await expect(devnetAdmin.fund(t.devnet.url, {address: 'secret1nope'})).rejects.toMatchObject({grpcCode: 3});
  });
});
