/**
 * The LayerPlan of a layer on a kind whose mapping is a fixed MAESTRO template (kind.mapping
 * `maestro:*`; the SCAR paper's per-layer cost model). The template (sim/cost/maestro) gives the
 * layer's runtime on the chiplet and its L1, NoC and L2 accesses; this file turns that into
 * the LayerPlan the analytical model and the simulator share, so both see the same numbers:
 *
 *   compute      = MAESTRO's runtime of the whole layer (all samples), spread evenly over the
 *                  plan's tiles: cyclesPerTile = ceil(runtime / tiles)
 *   rfAccessBytes    = L1 reads + writes (all tensors) x elementBytes
 *   arrayAccessBytes = NoC elements (L2 -> PE deliveries + PE -> L2 collections) x elementBytes
 *   bufferAccessBytes = L2 reads + writes x elementBytes, plus the fills our tiling loads beyond
 *                  the one fill per tensor MAESTRO counts (weights or inputs reloaded per part)
 *   energy       = those counts x the kind's per-byte energies (energy.ts), as for the mapper
 *
 * What MAESTRO's off-chip bandwidth stands for, and why it is not used here: MAESTRO's runtime
 * includes refilling the double-buffered L2 tiles from off-chip at `offchip_bw` per cycle. In
 * a package, the bytes a layer needs come from DRAM channels or from producer chiplets over the
 * NoP, and the plan's tile loads already time exactly those transfers on their real paths
 * (estimate.ts, the simulator), overlapped with compute by double buffering. Charging MAESTRO's
 * off-chip term as well would count the same bytes twice, once at a made-up bandwidth. So the
 * template is costed with an off-chip bandwidth that never binds: its runtime is the on-chip
 * time with L2 filled, and the package supplies the rest. (`mcmsim cost --mapping` reports the
 * standalone MAESTRO figure with the kind's off-chip bandwidth.)
 *
 * L2 tiling: MAESTRO assumes L2 holds what a layer needs; our chiplet double-buffers tiles of a
 * quarter of its buffer (buffer.ts). So the layer is cut into tK x tN parts as the mapper cuts
 * it (output channels or groups, output rows over all samples; both loop orders), and among the
 * cuts that fit, the one the mapper's load ranking (mapper.ts rankLoads) puts first by the
 * objective is kept; the template's compute and on-chip accesses do not depend on the cut.
 *
 * Vector layers (pool, eltwise) have no MACs and no template; planLayer gives them the
 * mapper's vector-unit plan on every kind.
 */
import { ChipletKind, LayerOp, LayerShape } from '../input/types';
import { maestroCost, MaestroResult, MaestroTemplate, maestroSupports, TensorAccesses } from './maestro';
import { bufferLayout } from './buffer';
import { compareScores, DataSources, loadRates, noFitReason, Objective, rankLoads, RankedLoads, splitCounts, splitInputBytes, tileParts } from './mapper';
import { cdiv } from './spatial';
import type { LayerPlan } from './plan';

/** MAESTRO's bandwidths are integers; this one never binds (floor(2 x n / it) = 0 for any layer). */
const UNBOUNDED_ELEMS_PER_CYCLE = Number.MAX_SAFE_INTEGER;

/** The template a `maestro:*` mapping names. */
export function templateOf(kind: ChipletKind): MaestroTemplate | null {
  return kind.mapping === 'search' ? null : (kind.mapping.slice('maestro:'.length) as MaestroTemplate);
}

/**
 * The op MAESTRO is given for a shape. The shape carries everything the op adds: vector layers
 * have no MACs; a matmul has a second activation operand; a depthwise layer one input channel
 * per group; an fc is the 1x1 conv with Y = tokens, X = 1 that maestroProblems makes of it.
 */
export function maestroOpOf(shape: LayerShape): LayerOp {
  if (shape.macsPerSample === 0) return 'eltwise';
  if (shape.operandBElemsPerSample > 0) return 'matmul';
  if (shape.groups > 1 && shape.cPerGroup === 1) return 'depthwise';
  return 'conv2d';
}

/** Whether the kind's template costs this shape (a template kind, a MAC layer). */
export function templateCovers(shape: LayerShape, kind: ChipletKind): boolean {
  return kind.mapping !== 'search' && maestroSupports(maestroOpOf(shape));
}

/** The template's result for a layer on a kind, with the off-chip bandwidth unbounded (see the header). */
export function templateCost(shape: LayerShape, kind: ChipletKind, samples: number, eb: number): MaestroResult {
  return maestroCost(maestroOpOf(shape), shape, samples, templateOf(kind)!, {
    pes: kind.peRows * kind.peCols,
    nocBwElemsPerCycle: kind.maestro.nocBandwidthElemsPerCycle,
    offchipBwElemsPerCycle: UNBOUNDED_ELEMS_PER_CYCLE,
    nocHopLatencyCycles: kind.maestro.nocHopLatencyCycles,
    l2Bytes: kind.bufferBytes,
    elementBytes: eb,
  });
}

const accessSum = (a: TensorAccesses) => a.input.reads + a.input.writes + a.weight.reads + a.weight.writes + a.output.reads + a.output.writes;

/** The LayerPlan of `shape` on a template kind, or the reason when no tiling fits the buffer. */
export function templatePlan(shape: LayerShape, kind: ChipletKind, samples: number, eb: number, sources: DataSources, objective: Objective): LayerPlan | string {
  const r = templateCost(shape, kind, samples, eb);
  const grouped = shape.groups > 1;
  const kDim = grouped ? shape.groups : shape.kPerGroup;
  const weightBytes = (shape.weightElems + shape.operandBElemsPerSample * samples) * eb;
  const outputBytes = shape.outputElemsPerSample * samples * eb;
  const capacity = bufferLayout(kind).tileSlotBytes;
  const rates = loadRates(sources, kind.clockMHz);
  const macs = shape.macsPerSample * samples;
  const rfBytes = accessSum(r.accesses.l1) * eb;
  const arrayBytes = r.nocElems * eb;
  const l2Bytes = accessSum(r.accesses.l2) * eb;
  // MAESTRO writes each input and weight into L2 once; loads beyond that are our tiling's reloads.
  const maestroFills = (r.accesses.l2.input.writes + r.accesses.l2.weight.writes) * eb;
  const onChipPj = macs * kind.macEnergyPj + rfBytes * kind.rfEnergyPjPerByte + arrayBytes * kind.arrayEnergyPjPerByte;
  const rank: RankedLoads = { latency: 0, wLoad: 0, iLoad: 0 };

  let best: LayerPlan | null = null;
  let bestE = Infinity;
  for (const tN of splitCounts(shape.p * samples)) {
    const inputBytes = splitInputBytes(shape, samples, eb, tN);
    for (const tK of splitCounts(kDim)) {
      const [w, i, o] = tileParts(weightBytes, inputBytes, outputBytes, tK, tN, grouped);
      if (w + i + o > capacity) continue;
      const tiles = tK * tN;
      const cyclesPerTile = Math.max(1, Math.ceil(r.latencyCycles / tiles));
      const computeCycles = cyclesPerTile * tiles;
      for (const kOuter of tK === 1 || tN === 1 ? [true] : [true, false]) {
        const { latency, wLoad, iLoad } = rankLoads(rank, rates, kOuter, tK, tN, grouped, weightBytes, inputBytes, w, i, computeCycles, cyclesPerTile);
        const bufferBytes = l2Bytes + Math.max(0, wLoad + iLoad - maestroFills);
        const bufferPj = bufferBytes * kind.bufferEnergyPjPerByte;
        const loadPj = wLoad * sources.weightPjPerByte + iLoad * sources.inputPjPerByte;
        const energy = onChipPj + bufferPj + loadPj;
        if (best && compareScores(objective, latency, energy, tiles, best.mapperLatencyCycles, bestE, best.tiles) >= 0) continue;
        bestE = energy;
        best = {
          kind, samples, macs, vectorOps: 0, kParts: tK, nParts: tN, tiles, kOuter, grouped, weightBytes, inputBytes, outputBytes,
          cyclesPerTile, computeCycles, weightLoadBytes: wLoad, inputLoadBytes: iLoad, bufferAccessBytes: bufferBytes,
          arrayAccessBytes: arrayBytes, rfAccessBytes: rfBytes, utilization: macs / (computeCycles * kind.peRows * kind.peCols),
          tileBytes: w + i + o, spatial: `${kind.mapping} (${r.pesUsed} PEs)`,
          rowsUsed: Math.min(kind.peRows, cdiv(r.pesUsed, kind.peCols)), colsUsed: Math.min(kind.peCols, r.pesUsed),
          tile: { g: grouped ? cdiv(shape.groups, tK) : 1, k: grouped ? shape.kPerGroup : cdiv(shape.kPerGroup, tK), c: shape.cPerGroup, n: cdiv(shape.p * samples, tN) },
          mapperLatencyCycles: latency,
          energy: {
            macPj: macs * kind.macEnergyPj, rfPj: rfBytes * kind.rfEnergyPjPerByte, arrayPj: arrayBytes * kind.arrayEnergyPjPerByte,
            bufferPj, loadPj, totalPj: energy,
          },
        };
      }
    }
  }
  return best ?? noFitReason(kind);
}
