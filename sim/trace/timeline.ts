/**
 * What the Perfetto and Chrome JSON sinks share: the track layout, how the simulator's calls
 * become nested slices, flows and counters, and the temp-file + rename output. Subclasses only
 * encode (TimelineSink's protected hooks).
 *
 * Track layout
 *   process "c<row>_<col> (<dataflow>)" per chiplet, with threads
 *     "PE array": one slice per job (named "model/layer", args: cycles, macs, bytes, energy...)
 *                 with the job's compute tiles ("tile N") nested inside it
 *     "load", "store": one slice per tile load / store ("tile N", args: bytes, job)
 *     counter "power" (mW)
 *   process "NoP": counter "<link> utilisation" (%) per link, and with packet detail one
 *     thread per link whose slices are runs of back-to-back packets of one job
 *   process "DRAM": counter "<channel> bandwidth" (GB/s) per channel (+ packet threads)
 *   flows: producer job -> consumer job, one per dependency (Job.deps / Job.consumers).
 *
 * Slices on one thread must nest. Jobs on a chiplet never overlap and their compute tiles lie
 * inside them; the sink holds a job's compute tiles (4 numbers each) until the job ends and then
 * writes job, tiles, end in nesting order. Tile stores of one chiplet can overlap (double
 * buffering), so every thread is really a set of lanes: a slice goes to the first lane that is
 * free at its start, and a second lane ("store 2") appears only when needed. This works because
 * the simulator reports slices when they end, in time order.
 *
 * Counters are sampled over fixed buckets: the width is a power-of-two multiple of 1 ns chosen
 * so the run has 200 to 400 buckets (the sink doubles the width and merges pairs whenever the
 * run outgrows 400), so they cost O(resources x 400) memory whatever the run length, and are
 * written at end(). Sources:
 *   - link utilisation (%) = busy time in the bucket / bucket length. With packet detail
 *     (wantsPackets) busy time is exact (sum of packet service times); without it, every tile
 *     load/store's bytes are assumed to flow at a constant rate over the tile's load/store
 *     interval along each of its paths (cost/estimate forEachTileTransfer, Job.storePath) and
 *     busy time = bytes / link bandwidth. Without packets it is an estimate: a bucket can show
 *     more than 100 % when a transfer that waited elsewhere is spread over time it spent queued.
 *   - DRAM bandwidth (GB/s = bytes/ns) = bytes in the bucket / bucket length, same two sources.
 *     Either way the bytes integrate exactly to the simulator's bytes per channel.
 *   - power (mW = pJ/ns) = the job's dynamic energy (macs x macEnergyPj + vectorOps x
 *     vectorOpEnergyPj + bufferAccessBytes x bufferEnergyPjPerByte, the same counts as
 *     cost/energy.ts) spread evenly over the job's duration, plus the kind's static power.
 *     Integrated over the run it gives the chiplet's compute + buffer + static energy; NoP and
 *     DRAM energy are not attributed to chiplets.
 * Counters end at the makespan rounded up to a whole ns, with a final sample of 0.
 */
import { Job } from '../cost/program';
import { ResourceSpec } from '../cost/topology';
import { tileLoad, TileLoad } from '../cost/plan';
import { forEachTileTransfer, newTransferScratch, TransferScratch } from '../cost/estimate';
import { Lane, TraceMeta, TraceSink } from './sink';
import { AtomicFile } from './file';

export type ArgValue = number | string;
export type Args = readonly (readonly [string, ArgValue])[];

export interface ProcessTrack {
  readonly uuid: number;
  readonly pid: number;
  readonly name: string;
  /** Order of creation (for viewers that sort by an index). */
  readonly sortIndex: number;
}

export interface ThreadTrack {
  readonly uuid: number;
  readonly pid: number;
  readonly tid: number;
  readonly name: string;
  readonly process: ProcessTrack;
  readonly sortIndex: number;
}

export interface CounterTrack {
  readonly uuid: number;
  /** Name without the unit, e.g. "c0_0->c0_1 utilisation". */
  readonly label: string;
  readonly unit: string;
  readonly process: ProcessTrack;
  /** Counters with the same key share their y axis. */
  readonly shareKey: string;
}

export interface TimelineOptions {
  /** Ask for one call per packet per resource: exact link/DRAM counters and packet slices. */
  packets?: boolean;
  /** Bytes buffered before each write to the file (default 1 MiB). */
  chunkBytes?: number;
}

export const DEFAULT_CHUNK_BYTES = 1 << 20;
const NONE: readonly number[] = Object.freeze([]);

/** Dynamic energy of one job on its chiplet, pJ (compute + buffer, as in cost/energy.ts). */
export function jobEnergyPj(job: Job): number {
  const p = job.plan;
  const k = p.kind;
  return p.macs * k.macEnergyPj + p.vectorOps * k.vectorOpEnergyPj + p.bufferAccessBytes * k.bufferEnergyPjPerByte;
}

/**
 * Amounts (busy ps, bytes, pJ) per series over time buckets of a width that doubles as the run
 * grows, so at most `cap` buckets per series are ever held.
 */
export class Buckets {
  widthPs = 1000;
  readonly data: Float64Array[];

  constructor(nSeries: number, readonly cap = 400) {
    if (cap < 2 || cap % 2 !== 0) throw new Error('bucket cap must be even');
    this.data = Array.from({ length: nSeries }, () => new Float64Array(cap));
  }

  /** Makes the buckets cover [0, tPs). */
  cover(tPs: number): void {
    while (tPs > this.widthPs * this.cap) {
      const half = this.cap / 2;
      for (const d of this.data) {
        for (let i = 0; i < half; i++) d[i] = d[2 * i] + d[2 * i + 1];
        d.fill(0, half);
      }
      this.widthPs *= 2;
    }
  }

  /** Adds `amount` spread evenly over [s, e) (all of it at s when e <= s). */
  add(series: number, s: number, e: number, amount: number): void {
    if (amount === 0) return;
    const d = this.data[series];
    if (e <= s) {
      this.cover(s + 1);
      d[Math.floor(s / this.widthPs)] += amount;
      return;
    }
    this.cover(e);
    const w = this.widthPs;
    const b0 = Math.floor(s / w);
    const b1 = Math.ceil(e / w) - 1;
    if (b0 === b1) {
      d[b0] += amount;
      return;
    }
    const rate = amount / (e - s);
    d[b0] += rate * ((b0 + 1) * w - s);
    for (let b = b0 + 1; b < b1; b++) d[b] += rate * w;
    d[b1] += rate * (e - b1 * w);
  }
}

/** Non-overlapping lanes of one thread; reported slices must arrive in end-time order. */
class LaneGroup {
  readonly ends: number[] = [];
  readonly tracks: ThreadTrack[] = [];
  constructor(
    readonly process: ProcessTrack,
    readonly name: string,
  ) {}

  take(s: number, e: number): number {
    const ends = this.ends;
    for (let i = 0; i < ends.length; i++) {
      if (ends[i] <= s) {
        ends[i] = e;
        return i;
      }
    }
    ends.push(e);
    return ends.length - 1;
  }
}

export abstract class TimelineSink implements TraceSink {
  readonly wantsPackets: boolean;
  protected readonly chunkBytes: number;
  protected readonly file: AtomicFile;
  private meta: TraceMeta | null = null;
  private error: Error | null = null;
  private finished = false;

  private nextUuid = 1;
  private nextTid = 1;
  private sortIndex = 0;
  private pe: LaneGroup[] = [];
  private loads: LaneGroup[] = [];
  private stores: LaneGroup[] = [];
  private resLanes: LaneGroup[] = [];
  private counters: CounterTrack[] = [];
  private resources: readonly ResourceSpec[] = [];
  private flowsOut: number[][] = [];
  private flowsIn: number[][] = [];
  /** Per chiplet: compute tiles waiting for their job's end, flat [job, tile, startPs, endPs]. */
  private pendingTiles: number[][] = [];
  private buckets = new Buckets(0);
  private readonly tl: TileLoad = { weightBytes: 0, inputBytes: 0, outputBytes: 0 };
  private readonly scratch: TransferScratch = newTransferScratch();
  private spreadS = 0;
  private spreadE = 0;
  private readonly spreadCb = (path: readonly number[], bytes: number) => this.spreadPath(path, this.spreadS, this.spreadE, bytes);
  // Open packet run per resource (packet detail only).
  private runJob = new Int32Array(0);
  private runStart = new Float64Array(0);
  private runEnd = new Float64Array(0);
  private runBytes = new Float64Array(0);
  private runPackets = new Float64Array(0);

  constructor(outPath: string, opts: TimelineOptions = {}) {
    this.wantsPackets = opts.packets === true;
    this.chunkBytes = Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    this.file = new AtomicFile(outPath);
  }

  /** Absolute path of the trace written by end(). */
  get path(): string {
    return this.file.path;
  }

  // ---- encoding hooks -------------------------------------------------------------------------
  /** Called once the temporary file is open, before any track. */
  protected abstract startFile(): void;
  protected abstract defineProcess(p: ProcessTrack): void;
  protected abstract defineThread(t: ThreadTrack): void;
  protected abstract defineCounter(c: CounterTrack): void;
  /** A slice [startPs, endPs] begins; slices begun later on the track nest inside it until endSlice. */
  protected abstract beginSlice(
    t: ThreadTrack, name: string, startPs: number, endPs: number, args: Args | null,
    flowsOut: readonly number[], flowsIn: readonly number[],
  ): void;
  protected abstract endSlice(t: ThreadTrack, endPs: number): void;
  protected abstract counter(c: CounterTrack, tsPs: number, value: number): void;
  /** Write everything still buffered; the file is committed right after. */
  protected abstract finishFile(): void;

  // ---- TraceSink ------------------------------------------------------------------------------
  begin(meta: TraceMeta): void {
    if (this.error) return;
    try {
      if (this.meta) throw new Error('trace sink: begin() called twice');
      this.meta = meta;
      this.file.open();
      this.startFile();
      this.layout(meta);
    } catch (e) {
      this.fail(e);
    }
  }

  job(jobIndex: number, startPs: number, endPs: number): void {
    if (this.error || !this.meta) return;
    try {
      const job = this.meta.jobs[jobIndex];
      const c = job.chiplet;
      const g = this.pe[c];
      const t = this.laneTrack(g, g.take(startPs, endPs));
      this.beginSlice(t, job.name, startPs, endPs, jobArgs(job), this.flowsOut[jobIndex], this.flowsIn[jobIndex]);
      const pend = this.pendingTiles[c];
      let keep = 0;
      for (let i = 0; i < pend.length; i += 4) {
        if (pend[i] === jobIndex) {
          this.beginSlice(t, `tile ${pend[i + 1]}`, pend[i + 2], pend[i + 3], null, NONE, NONE);
          this.endSlice(t, pend[i + 3]);
        } else {
          for (let k = 0; k < 4; k++) pend[keep + k] = pend[i + k];
          keep += 4;
        }
      }
      pend.length = keep;
      this.endSlice(t, endPs);
      this.buckets.add(this.resources.length + c, startPs, endPs, jobEnergyPj(job));
    } catch (e) {
      this.fail(e);
    }
  }

  tile(lane: Lane, jobIndex: number, tile: number, startPs: number, endPs: number, bytes: number): void {
    if (this.error || !this.meta) return;
    try {
      const job = this.meta.jobs[jobIndex];
      const c = job.chiplet;
      if (lane === 'compute') {
        this.pendingTiles[c].push(jobIndex, tile, startPs, endPs);
        return;
      }
      const g = lane === 'load' ? this.loads[c] : this.stores[c];
      const t = this.laneTrack(g, g.take(startPs, endPs));
      this.beginSlice(t, `tile ${tile}`, startPs, endPs, [['bytes', bytes], ['job', job.name]], NONE, NONE);
      this.endSlice(t, endPs);
      if (!this.wantsPackets) {
        if (lane === 'load') {
          this.spreadS = startPs;
          this.spreadE = endPs;
          forEachTileTransfer(job, tileLoad(job.plan, tile, this.tl), this.scratch, this.spreadCb);
        } else if (job.storePath) {
          this.spreadPath(job.storePath, startPs, endPs, bytes);
        }
      }
    } catch (e) {
      this.fail(e);
    }
  }

  packet(resource: number, jobIndex: number, _arrivePs: number, startPs: number, endPs: number, bytes: number): void {
    if (this.error || !this.meta || !this.wantsPackets) return;
    try {
      const res = this.resources[resource];
      this.buckets.add(resource, startPs, endPs, res.kind === 'link' ? endPs - startPs : bytes);
      if (this.runJob[resource] === jobIndex && this.runEnd[resource] === startPs) {
        this.runEnd[resource] = endPs;
        this.runBytes[resource] += bytes;
        this.runPackets[resource]++;
        return;
      }
      this.closeRun(resource);
      this.runJob[resource] = jobIndex;
      this.runStart[resource] = startPs;
      this.runEnd[resource] = endPs;
      this.runBytes[resource] = bytes;
      this.runPackets[resource] = 1;
    } catch (e) {
      this.fail(e);
    }
  }

  async end(makespanPs: number): Promise<void> {
    if (this.error) throw this.error;
    if (this.finished) throw new Error('trace sink: end() called twice');
    this.finished = true;
    try {
      if (!this.meta) throw new Error('trace sink: end() called before begin()');
      for (let r = 0; r < this.resources.length; r++) this.closeRun(r);
      this.flushOrphanTiles();
      this.writeCounters(makespanPs);
      this.finishFile();
      this.file.commit();
    } catch (e) {
      this.fail(e);
      throw this.error;
    }
  }

  /** Stops writing and deletes the temporary file (e.g. when the simulation failed). */
  abort(reason: unknown = new Error('trace aborted')): void {
    if (!this.finished) this.fail(reason);
  }

  // ---- internals ------------------------------------------------------------------------------
  private fail(e: unknown): void {
    if (this.error) return;
    this.error = e instanceof Error ? e : new Error(String(e));
    this.file.abort();
  }

  private layout(meta: TraceMeta): void {
    const { pkg, topology, jobs } = meta;
    const n = pkg.chiplets.length;
    this.resources = topology.resources;
    const nRes = this.resources.length;
    this.nextTid = n + 3; // pids are 1..n+2; keep tids distinct from every pid
    for (const ch of pkg.chiplets) {
      const p = this.newProcess(ch.index + 1, `${ch.id} (${ch.kind.dataflow})`);
      this.pe.push(this.group(p, 'PE array'));
      this.loads.push(this.group(p, 'load'));
      this.stores.push(this.group(p, 'store'));
      this.pendingTiles.push([]);
    }
    const seriesTracks: CounterTrack[] = new Array(nRes + n);
    const kinds: [ResourceSpec['kind'], string, string, string, string][] = [
      ['link', 'NoP', 'utilisation', '%', 'nop-utilisation'],
      ['dram', 'DRAM', 'bandwidth', 'GB/s', 'dram-bandwidth'],
    ];
    for (const [kind, pname, what, unit, key] of kinds) {
      const list = this.resources.filter((r) => r.kind === kind);
      if (list.length === 0) continue;
      const p = this.newProcess(kind === 'link' ? n + 1 : n + 2, pname);
      if (this.wantsPackets) for (const r of list) this.resLanes[r.index] = this.group(p, r.name);
      for (const r of list) seriesTracks[r.index] = this.newCounter(p, `${r.name} ${what}`, unit, key);
    }
    for (const ch of pkg.chiplets) {
      seriesTracks[nRes + ch.index] = this.newCounter(this.pe[ch.index].process, 'power', 'mW', 'chiplet-power');
    }
    this.counters = seriesTracks;
    this.buckets = new Buckets(nRes + n);

    this.flowsOut = jobs.map(() => []);
    this.flowsIn = jobs.map(() => []);
    let id = 1;
    jobs.forEach((p, pi) => {
      for (const c of p.consumers) {
        this.flowsOut[pi].push(id);
        this.flowsIn[c].push(id);
        id++;
      }
    });

    this.runJob = new Int32Array(nRes).fill(-1);
    this.runStart = new Float64Array(nRes);
    this.runEnd = new Float64Array(nRes);
    this.runBytes = new Float64Array(nRes);
    this.runPackets = new Float64Array(nRes);
  }

  private newProcess(pid: number, name: string): ProcessTrack {
    const p: ProcessTrack = { uuid: this.nextUuid++, pid, name, sortIndex: this.sortIndex++ };
    this.defineProcess(p);
    return p;
  }

  private newCounter(process: ProcessTrack, label: string, unit: string, shareKey: string): CounterTrack {
    const c: CounterTrack = { uuid: this.nextUuid++, label, unit, process, shareKey };
    this.defineCounter(c);
    return c;
  }

  /** A lane group with its first lane's track defined now (so threads appear in this order). */
  private group(p: ProcessTrack, name: string): LaneGroup {
    const g = new LaneGroup(p, name);
    this.laneTrack(g, 0);
    return g;
  }

  private laneTrack(g: LaneGroup, lane: number): ThreadTrack {
    let t = g.tracks[lane];
    if (!t) {
      for (let i = g.tracks.length; i <= lane; i++) {
        t = {
          uuid: this.nextUuid++, pid: g.process.pid, tid: this.nextTid++, name: i === 0 ? g.name : `${g.name} ${i + 1}`,
          process: g.process, sortIndex: this.sortIndex++,
        };
        g.tracks.push(t);
        this.defineThread(t);
      }
      t = g.tracks[lane];
    }
    return t;
  }

  private spreadPath(path: readonly number[], s: number, e: number, bytes: number): void {
    for (const r of path) {
      const res = this.resources[r];
      this.buckets.add(r, s, e, res.kind === 'link' ? (bytes * 1000) / res.bandwidthGBps : bytes);
    }
  }

  private closeRun(r: number): void {
    const j = this.runJob[r];
    if (j < 0) return;
    this.runJob[r] = -1;
    const s = this.runStart[r];
    const e = this.runEnd[r];
    const g = this.resLanes[r];
    const t = this.laneTrack(g, g.take(s, e));
    this.beginSlice(t, this.meta!.jobs[j].name, s, e, [['bytes', this.runBytes[r]], ['packets', this.runPackets[r]]], NONE, NONE);
    this.endSlice(t, e);
  }

  /** Compute tiles whose job never ended (only if the simulator stopped early). */
  private flushOrphanTiles(): void {
    this.pendingTiles.forEach((pend, c) => {
      const g = this.pe[c];
      for (let i = 0; i < pend.length; i += 4) {
        const t = this.laneTrack(g, g.take(pend[i + 2], pend[i + 3]));
        this.beginSlice(t, `tile ${pend[i + 1]}`, pend[i + 2], pend[i + 3], [['job', this.meta!.jobs[pend[i]].name]], NONE, NONE);
        this.endSlice(t, pend[i + 3]);
      }
      pend.length = 0;
    });
  }

  private writeCounters(makespanPs: number): void {
    if (!(makespanPs > 0)) return;
    const endPs = Math.ceil(makespanPs / 1000) * 1000;
    const b = this.buckets;
    b.cover(endPs);
    const w = b.widthPs;
    const nb = Math.ceil(endPs / w);
    const nRes = this.resources.length;
    const chiplets = this.meta!.pkg.chiplets;
    for (let s = 0; s < this.counters.length; s++) {
      const track = this.counters[s];
      const d = b.data[s];
      const res = s < nRes ? this.resources[s] : null;
      const staticMw = res ? 0 : chiplets[s - nRes].kind.staticPowerMw;
      let prev = NaN;
      for (let k = 0; k < nb; k++) {
        const t0 = k * w;
        const lenPs = Math.min(w, endPs - t0);
        let v: number;
        if (!res) v = (d[k] * 1000) / lenPs + staticMw; // pJ/ns = mW
        else if (res.kind === 'link') v = (d[k] / lenPs) * 100; // busy ps / ps, %
        else v = (d[k] * 1000) / lenPs; // bytes/ns = GB/s
        if (v !== prev) this.counter(track, t0, v);
        prev = v;
      }
      this.counter(track, endPs, 0);
    }
  }
}

function jobArgs(job: Job): Args {
  const p = job.plan;
  const a: [string, ArgValue][] = [['cycles', p.computeCycles], ['macs', p.macs]];
  if (p.vectorOps > 0) a.push(['vector_ops', p.vectorOps]);
  a.push(
    ['weight_bytes', p.weightBytes], ['input_bytes', p.inputBytes], ['output_bytes', p.outputBytes],
    ['weight_load_bytes', p.weightLoadBytes], ['input_load_bytes', p.inputLoadBytes],
    ['energy_pj', jobEnergyPj(job)], ['samples', p.samples], ['tiles', p.tiles], ['window', job.window],
    ['pe_utilization', p.utilization],
  );
  return a;
}
