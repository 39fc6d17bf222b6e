/**
 * The chain client against a fake LCD that speaks the real query encryption: what the client does with padded
 * answers, string answers, contract errors, odd HTTP answers, unreachable and stalled endpoints.
 */
import {afterEach, describe, expect, it, jest} from '@jest/globals';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {readClient} from '../../src/lib/chain/client.js';
import {ContractClient} from '../../src/lib/chain/contract.js';
import {clientsFor, LegacyWorkerManagerClient, Snip20Client} from '../../src/lib/chain/contracts/index.js';
import {ChainRequestError, ChainUnavailableError, ContractQueryError, ViewingKeyError} from '../../src/lib/chain/errors.js';
import {loadSecretjs} from '../../src/lib/chain/secretjs.js';
import {BUILTIN_PROFILES, type NetworkProfile} from '../../src/lib/config/index.js';
import {SecretaiError} from '../../src/lib/errors.js';
import {closedPort, startFakeLcd, type FakeLcd} from './helpers/fake-lcd.js';
import {caught} from './helpers/caught.js';

const CONTRACT = 'secret1k0jntykt7e4g3y88ltc60czgjuqdy4c9e8fzek';
const ACCOUNT = 'secret1jx9mh97y0r33wrzjkptxynkfa7e454ff63s7yz';
const CODE_HASH = 'af74387e276be8874f07bec3a87023ee49b0e7ebe08178c49d0a49c3c98ed60e';

function remote(url: string): NetworkProfile {
  return {name: 'remote-test', chainId: 'remote-1', lcdUrl: url, gasPrice: '0.1', contracts: {}, attestation: {allowDev: false, strict: false}, allowTestKeyring: false};
}


let fake: FakeLcd | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('contract queries through a fake LCD', () => {
  it('parses space-padded answers, always sends the code hash, never warns, strips trailing slashes', async () => {
    const answer = '{"balance":{"amount":"5"}}';
    fake = await startFakeLcd({onQuery: () => ({text: answer + ' '.repeat(256 - answer.length)})});
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const chain = readClient(remote(fake.url + '///'));
      const text = await chain.queryContractText({address: CONTRACT, codeHash: CODE_HASH}, {balance: {}});
      expect(text).toHaveLength(256);
      const parsed = await chain.queryContract({address: CONTRACT, codeHash: '0x' + CODE_HASH.toUpperCase()}, {balance: {}});
      expect(parsed).toEqual({balance: {amount: '5'}});
      expect(fake.queries.map((q) => q.codeHash)).toEqual([CODE_HASH, CODE_HASH]);
      expect(fake.queries[0].json).toEqual({balance: {}});
      expect(fake.requests.every((p) => !p.startsWith('//'))).toBe(true);
      expect(fake.requests.filter((p) => p.includes('code_hash'))).toEqual([]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('a contract error → ContractQueryError with the decrypted text (escapes undone); a string answer is not an error', async () => {
    fake = await startFakeLcd({
      onQuery: (_c, json) => {
        const k = Object.keys(json as object)[0];
        if (k === 'fail') return {contractError: 'Generic error: insufficient funds: balance=1, required=2'};
        if (k === 'quote') return {contractError: 'Generic error: bad "x"'};
        if (k === 'str') return {text: '"just a string"'};
        if (k === 'raw') return {text: 'not json'};
        return {text: ''};
      },
    });
    const chain = readClient(remote(fake.url));
    const ref = {address: CONTRACT, codeHash: CODE_HASH};
    const e = await caught(chain.queryContract(ref, {fail: {}}));
    expect(e).toBeInstanceOf(ContractQueryError);
    expect(e.code).toBe('CONTRACT_ERROR');
    expect(e.exitCode).toBe(1);
    expect(e.message).toBe('Generic error: insufficient funds: balance=1, required=2');
    expect((await caught(chain.queryContract(ref, {quote: {}}))).message).toBe('Generic error: bad "x"');
    expect(await chain.queryContract(ref, {str: {}})).toBe('just a string');
    expect(await chain.queryContract(ref, {raw: {}})).toBe('not json');
    expect(await chain.queryContract(ref, {empty: {}})).toBeNull();
  });

  it('a viewing_key_error answer → ViewingKeyError', async () => {
    fake = await startFakeLcd({onQuery: () => ({text: '{"viewing_key_error":{"msg":"Wrong viewing key for this address or viewing key not set"}}' + ' '.repeat(100)})});
    const token = new Snip20Client(readClient(remote(fake.url)), {address: CONTRACT, codeHash: CODE_HASH});
    const e = await caught(token.balanceWithKey(ACCOUNT, 'wrong'));
    expect(e).toBeInstanceOf(ViewingKeyError);
    expect(e.code).toBe('VIEWING_KEY_ERROR');
    expect(e.message).toMatch(/Wrong viewing key/);
  });

  it('non-JSON bodies → exit 3; plain gateway errors → CHAIN_ERROR exit 1; wrong code hash hint', async () => {
    fake = await startFakeLcd({
      onQuery: (_c, json) => {
        const k = Object.keys(json as object)[0];
        if (k === 'html') return {status: 502, body: '<html>Bad gateway</html>', contentType: 'text/html'};
        if (k === 'hash') return {status: 500, body: JSON.stringify({code: 2, message: 'failed to validate transaction: query contract failed', details: []})};
        return {status: 404, body: JSON.stringify({code: 5, message: 'contract secret1… not found', details: []})};
      },
    });
    const chain = readClient(remote(fake.url));
    const ref = {address: CONTRACT, codeHash: CODE_HASH};
    const html = await caught(chain.queryContract(ref, {html: {}}));
    expect(html).toBeInstanceOf(ChainUnavailableError);
    expect(html.code).toBe('CHAIN_BAD_ANSWER');
    expect(html.exitCode).toBe(3);
    const hash = await caught(chain.queryContract(ref, {hash: {}}));
    expect(hash.code).toBe('CONTRACT_INPUT_REJECTED');
    expect(hash.suggestion).toMatch(/code hash/);
    const nf = await caught(chain.queryContract(ref, {missing: {}}));
    expect(nf).toBeInstanceOf(ChainRequestError);
    expect(nf.code).toBe('CHAIN_ERROR');
    expect(nf.message).toMatch(/not found/);
  });

  it('refuses a malformed code hash before any request', async () => {
    fake = await startFakeLcd({onQuery: () => ({text: '{}'})});
    const chain = readClient(remote(fake.url));
    const e = await caught(chain.queryContract({address: CONTRACT, codeHash: 'abc'}, {x: {}}));
    expect(e.code).toBe('CODE_HASH_INVALID');
    expect(e.exitCode).toBe(2);
    expect(() => new ContractClient(chain, {address: CONTRACT, codeHash: 'zz'}, 'c')).toThrow(/invalid c code hash/);
    expect(fake.requests).toEqual([]);
  });

  it('looks up a missing code hash once (legacy worker manager) and then always sends it', async () => {
    fake = await startFakeLcd({
      onQuery: (_c, json) => ({text: JSON.stringify('get_models' in (json as object) ? {models: ['llama3.2:3b']} : {urls: ['https://w.example:21434']})}),
      route: (_m, path) => (path.startsWith('/compute/v1beta1/code_hash/by_contract_address/') ? {status: 200, body: JSON.stringify({code_hash: CODE_HASH.toUpperCase()})} : undefined),
    });
    const legacy = new LegacyWorkerManagerClient(readClient(remote(fake.url)), {address: CONTRACT});
    const [models, urls] = await Promise.all([legacy.getModels(), legacy.getUrls('llama3.2:3b')]);
    expect(models).toEqual(['llama3.2:3b']);
    expect(urls).toEqual(['https://w.example:21434']);
    expect(await legacy.getModels()).toEqual(['llama3.2:3b']);
    expect(fake.requests.filter((p) => p.includes('code_hash'))).toHaveLength(1);
    expect(fake.queries.every((q) => q.codeHash === CODE_HASH)).toBe(true);
    expect(fake.queries[1].json).toEqual({get_u_r_ls: {model: 'llama3.2:3b'}});
  });

  it('accounts: unknown → null; known → number and sequence; bank balance as bigint', async () => {
    fake = await startFakeLcd({
      route: (_m, path) => {
        if (path === `/cosmos/auth/v1beta1/accounts/${ACCOUNT}`) {
          return {status: 200, body: JSON.stringify({account: {'@type': '/cosmos.auth.v1beta1.BaseAccount', address: ACCOUNT, pub_key: null, account_number: '7', sequence: '3'}})};
        }
        if (path.startsWith('/cosmos/auth/v1beta1/accounts/')) return {status: 404, body: JSON.stringify({code: 5, message: 'account not found: key not found', details: []})};
        if (path === `/cosmos/bank/v1beta1/balances/${ACCOUNT}/by_denom`) return {status: 200, body: JSON.stringify({balance: {denom: 'uscrt', amount: '123456789012345678901'}})};
        return undefined;
      },
    });
    const chain = readClient(remote(fake.url));
    expect(await chain.account(ACCOUNT)).toEqual({address: ACCOUNT, accountNumber: 7, sequence: 3});
    expect(await chain.account('secret1wlr4jajfa7mdqr90mvvl3juskg9qdzfk480qv2')).toBeNull();
    expect(await chain.balance(ACCOUNT)).toBe(123456789012345678901n);
    const e = await caught(chain.balance('secret1notanaddress'));
    expect(e.code).toBe('ADDRESS_INVALID');
  });
});

describe('unreachable and stalled endpoints', () => {
  it('connection refused → UnavailableError (exit 3), with the devnet hint on the local network', async () => {
    const port = await closedPort();
    const local = {...BUILTIN_PROFILES.local, lcdUrl: `http://127.0.0.1:${port}`};
    const e = await caught(readClient(local).balance(ACCOUNT));
    expect(e).toBeInstanceOf(ChainUnavailableError);
    expect(e.exitCode).toBe(3);
    expect(e.message).toMatch(/connection refused/);
    expect(e.suggestion).toBe('is the devnet running? secretai devnet start');
    const q = await caught(readClient(local).queryContract({address: CONTRACT, codeHash: CODE_HASH}, {token_info: {}}));
    expect(q.exitCode).toBe(3);
    const r = await caught(readClient(remote(`http://127.0.0.1:${port}`)).getTx('AB'.repeat(32)));
    expect(r.exitCode).toBe(3);
    expect(r.suggestion).toMatch(/LCD URL/);
  });

  it('a node that never answers → CHAIN_TIMEOUT (exit 3) after the request timeout', async () => {
    fake = await startFakeLcd({stall: true});
    const e = await caught(readClient(remote(fake.url), {requestTimeoutMs: 300}).balance(ACCOUNT));
    expect(e.code).toBe('CHAIN_TIMEOUT');
    expect(e.exitCode).toBe(3);
  });

  it('contract clients of an unconfigured network → CONTRACT_NOT_CONFIGURED (exit 2) on first use', () => {
    const set = clientsFor({...BUILTIN_PROFILES.local});
    expect(set.has('paymentToken')).toBe(false);
    let err: unknown;
    try {
      void set.paymentToken;
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SecretaiError);
    expect((err as SecretaiError).code).toBe('CONTRACT_NOT_CONFIGURED');
    expect((err as SecretaiError).exitCode).toBe(2);
    expect((err as SecretaiError).suggestion).toMatch(/secretai devnet start/);
    const pulsar = clientsFor({...BUILTIN_PROFILES['pulsar-3']});
    expect(pulsar.has('legacyWorkerManager')).toBe(true);
    expect(pulsar.legacyWorkerManager.address).toBe('secret18cy3cgnmkft3ayma4nr37wgtj4faxfnrnngrlq');
    expect(pulsar.legacyWorkerManager).toBe(pulsar.legacyWorkerManager);
  });
});

describe('process-wide fetch', () => {
  it('stays the runtime fetch after secretjs is loaded (WHATWG streams, not node-fetch)', async () => {
    await loadSecretjs();
    expect((globalThis.fetch as unknown as {ponyfill?: boolean}).ponyfill).toBeUndefined();
    const server = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(res.body).toBeInstanceOf(ReadableStream);
      expect(await res.text()).toBe('hello');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
