/**
 * The WebAssembly MVP opcode table of the contract validator's reader (`wasm-reader.ts`): each instruction's name,
 * immediates and whether it involves floating point or the sign-extension proposal; plus the names of post-MVP
 * instructions, for readable messages.
 */

export type Imm = 'none' | 'block' | 'u32' | 'br_table' | 'call_indirect' | 'memarg' | 'zero' | 's32' | 's64' | 'f32' | 'f64';
export interface OpInfo {
  name: string;
  imm: Imm;
  float?: boolean;
  signExt?: boolean;
}

export const OPS = new Map<number, OpInfo>();
function op(code: number, name: string, imm: Imm = 'none', flags: {float?: boolean; signExt?: boolean} = {}): void {
  OPS.set(code, {name, imm, ...flags});
}

op(0x00, 'unreachable');
op(0x01, 'nop');
op(0x02, 'block', 'block');
op(0x03, 'loop', 'block');
op(0x04, 'if', 'block');
op(0x05, 'else');
op(0x0b, 'end');
op(0x0c, 'br', 'u32');
op(0x0d, 'br_if', 'u32');
op(0x0e, 'br_table', 'br_table');
op(0x0f, 'return');
op(0x10, 'call', 'u32');
op(0x11, 'call_indirect', 'call_indirect');
op(0x1a, 'drop');
op(0x1b, 'select');
op(0x20, 'local.get', 'u32');
op(0x21, 'local.set', 'u32');
op(0x22, 'local.tee', 'u32');
op(0x23, 'global.get', 'u32');
op(0x24, 'global.set', 'u32');
const MEMORY_OPS = [
  'i32.load', 'i64.load', 'f32.load', 'f64.load', 'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u',
  'i64.load8_s', 'i64.load8_u', 'i64.load16_s', 'i64.load16_u', 'i64.load32_s', 'i64.load32_u', 'i32.store',
  'i64.store', 'f32.store', 'f64.store', 'i32.store8', 'i32.store16', 'i64.store8', 'i64.store16', 'i64.store32',
];
MEMORY_OPS.forEach((name, i) => op(0x28 + i, name, 'memarg', {float: name.startsWith('f')}));
op(0x3f, 'memory.size', 'zero');
op(0x40, 'memory.grow', 'zero');
op(0x41, 'i32.const', 's32');
op(0x42, 'i64.const', 's64');
op(0x43, 'f32.const', 'f32', {float: true});
op(0x44, 'f64.const', 'f64', {float: true});

const INT_CMP = ['eqz', 'eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
const FLOAT_CMP = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'];
const INT_ARITH = ['clz', 'ctz', 'popcnt', 'add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const FLOAT_ARITH = ['abs', 'neg', 'ceil', 'floor', 'trunc', 'nearest', 'sqrt', 'add', 'sub', 'mul', 'div', 'min', 'max', 'copysign'];
function run(start: number, prefix: string, names: string[], float: boolean): number {
  names.forEach((n, i) => op(start + i, `${prefix}.${n}`, 'none', {float}));
  return start + names.length;
}
let next = 0x45;
next = run(next, 'i32', INT_CMP, false);
next = run(next, 'i64', INT_CMP, false);
next = run(next, 'f32', FLOAT_CMP, true);
next = run(next, 'f64', FLOAT_CMP, true);
next = run(next, 'i32', INT_ARITH, false);
next = run(next, 'i64', INT_ARITH, false);
next = run(next, 'f32', FLOAT_ARITH, true);
next = run(next, 'f64', FLOAT_ARITH, true);
const CONVERSIONS = [
  'i32.wrap_i64', 'i32.trunc_f32_s', 'i32.trunc_f32_u', 'i32.trunc_f64_s', 'i32.trunc_f64_u', 'i64.extend_i32_s',
  'i64.extend_i32_u', 'i64.trunc_f32_s', 'i64.trunc_f32_u', 'i64.trunc_f64_s', 'i64.trunc_f64_u',
  'f32.convert_i32_s', 'f32.convert_i32_u', 'f32.convert_i64_s', 'f32.convert_i64_u', 'f32.demote_f64',
  'f64.convert_i32_s', 'f64.convert_i32_u', 'f64.convert_i64_s', 'f64.convert_i64_u', 'f64.promote_f32',
  'i32.reinterpret_f32', 'i64.reinterpret_f64', 'f32.reinterpret_i32', 'f64.reinterpret_i64',
];
CONVERSIONS.forEach((name, i) => op(next + i, name, 'none', {float: /f32|f64/.test(name)}));
if (next !== 0xa7) throw new Error('wasm opcode table is misaligned');
['i32.extend8_s', 'i32.extend16_s', 'i64.extend8_s', 'i64.extend16_s', 'i64.extend32_s'].forEach((name, i) => op(0xc0 + i, name, 'none', {signExt: true}));

/** Names of the 0xFC-prefixed instructions (saturating truncation, bulk memory, tables). */
export const FC_OPS = [
  'i32.trunc_sat_f32_s', 'i32.trunc_sat_f32_u', 'i32.trunc_sat_f64_s', 'i32.trunc_sat_f64_u',
  'i64.trunc_sat_f32_s', 'i64.trunc_sat_f32_u', 'i64.trunc_sat_f64_s', 'i64.trunc_sat_f64_u',
  'memory.init', 'data.drop', 'memory.copy', 'memory.fill', 'table.init', 'elem.drop', 'table.copy',
  'table.grow', 'table.size', 'table.fill',
];

/** Names of other known post-MVP single-byte opcodes, for readable messages. */
export const POST_MVP = new Map<number, string>([
  [0x06, 'try'], [0x07, 'catch'], [0x08, 'throw'], [0x09, 'rethrow'], [0x0a, 'throw_ref'], [0x12, 'return_call'],
  [0x13, 'return_call_indirect'], [0x14, 'call_ref'], [0x18, 'delegate'], [0x19, 'catch_all'], [0x1c, 'select (typed)'],
  [0x1f, 'try_table'], [0x25, 'table.get'], [0x26, 'table.set'], [0xd0, 'ref.null'], [0xd1, 'ref.is_null'],
  [0xd2, 'ref.func'], [0xfb, 'gc instruction'], [0xfd, 'simd instruction'], [0xfe, 'atomic instruction'],
]);
