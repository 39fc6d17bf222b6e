/**
 * Stored wasm in the node, beside the TypeScript contracts: MsgStoreCode (raw and gzipped), instantiate from the
 * code id, execute and query with encrypted inputs and outputs, contract errors, traps and out of gas as failed
 * txs, submessages through the router, `query_chain` to a TypeScript contract and back, and durability.
 */
import {afterEach, beforeAll, describe, expect, it} from '@jest/globals';
import {gzipSync} from 'node:zlib';
import {sha256Hex} from '../../contracts/common/encoding.js';
import {Chain, Store} from '../../src/devnet/node/index.js';
import {DEV_ACCOUNTS, DEV_ADMIN, genesisInfo, type GenesisSpec} from '../../src/devnet/genesis.js';
import {DevSigner, DevTxError, type ContractRef} from '../../src/devnet/signer.js';
import {constantContractWat, counterContractWat, watToWasm} from '../helpers/wat.js';
import {chainAtGenesis, genesis, type TestContracts} from './fixtures.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

let counterWasm: Uint8Array;
beforeAll(async () => {
  counterWasm = await watToWasm(counterContractWat());
});

const admin = DevSigner.fromMnemonic(DEV_ADMIN.mnemonic);
const a = DevSigner.fromMnemonic(DEV_ACCOUNTS[1]!.mnemonic);
const b = DevSigner.fromMnemonic(DEV_ACCOUNTS[2]!.mnemonic);

let spec: GenesisSpec<TestContracts>;
beforeAll(async () => {
  spec = await genesis();
}, 300_000);

function freshChain(): {chain: Chain; path: string; echo: ContractRef} {
  const {chain, store, path} = chainAtGenesis(spec, 'secretai-wasm-code-', (f) => cleanups.push(f));
  return {chain, path, echo: genesisInfo(store).contracts.echo!};
}

/** Stores `wasm` and instantiates it; returns the contract. */
function deploy(chain: Chain, wasm: Uint8Array, label: string, initMsg: unknown = {}): ContractRef & {codeId: number} {
  const stored = a.run(chain, [a.storeCode(wasm)], {gasLimit: 5_000_000});
  const codeId = stored.codeIds[0]!;
  const codeHash = chain.code(codeId)!.codeHash;
  const inst = a.run(chain, [a.instantiate(chain, codeId, codeHash, label, initMsg)], {gasLimit: 1_000_000});
  return {address: inst.addresses[0]!, codeHash, codeId};
}

const gas = {gasLimit: 1_000_000};

describe('MsgStoreCode', () => {
  it('stores raw and gzipped wasm under new code ids with code hash = SHA-256 of the wasm', () => {
    const {chain} = freshChain();
    const before = chain.codes().length;
    const raw = a.run(chain, [a.storeCode(counterWasm, 'https://example.org/src', 'builder:1')], {gasLimit: 5_000_000});
    const zipped = a.run(chain, [a.storeCode(gzipSync(counterWasm))], {gasLimit: 5_000_000});
    expect(raw.codeIds[0]).toBe(before + 1);
    expect(zipped.codeIds[0]).toBe(before + 2);
    for (const id of [before + 1, before + 2]) {
      expect(chain.code(id)).toMatchObject({codeId: id, name: '', codeHash: sha256Hex(counterWasm), creator: a.address});
      expect(chain.codeWasm(id)).toEqual(counterWasm);
    }
    expect(chain.code(before + 1)).toMatchObject({source: 'https://example.org/src', builder: 'builder:1'});
    const message = raw.response.events.find((e) => e.type === 'message' && e.attributes.some((x) => x.key === 'code_id'));
    expect(message?.attributes.find((x) => x.key === 'code_id')?.value).toBe(String(before + 1));
  });

  it('charges gas per stored byte: a limit that covers the tx bytes but not the code fails with code 11', () => {
    const {chain} = freshChain();
    expect(() => a.run(chain, [a.storeCode(counterWasm)], {gasLimit: 10 * counterWasm.length + 5_000})).toThrow(/code 11 .*out of gas/);
  });
});

describe('a stored wasm contract', () => {
  it('instantiates from the code id, executes with encrypted events and answers, and answers queries', () => {
    const {chain} = freshChain();
    const c = deploy(chain, counterWasm, 'counter');
    expect(chain.contract(c.address)).toMatchObject({codeId: c.codeId, codeHash: c.codeHash, name: '', creator: a.address});
    const r = a.run(chain, [a.execute(chain, c, {increment: {}})], gas);
    expect(r.answers[0]).toEqual({count: 1});
    const wasm = r.response.events.find((e) => e.type === 'wasm')!;
    expect(wasm.attributes.map((x) => x.key)).toEqual(['contract_address', expect.not.stringMatching(/^count$/), 'action', 'msg_index']);
    expect(wasm.attributes.find((x) => x.key === 'action')?.value).toBe('increment');
    a.run(chain, [a.execute(chain, c, {increment: {}})], gas);
    expect(chain.queryPlain(c.address, {count: {}})).toEqual({count: 2});
    expect(chain.store.byteStorageCount(c.address)).toBe(1);
  });

  it('reports a contract error encrypted for the sender, and a trap or a loop as a failed tx that changes nothing', () => {
    const {chain} = freshChain();
    const c = deploy(chain, counterWasm, 'counter');
    a.run(chain, [a.execute(chain, c, {increment: {}})], gas);
    const seq = chain.account(a.address)!.sequence;
    expect(() => a.run(chain, [a.execute(chain, c, {fail: {}})], gas)).toThrow(/code 3 .*Generic error: failing on purpose: execute contract failed/);
    expect(() => a.run(chain, [a.execute(chain, c, {trap: {}})], gas)).toThrow(/code 3 .*execution error: wasm trap: .*unreachable.*: execute contract failed/);
    let oog: unknown;
    try {
      a.run(chain, [a.execute(chain, c, {loop: {}})], {gasLimit: 300_000});
    } catch (err) {
      oog = err;
    }
    expect(oog).toBeInstanceOf(DevTxError);
    expect((oog as DevTxError).code).toBe(11);
    expect(chain.account(a.address)!.sequence).toBe(seq + 3); // fees and sequences stay, as on chain
    expect(chain.queryPlain(c.address, {count: {}})).toEqual({count: 1});
    expect(() => chain.queryPlain(c.address, {write: {}})).toThrow(/write access to storage is not allowed in a query/);
  });

  it('runs its submessages through the router: wasm execute into a TypeScript contract and bank send', async () => {
    const {chain, echo} = freshChain();
    const msgB64 = Buffer.from(JSON.stringify({echo: {value: 'from wasm'}})).toString('base64');
    const relay = await watToWasm(
      constantContractWat({
        execute: JSON.stringify({
          Ok: {
            messages: [
              {id: 0, msg: {wasm: {execute: {contract_addr: echo.address, code_hash: echo.codeHash, msg: msgB64, funds: []}}}, gas_limit: null, reply_on: 'never'},
              {id: 0, msg: {bank: {send: {to_address: b.address, amount: [{denom: 'uscrt', amount: '7'}]}}}, gas_limit: null, reply_on: 'never'},
            ],
            attributes: [],
            events: [{type: 'relayed', attributes: [{key: 'to', value: 'echo', encrypted: false}]}],
            data: null,
          },
        }),
      }),
    );
    const c = deploy(chain, relay, 'relay');
    const echoCount = (chain.queryPlain(echo.address, {count: {}}) as {count: number}).count;
    const bBefore = chain.balance(b.address, 'uscrt');
    const r = a.run(chain, [a.execute(chain, c, {go: {}}, [{denom: 'uscrt', amount: '10'}])], gas);
    expect(chain.queryPlain(echo.address, {count: {}})).toEqual({count: echoCount + 1});
    expect(chain.balance(b.address, 'uscrt')).toBe(bBefore + 7n);
    expect(chain.balance(c.address, 'uscrt')).toBe(3n);
    const custom = r.response.events.find((e) => e.type === 'wasm-relayed')!;
    expect(custom.attributes).toContainEqual({key: 'to', value: 'echo', index: true});
    const echoEvent = r.response.events.filter((e) => e.type === 'wasm').find((e) => e.attributes[0]!.value === echo.address);
    expect(echoEvent?.attributes.find((x) => x.key === 'plain')?.value).toBe('visible');
  });

  it('fails the tx on a submessage the devnet does not run (code 10)', async () => {
    const {chain} = freshChain();
    const staking = await watToWasm(
      constantContractWat({execute: JSON.stringify({Ok: {messages: [{id: 0, msg: {staking: {delegate: {validator: 'v', amount: {denom: 'uscrt', amount: '1'}}}}, gas_limit: null, reply_on: 'never'}], attributes: [], events: [], data: null}})}),
    );
    const c = deploy(chain, staking, 'staking');
    expect(() => a.run(chain, [a.execute(chain, c, {go: {}})], gas)).toThrow(/code 10 .*unsupported submessage staking.delegate/);
  });

  it('queries TypeScript contracts with query_chain, and is queried and executed by them', () => {
    const {chain, echo} = freshChain();
    const c = deploy(chain, counterWasm, 'counter');
    const count = chain.queryPlain(echo.address, {count: {}}) as {count: number};
    const request = {wasm: {smart: {contract_addr: echo.address, code_hash: echo.codeHash, msg: Buffer.from('{"count":{}}').toString('base64')}}};
    const r = a.run(chain, [a.execute(chain, c, {q: request})], gas);
    expect(r.answers[0]).toEqual({Ok: {Ok: Buffer.from(JSON.stringify(count)).toString('base64')}});
    const missing = a.run(chain, [a.execute(chain, c, {q: {wasm: {smart: {...request.wasm.smart, contract_addr: b.address}}}})], gas);
    expect(missing.answers[0]).toEqual({Err: {no_such_contract: {addr: b.address}}});
    const balance = a.run(chain, [a.execute(chain, c, {q: {bank: {balance: {address: b.address, denom: 'uscrt'}}}})], gas);
    const answer = (balance.answers[0] as {Ok: {Ok: string}}).Ok.Ok;
    expect(JSON.parse(Buffer.from(answer, 'base64').toString())).toEqual({amount: {denom: 'uscrt', amount: chain.balance(b.address, 'uscrt').toString()}});

    admin.run(chain, [admin.execute(chain, echo, {call: {contract: c.address, code_hash: c.codeHash, msg: {increment: {}}}})], gas);
    expect(chain.queryPlain(echo.address, {query_other: {contract: c.address, code_hash: c.codeHash, msg: {count: {}}}})).toEqual({other: {count: 1}});
  });

  it('keeps its code and storage across a restart of the node', () => {
    const {chain, path} = freshChain();
    const c = deploy(chain, counterWasm, 'counter');
    a.run(chain, [a.execute(chain, c, {increment: {}})], gas);
    const reopened = Store.open(path);
    cleanups.unshift(() => reopened.close());
    const again = new Chain(reopened);
    expect(again.queryPlain(c.address, {count: {}})).toEqual({count: 1});
  });
});
