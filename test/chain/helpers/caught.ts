import {expect} from '@jest/globals';
import {SecretaiError} from '../../../src/lib/errors.js';

/** Awaits a promise that must reject with a SecretaiError, and returns that error. */
export async function caught(p: Promise<unknown>): Promise<SecretaiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SecretaiError);
    return err as SecretaiError;
  }
  throw new Error('expected a rejection');
}
