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

  it('keeps each contract\'s byte storage apart', () => {
    const {store} = open();
    const s = store.contractByteStorage('secret1contract');
    const other = store.contractByteStorage('secret1other');
    const bytes = (t: string) => new TextEncoder().encode(t);
    s.set(bytes('a'), bytes('1'));
    other.set(bytes('a'), bytes('not mine'));
    expect(s.get(bytes('a'))).toEqual(bytes('1'));
    expect(s.get(bytes('missing'))).toBeUndefined();
    s.set(bytes('a'), bytes('2'));
    expect(s.get(bytes('a'))).toEqual(bytes('2'));
    s.remove(bytes('a'));
    expect(s.get(bytes('a'))).toBeUndefined();
    expect(other.get(bytes('a'))).toEqual(bytes('not mine'));
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
