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

  it('implements the frame Storage with JSON values and ordered prefix ranges', () => {
    const {store} = open();
    const s = store.contractStorage('secret1contract');
    const other = store.contractStorage('secret1other');
    for (const k of ['b/2', 'a/1', 'b/10', 'b/1', 'c', 'b']) s.set(k, {k});
    other.set('b/3', 'not mine');
    expect(s.get('a/1')).toEqual({k: 'a/1'});
    expect(s.get('missing')).toBeUndefined();
    expect(s.range('b/').map(([k]) => k)).toEqual(['b/1', 'b/10', 'b/2']);
    expect(s.range('b/', {startAfter: 'b/1'}).map(([k]) => k)).toEqual(['b/10', 'b/2']);
    expect(s.range('b/', {startAfter: 'a'}).map(([k]) => k)).toEqual(['b/1', 'b/10', 'b/2']);
    expect(s.range('b/', {limit: 2}).map(([k]) => k)).toEqual(['b/1', 'b/10']);
    expect(s.range('').map(([k]) => k)).toEqual(['a/1', 'b', 'b/1', 'b/10', 'b/2', 'c']);
    expect(s.range('zz')).toEqual([]);
    s.remove('b/10');
    expect(s.range('b/').map(([k]) => k)).toEqual(['b/1', 'b/2']);
    // values are copies
    const v = s.get<{k: string}>('c')!;
    v.k = 'mutated';
    expect(s.get('c')).toEqual({k: 'c'});
    expect(() => s.set('x', undefined)).toThrow(TypeError);
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
