import {createHash} from 'node:crypto';
import {beforeAll, describe, expect, it} from '@jest/globals';
import type * as WM from '../../contracts/worker-manager/types.js';
import {testAddress} from './harness.js';
import {EPOCH, keyFromPrivate, newWorkerManager, permitFor, registerWorker, type WorkerManagerHarness} from './worker-manager-fixtures.js';

// Deterministic keys, so the distribution asserted below is the same on every run.
const keyOf = (label: string) => keyFromPrivate(createHash('sha256').update(label).digest());

const WORKERS = 10;
const SUBSCRIBERS = 1000;

describe('get_next_worker: spread and stickiness', () => {
  let h: WorkerManagerHarness;
  let permits: WM.Permit[];
  const pick = (p: WM.Permit) => h.query<WM.GetNextWorkerResponse>({get_next_worker: {model: 'stories260K', permit: p}});

  beforeAll(() => {
    h = newWorkerManager(testAddress(1));
    for (let i = 0; i < WORKERS; i++) registerWorker(h, keyOf(`worker ${i}`), ['stories260K']);
    permits = Array.from({length: SUBSCRIBERS}, (_, i) => permitFor(keyOf(`subscriber ${i}`)));
  });

  it('spreads subscribers across all workers (each within ±40% of an even share)', () => {
    const counts = new Map<string, number>();
    for (const p of permits) {
      const id = pick(p).worker.id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.size).toBe(WORKERS);
    const even = SUBSCRIBERS / WORKERS;
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(even * 0.6);
      expect(n).toBeLessThan(even * 1.4);
    }
  });

  it('gives a subscriber the same worker within an epoch, and reshuffles across epochs', () => {
    const epoch0 = permits.slice(0, 200).map((p) => pick(p));
    h.advance(EPOCH / 2);
    const later = permits.slice(0, 200).map((p) => pick(p));
    expect(later.map((r) => r.worker.id)).toEqual(epoch0.map((r) => r.worker.id));
    expect(epoch0.every((r) => r.epoch === 0)).toBe(true);

    // Next epochs: everyone is still live (registration counts as a report for this and the next epoch) ...
    h.advance(EPOCH / 2);
    const epoch1 = permits.slice(0, 200).map((p) => pick(p));
    expect(epoch1.every((r) => r.epoch === 1)).toBe(true);
    const moved = epoch1.filter((r, i) => r.worker.id !== epoch0[i]!.worker.id).length;
    // ... and with 10 workers about 90% of subscribers move; require a clear majority.
    expect(moved).toBeGreaterThan(120);
    // Within epoch 1, sticky again.
    expect(permits.slice(0, 200).map((p) => pick(p).worker.id)).toEqual(epoch1.map((r) => r.worker.id));
  });
});
