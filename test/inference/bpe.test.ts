import {describe, expect, it} from '@jest/globals';
import {bpeMerge} from '../../src/lib/inference/bpe.js';
import {prng} from '../helpers/mutate.js';

/** llama2.c's merge loop as written there: rescan all adjacent pairs, merge the best (leftmost on a tie), repeat. */
function naiveMerge(input: number[], mergeOf: (a: number, b: number) => number, scoreOf: (id: number) => number): number[] {
  const tokens = [...input];
  for (;;) {
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i + 1 < tokens.length; i++) {
      const id = mergeOf(tokens[i], tokens[i + 1]);
      if (id !== -1 && scoreOf(id) > bestScore) {
        bestScore = scoreOf(id);
        best = i;
      }
    }
    if (best === -1) return tokens;
    tokens.splice(best, 2, mergeOf(tokens[best], tokens[best + 1]));
  }
}

describe('BPE merge', () => {
  it('gives exactly the merges of the rescanning loop, ties included, on random vocabularies and inputs', () => {
    const rand = prng(9);
    for (let trial = 0; trial < 200; trial++) {
      // Base tokens 0..4; merge rules over any pair of known tokens, scores from a few values so ties are common.
      const rules = new Map<string, number>();
      const scores: number[] = [0, 0, 0, 0, 0];
      const ruleCount = 3 + Math.floor(rand() * 12);
      for (let r = 0; r < ruleCount; r++) {
        const a = Math.floor(rand() * scores.length);
        const b = Math.floor(rand() * scores.length);
        if (rules.has(`${a},${b}`)) continue;
        rules.set(`${a},${b}`, scores.length);
        scores.push(Math.floor(rand() * 3));
      }
      const mergeOf = (a: number, b: number) => rules.get(`${a},${b}`) ?? -1;
      const scoreOf = (id: number) => scores[id];
      const input = Array.from({length: Math.floor(rand() * 40)}, () => Math.floor(rand() * 5));
      expect(bpeMerge(input, mergeOf, scoreOf)).toEqual(naiveMerge(input, mergeOf, scoreOf));
    }
  });

  it('handles empty and single-token input', () => {
    expect(bpeMerge([], () => 0, () => 0)).toEqual([]);
    expect(bpeMerge([7], () => 0, () => 0)).toEqual([7]);
  });
});
