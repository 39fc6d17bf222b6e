/**
 * The one error model of secretai. Every failure a user can see is a SecretaiError with a stable `code`,
 * a one-line `message`, an optional `suggestion` (the next thing to try) and the exit code of design.md §6.
 */

/** Exit codes (design.md §6). */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** Operation failed: chain error, tx rejected, worker down, unexpected. */
  FAILED: 1,
  /** Usage or input error: bad flag, malformed address, amount or file. Nothing was sent. */
  USAGE: 2,
  /** Could not check: network, node, collateral or certificate unavailable. */
  UNAVAILABLE: 3,
  /** Verification failed: attestation invalid, binding mismatch, policy. */
  VERIFICATION: 4,
  /** Cancelled by the user (Ctrl-C, declined prompt). */
  CANCELLED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorOptions {
  /** Stable machine-readable code, e.g. `KEY_NOT_FOUND`. */
  code?: string;
  /** The next thing to try, e.g. `run "secretai keys list"`. */
  suggestion?: string;
  cause?: unknown;
  /** Extra structured detail for `--json` and `--verbose` (never secrets). */
  details?: Record<string, unknown>;
}

export class SecretaiError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly suggestion?: string;
  readonly details?: Record<string, unknown>;

  constructor(message: string, exitCode: ExitCodeValue, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : {cause: opts.cause});
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.code = opts.code ?? 'ERROR';
    this.suggestion = opts.suggestion;
    this.details = opts.details;
  }

  /** The JSON error document printed on stdout with `--json`. */
  toJSON(): {error: {code: string; message: string; exitCode: number; suggestion?: string; details?: Record<string, unknown>}} {
    return {
      error: {
        code: this.code,
        message: this.message,
        exitCode: this.exitCode,
        ...(this.suggestion ? {suggestion: this.suggestion} : {}),
        ...(this.details ? {details: this.details} : {}),
      },
    };
  }
}

/** Bad flag, argument, file or value. Exit 2; nothing was sent. */
export class UsageError extends SecretaiError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super(message, ExitCode.USAGE, {code: 'USAGE', ...opts});
  }
}

/** The operation was attempted and failed (tx rejected, node error, worker down). Exit 1. */
export class OperationError extends SecretaiError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super(message, ExitCode.FAILED, {code: 'FAILED', ...opts});
  }
}

/** Something needed to check could not be had (node unreachable, collateral missing). Exit 3. */
export class UnavailableError extends SecretaiError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super(message, ExitCode.UNAVAILABLE, {code: 'UNAVAILABLE', ...opts});
  }
}

/** A verification was done and failed (attestation invalid, binding mismatch, policy). Exit 4. */
export class VerificationError extends SecretaiError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super(message, ExitCode.VERIFICATION, {code: 'VERIFICATION_FAILED', ...opts});
  }
}

/** The user cancelled. Exit 130. */
export class CancelledError extends SecretaiError {
  constructor(message = 'cancelled', opts: ErrorOptions = {}) {
    super(message, ExitCode.CANCELLED, {code: 'CANCELLED', ...opts});
  }
}

const SYSTEM_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device (ENOSPC)',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'operation not permitted (EPERM)',
  ENOENT: 'no such file or directory (ENOENT)',
  EISDIR: 'is a directory (EISDIR)',
  ENOTDIR: 'not a directory (ENOTDIR)',
  EROFS: 'read-only file system (EROFS)',
  EEXIST: 'already exists (EEXIST)',
  EMFILE: 'too many open files (EMFILE)',
};

/** Reduces any message to one line (errors are one line on stderr). */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Turns anything thrown into a SecretaiError: ours pass through; oclif parse errors become usage errors;
 * prompt cancellations become CancelledError; anything else is an unexpected failure that says it is a bug.
 */
export function normalizeError(err: unknown): SecretaiError {
  if (err instanceof SecretaiError) return err;
  const e = err as {name?: string; message?: string; parse?: unknown; oclif?: {exit?: number}; code?: string; args?: Array<{name: string}>; flags?: string[]};
  if (e && typeof e === 'object') {
    if (e.name === 'ExitPromptError' || e.name === 'AbortPromptError' || e.name === 'CancelPromptError') return new CancelledError('cancelled at the prompt');
    if (e.parse !== undefined || e.name === 'CLIParseError' || /Error$/.test(e.name ?? '') && e.oclif?.exit === 2) {
      return new UsageError(parseErrorLine(e), {code: 'USAGE', suggestion: 'see --help for usage'});
    }
  }
  // Operating-system errors (disk full, permission denied, missing directory) are not bugs: say what failed.
  const sys = err as {code?: unknown; syscall?: unknown; path?: unknown; message?: unknown};
  if (sys && typeof sys === 'object' && typeof sys.code === 'string' && /^E[A-Z]+$/.test(sys.code) && typeof sys.syscall === 'string') {
    const target = typeof sys.path === 'string' ? ` ${sys.path}` : '';
    return new OperationError(`${sys.syscall}${target} failed: ${SYSTEM_ERRORS[sys.code] ?? sys.code}`, {code: `SYSTEM_${sys.code}`, cause: err});
  }
  const message = e && typeof e === 'object' && typeof e.message === 'string' ? e.message : String(err);
  return new OperationError(`unexpected error: ${oneLine(message)}`, {
    code: 'UNEXPECTED',
    cause: err,
    suggestion: 'this is a bug in secretai: rerun with --verbose and report it',
  });
}

function parseErrorLine(e: {name?: string; message?: string; args?: Array<{name: string}>; flags?: string[]}): string {
  const kind = (e as object).constructor?.name ?? e.name;
  const msg = (e.message ?? 'invalid usage').replace(/\nSee more help with --help\s*$/, '');
  if (kind === 'RequiredArgsError' && Array.isArray(e.args) && e.args.length > 0) {
    return `missing required argument${e.args.length > 1 ? 's' : ''}: ${e.args.map((a) => a.name.toUpperCase()).join(', ')}`;
  }
  if (kind === 'NonExistentFlagsError' && Array.isArray(e.flags)) {
    return `unknown flag${e.flags.length > 1 ? 's' : ''}: ${e.flags.join(', ')}`;
  }
  if (kind === 'UnexpectedArgsError') {
    // Never echo the words: a user may have typed a mnemonic or a key where it does not belong.
    const n = Array.isArray((e as {args?: unknown[]}).args) ? (e as {args: unknown[]}).args.length : msg.replace(/^Unexpected arguments?:\s*/, '').split(/,\s*/).length;
    return `unexpected argument${n === 1 ? '' : 's'} (${n}); secrets such as mnemonics are read from stdin, never from the command line`;
  }
  const lines = msg.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.slice(0, 3).join('; ');
}
