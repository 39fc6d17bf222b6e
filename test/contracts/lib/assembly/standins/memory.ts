// Stand-in for contracts/lib/memory.ts (see README.md): CosmWasm Regions {offset, capacity, length}, u32 LE.
const REGION_BYTES: i32 = 12;

function newRegion(offset: u32, capacity: u32, length: u32): u32 {
  const region = new Uint8Array(REGION_BYTES);
  const at = region.dataStart;
  store<u32>(at, offset, 0);
  store<u32>(at, capacity, 4);
  store<u32>(at, length, 8);
  return <u32>at;
}

/** A new Region with `size` bytes of capacity and length 0. */
export function allocate(size: u32): u32 {
  return newRegion(<u32>new Uint8Array(<i32>size).dataStart, size, 0);
}

export function deallocate(pointer: u32): void {}

/** A copy of the bytes a Region holds. */
export function readRegion(pointer: u32): Uint8Array {
  const offset = load<u32>(pointer, 0);
  const length = load<u32>(pointer, 8);
  const out = new Uint8Array(<i32>length);
  memory.copy(out.dataStart, offset, length);
  return out;
}

/** A Region over `data` itself. */
export function regionOf(data: Uint8Array): u32 {
  return newRegion(<u32>data.dataStart, <u32>data.length, <u32>data.length);
}

export function writeRegion(data: Uint8Array): u32 {
  return regionOf(data);
}
