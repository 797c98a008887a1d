/**
 * The per-layer mapper: searches how one layer (for a number of samples) runs on one chiplet
 * kind and returns the best mappings by an objective. planLayer (plan.ts) memoises the best one;
 * `mcmsim cost --top N` shows the runners-up.
 *
 * Mapping space (every point is legal for the dataflow class; spatial.ts documents which loops
 * each class may unroll and why):
 * - spatial: the unrollings of spatial.ts for the tile;
 * - temporal: the layer is cut into tK parts along output channels (or groups, when grouped)
 *   and tN parts along output rows over all samples; every distinct part count is tried. C, R, S
 *   and Q are not cut: a C cut would send partial sums back to the buffer between tiles and
 *   R/S/Q cuts only shrink tiles that already fit by cutting rows;
 * - loop order of the tiles: K-parts outermost (weights loaded once, inputs reloaded for every
 *   K-part unless a single N-part keeps them resident) or N-parts outermost (inputs loaded once,
 *   weights reloaded for every N-part unless a single K-part keeps them resident).
 * A tile (its weights, inputs with the halo rows, outputs) must fit one tile slot (a quarter of
 * the buffer, bufferLayout); two slots give double buffering.
 *
 * Ranking (objective 'latency' by default, ties by energy; 'energy' ties by latency; 'edp'):
 *   load cycles  = loaded bytes / (source GB/s / clock) + the source's latency x the tiles that
 *                  load the operand (tile loads queue one after another, as in estimate.ts);
 *                  weights and inputs in parallel unless they share a path (then they add up)
 *   latency      = first tile's load + max(compute cycles, remaining loads + one tile's compute)
 *                  (the double-buffered pipeline of estimate.ts, with tiles of equal size). Weights
 *                  held whole by every tile (one K-part) are ranked as if on chip (their load
 *                  still counts in energy): they
 *                  can stay on chip between jobs (program.ts: same layer again, or a pipeline
 *                  stage across micro-batches), which a split layer cannot; without this, the
 *                  mapper would split K only to overlap the first weight load, a gain of well
 *                  under 1 % that costs the reuse across jobs
 *   energy       = MACs x macEnergyPj + RF bytes x rfEnergyPjPerByte + array bytes x
 *                  arrayEnergyPjPerByte + buffer bytes x bufferEnergyPjPerByte + loaded bytes x
 *                  the sources' pJ/byte
 *   buffer bytes = fills (loaded bytes) + output write and drain (2 x outputs) + array reads and
 *                  partial-sum accesses per tile x tiles
 * The exact timing (per-tile transfers on real paths, contention) is estimate.ts's and the
 * simulator's; the mapper only ranks. Because a larger buffer only adds candidates and the score
 * does not depend on the buffer size, a larger buffer never gives a worse mapping.
 */
import { ChipletKind, LayerShape, Package } from '../input/types';
import { bufferLayout } from './buffer';
import { cdiv, TileDims, Unrolling, unrollings } from './spatial';

/** Where a layer's operands come from, as the mapper costs their loads. */
export interface DataSources {
  /** GB/s (1 GB/s = 1 byte/ns); Infinity = already on chip. */
  readonly weightGBps: number;
  /** Latency every tile's transfer pays (loads of successive tiles queue one after another). */
  readonly weightLatencyNs: number;
  readonly weightPjPerByte: number;
  readonly inputGBps: number;
  readonly inputLatencyNs: number;
  readonly inputPjPerByte: number;
  /** Weights and inputs come over the same path, so their loads add up. */
  readonly sharedPath: boolean;
}

/** Everything already on chip: the mapper ranks by compute and on-chip energy alone. */
export const LOCAL_SOURCES: DataSources = Object.freeze({ weightGBps: Infinity, weightLatencyNs: 0, weightPjPerByte: 0, inputGBps: Infinity, inputLatencyNs: 0, inputPjPerByte: 0, sharedPath: false });

/**
 * The sources every job on a package sees for ranking mappings: weights from a DRAM channel,
 * activations from a neighbouring chiplet over one NoP link (program.ts places them so).
 */
export function packageSources(pkg: Package): DataSources {
  let s = sourcesOf.get(pkg);
  if (!s) sourcesOf.set(pkg, (s = Object.freeze({
    weightGBps: pkg.dram.channelBandwidthGBps, weightLatencyNs: pkg.dram.latencyNs, weightPjPerByte: pkg.dram.energyPjPerBit * 8,
    inputGBps: pkg.nop.linkBandwidthGBps, inputLatencyNs: pkg.nop.hopLatencyNs, inputPjPerByte: pkg.nop.energyPjPerBit * 8, sharedPath: false,
  })));
  return s;
}
/** Pure memoisation of packageSources() per (frozen) package: one frozen object, so plan caches keyed by it hit. */
const sourcesOf = new WeakMap<Package, DataSources>();

export type Objective = 'latency' | 'energy' | 'edp';
export const OBJECTIVES: readonly Objective[] = ['latency', 'energy', 'edp'];

export interface LevelEnergy {
  macPj: number;
  rfPj: number;
  arrayPj: number;
  bufferPj: number;
  /** Loading weights and inputs from their sources (DRAM / NoP), as the mapper ranks. */
  loadPj: number;
  totalPj: number;
}

export interface Mapping {
  /** Spatial unrolling, rows x columns. */
  spatial: string;
  rowsUsed: number;
  colsUsed: number;
  kParts: number;
  nParts: number;
  kOuter: boolean;
  /** Largest tile: groups, output channels and input channels per group, output rows. */
  tile: TileDims;
  cyclesPerTile: number;
  computeCycles: number;
  /** The mapper's latency estimate (ranking only), cycles. */
  latencyCycles: number;
  inputBytes: number;
  tileBytes: number;
  weightLoadBytes: number;
  inputLoadBytes: number;
  bufferAccessBytes: number;
  arrayAccessBytes: number;
  rfAccessBytes: number;
  energy: LevelEnergy;
}

/**
 * Input bytes a layer's N-parts read together: each N-part reads (its output rows - 1) x stride
 * + r input rows, so neighbouring parts both read the halo rows; at most all rows per part.
 */
export function splitInputBytes(shape: LayerShape, samples: number, eb: number, tN: number): number {
  const inputBytes0 = shape.inputElemsPerSample * samples * eb;
  if (tN === 1) return inputBytes0;
  const rowsIn = shape.inHeight * samples;
  const partRows = (cdiv(shape.p * samples, tN) - 1) * shape.strideH + shape.r;
  return Math.max(inputBytes0, Math.ceil((inputBytes0 * Math.min(rowsIn, tN * partRows)) / rowsIn));
}

/** DataSources in bytes per cycle and cycles of the kind's clock. */
export interface LoadRates {
  wBpc: number;
  iBpc: number;
  wLat: number;
  iLat: number;
  shared: boolean;
}

export function loadRates(sources: DataSources, clockMHz: number): LoadRates {
  const bytesPerCycle = 1000 / clockMHz; // per GB/s
  const cyclesPerNs = clockMHz / 1000;
  return {
    wBpc: sources.weightGBps * bytesPerCycle, iBpc: sources.inputGBps * bytesPerCycle,
    wLat: sources.weightLatencyNs * cyclesPerNs, iLat: sources.inputLatencyNs * cyclesPerNs, shared: sources.sharedPath,
  };
}

export interface RankedLoads {
  /** The ranking latency (header: first tile's load + max(compute, remaining loads + one tile)). */
  latency: number;
  /** Weight and input bytes loaded over all tiles in this loop order. */
  wLoad: number;
  iLoad: number;
}

/**
 * Loads and ranking latency of one tiling (tK x tN parts; w, i: one tile's weight and input
 * bytes) in one loop order, by the header's formulas; fills and returns `out`.
 */
export function rankLoads(
  out: RankedLoads, r: LoadRates, kOuter: boolean, tK: number, tN: number, grouped: boolean,
  weightBytes: number, inputBytes: number, w: number, i: number, computeCycles: number, cyclesPerTile: number,
): RankedLoads {
  const tiles = tK * tN;
  const wLoad = kOuter || tK === 1 ? weightBytes : weightBytes * tN;
  const iLoad = grouped || !kOuter || tN === 1 ? inputBytes : inputBytes * tK;
  // Tiles that load weights / inputs (the other tiles find them resident).
  const wTiles = weightBytes === 0 || tK === 1 ? 0 : kOuter ? tK : tiles;
  const wTime = tK === 1 ? 0 : wLoad / r.wBpc; // one K-part: ranked as if kept on chip
  const iTiles = grouped ? tiles : !kOuter ? tN : tN === 1 ? 1 : tiles;
  let loads: number;
  let first: number;
  if (r.shared) {
    loads = wTime + iLoad / r.wBpc + Math.max(wTiles, iTiles) * r.wLat;
    first = ((tK === 1 ? 0 : w) + i) / r.wBpc + r.wLat;
  } else {
    loads = Math.max(wTime + wTiles * r.wLat, iLoad / r.iBpc + iTiles * r.iLat);
    first = Math.max(weightBytes === 0 || tK === 1 ? 0 : w / r.wBpc + r.wLat, i / r.iBpc + r.iLat);
  }
  out.latency = Math.ceil(first + Math.max(computeCycles, loads - first + cyclesPerTile));
  out.wLoad = wLoad;
  out.iLoad = iLoad;
  return out;
}

/** Distinct part counts for splitting n items: every t giving a distinct chunk ceil(n/t). */
export function splitCounts(n: number): number[] {
  const out: number[] = [];
  let t = 1;
  while (t <= n) {
    out.push(t);
    const chunk = cdiv(n, t);
    if (chunk === 1) break;
    t = cdiv(n, chunk - 1);
  }
  return out;
}

/** -1 when a ranks before b. */
function compare(obj: Objective, aLat: number, aE: number, aTiles: number, b: Mapping): number {
  return compareScores(obj, aLat, aE, aTiles, b.latencyCycles, b.energy.totalPj, b.kParts * b.nParts);
}

/** < 0 when (latency, energy, tiles) a ranks before b by the objective (ties: fewer tiles). */
export function compareScores(obj: Objective, aLat: number, aE: number, aTiles: number, bLat: number, bE: number, bTiles: number): number {
  let d: number;
  if (obj === 'latency') d = aLat - bLat || aE - bE;
  else if (obj === 'energy') d = aE - bE || aLat - bLat;
  else d = aE * aLat - bE * bLat || aLat - bLat;
  return d || aTiles - bTiles;
}

/** One tile's weight, input and output bytes when a layer is cut into tK x tN parts (the largest part). */
export function tileParts(weightBytes: number, inputBytes: number, outputBytes: number, tK: number, tN: number, grouped: boolean): [w: number, i: number, o: number] {
  return [cdiv(weightBytes, tK), grouped ? cdiv(cdiv(inputBytes, tN), tK) : cdiv(inputBytes, tN), cdiv(outputBytes, tK * tN)];
}

/** Why no tiling of a layer fits: the message planLayer returns. */
export function noFitReason(kind: ChipletKind): string {
  return `needs more than ${bufferLayout(kind).tileSlotBytes} bytes per tile (a quarter of the ${kind.bufferBytes}-byte buffer of kind "${kind.name}") even when split into single output channels and rows`;
}

/**
 * The `top` best mappings of `shape` for `samples` samples on `kind`, best first, or the reason
 * when no tiling fits the buffer.
 */
export function mapLayer(
  shape: LayerShape, kind: ChipletKind, samples: number, eb: number,
  sources: DataSources = LOCAL_SOURCES, objective: Objective = 'latency', top = 1,
): Mapping[] | string {
  const grouped = shape.groups > 1;
  const kDim = grouped ? shape.groups : shape.kPerGroup;
  const nDim = shape.p * samples;
  const weightBytes = (shape.weightElems + shape.operandBElemsPerSample * samples) * eb;
  const inputBytes0 = shape.inputElemsPerSample * samples * eb;
  const outputBytes = shape.outputElemsPerSample * samples * eb;
  const capacity = bufferLayout(kind).tileSlotBytes;
  const pes = kind.peRows * kind.peCols;
  const macs = shape.macsPerSample * samples;
  const vectorOps = shape.vectorOpsPerSample * samples;
  const ld = loadRates(sources, kind.clockMHz);
  const rank: RankedLoads = { latency: 0, wLoad: 0, iLoad: 0 };
  const kSplits = splitCounts(kDim);
  const best: Mapping[] = [];
  const list: Unrolling[] = [];
  const vector: Unrolling = { name: 'vector unit', rowsUsed: kind.peRows, colsUsed: kind.peCols, cycles: 0, weightReads: 0, inputReads: 0, psumAccesses: 0, hops: 0, rf: 0 };
  const d: TileDims = { g: 1, k: 1, c: 1, n: 1 };

  for (const tN of splitCounts(nDim)) {
    const inputBytes = splitInputBytes(shape, samples, eb, tN);
    for (const tK of kSplits) {
      const [w, i, o] = tileParts(weightBytes, inputBytes, outputBytes, tK, tN, grouped);
      const tileBytes = w + i + o;
      if (tileBytes > capacity) continue;
      const tiles = tK * tN;
      d.g = grouped ? cdiv(shape.groups, tK) : 1;
      d.k = grouped ? shape.kPerGroup : cdiv(shape.kPerGroup, tK);
      d.c = shape.cPerGroup;
      d.n = cdiv(nDim, tN);
      if (vectorOps > 0) {
        vector.cycles = cdiv(cdiv(vectorOps, tiles), pes);
        vector.inputReads = cdiv(inputBytes0 / eb, tiles); // each operand element read once
        list.length = 0;
        list.push(vector);
      } else unrollings(kind.dataflow, shape, kind.peRows, kind.peCols, d, list);
      for (const u of list) {
        const computeCycles = u.cycles * tiles;
        const arrayBytes = u.hops * tiles * eb;
        const rfBytes = u.rf * tiles * eb;
        const onChipReads = (u.weightReads + u.inputReads + u.psumAccesses) * tiles * eb;
        const onChipPj = macs * kind.macEnergyPj + vectorOps * kind.vectorOpEnergyPj + rfBytes * kind.rfEnergyPjPerByte + arrayBytes * kind.arrayEnergyPjPerByte;
        // Both loop orders give the same loads when one of the operands has a single part.
        const orders = tK === 1 || tN === 1 ? 1 : 2;
        for (let o = 0; o < orders; o++) {
          const kOuter = o === 0;
          const { latency, wLoad, iLoad } = rankLoads(rank, ld, kOuter, tK, tN, grouped, weightBytes, inputBytes, w, i, computeCycles, u.cycles);
          const bufferBytes = wLoad + iLoad + 2 * outputBytes + onChipReads;
          const loadPj = wLoad * sources.weightPjPerByte + iLoad * sources.inputPjPerByte;
          const bufferPj = bufferBytes * kind.bufferEnergyPjPerByte;
          const energy = onChipPj + bufferPj + loadPj;
          if (best.length >= top && compare(objective, latency, energy, tiles, best[best.length - 1]) >= 0) continue;
          const m: Mapping = {
            spatial: u.name, rowsUsed: u.rowsUsed, colsUsed: u.colsUsed, kParts: tK, nParts: tN, kOuter, tile: { ...d },
            cyclesPerTile: u.cycles, computeCycles, latencyCycles: latency, inputBytes, tileBytes,
            weightLoadBytes: wLoad, inputLoadBytes: iLoad, bufferAccessBytes: bufferBytes, arrayAccessBytes: arrayBytes, rfAccessBytes: rfBytes,
            energy: {
              macPj: macs * kind.macEnergyPj + vectorOps * kind.vectorOpEnergyPj, rfPj: rfBytes * kind.rfEnergyPjPerByte,
              arrayPj: arrayBytes * kind.arrayEnergyPjPerByte, bufferPj, loadPj, totalPj: energy,
            },
          };
          let at = best.length;
          while (at > 0 && compare(objective, latency, energy, tiles, best[at - 1]) < 0) at--;
          best.splice(at, 0, m);
          if (best.length > top) best.pop();
        }
      }
    }
  }
  if (best.length === 0) return noFitReason(kind);
  return best;
}
