import {describe, expect, it} from '@jest/globals';
import {readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {Wallet} from 'secretjs';
import {runCli, tempHome} from '../helpers/cli.js';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

/** stdout of a --json run must be exactly one JSON document. */
function oneJson(stdout: string): unknown {
  return JSON.parse(stdout);
}

describe('secretai binary', () => {
  it('prints its version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^secretai\/\d+\.\d+\.\d+ \S+ node-v\d+/);
  });

  it('shows the design topics with descriptions and examples in --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const t of ['keys', 'config', 'network', 'worker', 'subscription', 'apikey', 'rewards', 'epoch', 'subscribe', 'models', 'chat', 'demo']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${t}\\s+\\S`, 'm'));
    }
    expect(r.stdout).toContain('EXAMPLES');
    expect(r.stdout).toContain('EXIT CODES');
  });

  it('keys add --keyring-backend test --json prints {name, address, mnemonic} matching secretjs', async () => {
    const home = tempHome();
    const r = await runCli(['keys', 'add', 'alice', '--keyring-backend', 'test', '--json', '--home', home]);
    expect(r.code).toBe(0);
    const j = oneJson(r.stdout) as {name: string; address: string; mnemonic: string};
    expect(j.name).toBe('alice');
    expect(j.mnemonic.split(' ')).toHaveLength(24);
    expect(j.address).toBe(new Wallet(j.mnemonic).address);
  });

  it('keys add --recover reads the mnemonic from stdin and never prints it', async () => {
    const home = tempHome();
    const r = await runCli(['keys', 'add', 'bob', '--recover', '--keyring-backend', 'test', '--json', '--home', home], {input: MNEMONIC + '\n'});
    expect(r.code).toBe(0);
    const j = oneJson(r.stdout) as Record<string, unknown>;
    expect(j.address).toBe(new Wallet(MNEMONIC).address);
    expect(j).not.toHaveProperty('mnemonic');
    expect(r.stdout + r.stderr).not.toContain('abandon');
    const list = oneJson((await runCli(['keys', 'list', '--json', '--home', home])).stdout) as Array<{name: string; address: string}>;
    expect(list).toEqual([expect.objectContaining({name: 'bob', address: j.address})]);
  });

  it('file keyring: passphrase from the environment, encrypted at rest, mode 0600, passphrase never printed', async () => {
    const home = tempHome();
    const pass = 'a passphrase for tests';
    const r = await runCli(['keys', 'add', 'carol', '--recover', '--json', '--home', home], {input: MNEMONIC, env: {SECRETAI_KEYRING_PASSPHRASE: pass}});
    expect(r.code).toBe(0);
    const file = path.join(home, 'keys', 'carol.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain('abandon');
    expect(r.stdout + r.stderr).not.toContain(pass);
  });

  it('file keyring without a passphrase and without a terminal is a usage error naming the variable', async () => {
    const r = await runCli(['keys', 'add', 'dave', '--home', tempHome()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SECRETAI_KEYRING_PASSPHRASE');
    expect(r.stdout).toBe('');
  });

  it('refuses the test keyring on secret-4 unless forced', async () => {
    const home = tempHome();
    const r = await runCli(['keys', 'add', 'm', '--keyring-backend', 'test', '--network', 'secret-4', '--home', home]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused on network secret-4/);
    const forced = await runCli(['keys', 'add', 'm', '--keyring-backend', 'test', '--network', 'secret-4', '--force', '--json', '--home', home]);
    expect(forced.code).toBe(0);
  });

  it.each([
    [['keys', 'add', '--bogus', 'x'], /unknown flag: --bogus/],
    [['keys', 'add'], /missing required argument: NAME/],
    [['keys', 'show', 'a', 'b'], /unexpected argument \(1\)/],
    [['keys', 'add', 'x', '--keyring-backend', 'nope'], /keyring-backend/],
    [['keys', 'show', 'nobody'], /no key named "nobody"/],
    [['config', 'get', 'nope'], /unknown setting "nope"/],
    [['network', 'use', 'nope'], /unknown network "nope"/],
    [['network', 'add', 'x', '--url', 'ftp://x', '--chain-id', 'c'], /http or https/],
  ])('bad input %j exits 2 with one line on stderr and nothing on stdout', async (args, re) => {
    const r = await runCli([...(args as string[]), '--home', tempHome()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(re as RegExp);
    expect(r.stderr).not.toMatch(/\s+at .+:\d+:\d+/);
  });

  it.each([
    [['nosuch'], /unknown command "nosuch"/],
    [['keys', 'nosuch'], /unknown command "keys nosuch".*secretai keys --help/],
    [['keys', 'list', 'extra'], /unexpected argument \(1\) after "secretai keys list"/],
    [['--bogus'], /unknown flag "--bogus"/],
    [['keys', 'frobnicate', 'x'], /unknown command "keys frobnicate".*secretai keys --help/],
    [['abandon', 'ability', 'able'], /unknown command "abandon" \(/],
  ])('unknown command or stray words %j: exit 2, one line, JSON with --json', async (args, re) => {
    const r = await runCli([...(args as string[]), '--home', tempHome()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(re as RegExp);
    const j = await runCli([...(args as string[]), '--json', '--home', tempHome()]);
    expect(j.code).toBe(2);
    expect((JSON.parse(j.stdout) as {error: {exitCode: number}}).error.exitCode).toBe(2);
  });

  it('never echoes stray words: a mnemonic typed on the command line stays out of the output', async () => {
    const r = await runCli(['keys', 'add', 'bob', '--recover', ...MNEMONIC.split(' '), '--json', '--home', tempHome()]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toMatch(/abandon|about/);
    expect(r.stderr).toMatch(/read from stdin, never from the command line/);
  });

  it('--json errors are one JSON document on stdout', async () => {
    const r = await runCli(['keys', 'show', 'nobody', '--json', '--home', tempHome()]);
    expect(r.code).toBe(2);
    const j = oneJson(r.stdout) as {error: {code: string; message: string; exitCode: number}};
    expect(j.error).toMatchObject({code: 'KEY_NOT_FOUND', exitCode: 2});
  });

  it('keys delete asks for confirmation; without a terminal it needs --yes', async () => {
    const home = tempHome();
    await runCli(['keys', 'add', 'e', '--keyring-backend', 'test', '--home', home]);
    const refused = await runCli(['keys', 'delete', 'e', '--home', home]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const ok = await runCli(['keys', 'delete', 'e', '--yes', '--json', '--home', home]);
    expect(ok.code).toBe(0);
    expect(oneJson(ok.stdout)).toMatchObject({name: 'e', deleted: true});
  });

  it('network and config: use, show with sources, precedence', async () => {
    const home = tempHome();
    expect((await runCli(['network', 'use', 'pulsar-3', '--home', home])).code).toBe(0);
    let show = oneJson((await runCli(['config', 'show', '--json', '--home', home])).stdout) as {settings: Array<{key: string; value: string; source: string}>};
    expect(show.settings.find((s) => s.key === 'network')).toMatchObject({value: 'pulsar-3', source: 'config'});
    show = oneJson((await runCli(['config', 'show', '--json', '--home', home], {env: {SECRETAI_NETWORK: 'secret-4'}})).stdout) as typeof show;
    expect(show.settings.find((s) => s.key === 'network')).toMatchObject({value: 'secret-4', source: 'env'});
    show = oneJson((await runCli(['config', 'show', '--json', '--network', 'local', '--home', home], {env: {SECRETAI_NETWORK: 'secret-4'}})).stdout) as typeof show;
    expect(show.settings.find((s) => s.key === 'network')).toMatchObject({value: 'local', source: 'flag'});
    const added = await runCli(['network', 'add', 'mine', '--url', 'http://127.0.0.1:9999/', '--chain-id', 'mychain-1', '--json', '--home', home]);
    expect(added.code).toBe(0);
    expect(oneJson(added.stdout)).toMatchObject({name: 'mine', lcdUrl: 'http://127.0.0.1:9999', chainId: 'mychain-1'});
    const list = oneJson((await runCli(['network', 'list', '--json', '--home', home])).stdout) as Array<{name: string; active: boolean}>;
    expect(list.find((n) => n.active)?.name).toBe('pulsar-3');
    expect(list.map((n) => n.name)).toEqual(expect.arrayContaining(['local', 'pulsar-3', 'secret-4', 'mine']));
  });

  it('chat (built) checks its flags before anything else: no --model is a usage error, exit 2', async () => {
    const r = await runCli(['chat', 'hello', '--json', '--home', tempHome()]);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(/model/);
  });
});
