/**
 * The merge step of SentencePiece BPE as llama2.c's `encode` does it — repeatedly merge the adjacent pair whose
 * merged token has the best score, the leftmost pair on a tie, until no adjacent pair merges — in O(n log n)
 * rather than llama2.c's O(n²) rescans, so a long prompt cannot stall a server. Tokens form a linked list; every
 * candidate pair goes into a heap ordered by (score descending, position ascending); a popped pair whose tokens
 * have changed or been merged away since it was pushed is stale and skipped. Merging keeps the left token's
 * position, so comparing original positions orders pairs as they stand.
 */

interface Candidate {
  score: number;
  /** Positions (in the original sequence) of the left and right token. */
  left: number;
  right: number;
  /** The token the pair merges into. */
  merged: number;
  /** Versions of the left and right token when the pair was pushed. */
  leftVersion: number;
  rightVersion: number;
}

/** True when `a` merges before `b`. */
function first(a: Candidate, b: Candidate): boolean {
  return a.score > b.score || (a.score === b.score && a.left < b.left);
}

class CandidateHeap {
  private readonly items: Candidate[] = [];

  get size(): number {
    return this.items.length;
  }

  push(c: Candidate): void {
    const items = this.items;
    let i = items.length;
    items.push(c);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!first(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): Candidate {
    const items = this.items;
    const top = items[0];
    const last = items.pop() as Candidate;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && first(items[l], items[best])) best = l;
        if (r < items.length && first(items[r], items[best])) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best], items[i]];
        i = best;
      }
    }
    return top;
  }
}

/**
 * `tokens` after all BPE merges. `mergeOf(a, b)` is the token that `a` followed by `b` merges into, or -1;
 * `scoreOf(id)` its merge score.
 */
export function bpeMerge(tokens: readonly number[], mergeOf: (a: number, b: number) => number, scoreOf: (id: number) => number): number[] {
  const n = tokens.length;
  const tok = Int32Array.from(tokens);
  const next = Int32Array.from({length: n}, (_, i) => i + 1);
  const prev = Int32Array.from({length: n}, (_, i) => i - 1);
  const version = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  const heap = new CandidateHeap();
  const consider = (left: number, right: number) => {
    if (left < 0 || right >= n) return;
    const merged = mergeOf(tok[left], tok[right]);
    if (merged !== -1) heap.push({score: scoreOf(merged), left, right, merged, leftVersion: version[left], rightVersion: version[right]});
  };
  for (let i = 0; i + 1 < n; i++) consider(i, i + 1);
  while (heap.size > 0) {
    const c = heap.pop();
    const {left, right} = c;
    if (!alive[left] || !alive[right] || next[left] !== right || version[left] !== c.leftVersion || version[right] !== c.rightVersion) continue;
    tok[left] = c.merged;
    version[left]++;
    alive[right] = 0;
    next[left] = next[right];
    if (next[right] < n) prev[next[right]] = left;
    consider(prev[left], left);
    consider(left, next[left]);
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (alive[i]) out.push(tok[i]);
  return out;
}
