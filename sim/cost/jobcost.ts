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

/** Distinct tile loads a walk remembers; tileLoad yields few (splits differ by one byte). */
const LOAD_CACHE = 16;

/** Reusable buffers of costJob (one per caller; not shared between concurrent walks). */
export class JobWalker {
  private readonly tl: TileLoad = { weightBytes: 0, inputBytes: 0, outputBytes: 0 };
  private readonly scratch: TransferScratch = newTransferScratch();
  // Per cached tile load: its bytes, load and store times, how often it occurred, and its
  // transfers as (path slot, bytes) pairs.
  private readonly w = new Float64Array(LOAD_CACHE);
  private readonly i = new Float64Array(LOAD_CACHE);
  private readonly o = new Float64Array(LOAD_CACHE);
  private readonly loadPs = new Float64Array(LOAD_CACHE);
  private readonly storePs = new Float64Array(LOAD_CACHE);
  private readonly count = new Float64Array(LOAD_CACHE);
  private readonly transfers: number[][] = Array.from({ length: LOAD_CACHE }, () => []);
  private n = 0;
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

  /** Flushes the cached tile loads' bytes (times their counts) into pathBytes. */
  private flush(storeSlot: number): void {
    for (let e = 0; e < this.n; e++) {
      const c = this.count[e];
      if (c === 0) continue;
      const tr = this.transfers[e];
      for (let k = 0; k < tr.length; k += 2) this.pathBytes[tr[k]] += c * tr[k + 1];
      if (storeSlot >= 0) this.pathBytes[storeSlot] += c * this.o[e];
    }
    this.n = 0;
  }

  /** The reference walk's latency (estimate.ts jobLatencyPs); fills paths and pathBytes. */
  latencyPs(job: JobShape): number {
    const plan = job.plan;
    const topo = this.shapes.topo;
    const cyclePs = plan.cyclesPerTile * psPerCycle(plan.kind.clockMHz);
    const tl = this.tl;
    this.n = 0;
    this.pathCount = 0;
    const storeSlot = job.storePath ? this.slot(job.storePath) : -1;
    let loadEnd = 0;
    let compEnd = 0;
    let end = 0;
    let free0 = 0;
    let free1 = 0;
    let last = -1;
    for (let t = 0; t < plan.tiles; t++) {
      tileLoad(plan, t, tl);
      // Find this load among the cached ones (usually the last one or a neighbour).
      let e = last;
      if (e < 0 || this.w[e] !== tl.weightBytes || this.i[e] !== tl.inputBytes || this.o[e] !== tl.outputBytes) {
        e = 0;
        while (e < this.n && (this.w[e] !== tl.weightBytes || this.i[e] !== tl.inputBytes || this.o[e] !== tl.outputBytes)) e++;
        if (e === this.n) {
          if (e === LOAD_CACHE) {
            this.flush(storeSlot);
            e = 0;
          }
          this.w[e] = tl.weightBytes;
          this.i[e] = tl.inputBytes;
          this.o[e] = tl.outputBytes;
          this.count[e] = 0;
          const tr = this.transfers[e];
          tr.length = 0;
          let loadTime = 0;
          forEachTileTransfer(job as never, tl, this.scratch, (path, bytes) => {
            tr.push(this.slot(path), bytes);
            loadTime = Math.max(loadTime, topo.transferTimePs(path, bytes));
          });
          this.loadPs[e] = loadTime;
          this.storePs[e] = job.storePath ? topo.transferTimePs(job.storePath, tl.outputBytes) : 0;
          this.n = e + 1;
        }
      }
      last = e;
      this.count[e]++;
      const loadStart = Math.max(loadEnd, free0);
      loadEnd = loadStart + this.loadPs[e];
      compEnd = Math.max(loadEnd, compEnd) + cyclePs;
      const slotFree = compEnd + this.storePs[e];
      end = Math.max(end, slotFree);
      free0 = free1;
      free1 = slotFree;
    }
    this.flush(storeSlot);
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
 * compute + buffer + NoP + DRAM energy of one job, pJ, from bytes per resource class (the
 * formulas of energy.ts). Shared by the fast walk and the reference (bytes from Counts).
 */
export function dynamicFromClasses(shapes: PathShapes, plan: LayerPlan, classBytes: ArrayLike<number>): number {
  const k = plan.kind;
  const computePj = plan.macs * k.macEnergyPj + plan.vectorOps * k.vectorOpEnergyPj;
  const bufferPj = plan.bufferAccessBytes * k.bufferEnergyPjPerByte;
  let nopPj = 0;
  let dramPj = 0;
  for (let c = 0; c < shapes.classes; c++) {
    const pj = classBytes[c] * 8 * shapes.classPjPerBit[c];
    if (shapes.classIsLink[c]) nopPj += pj;
    else dramPj += pj;
  }
  return computePj + bufferPj + nopPj + dramPj;
}

/** Bytes per resource class from a whole-package resourceBytes array (the reference path). */
export function classBytesOf(shapes: PathShapes, resourceBytes: ArrayLike<number>): number[] {
  const cb = new Array<number>(shapes.classes).fill(0);
  for (let r = 0; r < resourceBytes.length; r++) cb[shapes.classOf[r]] += resourceBytes[r];
  return cb;
}
