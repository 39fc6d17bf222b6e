import {describe, expect, it} from '@jest/globals';
import {CancelledError, ExitCode, normalizeError, OperationError, UsageError, VerificationError} from '../../src/lib/errors.js';

describe('error model', () => {
  it('maps error classes to the exit codes of the design', () => {
    expect(new UsageError('x').exitCode).toBe(2);
    expect(new OperationError('x').exitCode).toBe(1);
    expect(new VerificationError('x').exitCode).toBe(4);
    expect(new CancelledError().exitCode).toBe(130);
    expect(ExitCode.UNAVAILABLE).toBe(3);
  });

  it('renders one JSON error document with code, message, exit code and suggestion', () => {
    const e = new UsageError('bad amount "x"', {code: 'AMOUNT_INVALID', suggestion: 'use base units'});
    expect(e.toJSON()).toEqual({error: {code: 'AMOUNT_INVALID', message: 'bad amount "x"', exitCode: 2, suggestion: 'use base units'}});
  });

  it('turns unknown throwables into an unexpected failure that says it is a bug', () => {
    const e = normalizeError(new TypeError('x is undefined\n    at foo (bar.js:1:1)'));
    expect(e.exitCode).toBe(1);
    expect(e.code).toBe('UNEXPECTED');
    expect(e.message).not.toContain('\n');
    expect(e.suggestion).toMatch(/bug/);
  });

  it('maps prompt cancellation to exit 130', () => {
    const err = Object.assign(new Error('User force closed the prompt'), {name: 'ExitPromptError'});
    expect(normalizeError(err).exitCode).toBe(130);
  });
});
