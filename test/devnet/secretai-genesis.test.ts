/**
 * The default devnet genesis stores the built Secret AI contracts (`contracts/<name>/<name>.wasm`) and instantiates
 * them through admin-signed txs; secretjs sees them at their documented addresses and code hashes.
 */
import {describe, expect, it, beforeAll, afterAll} from '@jest/globals';
import {SecretNetworkClient, Wallet} from 'secretjs';
import {readArtifact, packageRoot} from '../../src/lib/contracts/artifacts.js';
import {DEV_PLAN, DEV_TOKEN, devnetAdmin, startDevnet, type DevnetHandle} from '../../src/devnet/index.js';
import {tempHome} from './fixtures.js';
import {executeAnswer} from './helpers.js';

let devnet: DevnetHandle;
let cleanup: () => void;
let client: SecretNetworkClient;
let wallet: Wallet;

beforeAll(async () => {
  const h = tempHome();
  cleanup = h.cleanup;
  devnet = await startDevnet({home: h.home, port: 0});
  wallet = new Wallet(devnet.accounts.find((a) => a.name === 'a')!.mnemonic);
  // a trailing slash in the URL yields `//cosmos/...` paths in secretjs; the devnet collapses them
  client = new SecretNetworkClient({url: `${devnet.url}/`, chainId: devnet.chainId, wallet, walletAddress: wallet.address});
});

afterAll(async () => {
  await devnet?.stop();
  cleanup?.();
});

describe('Secret AI genesis', () => {
  it('deploys the four built contracts with their wasm code hashes, in code-id order', async () => {
    const {paymentToken, workerManager, subscriptionManager, rewardsManager} = devnet.contracts;
    const expected: Array<[typeof paymentToken, string]> = [
      [paymentToken, 'snip20'],
      [workerManager, 'worker-manager'],
      [subscriptionManager, 'subscription-manager'],
      [rewardsManager, 'rewards-manager'],
    ];
    for (const [[ref, name], i] of expected.map((e, i) => [e, i] as const)) {
      expect(ref.codeHash).toBe(readArtifact(packageRoot(), name).codeHash);
      expect(await client.query.compute.codeHashByContractAddress({contract_address: ref.address})).toEqual({code_hash: ref.codeHash});
      const info = await client.query.compute.contractInfo({contract_address: ref.address});
      expect(info.contract_info).toMatchObject({code_id: String(i + 1), admin: devnet.admin.address});
    }
  });

  it('serves the payment token and the seeded plan to secretjs', async () => {
    const token = devnet.contracts.paymentToken;
    const params = await client.query.snip20.getSnip20Params({contract: {address: token.address, code_hash: token.codeHash}});
    expect(params.token_info).toMatchObject({name: DEV_TOKEN.name, symbol: DEV_TOKEN.symbol, decimals: DEV_TOKEN.decimals});
    const plans = await client.query.compute.queryContract({
      contract_address: devnet.contracts.subscriptionManager.address,
      code_hash: devnet.contracts.subscriptionManager.codeHash,
      query: {plans: {}},
    });
    expect(plans).toEqual({plans: [expect.objectContaining({id: DEV_PLAN.id, price: DEV_PLAN.price})]});
  });

  it('transfers payment tokens and mints through the faucet', async () => {
    const token = devnet.contracts.paymentToken;
    const fresh = new Wallet();
    const tx = await client.tx.snip20.transfer(
      {sender: wallet.address, contract_address: token.address, code_hash: token.codeHash, msg: {transfer: {recipient: fresh.address, amount: '1500'}}},
      {gasLimit: 300_000, broadcastCheckIntervalMs: 100},
    );
    expect(tx.code).toBe(0);
    expect(executeAnswer(tx.data[0]!)).toMatchObject({transfer: {status: 'success'}});
    const before = (devnet.chain.queryPlain(token.address, {token_info: {}}) as {token_info: {total_supply: string}}).token_info.total_supply;
    await devnetAdmin.fund(devnet.url, {address: fresh.address, token: '500'});
    const after = (devnet.chain.queryPlain(token.address, {token_info: {}}) as {token_info: {total_supply: string}}).token_info.total_supply;
    expect(BigInt(after) - BigInt(before)).toBe(500n);
  });
});
