/**
 * The SCAR paper's closed-form estimate of a schedule (Odema et al., MICRO 2024, Sections IV
 * and V), next to the contention-free list schedule (estimate.ts) and the simulation:
 *
 *   per window w and model m, with the model's jobs in w grouped into pipeline stages (one per
 *   chiplet, in order of first use) and micro-batches (one per distinct sample range):
 *     Lat(w, m) = sum_s L(s, first micro-batch) + (micro-batches - 1) x max_s L(s, later)
 *   where L(s, k) sums the stage's job latencies for micro-batch k and "later" is the mean over
 *   micro-batches 2.. (equal to micro-batch 1 when weights are not kept on chip);
 *   Lat(w) = max_m Lat(w, m); scenario latency = sum_w Lat(w) (windows are barriers).
 *
 * A job's closed-form latency is its compute time plus its communication, no overlap and no
 * contention (the paper adds a transfer cost to each layer; it does not model double buffering):
 *   compute = tiles x cyclesPerTile x clock period (the same LayerPlan as everything else)
 *   transfer over a path = bytes / (slowest bandwidth on the path) + sum of the path's
 *     latencies, i.e. hops x hop latency for chiplet to chiplet, + the DRAM latency off-chip
 *   load = the slowest of its sources (they are read in parallel), store = the DRAM write.
 * Energy = the same dynamic energy (same counts) + static power x closed-form latency.
 *
 * Given a schedule whose stages are not a pipeline (e.g. a batch split over chiplets in
 * parallel), the formula still applies as the paper writes it and over-estimates: say so.
 */
import { Program } from './program';
import { forEachTileTransfer, newTransferScratch, psPerCycle } from './estimate';
import { tileLoad, TileLoad } from './plan';
import { Topology } from './topology';
import { Energy } from './energy';

export interface ClosedFormStage {
  chiplet: string;
  jobs: number;
  /** Stage latency for the first micro-batch and the mean of the later ones, ps. */
  firstPs: number;
  laterPs: number;
}

export interface ClosedFormModel {
  model: string;
  microBatches: number;
  stages: ClosedFormStage[];
  latencyPs: number;
}

export interface ClosedFormWindow {
  window: number;
  latencyPs: number;
  models: ClosedFormModel[];
}

export interface ClosedForm {
  latencyPs: number;
  energy: Energy;
  windows: ClosedFormWindow[];
  /** Closed-form latency of every job (compute + communication), ps. */
  jobPs: Float64Array;
}

/** Contention-free, non-overlapped transfer time of `bytes` along `path`, ps (paper's formula). */
export function closedFormTransferPs(topo: Topology, path: readonly number[], bytes: number): number {
  if (bytes <= 0 || path.length === 0) return 0;
  let minGBps = Infinity;
  let latPs = 0;
  for (const r of path) {
    const res = topo.resources[r];
    minGBps = Math.min(minGBps, res.bandwidthGBps);
    latPs += res.latencyPs;
  }
  return Math.ceil((bytes * 1000) / minGBps) + latPs;
}

/** A job's closed-form latency: compute + load (slowest source) + store, ps. */
export function closedFormJobPs(prog: Program, index: number): number {
  const job = prog.jobs[index];
  const topo = prog.topology;
  const plan = job.plan;
  const tl: TileLoad = { weightBytes: 0, inputBytes: 0, outputBytes: 0 };
  const scratch = newTransferScratch();
  const paths: (readonly number[])[] = [];
  const bytes: number[] = [];
  let storeBytes = 0;
  for (let t = 0; t < plan.tiles; t++) {
    tileLoad(plan, t, tl);
    forEachTileTransfer(job, tl, scratch, (path, b) => {
      const i = paths.indexOf(path);
      if (i < 0) {
        paths.push(path);
        bytes.push(b);
      } else {
        bytes[i] += b;
      }
    });
    storeBytes += tl.outputBytes;
  }
  let loadPs = 0;
  paths.forEach((p, i) => (loadPs = Math.max(loadPs, closedFormTransferPs(topo, p, bytes[i]))));
  const storePs = job.storePath ? closedFormTransferPs(topo, job.storePath, storeBytes) : 0;
  return plan.tiles * plan.cyclesPerTile * psPerCycle(plan.kind.clockMHz) + loadPs + storePs;
}

/**
 * The paper's pipeline formula over the schedule's windows, models, stages and micro-batches,
 * with the job latencies `jobPs` (closed-form ones, or the list schedule's to separate the
 * formula's error from the per-job cost's).
 */
export function pipelineFormula(prog: Program, jobPs: ArrayLike<number>): { latencyPs: number; windows: ClosedFormWindow[] } {
  const groups = new Map<string, number[]>();
  for (const j of prog.jobs) {
    const key = `${j.window}\u0000${j.model}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(j.index);
  }
  const windows = new Map<number, ClosedFormWindow>();
  for (const idx of groups.values()) {
    const first = prog.jobs[idx[0]];
    const ranges = [...new Set(idx.map((i) => prog.jobs[i].samples[0]))].sort((a, b) => a - b);
    const mbOf = new Map(ranges.map((s, k) => [s, k]));
    const m = ranges.length;
    const stageOf = new Map<number, number>();
    const sums: number[][] = [];
    const counts: number[] = [];
    for (const i of idx) {
      const j = prog.jobs[i];
      let s = stageOf.get(j.chiplet);
      if (s === undefined) {
        s = stageOf.size;
        stageOf.set(j.chiplet, s);
        sums.push(new Array<number>(m).fill(0));
        counts.push(0);
      }
      sums[s][mbOf.get(j.samples[0])!] += jobPs[i];
      counts[s]++;
    }
    const stages: ClosedFormStage[] = [...stageOf.entries()].map(([chiplet, s]) => {
      const later = sums[s].slice(1);
      return {
        chiplet: prog.pkg.chiplets[chiplet].id, jobs: counts[s], firstPs: sums[s][0],
        laterPs: later.length ? later.reduce((a, b) => a + b, 0) / later.length : sums[s][0],
      };
    });
    const fill = stages.reduce((a, s) => a + s.firstPs, 0);
    const slowest = stages.reduce((a, s) => Math.max(a, s.laterPs), 0);
    const latencyPs = fill + (m - 1) * slowest;
    let w = windows.get(first.window);
    if (!w) windows.set(first.window, (w = { window: first.window, latencyPs: 0, models: [] }));
    w.models.push({ model: first.model, microBatches: m, stages, latencyPs });
    w.latencyPs = Math.max(w.latencyPs, latencyPs);
  }
  const list = [...windows.values()].sort((a, b) => a.window - b.window);
  return { latencyPs: list.reduce((a, w) => a + w.latencyPs, 0), windows: list };
}

/** The closed-form estimate; `dynamic` is the (shared) dynamic energy of the schedule. */
export function closedForm(prog: Program, dynamic: Energy): ClosedForm {
  const jobPs = Float64Array.from(prog.jobs, (j) => closedFormJobPs(prog, j.index));
  const { latencyPs, windows } = pipelineFormula(prog, jobPs);
  let staticMw = 0;
  for (const c of prog.pkg.chiplets) staticMw += c.kind.staticPowerMw;
  const staticPj = (staticMw * latencyPs) / 1000;
  const energy: Energy = { ...dynamic, staticPj, totalPj: dynamic.dynamicPj + staticPj };
  return { latencyPs, energy, windows, jobPs };
}
