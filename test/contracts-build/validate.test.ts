/**
 * The contract validator against hand-written modules: a good one, and one per rule it must refuse. The good
 * module also passes wabt's own MVP validation, so the fixtures are real WebAssembly and not artefacts of our reader.
 */
import {beforeAll, describe, expect, it} from '@jest/globals';
import {createHash} from 'node:crypto';
import {gzipSync} from 'node:zlib';
import wabtInit from 'wabt';
import {MAX_CONTRACT_BYTES, contractCodeHash, validateContract, type ValidationResult} from '../../src/lib/contracts/validate.js';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Wabt;

beforeAll(async () => {
  wabt = await wabtInit();
});

interface Parts {
  imports?: string;
  memory?: string;
  exports?: Partial<Record<string, string | null>>;
  extra?: string;
}

const EXPORTS: Record<string, string> = {
  interface_version_8: '(func (export "interface_version_8"))',
  allocate: '(func (export "allocate") (param i32) (result i32) (global.get $heap))',
  deallocate: '(func (export "deallocate") (param i32))',
  instantiate: '(func (export "instantiate") (param i32 i32 i32) (result i32) (local.get 2))',
  execute: '(func (export "execute") (param i32 i32 i32) (result i32) (call $db_read (local.get 2)))',
  query: '(func (export "query") (param i32 i32) (result i32) (local.get 1))',
};

/** A contract module in WAT: the good one, with parts replaced. */
function wat(p: Parts = {}): string {
  const exports = Object.entries({...EXPORTS, ...p.exports})
    .filter(([, f]) => f !== null)
    .map(([, f]) => f)
    .join('\n  ');
  return `(module
  (import "env" "db_read" (func $db_read (param i32) (result i32)))
  ${p.imports ?? ''}
  ${p.memory ?? '(memory (export "memory") 1)'}
  (global $heap (mut i32) (i32.const 1024))
  ${exports}
  ${p.extra ?? ''}
)`;
}

function compile(text: string, features: Record<string, boolean> = {}): Uint8Array {
  const m = wabt.parseWat('contract.wat', text, features);
  try {
    return m.toBinary({}).buffer;
  } finally {
    m.destroy();
  }
}

function rules(r: ValidationResult): string[] {
  return [...new Set(r.violations.map((v) => v.rule))].sort();
}

function messages(r: ValidationResult): string {
  return r.violations.map((v) => `${v.rule}: ${v.message}`).join('\n');
}

/** Appends a custom section of `size` payload bytes. */
function withCustomSection(wasm: Uint8Array, size: number): Uint8Array {
  const name = Buffer.from('pad');
  const payload = Buffer.concat([Buffer.from([name.length]), name, Buffer.alloc(size)]);
  const len: number[] = [];
  let n = payload.length;
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    len.push(b);
  } while (n);
  return Buffer.concat([wasm, Buffer.from([0, ...len]), payload]);
}

describe('validateContract', () => {
  it('accepts a well-formed contract and gives its code hash and size', () => {
    const wasm = compile(wat());
    const mvp = wabt.readWasm(wasm, {check: true});
    expect(() => mvp.validate()).not.toThrow(); // second opinion: valid MVP for wabt too
    mvp.destroy();
    const r = validateContract(wasm);
    expect(messages(r)).toBe('');
    expect(r).toMatchObject({ok: true, size: wasm.length, gzipped: false});
    expect(r.codeHash).toBe(createHash('sha256').update(wasm).digest('hex'));
  });

  it('decodes every MVP integer instruction without a violation', () => {
    const cmp = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
    const bin = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
    const body: string[] = [];
    for (const t of ['i32', 'i64']) {
      for (const o of [...cmp, 'eqz']) body.push(o === 'eqz' ? `(drop (${t}.eqz (${t}.const 1)))` : `(drop (${t}.${o} (${t}.const 1) (${t}.const -2)))`);
      for (const o of bin) body.push(`(drop (${t}.${o} (${t}.const 7) (${t}.const 3)))`);
      for (const o of ['clz', 'ctz', 'popcnt']) body.push(`(drop (${t}.${o} (${t}.const 12)))`);
    }
    for (const l of ['i32.load', 'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u', 'i64.load', 'i64.load8_s', 'i64.load8_u', 'i64.load16_s', 'i64.load16_u', 'i64.load32_s', 'i64.load32_u']) {
      body.push(`(drop (${l} offset=8 align=1 (i32.const 0)))`);
    }
    for (const [st, t] of [['i32.store', 'i32'], ['i32.store8', 'i32'], ['i32.store16', 'i32'], ['i64.store', 'i64'], ['i64.store8', 'i64'], ['i64.store16', 'i64'], ['i64.store32', 'i64']]) {
      body.push(`(${st} offset=100000 (i32.const 0) (${t}.const 5))`);
    }
    body.push('(drop (i64.extend_i32_s (i32.wrap_i64 (i64.extend_i32_u (i32.const -1)))))');
    body.push('(drop (select (i32.const 1) (i32.const 2) (memory.grow (memory.size))))');
    body.push('(block $a (block $b (loop $l (br_table $a $b $l (i32.const 1)) (br_if $l (i32.const 0)) (br $a))))');
    body.push('(if (i32.const 1) (then (nop)) (else (unreachable)))');
    body.push('(drop (call_indirect (type $t) (i32.const 0) (i32.const 0)))');
    body.push('(local.set $x (local.tee $x (i64.const -9223372036854775808))) (global.set $heap (global.get $heap)) (return)');
    const extra = `(type $t (func (param i32) (result i32))) (table 1 funcref) (elem (i32.const 0) $id)
      (func $id (param i32) (result i32) (local.get 0))
      (func $all (local $x i64) ${body.join('\n')})
      (data (i32.const 16) "data")`;
    const r = validateContract(compile(wat({extra})));
    expect(messages(r)).toBe('');
  });

  it('accepts the optional exports with the right signatures and rejects them with wrong ones', () => {
    const good = wat({extra: '(func (export "migrate") (param i32 i32) (result i32) (local.get 0)) (func (export "requires_random"))'});
    expect(messages(validateContract(compile(good)))).toBe('');
    const bad = validateContract(compile(wat({extra: '(func (export "migrate") (param i32) (result i32) (local.get 0))'})));
    expect(rules(bad)).toEqual(['exports']);
    expect(messages(bad)).toMatch(/exports migrate as \(i32\) -> i32; it must be \(i32, i32\) -> i32/);
  });

  it('refuses a float local', () => {
    const r = validateContract(compile(wat({extra: '(func $f (local f64) (local.set 0 (local.get 0)))'})));
    expect(r.ok).toBe(false);
    expect(rules(r)).toEqual(['float']);
    expect(messages(r)).toMatch(/function \d+ has 1 f64 local/);
  });

  it('refuses f64 instructions, naming them', () => {
    const r = validateContract(compile(wat({extra: '(func $f (drop (f64.add (f64.const 1) (f64.const 2))))'})));
    expect(rules(r)).toEqual(['float']);
    expect(messages(r)).toMatch(/uses f64\.const, f64\.add/);
  });

  it('refuses float-to-int conversions and float signatures and globals', () => {
    const conv = validateContract(compile(wat({extra: '(func $f (param i32) (result i32) (i32.trunc_f32_s (f32.convert_i32_s (local.get 0))))'})));
    expect(messages(conv)).toMatch(/f32\.convert_i32_s, i32\.trunc_f32_s/);
    const signature = validateContract(compile(wat({extra: '(func $f (param f32))'})));
    expect(messages(signature)).toMatch(/type \d+ \(f32\) -> \(\) has an f32 parameter/);
    const global = validateContract(compile(wat({extra: '(global $g f64 (f64.const 0))'})));
    expect(messages(global)).toMatch(/global 1 is f64/);
  });

  it('refuses a start function', () => {
    const r = validateContract(compile(wat({extra: '(func $init (global.set $heap (i32.const 2048))) (start $init)'})));
    expect(rules(r)).toEqual(['start']);
  });

  it('refuses two memories, an imported memory and a maximum', () => {
    const two = validateContract(compile(wat({memory: '(memory (export "memory") 1) (memory 1)'}), {multi_memory: true}));
    expect(messages(two)).toMatch(/has 2 memories; exactly one is allowed/);
    const imported = validateContract(compile(wat({imports: '(import "env" "memory" (memory 1))', memory: '(export "memory" (memory 0))'})));
    expect(rules(imported)).toEqual(['memory']);
    expect(messages(imported)).toMatch(/imports its memory \(env\.memory\)/);
    const max = validateContract(compile(wat({memory: '(memory (export "memory") 1 16)'})));
    expect(rules(max)).toEqual(['memory']);
    expect(messages(max)).toMatch(/declares a maximum \(16 pages\)/);
    const big = validateContract(compile(wat({memory: '(memory (export "memory") 513)'})));
    expect(messages(big)).toMatch(/starts with 513 pages, more than 512/);
  });

  it('refuses unknown imports, other modules and wrong import signatures', () => {
    const unknown = validateContract(compile(wat({imports: '(import "env" "abort" (func (param i32 i32 i32 i32)))'})));
    expect(rules(unknown)).toEqual(['imports']);
    expect(messages(unknown)).toMatch(/imports env\.abort, which the chain does not provide/);
    const otherModule = validateContract(compile(wat({imports: '(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))'})));
    expect(messages(otherModule)).toMatch(/only module "env" is provided/);
    const wrongSig = validateContract(compile(wat({imports: '(import "env" "db_write" (func (param i32)))'})));
    expect(messages(wrongSig)).toMatch(/imports env\.db_write as \(i32\) -> \(\); the chain provides \(i32, i32\) -> \(\)/);
    const global = validateContract(compile(wat({imports: '(import "env" "g" (global i32))'})));
    expect(messages(global)).toMatch(/imports the global env\.g: only functions can be imported/);
  });

  it('refuses a missing export and a wrong export signature', () => {
    const missing = validateContract(compile(wat({exports: {query: null}})));
    expect(rules(missing)).toEqual(['exports']);
    expect(messages(missing)).toMatch(/does not export query \(i32, i32\) -> i32/);
    const wrong = validateContract(compile(wat({exports: {allocate: '(func (export "allocate") (param i64) (result i32) (global.get $heap))'}})));
    expect(messages(wrong)).toMatch(/exports allocate as \(i64\) -> i32; it must be \(i32\) -> i32/);
    const noMemory = validateContract(compile(wat({memory: '(memory 1)'})));
    expect(messages(noMemory)).toMatch(/does not export its memory/);
  });

  it('refuses code larger than 2 MiB', () => {
    const wasm = withCustomSection(compile(wat()), MAX_CONTRACT_BYTES);
    const r = validateContract(wasm);
    expect(rules(r)).toEqual(['size']);
    expect(r.size).toBe(wasm.length);
  });

  it('accepts gzip-compressed code, hashing the unzipped bytes', () => {
    const wasm = compile(wat());
    const r = validateContract(gzipSync(wasm));
    expect(r).toMatchObject({ok: true, gzipped: true, size: wasm.length});
    expect(r.codeHash).toBe(createHash('sha256').update(wasm).digest('hex'));
    expect(contractCodeHash(gzipSync(wasm))).toBe(r.codeHash);
    const bad = validateContract(gzipSync(compile(wat({extra: '(func $init) (start $init)'}))));
    expect(rules(bad)).toEqual(['start']);
  });

  it('refuses gzip input that unzips past 2 MiB without unzipping all of it, and corrupt gzip', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const r = validateContract(bomb);
    expect(rules(r)).toEqual(['size']);
    expect(r.codeHash).toBeNull();
    const corrupt = Buffer.from(gzipSync(compile(wat())));
    corrupt[corrupt.length - 6] ^= 0xff; // CRC
    expect(rules(validateContract(corrupt))).toEqual(['format']);
  });

  it('allows sign-extension by default (as the chain does) and refuses it when asked', () => {
    const wasm = compile(wat({extra: '(func $f (param i32) (result i32) (i32.extend8_s (local.get 0)))'}), {sign_extension: true});
    expect(messages(validateContract(wasm))).toBe('');
    const strict = validateContract(wasm, {allowSignExtension: false});
    expect(messages(strict)).toMatch(/features: function \d+ uses i32\.extend8_s/);
  });

  it('refuses bulk memory and other post-MVP features', () => {
    const bulk = validateContract(compile(wat({extra: '(func $f (memory.copy (i32.const 0) (i32.const 8) (i32.const 8)))'}), {bulk_memory: true}));
    expect(rules(bulk)).toEqual(['features']);
    expect(messages(bulk)).toMatch(/uses memory\.copy/);
    const sat = validateContract(compile(wat({extra: '(func $f (param i32) (result i32) (i32.trunc_sat_f32_s (f32.const 1)))'}), {sat_float_to_int: true}));
    expect(rules(sat)).toEqual(['float']);
    const multi = validateContract(compile(wat({extra: '(func $f (result i32 i32) (i32.const 1) (i32.const 2))'}), {multi_value: true}));
    expect(messages(multi)).toMatch(/returns 2 values \(multi-value\)/);
    const passive = validateContract(compile(wat({extra: '(data "x")'}), {bulk_memory: true}));
    expect(messages(passive)).toMatch(/data segment 0 is passive/);
  });

  it('reports malformed input as a format violation', () => {
    expect(rules(validateContract(Buffer.from('not wasm at all')))).toEqual(['format']);
    const truncated = compile(wat()).subarray(0, 40);
    const r = validateContract(truncated);
    expect(rules(r)).toEqual(['format']);
    expect(r.codeHash).toBe(createHash('sha256').update(truncated).digest('hex'));
  });

  it('lists at most a dozen violations per rule and counts the rest', () => {
    const many = Array.from({length: 20}, (_, i) => `(func $f${i} (local f32))`).join(' ');
    const r = validateContract(compile(wat({extra: many})));
    const floats = r.violations.filter((v) => v.rule === 'float');
    expect(floats).toHaveLength(13);
    expect(floats[12]!.message).toBe('… and 8 more float violations');
  });
});
