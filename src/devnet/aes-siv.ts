/**
 * The devnet's AES-SIV: a key held for the messages of one exchange, over the one AES-SIV implementation
 * (`src/common/aes-siv.ts`).
 */
import {SECRET_ASSOCIATED_DATA, sivOpen, sivSeal} from '../common/aes-siv.js';

export {SECRET_ASSOCIATED_DATA, SIV_TAG_LENGTH, SivError as AesSivError} from '../common/aes-siv.js';

/** Throws when `bytes` is not `length` long; `what` names the value. */
export function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) throw new Error(`${what} must be ${length} bytes, got ${bytes.length}`);
}

/** AES-128-SIV with a fixed 32-byte key (`K1 ‖ K2`: K1 for S2V/CMAC, K2 for CTR). */
export class AesSiv {
  private readonly key: Uint8Array;

  constructor(key: Uint8Array) {
    checkLength(key, 32, 'AES-SIV key');
    this.key = new Uint8Array(key);
  }

  /** Encrypts: returns `SIV(16) ‖ ciphertext`. Default associated data: one empty element (Secret Network). */
  seal(plaintext: Uint8Array, associatedData: readonly Uint8Array[] = SECRET_ASSOCIATED_DATA): Uint8Array {
    return sivSeal(this.key, plaintext, associatedData);
  }

  /** Decrypts and authenticates `SIV ‖ ciphertext`; throws `AesSivError` when it does not authenticate. */
  open(sealed: Uint8Array, associatedData: readonly Uint8Array[] = SECRET_ASSOCIATED_DATA): Uint8Array {
    return sivOpen(this.key, sealed, associatedData);
  }
}
