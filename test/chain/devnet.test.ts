/**
 * The chain client layer against a REAL in-process devnet (HTTP + secretjs + contract encryption), with the Secret AI
 * contracts and a probe contract deployed at genesis.
 */
import {afterAll, beforeAll, describe, expect, it} from '@jest/globals';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BroadcastRejectedError,
  clientsFor,
  ContractClient,
  ContractQueryError,
  eventValues,
  FilePermitStore,
  getPermit,
  MemoryPermitStore,
  parseTokenAmount,
  readClient,
  signingClient,
  TxFailedError,
  ViewingKeyError,
  type SecretAiClients,
  type SigningClient,
} from '../../src/lib/chain/index.js';
import {startDevnet, type DevnetHandle} from '../../src/devnet/index.js';
import {BUILTIN_PROFILES, ConfigStore, type NetworkProfile} from '../../src/lib/config/index.js';
import {Context} from '../../src/lib/cli/base-command.js';
import {Output} from '../../src/lib/cli/output.js';
import {Keyring} from '../../src/lib/keys/index.js';
import {contractsFor, permitStoreFor, signerFor} from '../../src/lib/chain/context.js';
import {probeGenesis, type TestContracts} from './helpers/probe-contract.js';
import {caught} from './helpers/caught.js';

type ProbeQuery = {get: {key: string}} | {received: {address: string}} | {fail: {reason: string}} | {echo: {value: string}};
type ProbeExecute = {set: {key: string; value: string}} | {fail: {reason: string}} | {echo: {value: string}};

let home: string;
let devnet: DevnetHandle<TestContracts>;
let profile: NetworkProfile;
let clients: SecretAiClients;
let probe: ContractClient<ProbeQuery, ProbeExecute>;
let a: SigningClient;
let b: SigningClient;
let mnemonicA: string;


beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'secretai-chain-'));
  devnet = await startDevnet({home, port: 0, genesis: probeGenesis});
  const {probe: probeRef, ...secretAi} = devnet.contracts;
  profile = {...BUILTIN_PROFILES.local, lcdUrl: devnet.url, contracts: secretAi};
  clients = clientsFor(profile);
  probe = new ContractClient<ProbeQuery, ProbeExecute>(clients.chain, probeRef, 'probe');
  const acct = (n: string) => devnet.accounts.find((x) => x.name === n)!;
  mnemonicA = acct('a').mnemonic;
  a = await signingClient(profile, mnemonicA);
  b = await signingClient(profile, acct('b').mnemonic);
  expect(a.address).toBe(acct('a').address);
}, 300_000);

afterAll(async () => {
  await devnet?.stop();
  if (home) rmSync(home, {recursive: true, force: true});
});

describe('SNIP-20 payment token on the devnet', () => {
  it('reads token_info and balances by permit; a transfer moves exactly the parsed amount', async () => {
    const token = clients.paymentToken;
    const info = await token.tokenInfo();
    expect(info).toMatchObject({symbol: 'SAIT', decimals: 6});
    const store = new MemoryPermitStore();
    const before = {a: await token.balanceOf(a, store), b: await token.balanceOf(b, store)};
    expect(before.a).toBe(1_000_000_000n);
    const amount = parseTokenAmount('1.5', info);
    const r = await token.transfer(a, b.address, amount, {memo: 'chain test'});
    expect(r.data).toEqual({transfer: {status: 'success'}});
    expect(r.txHash).toMatch(/^[0-9A-F]{64}$/);
    expect(r.height).toBeGreaterThan(0);
    expect(await token.balanceOf(a, store)).toBe(before.a - 1_500_000n);
    expect(await token.balanceOf(b, store)).toBe(before.b + 1_500_000n);
    expect(store.size).toBe(2); // one permit per signer, reused
  });

  it('permit-based balance: a permit for another contract is refused with the contract text', async () => {
    const wrong = await getPermit(a, {contracts: [devnet.contracts.probe.address], permissions: ['balance']});
    const e = await caught(clients.paymentToken.balanceWithPermit(wrong));
    expect(e).toBeInstanceOf(ContractQueryError);
    expect(e.code).toBe('CONTRACT_ERROR');
    expect(e.message).toMatch(/^Generic error: /);
    expect(e.message).toMatch(/permit/i);
  });

  it('permits are cached in a file store (mode 0600) and reused by a later client', async () => {
    const file = path.join(home, 'permits.json');
    const p1 = await getPermit(a, {contracts: [clients.paymentToken.address], permissions: ['balance']}, new FilePermitStore(file));
    const again = await signingClient(profile, mnemonicA);
    const p2 = await getPermit(again, {contracts: [clients.paymentToken.address], permissions: ['balance']}, new FilePermitStore(file));
    expect(p2).toEqual(p1);
    expect(await clients.paymentToken.balanceWithPermit(p2)).toBeGreaterThan(0n);
    const {statSync} = await import('node:fs');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('viewing keys: created key reads the balance; a wrong key is a ViewingKeyError', async () => {
    const token = clients.paymentToken;
    const {key} = await token.createViewingKey(b);
    expect(key).toMatch(/^api_key_/);
    expect(await token.balanceWithKey(b.address, key)).toBe(await token.balanceOf(b));
    const e = await caught(token.balanceWithKey(b.address, 'api_key_wrong'));
    expect(e).toBeInstanceOf(ViewingKeyError);
    await token.setViewingKey(b, 'my key');
    expect(await token.balanceWithKey(b.address, 'my key')).toBeGreaterThan(0n);
  });

  it('send with a receive callback: the receiver gets amount and msg; its encrypted attribute is decrypted', async () => {
    const ref = devnet.contracts.probe;
    const r = await clients.paymentToken.send(a, ref.address, 2_000_000n, {recipientCodeHash: ref.codeHash, msg: {note: 'hello'}});
    expect(r.data).toEqual({send: {status: 'success'}});
    expect(eventValues(r.events, 'wasm', 'received')).toContain('2000000');
    expect(await probe.query({received: {address: a.address}})).toEqual({amount: '2000000', last_msg: {note: 'hello'}});
  });

  it('a failing receiver reverts the whole send, with the nested contract error decrypted', async () => {
    const ref = devnet.contracts.probe;
    const token = clients.paymentToken;
    const before = await token.balanceOf(a);
    const e = await caught(token.send(a, ref.address, 1n, {recipientCodeHash: ref.codeHash, msg: {fail: {reason: 'no thanks'}}}));
    expect(e).toBeInstanceOf(TxFailedError);
    expect((e as TxFailedError).contractMessage).toBe('Generic error: receiver refused: no thanks');
    expect(await token.balanceOf(a)).toBe(before);
  });

  it('subscribe through the SubscriptionManager (SNIP-20 send + receive) and read the subscription by permit', async () => {
    const plans = await clients.subscriptionManager.plans();
    const basic = plans.find((p) => p.id === 'basic')!;
    expect(basic).toBeDefined();
    const token = clients.paymentToken;
    const before = await token.balanceOf(b);
    const r = await clients.subscriptionManager.subscribe(b, token, 'basic', BigInt(basic.price));
    expect(r.data).toEqual({send: {status: 'success'}});
    expect(await token.balanceOf(b)).toBe(before - BigInt(basic.price));
    const permit = await getPermit(b, {contracts: [clients.subscriptionManager.address], permissions: ['owner']});
    const sub = await clients.subscriptionManager.subscription(permit);
    expect(sub).toMatchObject({subscriber: b.address, active: true, status: 'active', plan_id: 'basic'});
    expect(sub.expires_at! - basic.period_seconds).toBeGreaterThan(0);
    // A wrong amount fails the whole send: the tokens stay with the sender.
    const e = await caught(clients.subscriptionManager.subscribe(b, token, 'basic', BigInt(basic.price) - 1n));
    expect(e).toBeInstanceOf(TxFailedError);
    expect((e as TxFailedError).contractMessage).toBe(`Generic error: wrong amount for plan basic: it costs exactly ${basic.price}, got ${BigInt(basic.price) - 1n}`);
    expect(await token.balanceOf(b)).toBe(before - BigInt(basic.price));
    expect((await clients.subscriptionManager.subscription(permit)).expires_at).toBe(sub.expires_at);
  });
});

describe('errors from the devnet', () => {
  it('a contract error on query → ContractQueryError with the decrypted text', async () => {
    const e = await caught(probe.query({fail: {reason: 'bad "input" here'}}));
    expect(e).toBeInstanceOf(ContractQueryError);
    expect(e.message).toBe('Generic error: bad "input" here');
    expect(e.exitCode).toBe(1);
  });

  it('a failed tx → TxFailedError with hash, code, codespace and the decrypted message; fee and sequence used', async () => {
    const before = await a.account(a.address);
    const e = (await caught(clients.paymentToken.transfer(a, b.address, 10n ** 30n))) as TxFailedError;
    expect(e).toBeInstanceOf(TxFailedError);
    expect(e.code).toBe('TX_FAILED');
    expect(e.txHash).toMatch(/^[0-9A-F]{64}$/);
    expect(e.txCode).not.toBe(0);
    expect(e.codespace).toBe('compute');
    expect(e.contractMessage).toMatch(/^Generic error: .*insufficient funds/i);
    expect(e.message).toContain(e.contractMessage!);
    expect(e.rawLog).not.toMatch(/encrypted: /);
    const after = await a.account(a.address);
    expect(after!.sequence).toBe(before!.sequence + 1);
    const looked = await a.getTx(e.txHash);
    expect(looked?.code).toBe(e.txCode);
    await expect(a.waitForTx(e.txHash)).rejects.toBeInstanceOf(TxFailedError);
  });

  it('too little gas → TxFailedError code 11 with a gas suggestion', async () => {
    const e = (await caught(probe.execute(a, {echo: {value: 'x'}}, {gasLimit: 25_000}))) as TxFailedError;
    expect(e).toBeInstanceOf(TxFailedError);
    expect(e.txCode).toBe(11);
    expect(e.suggestion).toMatch(/gas/);
  });

  it('a stale sequence → SEQUENCE_MISMATCH (retry disabled); by default it is re-signed and succeeds', async () => {
    const acct = (await a.account(a.address))!;
    const e = (await caught(probe.execute(a, {set: {key: 'seq', value: '1'}}, {sequence: acct.sequence - 1, sequenceRetries: 0}))) as BroadcastRejectedError;
    expect(e).toBeInstanceOf(BroadcastRejectedError);
    expect(e.code).toBe('SEQUENCE_MISMATCH');
    expect(e.expectedSequence).toBe(acct.sequence);
    expect(e.message).toMatch(new RegExp(`expected ${acct.sequence}, got ${acct.sequence - 1}`));
    expect(e.suggestion).toBeTruthy();
    const ok = await probe.execute(a, {set: {key: 'seq', value: '2'}}, {sequence: acct.sequence - 1});
    expect(ok.data).toEqual({set: {status: 'success'}});
    expect(await probe.query({get: {key: 'seq'}})).toEqual({value: '2'});
  });

  it('a wrong chain id → SIGNATURE_INVALID naming the profile chain id', async () => {
    const wrong = await signingClient({...profile, chainId: 'wrong-1'}, mnemonicA);
    const e = await caught(wrong.send(b.address, 1n));
    expect(e.code).toBe('SIGNATURE_INVALID');
    expect(e.message).toContain('wrong-1');
  });

  it('an account that never received funds → ACCOUNT_NOT_FOUND with the faucet command', async () => {
    const {generateMnemonic} = await import('../../src/lib/keys/index.js');
    const fresh = await signingClient(profile, await generateMnemonic());
    expect(await fresh.account(fresh.address)).toBeNull();
    expect(await fresh.balance(fresh.address)).toBe(0n);
    const e = await caught(fresh.send(b.address, 1n));
    expect(e.code).toBe('ACCOUNT_NOT_FOUND');
    expect(e.exitCode).toBe(1);
    expect(e.suggestion).toBe(`fund it: secretai devnet fund ${fresh.address}`);
  });

  it('an invalid mnemonic is a usage error that does not echo it', async () => {
    const e = await caught(signingClient(profile, 'correct horse battery staple'));
    expect(e.code).toBe('MNEMONIC_INVALID');
    expect(e.message).not.toContain('horse');
  });
});

describe('multi-message txs', () => {
  it('executeMany is atomic: a failing message reverts the earlier ones, and names its index', async () => {
    const e = (await caught(probe.executeMany(a, [{set: {key: 'atomic', value: 'yes'}}, {fail: {reason: 'second fails'}}]))) as TxFailedError;
    expect(e).toBeInstanceOf(TxFailedError);
    expect(e.msgIndex).toBe(1);
    expect(e.contractMessage).toBe('Generic error: second fails');
    expect(await probe.query({get: {key: 'atomic'}})).toEqual({value: null});
  });

  it('executeMany applies all messages and returns each answer; messages of several contracts combine in one tx', async () => {
    const r = await probe.executeMany(a, [{set: {key: 'm1', value: 'a'}}, {set: {key: 'm2', value: 'b'}}, {echo: {value: 'three'}}]);
    expect(r.data).toEqual([{set: {status: 'success'}}, {set: {status: 'success'}}, {echo: 'three'}]);
    expect(await probe.query({get: {key: 'm2'}})).toEqual({value: 'b'});
    const token = clients.paymentToken;
    const before = await token.balanceOf(b);
    const mixed = await a.broadcast(
      [
        await token.message({transfer: {recipient: b.address, amount: '7'}}),
        await probe.message({set: {key: 'mixed', value: 'ok'}}),
        {type: 'send', to: b.address, amount: [{denom: 'uscrt', amount: '3'}]},
      ],
      {gasLimit: 600_000},
    );
    expect(mixed.data).toEqual([{transfer: {status: 'success'}}, {set: {status: 'success'}}, null]);
    expect(await token.balanceOf(b)).toBe(before + 7n);
    expect(await probe.query({get: {key: 'mixed'}})).toEqual({value: 'ok'});
  });
});

describe('bank, accounts and past txs', () => {
  it('sends uscrt and reads balances and sequences', async () => {
    const c = devnet.accounts.find((x) => x.name === 'c')!;
    const before = await a.balance(c.address);
    const seq = (await a.account(a.address))!.sequence;
    const r = await a.send(c.address, 1_234n);
    expect(eventValues(r.events, 'transfer', 'amount')).toContain('1234uscrt');
    expect(await readClient(profile).balance(c.address)).toBe(before + 1_234n);
    expect((await a.account(a.address))!.sequence).toBe(seq + 1);
  });

  it('getTx of an earlier tx is decrypted by a new client with the same key, not by another key', async () => {
    const sent = await probe.execute(a, {echo: {value: 'remember me'}});
    const later = await signingClient(profile, mnemonicA);
    const tx = await later.getTx(sent.txHash);
    expect(tx).not.toBeNull();
    expect(tx!.code).toBe(0);
    expect(tx!.data[0]).toEqual({echo: 'remember me'});
    expect(tx!.messages[0].msg).toEqual({echo: {value: 'remember me'}});
    expect(eventValues(tx!.events, 'wasm', 'echo')).toContain('remember me');
    expect(eventValues(tx!.events, 'wasm', 'public_echo')).toContain('remember me');
    const other = await b.getTx(sent.txHash);
    expect(other!.data[0]).not.toEqual({echo: 'remember me'});
    expect(typeof other!.messages[0].msg).toBe('string');
    expect(await later.getTx('00'.repeat(32))).toBeNull();
    const waited = await later.waitForTx(sent.txHash.toLowerCase());
    expect(waited.height).toBe(sent.height);
  });

  it('broadcastNoWait + waitForTx', async () => {
    const {txHash} = await a.broadcastNoWait([await probe.message({set: {key: 'nowait', value: '1'}})]);
    const tx = await a.waitForTx(txHash);
    expect(tx.data[0]).toEqual({set: {status: 'success'}});
  });
});

describe('from a command context', () => {
  it('signerFor/contractsFor use the profile of the config file and the --from key of the keyring', async () => {
    const cliHome = mkdtempSync(path.join(os.tmpdir(), 'secretai-chain-ctx-'));
    try {
      const {probe: _probe, ...secretAi} = devnet.contracts;
      new ConfigStore(cliHome).write({settings: {}, networks: {local: {lcdUrl: devnet.url + '/', contracts: secretAi}}});
      await new Keyring(cliHome).add('alice', mnemonicA, {backend: 'test'});
      const out = new Output({json: true, interactive: false, verbose: false});
      const ctx = new Context({value: cliHome, source: 'flag'}, out, {network: 'local', from: 'alice', yes: true}, {});
      const signer = await signerFor(ctx);
      expect(signer.address).toBe(a.address);
      expect(signer.network.lcdUrl).toBe(devnet.url);
      expect(out.redact(`oops ${mnemonicA}`)).toBe('oops [redacted]');
      const {paymentToken} = contractsFor(ctx, signer);
      const store = permitStoreFor(ctx);
      const before = await paymentToken.balanceOf(signer, store);
      await paymentToken.transfer(signer, b.address, 5n);
      expect(await paymentToken.balanceOf(signer, store)).toBe(before - 5n);
      expect(store.file).toBe(path.join(cliHome, 'permits.json'));
    } finally {
      rmSync(cliHome, {recursive: true, force: true});
    }
  });
});
