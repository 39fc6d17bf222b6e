/**
 * AssemblyScript's integer and boolean type names, for `tsc`: the files of this folder are compiled both by `tsc`
 * (for the TypeScript contracts, the devnet and the CLI) and by `asc` (for the wasm contracts), and name their
 * integer types the AssemblyScript way. For `tsc` they are plain `number`s; `asc` has them built in and never
 * reads this file. Code here keeps every integer far below 2^53, so both compilers compute the same values.
 */
type i32 = number;
type u8 = number;
type u16 = number;
type u32 = number;
type u64 = number;
type bool = boolean;
