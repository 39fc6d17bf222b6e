/**
 * The runtime library's glue and helpers through compiled modules: the entry points of a minimal contract
 * (envelopes, validation errors, failures that leave storage untouched), byte codecs against Node's, the
 * storage index, env/info parsing, responses, cross-contract queries, abort, and the module rules (no floats,
 * MVP only, imports from `env` only).
 */
import {beforeAll, describe, expect, it} from '@jest/globals';
import wabt from 'wabt';
import {fromBase64 as tsFromBase64} from '../../../contracts/common/encoding.js';
import {newHostState, TestInstance, type TestHostState} from './host.js';
import {libTestModule} from './modules.js';
import type {WasmModule} from './wasm-api.js';

let harness: WasmModule;
let minimal: WasmModule;
let binaries: Record<string, Uint8Array>;
beforeAll(async () => {
  const [h, m] = await Promise.all([libTestModule('harness'), libTestModule('minimal')]);
  harness = h.module;
  minimal = m.module;
  binaries = {harness: h.bytes, minimal: m.bytes};
});

const SENDER = `secret1${'q'.repeat(38)}`;
const ENV = JSON.stringify({
  block: {height: 12345, time: '1700000000123456789', chain_id: 'secretdev-1'},
  transaction: {index: 0, hash: 'AB'},
  contract: {address: `secret1${'z'.repeat(38)}`, code_hash: 'c0de'},
});
const info = (sender = SENDER) => JSON.stringify({sender, funds: []});

function run(name: string, state: TestHostState, ...args: Array<string | Uint8Array>): string {
  return new TestInstance(minimal, state).call(name, ...args);
}

function h(name: string, ...args: Array<string | Uint8Array>): string {
  return new TestInstance(harness, newHostState()).call(name, ...args);
}

const b64json = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

describe('entry glue (a minimal contract)', () => {
  it('instantiates, executes and answers queries with the envelopes the host expects', () => {
    const state = newHostState();
    expect(JSON.parse(run('instantiate', state, ENV, info(), '{"start":5}'))).toEqual({
      Ok: {messages: [], attributes: [{key: 'action', value: 'instantiate', encrypted: true}], events: [], data: null},
    });
    expect(Object.fromEntries(state.storage)).toEqual({count: '5', owner: JSON.stringify(SENDER)});

    expect(JSON.parse(run('execute', state, ENV, info(), '{"add":{"by":7}}'))).toEqual({
      Ok: {messages: [], attributes: [{key: 'count', value: '12', encrypted: false}], events: [], data: b64json({count: 12})},
    });
    expect(state.storage.get('count')).toBe('12');

    state.readOnly = true;
    expect(JSON.parse(run('query', state, ENV, '{"count":{}}'))).toEqual({Ok: b64json({count: 12, height: 12345})});
  });

  it('turns a failure into {"Err":"Generic error: …"} and writes nothing after it', () => {
    const state = newHostState();
    run('instantiate', state, ENV, info(), '{"start":999}');
    expect(run('execute', state, ENV, info(), '{"add":{"by":2}}')).toBe('{"Err":"Generic error: count would exceed 1000"}');
    expect(state.storage.get('count')).toBe('999');
  });

  it('rejects messages that break the schema with the validator message, before any handler runs', () => {
    const state = newHostState();
    run('instantiate', state, ENV, info(), '{"start":1}');
    const cases: Array<[string, string]> = [
      ['{"add":{"by":101}}', 'execute.add.by: must be <= 100'],
      ['{"add":{"by":1.5}}', 'execute.add.by: must be integer (got number)'],
      ['{"add":{}}', 'execute.add.by: is required'],
      ['{"mul":{}}', 'execute: unknown variant "mul", expected one of add, reset'],
      ['{"add":{"by":1},"reset":{}}', 'execute: must have exactly one of add, reset (got add, reset)'],
      ['{"add":{"by":1,"x":2}}', 'execute.add.x: is not allowed (expected by)'],
      ['[]', 'execute: must be object (got array)'],
      ['{"add":', 'execute message is not valid JSON: Unexpected end of JSON input at position 7'],
    ];
    for (const [msg, error] of cases) expect([msg, run('execute', state, ENV, info(), msg)]).toEqual([msg, JSON.stringify({Err: `Generic error: ${error}`})]);
    expect(run('execute', state, ENV, info(), new Uint8Array([0x7b, 0xff, 0x7d]))).toBe('{"Err":"Generic error: execute message is not valid UTF-8"}');
    expect(run('instantiate', newHostState(), ENV, info(), '{"start":-1}')).toBe('{"Err":"Generic error: instantiate.start: must be >= 0"}');
    expect(run('query', state, ENV, '{"count":{"x":1}}')).toBe('{"Err":"Generic error: query.count.x: is not allowed (expected no fields)"}');
    expect(state.storage.get('count')).toBe('1');
  });

  it('exports the CosmWasm v1 interface and allocates Regions the host can fill', () => {
    const inst = new TestInstance(minimal, newHostState());
    for (const name of ['interface_version_8', 'allocate', 'deallocate', 'instantiate', 'execute', 'query', 'memory']) expect(inst.exports[name]).toBeDefined();
    const region = inst.exports.allocate(100);
    const view = new DataView(inst.exports.memory.buffer);
    expect(view.getUint32(region + 4, true)).toBe(100);
    expect(view.getUint32(region + 8, true)).toBe(0);
    expect(inst.exports.allocate(0)).toBeGreaterThan(0);
  });
});

describe('module rules', () => {
  it('compiled modules contain no floating point, use only MVP features and import only from env', async () => {
    const w = await wabt();
    for (const [name, bytes] of Object.entries(binaries)) {
      const mod = w.readWasm(bytes, {readDebugNames: false});
      mod.validate();
      const text = mod.toText({});
      mod.destroy();
      expect([name, text.match(/\bf(32|64)\b/g)]).toEqual([name, null]);
      for (const line of text.split('\n').filter((l) => l.includes('(import '))) expect([name, line]).toEqual([name, expect.stringMatching(/\(import "env" "[a-z0-9_]+" \(func/)]);
      expect([name, /\(memory \(;0;\) \d+\)/.test(text)]).toEqual([name, true]);
    }
  });

  it('the library adds nothing to the start function: it only sets the stub runtime\'s heap offset (foldable by the build)', async () => {
    const w = await wabt();
    for (const [name, bytes] of Object.entries(binaries)) {
      const mod = w.readWasm(bytes, {readDebugNames: false});
      const text = mod.toText({foldExprs: false});
      mod.destroy();
      const start = /\(start (\d+)\)/.exec(text);
      expect([name, start !== null]).toEqual([name, true]);
      const body = new RegExp(`\\(func \\(;${start![1]};\\) \\(type \\d+\\)\\n([\\s\\S]*?)\\)\\n`).exec(text);
      expect([name, body![1]!.trim().split('\n').map((l) => l.trim().replace(/ \d+/g, ' N'))]).toEqual([name, ['i32.const N', 'global.set N']]);
    }
  });
});

describe('bytes', () => {
  it('base64 and hex match Node for every length', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({length: n}, (_, i) => (i * 97 + n * 31) & 0xff);
      const b64 = Buffer.from(bytes).toString('base64');
      expect(h('b64_encode', bytes)).toBe(b64);
      expect(h('b64_decode', b64)).toBe(Buffer.from(bytes).toString('hex'));
      expect(h('hex_decode', Buffer.from(bytes).toString('hex'))).toBe(b64);
      expect(h('hex_decode', Buffer.from(bytes).toString('hex').toUpperCase())).toBe(b64);
    }
  });

  it('base64 decoding is as strict as contracts/common/encoding.ts', () => {
    for (const text of ['', 'QQ==', 'QUI=', 'QUJD', 'QR==', 'QUJ=', 'QQ', 'QQ=', 'Q===', '=QQQ', 'QQ==QQ==', 'QU=D', 'QU JD', 'QUJD\n', 'QU-_', '-_-_', '====', 'QUJDRA==']) {
      let expected: string;
      try {
        expected = Buffer.from(tsFromBase64(text)).toString('hex');
      } catch {
        expected = 'null';
      }
      expect([text, h('b64_decode', text)]).toEqual([text, expected]);
    }
    for (const text of ['0', 'abc', 'zz', '0g']) expect(h('hex_decode', text)).toBe('null');
  });

  it('UTF-8 decoding matches TextDecoder (replacement and fatal modes); encoding matches TextEncoder', () => {
    const samples = [
      [0x41], [0xc3, 0xa9], [0xe4, 0xb8, 0xad], [0xf0, 0x9f, 0x99, 0x82], [0x80], [0xc0, 0x80], [0xc2], [0xe0, 0x80, 0x80], [0xe0, 0xa0],
      [0xed, 0xa0, 0x80], [0xf0, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xff, 0x41], [0xe4, 0xb8, 0x41], [0xf0, 0x9f, 0x99],
      [0x41, 0xf0, 0x9f, 0x41, 0xc3], [0xef, 0xbf, 0xbf], [0xf4, 0x8f, 0xbf, 0xbf],
    ];
    for (const s of samples) {
      const bytes = Uint8Array.from(s);
      expect([s, h('utf8_decode', bytes)]).toEqual([s, JSON.stringify(new TextDecoder().decode(bytes))]);
      let strict: string;
      try {
        strict = JSON.stringify(new TextDecoder('utf-8', {fatal: true}).decode(bytes));
      } catch {
        strict = 'null';
      }
      expect([s, h('utf8_decode_strict', bytes)]).toEqual([s, strict]);
    }
    for (const s of ['', 'abc', 'é中🙂', 'lone \ud800 high', 'lone \udc00 low', '\udbff', 'pair \ud83d\ude42 ok', '\ud83d\ud83d\ude42']) {
      const got = new TestInstance(harness, newHostState()).callBytes('utf8_encode', JSON.stringify(s));
      expect([s, Buffer.from(got).toString('hex')]).toEqual([s, Buffer.from(new TextEncoder().encode(s)).toString('hex')]);
    }
  });
});

describe('storage', () => {
  it('reads and writes JSON, numbers and raw strings under UTF-8 keys', () => {
    const state = newHostState();
    state.storage.set('obj:é', '{"n":4,"z":true}');
    expect(new TestInstance(harness, state).call('storage_update', 'obj:é')).toBe('{"n":5,"z":true}|plain text|none');
    expect(Object.fromEntries(state.storage)).toEqual({'obj:é': '{"n":5,"z":true}', counter: '42', raw: 'plain text'});
    new TestInstance(harness, state).call('storage_update', 'new');
    expect(state.storage.get('new')).toBe('{"n":1}');
    expect(state.storage.get('counter')).toBe('43');
  });

  it('skips writes and removals once the call has failed; the first failure is the one reported', () => {
    const state = newHostState();
    state.storage.set('keep', '"yes"');
    expect(new TestInstance(harness, state).call('storage_after_fail')).toBe('first|failed|ok');
    expect(Object.fromEntries(state.storage)).toEqual({keep: '"yes"'});
  });

  it('IndexedList keeps a listable set: constant-cost add/remove, sorted pages like range', () => {
    const state = newHostState();
    const model = new Set<string>();
    const ops: string[] = [];
    const expected: string[] = [];
    const sorted = () => [...model].sort();
    const words = ['pear', 'apple', 'Zed', 'fig', 'apple', 'kiwi', 'é', 'b', 'fig', 'a1', 'a10', 'a2'];
    for (const w of words) {
      ops.push(`add ${w}`);
      expected.push(String(!model.has(w)));
      model.add(w);
    }
    for (const w of ['fig', 'nope', 'pear', 'Zed']) {
      ops.push(`remove ${w}`);
      expected.push(String(model.delete(w)));
    }
    ops.push('count', 'sorted', 'contains kiwi', 'contains fig', 'page - 3', 'page apple 2', 'page b -1', 'page zzz 5');
    expected.push(String(model.size), sorted().join(','), 'true', 'false', sorted().slice(0, 3).join(','));
    expected.push(sorted().filter((w) => w > 'apple').slice(0, 2).join(','), sorted().filter((w) => w > 'b').join(','), sorted().filter((w) => w > 'zzz').join(','));
    const result = new TestInstance(harness, state).call('list_ops', ops.join('\n')).split('\n');
    expect(result).toEqual(expected);
    // The storage holds exactly the index entries: count, one position and one item per member.
    expect(state.storage.get('items#n')).toBe(String(model.size));
    expect([...state.storage.keys()].filter((k) => k.startsWith('items#p:')).map((k) => k.slice(8)).sort()).toEqual(sorted());
    const items = [...state.storage.entries()].filter(([k]) => k.startsWith('items#i:'));
    expect(items.map(([, v]) => JSON.parse(v) as string).sort()).toEqual(sorted());
    expect(items.map(([k]) => Number(k.slice(8))).sort((a, b) => a - b)).toEqual([...Array(model.size).keys()]);
    // Removing everything leaves nothing behind.
    new TestInstance(harness, state).call('list_ops', sorted().map((w) => `remove ${w}`).join('\n'));
    expect([...state.storage.keys()]).toEqual([]);
  });
});

describe('env, info, responses, queries, abort', () => {
  it('parses env and info as the host sends them', () => {
    const env = JSON.stringify({
      block: {height: 7, time: '1700000001999999999', chain_id: 'pulsar-3', random: 'cmFuZG9t'},
      transaction: null,
      contract: {address: 'secret1c', code_hash: 'ff'},
    });
    expect(h('env_info', env, JSON.stringify({sender: 'secret1s', funds: [{denom: 'uscrt', amount: '10'}, {denom: 'uatom', amount: '2'}]}))).toBe(
      '7|1700000001|1700000001999999999|pulsar-3|secret1c|ff|cmFuZG9t|-1|null|secret1s|10uscrt,2uatom',
    );
    expect(h('env_info', ENV, info()).split('|').slice(6, 9)).toEqual(['null', '0', 'AB']);
  });

  it('builds responses, query answers and errors in the host envelopes', () => {
    const [ok, query, err] = h('response_json').split('\n');
    expect(JSON.parse(ok!)).toEqual({
      Ok: {
        messages: [
          {id: 0, msg: {wasm: {execute: {contract_addr: 'secret1contract', code_hash: 'ab12', msg: b64json({receive: {amount: '5'}}), funds: [{denom: 'uscrt', amount: '7'}]}}}, gas_limit: null, reply_on: 'never'},
          {id: 0, msg: {bank: {send: {to_address: 'secret1to', amount: [{denom: 'uscrt', amount: '3'}, {denom: 'uatom', amount: '4'}]}}}, gas_limit: null, reply_on: 'never'},
        ],
        attributes: [{key: 'action', value: 'transfer', encrypted: true}, {key: 'amount', value: '10', encrypted: false}],
        events: [],
        data: b64json({status: 'success'}),
      },
    });
    expect(query).toBe(JSON.stringify({Ok: b64json({n: 1})}));
    expect(err).toBe(JSON.stringify({Err: 'Generic error: bad "thing"'}));
  });

  it('queries other contracts through query_chain and reports failures as the devnet did', () => {
    const requests: unknown[] = [];
    const ask = (answer: unknown) => {
      const state = newHostState();
      state.queryChain = (request) => {
        requests.push(JSON.parse(request));
        return typeof answer === 'string' ? answer : JSON.stringify(answer);
      };
      return new TestInstance(harness, state).call('query_other', 'secret1other');
    };
    expect(ask({Ok: {Ok: b64json({pong: true, n: 1})}})).toBe('{"pong":true,"n":1}');
    expect(requests[0]).toEqual({wasm: {smart: {contract_addr: 'secret1other', code_hash: 'c0de', msg: b64json({ping: {}})}}});
    expect(ask({ok: {ok: b64json([1])}})).toBe('[1]');
    expect(ask({Ok: {Err: 'Generic error: no such worker'}})).toBe('FAIL:Querier contract error: Generic error: no such worker');
    expect(ask({Err: {no_such_contract: {addr: 'secret1other'}}})).toBe('FAIL:Querier system error: contract secret1other not found');
    expect(ask({Err: {invalid_request: {error: 'bad code hash', request: ''}}})).toBe('FAIL:Querier system error: bad code hash');
    expect(ask({Ok: {Ok: 'not base64!'}})).toBe('FAIL:Querier system error: the answer is not base64 JSON');
    expect(ask('garbage')).toBe('FAIL:Querier system error: malformed query result');
  });

  it('abort logs through debug and traps, for explicit aborts and for the standard library\'s', () => {
    const state = newHostState();
    expect(() => (new TestInstance(harness, state).exports.do_abort as () => void)()).toThrow(/unreachable/);
    expect(() => (new TestInstance(harness, state).exports.do_out_of_range as () => void)()).toThrow(/unreachable/);
    expect(state.logs).toEqual(['abort: boom', expect.stringMatching(/^abort: Index out of range at ~lib\/array\.ts:\d+:\d+$/)]);
  });
});
