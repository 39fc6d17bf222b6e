import {afterAll, describe, expect, it} from '@jest/globals';
import {execFile} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {promisify} from 'node:util';
import {runCli, tempHome} from '../helpers/cli.js';
import {repoRoot} from '../helpers/shared.js';

// The acceptance script: examples/secretjs-devnet.mjs uses only secretjs's public API against a devnet
// started by the real binary.
const home = tempHome('secretai-secretjs-script-');

afterAll(async () => {
  await runCli(['devnet', 'stop', '--home', home]);
});

describe('plain secretjs against secretai devnet start', () => {
  it('reads, sends, queries, executes (send → receive) and reads a failed tx error', async () => {
    const start = await runCli(['devnet', 'start', '--detach', '--port', '0', '--json', '--home', home]);
    expect(start.code).toBe(0);
    const devnetJson = path.join(home, 'devnet-start.json');
    writeFileSync(devnetJson, start.stdout);
    const key = JSON.parse((await runCli(['keys', 'add', 'me', '--keyring-backend', 'test', '--json', '--home', home])).stdout);
    expect((await runCli(['devnet', 'fund', 'me', '--scrt', '10scrt', '--token', '5000000', '--home', home])).code).toBe(0);

    const {stdout} = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'examples', 'secretjs-devnet.mjs')], {
      env: {...process.env, DEVNET_JSON: devnetJson, MNEMONIC: key.mnemonic},
    });
    const r = JSON.parse(stdout);
    expect(r.address).toBe(key.address);
    expect(r.uscrt).toBe('10000000');
    expect(r.bankSend).toEqual({code: 0, received: '1234'});
    expect(r.tokenInfo.token_info).toMatchObject({decimals: 6});
    expect(r.tokenSend).toEqual({code: 0, data: {send: {status: 'success'}}});
    expect(r.subscription).toMatchObject({subscriber: key.address, balance: '1000000'});
    expect(r.failedTx.code).not.toBe(0);
    expect(r.failedTx.rawLog).toMatch(/insufficient funds/);
    expect(r.failedTx.rawLog).not.toMatch(/encrypted:/);
  });
});
