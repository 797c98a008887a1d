/**
 * Standalone baseline (SCAR Section V-A, "Standalone"): each model runs on exactly one chiplet,
 * with no inter-chiplet pipelining, and models never share a chiplet. Per model and chiplet the
 * whole batch runs layer by layer on that chiplet in m equal micro-batches (m a divisor of the
 * batch, at most maxMicroBatches; chosen by the objective): smaller micro-batches keep
 * activations in the buffer, but reload weights unless the model's single-tile weights all fit
 * the resident-weight region (the program.ts rule SCAR's stages follow too). Then models are
 * assigned to distinct chiplets minimising the objective of the scenario:
 *   latency = max over models (they run side by side),
 *   energy  = sum of dynamic energies + leakage of every chiplet x latency.
 * Every injective assignment is tried when there are at most MAX_ASSIGNMENTS of them (all 3x3
 * cases), else models pick their best free chiplet in order of decreasing cost. Latency SLOs
 * rank assignments first (sched/slo.ts).
 */
import { Package, Scenario, ScheduleJob } from '../input/types';
import { InputError } from '../input/errors';
import { Topology } from '../cost/topology';
import { bufferLayout } from '../cost/plan';
import { LayerCoster, OutputLoc } from './scar/layercost';
import { singleTileWeightBytes } from './scar/stagecost';
import { Objective, objectiveOf } from './objective';
import { sloRank, sloViolationPs, sloWarning } from './slo';

export interface StandaloneOptions {
  objective?: Objective;
  maxMicroBatches: number;
  enforceSlo?: boolean;
}

export interface StandaloneResult {
  readonly strategy: 'standalone';
  readonly jobs: ScheduleJob[];
  /** Per model: its chiplet id, micro-batches, and contention-free latency and dynamic energy. */
  readonly models: { model: string; chiplet: string; microBatches: number; latencyPs: number; dynamicPj: number }[];
  readonly latencyPs: number;
  readonly energyPj: number;
  readonly warnings: string[];
}

const MAX_ASSIGNMENTS = 2_000_000;

interface Run {
  latencyPs: number;
  dynamicPj: number;
  microBatches: number;
}

/** The whole batch of model `mi` on chiplet `chip`, in its best number of micro-batches. */
function runOn(scenario: Scenario, pkg: Package, coster: LayerCoster, mi: number, chip: number, opts: StandaloneOptions, score: Objective): Run {
  const model = scenario.models[mi];
  const layers = model.workload.layers;
  const ctx = { byName: new Map(layers.map((l) => [l.name, l])) };
  const consumed = layers.map((l) => layers.some((x) => x.inputs.includes(l.name)));
  const staticMw = pkg.chiplets[chip].kind.staticPowerMw;
  let best: Run = { latencyPs: Infinity, dynamicPj: Infinity, microBatches: 1 };
  let bestScore = Infinity;
  for (let m = 1; m <= Math.min(opts.maxMicroBatches, model.batch); m++) {
    if (model.batch % m !== 0) continue;
    const sb = model.batch / m;
    const here = (): OutputLoc => ({ chiplet: chip, jobSamples: sb });
    let weights = 0;
    for (const l of layers) weights += singleTileWeightBytes(coster, l, chip, sb);
    const keep = m > 1 && (layers.length === 1 || weights <= bufferLayout(pkg.chiplets[chip].kind).residentWeightBytes);
    let first = { lat: 0, dyn: 0 };
    let rest = { lat: 0, dyn: 0 };
    layers.forEach((l, li) => {
      const f = coster.cost(ctx, l, chip, sb, here, false, consumed[li]);
      const r = keep ? coster.cost(ctx, l, chip, sb, here, true, consumed[li]) : f;
      first = { lat: first.lat + f.latencyPs, dyn: first.dyn + f.dynamicPj };
      rest = { lat: rest.lat + r.latencyPs, dyn: rest.dyn + r.dynamicPj };
    });
    const lat = first.lat + (m - 1) * rest.lat;
    const dyn = first.dyn + (m - 1) * rest.dyn;
    const value = score(lat, dyn + (staticMw * lat) / 1000);
    if (value < bestScore) {
      bestScore = value;
      best = { latencyPs: lat, dynamicPj: dyn, microBatches: m };
    }
  }
  return best;
}

export function scheduleStandalone(scenario: Scenario, pkg: Package, opts: StandaloneOptions, topology = new Topology(pkg)): StandaloneResult {
  const coster = new LayerCoster(pkg, topology);
  const score = opts.objective ?? objectiveOf('edp');
  const n = pkg.chiplets.length;
  const nm = scenario.models.length;
  if (nm > n) throw new InputError(scenario.file, 'models', `standalone needs one chiplet per model: ${nm} models, package ${pkg.name} has ${n} chiplets`);
  const runs: Run[][] = scenario.models.map((_, mi) => pkg.chiplets.map((c) => runOn(scenario, pkg, coster, mi, c.index, opts, score)));
  runs.forEach((r, mi) => {
    if (r.every((x) => !Number.isFinite(x.latencyPs))) {
      throw new InputError(scenario.models[mi].workload.file, 'layers', `model ${scenario.models[mi].name} has a layer that fits no chiplet's buffer in package ${pkg.name}`);
    }
  });
  const staticMw = pkg.chiplets.reduce((s, c) => s + c.kind.staticPowerMw, 0);
  const withSlo = opts.enforceSlo !== false && scenario.models.some((m) => m.latencySloMs);
  const completions = (assign: readonly number[]) => assign.map((c, mi) => ({ model: scenario.models[mi].name, completionPs: runs[mi][c].latencyPs, latencySloMs: scenario.models[mi].latencySloMs }));
  const rank = (assign: readonly number[]) => {
    let lat = 0;
    let dyn = 0;
    assign.forEach((c, mi) => {
      lat = Math.max(lat, runs[mi][c].latencyPs);
      dyn += runs[mi][c].dynamicPj;
    });
    const value = score(lat, dyn + (staticMw * lat) / 1000);
    return withSlo ? sloRank(sloViolationPs(completions(assign)), value) : value;
  };

  let best: number[] = [];
  let bestRank = Infinity;
  let count = 1;
  for (let i = 0; i < nm; i++) count *= n - i;
  if (count <= MAX_ASSIGNMENTS) {
    const assign: number[] = [];
    const used = new Uint8Array(n);
    const rec = (mi: number) => {
      if (mi === nm) {
        const r = rank(assign);
        if (r < bestRank) {
          bestRank = r;
          best = [...assign];
        }
        return;
      }
      for (let c = 0; c < n; c++) {
        if (used[c] || !Number.isFinite(runs[mi][c].latencyPs)) continue;
        used[c] = 1;
        assign.push(c);
        rec(mi + 1);
        assign.pop();
        used[c] = 0;
      }
    };
    rec(0);
  } else {
    // Largest model first takes its best free chiplet (by its own run's objective).
    const used = new Uint8Array(n);
    best = new Array(nm).fill(-1);
    const own = (mi: number, c: number) => score(runs[mi][c].latencyPs, runs[mi][c].dynamicPj + (pkg.chiplets[c].kind.staticPowerMw * runs[mi][c].latencyPs) / 1000);
    const order = scenario.models.map((_, mi) => mi).sort((a, b) => Math.min(...runs[b].map((r) => r.latencyPs)) - Math.min(...runs[a].map((r) => r.latencyPs)) || a - b);
    for (const mi of order) {
      let pick = -1;
      for (let c = 0; c < n; c++) if (!used[c] && Number.isFinite(runs[mi][c].latencyPs) && (pick < 0 || own(mi, c) < own(mi, pick))) pick = c;
      if (pick < 0) throw new InputError(scenario.file, 'models', `standalone: no free chiplet can run ${scenario.models[mi].name} on package ${pkg.name}`);
      used[pick] = 1;
      best[mi] = pick;
    }
  }
  if (best.length !== nm) throw new InputError(scenario.file, 'models', `standalone: no assignment of models to distinct chiplets of package ${pkg.name} runs them all`);

  const jobs: ScheduleJob[] = [];
  const models = best.map((c, mi) => {
    const model = scenario.models[mi];
    const r = runs[mi][c];
    const sb = model.batch / r.microBatches;
    for (let mb = 0; mb < r.microBatches; mb++) {
      for (const l of model.workload.layers) jobs.push({ layer: `${model.name}/${l.name}`, chiplet: pkg.chiplets[c].id, samples: [mb * sb, (mb + 1) * sb], window: 0 });
    }
    return { model: model.name, chiplet: pkg.chiplets[c].id, microBatches: r.microBatches, latencyPs: r.latencyPs, dynamicPj: r.dynamicPj };
  });
  const latencyPs = Math.max(...models.map((m) => m.latencyPs));
  const warning = withSlo ? sloWarning(`${scenario.name} on ${pkg.name} (standalone)`, completions(best)) : null;
  return {
    strategy: 'standalone', jobs, models, latencyPs,
    energyPj: models.reduce((s, m) => s + m.dynamicPj, 0) + (staticMw * latencyPs) / 1000,
    warnings: warning ? [warning] : [],
  };
}
