/**
 * The exports every contract needs besides its entry points. A contract's `index.ts` does
 * `export * from "../../lib/exports";`. Importing this module also brings in `abort.ts`, the target of the
 * build's `--use abort=contracts/lib/abort/contractAbort`.
 */
import "./abort";

export { allocate, deallocate } from "./memory";

/** Marks the CosmWasm v1 interface. */
export function interface_version_8(): void {}
