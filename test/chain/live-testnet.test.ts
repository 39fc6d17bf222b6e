/**
 * Against the real pulsar-3 testnet, only when SECRETAI_LIVE_TESTNET=1 (network access; not part of normal runs):
 * the existing Secret AI worker contract is read with its code hash looked up once.
 */
import {describe, expect, it} from '@jest/globals';
import {clientsFor} from '../../src/lib/chain/contracts/index.js';
import {BUILTIN_PROFILES} from '../../src/lib/config/index.js';

const live = process.env.SECRETAI_LIVE_TESTNET === '1';
if (!live) process.stderr.write('SKIPPED: live pulsar-3 tests (set SECRETAI_LIVE_TESTNET=1 to run them)\n');

(live ? describe : describe.skip)('pulsar-3 (live)', () => {
  it('lists models and worker URLs of the Secret AI worker contract', async () => {
    const {legacyWorkerManager, chain} = clientsFor({...BUILTIN_PROFILES['pulsar-3']});
    const ref = await legacyWorkerManager.ref();
    expect(ref.codeHash).toMatch(/^[0-9a-f]{64}$/);
    const models = await legacyWorkerManager.getModels();
    expect(Array.isArray(models)).toBe(true);
    if (models.length) expect(Array.isArray(await legacyWorkerManager.getUrls(models[0]))).toBe(true);
    expect(await chain.codeHashOf(legacyWorkerManager.address)).toBe(ref.codeHash);
  });
});
