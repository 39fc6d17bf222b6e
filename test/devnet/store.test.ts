import {describe, expect, it, afterEach} from '@jest/globals';
import {join} from 'node:path';
import {Store} from '../../src/devnet/store.js';
import {tempHome} from './fixtures.js';

describe('devnet store', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });

  function open(): {store: Store; path: string} {
    const {home, cleanup} = tempHome('secretai-store-');
    const path = join(home, 'state.db');
    const store = Store.open(path);
    cleanups.push(() => {
      store.close();
      cleanup();
    });
    return {store, path};
  }

  it('keeps the storage of a wasm contract as bytes per contract, binary keys and empty values included', () => {
    const {store} = open();
    const s = store.contractByteStorage('secret1contract');
    const other = store.contractByteStorage('secret1other');
    s.set(Uint8Array.of(0xff, 0), Uint8Array.of(1, 2, 3));
    s.set(Uint8Array.of(0x61), new Uint8Array(0));
    other.set(Uint8Array.of(0xff, 0), Uint8Array.of(9));
    expect(s.get(Uint8Array.of(0xff, 0))).toEqual(Uint8Array.of(1, 2, 3));
    expect(s.get(Uint8Array.of(0x61))).toEqual(new Uint8Array(0));
    expect(s.get(Uint8Array.of(0xff))).toBeUndefined();
    s.set(Uint8Array.of(0xff, 0), Uint8Array.of(4));
    expect(s.get(Uint8Array.of(0xff, 0))).toEqual(Uint8Array.of(4));
    s.remove(Uint8Array.of(0xff, 0));
    expect(s.get(Uint8Array.of(0xff, 0))).toBeUndefined();
    expect(other.get(Uint8Array.of(0xff, 0))).toEqual(Uint8Array.of(9));
    expect(store.byteStorageCount('secret1contract')).toBe(1);
  });

  it('stores codes with one code id sequence (a code without wasm reads back none)', () => {
    const {store} = open();
    store.addCode({codeId: 1, name: 'echo', codeHash: 'aa'.repeat(32), creator: 'secret1a'});
    expect(store.nextCodeId()).toBe(2);
    store.addWasmCode({codeId: 2, codeHash: 'bb'.repeat(32), creator: 'secret1b', source: 'src', builder: 'b'}, Uint8Array.of(0, 97, 115, 109));
    expect(store.listCodes()).toEqual([
      {codeId: 1, name: 'echo', codeHash: 'aa'.repeat(32), creator: 'secret1a', source: '', builder: ''},
      {codeId: 2, name: '', codeHash: 'bb'.repeat(32), creator: 'secret1b', source: 'src', builder: 'b'},
    ]);
    expect(store.getCodeWasm(2)).toEqual(Uint8Array.of(0, 97, 115, 109));
    expect(store.getCodeWasm(1)).toBeUndefined();
    expect(store.nextCodeId()).toBe(3);
  });

  it('rolls back a savepoint but keeps earlier writes of the same transaction', () => {
    const {store} = open();
    store.transaction(() => {
      store.setMeta('fee', 'paid');
      expect(() =>
        store.savepoint(() => {
          store.kvSet('c', 'k', '"v"');
          store.setBalance('secret1a', 'uscrt', 5n);
          throw new Error('message failed');
        }),
      ).toThrow('message failed');
    });
    expect(store.getMeta('fee')).toBe('paid');
    expect(store.kvGet('c', 'k')).toBeUndefined();
    expect(store.getBalance('secret1a', 'uscrt')).toBe(0n);
  });

  it('persists committed transactions and discards an aborted one', () => {
    const {store, path} = open();
    store.transaction(() => store.setMeta('height', '7'));
    expect(() =>
      store.transaction(() => {
        store.setMeta('height', '8');
        throw new Error('abort');
      }),
    ).toThrow('abort');
    store.close();
    const again = Store.open(path);
    cleanups.push(() => again.close());
    expect(again.getMeta('height')).toBe('7');
  });

  it('assigns sequential account numbers and stores balances as exact integers', () => {
    const {store} = open();
    store.transaction(() => {
      expect(store.ensureAccount('secret1x').number).toBe(0);
      expect(store.ensureAccount('secret1y').number).toBe(1);
      expect(store.ensureAccount('secret1x').number).toBe(0);
      store.setBalance('secret1x', 'uscrt', 340282366920938463463374607431768211455n);
    });
    expect(store.getBalance('secret1x', 'uscrt')).toBe(340282366920938463463374607431768211455n);
    store.transaction(() => store.setBalance('secret1x', 'uscrt', 0n));
    expect(store.getBalances('secret1x')).toEqual([]);
  });
});
