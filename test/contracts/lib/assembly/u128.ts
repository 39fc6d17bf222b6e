/**
 * Test module: U128. The input is lines `op a b [c]` (`parse <text>` and `parseUint128 <what> <text>` take the rest
 * of the line as the text); the output one line per input line: the result, `null`, or `fail:<message>` when the
 * operation recorded a failure.
 */
import {checkedAdd, checkedMul, checkedSub, parseUint128, U128} from '../../../../contracts/lib/u128';
import {failed, failure, resetFailure} from '../../../../contracts/lib/result';
import {inputText, setOutputText} from './io';

export {inputBuffer, outputLength, outputPointer} from './io';

function show(value: U128 | null): string {
  if (failed()) return 'fail:' + failure();
  return value === null ? 'null' : value.toString();
}

function arg(parts: string[], i: i32): U128 {
  const v = U128.parse(parts[i]);
  if (v === null) throw new Error('bad test operand ' + parts[i]);
  return v;
}

function run(line: string): string {
  resetFailure();
  const parts = line.split(' ');
  const op = parts[0];
  if (op == 'parse') return show(U128.parse(line.substring(op.length + 1)));
  if (op == 'parseUint128') return show(parseUint128(line.substring(op.length + parts[1].length + 2), parts[1]));
  const a = arg(parts, 1);
  const b = arg(parts, 2);
  if (op == 'add') return show(a.add(b));
  if (op == 'sub') return show(a.sub(b));
  if (op == 'mul') return show(a.mul(b));
  if (op == 'div') return show(a.div(b));
  if (op == 'rem') return show(a.rem(b));
  if (op == 'saturatingAdd') return show(a.saturatingAdd(b));
  if (op == 'saturatingSub') return show(a.saturatingSub(b));
  if (op == 'checkedAdd') return show(checkedAdd(a, b));
  if (op == 'checkedSub') return show(checkedSub(a, b));
  if (op == 'checkedMul') return show(checkedMul(a, b));
  if (op == 'cmp') return a.cmp(b).toString() + (a.eq(b) ? ' eq' : '') + (a.lt(b) ? ' lt' : '') + (a.le(b) ? ' le' : '') + (a.gt(b) ? ' gt' : '') + (a.ge(b) ? ' ge' : '');
  if (op == 'mulDiv') return show(U128.mulDiv(a, b, arg(parts, 3)));
  throw new Error('unknown test op ' + op);
}

export function runBatch(): void {
  const lines = inputText().split('\n');
  const results = new Array<string>(lines.length);
  for (let i = 0; i < lines.length; i++) results[i] = run(lines[i]);
  setOutputText(results.join('\n'));
}
