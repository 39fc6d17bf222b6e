/**
 * Genesis with wasm codes: stored by the admin with MsgStoreCode and instantiated at their planned addresses with
 * code hash = SHA-256 of the wasm, beside TypeScript codes; the Secret AI genesis takes the built artifacts only
 * when the switch is on and all four exist.
 */
import {afterEach, beforeAll, describe, expect, it} from '@jest/globals';
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {sha256Hex} from '../../contracts/common/encoding.js';
import {Chain, Store} from '../../src/devnet/node/index.js';
import {
  CONTRACTS_SWITCH,
  SECRET_AI_CODES,
  createGenesis,
  genesisContractsFromEnv,
  genesisInfo,
  registerNewCodes,
  secretAiArtifacts,
  secretAiGenesisSpec,
  type GenesisSpec,
} from '../../src/devnet/genesis.js';
import {counterContractWat, watToWasm} from '../helpers/wat.js';
import {echoContract, tempHome, testRegistry} from './fixtures.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

let counterWasm: Uint8Array;
beforeAll(async () => {
  counterWasm = await watToWasm(counterContractWat());
});

function openStore(): {store: Store; path: string; dir: string} {
  const {home, cleanup} = tempHome('secretai-wasm-genesis-');
  const path = join(home, 'state.db');
  const store = Store.open(path);
  cleanups.push(() => {
    store.close();
    cleanup();
  });
  return {store, path, dir: home};
}

describe('createGenesis with wasm codes', () => {
  it('stores them after the TypeScript codes and instantiates them at their planned addresses', () => {
    const spec: GenesisSpec = {
      registry: testRegistry,
      codes: ['echo', 'counter'],
      wasm: {counter: counterWasm},
      deployments: [
        {key: 'echo', code: 'echo', label: 'g-echo', initMsg: () => ({})},
        {key: 'counter', code: 'counter', label: 'g-counter', initMsg: () => ({})},
      ],
      contracts: (d) => d,
    };
    const {store} = openStore();
    const info = createGenesis(store, spec);
    expect(info.codes).toEqual([
      {codeId: 1, name: 'echo', codeHash: testRegistry.codeHashOf('echo')},
      {codeId: 2, name: 'counter', codeHash: sha256Hex(counterWasm)},
    ]);
    expect(info.wasmCodes).toEqual(['counter']);
    expect(info.contracts.counter!.codeHash).toBe(sha256Hex(counterWasm));
    const chain = new Chain(store, testRegistry);
    expect(chain.contract(info.contracts.counter!.address)).toMatchObject({codeId: 2, name: ''});
    expect(chain.queryPlain(info.contracts.counter!.address, {count: {}})).toEqual({count: 0});
    expect(chain.queryPlain(info.contracts.echo!.address, {count: {}})).toEqual({count: 0});

    // a restart with a registry that also has a TypeScript "counter" registers nothing for it
    registerNewCodes(store, {...testRegistry, contracts: {echo: echoContract, counter: echoContract}});
    expect(store.listCodes().map((c) => c.codeId)).toEqual([1, 2]);
    expect(genesisInfo(store).codes).toEqual(info.codes);
  });

  it('deploys the Secret AI genesis from wasm when given all four codes', () => {
    const wasm = Object.fromEntries(SECRET_AI_CODES.map((n) => [n, counterWasm]));
    const spec = secretAiGenesisSpec({contracts: {}, codeHashOf: () => ''} as never, wasm);
    const {store} = openStore();
    const info = createGenesis(store, spec);
    expect(info.codes.map((c) => c.name)).toEqual([...SECRET_AI_CODES]);
    for (const ref of Object.values(info.contracts)) expect(ref.codeHash).toBe(sha256Hex(counterWasm));
  });
});

describe('the wasm switch', () => {
  it('reads SECRETAI_DEVNET_CONTRACTS=wasm; anything else is TypeScript', () => {
    expect(genesisContractsFromEnv({[CONTRACTS_SWITCH]: 'wasm'})).toBe('wasm');
    expect(genesisContractsFromEnv({[CONTRACTS_SWITCH]: 'ts'})).toBe('ts');
    expect(genesisContractsFromEnv({})).toBe('ts');
  });

  it('takes artifacts only when all four are built', () => {
    const {dir} = openStore();
    const contracts = join(dir, 'contracts');
    for (const name of SECRET_AI_CODES.slice(0, 3)) {
      mkdirSync(join(contracts, name), {recursive: true});
      writeFileSync(join(contracts, name, `${name}.wasm`), counterWasm);
    }
    expect(secretAiArtifacts(contracts)).toBeUndefined();
    const last = SECRET_AI_CODES[3];
    mkdirSync(join(contracts, last), {recursive: true});
    writeFileSync(join(contracts, last, `${last}.wasm`), counterWasm);
    const found = secretAiArtifacts(contracts)!;
    expect(Object.keys(found)).toEqual([...SECRET_AI_CODES]);
    expect(found[last]).toEqual(counterWasm);
  });
});
