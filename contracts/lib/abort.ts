/**
 * The contracts' `abort` (Secret has no `env.abort` import): logs through `debug`, then traps. The build routes
 * AssemblyScript's `abort` here with `--use abort=contracts/lib/abort/contractAbort`. A trap is a VM error (the
 * transaction fails), not a contract error: this is for bugs only; expected failures use `fail` (`result.ts`).
 */
import { debug } from "./imports";
import { utf8Encode } from "./bytes";
import { regionOf } from "./memory";

let aborting = false;

/**
 * No default parameters: optional arguments would make asc export `__setArgumentsLength`, which is not part of
 * the contract interface. AssemblyScript's `abort` calls always pass all four.
 */
export function contractAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  // A second abort while reporting the first (e.g. out of memory while building the text) just traps.
  if (aborting) unreachable();
  aborting = true;
  let text = "abort: " + (message !== null ? message : "");
  if (fileName !== null) text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  debug(regionOf(utf8Encode(text)));
  unreachable();
}
