/**
 * Cost of one layer job as the SCAR search sees it: contention-free latency and dynamic energy
 * from the same LayerPlan, transfer paths and pipeline rules as sim/cost (jobLatencyPs), with
 * the data-movement rules of sim/cost/program.ts. Memoised: the search asks the same questions
 * many times.
 */
import { Layer, Package } from '../../input/types';
import { bufferLayout, LayerPlan, planLayer } from '../../cost/plan';
import { packageSources } from '../../cost/mapper';
import { Topology } from '../../cost/topology';
import { Job, Source } from '../../cost/program';
import { jobLatencyPs } from '../../cost/estimate';
import { energyOf, newCounts } from '../../cost/energy';

export interface JobCost {
  latencyPs: number;
  dynamicPj: number;
}

export const INFEASIBLE: JobCost = Object.freeze({ latencyPs: Infinity, dynamicPj: Infinity });

/** Where a producer's output lives: its chiplet and the samples of the job that made it. */
export interface OutputLoc {
  chiplet: number;
  jobSamples: number;
}

export class LayerCoster {
  private readonly memo = new WeakMap<Layer, Map<string, JobCost>>();
  constructor(
    readonly pkg: Package,
    readonly topo: Topology,
  ) {}

  plan(layer: Layer, chiplet: number, samples: number): LayerPlan | null {
    const p = planLayer(layer.shape, this.pkg.chiplets[chiplet].kind, samples, this.pkg.elementBytes, packageSources(this.pkg));
    return typeof p === 'string' ? null : p;
  }

  /**
   * Cost of `layer` for `samples` samples on `chiplet`. `producers` gives, per input name, where
   * its output lives (undefined: not placed yet, read from DRAM). `keepWeights`: single-tile
   * weights are still on chip (program.ts rules: same layer just before, or a stage whose
   * weights all fit the resident-weight region). `consumed`: a later layer
   * reads this output (else it is a model output, written to DRAM).
   */
  cost(
    model: { byName: Map<string, Layer> },
    layer: Layer,
    chiplet: number,
    samples: number,
    producers: (name: string) => OutputLoc | undefined,
    keepWeights: boolean,
    consumed: boolean,
  ): JobCost {
    const locs = layer.inputs.map((n) => producers(n));
    let memo = this.memo.get(layer);
    if (!memo) this.memo.set(layer, (memo = new Map()));
    const key = `${chiplet}|${samples}|${keepWeights ? 1 : 0}|${consumed ? 1 : 0}|${locs.map((l) => (l ? `${l.chiplet}:${l.jobSamples}` : '-')).join(',')}`;
    let c = memo.get(key);
    if (c) return c;
    const plan = this.plan(layer, chiplet, samples);
    if (!plan) {
      memo.set(key, INFEASIBLE);
      return INFEASIBLE;
    }
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
        const path = !resident ? topo.dramReadPath(chiplet) : loc.chiplet === chiplet ? [] : topo.route(loc.chiplet, chiplet);
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
          ? [{ path: [], weight: 1 }]
          : [{ path: topo.dramReadPath(chiplet), weight: 1 }];
    const storePath = consumed && plan.outputBytes <= bufferLayout(plan.kind).outputBytes ? null : topo.dramWritePath(chiplet);
    const job = { plan, chiplet, weightSources, inputSources, storePath } as unknown as Job;
    const counts = newCounts(topo);
    const latencyPs = jobLatencyPs(job, topo, counts);
    c = { latencyPs, dynamicPj: energyOf(this.pkg, topo, counts, 0).dynamicPj };
    memo.set(key, c);
    return c;
  }
}
