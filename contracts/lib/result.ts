/**
 * The contracts' error model. AssemblyScript has no exceptions: a handler records the first failure with
 * `fail(message)` and returns early (`if (failed()) return null;`). The entry glue (`entry.ts`) turns a recorded
 * failure into `{"Err":"Generic error: <message>"}`, and storage writes are skipped once a call has failed.
 * A bug (a broken invariant) is not a failure: it aborts, which traps.
 */

let firstFailure: string | null = null;

/** Records `message` as this call's failure unless one is already recorded (the first one wins). */
export function fail(message: string): void {
  if (firstFailure === null) firstFailure = message;
}

/** True once `fail` was called in this call. */
export function failed(): bool {
  return firstFailure !== null;
}

/** The recorded failure message, or "" when none. */
export function failure(): string {
  const f = firstFailure;
  return f === null ? "" : f;
}

/** Forgets the recorded failure (the entry glue calls it first; tests use it between cases). */
export function resetFailure(): void {
  firstFailure = null;
}
