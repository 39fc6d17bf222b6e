import {afterAll, describe, expect, it} from '@jest/globals';
import {execFile} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {promisify} from 'node:util';
import {runCli, tempHome} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';
import {counterContractWat, watToWasm} from '../helpers/wat.js';

// The acceptance script: examples/secretjs-storecode.mjs uploads a contract with storeCode, instantiates and
// executes it with plain secretjs against a devnet started by the real binary. The contract is the WAT counter of
// the host tests, compiled here.
const home = tempHome('secretai-secretjs-storecode-');

afterAll(async () => {
  await runCli(['devnet', 'stop', '--home', home]);
});

describe('plain secretjs storeCode against secretai devnet start', () => {
  it('uploads, instantiates from the code id, executes and queries a wasm contract', async () => {
    const wasm = await watToWasm(counterContractWat());
    const wasmFile = path.join(home, 'counter.wasm');
    writeFileSync(wasmFile, wasm);
    const start = await runCli(['devnet', 'start', '--detach', '--port', '0', '--json', '--home', home]);
    expect(start.code).toBe(0);
    const devnetJson = path.join(home, 'devnet-start.json');
    writeFileSync(devnetJson, start.stdout);
    const key = JSON.parse((await runCli(['keys', 'add', 'me', '--keyring-backend', 'test', '--json', '--home', home])).stdout);
    expect((await runCli(['devnet', 'fund', 'me', '--scrt', '10scrt', '--home', home])).code).toBe(0);

    const {stdout} = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'examples', 'secretjs-storecode.mjs'), wasmFile], {
      env: {...process.env, DEVNET_JSON: devnetJson, MNEMONIC: key.mnemonic},
    });
    const r = JSON.parse(stdout);
    expect(r.codeId).toBeGreaterThan(4); // after the genesis codes
    expect(r.codeHash).toBe(r.sha256);
    expect(r.codeInfo).toMatchObject({code_id: String(r.codeId), creator: key.address, code_hash: r.sha256});
    expect(r.storedBytes).toBe(wasm.length);
    expect(r.listed).toBe(true);
    expect(r.contractInfo).toMatchObject({code_id: String(r.codeId), creator: key.address});
    expect(r.codeHashByAddress).toBe(r.sha256);
    expect(r.execute).toMatchObject({code: 0, data: {count: 1}});
    expect(r.execute.attributes).toEqual([
      {key: 'count', value: '1'},
      {key: 'action', value: 'increment'},
    ]);
    expect(r.query).toEqual({count: 1});
  });
});
