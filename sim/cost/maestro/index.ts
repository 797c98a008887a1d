/**
 * Fixed dataflow templates costed the way MAESTRO costs them (the SCAR paper's per-layer cost
 * model: NVDLA-like and ShiDianNao-like chiplets were MAESTRO runs). Public interface:
 *
 *   maestroCost(op, shape, samples, template, hw): MaestroResult   -- pure, deterministic
 *   maestroSupports(op): boolean   (pool / eltwise have no MACs; MAESTRO does not model them)
 *   maestroEnergyPj(result, kind, elementBytes): MaestroEnergy
 *   MAESTRO_TEMPLATES, TEMPLATE_DATAFLOW, DEFAULT_HOP_LATENCY_CYCLES
 *
 * The templates are MAESTRO's bundled directive lists (repository maestro-project/maestro,
 * commit 4eb08d17: data/mapping/*_kcp_ws.m, *_yxp_os.m, tools/frontend/dataflow/rs.m):
 *  - nvdla (kcp_ws): output channels K across clusters, input channels C spatial inside
 *    clusters of 64 PEs, weights stationary while the window slides over Y and X.
 *  - shidiannao (yxp_os): output rows spatial across clusters (one row window each), 8
 *    output columns spatial inside clusters of 8 PEs, each PE accumulating its output.
 *  - eyeriss (rs): output rows spatial, clusters of R PEs each holding one filter row and one
 *    input row (row stationary), 16 output channels per step.
 *
 * Layer conventions (as MAESTRO's inputs use them): a conv's Y, X are the padded input; an
 * fc over T tokens is a 1x1 conv with Y = T, X = 1; a matmul is one such conv per head (heads
 * run one after another); depthwise is MAESTRO's DSCONV (a channel multiplier m > 1 runs m
 * DSCONVs); a grouped conv runs its groups one after another; `samples` run one after another
 * (weights are written to L2 once). A template tile wider than the layer shrinks to it.
 */
import { ChipletKind, DramSpec, LayerOp, LayerShape } from '../../input/types';
import { analyse, Directive, MaestroProblem, LevelReport } from './analysis';

export type MaestroTemplate = 'nvdla' | 'shidiannao' | 'eyeriss';
export const MAESTRO_TEMPLATES: readonly MaestroTemplate[] = ['nvdla', 'shidiannao', 'eyeriss'];
/** The dataflow class each template belongs to (`cost --dataflow` default). */
export const TEMPLATE_DATAFLOW: Record<MaestroTemplate, 'ws' | 'os' | 'rs'> = { nvdla: 'ws', shidiannao: 'os', eyeriss: 'rs' };
/** MAESTRO's hardware-file default NoC latency (its `NoC_NumHops` field defaults to 1). */
export const DEFAULT_HOP_LATENCY_CYCLES = 1;
/** NVDLA-like cluster size (C lanes per K cluster) and ShiDianNao-like cluster size (output columns). */
export const NVDLA_CLUSTER_PES = 64;
export const SHIDIANNAO_CLUSTER_PES = 8;
/** Output channels per step of the row-stationary template. */
export const EYERISS_K_TILE = 16;

export interface MaestroHw {
  pes: number;
  nocBwElemsPerCycle: number;
  offchipBwElemsPerCycle: number;
  nocHopLatencyCycles: number;
  /** Reported against the template's buffer requirement only; MAESTRO does not tile by them. */
  l1Bytes?: number;
  l2Bytes?: number;
  elementBytes: number;
}

/** Element accesses. */
export interface TensorAccess { reads: number; writes: number }
export interface TensorAccesses { input: TensorAccess; weight: TensorAccess; output: TensorAccess }

export interface MaestroResult {
  template: MaestroTemplate;
  /** The directives used, MAESTRO syntax, levels separated by Cluster(n, P). */
  directives: string;
  /** Runtime in cycles as MAESTRO reports it (all samples, groups, heads). */
  latencyCycles: number;
  /** The layer's exact MACs (all samples). */
  macs: number;
  /** MAESTRO's own count where it differs from `macs` (strided output tiles, edge tiles). */
  maestroMacs?: number;
  /** Cycles summed over steps: PE compute, NoC ingress and egress, off-chip refill (each step takes the max, or ingress + compute on the first). */
  computeCycles: number;
  nocIngressCycles: number;
  nocEgressCycles: number;
  offchipCycles: number;
  /** Which of the per-step terms dominated the total: 'compute', 'noc' or 'offchip'. */
  bound: 'compute' | 'noc' | 'offchip';
  /** L1 = PE-local buffers; L2 = the chiplet's global buffer (elements). */
  accesses: { l1: TensorAccesses; l2: TensorAccesses };
  /** Elements moved between DRAM and L2: inputs and weights in, outputs out (the layer's own sizes). */
  offchipElems: { input: number; weight: number; output: number };
  /** Elements the NoC delivered to PEs (L2 reads) and collected from them (L2 output writes). */
  nocElems: number;
  /** PEs the template uses per step at most (clusters x cluster size). */
  pesUsed: number;
}

/**
 * The hardware a template runs on, from a package's chiplet kind and DRAM, as `cost` and the
 * schedulers default it. The SCAR paper gives none of these numbers:
 *  - pes: the kind's peRows x peCols;
 *  - NoC: one element per PE per cycle (a distribution network that can refill every PE each
 *    cycle; MAESTRO's own default is unlimited). On the fixture's 32 layers this costs 0-0.2 %
 *    against unlimited at 4096 PEs; at 256 PEs nvdla is 13 % slower on average (46 % at
 *    most: its 64-PE clusters take 18 elements per PE per step), the others <= 3 %. An
 *    edge-fed array (rows + cols per cycle) would be 1.7-3x slower on average (README,
 *    "Per-layer templates vs MAESTRO");
 *  - off-chip: one DRAM channel's bandwidth in elements per kind cycle,
 *    floor(GB/s x 1000 / MHz / elementBytes) (64 GB/s at 500 MHz, int8: 128);
 *  - hop latency: 1 cycle (MAESTRO's hardware-file default);
 *  - L2: the kind's buffer (reported, not enforced: MAESTRO does not tile by it).
 */
export function maestroHwOf(kind: ChipletKind, dram: DramSpec, elementBytes: number, over: Partial<MaestroHw> = {}): MaestroHw {
  const pes = over.pes ?? kind.peRows * kind.peCols;
  return {
    pes,
    nocBwElemsPerCycle: over.nocBwElemsPerCycle ?? pes,
    offchipBwElemsPerCycle: over.offchipBwElemsPerCycle ?? Math.max(1, Math.floor((dram.channelBandwidthGBps * 1000) / kind.clockMHz / elementBytes)),
    nocHopLatencyCycles: over.nocHopLatencyCycles ?? DEFAULT_HOP_LATENCY_CYCLES,
    l2Bytes: over.l2Bytes ?? kind.bufferBytes,
    elementBytes,
  };
}

export function maestroSupports(op: LayerOp): boolean {
  return op !== 'pool' && op !== 'eltwise';
}

type Spec = (Directive | { cluster: number })[];
const T = (v: string, size: number, ofs: number): Directive => ({ kind: 'T', v, size, ofs });
const S = (v: string, size: number, ofs: number): Directive => ({ kind: 'S', v, size, ofs });

/**
 * The template's directives for a problem. A template tile wider than the layer shrinks to the
 * layer: yxp_os's window of S + 7 input columns becomes X when the input is narrower (MAESTRO
 * itself returns negative output access counts for the wider tile, e.g. ResNet-50 layer4 3x3
 * on a 9-column padded input). A depthwise layer (DSCONV) has no K: MAESTRO rejects directives
 * on it, so its bundled mappings drop them -- yxp_os keeps its row and column split without K
 * (data/mapping/MobileNetV2_yxp_os.m), while kcp_ws and rs use the frontend's depthwise
 * dataflow, channels C across all PEs in one level (tools/frontend/dataflow/dpt.m, as in
 * MobileNetV2_kcp_ws.m and mnasnet_rs.m).
 */
export function templateDirectives(template: MaestroTemplate, problem: MaestroProblem): Spec {
  const { R: r, S: s, X: x } = problem.dims;
  if (problem.type === 'DSCONV' && template !== 'shidiannao') return [S('C', 1, 1), T('Y', r, 1), T('X', s, 1), T('R', r, r), T('S', s, s)];
  switch (template) {
    case 'nvdla':
      return [S('K', 1, 1), T('C', 64, 64), T('R', r, r), T('S', s, s), T('Y', r, 1), T('X', s, 1), { cluster: NVDLA_CLUSTER_PES },
        S('C', 1, 1), T('Y', r, 1), T('X', s, 1), T('R', r, r), T('S', s, s)];
    case 'shidiannao': {
      // X: a window of 8 output columns (S + 7 input columns) per step, one column per PE.
      const spec: Spec = [T('K', 1, 1), T('C', 1, 1), S('Y', r, 1), T('X', Math.min(s + SHIDIANNAO_CLUSTER_PES - 1, x), SHIDIANNAO_CLUSTER_PES),
        { cluster: SHIDIANNAO_CLUSTER_PES }, S('X', s, 1), T('R', r, r), T('S', s, s)];
      return problem.type === 'DSCONV' ? spec.filter((d) => 'cluster' in d || d.v !== 'K') : spec;
    }
    case 'eyeriss':
      return [S("Y'", 1, 1), T("X'", 1, 1), T('C', 1, 1), T('K', EYERISS_K_TILE, EYERISS_K_TILE), T('R', r, r), T('S', s, s), { cluster: r },
        S('Y', 1, 1), S('R', 1, 1), T('S', s, s)];
  }
}

export function directivesText(spec: Spec): string {
  return spec.map((d) => ('cluster' in d ? `Cluster(${d.cluster},P)` : `${d.kind === 'S' ? 'SpatialMap' : 'TemporalMap'}(${d.size},${d.ofs}) ${d.v}`)).join('; ');
}

/** One MAESTRO problem and how many times it runs back to back. */
interface Piece { problem: MaestroProblem; repeat: number }

/** The layer as MAESTRO problems (see the header's conventions). */
export function maestroProblems(op: LayerOp, shape: LayerShape): Piece[] {
  const sh = shape.strideH;
  const sw = shape.strideW ?? sh;
  const y = shape.inHeight;
  const x = shape.inWidth ?? (shape.q - 1) * sw + shape.s;
  const conv = (k: number, c: number, yy: number, xx: number, r: number, s: number, sy: number, sx: number): MaestroProblem =>
    ({ type: 'CONV', dims: { K: k, C: c, R: r, S: s, Y: yy, X: xx }, strideY: sy, strideX: sx });
  switch (op) {
    case 'conv2d':
      if (shape.groups > 1 && shape.cPerGroup === 1) {
        return [{ problem: { type: 'DSCONV', dims: { K: 1, C: shape.groups, R: shape.r, S: shape.s, Y: y, X: x }, strideY: sh, strideX: sw }, repeat: shape.kPerGroup }];
      }
      return [{ problem: conv(shape.kPerGroup, shape.cPerGroup, y, x, shape.r, shape.s, sh, sw), repeat: shape.groups }];
    case 'depthwise':
      return [{ problem: { type: 'DSCONV', dims: { K: 1, C: shape.groups, R: shape.r, S: shape.s, Y: y, X: x }, strideY: sh, strideX: sw }, repeat: shape.kPerGroup }];
    case 'fc':
    case 'matmul':
      return [{ problem: conv(shape.kPerGroup, shape.cPerGroup, shape.p, 1, 1, 1, 1, 1), repeat: shape.groups }];
    default:
      throw new Error(`MAESTRO templates cost MAC layers only, not ${op}`);
  }
}

function validHw(hw: MaestroHw): void {
  for (const [k, v] of Object.entries({ pes: hw.pes, nocBwElemsPerCycle: hw.nocBwElemsPerCycle, offchipBwElemsPerCycle: hw.offchipBwElemsPerCycle, elementBytes: hw.elementBytes })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(hw.nocHopLatencyCycles) || hw.nocHopLatencyCycles < 0) throw new RangeError(`nocHopLatencyCycles must be a non-negative integer, got ${hw.nocHopLatencyCycles}`);
}

/** Cost one layer (all samples) on one chiplet with a fixed template. Pure. */
export function maestroCost(op: LayerOp, shape: LayerShape, samples: number, template: MaestroTemplate, hw: MaestroHw): MaestroResult {
  validHw(hw);
  const pieces = maestroProblems(op, shape);
  const acc = () => ({ input: { reads: 0, writes: 0 }, weight: { reads: 0, writes: 0 }, output: { reads: 0, writes: 0 } });
  const res: MaestroResult = {
    template, directives: '', latencyCycles: 0, macs: shape.macsPerSample * samples, computeCycles: 0, nocIngressCycles: 0, nocEgressCycles: 0,
    offchipCycles: 0, bound: 'compute', accesses: { l1: acc(), l2: acc() },
    offchipElems: { input: shape.inputElemsPerSample * samples, weight: shape.weightElems, output: shape.outputElemsPerSample * samples }, nocElems: 0, pesUsed: 0,
  };
  let maestroMacs = 0;
  for (const { problem, repeat } of pieces) {
    const spec = templateDirectives(template, problem);
    res.directives = directivesText(spec);
    const rep: LevelReport = analyse(problem, spec, hw.pes, { bwElemsPerCycle: hw.nocBwElemsPerCycle, hopLatencyCycles: hw.nocHopLatencyCycles, offchipBwElemsPerCycle: hw.offchipBwElemsPerCycle });
    const runs = repeat * samples;
    res.latencyCycles += rep.runtimeCycles * runs;
    res.computeCycles += rep.computeCycles * runs;
    res.nocIngressCycles += rep.ingressCycles * runs;
    res.nocEgressCycles += rep.egressCycles * runs;
    res.offchipCycles += rep.offchipCycles * runs;
    maestroMacs += rep.psums * runs;
    for (const lvl of ['l1', 'l2'] as const) {
      for (const t of ['input', 'weight', 'output'] as const) {
        res.accesses[lvl][t].reads += rep[lvl][t].reads * runs;
        // Weights are written to L2 once however many samples use them.
        res.accesses[lvl][t].writes += rep[lvl][t].writes * (lvl === 'l2' && t === 'weight' ? repeat : runs);
      }
    }
    res.pesUsed = Math.max(res.pesUsed, rep.topClusters * Math.floor(hw.pes / Math.max(1, rep.topClusters)));
  }
  const l2 = res.accesses.l2;
  res.nocElems = l2.input.reads + l2.weight.reads + l2.output.writes;
  if (maestroMacs !== res.macs) res.maestroMacs = maestroMacs;
  const noc = Math.max(res.nocIngressCycles, res.nocEgressCycles);
  res.bound = res.offchipCycles >= Math.max(res.computeCycles, noc) ? 'offchip' : noc > res.computeCycles ? 'noc' : 'compute';
  return res;
}

export interface MaestroEnergy {
  macPj: number;
  /** PE-local buffer (L1) reads and writes. */
  l1Pj: number;
  /** NoC deliveries to and collections from the PEs. */
  nocPj: number;
  /** Global buffer (L2) reads and writes. */
  l2Pj: number;
  totalPj: number;
}

/**
 * On-chip dynamic energy from the access counts, with the package's per-byte energies:
 * MACs x macEnergyPj; L1 accesses x rfEnergyPjPerByte; NoC elements x arrayEnergyPjPerByte;
 * L2 accesses x bufferEnergyPjPerByte (bytes = elements x elementBytes). MAESTRO's own
 * energy is the same sum with its relative costs per access; DRAM, NoP and static energy are
 * the simulator's. MACs are the layer's exact count, not MAESTRO's inflated one.
 */
export function maestroEnergyPj(r: MaestroResult, kind: ChipletKind, elementBytes: number): MaestroEnergy {
  const sum = (a: TensorAccesses) => a.input.reads + a.input.writes + a.weight.reads + a.weight.writes + a.output.reads + a.output.writes;
  const macPj = r.macs * kind.macEnergyPj;
  const l1Pj = sum(r.accesses.l1) * elementBytes * kind.rfEnergyPjPerByte;
  const nocPj = r.nocElems * elementBytes * kind.arrayEnergyPjPerByte;
  const l2Pj = sum(r.accesses.l2) * elementBytes * kind.bufferEnergyPjPerByte;
  return { macPj, l1Pj, nocPj, l2Pj, totalPj: macPj + l1Pj + nocPj + l2Pj };
}
