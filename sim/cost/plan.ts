/**
 * The LayerPlan: how one layer, for a number of samples, runs on one chiplet kind. It is the
 * single source of per-layer numbers for both the analytical model and the simulator: the best
 * mapping the mapper (mapper.ts: spatial unrolling from spatial.ts, tiling, loop order, chosen by
 * an objective) finds, with its tiles, bytes per level and compute cycles; or, on a kind whose
 * mapping names a MAESTRO template, the template's runtime and accesses (template.ts).
 *
 * Tiles: the layer is cut into kParts along output channels (or groups, when grouped) and nParts
 * along output rows over all samples; tiles run outer x inner (kOuter: K-parts outermost).
 * An operand indexed by the inner loop is reloaded for every tile unless it has a single part.
 */
import { ChipletKind, LayerShape } from '../input/types';
import { DataSources, LevelEnergy, LOCAL_SOURCES, mapLayer, Mapping, Objective } from './mapper';
import { TileDims } from './spatial';
import { templateCovers, templatePlan } from './template';

export { bufferLayout } from './buffer';

export interface LayerPlan {
  readonly kind: ChipletKind;
  readonly samples: number;
  readonly macs: number;
  readonly vectorOps: number;
  /** K-parts and N-parts; tiles = kParts * nParts, ordered outer x inner. */
  readonly kParts: number;
  readonly nParts: number;
  readonly tiles: number;
  /** true: K-parts outermost; false: N-parts outermost (chosen by the mapper). */
  readonly kOuter: boolean;
  /** True when a K-part also selects the inputs it reads (grouped/depthwise/heads). */
  readonly grouped: boolean;
  /** Weight-operand bytes (stationary weights, or the matmul B operand for these samples). */
  readonly weightBytes: number;
  /** Input bytes including the halo rows that neighbouring N-parts both read. */
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly cyclesPerTile: number;
  readonly computeCycles: number;
  /** Weight and input bytes loaded over all tiles (reloads included). */
  readonly weightLoadBytes: number;
  readonly inputLoadBytes: number;
  /** Global-buffer (L2) bytes read and written: fills, array reads, partial sums, outputs. */
  readonly bufferAccessBytes: number;
  /** Bytes delivered over the PE array's network (edge or neighbour to a PE). */
  readonly arrayAccessBytes: number;
  /** Bytes read and written in PE-local registers / scratchpads. */
  readonly rfAccessBytes: number;
  /** MACs (or vector ops) / (computeCycles * PEs). */
  readonly utilization: number;
  /** Largest tile working set, bytes. */
  readonly tileBytes: number;
  /** Spatial unrolling (rows x columns) and the PE rows and columns it uses. */
  readonly spatial: string;
  readonly rowsUsed: number;
  readonly colsUsed: number;
  /** The largest tile's loop bounds. */
  readonly tile: Readonly<TileDims>;
  /** The mapper's latency estimate used for ranking (the real timing is estimate.ts's). */
  readonly mapperLatencyCycles: number;
  /** On-chip energy per level and the loads' energy as the mapper ranked them. */
  readonly energy: Readonly<LevelEnergy>;
}

export interface TileLoad {
  weightBytes: number;
  inputBytes: number;
  outputBytes: number;
}

/** Part i of `total` split into n near-equal integer parts (earlier parts take the remainder). */
export function share(total: number, n: number, i: number): number {
  return Math.floor((total * (i + 1)) / n) - Math.floor((total * i) / n);
}

/**
 * Pure memoisation, the only state here: planLayer's result is a function of its arguments, the
 * key holds every one of them (kind and shape by identity: both are frozen input IR), and a
 * WeakMap lets the entries go with the package or workload. A cache hit returns exactly what a
 * fresh computation would, so this module-level map changes no result and needs no owner.
 */
const cache = new WeakMap<ChipletKind, WeakMap<LayerShape, Map<string, LayerPlan | string>>>();
/** Pure memoisation of sourceKey() per (frozen) DataSources object. */
const sourceKeys = new WeakMap<DataSources, string>();

/** Every field of DataSources the mapper reads (the latencies too: they set the tile transfer time). */
function sourceKey(s: DataSources): string {
  let k = sourceKeys.get(s);
  if (k === undefined) sourceKeys.set(s, (k = `${s.weightGBps},${s.weightLatencyNs},${s.weightPjPerByte},${s.inputGBps},${s.inputLatencyNs},${s.inputPjPerByte},${s.sharedPath ? 1 : 0}`));
  return k;
}

/**
 * Plans `shape` for `samples` samples on `kind`: the mapper's best mapping for `sources` (where
 * weights and inputs come from; default: already on chip) by `objective`, or when the kind's
 * mapping is a MAESTRO template, the template's plan (template.ts; vector layers still get the
 * mapper's vector unit). Returns a string (the reason) when no tiling fits the buffer.
 * Memoised by (kind, shape, samples, elementBytes, sources, objective); the kind carries its
 * mapping, so the memo is by (layer shape, kind, mapping): the scheduler asks thousands of times.
 */
export function planLayer(
  shape: LayerShape, kind: ChipletKind, samples: number, elementBytes: number,
  sources: DataSources = LOCAL_SOURCES, objective: Objective = 'latency',
): LayerPlan | string {
  let byShape = cache.get(kind);
  if (!byShape) cache.set(kind, (byShape = new WeakMap()));
  let byKey = byShape.get(shape);
  if (!byKey) byShape.set(shape, (byKey = new Map()));
  const key = `${samples}|${elementBytes}|${sourceKey(sources)}|${objective}`;
  let plan = byKey.get(key);
  if (plan === undefined) {
    if (templateCovers(shape, kind)) plan = templatePlan(shape, kind, samples, elementBytes, sources, objective);
    else {
      const m = mapLayer(shape, kind, samples, elementBytes, sources, objective, 1);
      plan = typeof m === 'string' ? m : toPlan(shape, kind, samples, elementBytes, m[0]);
    }
    byKey.set(key, plan);
  }
  return plan;
}

/** The LayerPlan of one mapping (also used to show runners-up). */
export function toPlan(shape: LayerShape, kind: ChipletKind, samples: number, eb: number, m: Mapping): LayerPlan {
  const macs = shape.macsPerSample * samples;
  const vectorOps = shape.vectorOpsPerSample * samples;
  const tiles = m.kParts * m.nParts;
  return {
    kind, samples, macs, vectorOps, kParts: m.kParts, nParts: m.nParts, tiles, kOuter: m.kOuter, grouped: shape.groups > 1,
    weightBytes: (shape.weightElems + shape.operandBElemsPerSample * samples) * eb, inputBytes: m.inputBytes,
    outputBytes: shape.outputElemsPerSample * samples * eb, cyclesPerTile: m.cyclesPerTile, computeCycles: m.computeCycles,
    weightLoadBytes: m.weightLoadBytes, inputLoadBytes: m.inputLoadBytes, bufferAccessBytes: m.bufferAccessBytes,
    arrayAccessBytes: m.arrayAccessBytes, rfAccessBytes: m.rfAccessBytes,
    utilization: (macs + vectorOps) / (m.computeCycles * kind.peRows * kind.peCols), tileBytes: m.tileBytes,
    spatial: m.spatial, rowsUsed: m.rowsUsed, colsUsed: m.colsUsed, tile: m.tile, mapperLatencyCycles: m.latencyCycles, energy: m.energy,
  };
}

/**
 * Bytes tile t loads and stores. Tiles run outer x inner; the operand indexed by the outer
 * loop is loaded when the outer index changes, the one indexed by the inner loop every tile
 * unless it has a single part (then it stays resident). Sums over all tiles equal
 * weightLoadBytes, inputLoadBytes and outputBytes exactly.
 */
export function tileLoad(plan: LayerPlan, t: number, out: TileLoad): TileLoad {
  const inner = plan.kOuter ? plan.nParts : plan.kParts;
  const a = Math.floor(t / inner);
  const b = t - a * inner;
  const k = plan.kOuter ? a : b;
  const n = plan.kOuter ? b : a;
  const { kParts, nParts } = plan;
  // Weights depend on k only.
  if (plan.kOuter) out.weightBytes = b === 0 ? share(plan.weightBytes, kParts, k) : 0;
  else out.weightBytes = kParts === 1 ? (t === 0 ? plan.weightBytes : 0) : share(plan.weightBytes, kParts, k);
  // Inputs depend on n (and on k when grouped).
  if (plan.grouped) out.inputBytes = share(share(plan.inputBytes, nParts, n), kParts, k);
  else if (!plan.kOuter) out.inputBytes = b === 0 ? share(plan.inputBytes, nParts, n) : 0;
  else out.inputBytes = nParts === 1 ? (t === 0 ? plan.inputBytes : 0) : share(plan.inputBytes, nParts, n);
  out.outputBytes = share(share(plan.outputBytes, nParts, n), kParts, k);
  return out;
}
