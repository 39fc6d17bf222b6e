/**
 * The state machine in-process: group commit (a tx is answered only once committed; txs of one event-loop turn
 * share one commit), genesis determinism.
 */
import {afterEach, beforeAll, describe, expect, it} from '@jest/globals';
import {Chain, Store} from '../../src/devnet/node/index.js';
import {DEV_ACCOUNTS, genesisInfo, type GenesisSpec} from '../../src/devnet/genesis.js';
import {DevSigner} from '../../src/devnet/signer.js';
import {sha256} from '../../contracts/common/encoding.js';
import {secp256k1PublicKey, signSecp256k1Sha256, pubkeyToAddress} from '../../src/devnet/crypto.js';
import {chainAtGenesis, genesis, type TestContracts} from './fixtures.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

let spec: GenesisSpec<TestContracts>;
beforeAll(async () => {
  spec = await genesis();
}, 300_000);

function freshChain(): {chain: Chain; path: string} {
  const {chain, path} = chainAtGenesis(spec, 'secretai-chain-', (f) => cleanups.push(f));
  return {chain, path};
}

const signers = DEV_ACCOUNTS.slice(1).map((a) => DevSigner.fromMnemonic(a.mnemonic));

describe('group commit', () => {
  it('answers queued txs only after one commit that makes all of them visible to another connection', async () => {
    const {chain, path} = freshChain();
    const reader = Store.open(path);
    cleanups.push(() => reader.close());
    const echo = genesisInfo(chain.store).contracts.echo!;

    const answered: string[] = [];
    const visibleWhenAnswered: boolean[] = [];
    const promises = [];
    for (const signer of signers) {
      // two txs of the same account in one turn: the second is checked against the first's uncommitted sequence
      for (let i = 0; i < 2; i++) {
        const bytes = signer.sign(chain, [signer.execute(chain, echo, {set: {key: `${signer.address}-${i}`, value: i}}).any], {gasLimit: 300_000});
        promises.push(
          chain.broadcastQueued(bytes).then((r) => {
            expect(r.deliverTx?.code).toBe(0);
            answered.push(r.txhash);
            visibleWhenAnswered.push(reader.hasTx(r.txhash));
          }),
        );
      }
    }
    expect(chain.hasUncommitted).toBe(true);
    await Promise.resolve();
    expect(answered).toEqual([]); // nothing is answered before the commit
    for (const s of signers) expect(reader.getAccount(s.address)!.sequence).toBe(0); // not visible outside yet
    await Promise.all(promises);
    expect(chain.hasUncommitted).toBe(false);
    expect(answered).toHaveLength(signers.length * 2);
    expect(visibleWhenAnswered.every(Boolean)).toBe(true);
    for (const s of signers) expect(reader.getAccount(s.address)!.sequence).toBe(2);
  });

  it('answers a rejected tx at once and keeps it out of the batch', async () => {
    const {chain} = freshChain();
    const signer = signers[0]!;
    const bytes = signer.sign(chain, [signer.send(signers[1]!.address, [{denom: 'uscrt', amount: '1'}]).any], {gasLimit: 100_000});
    const tampered = new Uint8Array(bytes);
    tampered[tampered.length - 1]! ^= 1;
    const r = await chain.broadcastQueued(tampered);
    expect(r.checkTx.code).toBe(4);
    expect(r.deliverTx).toBeUndefined();
    expect(chain.hasUncommitted).toBe(false);
  });

  it('flushes pending txs before a synchronous broadcast or a time change', async () => {
    const {chain} = freshChain();
    const [s0, s1] = signers;
    const p = chain.broadcastQueued(s0!.sign(chain, [s0!.send(s1!.address, [{denom: 'uscrt', amount: '1'}]).any], {gasLimit: 100_000}));
    expect(chain.hasUncommitted).toBe(true);
    chain.advance(60);
    expect(chain.hasUncommitted).toBe(false);
    expect((await p).deliverTx?.code).toBe(0);
    expect(chain.timeOffset).toBe(60);
  });
});

describe('the node without HTTP (node/index.ts)', () => {
  it('routes a contract call and its wasm_execute and bank_send submessages, and rolls all back when one fails', () => {
    const {chain} = freshChain();
    const {echo, echo2} = genesisInfo(chain.store).contracts as Record<string, {address: string; codeHash: string}>;
    const [a, b] = signers as [DevSigner, DevSigner];
    a.run(chain, [a.send(echo2!.address, [{denom: 'uscrt', amount: '500'}])]);
    const bBefore = chain.balance(b.address, 'uscrt');
    const pay = (amount: number) => ({call: {contract: echo2!.address, code_hash: echo2!.codeHash, msg: {pay: {to: b.address, amount}}}});

    const ok = a.run(chain, [a.execute(chain, echo!, pay(200))]);
    expect(ok.answers[0]).toEqual({called: echo2!.address});
    expect(chain.balance(b.address, 'uscrt')).toBe(bBefore + 200n);
    expect(chain.balance(echo2!.address, 'uscrt')).toBe(300n);
    const counts = [chain.queryPlain(echo!.address, {count: {}}), chain.queryPlain(echo2!.address, {count: {}})];

    expect(() => a.run(chain, [a.execute(chain, echo!, pay(10_000))])).toThrow(
      /code 5 .*dispatch: submessages: dispatch: submessages: spendable balance 300uscrt is smaller than 10000uscrt/,
    );
    expect(chain.balance(b.address, 'uscrt')).toBe(bBefore + 200n);
    expect(chain.balance(echo2!.address, 'uscrt')).toBe(300n);
    expect([chain.queryPlain(echo!.address, {count: {}}), chain.queryPlain(echo2!.address, {count: {}})]).toEqual(counts);
  });
});

describe('genesis', () => {
  it('puts contracts at the same addresses with the same code hashes on every fresh devnet', () => {
    const a = genesisInfo(freshChain().chain.store);
    const b = genesisInfo(freshChain().chain.store);
    expect(a.contracts).toEqual(b.contracts);
    expect(a.codes).toEqual(b.codes);
    expect(a.ioPublicKey).not.toBe(b.ioPublicKey); // the IO key is per devnet
  });
});

