/** Throwing bech32 helpers over the shared codec, for tests. */
import {decodeBech32, encodeBech32} from '../../contracts/common/encoding.js';

export function bech32Decode(text: string): {prefix: string; data: Uint8Array} {
  const d = decodeBech32(text);
  if (!d.ok) throw new Error(`invalid bech32 (${d.problem})`);
  return {prefix: d.prefix, data: d.data};
}

export const bech32Encode = encodeBech32;
