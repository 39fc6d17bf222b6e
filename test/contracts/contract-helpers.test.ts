import {describe, expect, it} from '@jest/globals';
import {checkContractRef, loadInstantiated, optionalRef} from '../../contracts/common/contract.js';
import {ContractError} from '../../contracts/common/types.js';
import {MemoryStorage, nodeApi, testAddress} from './harness.js';

const api = nodeApi();
const HASH = 'ab'.repeat(32);

describe('manager helpers', () => {
  it('checkContractRef keeps only address and code hash of a valid reference', () => {
    const ref = {address: testAddress(1), code_hash: HASH, extra: 'dropped'};
    expect(checkContractRef(api, ref, 'payment token')).toEqual({address: testAddress(1), code_hash: HASH});
  });

  it('checkContractRef refuses a bad address, naming what it is', () => {
    const bad = testAddress(1).slice(0, -1) + (testAddress(1).endsWith('q') ? 'p' : 'q');
    expect(() => checkContractRef(api, {address: bad, code_hash: HASH}, 'payment token')).toThrow(new ContractError(`Invalid payment token address: ${bad}`));
  });

  it('optionalRef maps absent and null to null and checks a present reference', () => {
    expect(optionalRef(api, undefined, 'rewards manager')).toBeNull();
    expect(optionalRef(api, null, 'rewards manager')).toBeNull();
    expect(optionalRef(api, {address: testAddress(2), code_hash: HASH}, 'rewards manager')).toEqual({address: testAddress(2), code_hash: HASH});
    expect(() => optionalRef(api, {address: 'secret1nope', code_hash: HASH}, 'rewards manager')).toThrow('Invalid rewards manager address: secret1nope');
  });

  it('loadInstantiated returns the stored value, or says the contract is not instantiated', () => {
    const storage = new MemoryStorage();
    expect(() => loadInstantiated(storage, 'config', 'worker-manager')).toThrow(new ContractError('worker-manager is not instantiated'));
    storage.set('config', {admin: testAddress(3)});
    expect(loadInstantiated<{admin: string}>(storage, 'config', 'worker-manager')).toEqual({admin: testAddress(3)});
  });
});
