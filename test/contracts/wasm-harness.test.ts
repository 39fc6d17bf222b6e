/**
 * The harness's wasm path: a wasm contract behind `ContractHarness` with the same calls as a TypeScript one
 * (answers and data parsed, contract errors as `ContractError` without the chain's prefix, traps as `VmError`,
 * atomic rollback, storage inspectable as UTF-8 keys), submessages in frame form, `query_chain` through the
 * harness's querier.
 */
import {beforeAll, describe, expect, it} from '@jest/globals';
import {ContractError, type Querier, type ReadonlyDeps, type Deps} from '../../contracts/common/types.js';
import {VmError} from '../../src/devnet/vm/index.js';
import {constantContractWat, counterContractWat, watToWasm} from '../helpers/wat.js';
import {ContractHarness, MemoryStorage, testAddress, wasmContract, type WasmContract} from './harness.js';
import {byteStorageOf} from './wasm-contract.js';

let counter: WasmContract;
const alice = testAddress(1);

beforeAll(async () => {
  counter = wasmContract(await watToWasm(counterContractWat()));
});

function fresh(): ContractHarness {
  const h = new ContractHarness(counter);
  h.instantiate(alice, {});
  return h;
}

/** A harness whose contract queries reach `querier`. */
class QueryingHarness extends ContractHarness {
  constructor(contract: WasmContract, private readonly querier: Querier) {
    super(contract);
  }

  override get deps(): Deps {
    return {...super.deps, querier: this.querier};
  }

  override get readonlyDeps(): ReadonlyDeps {
    return {...super.readonlyDeps, querier: this.querier};
  }
}

describe('wasmContract behind ContractHarness', () => {
  it('instantiates, executes and queries like a TypeScript contract', () => {
    const h = fresh();
    const res = h.execute(alice, {increment: {}});
    expect(res.data).toEqual({count: 1});
    expect(res.attributes).toEqual([
      {key: 'count', value: '1'},
      {key: 'action', value: 'increment', plaintext: true},
    ]);
    expect(res.messages).toEqual([]);
    expect(h.query({count: {}})).toEqual({count: 1});
    expect(h.storage.keys()).toEqual(['count']);
    expect(counter.lastGasUsed).toBeGreaterThan(0);
  });

  it('throws ContractError with the contract message and rolls the call back', () => {
    const h = fresh();
    h.execute(alice, {increment: {}});
    const before = h.storage.snapshot();
    expect(h.executeError(alice, {fail: {}})).toBe('failing on purpose');
    expect(() => h.execute(alice, {fail: {}})).toThrow(ContractError);
    expect(h.queryError({unknown: {}})).toBe('unknown message');
    expect(h.storage.snapshot()).toEqual(before);
  });

  it('throws VmError (not a contract error) on a trap, and rolls back', () => {
    const h = fresh();
    const before = h.storage.snapshot();
    let err: unknown;
    try {
      h.execute(alice, {trap: {}});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VmError);
    expect(err).not.toBeInstanceOf(ContractError);
    expect(h.storage.snapshot()).toEqual(before);
  });

  it('maps submessages to wasm_execute / bank_send with the message parsed', async () => {
    const target = testAddress(9);
    const wasm = await watToWasm(
      constantContractWat({
        execute: JSON.stringify({
          Ok: {
            messages: [
              {id: 0, msg: {wasm: {execute: {contract_addr: target, code_hash: 'ab'.repeat(32), msg: Buffer.from('{"receive":{"amount":"5"}}').toString('base64'), funds: []}}}, gas_limit: null, reply_on: 'never'},
              {id: 0, msg: {bank: {send: {to_address: alice, amount: [{denom: 'uscrt', amount: '3'}]}}}, gas_limit: null, reply_on: 'never'},
            ],
            attributes: [],
            events: [],
            data: null,
          },
        }),
      }),
    );
    const h = new ContractHarness(wasmContract(wasm));
    const res = h.execute(alice, {go: {}});
    expect(res.data).toBeUndefined();
    expect(res.messages).toEqual([
      {wasm_execute: {contract_addr: target, code_hash: 'ab'.repeat(32), msg: {receive: {amount: '5'}}, funds: []}},
      {bank_send: {to_address: alice, amount: [{denom: 'uscrt', amount: '3'}]}},
    ]);
  });

  it('answers query_chain from the harness querier, contract errors included', () => {
    const request = {wasm: {smart: {contract_addr: testAddress(7), code_hash: 'ef'.repeat(32), msg: Buffer.from('{"epoch":{}}').toString('base64')}}};
    const seen: unknown[] = [];
    const ok = new QueryingHarness(counter, {
      queryContract: <T>(addr: string, hash: string, msg: unknown) => {
        seen.push([addr, hash, msg]);
        return {epoch: 4} as T;
      },
    });
    ok.instantiate(alice, {});
    expect(ok.execute(alice, {q: request}).data).toEqual({Ok: {Ok: Buffer.from('{"epoch":4}').toString('base64')}});
    expect(seen).toEqual([[testAddress(7), 'ef'.repeat(32), {epoch: {}}]]);
    const failing = new QueryingHarness(counter, {
      queryContract: () => {
        throw new ContractError('no epoch yet');
      },
    });
    failing.instantiate(alice, {});
    expect(failing.execute(alice, {q: request}).data).toEqual({Ok: {Err: 'Generic error: no epoch yet'}});
  });

  it('stores bytes that are not UTF-8 so that they read back unchanged', () => {
    const storage = new MemoryStorage();
    const bytes = byteStorageOf(storage);
    bytes.set(Uint8Array.of(0xff, 0x01), Uint8Array.of(0xc3, 0x28));
    bytes.set(Buffer.from('balance:x'), Buffer.from('"12"'));
    expect(bytes.get(Uint8Array.of(0xff, 0x01))).toEqual(Uint8Array.of(0xc3, 0x28));
    expect(storage.get('balance:x')).toBe('12');
    bytes.remove(Buffer.from('balance:x'));
    expect(storage.get('balance:x')).toBeUndefined();
  });

  it('names the missing artifact of a contract that is not built', () => {
    expect(() => wasmContract('no-such-contract')).toThrow(/contracts\/no-such-contract\/no-such-contract\.wasm is not built/);
  });
});
