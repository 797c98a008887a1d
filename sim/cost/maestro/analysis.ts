/**
 * MAESTRO's data-centric cost analysis (Kwon et al., "Understanding Reuse, Performance, and
 * Hardware Cost of DNN Dataflows: A Data-Centric Approach", MICRO 2019; IEEE Micro 2020),
 * re-derived from the paper and from the observed behaviour of the public tool
 * (github.com/maestro-project/maestro, commit 4eb08d17) -- no code taken from it.
 *
 * A dataflow is a list of directives per cluster level: TemporalMap(size, offset) V walks
 * dimension V in tiles of `size` stepping by `offset` over time; SpatialMap(size, offset) V
 * gives each of the level's sub-clusters its own tile, sub-cluster i starting at i * offset;
 * Cluster(n) closes a level (its sub-clusters are groups of n PEs). The analysis, per level:
 *
 * 1. Per directive, the iteration *states* on the level's dimension size d: `init` (the first
 *    tile, once), `steady` (the full tiles after it, (d - size) / offset of them for a
 *    temporal map, whole rounds of sub-clusters for a spatial map) and `edge` (one partial
 *    tile or round). A *case* is one state per directive; it occurs the product of its
 *    states' counts. Cases, not single iterations, are costed: the analysis is closed-form in
 *    the number of distinct tile shapes, not the number of steps.
 * 2. Per case and input tensor, the elements the NoC delivers (ingress): a tensor whose
 *    coupled dimensions did not move in this step is reused in place (temporal reuse, 0
 *    elements); one that moved along its innermost moving dimension sends only the
 *    elements new to the tile (offset instead of size: the sliding-window halo stays); a
 *    tensor not coupled to the spatial dimension is multicast once to all sub-clusters
 *    (spatial reuse), one coupled to it sends the first sub-cluster's tile and the others'
 *    non-overlapping parts. Egress: each sub-cluster's output tile, every step.
 * 3. Per case, delay = max(ingress NoC delay, compute delay, egress NoC delay) (double
 *    buffering), except the first (all-init) case which pays ingress + compute. A NoC move of
 *    n elements at B elements/cycle costs hopLatency + ceil(n / B) - 1 cycles. The compute
 *    delay of a level is the runtime of the sub-cluster level on the case's tile (recursively),
 *    and at the innermost level the number of partial sums one PE computes (one MAC/cycle).
 * 4. At the top level the off-chip link must refill the double-buffered L2 tiles each step:
 *    delay = max(that, floor(floor(2 x first-step ingress / offchipBw) / 2), same for egress).
 * 5. Access counts (top level): L2 reads of an input tensor = its ingress summed over all
 *    steps; L1 writes = the same; L1 reads of every tensor and L1 writes of the output = the
 *    partial sums computed (one read of each operand and a read-modify-write of the output
 *    per MAC); L2 writes of the output = egress summed over steps (partial sums that leave
 *    the array before their reduction is complete are written back each time); L2 writes of
 *    inputs and L2 reads of the output = the tensor sizes.
 *
 * MAESTRO's quirks are kept on purpose, because the fixture test holds this file to MAESTRO:
 * output sizes ignore the stride (Y - R + 1), so a strided temporal tile over output columns
 * computes partial sums for skipped outputs (MAC inflation, `yxp_os` on stride 2); partial
 * sums count the full tile at edges in some positions. The caller reports the layer's exact
 * MACs next to MAESTRO's count.
 */

export type DirKind = 'T' | 'S';
/** One directive on an input-centric variable (K, C, R, S, Y, X). */
export interface Directive {
  readonly kind: DirKind;
  readonly v: string;
  readonly size: number;
  readonly ofs: number;
}

/** The problem as MAESTRO states it: dimension sizes (input rows/cols Y, X padded), strides. */
export interface MaestroProblem {
  /** 'CONV' couples input (C,Y,X), weight (K,C,R,S), output (K,Y,X); 'DSCONV' drops K. */
  readonly type: 'CONV' | 'DSCONV';
  readonly dims: Readonly<Record<string, number>>;
  readonly strideY: number;
  readonly strideX: number;
}

export interface NocParams {
  readonly bwElemsPerCycle: number;
  readonly hopLatencyCycles: number;
  readonly offchipBwElemsPerCycle: number;
}

type Tensor = 'input' | 'weight' | 'output';
export interface Counts { reads: number; writes: number }
export interface LevelReport {
  runtimeCycles: number;
  /** Sum over steps of the compute delay, the ingress/egress NoC delays and the off-chip delay. */
  computeCycles: number;
  ingressCycles: number;
  egressCycles: number;
  offchipCycles: number;
  steps: number;
  /** Partial sums (MACs) as MAESTRO counts them. */
  psums: number;
  l1: Record<Tensor, Counts>;
  l2: Record<Tensor, Counts>;
  /** Sub-clusters at the top level and at the innermost level, and the levels. */
  topClusters: number;
  levels: number;
}

interface Level {
  readonly dirs: Directive[];
  /** Sub-clusters of this level. */
  readonly n: number;
  /** The level's static dimension sizes (the parent's tile; the layer at the top). */
  readonly dims: Record<string, number>;
  /** Sub-clusters active in a spatial edge round (from the static dims). */
  readonly nEdge: number;
  readonly tab: MapTables;
  readonly firstSpatial: number;
}

interface MapTables {
  m: Record<string, number>;
  u: Record<string, number>;
  mE: Record<string, number>;
  uE: Record<string, number>;
}

const COUPLED: Record<MaestroProblem['type'], Record<Tensor, readonly string[]>> = {
  CONV: { input: ['C', 'Y', 'X'], weight: ['K', 'C', 'R', 'S'], output: ['K', 'Y', 'X'] },
  DSCONV: { input: ['C', 'Y', 'X'], weight: ['C', 'R', 'S'], output: ['C', 'Y', 'X'] },
};
/** The sliding (filter) dimension of each reference (input) dimension. */
const SLIDING: Record<string, string> = { Y: 'R', X: 'S' };
const OUT_VAR: Record<string, string> = { Y: "Y'", X: "X'" };

const idiv = (a: number, b: number) => Math.trunc(a / b);

/**
 * Split a directive list at its Cluster markers into levels and complete each level:
 * output-centric Y'/X' become input-centric Y/X (size + filter - 1), directives missing at a
 * level are inherited from the level above as temporal maps, input dimensions still missing
 * are covered in one tile, and a strided reference dimension whose tile spans the filter is
 * rescaled to whole output positions (size = outputs x min(stride, filter) + max(filter -
 * stride, 0), offset = outputs x stride).
 */
export function buildLevels(problem: MaestroProblem, spec: (Directive | { cluster: number })[], pes: number): Level[] {
  const groups: Directive[][] = [[]];
  const clusterSizes: number[] = [];
  for (const d of spec) {
    if ('cluster' in d) { clusterSizes.push(d.cluster); groups.push([]); } else groups[groups.length - 1].push({ ...d });
  }
  // The innermost level is closed by an implicit cluster of the last size (1 without clusters).
  const unit = clusterSizes.reduce((a, b) => a * b, 1);
  const inputVars = [...new Set([...COUPLED[problem.type].input, ...COUPLED[problem.type].weight])].sort();
  const full = problem.dims;
  const levels: Level[] = [];
  let dims: Record<string, number> = { ...full };
  let prev: Directive[] | null = null;
  for (let li = 0; li < groups.length; li++) {
    let dirs = groups[li].map((d) => ({ ...d }));
    const size = (v: string) => dirs.find((d) => d.v === v)?.size;
    dirs = dirs.map((d) => {
      if (d.v === "Y'" && !dirs.some((e) => e.v === 'Y')) return { ...d, v: 'Y', size: d.size + (size('R') ?? 1) - 1 };
      if (d.v === "X'" && !dirs.some((e) => e.v === 'X')) return { ...d, v: 'X', size: d.size + (size('S') ?? 1) - 1 };
      return d;
    });
    if (prev) {
      for (const up of prev) if (!dirs.some((d) => d.v === up.v)) dirs.unshift({ kind: 'T', v: up.v, size: up.size, ofs: up.ofs });
    }
    for (const v of inputVars) if (!dirs.some((d) => d.v === v) && dims[v] !== undefined) dirs.push({ kind: 'T', v, size: dims[v], ofs: dims[v] });
    const top = li === 0;
    dirs = dirs.map((d) => {
      const slide = SLIDING[d.v];
      const stride = d.v === 'Y' ? problem.strideY : d.v === 'X' ? problem.strideX : 1;
      if (!slide || stride === 1) return d;
      const f = full[slide];
      if (d.size < f) return d;
      const outs = idiv(d.size + stride - f, stride);
      const ofs = !top && f < stride ? outs * f : outs * stride;
      return { ...d, size: outs * Math.min(stride, f) + Math.max(f - stride, 0), ofs };
    });
    const n = top ? Math.floor(pes / unit) : clusterSizes[li - 1];
    const firstSpatial = dirs.findIndex((d) => d.kind === 'S');
    if (firstSpatial < 0) throw new Error(`cluster level ${li} has no spatial map`);
    levels.push({ dirs, n, dims, nEdge: edgeClusters(dirs[firstSpatial], dims[dirs[firstSpatial].v], n), tab: mapTables(dirs, dims), firstSpatial });
    const next: Record<string, number> = {};
    for (const v of inputVars) {
      const d = dirs.find((x) => x.v === v);
      if (d && dims[v] !== undefined) next[v] = Math.min(d.size, dims[v]);
    }
    dims = next;
    prev = dirs;
  }
  return levels;
}

/** Sub-clusters busy in the last, partial round of a spatial map. */
function edgeClusters(d: Directive, dim: number, n: number): number {
  if (dim <= d.size) return 1;
  const fullCover = d.ofs * (n - 1) + d.size;
  if (dim > fullCover) {
    const steady = idiv(idiv(dim - d.size, d.ofs) + 1, n) - 1;
    const rem = dim - (steady + 1) * d.ofs * n;
    return rem < d.size ? 1 : idiv(rem - d.size, d.ofs) + 1;
  }
  let k = idiv(dim - d.size, d.ofs) + 1;
  if (d.ofs * (k - 1) + d.size < dim) k++;
  return k;
}

/** Tile size, elements new per step, and both at the edge tile, per variable (and Y', X'). */
function mapTables(dirs: Directive[], dims: Record<string, number>): MapTables {
  const t: MapTables = { m: {}, u: {}, mE: {}, uE: {} };
  for (const d of dirs) {
    const dim = dims[d.v] ?? 0;
    const steady = Math.max(0, idiv(dim - d.size, d.ofs));
    const hasEdge = steady * d.ofs + d.size < dim || d.size > dim;
    t.m[d.v] = d.size;
    t.u[d.v] = d.kind === 'T' && dim <= d.size ? 0 : Math.min(d.size, d.ofs);
    let edge = dim - (steady + 1) * d.ofs;
    if (edge < 0) edge = dim;
    t.mE[d.v] = hasEdge ? edge : d.size;
    t.uE[d.v] = Math.max(d.ofs - (d.size - edge), 0);
  }
  for (const d of dirs) {
    const slide = SLIDING[d.v];
    if (!slide || t.m[slide] === undefined) continue;
    const o = OUT_VAR[d.v];
    t.m[o] = t.m[d.v] - t.m[slide] + 1;
    t.u[o] = Math.min(d.ofs, d.size);
    t.mE[o] = t.mE[d.v] - t.mE[slide] + 1;
    t.uE[o] = Math.min(d.ofs, t.mE[o]);
  }
  return t;
}

type Pos = 'init' | 'steady' | 'edge';
interface State { pos: Pos; occ: number; unrolled: boolean; initEdge: boolean; spEdgeEdge: boolean }
const isEdge = (s: State) => s.pos === 'edge' || s.initEdge;

function states(d: Directive, dim: number, n: number): State[] {
  const out: State[] = [];
  if (d.kind === 'T') {
    out.push({ pos: 'init', occ: 1, unrolled: dim <= d.size, initEdge: dim < d.size, spEdgeEdge: false });
    const steady = idiv(dim - d.size, d.ofs);
    if (d.size < dim && steady > 0) out.push({ pos: 'steady', occ: steady, unrolled: false, initEdge: false, spEdgeEdge: false });
    if (!(dim < d.size) && steady * d.ofs + d.size < dim) out.push({ pos: 'edge', occ: 1, unrolled: false, initEdge: false, spEdgeEdge: false });
    return out;
  }
  const cover = d.size + d.ofs * (n - 1);
  out.push({ pos: 'init', occ: 1, unrolled: dim <= cover, initEdge: dim < cover, spEdgeEdge: dim < cover });
  const steady = idiv(idiv(dim - d.size, d.ofs) + 1, n) - 1;
  const hasEdge = !(dim <= cover) && (steady + 1) * d.ofs * n + cover > dim && steady * d.ofs * n + cover !== dim;
  if (cover < dim && steady > 0) out.push({ pos: 'steady', occ: steady, unrolled: false, initEdge: false, spEdgeEdge: false });
  const rem = dim - (steady + 1) * d.ofs * n;
  const active = rem < d.size ? 1 : idiv(rem - d.size, d.ofs) + 1;
  const ee = (active - 1) * d.ofs + d.size < rem;
  if (!(dim < cover) && hasEdge) out.push({ pos: 'edge', occ: 1, unrolled: false, initEdge: false, spEdgeEdge: ee });
  return out;
}

/** The costing of one cluster level on one tile shape; memoised per (level, tile). */
class LevelAnalysis {
  constructor(private readonly levels: Level[], private readonly problem: MaestroProblem, private readonly noc: NocParams) {}
  private readonly memo = new Map<string, number>();

  private nocDelay(elems: number): number {
    return this.noc.hopLatencyCycles + Math.ceil(elems / this.noc.bwElemsPerCycle) - 1;
  }

  /** Runtime of level li on a tile of the given dimension sizes (sub-levels only). */
  runtime(li: number, dims: Record<string, number>): number {
    const key = li + ':' + Object.keys(dims).sort().map((k) => k + dims[k]).join(',');
    let r = this.memo.get(key);
    if (r === undefined) { r = this.analyse(li, dims, null); this.memo.set(key, r); }
    return r;
  }

  /** Cost of level li; `report` collects the top level's counts. */
  analyse(li: number, dims: Record<string, number>, report: LevelReport | null): number {
    const L = this.levels[li];
    const stateLists = L.dirs.map((d) => states(d, dims[d.v] ?? 0, L.n));
    const cases = cartesian(stateLists);
    const coupled = COUPLED[this.problem.type];
    let runtime = 0;
    // Off-chip refill of the double-buffered L2 tiles, sized by the first step (top level only).
    let offIn = 0;
    let offOut = 0;
    cases.forEach((c, ci) => {
      const occ = c.reduce((a, s) => a * s.occ, 1);
      const egress = this.spatialEgress(L, c);
      const psumArray = this.psumMapping(L, c);
      const critical = this.criticalPsums(L, c);
      const ingIn = this.spatialIngress(L, c, coupled.input);
      const ingW = this.spatialIngress(L, c, coupled.weight);
      if (ci === 0 && li === 0) {
        offIn = Math.floor(Math.floor((2 * ingIn + 2 * ingW) / this.noc.offchipBwElemsPerCycle) / 2);
        offOut = Math.floor(Math.floor((2 * egress) / this.noc.offchipBwElemsPerCycle) / 2);
      }
      if (critical <= 0) return;
      let compute: number;
      if (li < this.levels.length - 1) {
        const sp = c[L.firstSpatial];
        compute = 0;
        if (isEdge(sp)) {
          if (sp.spEdgeEdge) {
            compute = this.runtime(li + 1, this.subDims(L, c, true));
            if (L.nEdge - 1 > 0) compute = Math.max(compute, this.runtime(li + 1, this.subDims(L, c, false)));
          } else compute = this.runtime(li + 1, this.subDims(L, c, false));
        } else compute = this.runtime(li + 1, this.subDims(L, c, false));
      } else compute = critical;
      const ingD = this.nocDelay(ingIn + ingW);
      const egD = this.nocDelay(egress);
      const allInit = c.every((s) => s.pos === 'init');
      let delay = allInit ? compute + ingD : Math.max(egD, compute, ingD);
      if (li === 0) delay = Math.max(offIn, delay, offOut);
      runtime += occ * delay;
      if (report) {
        report.steps += occ;
        report.computeCycles += occ * compute;
        report.ingressCycles += occ * ingD;
        report.egressCycles += occ * egD;
        report.offchipCycles += occ * Math.max(offIn, offOut);
        report.psums += occ * psumArray;
        report.l2.input.reads += occ * ingIn;
        report.l2.weight.reads += occ * ingW;
        report.l2.output.writes += occ * egress;
        for (const t of ['input', 'weight', 'output'] as const) report.l1[t].reads += occ * psumArray;
        report.l1.output.writes += occ * psumArray;
      }
    });
    if (report) {
      report.runtimeCycles = runtime;
      report.l1.input.writes = report.l2.input.reads;
      report.l1.weight.writes = report.l2.weight.reads;
      const size = (vars: readonly string[]) => vars.reduce((a, v) => a * (SLIDING[v] && vars === coupled.output ? dims[v] - dims[SLIDING[v]] + 1 : dims[v]), 1);
      report.l2.input.writes = size(coupled.input);
      report.l2.weight.writes = size(coupled.weight);
      report.l2.output.reads = size(coupled.output);
    }
    return runtime;
  }

  /** The sub-cluster's tile for a case (the edge tile for the spatial edge's last sub-cluster). */
  private subDims(L: Level, c: State[], edgeEdge: boolean): Record<string, number> {
    const out: Record<string, number> = {};
    L.dirs.forEach((d, i) => {
      const s = c[i];
      const t = L.tab;
      if (d.kind === 'T') out[d.v] = isEdge(s) ? t.mE[d.v] : t.m[d.v];
      else if (s.pos === 'steady') out[d.v] = t.m[d.v];
      else if (s.pos === 'init' && !isEdge(s)) out[d.v] = t.m[d.v];
      else out[d.v] = L.nEdge === 1 || edgeEdge ? t.mE[d.v] : t.m[d.v];
    });
    return out;
  }

  /** Is a tensor's data split over sub-clusters, and the state of that spatial map. */
  private spatialOf(L: Level, c: State[], vars: readonly string[]): { mapped: boolean; edge: boolean; state?: State } {
    let mapped = false;
    let edge = false;
    let state: State | undefined;
    for (const v of vars) {
      const i = L.dirs.findIndex((d) => d.v === v);
      if (i >= 0 && L.dirs[i].kind === 'S') {
        mapped = true;
        state = c[i];
        if (isEdge(c[i])) edge = true;
      }
    }
    return { mapped, edge, state };
  }

  /** Sum over the active sub-clusters: first, full ones, and the edge-of-edge one. */
  private overClusters(L: Level, sp: { mapped: boolean; edge: boolean; state?: State }, pe: (first: boolean, ee: boolean) => number, fullFirst = false, eeFirst = false): number {
    if (!sp.mapped) return pe(true, false);
    if (!sp.edge) return pe(true, false) + (L.n - 1) * pe(fullFirst, false);
    const ee = sp.state!.spEdgeEdge;
    let r = L.nEdge === 1 && ee ? pe(true, true) : pe(true, false);
    if (L.nEdge > 1) {
      const nEE = ee ? 1 : 0;
      r += Math.max(L.nEdge - nEE - 1, 0) * pe(fullFirst, false) + nEE * pe(eeFirst, true);
    }
    return r;
  }

  private spatialIngress(L: Level, c: State[], vars: readonly string[]): number {
    return this.overClusters(L, this.spatialOf(L, c, vars), (first, ee) => this.peIngress(L, c, vars, first, ee));
  }

  private spatialEgress(L: Level, c: State[]): number {
    const vars = COUPLED[this.problem.type].output;
    return this.overClusters(L, this.spatialOf(L, c, vars), (first, ee) => this.peEgress(L, c, false, first, ee, true));
  }

  private criticalPsums(L: Level, c: State[]): number {
    const sp = this.spatialOf(L, c, COUPLED[this.problem.type].output);
    if (!sp.mapped || !sp.edge) return this.peEgress(L, c, true, true, false, true);
    return this.peEgress(L, c, true, true, L.nEdge === 1 && sp.state!.spEdgeEdge, true);
  }

  /** Partial sums over all sub-clusters in one step (every spatial map counts here). */
  private psumMapping(L: Level, c: State[]): number {
    const sp = this.spatialOf(L, c, COUPLED[this.problem.type].output);
    L.dirs.forEach((d, i) => {
      if (d.kind !== 'S') return;
      sp.mapped = true;
      sp.state = c[i];
      if (isEdge(c[i])) sp.edge = true;
    });
    if (!sp.edge) return L.n * this.peEgress(L, c, true, true, false, true);
    const ee = sp.state!.spEdgeEdge;
    let r = L.nEdge === 1 && ee ? this.peEgress(L, c, true, true, true, true) : this.peEgress(L, c, true, true, false, true);
    if (L.nEdge > 1) {
      const nEE = ee ? 1 : 0;
      r += Math.max(L.nEdge - nEE - 1, 0) * this.peEgress(L, c, true, true, false, true) + nEE * this.peEgress(L, c, true, false, true, false);
    }
    return r;
  }

  /** Elements of one input tensor a sub-cluster receives in a step. */
  private peIngress(L: Level, c: State[], vars: readonly string[], first: boolean, ee: boolean): number {
    let changing = -1;
    c.forEach((s, i) => { if (s.pos !== 'init') changing = i; });
    if (changing === -1) return this.peMapped(L, c, vars, first, ee);
    const inited = L.dirs.some((d, j) => j > changing && c[j].pos === 'init' && vars.includes(d.v) && !c[j].unrolled);
    const t = L.tab;
    let moving = false;
    let r = 1;
    L.dirs.forEach((d, i) => {
      if (!vars.includes(d.v)) return;
      const s = c[i];
      if (i === changing) moving = true;
      if (d.kind === 'T') {
        if (s.pos === 'init') r *= isEdge(s) ? t.mE[d.v] : t.m[d.v];
        else r *= i === changing && !inited ? Math.max(t.u[d.v], 1) : t.m[d.v];
      } else {
        const mapped = ee ? t.mE[d.v] : t.m[d.v];
        const unique = ee ? t.uE[d.v] : t.u[d.v];
        if (first) r *= mapped;
        else if (s.pos === 'init') r *= i <= changing ? mapped : unique;
        else r *= !inited && i === changing ? unique : mapped;
      }
    });
    return moving ? r : 0;
  }

  /** A sub-cluster's whole tile of an input tensor (the first step). */
  private peMapped(L: Level, c: State[], vars: readonly string[], first: boolean, ee: boolean): number {
    const t = L.tab;
    let r = 1;
    L.dirs.forEach((d, i) => {
      if (!vars.includes(d.v)) return;
      const s = c[i];
      if (d.kind === 'T') r *= isEdge(s) ? t.mE[d.v] : t.m[d.v];
      else if (!isEdge(s)) r *= t.m[d.v];
      else if (L.nEdge === 1) { if (first || ee) r *= t.mE[d.v]; } else r *= ee ? t.mE[d.v] : t.m[d.v];
    });
    return r;
  }

  /**
   * A sub-cluster's output tile in a step (psums: times the reduction dimensions' tiles, i.e.
   * the partial sums it computes).
   */
  private peEgress(L: Level, c: State[], psums: boolean, first: boolean, ee: boolean, reuseAtEdge: boolean): number {
    const t = L.tab;
    const outVars = COUPLED[this.problem.type].output;
    let r = 1;
    const mulU = (v: string) => { if (t.u[v]) r *= t.u[v]; };
    if (psums) {
      L.dirs.forEach((d, i) => {
        if (outVars.includes(d.v)) return;
        const s = c[i];
        if (d.kind === 'T') { r *= isEdge(s) ? t.mE[d.v] : t.m[d.v]; return; }
        if (s.pos === 'init' && isEdge(s) && ee) r *= t.mE[d.v];
        else if (s.pos === 'edge') {
          if (L.nEdge === 1 && (first || ee)) r *= t.mE[d.v];
          else if (L.nEdge > 1) { if (ee) r *= t.uE[d.v]; else if (first) r *= t.m[d.v]; else mulU(d.v); }
        } else if (first) r *= t.m[d.v];
        else mulU(d.v);
      });
    }
    for (const v of outVars) {
      const i = L.dirs.findIndex((d) => d.v === v);
      if (i < 0) continue;
      const d = L.dirs[i];
      const s = c[i];
      const a = OUT_VAR[v] ?? v;
      if (d.kind === 'T') {
        r *= s.pos === 'init' ? (isEdge(s) ? t.mE[a] : t.m[a]) : s.pos === 'steady' ? t.m[a] : t.mE[a];
        continue;
      }
      if (s.pos === 'init' && isEdge(s) && ee) {
        if (L.nEdge === 1) r *= t.mE[a];
        else r *= reuseAtEdge ? t.uE[a] : t.mE[a];
      } else if (s.pos === 'edge') {
        // MAESTRO indexes the input-centric variable here (Y, not Y').
        if (L.nEdge === 1 && (first || ee)) r *= t.mE[v];
        else if (L.nEdge > 1) { if (ee) r *= t.uE[a]; else if (first) r *= t.m[a]; else mulU(a); }
      } else if (first) r *= t.m[a];
      else mulU(a);
    }
    return r;
  }
}

function cartesian(lists: State[][]): State[][] {
  let out: State[][] = [[]];
  for (const l of lists) {
    const next: State[][] = [];
    for (const prefix of out) for (const s of l) next.push([...prefix, s]);
    out = next;
  }
  return out;
}

/** Run the analysis of a directive list on a problem; the counts are the top level's. */
export function analyse(problem: MaestroProblem, spec: (Directive | { cluster: number })[], pes: number, noc: NocParams): LevelReport {
  const levels = buildLevels(problem, spec, pes);
  const zero = () => ({ reads: 0, writes: 0 });
  const report: LevelReport = {
    runtimeCycles: 0, computeCycles: 0, ingressCycles: 0, egressCycles: 0, offchipCycles: 0, steps: 0, psums: 0,
    l1: { input: zero(), weight: zero(), output: zero() }, l2: { input: zero(), weight: zero(), output: zero() },
    topClusters: levels[0].n, levels: levels.length,
  };
  new LevelAnalysis(levels, problem, noc).analyse(0, levels[0].dims, report);
  return report;
}
