/**
 * SCAR step 3: cut a model's layers in a window into contiguous segments, one per chiplet of a
 * chain. For each segment count the cut that minimises the slowest segment (a linear-partition
 * dynamic programme over expected latencies); candidates are ranked by the pipelined latency
 *   sum of stages + (batches - 1) x slowest stage
 * and the top k are kept.
 */
export interface Segmentation {
  /** Exclusive end index of each segment (last = layer count). */
  ends: number[];
  score: number;
}

/** Min-max partition of `lat` into exactly s contiguous non-empty parts. */
export function balancedCut(lat: readonly number[], s: number): number[] {
  return balancedCuts(lat, s)[s - 1];
}

/**
 * balancedCut for every part count 1..maxParts from one dynamic programme: the table of the
 * first k parts does not depend on how many parts follow, so it is filled once (O(maxParts x
 * n^2)) and each cut is read back from it.
 */
export function balancedCuts(lat: readonly number[], maxParts: number): number[][] {
  const n = lat.length;
  const S = Math.min(maxParts, n);
  const pre = [0];
  for (const x of lat) pre.push(pre[pre.length - 1] + x);
  // best[k][i]: min over cuts of the first i layers into k parts of the largest part.
  const best: Float64Array[] = Array.from({ length: S + 1 }, () => new Float64Array(n + 1).fill(Infinity));
  const arg: Int32Array[] = Array.from({ length: S + 1 }, () => new Int32Array(n + 1));
  best[0][0] = 0;
  for (let k = 1; k <= S; k++) {
    const prev = best[k - 1];
    const row = best[k];
    const a = arg[k];
    for (let i = k; i <= n; i++) {
      for (let j = k - 1; j < i; j++) {
        const v = Math.max(prev[j], pre[i] - pre[j]);
        if (v < row[i]) {
          row[i] = v;
          a[i] = j;
        }
      }
    }
  }
  const cuts: number[][] = [];
  for (let s = 1; s <= S; s++) {
    const ends: number[] = [];
    let i = n;
    for (let k = s; k >= 1; k--) {
      ends.unshift(i);
      i = arg[k][i];
    }
    cuts.push(ends);
  }
  return cuts;
}

export function pipelineScore(lat: readonly number[], ends: readonly number[], batches: number): number {
  let start = 0;
  let total = 0;
  let worst = 0;
  for (const e of ends) {
    let st = 0;
    for (let i = start; i < e; i++) st += lat[i];
    total += st;
    worst = Math.max(worst, st);
    start = e;
  }
  return total + (batches - 1) * worst;
}

/** The k best balanced segmentations with 1..maxSegments segments. */
export function topSegmentations(lat: readonly number[], maxSegments: number, batches: number, k: number): Segmentation[] {
  const out = balancedCuts(lat, maxSegments).map((ends) => ({ ends, score: pipelineScore(lat, ends, batches) }));
  return out.sort((a, b) => a.score - b.score || a.ends.length - b.ends.length).slice(0, k);
}

/** Every segmentation with 1..maxSegments segments (for the exhaustive search). */
export function allSegmentations(n: number, maxSegments: number, limit: number): number[][] | null {
  const out: number[][] = [];
  const rec = (start: number, ends: number[]): boolean => {
    if (ends.length > 0 && ends[ends.length - 1] === n) {
      out.push([...ends]);
      return out.length <= limit;
    }
    if (ends.length === maxSegments) return true;
    for (let e = start + 1; e <= n; e++) {
      if (ends.length === maxSegments - 1 && e !== n) continue;
      ends.push(e);
      const ok = rec(e, ends);
      ends.pop();
      if (!ok) return false;
    }
    return true;
  };
  return rec(0, []) ? out : null;
}

/** Chiplets for each model in proportion to its expected cost (at least one), summing to n. */
export function allocate(costs: readonly number[], n: number): number[] {
  const m = costs.length;
  const total = costs.reduce((a, b) => a + b, 0);
  const share = costs.map((c) => (total > 0 ? (c / total) * n : n / m));
  const alloc = share.map((s) => Math.max(1, Math.floor(s)));
  let left = n - alloc.reduce((a, b) => a + b, 0);
  // Largest remainders first; if flooring to 1 over-allocated, take back from the largest.
  const byRem = share.map((s, i) => i).sort((a, b) => share[b] - Math.floor(share[b]) - (share[a] - Math.floor(share[a])) || a - b);
  for (let i = 0; left > 0; i = (i + 1) % m, left--) alloc[byRem[i]]++;
  while (left < 0) {
    const big = alloc.indexOf(Math.max(...alloc));
    alloc[big]--;
    left++;
  }
  return alloc;
}
