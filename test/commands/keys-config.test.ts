import {describe, expect, it} from '@jest/globals';
import {runCommand} from '@oclif/test';
import {Wallet} from 'secretjs';
import {repoRoot} from '../helpers/shared.js';
import {tempHome} from '../helpers/cli.js';

// Command level: the command runs in-process through oclif; we check its typed result and its JSON.
const opts = {root: repoRoot};

describe('keys commands (in-process)', () => {
  it('keys add returns the typed result and prints the same JSON', async () => {
    const home = tempHome();
    const {result, stdout, error} = await runCommand<{name: string; address: string; mnemonic: string}>(['keys', 'add', 'alice', '--keyring-backend', 'test', '--json', '--home', home], opts);
    expect(error).toBeUndefined();
    expect(result?.name).toBe('alice');
    expect(result?.address).toBe(new Wallet(result!.mnemonic).address);
    expect(JSON.parse(stdout)).toEqual(result);
  });

  it('keys list and show return what was added', async () => {
    const home = tempHome();
    await runCommand(['keys', 'add', 'k1', '--keyring-backend', 'test', '--home', home], opts);
    const list = await runCommand<Array<{name: string; address: string}>>(['keys', 'list', '--json', '--home', home], opts);
    expect(list.result).toHaveLength(1);
    const show = await runCommand<{name: string; address: string; pubkey: string}>(['keys', 'show', 'k1', '--json', '--home', home], opts);
    expect(show.result?.address).toBe(list.result?.[0].address);
    expect(Buffer.from(show.result!.pubkey, 'base64')).toHaveLength(33);
  });

  it('config set/get round-trips and reports the source', async () => {
    const home = tempHome();
    const set = await runCommand<{key: string; value: string; source: string}>(['config', 'set', 'from', 'alice', '--json', '--home', home], opts);
    expect(set.result).toMatchObject({key: 'from', value: 'alice', source: 'config'});
    const get = await runCommand<{value: string; source: string}>(['config', 'get', 'from', '--json', '--from', 'bob', '--home', home], opts);
    expect(get.result).toMatchObject({value: 'bob', source: 'flag'});
  });

  it('network show defaults to the active profile', async () => {
    const home = tempHome();
    const r = await runCommand<{name: string; chainId: string; active: boolean}>(['network', 'show', '--json', '--home', home], opts);
    expect(r.result).toMatchObject({name: 'local', chainId: 'secretdev-1', active: true});
  });
});
