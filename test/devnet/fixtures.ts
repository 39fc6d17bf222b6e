/**
 * The test devnet: the echo and token test contracts (AssemblyScript, `test/fixtures/wasm-contracts/`, independent
 * of the Secret AI contracts) stored as wasm, a test genesis and helpers to start a devnet in a temporary home.
 * This module is also loaded by the detached devnet (`--genesis-module`) in the crash tests.
 *
 * echo: `echo` (data + encrypted and plaintext attributes), `set`, `fail`, `pay` (bank send), `call` (wasm
 * execute), `receive` (token callback; fails when the inner msg asks to); queries `get`, `count`, `received`,
 * `env`, `fail`, `query_other`. token: `transfer`, `send` (→ `receive` on the recipient), `mint` (by the
 * instantiator); query `balance`.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createGenesis, type GenesisSpec} from '../../src/devnet/genesis.js';
import {Chain, Store} from '../../src/devnet/node/index.js';
import type {ContractRef} from '../../src/devnet/signer.js';
import {testContractWasm} from './wasm-fixtures.js';

/** Contracts of the test genesis. */
export interface TestContracts {
  token: ContractRef;
  echo: ContractRef;
  /** A second echo instance (a receiver distinct from `echo`). */
  echo2: ContractRef;
}

/** Initial token balance of dev users a, b, c. */
export const TEST_TOKEN_BALANCE = '1000000';

/** The test genesis over the given wasm: the token (also the faucet's `paymentToken`) and two echo contracts. */
export function genesisOf(echo: Uint8Array, token: Uint8Array): GenesisSpec<TestContracts> {
  return {
    codes: [
      {name: 'echo', wasm: echo},
      {name: 'token', wasm: token},
    ],
    deployments: [
      {
        key: 'paymentToken',
        code: 'token',
        label: 'test-token',
        initMsg: (ctx) => ({initial: ['a', 'b', 'c'].map((n) => ({address: ctx.accounts[n], amount: TEST_TOKEN_BALANCE}))}),
      },
      {key: 'echo', code: 'echo', label: 'test-echo', initMsg: () => ({greeting: 'hi'})},
      {key: 'echo2', code: 'echo', label: 'test-echo-2', initMsg: () => ({greeting: 'hi2'})},
    ],
    contracts: (d) => ({token: d.paymentToken!, echo: d.echo!, echo2: d.echo2!}),
  };
}

/** The test genesis (builds the test contracts on first use). */
export async function genesis(): Promise<GenesisSpec<TestContracts>> {
  return genesisOf(await testContractWasm('echo'), await testContractWasm('token'));
}

/** A temporary secretai home; `cleanup` removes it. */
export function tempHome(prefix = 'secretai-devnet-'): {home: string; cleanup: () => void} {
  const home = mkdtempSync(join(tmpdir(), prefix));
  return {home, cleanup: () => rmSync(home, {recursive: true, force: true})};
}

/**
 * A chain at genesis `spec` in a temporary home (its SQLite store at `path`); `onCleanup` receives what closes the
 * store and removes the home.
 */
export function chainAtGenesis(spec: GenesisSpec<TestContracts>, prefix: string, onCleanup: (f: () => void) => void): {chain: Chain; store: Store; path: string} {
  const {home, cleanup} = tempHome(prefix);
  const path = join(home, 'state.db');
  const store = Store.open(path);
  createGenesis(store, spec);
  onCleanup(() => {
    store.close();
    cleanup();
  });
  return {chain: new Chain(store), store, path};
}
