/**
 * Durability: state, IO key and txs survive stop/start; every tx reported to a client survives a SIGKILL of the
 * devnet process; the detached lifecycle (start, status, stop, reset).
 */
import {describe, expect, it, afterEach} from '@jest/globals';
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {Wallet} from 'secretjs';
import {
  DevnetAlreadyRunningError,
  devnetAdmin,
  devnetPaths,
  devnetStatus,
  isProcessAlive,
  resetDevnet,
  startDetached,
  startDevnet,
  stopDevnet,
} from '../../src/devnet/index.js';
import {genesis, genesisOf, tempHome} from './fixtures.js';
import {testContractWasm} from './wasm-fixtures.js';
import {contractCodeHash} from '../../src/lib/contracts/validate.js';
import {TX, clientFor, executeAnswer, startTestDevnet} from './helpers.js';

const FIXTURES_MODULE = fileURLToPath(new URL('./fixtures.js', import.meta.url));

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function home(): string {
  const h = tempHome('secretai-persist-');
  cleanups.push(async () => {
    await stopDevnet(h.home, {timeoutMs: 5000}).catch(() => undefined);
    h.cleanup();
  });
  return h.home;
}

describe('devnet persistence', () => {
  it('keeps the IO key, balances, contract state, height, time offset and txs across stop/start', async () => {
    const dir = home();
    const first = await startTestDevnet(dir);
    const {echo} = first.devnet.contracts;
    const {key: ioKey} = await first.clients.a.query.registration.txKey({});
    const tx = await first.clients.a.tx.compute.executeContract(
      {sender: first.wallets.a.address, contract_address: echo.address, code_hash: echo.codeHash, msg: {set: {key: 'kept', value: {deep: [1, 2]}}}},
      TX,
    );
    expect(tx.code).toBe(0);
    const send = await first.clients.b.tx.bank.send(
      {from_address: first.wallets.b.address, to_address: first.wallets.c.address, amount: [{denom: 'uscrt', amount: '999'}]},
      TX,
    );
    expect(send.code).toBe(0);
    await devnetAdmin.advance(first.devnet.url, 86_400);
    const heightBefore = first.devnet.chain.height;
    const offsetBefore = first.devnet.chain.timeOffset;
    const balanceC = (await first.clients.a.query.bank.balance({address: first.wallets.c.address, denom: 'uscrt'})).balance!.amount;
    await first.close();

    const second = await startTestDevnet(dir);
    cleanups.push(() => second.devnet.stop());
    expect((await second.clients.a.query.registration.txKey({})).key).toBe(ioKey);
    expect(second.devnet.chain.height).toBe(heightBefore);
    expect(second.devnet.chain.timeOffset).toBe(offsetBefore);
    expect(second.devnet.contracts).toEqual(first.devnet.contracts);
    expect(await second.clients.a.query.compute.queryContract({contract_address: echo.address, code_hash: echo.codeHash, query: {get: {key: 'kept'}}})).toEqual({
      value: {deep: [1, 2]},
    });
    expect((await second.clients.a.query.bank.balance({address: second.wallets.c.address, denom: 'uscrt'})).balance!.amount).toBe(balanceC);
    // a new client with the same encryption seed decrypts the old tx
    const old = await second.clients.a.query.getTx(tx.transactionHash);
    expect(old?.code).toBe(0);
    expect((old!.tx.body!.messages![0] as {msg: unknown}).msg).toEqual({set: {key: 'kept', value: {deep: [1, 2]}}});
    expect(executeAnswer(old!.data[0]!)).toEqual({set: 'kept'});
    // and the chain goes on from there
    const next = await second.clients.a.tx.compute.executeContract(
      {sender: second.wallets.a.address, contract_address: echo.address, code_hash: echo.codeHash, msg: {echo: {value: 'after restart'}}},
      TX,
    );
    expect(next.code).toBe(0);
    expect(next.height).toBe(heightBefore + 1);
  });

  it('reports codes whose implementation changed since genesis, and keeps serving their stored code hash', async () => {
    const dir = home();
    const first = await startDevnet({home: dir, port: 0, genesis});
    expect(first.staleCodes).toEqual([]);
    await first.stop();
    // the echo code of the next start is other wasm (the token's): a rebuilt contract
    const token = await testContractWasm('token');
    const second = await startDevnet({home: dir, port: 0, genesis: genesisOf(token, token)});
    cleanups.push(() => second.stop());
    expect(second.staleCodes).toEqual([{name: 'echo', storedCodeHash: first.contracts.echo.codeHash, currentCodeHash: contractCodeHash(token)}]);
    expect(second.contracts.echo.codeHash).toBe(first.contracts.echo.codeHash);
    expect(second.chain.queryPlain(second.contracts.echo.address, {count: {}})).toEqual({count: 0});
  });

  it('keeps every tx it reported, when SIGKILLed right after reporting', async () => {
    const dir = home();
    const info = await startDetached({home: dir, port: 0, genesisModule: FIXTURES_MODULE});
    expect(isProcessAlive(info.pid)).toBe(true);
    const names = ['a', 'b', 'c'] as const;
    const genesisInfo = await devnetAdmin.genesis(info.url);
    const wallets = names.map((n) => new Wallet(genesisInfo.accounts.find((a) => a.name === n)!.mnemonic));
    const echo = genesisInfo.contracts.echo!;
    const reported: Array<{hash: string; who: number; key: string; value: number}> = [];
    const TARGET = 24;
    let killed = false;
    const loops = wallets.map(async (wallet, who) => {
      const client = clientFor(info.url, info.chainId, wallet);
      for (let i = 0; !killed; i++) {
        const key = `${who}-${i}`;
        try {
          const res = await client.tx.compute.executeContract(
            {sender: wallet.address, contract_address: echo.address, code_hash: echo.codeHash, msg: {set: {key, value: i}}},
            {...TX, waitForCommit: i % 2 === 1},
          );
          if (killed) return;
          if ('code' in res && typeof res.code === 'number') expect(res.code).toBe(0);
          reported.push({hash: res.transactionHash, who, key, value: i});
          if (reported.length >= TARGET && !killed) {
            killed = true;
            process.kill(info.pid, 'SIGKILL');
          }
        } catch (err) {
          if (killed) return;
          throw err;
        }
      }
    });
    await Promise.all(loops);
    expect(killed).toBe(true);
    const deadline = Date.now() + 5000;
    while (isProcessAlive(info.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(isProcessAlive(info.pid)).toBe(false);

    // restart on the same state (the dead process's devnet.json is stale)
    const devnet = await startDevnet({home: dir, port: 0, genesis});
    cleanups.push(() => devnet.stop());
    expect(reported.length).toBeGreaterThanOrEqual(TARGET);
    const clients = wallets.map((w) => clientFor(devnet.url, devnet.chainId, w));
    for (const r of reported) {
      const client = clients[r.who]!;
      const tx = await client.query.getTx(r.hash);
      expect(tx?.code).toBe(0);
      expect((tx!.tx.body!.messages![0] as {msg: unknown}).msg).toEqual({set: {key: r.key, value: r.value}});
      expect(devnet.chain.queryPlain(echo.address, {get: {key: r.key}})).toEqual({value: r.value});
    }
    for (let who = 0; who < wallets.length; who++) {
      const count = reported.filter((r) => r.who === who).length;
      expect(devnet.chain.store.getAccount(wallets[who]!.address)!.sequence).toBeGreaterThanOrEqual(count);
    }
  });

  it('runs detached: status, refusal of a second instance, stop, reset', async () => {
    const dir = home();
    const info = await startDetached({home: dir, port: 0, genesisModule: FIXTURES_MODULE});
    const status = await devnetStatus(dir);
    expect(status).toMatchObject({running: true, url: info.url, pid: info.pid, chainId: 'secretdev-1', hasState: true});
    expect(status.contracts).toEqual(info.contracts);
    await expect(startDevnet({home: dir, port: 0, genesis})).rejects.toBeInstanceOf(DevnetAlreadyRunningError);
    await expect(startDetached({home: dir, port: 0, genesisModule: FIXTURES_MODULE})).rejects.toBeInstanceOf(DevnetAlreadyRunningError);

    const stopped = await stopDevnet(dir);
    expect(stopped).toEqual({wasRunning: true, pid: info.pid});
    expect(isProcessAlive(info.pid)).toBe(false);
    expect(existsSync(devnetPaths(dir).info)).toBe(false);
    expect(existsSync(devnetPaths(dir).pid)).toBe(false);
    expect(await devnetStatus(dir)).toEqual({running: false, home: dir, hasState: true});
    expect(await stopDevnet(dir)).toEqual({wasRunning: false});

    // restart keeps the contracts; reset removes everything
    const again = await startDetached({home: dir, port: 0, genesisModule: FIXTURES_MODULE});
    expect(again.contracts).toEqual(info.contracts);
    expect(await resetDevnet(dir)).toEqual({wasRunning: true});
    expect(isProcessAlive(again.pid)).toBe(false);
    expect(existsSync(devnetPaths(dir).dir)).toBe(false);
  });

  it('treats a devnet.json whose pid now belongs to another process as stale, and never signals that process', async () => {
    const dir = home();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {stdio: 'ignore'});
    cleanups.push(() => void other.kill('SIGKILL'));
    await new Promise((r) => other.once('spawn', r));
    mkdirSync(devnetPaths(dir).dir, {recursive: true});
    const stale = {url: 'http://127.0.0.1:9', pid: other.pid!, chainId: 'secretdev-1', home: dir, admin: {address: ''}, contracts: {}, startedAt: ''};
    writeFileSync(devnetPaths(dir).info, JSON.stringify(stale));
    expect((await devnetStatus(dir)).running).toBe(false);
    expect(await stopDevnet(dir, {timeoutMs: 500})).toEqual({wasRunning: false});
    expect(isProcessAlive(other.pid!)).toBe(true);
    writeFileSync(devnetPaths(dir).info, JSON.stringify(stale));
    const devnet = await startDevnet({home: dir, port: 0, genesis});
    cleanups.push(() => devnet.stop());
    expect(JSON.parse(readFileSync(devnetPaths(dir).info, 'utf8')).pid).toBe(process.pid);
    expect(isProcessAlive(other.pid!)).toBe(true);
  });

  it('reports a child that cannot start', async () => {
    const dir = home();
    await expect(startDetached({home: dir, port: 0, genesisModule: '/nonexistent/genesis.js'})).rejects.toThrow(/devnet failed to start/);
  });
});
