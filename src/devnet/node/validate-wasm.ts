/**
 * The one place where uploaded code (`MsgStoreCode`, genesis artifacts) is checked before it is stored.
 *
 * TODO(issue 15, W1): call the contract validator of `src/lib/contracts/validate.ts` here (MVP only, no floats, no
 * start section, one defined memory without maximum, allowed `env` imports, required exports, size). Until it is
 * wired, this only checks that the bytes parse as WebAssembly.
 */
import {Wasm} from '../vm/wasm-api.js';

/** Problems that make `wasm` (already unzipped) unacceptable for upload; empty when it is acceptable. */
export function validateWasm(wasm: Uint8Array): string[] {
  return Wasm.validate(wasm) ? [] : ['not a valid WebAssembly module'];
}
