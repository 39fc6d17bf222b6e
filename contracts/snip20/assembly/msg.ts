/**
 * Message helpers of the token that the library (`contracts/lib/contract.ts`) does not have.
 */

/** `list` without repeats, first occurrences kept in order (`[...new Set(list)]`). */
export function unique(list: string[]): string[] {
  const out = new Array<string>();
  for (let i = 0; i < list.length; i++) if (!out.includes(list[i])) out.push(list[i]);
  return out;
}
