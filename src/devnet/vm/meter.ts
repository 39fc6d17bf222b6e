/**
 * Deterministic instruction metering, as a chain injects it before running a contract: every function entry and
 * every loop header gets a charge of the number of instructions up to the next metering point (in linear code
 * order), taken from a mutable i32 global that the host exports as {@link GAS_GLOBAL} and refills between import
 * calls. When the budget goes negative the code executes `unreachable`; the host sees a negative global and reports
 * out of gas. So a contract cannot loop or recurse forever, and the same call always uses the same gas.
 */
import {Reader, SECTION, concat, insertSection, readImports, sectionCount, sleb, uleb, type Section} from './binary.js';
import {VmError} from './errors.js';

/** Name of the exported budget global (instructions left). */
export const GAS_GLOBAL = '__secretai_gas_left';

/** Skips the block type of `block`/`loop`/`if`: empty, a value type, or a type index (s33). */
function skipBlockType(r: Reader): void {
  const b = r.bytes[r.pos];
  if (b === 0x40 || b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c || b === 0x7b || b === 0x70 || b === 0x6f) {
    r.pos++;
    return;
  }
  r.skipLeb(5);
}

/** Skips the immediates of the `0xfc` prefixed instructions (saturating truncation, bulk memory, tables). */
function skipPrefixed(r: Reader): void {
  const sub = r.u32();
  if (sub <= 7) return;
  switch (sub) {
    case 8: // memory.init
      r.u32();
      r.byte();
      return;
    case 9: // data.drop
    case 13: // elem.drop
    case 15: // table.grow
    case 16: // table.size
    case 17: // table.fill
      r.u32();
      return;
    case 10: // memory.copy
      r.byte();
      r.byte();
      return;
    case 11: // memory.fill
      r.byte();
      return;
    case 12: // table.init
    case 14: // table.copy
      r.u32();
      r.u32();
      return;
    default:
      throw new VmError(`unsupported instruction 0xfc ${sub}`);
  }
}

/** Reads one instruction and skips its immediates; returns its opcode. */
export function skipInstruction(r: Reader): number {
  const op = r.byte();
  if (op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b) return op;
  if (op >= 0x02 && op <= 0x04) {
    skipBlockType(r);
    return op;
  }
  if (op >= 0x45 && op <= 0xc4) return op; // numeric, no immediates (sign extension included)
  switch (op) {
    case 0x0c:
    case 0x0d:
    case 0x10:
    case 0x20:
    case 0x21:
    case 0x22:
    case 0x23:
    case 0x24:
    case 0x25:
    case 0x26:
    case 0xd2:
      r.u32();
      return op;
    case 0x0e: {
      const n = r.u32();
      for (let i = 0; i <= n; i++) r.u32();
      return op;
    }
    case 0x11:
      r.u32();
      r.u32();
      return op;
    case 0x1c: {
      const n = r.u32();
      r.skip(n);
      return op;
    }
    case 0x3f:
    case 0x40:
    case 0xd0:
      r.byte();
      return op;
    case 0x41:
      r.skipLeb(5);
      return op;
    case 0x42:
      r.skipLeb(10);
      return op;
    case 0x43:
      r.skip(4);
      return op;
    case 0x44:
      r.skip(8);
      return op;
    case 0xd1:
      return op;
    case 0xfc:
      skipPrefixed(r);
      return op;
  }
  if (op >= 0x28 && op <= 0x3e) {
    r.u32();
    r.u32();
    return op;
  }
  throw new VmError(`unsupported instruction 0x${op.toString(16)}`);
}

/** The charge sequence: budget -= cost; if budget < 0 then unreachable. Stack-neutral. */
function charge(global: number, cost: number): number[] {
  const g = uleb(global);
  return [0x23, ...g, 0x41, ...sleb(cost), 0x6b, 0x24, ...g, 0x23, ...g, 0x41, 0x00, 0x48, 0x04, 0x40, 0x00, 0x0b];
}

/** One function body with charges inserted at its entry and at every loop header. */
function meterBody(body: Uint8Array, global: number): Uint8Array {
  const r = new Reader(body);
  const localGroups = r.u32();
  for (let i = 0; i < localGroups; i++) {
    r.u32();
    r.byte();
  }
  const points: Array<{at: number; cost: number}> = [{at: r.pos, cost: 0}];
  while (!r.done) {
    const op = skipInstruction(r);
    points[points.length - 1]!.cost++;
    if (op === 0x03) points.push({at: r.pos, cost: 0});
  }
  const parts: ArrayLike<number>[] = [];
  let from = 0;
  for (const p of points) {
    parts.push(body.subarray(from, p.at), charge(global, Math.max(1, p.cost)));
    from = p.at;
  }
  parts.push(body.subarray(from));
  return concat(parts);
}

/**
 * Adds the budget global (exported as {@link GAS_GLOBAL}) and the charges to every function body. Returns the
 * index of the global.
 */
export function injectMetering(sections: Section[]): number {
  const importedGlobals = readImports(sections).filter((i) => i.kind === 3).length;
  const global = importedGlobals + sectionCount(sections, SECTION.global);

  // global: (mut i32) = 0, appended so no existing index moves
  const newGlobal = [0x7f, 0x01, 0x41, 0x00, 0x0b];
  const gi = sections.findIndex((s) => s.id === SECTION.global);
  if (gi >= 0) {
    const r = new Reader(sections[gi]!.payload);
    const count = r.u32();
    sections[gi] = {id: SECTION.global, payload: concat([uleb(count + 1), sections[gi]!.payload.subarray(r.pos), newGlobal])};
  } else {
    insertSection(sections, {id: SECTION.global, payload: Uint8Array.from([1, ...newGlobal])});
  }

  const nameBytes = Buffer.from(GAS_GLOBAL, 'utf8');
  const newExport = [...uleb(nameBytes.length), ...nameBytes, 0x03, ...uleb(global)];
  const ei = sections.findIndex((s) => s.id === SECTION.export);
  if (ei >= 0) {
    const r = new Reader(sections[ei]!.payload);
    const count = r.u32();
    sections[ei] = {id: SECTION.export, payload: concat([uleb(count + 1), sections[ei]!.payload.subarray(r.pos), newExport])};
  } else {
    insertSection(sections, {id: SECTION.export, payload: Uint8Array.from([1, ...newExport])});
  }

  const ci = sections.findIndex((s) => s.id === SECTION.code);
  if (ci >= 0) {
    const r = new Reader(sections[ci]!.payload);
    const count = r.u32();
    const parts: ArrayLike<number>[] = [uleb(count)];
    for (let i = 0; i < count; i++) {
      const size = r.u32();
      const start = r.pos;
      r.skip(size);
      const metered = meterBody(sections[ci]!.payload.subarray(start, start + size), global);
      parts.push(uleb(metered.length), metered);
    }
    sections[ci] = {id: SECTION.code, payload: concat(parts)};
  }
  return global;
}
