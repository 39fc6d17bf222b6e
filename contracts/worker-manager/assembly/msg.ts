/**
 * Message helpers of the WorkerManager that the library (`contracts/lib/contract.ts`) does not have.
 */

/** The value of a string of ASCII digits that fits in u64 (callers check the range). */
export function decimalU64(digits: string): u64 {
  let v: u64 = 0;
  for (let i = 0; i < digits.length; i++) v = v * 10 + <u64>(digits.charCodeAt(i) - 0x30);
  return v;
}
