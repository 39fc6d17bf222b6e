/** Test module: SHA-256 and RIPEMD-160 of the input bytes. */
import {ripemd160} from '../../../../contracts/lib/ripemd160';
import {sha256} from '../../../../contracts/lib/sha256';
import {inputBytes, setOutputBytes} from './io';

export {inputBuffer, outputLength, outputPointer} from './io';

export function runSha256(): void {
  setOutputBytes(sha256(inputBytes()));
}

export function runRipemd160(): void {
  setOutputBytes(ripemd160(inputBytes()));
}
