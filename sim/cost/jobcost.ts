/**
 * Contention-free cost of one job for the schedulers, equal to estimate.ts's jobLatencyPs (the
 * reference walk) but cheaper, and with a dynamic energy that depends only on what the job does,
 * not on where in the package it does it:
 * - each distinct tile load (weight, input and output bytes from tileLoad, which stays a black
 *   box) is turned into transfers and transfer times once; the tile walk only replays the
 *   pipeline recurrence, so the result is the reference's exactly (integer picoseconds);
 * - bytes are summed per distinct path over the job, not per resource of the whole package;
 * - energy groups resources by class (kind, bandwidth, latency, energy per bit): integer bytes
 *   per class, then bytes x 8 x pJ/bit per class. energyOf sums the same terms per resource in
 *   index order; the two agree to rounding (a few ulps), and this one is the same for every
 *   placement with the same path shapes, so schedulers can memoise costs by shape.
 * PathShapes interns a path's class sequence, the key under which its transfer time and energy
 * are the same wherever the path lies.
 */
import { Package } from '../input/types';
import { LayerPlan, TileLoad, tileLoad } from './plan';
import { Topology } from './topology';
import { Source } from './program';
import { forEachTileTransfer, newTransferScratch, psPerCycle, TransferScratch } from './estimate';
import { planEnergyPj } from './energy';

/** The parts of a lowered Job its cost depends on. */
export interface JobShape {
  readonly plan: LayerPlan;
  readonly weightSources: readonly Source[];
  readonly inputSources: readonly Source[];
  readonly storePath: readonly number[] | null;
}

/** Resource classes and path shapes of one topology. */
export class PathShapes {
  /** Class id per resource (ids in order of first appearance by resource index). */
  readonly classOf: Int32Array;
  /** Per class: is it a NoP link, and its energy per byte moved (pJ/bit x 8 as energyOf). */
  readonly classIsLink: boolean[] = [];
  readonly classPjPerBit: number[] = [];
  private readonly shapeOf = new WeakMap<readonly number[], number>();
  private readonly shapeIds = new Map<string, number>();

  constructor(readonly topo: Topology) {
    const ids = new Map<string, number>();
    this.classOf = new Int32Array(topo.resources.length);
    for (const r of topo.resources) {
      const key = `${r.kind}|${r.bandwidthGBps}|${r.latencyPs}|${r.energyPjPerBit}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
        this.classIsLink.push(r.kind === 'link');
        this.classPjPerBit.push(r.energyPjPerBit);
      }
      this.classOf[r.index] = id;
    }
  }

  get classes(): number {
    return this.classIsLink.length;
  }

  /** Shape id of a path: equal ids = same resource classes in the same order (0: empty path). */
  shape(path: readonly number[]): number {
    let id = this.shapeOf.get(path);
    if (id !== undefined) return id;
    const key = Array.from(path, (r) => this.classOf[r]).join(',');
    id = this.shapeIds.get(key);
    if (id === undefined) {
      id = this.shapeIds.size + 1;
      this.shapeIds.set(key, id);
    }
    if (path.length === 0) id = 0;
    this.shapeOf.set(path, id);
    return id;
  }
}

export interface JobCost {
  latencyPs: number;
  dynamicPj: number;
}

/**
 * A plan's tiles as runs of identical tile loads: the distinct loads (weight, input, output
 * bytes, from tileLoad) and (load index, run length) pairs in tile order. Depends on the plan
 * only, so it is built once per plan and shared by every placement of the job.
 */
interface TileSeq {
  readonly w: number[];
  readonly i: number[];
  readonly o: number[];
  /** Tiles per distinct load. */
  readonly count: number[];
  readonly runs: Int32Array;
}

/** Pure memoisation of tileSeq() per LayerPlan (LayerPlan fields are readonly; a plan is not changed after planLayer returns it). */
const tileSeqs = new WeakMap<LayerPlan, TileSeq>();

function tileSeq(plan: LayerPlan): TileSeq {
  let seq = tileSeqs.get(plan);
  if (seq) return seq;
  const tl: TileLoad = { weightBytes: 0, inputBytes: 0, outputBytes: 0 };
  const w: number[] = [];
  const i: number[] = [];
  const o: number[] = [];
  const count: number[] = [];
  const runs: number[] = [];
  for (let t = 0; t < plan.tiles; t++) {
    tileLoad(plan, t, tl);
    let e = runs.length ? runs[runs.length - 2] : -1;
    if (e < 0 || w[e] !== tl.weightBytes || i[e] !== tl.inputBytes || o[e] !== tl.outputBytes) {
      e = 0;
      while (e < w.length && (w[e] !== tl.weightBytes || i[e] !== tl.inputBytes || o[e] !== tl.outputBytes)) e++;
      if (e === w.length) {
        w.push(tl.weightBytes);
        i.push(tl.inputBytes);
        o.push(tl.outputBytes);
        count.push(0);
      }
      runs.push(e, 0);
    }
    runs[runs.length - 1]++;
    count[e]++;
  }
  seq = { w, i, o, count, runs: Int32Array.from(runs) };
  tileSeqs.set(plan, seq);
  return seq;
}

/** Reusable buffers of a cost walk (one per caller; not shared between concurrent walks). */
export class JobWalker {
  private readonly tl: TileLoad = { weightBytes: 0, inputBytes: 0, outputBytes: 0 };
  private readonly scratch: TransferScratch = newTransferScratch();
  private loadPs: number[] = [];
  private storePs: number[] = [];
  /** Distinct paths of the job and bytes moved on each over the whole job. */
  readonly paths: (readonly number[])[] = [];
  readonly pathBytes: number[] = [];
  pathCount = 0;
  private readonly classBytes: number[] = [];

  constructor(
    readonly pkg: Package,
    readonly shapes: PathShapes,
  ) {}

  private slot(path: readonly number[]): number {
    let j = 0;
    while (j < this.pathCount && this.paths[j] !== path) j++;
    if (j === this.pathCount) {
      this.paths[j] = path;
      this.pathBytes[j] = 0;
      this.pathCount++;
    }
    return j;
  }

  /**
   * The reference walk's latency (estimate.ts jobLatencyPs), exactly; fills paths and
   * pathBytes. Each distinct tile load becomes transfers and times once. The tile pipeline
   * (see estimate.ts) is a max-plus recurrence: adding d to every state variable adds d to
   * every variable after the next tile. So within a run of tiles with the same load and store
   * times, once one tile advances every variable by the same d, each further tile does too,
   * and the rest of the run is jumped in closed form.
   */
  latencyPs(job: JobShape): number {
    const plan = job.plan;
    const topo = this.shapes.topo;
    const cyclePs = plan.cyclesPerTile * psPerCycle(plan.kind.clockMHz);
    const seq = tileSeq(plan);
    const tl = this.tl;
    this.pathCount = 0;
    const storeSlot = job.storePath ? this.slot(job.storePath) : -1;
    for (let e = 0; e < seq.w.length; e++) {
      tl.weightBytes = seq.w[e];
      tl.inputBytes = seq.i[e];
      tl.outputBytes = seq.o[e];
      const c = seq.count[e];
      let loadTime = 0;
      forEachTileTransfer(job as never, tl, this.scratch, (path, bytes) => {
        this.pathBytes[this.slot(path)] += c * bytes;
        loadTime = Math.max(loadTime, topo.transferTimePs(path, bytes));
      });
      this.loadPs[e] = loadTime;
      this.storePs[e] = job.storePath ? topo.transferTimePs(job.storePath, tl.outputBytes) : 0;
      if (storeSlot >= 0) this.pathBytes[storeSlot] += c * tl.outputBytes;
    }
    let loadEnd = 0;
    let compEnd = 0;
    let end = 0;
    let free0 = 0; // slot free times for tiles t-2 and t-1
    let free1 = 0;
    const runs = seq.runs;
    for (let k = 0; k < runs.length; ) {
      const L = this.loadPs[runs[k]];
      const S = this.storePs[runs[k]];
      // Merge following runs whose loads take the same times.
      let left = 0;
      while (k < runs.length && this.loadPs[runs[k]] === L && this.storePs[runs[k]] === S) {
        left += runs[k + 1];
        k += 2;
      }
      while (left > 0) {
        const loadStart = Math.max(loadEnd, free0);
        const d = loadStart + L - loadEnd;
        const nextComp = Math.max(loadStart + L, compEnd) + cyclePs;
        const slotFree = nextComp + S;
        const nextEnd = Math.max(end, slotFree);
        left--;
        if (nextComp - compEnd === d && free1 - free0 === d && slotFree - free1 === d && nextEnd - end === d) {
          // Steady state: every variable advanced by d; so will every remaining tile.
          const jump = d * (left + 1);
          loadEnd += jump;
          compEnd += jump;
          end += jump;
          free0 += jump;
          free1 += jump;
          left = 0;
          break;
        }
        loadEnd = loadStart + L;
        compEnd = nextComp;
        end = nextEnd;
        free0 = free1;
        free1 = slotFree;
      }
    }
    return end;
  }

  /** Dynamic energy of the job last walked (latencyPs must have run on it). */
  dynamicPj(job: JobShape): number {
    const cls = this.shapes.classOf;
    const nc = this.shapes.classes;
    const cb = this.classBytes;
    for (let c = 0; c < nc; c++) cb[c] = 0;
    for (let j = 0; j < this.pathCount; j++) {
      const b = this.pathBytes[j];
      for (const r of this.paths[j]) cb[cls[r]] += b;
    }
    return dynamicFromClasses(this.shapes, job.plan, cb);
  }

  cost(job: JobShape): JobCost {
    const latencyPs = this.latencyPs(job);
    return { latencyPs, dynamicPj: this.dynamicPj(job) };
  }
}

/**
 * compute + register + array + buffer + NoP + DRAM energy of one job, pJ, from the plan's
 * per-level counts and bytes per resource class (the formulas and summation order of energy.ts).
 * Shared by the fast walk and the reference (bytes from Counts).
 */
export function dynamicFromClasses(shapes: PathShapes, plan: LayerPlan, classBytes: ArrayLike<number>): number {
  const { computePj, rfPj, arrayPj, bufferPj } = planEnergyPj(plan);
  let nopPj = 0;
  let dramPj = 0;
  for (let c = 0; c < shapes.classes; c++) {
    const pj = classBytes[c] * 8 * shapes.classPjPerBit[c];
    if (shapes.classIsLink[c]) nopPj += pj;
    else dramPj += pj;
  }
  return computePj + rfPj + arrayPj + bufferPj + nopPj + dramPj;
}

/** Bytes per resource class from a whole-package resourceBytes array (the reference path). */
export function classBytesOf(shapes: PathShapes, resourceBytes: ArrayLike<number>): number[] {
  const cb = new Array<number>(shapes.classes).fill(0);
  for (let r = 0; r < resourceBytes.length; r++) cb[shapes.classOf[r]] += resourceBytes[r];
  return cb;
}
