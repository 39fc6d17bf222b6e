/**
 * The consensus IO key cache of the read client, against a fake LCD that speaks the real query encryption: a miss
 * asks the node once and remembers the key, a hit sends queries without asking, and a stale key (the chain's key
 * changed on the same URL) is fetched again and the query retried, once, for all the queries that failed alike.
 */
import {afterEach, describe, expect, it} from '@jest/globals';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {FileIoKeyStore, MemoryIoKeyStore, type IoKeyStore} from '../../src/lib/chain/io-key.js';
import {readClient} from '../../src/lib/chain/read-client.js';
import {signingClient} from '../../src/lib/chain/signing-client.js';
import type {NetworkProfile} from '../../src/lib/config/index.js';
import {startFakeLcd, type FakeLcd} from './helpers/fake-lcd.js';
import {caught} from './helpers/caught.js';

const CONTRACT = 'secret1k0jntykt7e4g3y88ltc60czgjuqdy4c9e8fzek';
const CODE_HASH = 'af74387e276be8874f07bec3a87023ee49b0e7ebe08178c49d0a49c3c98ed60e';
const REF = {address: CONTRACT, codeHash: CODE_HASH};
const TX_KEY = '/registration/v1beta1/tx-key';
// A valid BIP-39 mnemonic (the standard test vector), for a signing client that never signs here.
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

function remote(url: string, chainId = 'remote-1'): NetworkProfile {
  return {name: 'remote-test', chainId, lcdUrl: url, gasPrice: '0.1', contracts: {}, attestation: {allowDev: false, strict: false}, allowTestKeyring: false};
}

/** A fake whose every query answers `{"n":<query's n>}`. */
async function echoLcd(): Promise<FakeLcd> {
  return startFakeLcd({onQuery: (_c, json) => ({text: JSON.stringify({n: (json as {q: {n: number}}).q.n})})});
}

const txKeyRequests = (f: FakeLcd) => f.requests.filter((p) => p === TX_KEY).length;

let fake: FakeLcd | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  if (dir) rmSync(dir, {recursive: true, force: true});
  dir = undefined;
});

describe('consensus IO key cache of the read client', () => {
  it('miss: asks the node once for all concurrent queries and remembers the key under chain id and LCD URL', async () => {
    fake = await echoLcd();
    const store = new MemoryIoKeyStore();
    const chain = readClient(remote(fake.url), {ioKeys: store});
    const answers = await Promise.all([1, 2, 3].map((n) => chain.queryContract(REF, {q: {n}})));
    expect(answers).toEqual([{n: 1}, {n: 2}, {n: 3}]);
    expect(txKeyRequests(fake)).toBe(1);
    expect(store.get('remote-1', fake.url)).toEqual(fake.ioPublicKey);
    expect(store.get('remote-1', fake.url + '/')).toEqual(fake.ioPublicKey);
    expect(store.get('other-1', fake.url)).toBeUndefined();
  });

  it('hit: a later client seals its queries to the remembered key without asking the node', async () => {
    fake = await echoLcd();
    const store = new MemoryIoKeyStore();
    await readClient(remote(fake.url), {ioKeys: store}).queryContract(REF, {q: {n: 1}});
    const before = txKeyRequests(fake);
    const later = readClient(remote(fake.url + '/'), {ioKeys: store});
    expect(await later.queryContract(REF, {q: {n: 2}})).toEqual({n: 2});
    expect(txKeyRequests(fake)).toBe(before);
    expect(fake.queries.map((q) => q.json)).toEqual([{q: {n: 1}}, {q: {n: 2}}]);
  });

  it('stale: the node cannot decrypt → the key is fetched again (once for concurrent queries), stored, and each query retried', async () => {
    fake = await echoLcd();
    const store = new MemoryIoKeyStore();
    await readClient(remote(fake.url), {ioKeys: store}).queryContract(REF, {q: {n: 0}});
    const old = store.get('remote-1', fake.url)!;
    fake.rotateIoKey();
    fake.requests.length = 0;
    const chain = readClient(remote(fake.url), {ioKeys: store});
    const answers = await Promise.all([1, 2, 3].map((n) => chain.queryContract(REF, {q: {n}})));
    expect(answers).toEqual([{n: 1}, {n: 2}, {n: 3}]);
    expect(txKeyRequests(fake)).toBe(1);
    expect(fake.requests.filter((p) => p.startsWith('/compute/'))).toHaveLength(6); // 3 refused, 3 retried
    expect(store.get('remote-1', fake.url)).toEqual(fake.ioPublicKey);
    expect(store.get('remote-1', fake.url)).not.toEqual(old);
    // The client now holds the fresh key: no more refusals, no more tx-key requests.
    fake.requests.length = 0;
    expect(await chain.queryContract(REF, {q: {n: 4}})).toEqual({n: 4});
    expect(fake.requests).toEqual([`/compute/v1beta1/query/${CONTRACT}`]);
  });

  it('a query the node cannot decrypt with the current key either fails once, without a loop', async () => {
    fake = await startFakeLcd({onQuery: () => ({status: 500, body: JSON.stringify({code: 2, message: 'failed to decrypt data: bad envelope: query contract failed', details: []})})});
    const chain = readClient(remote(fake.url), {ioKeys: new MemoryIoKeyStore()});
    const e = await caught(chain.queryContract(REF, {q: {n: 1}}));
    expect(e.code).toBe('CONTRACT_INPUT_REJECTED');
    expect(e.message).toMatch(/failed to decrypt data/);
    expect(txKeyRequests(fake)).toBe(2); // the first fetch and one refresh, which found the same key
    expect(fake.requests.filter((p) => p.startsWith('/compute/'))).toHaveLength(1);
  });

  it('other refusals (a wrong code hash) do not refresh the key', async () => {
    fake = await startFakeLcd({onQuery: () => ({status: 500, body: JSON.stringify({code: 2, message: 'failed to validate transaction: query contract failed', details: []})})});
    const store = new MemoryIoKeyStore();
    const chain = readClient(remote(fake.url), {ioKeys: store});
    expect((await caught(chain.queryContract(REF, {q: {n: 1}}))).code).toBe('CONTRACT_INPUT_REJECTED');
    expect(txKeyRequests(fake)).toBe(1);
  });

  it('a signing client neither reads the store (a tx is never sealed to a stale key) nor breaks with one', async () => {
    fake = await echoLcd();
    const bogus: IoKeyStore = {get: () => new Uint8Array(32).fill(7), set: () => undefined};
    const signer = await signingClient(remote(fake.url), MNEMONIC, {ioKeys: bogus});
    expect(await signer.queryContract(REF, {q: {n: 1}})).toEqual({n: 1});
    expect(txKeyRequests(fake)).toBe(1);
    expect(fake.requests.filter((p) => p.startsWith('/compute/'))).toHaveLength(1);
  });
});

describe('FileIoKeyStore', () => {
  it('persists keys per chain id and LCD URL; a damaged file or a key of the wrong length is a miss', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'secretai-iokey-'));
    const store = FileIoKeyStore.forHome(dir);
    expect(store.file).toBe(path.join(dir, 'cache', 'chain', 'io-keys.json'));
    expect(store.get('secret-4', 'https://lcd.example')).toBeUndefined();
    const key = new Uint8Array(32).map((_, i) => i);
    store.set('secret-4', 'https://lcd.example/', key);
    const again = FileIoKeyStore.forHome(dir);
    expect(again.get('secret-4', 'https://lcd.example')).toEqual(key);
    expect(again.get('secret-4', 'https://other.example')).toBeUndefined();
    expect(again.get('pulsar-3', 'https://lcd.example')).toBeUndefined();
    again.set('pulsar-3', 'https://lcd.example', new Uint8Array(5));
    expect(again.get('pulsar-3', 'https://lcd.example')).toBeUndefined();
    writeFileSync(store.file, '{not json');
    expect(store.get('secret-4', 'https://lcd.example')).toBeUndefined();
    store.set('secret-4', 'https://lcd.example', key);
    expect(JSON.parse(readFileSync(store.file, 'utf8'))['secret-4 https://lcd.example'].key).toBe(Buffer.from(key).toString('base64'));
  });

  it('a remembered key from the file is used across processes: hit, then stale → refetched and rewritten', async () => {
    fake = await echoLcd();
    dir = mkdtempSync(path.join(os.tmpdir(), 'secretai-iokey-'));
    await readClient(remote(fake.url), {ioKeys: FileIoKeyStore.forHome(dir)}).queryContract(REF, {q: {n: 1}});
    expect(txKeyRequests(fake)).toBe(1);
    await readClient(remote(fake.url), {ioKeys: FileIoKeyStore.forHome(dir)}).queryContract(REF, {q: {n: 2}});
    expect(txKeyRequests(fake)).toBe(1);
    fake.rotateIoKey();
    expect(await readClient(remote(fake.url), {ioKeys: FileIoKeyStore.forHome(dir)}).queryContract(REF, {q: {n: 3}})).toEqual({n: 3});
    expect(txKeyRequests(fake)).toBe(2);
    expect(FileIoKeyStore.forHome(dir).get('remote-1', fake.url)).toEqual(fake.ioPublicKey);
  });
});
