/**
 * SCAR step 1: time windows. A layer's expected latency is its latency averaged over the
 * package's chiplet kinds, weighted by how many chiplets of each kind there are (whole batch,
 * operands from DRAM). The worst-case horizon is every layer of every model run one after
 * another; it is split into `windows` equal windows, and each model's layers are packed into
 * them first-fit in order: a layer that would cross a window's end moves to the next window.
 * A layer that fits no kind's buffer for the whole batch counts as the fewest equal
 * micro-batches that fit, run one after another.
 */
import { Package, Scenario } from '../../input/types';
import { LayerCoster } from './layercost';

export interface WindowPlan {
  /** expectedPs[model][layer]: expected latency of the whole batch. */
  expectedPs: number[][];
  horizonPs: number;
  windowPs: number;
  /** windowOf[model][layer]. */
  windowOf: number[][];
  windows: number;
}

export function expectedLatencies(scenario: Scenario, pkg: Package, coster: LayerCoster): number[][] {
  // One representative chiplet per kind (the first), weighted by the kind's count.
  const reps = pkg.kinds.map((k) => ({ chiplet: pkg.chiplets.find((c) => c.kind === k)?.index ?? -1, count: pkg.chiplets.filter((c) => c.kind === k).length })).filter((r) => r.count > 0);
  return scenario.models.map((m) => {
    const byName = new Map(m.workload.layers.map((l) => [l.name, l]));
    const ctx = { layers: m.workload.layers, byName };
    return m.workload.layers.map((l) => {
      let sum = 0;
      let n = 0;
      for (const r of reps) {
        const c = coster.cost(ctx, l, r.chiplet, m.batch, () => undefined, false, false);
        if (!Number.isFinite(c.latencyPs)) continue; // the layer cannot run on this kind
        sum += c.latencyPs * r.count;
        n += r.count;
      }
      if (n > 0) return sum / n;
      // Fits no kind whole: run it in micro-batches (the fewest equal ones that fit a kind),
      // one after another on the chiplet, and count all of them.
      for (let mb = 2; mb <= m.batch; mb++) {
        if (m.batch % mb !== 0) continue;
        for (const r of reps) {
          const c = coster.cost(ctx, l, r.chiplet, m.batch / mb, () => undefined, false, false);
          if (!Number.isFinite(c.latencyPs)) continue;
          sum += mb * c.latencyPs * r.count;
          n += r.count;
        }
        if (n > 0) return sum / n;
      }
      return Infinity;
    });
  });
}

export function packWindows(expectedPs: number[][], windows: number): WindowPlan {
  const horizonPs = expectedPs.reduce((s, m) => s + m.reduce((a, b) => a + b, 0), 0);
  const windowPs = horizonPs / windows;
  let count = 0;
  const windowOf = expectedPs.map((m) => {
    let w = 0;
    let used = 0; // time used in window w
    return m.map((lat) => {
      if (used > 0 && used + lat > windowPs * (1 + 1e-9)) {
        w++;
        used = 0;
      }
      used += lat;
      count = Math.max(count, w + 1);
      return w;
    });
  });
  return { expectedPs, horizonPs, windowPs, windowOf, windows: count };
}
