/**
 * SCAR-style multi-model scheduler (after Odema et al., "SCAR: Scheduling Multi-Model AI
 * Workloads on Heterogeneous Multi-Chiplet Module Accelerators", 2024):
 *  1. expected layer latency = mean over chiplet kinds weighted by their counts (windows.ts);
 *  2. the worst-case horizon is split into windows; layers are packed first-fit (windows.ts);
 *  3. per window, each active model gets chiplets in proportion to its expected cost (at
 *     least one) and is cut into contiguous segments; the top-k cuts per model are combined
 *     (segments.ts);
 *  4. segments are placed on chains of neighbouring chiplets, models never sharing a chiplet:
 *     exhaustively on small packages, by a seeded evolutionary search on large ones (chains.ts);
 *  5. inter-chiplet pipelining over the batch in micro-batches: a model's window latency is
 *       sum of stage latencies + (micro-batches - 1) x slowest stage,
 *     and the micro-batch count (a divisor of the batch, at most maxMicroBatches) is chosen per
 *     model; a stage keeps its weights on chip across micro-batches when they fit the
 *     resident-weight region, and reloads them from DRAM for every micro-batch otherwise;
 *  6. windows are barriers; each window minimises its energy-delay product
 *       EDP_w = (dynamic energy + static power of all chiplets x latency_w) x latency_w.
 * Stage latencies and energies come from sim/cost through LayerCoster (contention-free).
 */
import { Layer, Package, Scenario, ScheduleJob } from '../../input/types';
import { planLayer } from '../../cost/plan';
import { InputError } from '../../input/errors';
import { Topology } from '../../cost/topology';
import { Rng } from '../../engine/rng';
import { LayerCoster, OutputLoc } from './layercost';
import { StageCoster, StagePlace } from './stagecost';
import { expectedLatencies, packWindows } from './windows';
import { allocate, allSegmentations, Segmentation, topSegmentations } from './segments';
import { evolveChains, forEachChainAssignment, Grid, snakeChains } from './chains';
import { Objective, objectiveOf } from '../objective';
import { sloRank, sloViolationPs, sloWarning } from '../slo';

export interface ScarOptions {
  windows: number;
  topK: number;
  /** 'auto': exhaustive placement up to 9 chiplets, evolutionary above. */
  search: 'auto' | 'exhaustive' | 'evolutionary';
  /** 'top-k' (SCAR) or 'all' segmentations (the exhaustive reference). */
  segmentations: 'top-k' | 'all';
  maxMicroBatches: number;
  /** Cap on placements evaluated per window by the exhaustive search. */
  maxEvaluations: number;
  population: number;
  generations: number;
  rng: Rng;
  onProgress?: (message: string) => void;
  /** What each window minimises (default EDP); the micro-batch count per model uses it too. */
  objective?: Objective;
  /** Rank candidates by the models' latency SLOs first (sched/slo.ts); default true. */
  enforceSlo?: boolean;
}

export const DEFAULT_SCAR: Omit<ScarOptions, 'rng'> = {
  windows: 5, topK: 3, search: 'auto', segmentations: 'top-k', maxMicroBatches: 8, maxEvaluations: 200000, population: 24, generations: 40,
};

/** The exhaustive search was asked for an instance too large for it. */
export class SearchLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchLimitError';
  }
}

export interface WindowChoice {
  window: number;
  models: { model: string; layers: [number, number]; chiplets: string[]; segments: number; microBatches: number; latencyPs: number; dynamicPj: number }[];
  latencyPs: number;
  energyPj: number;
  edpJs: number;
  evaluations: number;
  capped: boolean;
}

export interface ScarResult {
  strategy: string;
  jobs: ScheduleJob[];
  windows: WindowChoice[];
  /** SCAR's own analytical estimate (sum over windows). */
  latencyPs: number;
  energyPj: number;
  evaluations: number;
  capped: boolean;
  /** SLO warnings (a window whose every candidate breaks some model's SLO). */
  warnings: string[];
}

interface ModelEval {
  latencyPs: number;
  dynamicPj: number;
  microBatches: number;
}

/**
 * `reference`: cost every stage directly and every job by the lowered-job walk of estimate.ts,
 * memoised by absolute positions only; tests check it gives the same schedule as the default.
 */
export function scheduleScar(scenario: Scenario, pkg: Package, opts: ScarOptions, topology = new Topology(pkg), reference = false): ScarResult {
  const coster = new LayerCoster(pkg, topology, { reference });
  const grid: Grid = { rows: pkg.rows, cols: pkg.cols };
  const nChiplets = pkg.chiplets.length;
  const staticMw = pkg.chiplets.reduce((s, c) => s + c.kind.staticPowerMw, 0);
  const expected = expectedLatencies(scenario, pkg, coster);
  expected.forEach((m, mi) =>
    m.forEach((lat, li) => {
      if (!Number.isFinite(lat)) {
        throw new InputError(scenario.models[mi].workload.file, `layers[${li}]`, `layer ${scenario.models[mi].name}/${scenario.models[mi].workload.layers[li].name} fits no chiplet kind's buffer in package ${pkg.name}, even one sample at a time`);
      }
    }),
  );
  const plan = packWindows(expected, opts.windows);
  const score = opts.objective ?? objectiveOf('edp');
  const withSlo = opts.enforceSlo !== false && scenario.models.some((m) => m.latencySloMs);
  const warnings: string[] = [];
  let elapsedPs = 0; // end of the previous window: models' completions in this one start there
  const ctx = scenario.models.map((m) => ({
    layers: m.workload.layers,
    byName: new Map(m.workload.layers.map((l) => [l.name, l])),
    index: new Map(m.workload.layers.map((l, i) => [l.name, i])),
    consumed: m.workload.layers.map((l) => m.workload.layers.some((x) => x.inputs.includes(l.name))),
  }));
  const loc: Map<number, OutputLoc>[] = scenario.models.map(() => new Map());
  const jobs: ScheduleJob[] = [];
  const windows: WindowChoice[] = [];
  let totalEvals = 0;
  let anyCapped = false;

  for (let w = 0; w < plan.windows; w++) {
    const active = scenario.models
      .map((m, mi) => {
        const idx = plan.windowOf[mi].map((x, li) => (x === w ? li : -1)).filter((li) => li >= 0);
        return { mi, first: idx[0], end: idx.length ? idx[idx.length - 1] + 1 : 0 };
      })
      .filter((a) => a.first !== undefined);
    if (active.length === 0) continue;
    if (active.length > nChiplets) {
      throw new InputError(scenario.file, 'models', `${active.length} models share window ${w} but package ${pkg.name} has only ${nChiplets} chiplets`);
    }
    const costs = active.map((a) => expected[a.mi].slice(a.first, a.end).reduce((x, y) => x + y, 0));
    const alloc = allocate(costs, nChiplets);
    const candidates: Segmentation[][] = active.map((a, i) => {
      const lat = expected[a.mi].slice(a.first, a.end);
      if (opts.segmentations === 'top-k') return topSegmentations(lat, alloc[i], scenario.models[a.mi].batch, opts.topK);
      const all = allSegmentations(lat.length, alloc[i], 100000);
      if (!all) throw new SearchLimitError(`window ${w}: ${scenario.models[a.mi].name} has more than 100000 segmentations; the exhaustive search is for small instances (use --strategy scar)`);
      return all.map((ends) => ({ ends, score: 0 }));
    });

    // Micro-batch counts tried per model: divisors of the batch up to maxMicroBatches, and,
    // when some layer fits no chiplet kind even then, the fewest micro-batches that make every
    // layer of the window fit some kind (a layer too large for the buffer is micro-batched,
    // not rejected).
    const microBatches = active.map((a) => microBatchCounts(scenario.models[a.mi].batch, opts.maxMicroBatches, (c) => ctx[a.mi].layers.slice(a.first, a.end).every((l) => pkg.kinds.some((k) => typeof planLayer(l.shape, k, c, pkg.elementBytes) !== 'string'))));
    const stages = new StageCoster(coster, pkg, reference);

    // Cost of model i (active index) with segmentation `ends` on chain `chain`.
    const memo = new Map<string, ModelEval>();
    const modelEval = (i: number, ends: number[], chain: number[]): ModelEval => {
      const key = `${i}|${ends.join(',')}|${chain.join(',')}`;
      let r = memo.get(key);
      if (r) return r;
      const a = active[i];
      const model = scenario.models[a.mi];
      const ms = microBatches[i];
      const sumFirst = new Array<number>(ms.length).fill(0);
      const worstRest = new Array<number>(ms.length).fill(0);
      const energy = new Array<number>(ms.length).fill(0);
      const place: StagePlace = { id: i, model: ctx[a.mi], batch: model.batch, first: a.first, ends, chain, loc: loc[a.mi], ms };
      for (let j = 0; j < ends.length; j++) {
        const st = stages.cost(place, j);
        for (let x = 0; x < ms.length; x++) {
          sumFirst[x] += st.firstPs[x];
          worstRest[x] = Math.max(worstRest[x], st.restPs[x]);
          energy[x] += st.dynamicPj[x];
        }
      }
      r = { latencyPs: Infinity, dynamicPj: Infinity, microBatches: 1 };
      let bestScore = Infinity;
      const chipletsStatic = chain.reduce((s, x) => s + pkg.chiplets[x].kind.staticPowerMw, 0);
      for (let x = 0; x < ms.length; x++) {
        const lat = sumFirst[x] + (ms[x] - 1) * worstRest[x];
        const value = score(lat, energy[x] + (chipletsStatic * lat) / 1000);
        if (value < bestScore) {
          bestScore = value;
          r = { latencyPs: lat, dynamicPj: energy[x], microBatches: ms[x] };
        }
      }
      memo.set(key, r);
      return r;
    };
    const objective = (segs: Segmentation[], chains: number[][]) => {
      let lat = 0;
      let dyn = 0;
      for (let i = 0; i < segs.length; i++) {
        const e = modelEval(i, segs[i].ends, chains[i]);
        lat = Math.max(lat, e.latencyPs);
        dyn += e.dynamicPj;
      }
      return { lat, energy: dyn + (staticMw * lat) / 1000 };
    };
    // A lower bound on each active model's completion: this window's start plus its latency here.
    const completions = (segs: Segmentation[], chains: number[][]) =>
      active.map((a, i) => ({ model: scenario.models[a.mi].name, completionPs: elapsedPs + modelEval(i, segs[i].ends, chains[i]).latencyPs, latencySloMs: scenario.models[a.mi].latencySloMs }));

    let best: { segs: Segmentation[]; chains: number[][]; edp: number } | null = null;
    let evals = 0;
    let capped = false;
    const useExhaustive = opts.search === 'exhaustive' || (opts.search === 'auto' && nChiplets <= 9);
    const combos = product(candidates);
    opts.onProgress?.(`window ${w + 1}/${plan.windows}: ${active.length} model(s), ${combos.length} segmentation combination(s), ${useExhaustive ? 'exhaustive' : 'evolutionary'} placement`);
    for (const segs of combos) {
      const lengths = segs.map((s) => s.ends.length);
      const fitness = (chains: number[][]) => {
        const o = objective(segs, chains);
        const value = score(o.lat, o.energy);
        return withSlo ? sloRank(sloViolationPs(completions(segs, chains)), value) : value;
      };
      const consider = (chains: number[][], edp: number) => {
        if (!best || edp < best.edp) best = { segs, chains, edp };
      };
      if (useExhaustive) {
        forEachChainAssignment(grid, lengths, (chains) => {
          consider(chains, fitness(chains));
          if (++evals >= opts.maxEvaluations) {
            capped = true;
            return false;
          }
          return true;
        });
        if (capped) break;
      } else {
        const seed = snakeChains(grid, lengths);
        const r = evolveChains(grid, lengths, [seed], fitness, { population: opts.population, generations: opts.generations, rng: opts.rng });
        evals += r.evaluations;
        consider(r.chains, r.fitness);
      }
    }
    if (!best) throw new InputError(scenario.file, 'models', `window ${w}: no placement found on package ${pkg.name}`);
    const chosen = best as { segs: Segmentation[]; chains: number[][]; edp: number };
    if (!Number.isFinite(chosen.edp)) {
      throw new InputError(scenario.file, 'models', `window ${w}: no placement on package ${pkg.name} gives every layer a chiplet whose buffer fits it`);
    }
    totalEvals += evals;
    anyCapped ||= capped;

    // Emit the jobs and remember where each output lives.
    const o = objective(chosen.segs, chosen.chains);
    if (withSlo) {
      const warning = sloWarning(`${scenario.name} on ${pkg.name}, window ${w}`, completions(chosen.segs, chosen.chains));
      if (warning) warnings.push(warning);
    }
    elapsedPs += o.lat;
    const choice: WindowChoice = { window: w, models: [], latencyPs: o.lat, energyPj: o.energy, edpJs: o.energy * o.lat * 1e-24, evaluations: evals, capped };
    active.forEach((a, i) => {
      const model = scenario.models[a.mi];
      const ev = modelEval(i, chosen.segs[i].ends, chosen.chains[i]);
      const sb = model.batch / ev.microBatches;
      let start = a.first;
      chosen.segs[i].ends.forEach((e, j) => {
        const end = a.first + e;
        const chiplet = chosen.chains[i][j];
        for (let mb = 0; mb < ev.microBatches; mb++) {
          for (let li = start; li < end; li++) {
            jobs.push({ layer: `${model.name}/${ctx[a.mi].layers[li].name}`, chiplet: pkg.chiplets[chiplet].id, samples: [mb * sb, (mb + 1) * sb], window: w });
          }
        }
        for (let li = start; li < end; li++) loc[a.mi].set(li, { chiplet, jobSamples: sb });
        start = end;
      });
      choice.models.push({
        model: model.name, layers: [a.first, a.end], chiplets: chosen.chains[i].map((c) => pkg.chiplets[c].id), segments: chosen.segs[i].ends.length,
        microBatches: ev.microBatches, latencyPs: ev.latencyPs, dynamicPj: ev.dynamicPj,
      });
    });
    windows.push(choice);
  }
  return {
    strategy: opts.segmentations === 'all' ? 'exhaustive' : 'scar', jobs, windows,
    latencyPs: windows.reduce((s, w) => s + w.latencyPs, 0), energyPj: windows.reduce((s, w) => s + w.energyPj, 0),
    evaluations: totalEvals, capped: anyCapped, warnings,
  };
}

/**
 * Micro-batch counts to try for a model: the divisors of `batch` up to `max`; if `fits(samples)`
 * fails even at the largest of them, the smallest divisor above `max` that fits (none: the
 * layers do not fit at one sample, and the costs say so).
 */
export function microBatchCounts(batch: number, max: number, fits: (samples: number) => boolean): number[] {
  const ms: number[] = [];
  for (let m = 1; m <= Math.min(max, batch); m++) if (batch % m === 0) ms.push(m);
  if (fits(batch / ms[ms.length - 1])) return ms;
  for (let m = ms[ms.length - 1] + 1; m <= batch; m++) {
    if (batch % m === 0 && fits(batch / m)) return [...ms, m];
  }
  return ms;
}

function product<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])), [[]]);
}
