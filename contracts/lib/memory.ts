/**
 * CosmWasm Regions: `{offset: u32, capacity: u32, length: u32}`, little-endian, 12 bytes. The host passes every
 * input as a Region it filled after calling the exported `allocate`, and reads every result from the Region
 * pointer an entry point returns. With the stub runtime nothing is ever freed: one call is one short-lived
 * instance.
 */

import { utf8DecodeUnsafe } from "./bytes";

/** Size of a Region header in bytes. */
export const REGION_SIZE: u32 = 12;

/** Allocates `size` bytes plus a Region describing them (length 0); returns the Region pointer. */
export function allocate(size: u32): u32 {
  const data = size == 0 ? 0 : <u32>heap.alloc(<usize>size);
  const region = <u32>heap.alloc(<usize>REGION_SIZE);
  store<u32>(region, data, 0);
  store<u32>(region, size, 4);
  store<u32>(region, 0, 8);
  return region;
}

/** Required by the interface; never called by the enclave. Memory is never freed with the stub runtime. */
export function deallocate(ptr: u32): void {}

/** A copy of the bytes a Region holds. */
export function readRegion(ptr: u32): Uint8Array {
  const offset = load<u32>(ptr, 0);
  const length = load<u32>(ptr, 8);
  const out = new Uint8Array(<i32>length);
  if (length > 0) memory.copy(out.dataStart, <usize>offset, <usize>length);
  return out;
}

/** A new Region holding a copy of `data`; returns its pointer. */
export function writeRegion(data: Uint8Array): u32 {
  const region = allocate(<u32>data.length);
  if (data.length > 0) memory.copy(<usize>load<u32>(region, 0), data.dataStart, <usize>data.length);
  store<u32>(region, <u32>data.length, 8);
  return region;
}

/** A new Region over `data` itself (no copy): for passing bytes to an import, which only reads them. */
export function regionOf(data: Uint8Array): u32 {
  const region = <u32>heap.alloc(<usize>REGION_SIZE);
  store<u32>(region, <u32>data.dataStart, 0);
  store<u32>(region, <u32>data.length, 4);
  store<u32>(region, <u32>data.length, 8);
  return region;
}

/** The UTF-8 text a Region holds, decoded in place (no copy of the bytes); null when `fatal` and not UTF-8. */
export function regionText(ptr: u32, fatal: bool): string | null {
  return utf8DecodeUnsafe(<usize>load<u32>(ptr, 0), <i32>load<u32>(ptr, 8), fatal);
}
