/**
 * Failures of the wasm host. A {@link VmError} is a VM failure (a trap: `unreachable`, an out-of-bounds access, a
 * failed allocation, a malformed result, a write in a query, …), never a contract error: the chain reports it as
 * a failed tx. {@link OutOfGasError} is the trap of a call that ran out of gas.
 */

/** A VM failure: the call trapped or broke the host ABI. */
export class VmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VmError';
  }
}

/** The call exhausted its gas (in wasm instructions or in an import). */
export class OutOfGasError extends VmError {
  constructor(readonly used: number, readonly limit: number) {
    super(`out of gas: used ${used} of ${limit}`);
    this.name = 'OutOfGasError';
  }
}

/**
 * A contract returned `{"Err": …}`: `text` is the error as the chain renders it (e.g. `Generic error: Insufficient
 * funds`), encrypted for the caller by the devnet.
 */
export class ContractFailure extends Error {
  constructor(readonly text: string) {
    super(text);
    this.name = 'ContractFailure';
  }
}
