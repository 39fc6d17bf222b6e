/**
 * Regions: how bytes cross between the host and a contract. A Region is 12 bytes in the contract's memory,
 * `{offset u32, capacity u32, length u32}` little-endian. The host reads `length` bytes at `offset`; it writes
 * inputs by calling the contract's `allocate(len)` (which returns a Region pointer) and filling it, and writes into
 * a Region the contract allocated only up to its `capacity`. Any pointer outside memory is a {@link VmError}.
 */
import {VmError} from './errors.js';
import type {WasmMemory} from './wasm-api.js';

/** Size of a Region, bytes. */
export const REGION_SIZE = 12;

/** The exports the host uses to move bytes. */
export interface RegionExports {
  memory: WasmMemory;
  allocate(size: number): number;
}

/** Byte transfer to and from one instance's memory. */
export class Regions {
  /** Bytes copied in either direction so far (gas). */
  bytesMoved = 0;

  constructor(private readonly exports: RegionExports) {}

  /** A fresh view (memory.grow detaches old buffers). */
  private get buffer(): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer);
  }

  /** `{offset, capacity, length}` of the Region at `ptr`, checked against the memory size. */
  region(ptr: number): {offset: number; capacity: number; length: number} {
    const mem = this.buffer;
    ptr >>>= 0;
    if (ptr === 0) throw new VmError('region pointer is null');
    if (ptr + REGION_SIZE > mem.length) throw new VmError(`region pointer ${ptr} is outside memory`);
    const view = new DataView(mem.buffer, ptr, REGION_SIZE);
    const offset = view.getUint32(0, true);
    const capacity = view.getUint32(4, true);
    const length = view.getUint32(8, true);
    if (offset === 0) throw new VmError(`region at ${ptr} has a null offset`);
    if (length > capacity) throw new VmError(`region at ${ptr} has length ${length} above its capacity ${capacity}`);
    if (offset + capacity > mem.length) throw new VmError(`region at ${ptr} (offset ${offset}, capacity ${capacity}) exceeds memory`);
    return {offset, capacity, length};
  }

  /** A copy of the bytes of the Region at `ptr`; a {@link VmError} when longer than `maxLength`. */
  read(ptr: number, maxLength = Number.MAX_SAFE_INTEGER): Uint8Array {
    const {offset, length} = this.region(ptr);
    if (length > maxLength) throw new VmError(`region length ${length} exceeds the limit of ${maxLength} bytes`);
    this.bytesMoved += length;
    return this.buffer.slice(offset, offset + length);
  }

  /**
   * The Regions of a section-encoded list (cosmwasm's `encode_sections`): each element followed by its length as a
   * big-endian u32.
   */
  readSections(ptr: number): Uint8Array[] {
    const data = this.read(ptr);
    const out: Uint8Array[] = [];
    let end = data.length;
    while (end >= 4) {
      const len = ((data[end - 4]! << 24) | (data[end - 3]! << 16) | (data[end - 2]! << 8) | data[end - 1]!) >>> 0;
      const start = end - 4 - len;
      if (start < 0) throw new VmError('malformed section-encoded list');
      out.push(data.slice(start, end - 4));
      end = start;
    }
    if (end !== 0) throw new VmError('malformed section-encoded list');
    return out.reverse();
  }

  /** Writes `data` into the Region at `ptr` (up to its capacity) and sets its length. */
  writeInto(ptr: number, data: Uint8Array): void {
    const {offset, capacity} = this.region(ptr);
    if (data.length > capacity) throw new VmError(`region capacity ${capacity} is too small for ${data.length} bytes`);
    const mem = this.buffer;
    mem.set(data, offset);
    new DataView(mem.buffer, ptr >>> 0, REGION_SIZE).setUint32(8, data.length, true);
    this.bytesMoved += data.length;
  }

  /** Allocates a Region of `data.length` bytes through the contract's `allocate`, fills it, returns its pointer. */
  write(data: Uint8Array): number {
    const ptr = this.exports.allocate(data.length) >>> 0;
    this.writeInto(ptr, data);
    return ptr;
  }
}
