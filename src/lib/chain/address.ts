/**
 * Bech32 addresses of Secret Network (`secret1…`), checked with their checksum, as the CLI validates them: usage
 * errors that name the flag. The BIP-173 codec itself is the shared one of `contracts/common/encoding.ts`, so that
 * validating a flag costs microseconds and does not load secretjs.
 */
import {
  ADDRESS_BYTES,
  decodeBech32,
  encodeBech32,
  SECRET_HRP,
  type Bech32Decoded,
  type Bech32Problem,
} from '../../../contracts/common/encoding.js';
import {UsageError} from '../errors.js';

export {SECRET_HRP, ADDRESS_BYTES, decodeBech32, encodeBech32, type Bech32Problem, type Bech32Decoded};

/** Payload length of module-derived 32-byte addresses (Cosmos SDK ≥ 0.46 `address.Module`), in bytes. */
export const LONG_ADDRESS_BYTES = 32;

/** True when `s` is a `secret1…` address (20 or 32 bytes) with a valid checksum. */
export function isSecretAddress(s: string): boolean {
  const d = decodeBech32(s.trim());
  return d.ok && d.prefix === SECRET_HRP && (d.data.length === ADDRESS_BYTES || d.data.length === LONG_ADDRESS_BYTES);
}

const PROBLEM_TEXT: Record<Bech32Problem, string> = {
  length: 'wrong length',
  case: 'mixed upper and lower case',
  separator: 'no "1" separator before the data',
  character: 'a character outside the bech32 alphabet',
  checksum: 'the checksum does not match (a typo?)',
  padding: 'invalid padding',
};

/**
 * Validates and normalises (trims, lower-cases) a `secret1…` address; `what` names the value in the error
 * (e.g. `--payout`). Throws UsageError `ADDRESS_INVALID` (exit 2) otherwise.
 */
export function parseAddress(input: string, what = 'address'): string {
  const s = (input ?? '').trim();
  const d = decodeBech32(s);
  const shown = s.length > 70 ? `${s.slice(0, 67)}...` : s;
  if (!d.ok) {
    throw new UsageError(`invalid ${what} "${shown}": ${PROBLEM_TEXT[d.problem]}`, {
      code: 'ADDRESS_INVALID',
      suggestion: 'a Secret Network address looks like secret1… (45 characters); copy it again',
    });
  }
  if (d.prefix !== SECRET_HRP) {
    throw new UsageError(`invalid ${what} "${shown}": prefix "${d.prefix}" is not "${SECRET_HRP}"`, {
      code: 'ADDRESS_INVALID',
      suggestion: 'use a Secret Network address (secret1…)',
    });
  }
  if (d.data.length !== ADDRESS_BYTES && d.data.length !== LONG_ADDRESS_BYTES) {
    throw new UsageError(`invalid ${what} "${shown}": ${d.data.length}-byte payload (expected ${ADDRESS_BYTES})`, {code: 'ADDRESS_INVALID'});
  }
  return s.toLowerCase();
}

/** The 20- (or 32-) byte payload of a valid `secret1…` address; throws like {@link parseAddress}. */
export function addressBytes(address: string): Uint8Array {
  const normalised = parseAddress(address);
  const d = decodeBech32(normalised);
  if (!d.ok) throw new Error('unreachable: address validated above');
  return d.data;
}

/** `secret1…` address of a raw 20-byte payload. */
export function toSecretAddress(bytes: Uint8Array): string {
  if (bytes.length !== ADDRESS_BYTES && bytes.length !== LONG_ADDRESS_BYTES) {
    throw new RangeError(`address payload must be ${ADDRESS_BYTES} or ${LONG_ADDRESS_BYTES} bytes, got ${bytes.length}`);
  }
  return encodeBech32(SECRET_HRP, bytes);
}
