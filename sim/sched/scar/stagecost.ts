/**
 * Cost of one pipeline stage (a run of a model's layers on one chiplet) for every micro-batch
 * count SCAR tries, memoised by what it depends on: the layers, the chiplet's kind, the shapes
 * of its DRAM read and write paths, and for each producer outside the stage the producer
 * chiplet's kind, the shape of the route from it, and which producers share a chiplet (their
 * transfers merge). Routes and DRAM paths enter only through their shapes (PathShapes), so
 * placements with the same hop counts share an entry: the memo grows with the distinct
 * situations a stage meets, not with the chiplets or the evaluations.
 *
 * Per micro-batch count m (sb = batch / m samples per micro-batch), a stage's layers run one
 * after another: the first micro-batch loads weights from DRAM, later ones keep them when the
 * stage is one layer or all its single-tile weights fit the resident-weight region together
 * (program.ts rules), so
 *   firstPs  = sum of the layers' latencies (first micro-batch)
 *   restPs   = sum of the layers' latencies (any later micro-batch)
 *   dynamicPj = sum of (first + (m - 1) x later) energies.
 */
import { Layer, Package } from '../../input/types';
import { bufferLayout } from '../../cost/plan';
import { LayerCoster, OutputLoc } from './layercost';

/** A model's segmentation placed on a chain, for one window. */
export interface StagePlace {
  /** Identifies the model within the window (stage memo keys start with it). */
  readonly id: number;
  readonly model: { layers: readonly Layer[]; byName: Map<string, Layer>; index: Map<string, number>; consumed: readonly boolean[] };
  readonly batch: number;
  /** First layer of the window; `ends` are relative to it. */
  readonly first: number;
  readonly ends: readonly number[];
  readonly chain: readonly number[];
  /** Where outputs of earlier windows live. */
  readonly loc: Map<number, OutputLoc>;
  /** Micro-batch counts (divisors of the batch). */
  readonly ms: readonly number[];
}

export interface StageCost {
  readonly firstPs: number[];
  readonly restPs: number[];
  readonly dynamicPj: number[];
}

export class StageCoster {
  private readonly memo = new Map<string, StageCost>();
  /** Per model and layer range: producer layers outside the range, in order of first use. */
  private readonly external = new Map<string, number[]>();

  /** `reference`: no memo (every stage costed directly). One instance per window. */
  constructor(
    readonly coster: LayerCoster,
    readonly pkg: Package,
    readonly reference = false,
  ) {}

  cost(p: StagePlace, j: number): StageCost {
    const start = p.first + (j === 0 ? 0 : p.ends[j - 1]);
    const end = p.first + p.ends[j];
    if (this.reference) return this.compute(p, j, start, end);
    const chip = p.chain[j];
    const topo = this.coster.topo;
    const sh = this.coster.shapes;
    const range = `${p.id}:${start},${end}`;
    let ext = this.external.get(range);
    if (!ext) this.external.set(range, (ext = externalProducers(p.model, start, end)));
    let key = `${range}|${this.coster.kindOf(chip)}|${sh.shape(topo.dramReadPath(chip))}|${sh.shape(topo.dramWritePath(chip))}`;
    const seen: number[] = [];
    for (const li of ext) {
      const x = producerChiplet(p, li);
      if (x === chip) {
        key += '|L';
        continue;
      }
      let slot = seen.indexOf(x);
      if (slot < 0) slot = seen.push(x) - 1;
      key += `|${this.coster.kindOf(x)}.${sh.shape(topo.route(x, chip))}.${slot}`;
    }
    let c = this.memo.get(key);
    if (!c) {
      c = this.compute(p, j, start, end);
      this.memo.set(key, c);
    }
    return c;
  }

  private compute(p: StagePlace, j: number, start: number, end: number): StageCost {
    const chip = p.chain[j];
    const coster = this.coster;
    const out: StageCost = { firstPs: [], restPs: [], dynamicPj: [] };
    for (const m of p.ms) {
      const sb = p.batch / m;
      const producers = (name: string): OutputLoc | undefined => {
        const li = p.model.index.get(name)!;
        if (li >= p.first) return { chiplet: p.chain[segmentOf(p, li)], jobSamples: sb };
        return p.loc.get(li);
      };
      let stageWeights = 0;
      for (let li = start; li < end; li++) stageWeights += singleTileWeightBytes(coster, p.model.layers[li], chip, sb);
      const stageFits = end - start === 1 || stageWeights <= bufferLayout(this.pkg.chiplets[chip].kind).residentWeightBytes;
      let first = 0;
      let rest = 0;
      let energy = 0;
      for (let li = start; li < end; li++) {
        const layer = p.model.layers[li];
        const f = coster.cost(p.model, layer, chip, sb, producers, false, p.model.consumed[li]);
        const s = stageFits && m > 1 ? coster.cost(p.model, layer, chip, sb, producers, true, p.model.consumed[li]) : f;
        first += f.latencyPs;
        rest += s.latencyPs;
        energy += f.dynamicPj + (m - 1) * s.dynamicPj;
      }
      out.firstPs.push(first);
      out.restPs.push(rest);
      out.dynamicPj.push(energy);
    }
    return out;
  }
}

/** Segment (chain position) of window layer li. */
function segmentOf(p: StagePlace, li: number): number {
  const rel = li - p.first;
  let j = 0;
  while (p.ends[j] <= rel) j++;
  return j;
}

/** Chiplet holding producer layer li's output (this window's chain, or an earlier window). */
function producerChiplet(p: StagePlace, li: number): number {
  return li >= p.first ? p.chain[segmentOf(p, li)] : p.loc.get(li)!.chiplet;
}

function externalProducers(model: StagePlace['model'], start: number, end: number): number[] {
  const out: number[] = [];
  for (let li = start; li < end; li++) {
    for (const name of model.layers[li].inputs) {
      const pi = model.index.get(name)!;
      if (pi < start && !out.includes(pi)) out.push(pi);
    }
  }
  return out;
}

/** Weight bytes a job of `layer` keeps in the resident region: stationary, single-tile weights. */
export function singleTileWeightBytes(coster: LayerCoster, layer: Layer, chiplet: number, samples: number): number {
  if (layer.op === 'matmul') return 0;
  const p = coster.plan(layer, chiplet, samples);
  return p && p.weightBytes > 0 && p.kParts === 1 ? p.weightBytes : 0;
}
