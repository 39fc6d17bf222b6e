/**
 * Genesis stores every code as wasm (MsgStoreCode by the admin) and instantiates the deployments at their planned
 * addresses with code hash = SHA-256 of the wasm; the Secret AI genesis takes the built artifacts and names
 * `npm run build` when one is missing.
 */
import {afterEach, beforeAll, describe, expect, it} from '@jest/globals';
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {sha256Hex} from '../../contracts/common/encoding.js';
import {Chain, Store} from '../../src/devnet/node/index.js';
import {SECRET_AI_CODES, createGenesis, genesisInfo, secretAiArtifacts, secretAiGenesisSpec, type GenesisSpec} from '../../src/devnet/genesis.js';
import {counterContractWat, watToWasm} from '../helpers/wat.js';
import {tempHome} from './fixtures.js';
import {testContractWasm} from './wasm-fixtures.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

let counterWasm: Uint8Array;
let echoWasm: Uint8Array;
beforeAll(async () => {
  counterWasm = await watToWasm(counterContractWat());
  echoWasm = await testContractWasm('echo');
}, 300_000);

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

describe('createGenesis', () => {
  it('stores the codes in order and instantiates them at their planned addresses', () => {
    const spec: GenesisSpec = {
      codes: [
        {name: 'echo', wasm: gzipSync(echoWasm)},
        {name: 'counter', wasm: counterWasm},
      ],
      deployments: [
        {key: 'echo', code: 'echo', label: 'g-echo', initMsg: () => ({})},
        {key: 'counter', code: 'counter', label: 'g-counter', initMsg: () => ({})},
      ],
      contracts: (d) => d,
    };
    const {store} = openStore();
    const info = createGenesis(store, spec);
    expect(info.codes).toEqual([
      {codeId: 1, name: 'echo', codeHash: sha256Hex(echoWasm)},
      {codeId: 2, name: 'counter', codeHash: sha256Hex(counterWasm)},
    ]);
    expect(store.listCodes().map((c) => [c.codeId, c.codeHash])).toEqual(info.codes.map((c) => [c.codeId, c.codeHash]));
    expect(info.contracts.counter!.codeHash).toBe(sha256Hex(counterWasm));
    const chain = new Chain(store);
    expect(chain.contract(info.contracts.counter!.address)).toMatchObject({codeId: 2});
    expect(chain.queryPlain(info.contracts.counter!.address, {count: {}})).toEqual({count: 0});
    expect(chain.queryPlain(info.contracts.echo!.address, {count: {}})).toEqual({count: 0});
    expect(genesisInfo(store)).toEqual(info);
  });

  it('fails on a deployment of a code it does not store', () => {
    const spec: GenesisSpec = {codes: [{name: 'counter', wasm: counterWasm}], deployments: [{key: 'x', code: 'echo', label: 'x', initMsg: () => ({})}], contracts: (d) => d};
    expect(() => createGenesis(openStore().store, spec)).toThrow(/code echo, which is not in the genesis codes/);
  });

  it('deploys the Secret AI genesis from the four codes', () => {
    const wasm = Object.fromEntries(SECRET_AI_CODES.map((n) => [n, counterWasm]));
    const info = createGenesis(openStore().store, secretAiGenesisSpec(wasm));
    expect(info.codes.map((c) => c.name)).toEqual([...SECRET_AI_CODES]);
    for (const ref of Object.values(info.contracts)) expect(ref.codeHash).toBe(sha256Hex(counterWasm));
  });
});

describe('the built artifacts', () => {
  it('are all required, and a missing one names npm run build', () => {
    const {dir} = openStore();
    const contracts = join(dir, 'contracts');
    for (const name of SECRET_AI_CODES.slice(0, 3)) {
      mkdirSync(join(contracts, name), {recursive: true});
      writeFileSync(join(contracts, name, `${name}.wasm`), counterWasm);
    }
    const last = SECRET_AI_CODES[3];
    expect(() => secretAiArtifacts(dir)).toThrow(new RegExp(`${last}\\.wasm is missing: run \`npm run build\` first`));
    mkdirSync(join(contracts, last), {recursive: true});
    writeFileSync(join(contracts, last, `${last}.wasm`), counterWasm);
    const found = secretAiArtifacts(dir);
    expect(Object.keys(found)).toEqual([...SECRET_AI_CODES]);
    expect(found[last]).toEqual(counterWasm);
  });
});
