/**
 * Cost of one layer job as the schedulers see it: contention-free latency and dynamic energy
 * from the same LayerPlan, transfer paths and pipeline rules as sim/cost (the job is built with
 * the data-movement rules of sim/cost/program.ts), costed by sim/cost/jobcost.ts.
 *
 * Memoised by what the cost depends on, not by where the job runs: the chiplet kind, the
 * samples, whether weights are kept and the output stays on chip, and for every operand source
 * the shape of its path (resource classes in order, PathShapes) and which sources share a path
 * (their transfers merge). Two placements with the same hop counts to producers and DRAM share
 * one entry, so the memo grows with the distinct situations, not with the package.
 * `reference: true` evaluates directly (the lowered-job walk of estimate.ts, energy from
 * whole-package counts), memoised only by the full arguments with absolute positions: the
 * yardstick the tests hold the fast path to.
 */
import { Layer, Package } from '../../input/types';
import { bufferLayout, LayerPlan, planLayer } from '../../cost/plan';
import { packageSources } from '../../cost/mapper';
import { Topology } from '../../cost/topology';
import { Job, Source } from '../../cost/program';
import { jobLatencyPs } from '../../cost/estimate';
import { newCounts } from '../../cost/energy';
import { classBytesOf, dynamicFromClasses, JobCost, JobShape, JobWalker, PathShapes } from '../../cost/jobcost';

export type { JobCost } from '../../cost/jobcost';

export const INFEASIBLE: JobCost = Object.freeze({ latencyPs: Infinity, dynamicPj: Infinity });

/** Where a producer's output lives: its chiplet and the samples of the job that made it. */
export interface OutputLoc {
  chiplet: number;
  jobSamples: number;
}

/** model (its layers by name), layer, chiplet, samples, producers, keepWeights, consumed. */
export type JobArgs = [
  model: { byName: Map<string, Layer> },
  layer: Layer,
  chiplet: number,
  samples: number,
  producers: (name: string) => OutputLoc | undefined,
  keepWeights: boolean,
  consumed: boolean,
];

const LOCAL: readonly number[] = Object.freeze([]);
const ONE_LOCAL: readonly Source[] = Object.freeze([{ path: LOCAL, weight: 1 }]);

export class LayerCoster {
  readonly shapes: PathShapes;
  readonly reference: boolean;
  private readonly memo = new WeakMap<Layer, Map<string, JobCost>>();
  private readonly walker: JobWalker;
  private readonly kindIdx: Int32Array;
  private readonly dramRead: (readonly Source[])[];

  constructor(
    readonly pkg: Package,
    readonly topo: Topology,
    opts: { reference?: boolean } = {},
  ) {
    this.reference = opts.reference ?? false;
    this.shapes = new PathShapes(topo);
    this.walker = new JobWalker(pkg, this.shapes);
    this.kindIdx = Int32Array.from(pkg.chiplets, (c) => pkg.kinds.indexOf(c.kind));
    this.dramRead = pkg.chiplets.map((c) => Object.freeze([{ path: topo.dramReadPath(c.index), weight: 1 }]));
  }

  /** Index of the chiplet's kind in pkg.kinds (what a cost depends on, with the paths). */
  kindOf(chiplet: number): number {
    return this.kindIdx[chiplet];
  }

  plan(layer: Layer, chiplet: number, samples: number): LayerPlan | null {
    const p = planLayer(layer.shape, this.pkg.chiplets[chiplet].kind, samples, this.pkg.elementBytes, packageSources(this.pkg));
    return typeof p === 'string' ? null : p;
  }

  /**
   * The job of `layer` for `samples` samples on `chiplet` as program.ts lowers it. `producers`
   * gives, per input name, where its output lives (undefined: not placed yet, read from DRAM).
   * `keepWeights`: single-tile weights are still on chip (program.ts rules: same layer just
   * before, or a stage whose weights all fit the resident-weight region). `consumed`: a later
   * layer reads this output (else it is a model output, written to DRAM). Null: does not fit.
   */
  job(...[model, layer, chiplet, samples, producers, keepWeights, consumed]: JobArgs): JobShape | null {
    const plan = this.plan(layer, chiplet, samples);
    if (!plan) return null;
    const topo = this.topo;
    const eb = this.pkg.elementBytes;
    const sources = (names: readonly string[]): Source[] => {
      if (names.length === 0) return [{ path: topo.dramReadPath(chiplet), weight: 1 }];
      return names.map((n) => {
        const loc = producers(n);
        const p = model.byName.get(n)!;
        const outBytes = p.shape.outputElemsPerSample * eb;
        if (!loc) return { path: topo.dramReadPath(chiplet), weight: outBytes };
        const resident = outBytes * loc.jobSamples <= bufferLayout(this.pkg.chiplets[loc.chiplet].kind).outputBytes;
        const path = !resident ? topo.dramReadPath(chiplet) : loc.chiplet === chiplet ? LOCAL : topo.route(loc.chiplet, chiplet);
        return { path, weight: outBytes };
      });
    };
    const isMatmul = layer.op === 'matmul';
    const inputSources = sources(isMatmul ? layer.inputs.slice(0, 1) : layer.inputs);
    const weightSources = isMatmul
      ? sources(layer.inputs.slice(-1))
      : plan.weightBytes === 0
        ? []
        : keepWeights && plan.kParts === 1
          ? ONE_LOCAL
          : this.dramRead[chiplet];
    const storePath = consumed && plan.outputBytes <= bufferLayout(plan.kind).outputBytes ? null : topo.dramWritePath(chiplet);
    return { plan, weightSources, inputSources, storePath };
  }

  /** Cost of the job described at job(); INFEASIBLE when the layer does not fit. */
  cost(...args: JobArgs): JobCost {
    const job = this.job(...args);
    const [, layer, chiplet, samples, , keepWeights] = args;
    if (!job) return INFEASIBLE;
    let memo = this.memo.get(layer);
    if (!memo) this.memo.set(layer, (memo = new Map()));
    const key = this.reference ? positionKey(args) : this.key(job, chiplet, samples, keepWeights);
    let c = memo.get(key);
    if (!c) {
      c = this.reference ? referenceCost(job, this.topo, this.shapes) : this.walker.cost(job);
      memo.set(key, c);
    }
    return c;
  }

  /** Everything job()'s cost depends on besides the layer, position-free. */
  private key(job: JobShape, chiplet: number, samples: number, keepWeights: boolean): string {
    const sh = this.shapes;
    let key = `${this.kindIdx[chiplet]}|${samples}|${keepWeights ? 1 : 0}|${job.storePath ? sh.shape(job.storePath) : -1}`;
    const all = [...job.weightSources, ...job.inputSources];
    for (let i = 0; i < all.length; i++) {
      const path = all[i].path;
      let g = 0;
      while (all[g].path !== path) g++;
      key += `|${sh.shape(path)}.${g}`;
    }
    return key;
  }
}

/** The reference memo key: every argument, positions included (exact by construction). */
function positionKey([, layer, chiplet, samples, producers, keepWeights, consumed]: JobArgs): string {
  const locs = layer.inputs.map((n) => producers(n)).map((l) => (l ? `${l.chiplet}:${l.jobSamples}` : '-'));
  return `${chiplet}|${samples}|${keepWeights ? 1 : 0}|${consumed ? 1 : 0}|${locs.join(',')}`;
}

/** The direct evaluation: the lowered-job walk of estimate.ts and whole-package counts. */
export function referenceCost(job: JobShape, topo: Topology, shapes: PathShapes): JobCost {
  const counts = newCounts(topo);
  const latencyPs = jobLatencyPs(job as Job, topo, counts);
  return { latencyPs, dynamicPj: dynamicFromClasses(shapes, job.plan, classBytesOf(shapes, counts.resourceBytes)) };
}
