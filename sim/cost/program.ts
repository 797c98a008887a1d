/**
 * Lowers a Schedule onto a scenario and a package: the Program that both the analytical model
 * (estimate.ts) and the simulator (sim/hw/replay.ts) execute. Every job gets its LayerPlan and
 * the exact NoP/DRAM paths of its loads and stores, so both models move the same bytes.
 *
 * Data movement rules (documented in README "Model"):
 * - Stationary weights come from the chiplet's nearest DRAM channel, except when they are
 *   still on chip: (a) the previous job on the chiplet ran the same layer and its weights
 *   fitted one tile, or (b) an earlier job of the same window on this chiplet ran the same
 *   layer, and the weights of all single-tile layers the chiplet runs in that window fit its
 *   resident-weight region (bufferLayout) together, so a pipeline stage keeps its weights
 *   across micro-batches.
 * - A job's output stays in its chiplet's buffer when it fits the activation region
 *   (bufferLayout) and some later layer reads it; consumers on other chiplets pull it
 *   over the NoP, consumers on the same chiplet read it locally. Otherwise (too large, or a
 *   model output) every tile's output is written to DRAM and consumers read it from there.
 * - Model inputs come from DRAM. The matmul B operand is pulled like an input, from the layer's
 *   last input (its first input supplies A).
 * - Bytes a tile loads are split over the producers in proportion to their share of the data.
 */
import { Layer, Package, Scenario, Schedule } from '../input/types';
import { InputError } from '../input/errors';
import { bufferLayout, LayerPlan, planLayer } from './plan';
import { packageSources } from './mapper';
import { Topology } from './topology';
import TinyQueue from 'tinyqueue';

export interface Source {
  /** Resources the bytes cross; empty = already in this chiplet's buffer. */
  readonly path: readonly number[];
  /** Integer weight of this source in the split of each tile's bytes. */
  readonly weight: number;
}

export interface Job {
  readonly index: number;
  /** "model/layer" or "model/layer[a:b]" when the batch is split. */
  readonly name: string;
  readonly model: string;
  readonly layer: Layer;
  readonly chiplet: number;
  readonly samples: readonly [number, number];
  readonly window: number;
  readonly plan: LayerPlan;
  readonly weightSources: readonly Source[];
  readonly inputSources: readonly Source[];
  /** DRAM write path for every tile's output, or null when outputs stay on chip. */
  readonly storePath: readonly number[] | null;
  readonly deps: readonly number[];
  readonly consumers: readonly number[];
  /** Position in the file (for error messages). */
  readonly scheduleIndex: number;
}

export interface Program {
  readonly pkg: Package;
  readonly scenario: Scenario;
  readonly topology: Topology;
  readonly jobs: readonly Job[];
  /** Job indices per chiplet in execution order. */
  readonly chipletJobs: readonly (readonly number[])[];
  readonly windows: number;
  /** Jobs in an order that respects dependencies, chiplet order and windows. */
  readonly topoOrder: readonly number[];
}

interface Draft {
  index: number; name: string; model: string; modelIdx: number; layer: Layer; chiplet: number;
  samples: [number, number]; window: number; plan: LayerPlan; scheduleIndex: number;
  deps: number[]; consumers: number[];
}

export function lowerSchedule(schedule: Schedule, scenario: Scenario, pkg: Package, topology = new Topology(pkg)): Program {
  const fail = (i: number, field: string, msg: string): never => {
    throw new InputError(schedule.file, `jobs[${i}].${field}`, msg);
  };
  const modelIdx = new Map(scenario.models.map((m, i) => [m.name, i]));
  const chipletIdx = new Map(pkg.chiplets.map((c) => [c.id, c.index]));
  const drafts: Draft[] = [];
  // jobsOf[model][layer] -> job indices (sample ranges)
  const jobsOf = scenario.models.map((m) => m.workload.layers.map(() => [] as number[]));
  const layerIdx = scenario.models.map((m) => new Map(m.workload.layers.map((l, i) => [l.name, i])));

  schedule.jobs.forEach((sj, i) => {
    const [mname, lname] = sj.layer.split('/');
    const mi = modelIdx.get(mname);
    if (mi === undefined) fail(i, 'layer', `no model "${mname}" in scenario ${scenario.name} (models: ${[...modelIdx.keys()].join(', ')})`);
    const model = scenario.models[mi!];
    const li = layerIdx[mi!].get(lname);
    if (li === undefined) fail(i, 'layer', `model "${mname}" has no layer "${lname}"`);
    const ci = chipletIdx.get(sj.chiplet);
    if (ci === undefined) fail(i, 'chiplet', `no chiplet "${sj.chiplet}" in package ${pkg.name} (ids c<row>_<col>, grid ${pkg.rows}x${pkg.cols})`);
    const s0 = sj.samples[0];
    const s1 = Math.min(sj.samples[1], model.batch);
    if (s0 >= model.batch || (Number.isFinite(sj.samples[1]) && sj.samples[1] > model.batch)) {
      fail(i, 'samples', `range [${s0}, ${sj.samples[1]}) exceeds batch ${model.batch} of model "${mname}"`);
    }
    const layer = model.workload.layers[li!];
    const kind = pkg.chiplets[ci!].kind;
    const plan = planLayer(layer.shape, kind, s1 - s0, pkg.elementBytes, packageSources(pkg));
    if (typeof plan === 'string') fail(i, 'chiplet', `layer ${sj.layer} cannot run on ${sj.chiplet}: it ${plan}`);
    const whole = s0 === 0 && s1 === model.batch;
    drafts.push({
      index: i, name: whole ? sj.layer : `${sj.layer}[${s0}:${s1}]`, model: mname, modelIdx: mi!, layer,
      chiplet: ci!, samples: [s0, s1], window: sj.window, plan: plan as LayerPlan, scheduleIndex: i, deps: [], consumers: [],
    });
    jobsOf[mi!][li!].push(i);
  });

  // Every layer's batch must be covered exactly once.
  scenario.models.forEach((m, mi) => {
    m.workload.layers.forEach((l, li) => {
      const js = jobsOf[mi][li].map((j) => drafts[j]).sort((a, b) => a.samples[0] - b.samples[0]);
      if (js.length === 0) {
        throw new InputError(schedule.file, 'jobs', `layer ${m.name}/${l.name} is not scheduled (every layer of every model needs a job)`);
      }
      let next = 0;
      for (const d of js) {
        if (d.samples[0] !== next) {
          fail(d.index, 'samples', d.samples[0] < next
            ? `samples of ${m.name}/${l.name} overlap another job's (from ${d.samples[0]}, already covered to ${next})`
            : `samples [${next}, ${d.samples[0]}) of ${m.name}/${l.name} are not scheduled`);
        }
        next = d.samples[1];
      }
      if (next !== m.batch) fail(js[js.length - 1].index, 'samples', `samples [${next}, ${m.batch}) of ${m.name}/${l.name} are not scheduled`);
    });
  });

  // Dependencies: a job needs every producer job whose samples overlap its own.
  const overlap = (a: readonly [number, number], b: readonly [number, number]) => Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));
  const producersOf = (d: Draft, producer: string) => {
    const li = layerIdx[d.modelIdx].get(producer)!;
    return jobsOf[d.modelIdx][li].filter((p) => overlap(drafts[p].samples, d.samples) > 0);
  };
  for (const d of drafts) {
    const deps = new Set<number>();
    for (const inp of d.layer.inputs) for (const p of producersOf(d, inp)) deps.add(p);
    d.deps = [...deps].sort((a, b) => a - b);
    for (const p of d.deps) drafts[p].consumers.push(d.index);
  }

  // Order per chiplet and windows; then check the order can run (no cycle, windows ascend).
  const chipletJobs: number[][] = pkg.chiplets.map(() => []);
  for (const d of drafts) chipletJobs[d.chiplet].push(d.index);
  for (const d of drafts) {
    for (const p of d.deps) {
      if (drafts[p].window > d.window) {
        fail(d.index, 'window', `${d.name} in window ${d.window} depends on ${drafts[p].name} in later window ${drafts[p].window}`);
      }
    }
  }
  for (const list of chipletJobs) {
    for (let i = 1; i < list.length; i++) {
      const a = drafts[list[i - 1]];
      const b = drafts[list[i]];
      if (b.window < a.window) fail(b.index, 'window', `${b.name} (window ${b.window}) is listed after ${a.name} (window ${a.window}) on the same chiplet; windows must not decrease along a chiplet's order`);
    }
  }
  const windows = drafts.reduce((m, d) => Math.max(m, d.window + 1), 0);
  const topoOrder = topologicalOrder(drafts, chipletJobs, fail);

  // Residency of outputs and the sources of every job's operands.
  const consumedLater = (d: Draft) => scenario.models[d.modelIdx].workload.layers.some((l) => l.inputs.includes(d.layer.name));
  const resident = drafts.map((d) => consumedLater(d) && d.plan.outputBytes <= bufferLayout(d.plan.kind).outputBytes);
  const keepsWeights = residentWeights(drafts, chipletJobs);
  const eb = pkg.elementBytes;
  const jobs: Job[] = drafts.map((d) => {
    const sourcesFrom = (layers: readonly string[], elemsOf: (l: Layer) => number): Source[] => {
      if (layers.length === 0) return [{ path: topology.dramReadPath(d.chiplet), weight: 1 }];
      const out: Source[] = [];
      for (const inp of layers) {
        for (const p of producersOf(d, inp)) {
          const pd = drafts[p];
          const weight = overlap(pd.samples, d.samples) * elemsOf(pd.layer) * eb;
          const path = !resident[p] ? topology.dramReadPath(d.chiplet) : pd.chiplet === d.chiplet ? [] : topology.route(pd.chiplet, d.chiplet);
          out.push({ path, weight });
        }
      }
      return out;
    };
    const outElems = (l: Layer) => l.shape.outputElemsPerSample;
    const ins = d.layer.inputs;
    let inputSources: Source[];
    let weightSources: Source[];
    if (d.layer.op === 'matmul') {
      inputSources = sourcesFrom(ins.slice(0, 1), outElems);
      weightSources = sourcesFrom(ins.slice(-1), outElems);
    } else {
      inputSources = sourcesFrom(ins, outElems);
      const keeps = keepsWeights[d.index];
      weightSources = d.plan.weightBytes === 0 ? [] : keeps ? [{ path: [], weight: 1 }] : [{ path: topology.dramReadPath(d.chiplet), weight: 1 }];
    }
    return {
      index: d.index, name: d.name, model: d.model, layer: d.layer, chiplet: d.chiplet, samples: d.samples,
      window: d.window, plan: d.plan, weightSources, inputSources,
      storePath: resident[d.index] ? null : topology.dramWritePath(d.chiplet),
      deps: d.deps, consumers: d.consumers, scheduleIndex: d.scheduleIndex,
    };
  });
  return { pkg, scenario, topology, jobs, chipletJobs, windows, topoOrder };
}

/** Stationary weights (not the matmul B operand) that one tile holds whole. */
const singleTileWeights = (d: Draft) => d.layer.op !== 'matmul' && d.plan.weightBytes > 0 && d.plan.kParts === 1;

/** Per job: are its weights still on chip from an earlier job (rules in the header)? */
function residentWeights(drafts: Draft[], chipletJobs: number[][]): boolean[] {
  const keeps = drafts.map(() => false);
  for (const list of chipletJobs) {
    // Group this chiplet's jobs by window; in each, the single-tile layers it runs.
    const byWindow = new Map<number, Draft[]>();
    for (const j of list) {
      const w = drafts[j].window;
      if (!byWindow.has(w)) byWindow.set(w, []);
      byWindow.get(w)!.push(drafts[j]);
    }
    for (const jobs of byWindow.values()) {
      const layers = new Map<string, number>();
      for (const d of jobs) if (singleTileWeights(d)) layers.set(`${d.model}/${d.layer.name}`, d.plan.weightBytes);
      const total = [...layers.values()].reduce((a, b) => a + b, 0);
      const fits = jobs.length > 0 && total <= bufferLayout(jobs[0].plan.kind).residentWeightBytes;
      const seen = new Set<string>();
      jobs.forEach((d, i) => {
        const key = `${d.model}/${d.layer.name}`;
        const prev = jobs[i - 1];
        const afterSame = prev !== undefined && prev.layer === d.layer && prev.model === d.model && singleTileWeights(prev) && singleTileWeights(d);
        keeps[d.index] = singleTileWeights(d) && (afterSame || (fits && seen.has(key)));
        if (singleTileWeights(d)) seen.add(key);
      });
    }
  }
  return keeps;
}

/** Kahn's algorithm over dependency, per-chiplet order and window edges (window by window). */
function topologicalOrder(drafts: Draft[], chipletJobs: number[][], fail: (i: number, f: string, m: string) => never): number[] {
  const n = drafts.length;
  const indeg = new Int32Array(n);
  const succ: number[][] = drafts.map(() => []);
  const edge = (a: number, b: number) => {
    succ[a].push(b);
    indeg[b]++;
  };
  for (const d of drafts) for (const p of d.deps) edge(p, d.index);
  for (const list of chipletJobs) for (let i = 1; i < list.length; i++) edge(list[i - 1], list[i]);
  const order: number[] = [];
  // Lowest window first, then schedule order: keeps the order stable and readable.
  const ready = new TinyQueue<number>([], (a, b) => drafts[a].window - drafts[b].window || a - b);
  for (let i = 0; i < n; i++) if (indeg[i] === 0) ready.push(i);
  while (ready.length) {
    const j = ready.pop()!;
    order.push(j);
    for (const s of succ[j]) if (--indeg[s] === 0) ready.push(s);
  }
  if (order.length < n) {
    const stuck = drafts.find((d) => indeg[d.index] > 0)!;
    const waitsFor = stuck.deps.find((p) => indeg[p] > 0 || drafts[p].chiplet === stuck.chiplet);
    fail(stuck.index, 'chiplet',
      `the order cannot run: ${stuck.name} waits for ${waitsFor !== undefined ? drafts[waitsFor].name : 'a job'} that is ordered after it (a dependency is broken)`);
  }
  // Windows are barriers: a job of a later window may not be needed by an earlier one; the
  // check in lowerSchedule guarantees that, so sort stably by window.
  return order.sort((a, b) => drafts[a].window - drafts[b].window);
}
