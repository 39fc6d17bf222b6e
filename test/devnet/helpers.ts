/** Shared helpers of the devnet tests: a test devnet, secretjs clients for the dev accounts, state snapshots. */
import {createHash} from 'node:crypto';
import {SecretNetworkClient, Wallet, MsgExecuteContractResponse, MsgInstantiateContractResponse} from 'secretjs';
import {startDevnet, type DevnetHandle} from '../../src/devnet/index.js';
import {genesis, tempHome, type TestContracts} from './fixtures.js';

/** Tx options of every test tx: quick polling, explicit gas. */
export const TX = {gasLimit: 400_000, broadcastCheckIntervalMs: 100} as const;

/** A test devnet in a temporary home, with clients for the dev accounts. */
export interface TestDevnet {
  devnet: DevnetHandle<TestContracts>;
  home: string;
  clients: Record<'admin' | 'a' | 'b' | 'c', SecretNetworkClient>;
  wallets: Record<'admin' | 'a' | 'b' | 'c', Wallet>;
  /** Stops the devnet and deletes the home. */
  close(): Promise<void>;
}

/** Stable per-wallet encryption seed so that a client can decrypt its txs after a restart. */
export function encryptionSeed(wallet: Wallet): Uint8Array {
  return new Uint8Array(createHash('sha256').update('test-seed').update(wallet.address).digest());
}

/** A secretjs client for `wallet` against `url`. */
export function clientFor(url: string, chainId: string, wallet: Wallet): SecretNetworkClient {
  return new SecretNetworkClient({url, chainId, wallet, walletAddress: wallet.address, encryptionSeed: encryptionSeed(wallet)});
}

/** Starts a devnet on a free port in a temporary home. */
export async function startTestDevnet(existingHome?: string): Promise<TestDevnet> {
  const temp = existingHome ? undefined : tempHome();
  const home = existingHome ?? temp!.home;
  const devnet = await startDevnet({home, port: 0, genesis});
  const wallets = {} as TestDevnet['wallets'];
  const clients = {} as TestDevnet['clients'];
  for (const acc of devnet.accounts) {
    const name = acc.name as keyof TestDevnet['wallets'];
    wallets[name] = new Wallet(acc.mnemonic);
    clients[name] = clientFor(devnet.url, devnet.chainId, wallets[name]);
  }
  return {
    devnet,
    home,
    clients,
    wallets,
    close: async () => {
      await devnet.stop();
      temp?.cleanup();
    },
  };
}

/** JSON answer of an execute message from a secretjs TxResponse `data[i]`. */
export function executeAnswer(data: Uint8Array): unknown {
  const bytes = MsgExecuteContractResponse.decode(data).data;
  return bytes.length ? JSON.parse(Buffer.from(bytes).toString('utf8')) : undefined;
}

/** Address and JSON answer of an instantiate message from a secretjs TxResponse `data[i]`. */
export function instantiateAnswer(data: Uint8Array): {address: string; answer: unknown} {
  const decoded = MsgInstantiateContractResponse.decode(data);
  return {address: decoded.address, answer: decoded.data.length ? JSON.parse(Buffer.from(decoded.data).toString('utf8')) : undefined};
}

/**
 * Every row of every state table (accounts, balances, contracts, contract storage, txs) plus the height: a
 * rejected tx must leave this unchanged.
 */
export function snapshotState(devnet: DevnetHandle<unknown>): string {
  const db = devnet.chain.store.db;
  const dump: Record<string, unknown> = {height: devnet.chain.height};
  for (const table of ['accounts', 'balances', 'codes', 'code_wasm', 'contracts', 'contract_kv', 'contract_store', 'txs']) {
    dump[table] = db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all().map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v]),
      ),
    );
  }
  return JSON.stringify(dump);
}

/** What secretjs reads as public state of the dev accounts and test contracts. */
export async function publicState(t: TestDevnet): Promise<unknown> {
  const out: Record<string, unknown> = {};
  const q = t.clients.admin.query;
  for (const [name, wallet] of Object.entries(t.wallets)) {
    const {account} = await q.auth.account({address: wallet.address});
    const {balance} = await q.bank.balance({address: wallet.address, denom: 'uscrt'});
    const token = await q.compute.queryContract({
      contract_address: t.devnet.contracts.token.address,
      code_hash: t.devnet.contracts.token.codeHash,
      query: {balance: {address: wallet.address}},
    });
    out[name] = {account, balance, token};
  }
  out.echoCount = await q.compute.queryContract({
    contract_address: t.devnet.contracts.echo.address,
    code_hash: t.devnet.contracts.echo.codeHash,
    query: {count: {}},
  });
  return out;
}
