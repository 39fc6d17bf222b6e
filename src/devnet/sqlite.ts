/**
 * Loads `node:sqlite` without printing its one-time "SQLite is an experimental feature" warning.
 *
 * Only that exact warning is dropped, and only while the module loads: `process.emitWarning` is wrapped for the
 * duration of the load and restored right after; every other warning passes through untouched.
 */
import type * as SqliteModule from 'node:sqlite';

let cached: typeof SqliteModule | undefined;

function isSqliteExperimentalWarning(warning: unknown, typeOrOptions: unknown): boolean {
  const type =
    typeof typeOrOptions === 'string'
      ? typeOrOptions
      : typeof typeOrOptions === 'object' && typeOrOptions !== null
        ? (typeOrOptions as {type?: unknown}).type
        : warning instanceof Error
          ? warning.name
          : undefined;
  const message = warning instanceof Error ? warning.message : String(warning);
  return type === 'ExperimentalWarning' && /^SQLite is an experimental feature/.test(message);
}

/** The `node:sqlite` module (Node ≥ 22.5), loaded once. */
export function loadSqlite(): typeof SqliteModule {
  if (cached) return cached;
  const original = process.emitWarning;
  const filtered = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    if (isSqliteExperimentalWarning(warning, rest[0])) return;
    return (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
  try {
    if (typeof process.getBuiltinModule !== 'function') throw new Error('process.getBuiltinModule is missing');
    cached = process.getBuiltinModule('node:sqlite') as typeof SqliteModule;
    if (!cached?.DatabaseSync) throw new Error('node:sqlite has no DatabaseSync');
  } catch (err) {
    throw new Error(`the devnet needs Node.js 22.5 or newer (node:sqlite); this is ${process.version}: ${(err as Error).message}`);
  } finally {
    // Restore only if nobody replaced our wrapper meanwhile.
    if (process.emitWarning === (filtered as typeof process.emitWarning)) process.emitWarning = original;
  }
  return cached;
}
