import {describe, expect, it} from '@jest/globals';
import path from 'node:path';
import {ConfigStore, getProfile, listProfiles, normalizeLcdUrl, resolveHome, resolveSetting} from '../../src/lib/config/index.js';
import {UsageError} from '../../src/lib/errors.js';
import {tempHome} from '../helpers/cli.js';

describe('home directory', () => {
  it('takes the flag over the environment over the platform default', () => {
    expect(resolveHome('/x/flag', {SECRETAI_HOME: '/x/env'})).toEqual({value: path.resolve('/x/flag'), source: 'flag'});
    expect(resolveHome(undefined, {SECRETAI_HOME: '/x/env'})).toEqual({value: path.resolve('/x/env'), source: 'env'});
    expect(resolveHome(undefined, {XDG_CONFIG_HOME: '/x/xdg'})).toEqual({value: path.join('/x/xdg', 'secretai'), source: 'default'});
  });
});

describe('settings precedence', () => {
  const cfg = {settings: {network: 'pulsar-3'}, networks: {}};
  it('flag > env > config > default', () => {
    expect(resolveSetting('network', 'secret-4', cfg, {SECRETAI_NETWORK: 'x'})).toEqual({value: 'secret-4', source: 'flag'});
    expect(resolveSetting('network', undefined, cfg, {SECRETAI_NETWORK: 'x'})).toEqual({value: 'x', source: 'env'});
    expect(resolveSetting('network', undefined, cfg, {})).toEqual({value: 'pulsar-3', source: 'config'});
    expect(resolveSetting('network', undefined, {settings: {}, networks: {}}, {})).toEqual({value: 'local', source: 'default'});
    expect(resolveSetting('from', undefined, {settings: {}, networks: {}}, {})).toEqual({value: undefined, source: 'default'});
  });
});

describe('network profiles', () => {
  it('has local, pulsar-3 and secret-4 built in, local pointing at the devnet', () => {
    const names = listProfiles({settings: {}, networks: {}}).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['local', 'pulsar-3', 'secret-4']));
    const local = getProfile({settings: {}, networks: {}}, 'local');
    expect(local.lcdUrl).toBe('http://127.0.0.1:1317');
    expect(local.chainId).toBe('secretdev-1');
    expect(local.attestation.allowDev).toBe(true);
    expect(getProfile({settings: {}, networks: {}}, 'secret-4').attestation.allowDev).toBe(false);
    expect(getProfile({settings: {}, networks: {}}, 'secret-4').allowTestKeyring).toBe(false);
  });

  it('merges overrides from the config file onto built-ins', () => {
    const addr = 'secret1' + 'q'.repeat(38);
    const p = getProfile({settings: {}, networks: {local: {lcdUrl: 'http://127.0.0.1:2000', contracts: {paymentToken: {address: addr, codeHash: 'a'.repeat(64)}}}}}, 'local');
    expect(p.lcdUrl).toBe('http://127.0.0.1:2000');
    expect(p.chainId).toBe('secretdev-1');
    expect(p.contracts.paymentToken?.address).toBe(addr);
  });

  it('rejects unknown names and bad URLs with usage errors', () => {
    expect(() => getProfile({settings: {}, networks: {}}, 'nope')).toThrow(UsageError);
    expect(() => normalizeLcdUrl('ftp://x')).toThrow(UsageError);
    expect(() => normalizeLcdUrl('not a url')).toThrow(UsageError);
    expect(normalizeLcdUrl('https://lcd.example.com///')).toBe('https://lcd.example.com');
  });

  it('persists the config file atomically and reads it back', () => {
    const home = tempHome();
    const store = new ConfigStore(home);
    expect(store.read()).toEqual({settings: {}, networks: {}});
    store.update((c) => {
      c.settings.from = 'alice';
    });
    expect(new ConfigStore(home).read().settings.from).toBe('alice');
  });
});
