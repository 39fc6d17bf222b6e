/**
 * Test input and output for the runtime-library test modules: the Node side writes the input (a string as
 * UTF-16 code units, so that any JavaScript string — lone surrogates included — arrives unchanged) into a buffer
 * the module allocates, calls an exported test function, and reads the output string the same way.
 */
let input: Uint8Array | null = null;
let output: ArrayBuffer | null = null;

/** Allocates the input buffer of `length` bytes and returns where to write it. */
export function inputBuffer(length: i32): usize {
  const buffer = new Uint8Array(length);
  input = buffer;
  return buffer.dataStart;
}

export function outputPointer(): usize {
  return changetype<usize>(output);
}

export function outputLength(): i32 {
  const out = output;
  return out === null ? 0 : out.byteLength;
}

export function inputBytes(): Uint8Array {
  const buffer = input;
  return buffer === null ? new Uint8Array(0) : buffer;
}

export function inputText(): string {
  const bytes = inputBytes();
  return String.UTF16.decodeUnsafe(bytes.dataStart, bytes.length);
}

export function setOutputBytes(bytes: Uint8Array): void {
  output = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
}

export function setOutputText(text: string): void {
  output = String.UTF16.encode(text);
}
