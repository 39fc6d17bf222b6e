/**
 * The wasm host over an in-memory storage: entry points, Regions, results, memory cap, traps, metering and gas,
 * a fresh instance per call, read-only queries, `query_chain` and `debug`.
 */
import {beforeAll, describe, expect, it} from '@jest/globals';
import {gzipSync} from 'node:zlib';
import {fromBase64, utf8} from '../../../contracts/common/encoding.js';
import {OutOfGasError, VmError, WasmVm, codeHashOf, compileCode, type CompiledCode} from '../../../src/devnet/vm/index.js';
import {WASM_GAS} from '../../../src/devnet/gas.js';
import {SECTION, mergeDataSegments, readSections, sectionCount, writeModule} from '../../../src/devnet/vm/binary.js';
import {Wasm, type WasmMemory} from '../../../src/devnet/vm/wasm-api.js';
import {constantContractWat, counterContractWat, watToWasm} from '../../helpers/wat.js';
import {ENV, MapStorage, SENDER, context, json, msg, recordingHost} from './fixtures.js';

const vm = new WasmVm();
let counterWasm: Uint8Array;
let counter: CompiledCode;

beforeAll(async () => {
  counterWasm = await watToWasm(counterContractWat());
  counter = vm.load(codeHashOf(counterWasm), () => counterWasm);
});

function instantiated(): MapStorage {
  const storage = new MapStorage();
  const out = vm.run(counter, 'instantiate', ENV, {sender: SENDER, funds: []}, msg({}), context(storage));
  expect(out.ok).toBe(true);
  return storage;
}

function execute(storage: MapStorage, message: unknown, opts: Parameters<typeof context>[1] = {}) {
  const ctx = context(storage, opts);
  return {outcome: vm.run(counter, 'execute', ENV, {sender: SENDER, funds: []}, msg(message), ctx), ctx};
}

describe('entry points and results', () => {
  it('instantiates, executes and queries, with attributes, data and storage as the contract wrote them', () => {
    const storage = new MapStorage();
    const init = vm.run(counter, 'instantiate', ENV, {sender: SENDER, funds: []}, msg({}), context(storage));
    expect(init).toEqual({ok: true, value: {messages: [], attributes: [{key: 'action', value: 'init', encrypted: false}], events: [], data: null}});
    expect(storage.dump()).toEqual({count: '00000000'});

    execute(storage, {increment: {}});
    const {outcome} = execute(storage, {increment: {}});
    if (!outcome.ok) throw new Error(outcome.error);
    expect(outcome.value.attributes).toEqual([
      {key: 'count', value: '2', encrypted: true},
      {key: 'action', value: 'increment', encrypted: false},
    ]);
    expect(json(outcome.value.data)).toEqual({count: 2});

    const answer = vm.query(counter, {...ENV, transaction: null}, msg({count: {}}), context(storage));
    expect(answer.ok && json(answer.value)).toEqual({count: 2});
  });

  it('returns a contract error as an outcome, not an exception', () => {
    expect(execute(instantiated(), {fail: {}}).outcome).toEqual({ok: false, error: 'Generic error: failing on purpose'});
    expect(vm.query(counter, ENV, msg({nothing: {}}), context(new MapStorage()))).toEqual({ok: false, error: 'Generic error: unknown message'});
  });

  it('hands the contract the env, info and message JSON it expects', () => {
    const {outcome} = execute(instantiated(), {echo: {x: 'é'}});
    expect(outcome.ok && json(outcome.value.data)).toEqual({echo: {x: 'é'}});
  });

  it('accepts the result spellings of cosmwasm and v0.10 and maps submessages', async () => {
    const wasm = await watToWasm(
      constantContractWat({
        execute: JSON.stringify({
          ok: {
            messages: [
              {id: 0, msg: {wasm: {execute: {contract_addr: ENV.contract.address, code_hash: 'ab'.repeat(32), msg: Buffer.from('{"a":1}').toString('base64'), funds: []}}}, gas_limit: null, reply_on: 'never'},
              {id: 0, msg: {bank: {send: {to_address: SENDER, amount: [{denom: 'uscrt', amount: '5'}]}}}, gas_limit: null, reply_on: 'never'},
              {id: 1, msg: {bank: {send: {to_address: SENDER, amount: []}}}, gas_limit: null, reply_on: 'success'},
              {id: 0, msg: {staking: {delegate: {validator: 'v', amount: {denom: 'uscrt', amount: '1'}}}}, gas_limit: null, reply_on: 'never'},
            ],
            attributes: [{key: 'k', value: 'v'}],
            events: [{type: 'custom', attributes: [{key: 'a', value: 'b', encrypted: false}]}],
            data: Buffer.from('"done"').toString('base64'),
          },
        }),
        query: JSON.stringify({Err: {generic_err: {msg: 'nope'}}}),
      }),
    );
    const code = vm.load(codeHashOf(wasm), () => wasm);
    const out = vm.run(code, 'execute', ENV, {sender: SENDER, funds: []}, msg({}), context(new MapStorage()));
    if (!out.ok) throw new Error(out.error);
    expect(out.value.messages).toEqual([
      {kind: 'wasm_execute', contractAddr: ENV.contract.address, codeHash: 'ab'.repeat(32), msg: utf8('{"a":1}'), funds: []},
      {kind: 'bank_send', toAddress: SENDER, amount: [{denom: 'uscrt', amount: '5'}]},
      {kind: 'unsupported', description: 'reply_on "success"'},
      {kind: 'unsupported', description: 'staking.delegate'},
    ]);
    expect(out.value.attributes).toEqual([{key: 'k', value: 'v', encrypted: true}]);
    expect(out.value.events).toEqual([{type: 'custom', attributes: [{key: 'a', value: 'b', encrypted: false}]}]);
    expect(json(out.value.data)).toBe('done');
    expect(vm.query(code, ENV, msg({}), context(new MapStorage()))).toEqual({ok: false, error: 'Generic error: nope'});
  });

  it('treats a result that is not a result as a VM error', async () => {
    for (const execute of ['not json', '{"neither":1}', '{"Ok":{"messages":"x"}}', '{"Ok":{"data":"%%%"}}']) {
      const wasm = await watToWasm(constantContractWat({execute}));
      const code = compileCode(codeHashOf(wasm), wasm);
      expect(() => vm.run(code, 'execute', ENV, {sender: SENDER, funds: []}, msg({}), context(new MapStorage()))).toThrow(VmError);
    }
  });
});

describe('module preparation', () => {
  it('compiles once per code hash and accepts gzipped code', () => {
    const before = vm.codes.size;
    expect(vm.load(codeHashOf(counterWasm), () => {
      throw new Error('must not load twice');
    })).toBe(counter);
    const zipped = compileCode('gz', gzipSync(counterWasm));
    const storage = new MapStorage();
    expect(vm.run(zipped, 'instantiate', ENV, {sender: SENDER, funds: []}, msg({}), context(storage)).ok).toBe(true);
    expect(vm.codes.size).toBe(before);
  });

  it('merges data segments into one without changing the initial memory', () => {
    const sections = readSections(counterWasm);
    expect(sectionCount(sections, SECTION.data)).toBeGreaterThan(10);
    const merged = [...sections];
    mergeDataSegments(merged);
    expect(sectionCount(merged, SECTION.data)).toBe(1);
    const anyImport = {env: new Proxy({}, {get: () => () => 0})};
    const memoryOf = (bytes: Uint8Array) => new Uint8Array((new Wasm.Instance(new Wasm.Module(bytes), anyImport).exports.memory as WasmMemory).buffer);
    expect(memoryOf(writeModule(merged))).toEqual(memoryOf(counterWasm));
  });

  it('caps memory at 192 pages: memory.grow fails beyond 12 MiB', () => {
    const {outcome} = execute(instantiated(), {grow: {}});
    expect(outcome.ok && json(outcome.value.data)).toEqual({count: 192});
  });

  it('refuses code whose memory minimum exceeds 192 pages, or that lacks the required exports', async () => {
    const big = (await watToWasm(counterContractWat())).slice();
    const tooBig = await watToWasm(counterContractWat().replace('(memory (export "memory") 1)', '(memory (export "memory") 193)'));
    expect(() => compileCode('big', tooBig)).toThrow(/memory minimum of 193 pages exceeds the limit of 192/);
    const noAllocate = await watToWasm(counterContractWat().replace('(export "allocate")', ''));
    expect(() => compileCode('x', noAllocate)).toThrow(/lacks the export allocate/);
    expect(() => compileCode('y', big.subarray(0, 20))).toThrow(VmError);
    expect(() => compileCode('z', utf8('not wasm at all'))).toThrow(/not a wasm module/);
  });

  it('reports an unknown import as a VM error at instantiation', async () => {
    const wasm = await watToWasm(counterContractWat().replace('(import "env" "debug"', '(import "env" "abort"'));
    const code = compileCode(codeHashOf(wasm), wasm);
    expect(() => vm.run(code, 'instantiate', ENV, {sender: SENDER, funds: []}, msg({}), context(new MapStorage()))).toThrow(/cannot instantiate/);
  });
});

describe('traps and isolation', () => {
  it('reports unreachable as a VM error and keeps the contract error path separate', () => {
    expect(() => execute(instantiated(), {trap: {}})).toThrow(VmError);
    expect(() => execute(instantiated(), {trap: {}})).not.toThrow(OutOfGasError);
  });

  it('starts every call on a fresh instance: a wasm global does not persist', () => {
    const storage = instantiated();
    const first = execute(storage, {calls: {}}).outcome;
    const second = execute(storage, {calls: {}}).outcome;
    expect(first.ok && json(first.value.data)).toEqual({count: 1});
    expect(second.ok && json(second.value.data)).toEqual({count: 1});
  });

  it('traps a write in a query and leaves storage unchanged', () => {
    const storage = instantiated();
    const before = storage.dump();
    expect(() => vm.query(counter, ENV, msg({write: {}}), context(storage))).toThrow(/write access to storage is not allowed in a query/);
    expect(storage.dump()).toEqual(before);
  });
});

describe('gas', () => {
  it('is deterministic: the same calls on the same state use the same gas', () => {
    const used = () => {
      const storage = instantiated();
      return [
        execute(storage, {increment: {}}).ctx.gas.used,
        execute(storage, {increment: {}}).ctx.gas.used,
        execute(storage, {echo: 'x'}).ctx.gas.used,
        execute(storage, {echo: 'x'.repeat(500)}).ctx.gas.used,
      ];
    };
    const a = used();
    expect(used()).toEqual(a);
    expect(a[0]).toBeGreaterThan(WASM_GAS.instance);
    expect(a[3]! - a[2]!).toBeGreaterThan(1000); // 499 more bytes in, ~666 more out, a longer base64 loop
  });

  it('charges instructions: an endless loop runs out of gas instead of hanging', () => {
    const storage = instantiated();
    let err: unknown;
    try {
      execute(storage, {loop: {}}, {limit: 200_000});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutOfGasError);
    expect((err as OutOfGasError).used).toBeGreaterThan(200_000);
  });

  it('runs out of gas in an import too (storage costs are charged before the write)', () => {
    const storage = instantiated();
    const before = storage.dump();
    expect(() => execute(storage, {increment: {}}, {limit: WASM_GAS.instance + 1_500})).toThrow(OutOfGasError);
    expect(storage.dump()).toEqual(before);
  });
});

describe('query_chain and debug', () => {
  it('passes the request JSON to the host and the answer back in Secret spelling', () => {
    const request = {wasm: {smart: {contract_addr: SENDER, code_hash: 'ab'.repeat(32), msg: Buffer.from('{"x":{}}').toString('base64')}}};
    const answers = [
      {answer: {ok: utf8('{"y":1}')}, expected: {Ok: {Ok: Buffer.from('{"y":1}').toString('base64')}}},
      {answer: {error: 'Generic error: no'}, expected: {Ok: {Err: 'Generic error: no'}}},
      {answer: {systemError: {no_such_contract: {addr: SENDER}}}, expected: {Err: {no_such_contract: {addr: SENDER}}}},
    ];
    for (const {answer, expected} of answers) {
      const host = recordingHost(() => answer);
      const {outcome} = execute(instantiated(), {q: request}, {host});
      expect(host.requests).toEqual([request]);
      expect(outcome.ok && json(outcome.value.data)).toEqual(expected);
    }
  });

  it('answers a request that is not JSON with invalid_request', () => {
    const host = recordingHost();
    const storage = instantiated();
    const ctx = context(storage, {host});
    const out = vm.run(counter, 'execute', ENV, {sender: SENDER, funds: []}, utf8('{"q":{not json}'), ctx);
    expect(host.requests).toEqual([]);
    const answer = out.ok ? (json(out.value.data) as {Err: {invalid_request: {request: string}}}) : undefined;
    expect(Buffer.from(fromBase64(answer!.Err.invalid_request.request)).toString()).toBe('{not json');
  });

  it('sends debug messages to the host log', () => {
    const host = recordingHost();
    execute(instantiated(), {debug: 'hello'}, {host});
    expect(host.logs).toEqual(['{"debug":"hello"}']);
  });
});
