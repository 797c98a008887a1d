/**
 * What the Perfetto and Chrome JSON sinks share: the track layout, how the simulator's calls
 * become slices, flows, instants and counters, time ordering, and the temp-file + rename output.
 * Subclasses only encode (TimelineSink's protected hooks), always in time order.
 *
 * Track layout (processes in this order; traces/README.md explains every item)
 *   "run": thread "run" (an instant at 0 with the run's metadata, one at the end with totals),
 *     thread "windows" (a slice per scheduling window, an instant when each opens),
 *     per model a thread "<model>" (a slice per window from its first job's start to its last
 *     job's end) and, when a window splits the batch, "<model> micro-batches" (a slice per
 *     sample range, extra lanes when micro-batches overlap).
 *   "<chiplet> (<dataflow>)" per chiplet: thread "PE array" (a slice per job, args incl. the
 *     load/store routes, ready time and the analytical estimate and its error; before it a
 *     "wait ..." slice naming what the idle PE array waited for: a producer or a window; inside
 *     it, or on thread "PE array detail" when the format cannot bind flows to nested slices,
 *     "compute" runs of back-to-back tiles and "wait load (X)" / "wait store" stalls, X the link
 *     or DRAM channel where the chiplet's packets queued longest during that load),
 *     threads "load" / "store" (a slice per tile transfer: job, bytes, achieved GB/s, queueing),
 *     counters PE utilisation (0..1) and buffer (bytes in occupied tile slots).
 *   "NoP": per link counters utilisation (0..1) and queue (packets waiting), and with packet
 *     slices a thread per link with one slice per run of back-to-back packets of a job.
 *   "DRAM": per channel counters bandwidth (GB/s) and queue (packets waiting) (+ packet threads).
 *   "power & energy": per chiplet power (mW), NoP power, DRAM power, package power, and
 *     cumulative energy (mJ) per component.
 *   flows: producer job -> consumer job, one per dependency, bound to the job slices.
 *
 * Time order. A job's slice begins when it starts (jobStart) and ends when it ends; everything
 * else is reported when it ends. A running job's later reports start no earlier than its last
 * compute tile's end, its last load's end, or the load end of a tile slot it still holds; a job
 * not started yet starts at the simulator's clock or later. The minimum of these is the
 * watermark: events wait in a reorder buffer (reorder.ts) until they are older than it (and
 * than the next counter window still open), so only the events of the last few tiles are held,
 * whatever the length of the run. An idle chiplet's "wait" slice begins once the watermark
 * passes its last job's end (named by what its next job lacked then; the END names the release).
 * Timestamps are whole ns, floor(ps / 1000): flooring is monotonic, so order and nesting survive.
 *
 * Counters are averages over windows of one width: a power of two ns, at most a quarter of the
 * median job's compute time (so a single job shows), written when the watermark passes the
 * window and only when the value changes (cumulative energy: every 16th window and at the end).
 * Sources are exact: every packet's service interval and queueing delay at each resource (so
 * the sinks always ask for packets, which the fabric hands to their PacketCounters,
 * packet-counters.ts; packet *slices* are optional), each compute tile's
 * share of its job's dynamic energy and its PE utilisation, each tile slot's hold time.
 * Energy uses the same formulas and constants as cost/energy.ts, so the power counters
 * integrate to the simulator's energy and the cumulative counters end at its totals.
 */
import { Job } from '../cost/program';
import { ResourceSpec } from '../cost/topology';
import { tileLoad, TileLoad } from '../cost/plan';
import { JobTiming, psPerCycle } from '../cost/estimate';
import { planEnergyPj } from '../cost/energy';
import { Lane, TraceMeta, TraceSink } from './sink';
import { AtomicFile } from '../output/atomic';
import { beginRank, endRank, Ev, pairRank, pairRankAtParentEnd, POINT_RANK, ReorderBuffer, TimedEvent } from './reorder';
import { WindowSums } from './windows';
import { PacketCounters, PacketReporter } from './packet-counters';

export type ArgValue = number | string;
/** Arguments as a flat list: name, value, name, value ... (one array per event, no tuples). */
export type Args = readonly ArgValue[];

export interface ProcessTrack {
  readonly uuid: number;
  readonly pid: number;
  readonly name: string;
  readonly sortIndex: number;
  readonly description: string;
}

export interface ThreadTrack {
  readonly uuid: number;
  readonly pid: number;
  readonly tid: number;
  readonly name: string;
  readonly process: ProcessTrack;
  /** Rank among its process's tracks. */
  readonly sortIndex: number;
  readonly description: string;
}

export interface CounterTrack {
  readonly uuid: number;
  /** Unique name without the unit, e.g. "c0_0->c0_1 utilisation". */
  readonly label: string;
  readonly unit: string;
  readonly process: ProcessTrack;
  /** Counters with the same key (all in one process) share their y axis. */
  readonly shareKey: string;
  readonly sortIndex: number;
  readonly description: string;
}

/** The analytical estimate of the same program (cost/estimate.ts estimateProgram). */
export interface TraceEstimate {
  readonly jobs: readonly JobTiming[];
  readonly makespanPs: number;
}

export interface TimelineOptions {
  /** Also write a slice per run of back-to-back packets on every link and DRAM channel. */
  packets?: boolean;
  /** Bytes buffered before each write to the file (default 64 KiB). */
  chunkBytes?: number;
  /** Sink calls handled per batch (default CALL_BATCH; 1 with packet slices). The output does not depend on it. */
  callBatch?: number;
  /** Who made this run (scenario, package, strategy, seed, version ...): written into the trace. */
  run?: Args;
  /** Adds each job's analytical start, duration and error to its slice. */
  estimate?: TraceEstimate;
}

/**
 * 64 KiB: the buffer being filled stays in the CPU's L2 cache next to the simulator's own data,
 * and Chrome JSON joins small strings (its writer alone on dc1_llm: 1260 -> 816 ms CPU against
 * 1 MiB chunks; .pftrace about 3 % less); a write every 64 KiB is still few system calls (about
 * 280 for an 18 MiB trace).
 */
export const DEFAULT_CHUNK_BYTES = 1 << 16;
/** Cumulative energy is smooth: sampled every 16th counter window (and at the end). */
const ENERGY_EVERY = 16;
const ADVANCE_EVERY = 2048;
/**
 * Sink calls are queued and handled in batches of up to this many: the writer's code and data
 * stay in cache for a batch instead of interleaving with the simulator's at every tile (dc1_llm:
 * ~0.1 s less CPU per traced run; scripts/trace-bench.ts). A batch of 8 numbers per call is 4 MiB.
 */
const CALL_BATCH = 1 << 16;
/**
 * ... or spanning at most this many counter windows of simulated time: the packets counted
 * meanwhile fill windows that only handling the calls can write and free, so a long batch would
 * hold the windows of the whole run (arvr4_vr_gaming on het_sides_6x6 held 16384 windows, 68 MB,
 * with 65536-call batches alone; a window is 8 bytes per series, 3 per link or channel and 4 per
 * chiplet). It also keeps the check that no packet reaches a window already written (WindowSums)
 * at most this many windows behind.
 */
const BATCH_WINDOWS = 256;
const CALL_FIELDS = 8;
const C_JOB_START = 0;
const C_JOB_END = 1;
const C_COMPUTE = 2;
const C_LOAD = 3;
const C_STORE = 4;
const NONE: readonly number[] = Object.freeze([]);

/** Dynamic energy of one job on its chiplet, pJ (compute, registers, array, buffer: cost/energy.ts). */
export function jobEnergyPj(job: Job): number {
  const e = planEnergyPj(job.plan);
  return e.computePj + e.rfPj + e.arrayPj + e.bufferPj;
}
/** The PE array's share: MACs and vector ops, PE registers and the array network, pJ. */
function jobComputePj(job: Job): number {
  const e = planEnergyPj(job.plan);
  return e.computePj + e.rfPj + e.arrayPj;
}

/** Compute time of a job without any wait, ps (tiles x cycles per tile). */
function computePs(job: Job): number {
  return job.plan.tiles * job.plan.cyclesPerTile * psPerCycle(job.plan.kind.clockMHz);
}

/**
 * Counter window width, ps: the largest power of two ns not above a quarter of the median
 * job's compute time (a job spans at least ~4 windows), widened only if the run would need
 * more than 2^20 windows.
 */
export function counterWindowPs(jobs: readonly Job[], makespanHintPs: number): number {
  if (jobs.length === 0) return 1000;
  const d = jobs.map(computePs).sort((a, b) => a - b);
  const median = d[d.length >> 1];
  let ns = 1;
  while (ns * 2 * 1000 <= median / 4) ns *= 2;
  while (makespanHintPs / (ns * 1000) > 1 << 20) ns *= 2;
  return ns * 1000;
}

class Out implements TimedEvent {
  key = 0;
  seq = 0;
  kind: Ev = Ev.BEGIN;
  thread: ThreadTrack | null = null;
  counter: CounterTrack | null = null;
  name = '';
  /** A number that always comes with this name (-1: none), so an encoder can intern it by array index. */
  nameKey = -1;
  tsNs = 0;
  /** End of a slice (-1 while unknown: the END event follows later). */
  endNs = 0;
  args: Args | null = null;
  flowsOut: readonly number[] = NONE;
  flowsIn: readonly number[] = NONE;
  value = 0;
  /**
   * A load or store tile slice (BEGIN or PAIR): its job (>= 0), with its arguments kept as
   * numbers until it is written (tileBegin): no argument array per tile, which are most slices.
   */
  tileJob = -1;
  bytes = 0;
  gbps = 0;
  /** Resource the load's packets queued on longest (-1: none, or a store) and for how long. */
  queuedOn = -1;
  queuedNs = 0;
}

/** Non-overlapping lanes of one thread. */
class LaneGroup {
  readonly ends: number[] = [];
  readonly tracks: ThreadTrack[] = [];
  constructor(
    readonly process: ProcessTrack,
    readonly name: string,
    readonly description: string,
  ) {}

  /** A lane free at s, now busy until e (Infinity while the end is unknown). */
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

/** Jobs that together make one slice on a summary track (a window, a model's window, a micro-batch). */
interface Group {
  readonly lanes: LaneGroup;
  readonly name: string;
  readonly args: Args;
  left: number;
  lane: number;
  begun: boolean;
  startNs: number;
}

/** Per chiplet: the running job's state, and what bounds the times its later reports can have. */
interface ChipState {
  lastEndPs: number;
  /** The running job, -1 when idle. */
  job: number;
  jobStartPs: number;
  /** Jobs started so far (index into chipletJobs). */
  position: number;
  /** An idle stretch already begun as an open-ended "wait" slice (its end comes with the next job). */
  waitOpen: boolean;
  jobsLeft: number;
  /** Compute tiles run one after another, and so do loads: the next starts after the last ends. */
  lastComputeEndPs: number;
  lastLoadEndPs: number;
  /** Open run of back-to-back compute tiles: first tile, its start, how many. */
  runFirst: number;
  runStartPs: number;
  runTiles: number;
  /** Loads of the running job not computed yet, flat [tile, resource or -1, queued ps], from loadsHead to loadsEnd (a queue). */
  loads: number[];
  loadsHead: number;
  loadsEnd: number;
  /** Tile slots held, flat [tile, since ps], the first slotsEnd numbers (unordered): occupancy is written up to `since` (the load's end). */
  slots: number[];
  slotsEnd: number;
  /** Zero-length compute tiles whose place (at their job's end or not) is known later. */
  deferred: Out[];
}

/** Name keys of the fixed slice names; "wait load (<resource r>)" is KEY_WAIT_LOAD_AT + r. */
const KEY_COMPUTE = 0;
const KEY_WAIT_STORE = 1;
const KEY_WAIT_LOAD = 2;
const KEY_WAIT_LOAD_AT = 3;

/** End rank of a begun slice that turned out to last less than 1 ns: after everything at its ns. */
const ZERO_END_RANK = 13;

export abstract class TimelineSink implements TraceSink {
  /** Always: counters come from exact per-packet busy and queueing times. */
  readonly wantsPackets = true;
  /** Counts the packets into the windows; handleCalls() invalidates its cached window before the sink touches them. */
  private readonly counters = new PacketCounters((e) => this.fail(e));
  /** Where the fabric reports packets: the counters, or packet() when packet slices are kept. */
  readonly packetReporter: PacketReporter;
  protected readonly chunkBytes: number;
  protected readonly file: AtomicFile;
  /** The format can bind a flow to a slice that has slices nested inside it. */
  protected abstract readonly nestDetail: boolean;
  private readonly packetSlices: boolean;
  /** Calls waiting to be handled (handleCalls), CALL_FIELDS numbers each; nCalls numbers in use. */
  private readonly calls: Float64Array;
  private nCalls = 0;
  /** Simulated time of the oldest queued call, and how far past it a call handles the queue (BATCH_WINDOWS). */
  private queuedSincePs = 0;
  private batchSpanPs = Infinity;
  private readonly run: Args;
  private readonly estimate: TraceEstimate | null;
  private meta: TraceMeta | null = null;
  private error: Error | null = null;
  private finished = false;

  private nextUuid = 1;
  private nextTid = 1;
  private processRank = 0;
  private readonly ranks = new Map<ProcessTrack, number>();
  private readonly buf = new ReorderBuffer<Out>();
  private readonly pool: Out[] = [];
  private readonly writeOut = (e: Out) => this.write(e);
  protected resources: readonly ResourceSpec[] = [];
  protected jobs: readonly Job[] = [];
  private chips: ChipState[] = [];
  private pe: ThreadTrack[] = [];
  private peDetail: ThreadTrack[] = [];
  private loads: LaneGroup[] = [];
  private stores: LaneGroup[] = [];
  private resLanes: LaneGroup[] = [];
  private runTrack!: ThreadTrack;
  private windowTrack!: ThreadTrack;
  private groupsOf: Group[][] = [];
  private flowsOut: number[][] = [];
  private flowsIn: number[][] = [];
  private jobEndPs = new Float64Array(0);
  /** Per job: the PE array's and the buffer's dynamic energy per compute tile, pJ (jobComputePj, jobEnergyPj). */
  private tileComputePj = new Float64Array(0);
  private tileBufferPj = new Float64Array(0);
  private windowLeft = new Int32Array(0);
  private windowOpenPs = new Float64Array(0);
  private openWindow = 0;
  private watermarkPs = 0;
  /** The simulator's clock as far as the sink has seen it. */
  private nowPs = 0;
  /** advance() runs at job starts and ends, and whenever this many more events wait. */
  private advanceAtSize = ADVANCE_EVERY;
  // Counters.
  private sums = new WindowSums(0, 1000);
  private counterTracks: CounterTrack[] = [];
  private lastValue = new Float64Array(0);
  private energySoFarPj = new Float64Array(5); // compute, buffer, NoP, DRAM, static
  private staticMw = 0;
  private readonly routeNames = new Map<readonly number[], string>();
  private readonly tileNames: string[] = [];
  /** Name keys (Out.nameKey) of "tile N", of job names (jobKeyBase + index); constants below. */
  private readonly tileKeys: number[] = [];
  private jobKeyBase = 0;
  private nextNameKey = 0;
  /** "wait load (<resource>)" per resource. */
  private waitLoadNames: string[] = [];
  private readonly tl: TileLoad = { weightBytes: 0, inputBytes: 0, outputBytes: 0 };
  // Open packet run per resource (packet slices only).
  private runJob = new Int32Array(0);
  private runStart = new Float64Array(0);
  private runEnd = new Float64Array(0);
  private runBytes = new Float64Array(0);
  private runPackets = new Float64Array(0);

  constructor(outPath: string, opts: TimelineOptions = {}) {
    this.packetSlices = opts.packets === true;
    // Packet runs are built as packets arrive and closed by job ends: with them, calls are handled at once.
    const batch = opts.callBatch !== undefined && Number.isFinite(opts.callBatch) ? Math.min(CALL_BATCH, Math.max(1, Math.floor(opts.callBatch))) : CALL_BATCH;
    this.calls = new Float64Array((this.packetSlices ? 1 : batch) * CALL_FIELDS);
    this.packetReporter = this.packetSlices ? { add: (r, j, a, s, e, b) => this.packet(r, j, a, s, e, b) } : this.counters;
    this.chunkBytes = Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    this.run = opts.run ?? [];
    this.estimate = opts.estimate ?? null;
    this.file = new AtomicFile(outPath);
  }

  /** Absolute path of the trace written by end(). */
  get path(): string {
    return this.file.path;
  }

  /** Most events held in the reorder buffer at once (memory check). */
  get peakBufferedEvents(): number {
    return this.buf.peak;
  }

  /** Counter windows held at most (memory check), and written so far. */
  get counterWindows(): { peakHeld: number; written: number } {
    return { peakHeld: this.sums.capacity, written: this.sums.base };
  }

  /** Events written so far: slice begins and ends, instants, counter samples. */
  eventsWritten = 0;

  // ---- encoding hooks (called in time order) ---------------------------------------------------
  protected abstract startFile(): void;
  protected abstract defineProcess(p: ProcessTrack): void;
  protected abstract defineThread(t: ThreadTrack): void;
  protected abstract defineCounter(c: CounterTrack): void;
  /** A slice begins; endNs < 0 when its end is not known yet (endSlice will say). */
  protected abstract beginSlice(
    t: ThreadTrack, name: string, tsNs: number, endNs: number, args: Args | null,
    flowsOut: readonly number[], flowsIn: readonly number[], nameKey: number,
  ): void;
  /** `openEnded`: the slice began with endNs < 0; `args` (open-ended only) add to the slice's. */
  protected abstract endSlice(t: ThreadTrack, endNs: number, openEnded: boolean, args: Args | null): void;
  protected abstract instant(t: ThreadTrack, name: string, tsNs: number, args: Args | null, nameKey: number): void;
  /**
   * A load or store tile slice begins: beginSlice with the arguments job, bytes, gbps and, when
   * queuedOn >= 0, queued_on and queued_ns. A format may lay these out directly.
   */
  protected tileBegin(t: ThreadTrack, name: string, tsNs: number, endNs: number, nameKey: number, job: number, bytes: number, gbps: number, queuedOn: number, queuedNs: number): void {
    this.beginSlice(t, name, tsNs, endNs, this.tileArgs(job, bytes, gbps, queuedOn, queuedNs), NONE, NONE, nameKey);
  }
  /** The arguments of a tile slice (see tileBegin). */
  protected tileArgs(job: number, bytes: number, gbps: number, queuedOn: number, queuedNs: number): Args {
    const name = this.jobs[job].name;
    return queuedOn >= 0
      ? ['job', name, 'bytes', bytes, 'gbps', gbps, 'queued_on', this.resources[queuedOn].name, 'queued_ns', queuedNs]
      : ['job', name, 'bytes', bytes, 'gbps', gbps];
  }
  protected abstract counter(c: CounterTrack, tsNs: number, value: number): void;
  /** Write everything still buffered; the file is committed right after. */
  protected abstract finishFile(run: Args): void;

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

  jobStart(jobIndex: number, startPs: number): void {
    if (this.callOk(jobIndex)) this.queueCall(startPs, C_JOB_START, jobIndex, startPs, 0, 0, 0, 0, 0);
  }

  job(jobIndex: number, startPs: number, endPs: number): void {
    if (this.callOk(jobIndex)) this.queueCall(endPs, C_JOB_END, jobIndex, startPs, endPs, 0, 0, 0, 0);
  }

  tile(lane: Lane, jobIndex: number, tile: number, startPs: number, endPs: number, bytes: number): void {
    if (!this.callOk(jobIndex)) return;
    if (lane === 'load') {
      // Read now: the packets counted from here on belong to later loads.
      const top = this.counters.takeWorst(this.jobs[jobIndex].chiplet);
      this.queueCall(endPs, C_LOAD, jobIndex, tile, startPs, endPs, bytes, top, this.counters.worstPs);
    } else this.queueCall(endPs, lane === 'compute' ? C_COMPUTE : C_STORE, jobIndex, tile, startPs, endPs, bytes, 0, 0);
  }

  /** Before begin(), after a failure, or with a job index the run does not have (that fails the sink): ignore the call. */
  private callOk(jobIndex: number): boolean {
    if (this.error || !this.meta) return false;
    if (Number.isInteger(jobIndex) && jobIndex >= 0 && jobIndex < this.jobs.length) return true;
    this.fail(new Error(`trace: the run has no job ${jobIndex} (it has ${this.jobs.length})`));
    return false;
  }

  /** nowPs: the simulated time of the call (the simulator reports in time order). */
  private queueCall(nowPs: number, code: number, a: number, b: number, c: number, d: number, e: number, f: number, g: number): void {
    const q = this.calls;
    const i = this.nCalls;
    if (i === 0) this.queuedSincePs = nowPs;
    q[i] = code;
    q[i + 1] = a;
    q[i + 2] = b;
    q[i + 3] = c;
    q[i + 4] = d;
    q[i + 5] = e;
    q[i + 6] = f;
    q[i + 7] = g;
    this.nCalls = i + CALL_FIELDS;
    if (this.nCalls === q.length || nowPs - this.queuedSincePs >= this.batchSpanPs) this.handleCalls();
  }

  /** Handles the queued calls in order (no packet is counted meanwhile: the fabric waits for the sink). */
  private handleCalls(): void {
    const q = this.calls;
    const n = this.nCalls;
    this.nCalls = 0;
    this.counters.invalidate();
    for (let i = 0; i < n && !this.error; i += CALL_FIELDS) {
      try {
        switch (q[i]) {
          case C_JOB_START:
            this.startJob(q[i + 1], q[i + 2]);
            break;
          case C_JOB_END:
            this.endJob(q[i + 1], q[i + 2], q[i + 3]);
            break;
          case C_COMPUTE:
            this.computeDone(q[i + 1], q[i + 2], q[i + 3], q[i + 4]);
            break;
          case C_LOAD:
            this.loadDone(q[i + 1], q[i + 2], q[i + 3], q[i + 4], q[i + 5], q[i + 6], q[i + 7]);
            break;
          default:
            this.storeDone(q[i + 1], q[i + 2], q[i + 3], q[i + 4], q[i + 5]);
        }
        if (this.buf.size >= this.advanceAtSize) this.advance();
      } catch (e) {
        this.fail(e);
      }
    }
  }

  private startJob(jobIndex: number, startPs: number): void {
    const job = this.jobs[jobIndex];
    const st = this.chips[job.chiplet];
    if (st.job >= 0) throw new Error(`trace: job ${job.name} starts while ${this.jobs[st.job].name} runs on its chiplet`);
    if (startPs > this.nowPs) this.nowPs = startPs;
    this.waitBefore(job, st, startPs);
    st.job = jobIndex;
    st.jobStartPs = startPs;
    st.lastComputeEndPs = startPs;
    st.lastLoadEndPs = startPs;
    st.position++;
    this.jobBegin(job, startPs);
    for (const g of this.groupsOf[jobIndex]) this.groupStart(g, startPs);
    this.advance();
  }

  private endJob(jobIndex: number, startPs: number, endPs: number): void {
    const job = this.jobs[jobIndex];
    const c = job.chiplet;
    const st = this.chips[c];
    if (st.job !== jobIndex) this.startJob(jobIndex, startPs); // a caller that does not report starts
    if (endPs > this.nowPs) this.nowPs = endPs;
    const depth = this.nestDetail ? 1 : 0;
    const zeroJob = Math.floor(endPs / 1000) === Math.floor(startPs / 1000);
    this.closeCompute(job, st);
    if (endPs > st.lastComputeEndPs) this.detail(st, this.peDetail[c], depth, 'wait store', st.lastComputeEndPs, endPs, null, KEY_WAIT_STORE);
    this.flushDeferred(st, zeroJob ? -1 : Math.floor(endPs / 1000));
    this.jobEnd(job, startPs, endPs, zeroJob);
    if (this.packetSlices) for (let r = 0; r < this.resources.length; r++) if (this.runJob[r] === jobIndex) this.closeRun(r);
    this.jobEndPs[jobIndex] = endPs;
    st.lastEndPs = endPs;
    st.job = -1;
    st.jobsLeft--;
    st.loadsHead = st.loadsEnd = 0;
    st.slotsEnd = 0;
    for (const g of this.groupsOf[jobIndex]) this.groupEnd(g, endPs);
    this.windowJob(job.window, endPs);
    this.advance();
  }

  // One method per lane: smaller units for V8 to compile and recompile as the lanes first appear
  // (the writer's compile time is part of a single run's cost: scripts/trace-bench.ts).
  private computeDone(jobIndex: number, tile: number, startPs: number, endPs: number): void {
    if (endPs > this.nowPs) this.nowPs = endPs;
    const job = this.jobs[jobIndex];
    const st = this.chips[job.chiplet];
    const plan = job.plan;
    this.computeTile(job, st, tile, startPs, endPs);
    this.sums.add3(this.chipSeries(job.chiplet), startPs, endPs, this.tileComputePj[jobIndex], this.tileBufferPj[jobIndex], (endPs - startPs) * plan.utilization);
    if (!job.storePath || tileLoad(plan, tile, this.tl).outputBytes === 0) this.slotFree(job, st, tile, endPs);
  }

  /** top, topPs: the resource where this load's packets (and any store packets meanwhile) queued longest, and how long (PacketCounters.takeWorst). */
  private loadDone(jobIndex: number, tile: number, startPs: number, endPs: number, bytes: number, top: number, topPs: number): void {
    if (endPs > this.nowPs) this.nowPs = endPs;
    const job = this.jobs[jobIndex];
    const c = job.chiplet;
    const st = this.chips[c];
    st.lastLoadEndPs = endPs;
    const loads = st.loads;
    const li = st.loadsEnd;
    loads[li] = tile;
    loads[li + 1] = top;
    loads[li + 2] = topPs;
    st.loadsEnd = li + 3;
    // A load that moved nothing (operands local or resident) and took no time is not drawn.
    if (bytes > 0 || endPs > startPs) this.tileSlice(this.loads[c], tile, startPs, endPs, jobIndex, bytes, top, topPs / 1000);
    this.sums.add(this.chipSeries(c) + 3, startPs, endPs, (endPs - startPs) * job.plan.tileBytes);
    st.slots[st.slotsEnd] = tile;
    st.slots[st.slotsEnd + 1] = endPs;
    st.slotsEnd += 2;
  }

  private storeDone(jobIndex: number, tile: number, startPs: number, endPs: number, bytes: number): void {
    if (endPs > this.nowPs) this.nowPs = endPs;
    const job = this.jobs[jobIndex];
    const c = job.chiplet;
    this.tileSlice(this.stores[c], tile, startPs, endPs, jobIndex, bytes, -1, 0);
    this.slotFree(job, this.chips[c], tile, endPs);
  }

  /** One packet at one resource (when the fabric calls the sink rather than its packet reporter, e.g. through a TeeSink, or for packet slices). */
  packet(resource: number, jobIndex: number, arrivePs: number, startPs: number, endPs: number, bytes: number): void {
    if (this.error || !this.meta) return;
    try {
      this.counters.add(resource, jobIndex, arrivePs, startPs, endPs, bytes);
      if (!this.packetSlices || this.error) return;
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

  async end(makespanPs: number, fingerprint?: string): Promise<void> {
    if (this.error) throw this.error;
    if (this.finished) throw new Error('trace sink: end() called twice');
    this.finished = true;
    try {
      if (!this.meta) throw new Error('trace sink: end() called before begin()');
      this.handleCalls();
      if (this.error) throw this.error;
      for (let r = 0; r < this.resources.length; r++) this.closeRun(r);
      const endNs = Math.ceil(Math.max(0, makespanPs) / 1000);
      this.writeWindows(endNs * 1000, true);
      this.finalCounters(endNs);
      this.endInstant(makespanPs, endNs, fingerprint);
      this.buf.drainAll(this.writeOut);
      this.finishFile(fingerprint ? [...this.run, 'fingerprint', fingerprint] : this.run);
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

  // ---- layout ---------------------------------------------------------------------------------
  private fail(e: unknown): void {
    if (this.error) return;
    this.error = e instanceof Error ? e : new Error(String(e));
    this.counters.stop();
    this.file.abort();
  }

  private layout(meta: TraceMeta): void {
    const { pkg, topology, jobs } = meta;
    const n = pkg.chiplets.length;
    this.jobs = jobs;
    this.resources = topology.resources;
    const nRes = this.resources.length;
    this.waitLoadNames = this.resources.map((r) => `wait load (${r.name})`);
    this.jobKeyBase = KEY_WAIT_LOAD_AT + nRes;
    this.nextNameKey = this.jobKeyBase + jobs.length;
    this.nextTid = n + 100; // pids are 1..n+4; keep tids distinct from every pid
    const nWindows = jobs.reduce((m, j) => Math.max(m, j.window + 1), 1);

    // Run, windows, models.
    const runP = this.newProcess(1, 'run', 'The run: its metadata, scheduling windows and each model end to end.');
    this.runTrack = this.newThread(runP, 'run', 'Instants: the run\'s metadata at 0, its totals at the end.');
    this.windowTrack = this.newThread(runP, 'windows', 'One slice per scheduling window (first job start to last job end); an instant when each window opens.');
    const models = [...new Set(jobs.map((j) => j.model))];
    const modelLanes = new Map<string, LaneGroup>();
    const mbLanes = new Map<string, LaneGroup>();
    for (const m of models) {
      modelLanes.set(m, this.group(runP, m, `Model ${m}: one slice per window, from its first job's start to its last job's end.`));
    }
    this.groupsOf = jobs.map(() => []);
    const groups = new Map<string, Group>();
    const addTo = (key: string, lanes: () => LaneGroup, name: string, args: Args, j: Job) => {
      let g = groups.get(key);
      if (!g) {
        g = { lanes: lanes(), name, args, left: 0, lane: -1, begun: false, startNs: 0 };
        groups.set(key, g);
      }
      g.left++;
      this.groupsOf[j.index].push(g);
    };
    const wg = new LaneGroup(runP, 'windows', '');
    wg.tracks.push(this.windowTrack);
    const rangesPerModelWindow = new Map<string, Set<string>>();
    for (const j of jobs) {
      const k = `${j.model}\u0000${j.window}`;
      if (!rangesPerModelWindow.has(k)) rangesPerModelWindow.set(k, new Set());
      rangesPerModelWindow.get(k)!.add(`${j.samples[0]}:${j.samples[1]}`);
    }
    for (const j of jobs) {
      addTo(`w${j.window}`, () => wg, `window ${j.window}`, ['window', j.window], j);
      addTo(`m${j.model}\u0000${j.window}`, () => modelLanes.get(j.model)!, `window ${j.window}`, ['model', j.model, 'window', j.window], j);
      if (rangesPerModelWindow.get(`${j.model}\u0000${j.window}`)!.size > 1) {
        const lanes = () => {
          let g = mbLanes.get(j.model);
          if (!g) {
            g = this.group(runP, `${j.model} micro-batches`, `Model ${j.model}: one slice per micro-batch (sample range) per window; overlapping micro-batches take extra lanes.`);
            mbLanes.set(j.model, g);
          }
          return g;
        };
        const range = `${j.samples[0]}:${j.samples[1]}`;
        addTo(`b${j.model}\u0000${j.window}\u0000${range}`, lanes, `${j.model}[${range}]`, ['model', j.model, 'window', j.window, 'samples', range], j);
      }
    }

    // Chiplets.
    const util: CounterTrack[] = [];
    const bufs: CounterTrack[] = [];
    for (const ch of pkg.chiplets) {
      const p = this.newProcess(ch.index + 2, `${ch.id} (${ch.kind.dataflow})`, `Chiplet ${ch.id}: ${ch.kind.peRows}x${ch.kind.peCols} PEs, ${ch.kind.dataflow} dataflow, ${ch.kind.bufferBytes} B buffer, ${ch.kind.clockMHz} MHz.`);
      const pe = this.newThread(p, 'PE array', 'One slice per job (model/layer[samples]); "wait ..." slices say why the PE array sat idle before a job; compute tiles and load/store stalls nest inside the job.');
      this.pe.push(pe);
      this.peDetail.push(this.nestDetail ? pe : this.newThread(p, 'PE array detail', 'Compute tiles of each job and the stalls between them ("wait load (<resource>)", "wait store"), and "wait ..." before each job.'));
      this.loads.push(this.group(p, 'load', 'One slice per tile load: bytes moved, achieved GB/s, route, and where its packets queued.'));
      this.stores.push(this.group(p, 'store', 'One slice per tile store to DRAM; "store 2" appears when two stores overlap.'));
      util.push(this.newCounter(p, `${ch.id} PE utilisation`, 'fraction', 'pe-util', 'Fraction of the PE array doing useful MACs (plan utilisation while a tile computes), averaged per window.'));
      bufs.push(this.newCounter(p, `${ch.id} buffer`, 'bytes', 'buffer', 'Bytes held in the tile slots (largest tile working set per occupied slot), averaged per window.'));
      this.chips.push({
        lastEndPs: 0, job: -1, jobStartPs: 0, position: 0, waitOpen: false, jobsLeft: 0, lastComputeEndPs: 0, lastLoadEndPs: 0, runFirst: 0, runStartPs: 0, runTiles: 0,
        loads: [], loadsHead: 0, loadsEnd: 0, slots: [], slotsEnd: 0, deferred: [],
      });
    }
    for (const j of jobs) this.chips[j.chiplet].jobsLeft++;

    // NoP and DRAM.
    const resTracks: CounterTrack[] = new Array(2 * nRes);
    const kinds: [boolean, number, string][] = [[true, n + 2, 'NoP'], [false, n + 3, 'DRAM']];
    for (const [isLink, pid, pname] of kinds) {
      // Router ports (router NoP model) are NoP resources like links: utilisation and queue.
      const list = this.resources.filter((r) => (r.kind !== 'dram') === isLink);
      if (list.length === 0) continue;
      const p = this.newProcess(pid, pname, isLink ? 'Network-on-package links (one per direction) and router injection / ejection ports.' : 'DRAM channels.');
      for (const r of list) {
        resTracks[2 * r.index] = isLink
          ? this.newCounter(p, `${r.name} utilisation`, 'fraction', 'link-util', `Busy fraction of link ${r.name} (${r.bandwidthGBps} GB/s), averaged per window.`)
          : this.newCounter(p, `${r.name} bandwidth`, 'GB/s', 'dram-bw', `Bytes served by ${r.name} per ns, averaged per window (peak ${r.bandwidthGBps} GB/s).`);
        resTracks[2 * r.index + 1] = this.newCounter(p, `${r.name} queue`, 'packets', `${isLink ? 'link' : 'dram'}-queue`, `Packets waiting for ${r.name}, averaged per window.`);
      }
      if (this.packetSlices) for (const r of list) this.resLanes[r.index] = this.group(p, r.name, `Runs of back-to-back packets of one job on ${r.name}.`);
    }

    // Power and energy.
    const pw = this.newProcess(n + 4, 'power & energy', 'Power per chiplet and for the package (mW), and energy so far per component (mJ).');
    const power = pkg.chiplets.map((ch) => this.newCounter(pw, `${ch.id} power`, 'mW', 'power', `Chiplet ${ch.id}: PE array (MACs, registers, array network) + buffer energy of its jobs spread over each job, per window, plus ${ch.kind.staticPowerMw} mW static.`));
    const nopPower = this.newCounter(pw, 'NoP power', 'mW', 'power', 'Energy of the bytes crossing the links per window.');
    const dramPower = this.newCounter(pw, 'DRAM power', 'mW', 'power', 'Energy of the bytes served by DRAM channels per window.');
    const pkgPower = this.newCounter(pw, 'package power', 'mW', 'power', 'All chiplets (dynamic + static) + NoP + DRAM.');
    const energy = ['compute', 'buffer', 'NoP', 'DRAM', 'static'].map((k) => this.newCounter(pw, `energy ${k}`, 'mJ', 'energy', `Cumulative ${k === 'compute' ? 'PE array (MACs, vector ops, PE registers, array network)' : k} energy since the start of the run.`));
    const total = this.newCounter(pw, 'energy total', 'mJ', 'energy', 'Cumulative energy of the package.');
    // Counter order: per resource (2), per chiplet (util, buffer, power), package (3 + 6).
    this.counterTracks = [...resTracks, ...util, ...bufs, ...power, nopPower, dramPower, pkgPower, ...energy, total];
    this.lastValue = new Float64Array(this.counterTracks.length).fill(NaN);
    this.staticMw = pkg.chiplets.reduce((a, c) => a + c.kind.staticPowerMw, 0);
    const widthPs = counterWindowPs(jobs, this.estimate?.makespanPs ?? jobs.reduce((a, j) => a + computePs(j), 0));
    // Series: per resource [bytes, busy ps, queued ps]; per chiplet [compute pJ, buffer pJ, PE-util ps, buffer byte-ps].
    this.sums = new WindowSums(3 * nRes + 4 * n, widthPs);
    // Reorder buckets: 1/32 of a counter window, so each holds a few events to sort.
    this.buf.setBucketNs(Math.max(1, widthPs / 1000 / 32));
    this.batchSpanPs = BATCH_WINDOWS * widthPs;

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
    this.jobEndPs = new Float64Array(jobs.length).fill(-1);
    this.counters.bind(this.sums, Int32Array.from(jobs, (j) => j.chiplet), n, nRes);
    // A job's dynamic energy is spent while its tiles compute (every tile has the same cycles).
    this.tileComputePj = Float64Array.from(jobs, (j) => jobComputePj(j) / j.plan.tiles);
    this.tileBufferPj = Float64Array.from(jobs, (j) => (jobEnergyPj(j) - jobComputePj(j)) / j.plan.tiles);
    this.windowLeft = new Int32Array(nWindows);
    for (const j of jobs) this.windowLeft[j.window]++;
    this.windowOpenPs = new Float64Array(nWindows).fill(NaN);
    this.windowOpenPs[0] = 0;
    this.runJob = new Int32Array(nRes).fill(-1);
    this.runStart = new Float64Array(nRes);
    this.runEnd = new Float64Array(nRes);
    this.runBytes = new Float64Array(nRes);
    this.runPackets = new Float64Array(nRes);

    this.point(Ev.INSTANT, this.runTrack, 'run', 0, [
      ...this.run,
      'chiplets', n, 'jobs', jobs.length, 'windows', nWindows, 'counter_window_ns', widthPs / 1000,
      ...(this.estimate ? ['estimated_makespan_ns', this.estimate.makespanPs / 1000] : []),
    ]);
    this.point(Ev.INSTANT, this.windowTrack, 'window 0 opens', 0, ['window', 0]);
  }

  private newProcess(pid: number, name: string, description: string): ProcessTrack {
    const p: ProcessTrack = { uuid: this.nextUuid++, pid, name, sortIndex: this.processRank++, description };
    this.ranks.set(p, 0);
    this.defineProcess(p);
    return p;
  }

  private rank(p: ProcessTrack): number {
    const r = this.ranks.get(p)!;
    this.ranks.set(p, r + 1);
    return r;
  }

  private newThread(p: ProcessTrack, name: string, description: string): ThreadTrack {
    const t: ThreadTrack = { uuid: this.nextUuid++, pid: p.pid, tid: this.nextTid++, name, process: p, sortIndex: this.rank(p), description };
    this.defineThread(t);
    return t;
  }

  private newCounter(p: ProcessTrack, label: string, unit: string, shareKey: string, description: string): CounterTrack {
    const c: CounterTrack = { uuid: this.nextUuid++, label, unit, process: p, shareKey, sortIndex: this.rank(p), description };
    this.defineCounter(c);
    return c;
  }

  /** A lane group with its first lane defined now (so tracks appear in this order). */
  private group(p: ProcessTrack, name: string, description: string): LaneGroup {
    const g = new LaneGroup(p, name, description);
    this.laneTrack(g, 0);
    return g;
  }

  private laneTrack(g: LaneGroup, lane: number): ThreadTrack {
    for (let i = g.tracks.length; i <= lane; i++) {
      g.tracks.push(this.newThread(g.process, i === 0 ? g.name : `${g.name} ${i + 1}`, i === 0 ? g.description : `Overflow lane of "${g.name}" (slices that overlap the first lane).`));
    }
    return g.tracks[lane];
  }

  // ---- events ---------------------------------------------------------------------------------
  private ev(kind: Ev, thread: ThreadTrack | null, tsNs: number, rank: number): Out {
    const e = this.pool.pop() ?? new Out();
    e.kind = kind;
    e.thread = thread;
    e.tsNs = tsNs;
    e.key = tsNs * 16 + rank;
    return e;
  }

  /**
   * A whole slice [startPs, endPs] at `depth` on `t`. `parentEndNs` (nested slices) tells
   * where a zero-length slice must go to stay inside its parent.
   */
  private slice(
    t: ThreadTrack, depth: number, name: string, startPs: number, endPs: number, args: Args | null,
    flowsOut: readonly number[] = NONE, flowsIn: readonly number[] = NONE, parentEndNs = -1, nameKey = -1,
  ): Out {
    const s = Math.floor(startPs / 1000);
    const e = Math.floor(endPs / 1000);
    const zero = e <= s;
    const b = this.ev(zero ? Ev.PAIR : Ev.BEGIN, t, s, zero ? (s === parentEndNs ? pairRankAtParentEnd(depth) : pairRank(depth)) : beginRank(depth));
    b.name = name;
    b.nameKey = nameKey;
    b.endNs = zero ? s : e;
    b.args = args;
    b.flowsOut = flowsOut;
    b.flowsIn = flowsIn;
    this.buf.push(b);
    if (!zero) this.buf.push(this.ev(Ev.END, t, e, endRank(depth)));
    return b;
  }

  /** A load or store slice "tile N" on a lane of g (a slice() whose arguments stay numbers: Out.tileJob). */
  private tileSlice(g: LaneGroup, tile: number, startPs: number, endPs: number, job: number, bytes: number, queuedOn: number, queuedNs: number): void {
    // The begin event waits in the reorder buffer until written: its tile fields can be set after the push.
    const b = this.laneSlice(g, this.tileName(tile), startPs, endPs, null, this.tileKeys[tile]);
    b.tileJob = job;
    b.bytes = bytes;
    b.gbps = gbps(bytes, startPs, endPs);
    b.queuedOn = queuedOn;
    b.queuedNs = queuedNs;
  }

  private point(kind: Ev.INSTANT, t: ThreadTrack, name: string, tsPs: number, args: Args | null): void {
    const e = this.ev(kind, t, Math.floor(tsPs / 1000), 7);
    e.name = name;
    e.args = args;
    this.buf.push(e);
  }

  private counterAt(i: number, tsNs: number, value: number): void {
    // Sums of many float terms leave dust where the true value is 0.
    const v = Math.abs(value) < 1e-9 ? 0 : value;
    if (v === this.lastValue[i]) return;
    this.lastValue[i] = v;
    const e = this.ev(Ev.COUNTER, null, tsNs, 7);
    e.counter = this.counterTracks[i];
    e.value = v;
    this.buf.push(e);
  }

  private write(e: Out): void {
    this.encode(e);
    // Back to the pool, emptied (events are many; reusing them keeps the GC quiet).
    e.thread = null;
    e.counter = null;
    e.args = null;
    e.flowsOut = NONE;
    e.flowsIn = NONE;
    e.endNs = 0;
    e.nameKey = -1;
    e.tileJob = -1;
    this.pool.push(e);
  }

  private encode(e: Out): void {
    this.eventsWritten += e.kind === Ev.PAIR ? 2 : 1;
    switch (e.kind) {
      case Ev.BEGIN:
        if (e.tileJob >= 0) this.tileBegin(e.thread!, e.name, e.tsNs, e.endNs, e.nameKey, e.tileJob, e.bytes, e.gbps, e.queuedOn, e.queuedNs);
        else this.beginSlice(e.thread!, e.name, e.tsNs, e.endNs, e.args, e.flowsOut, e.flowsIn, e.nameKey);
        break;
      case Ev.END:
        this.endSlice(e.thread!, e.tsNs, e.endNs < 0, e.args);
        break;
      case Ev.PAIR:
        if (e.tileJob >= 0) this.tileBegin(e.thread!, e.name, e.tsNs, e.tsNs, e.nameKey, e.tileJob, e.bytes, e.gbps, e.queuedOn, e.queuedNs);
        else this.beginSlice(e.thread!, e.name, e.tsNs, e.tsNs, e.args, e.flowsOut, e.flowsIn, e.nameKey);
        this.endSlice(e.thread!, e.tsNs, false, null);
        break;
      case Ev.INSTANT:
        this.instant(e.thread!, e.name, e.tsNs, e.args, e.nameKey);
        break;
      case Ev.COUNTER:
        this.counter(e.counter!, e.tsNs, e.value);
        break;
    }
  }

  // ---- jobs, tiles, waits ---------------------------------------------------------------------
  /** The job's slice begins when it starts (what it will run, when it was ready, the estimate). */
  private jobBegin(job: Job, startPs: number): void {
    const p = job.plan;
    const a: ArgValue[] = ['cycles', p.computeCycles, 'macs', p.macs];
    if (p.vectorOps > 0) a.push('vector_ops', p.vectorOps);
    a.push(
      'weight_bytes', p.weightBytes, 'input_bytes', p.inputBytes, 'output_bytes', p.outputBytes,
      'weight_load_bytes', p.weightLoadBytes, 'input_load_bytes', p.inputLoadBytes,
      'energy_pj', jobEnergyPj(job), 'samples', p.samples, 'tiles', p.tiles, 'window', job.window,
      'pe_utilization', p.utilization,
    );
    const ready = this.readyPs(job);
    a.push('ready_ns', ready.ps / 1000, 'waited_for_chiplet_ns', Math.max(0, startPs - ready.ps) / 1000);
    const routes = this.loadRoutes(job);
    if (routes) a.push('load_routes', routes);
    if (job.storePath) a.push('store_route', this.routeName(job.storePath));
    if (this.estimate) {
      const t = this.estimate.jobs[job.index];
      a.push('est_start_ns', t.startPs / 1000, 'est_dur_ns', (t.endPs - t.startPs) / 1000);
    }
    const b = this.ev(Ev.BEGIN, this.pe[job.chiplet], Math.floor(startPs / 1000), beginRank(0));
    b.name = job.name;
    b.nameKey = this.jobKeyBase + job.index;
    b.endNs = -1;
    b.args = a;
    b.flowsOut = this.flowsOut[job.index];
    b.flowsIn = this.flowsIn[job.index];
    this.buf.push(b);
  }

  /** ... and ends with its simulated duration and the estimate's error. */
  private jobEnd(job: Job, startPs: number, endPs: number, zeroJob: boolean): void {
    const a: ArgValue[] = ['dur_ns', (endPs - startPs) / 1000];
    if (this.estimate) {
      const t = this.estimate.jobs[job.index];
      const estDur = t.endPs - t.startPs;
      a.push('est_err_pct', estDur > 0 ? (100 * (endPs - startPs - estDur)) / estDur : 0);
    }
    const e = this.ev(Ev.END, this.pe[job.chiplet], Math.floor(endPs / 1000), zeroJob ? ZERO_END_RANK : endRank(0));
    e.endNs = -1;
    e.args = a;
    this.buf.push(e);
  }

  /** When the job could have started: its last producer ended and its window opened. */
  private readyPs(job: Job): { ps: number; producer: number } {
    let ps = this.windowOpenPs[job.window];
    let producer = -1;
    for (const d of job.deps) {
      if (this.jobEndPs[d] > ps || (this.jobEndPs[d] === ps && producer < 0 && ps > 0)) {
        ps = this.jobEndPs[d];
        producer = d;
      }
    }
    return { ps, producer };
  }

  /** The PE array idle between the chiplet's previous job and this one: say what it waited for. */
  private waitBefore(job: Job, st: ChipState, startPs: number): void {
    const r = this.readyPs(job);
    const args: Args = r.producer >= 0 ? ['producer', this.jobs[r.producer].name, 'job', job.name] : ['window', job.window, 'job', job.name];
    const t = this.peDetail[job.chiplet];
    if (st.waitOpen) {
      st.waitOpen = false;
      const endNs = Math.floor(startPs / 1000);
      const e = this.ev(Ev.END, t, endNs, endNs > Math.floor(st.lastEndPs / 1000) ? endRank(0) : ZERO_END_RANK);
      e.endNs = -1;
      e.args = args;
      this.buf.push(e);
      return;
    }
    if (startPs <= st.lastEndPs) return;
    const name = r.producer >= 0 ? `wait ${this.jobs[r.producer].name}` : `wait window ${job.window}`;
    this.slice(t, 0, name, st.lastEndPs, startPs, args);
  }

  /**
   * A chiplet idle since before the watermark: its wait slice begins now, named after what its
   * next job still lacks (its window, its one unfinished producer, or "producers"); the exact
   * producer or window that released it goes into the args at its end.
   */
  private openWait(c: number, st: ChipState): void {
    const order = this.meta!.chipletJobs;
    const next = order ? this.jobs[order[c][st.position]] : null;
    let name: string;
    if (!next) name = 'wait';
    else if (Number.isNaN(this.windowOpenPs[next.window])) name = `wait window ${next.window}`;
    else {
      const open = next.deps.filter((d) => this.jobEndPs[d] < 0);
      name = open.length === 1 ? `wait ${this.jobs[open[0]].name}` : 'wait producers';
    }
    st.waitOpen = true;
    const b = this.ev(Ev.BEGIN, this.peDetail[c], Math.floor(st.lastEndPs / 1000), beginRank(0));
    b.name = name;
    b.endNs = -1;
    b.args = next ? ['job', next.name] : null;
    this.buf.push(b);
  }

  /** A compute tile, and before it the stall since the previous one (waiting for this tile's load). */
  private computeTile(job: Job, st: ChipState, tile: number, startPs: number, endPs: number): void {
    const t = this.peDetail[job.chiplet];
    const depth = this.nestDetail ? 1 : 0;
    const loads = st.loads;
    const end = st.loadsEnd;
    let li = st.loadsHead;
    while (li < end && loads[li] !== tile) li += 3;
    if (startPs > st.lastComputeEndPs) {
      this.closeCompute(job, st);
      const res = li < end ? loads[li + 1] : -1;
      const name = res >= 0 ? this.waitLoadNames[res] : 'wait load';
      const key = res >= 0 ? KEY_WAIT_LOAD_AT + res : KEY_WAIT_LOAD;
      const args: Args = res >= 0 ? ['tile', tile, 'queued_on', this.resources[res].name, 'queued_ns', loads[li + 2] / 1000] : ['tile', tile];
      this.detail(st, t, depth, name, st.lastComputeEndPs, startPs, args, key);
    }
    // This tile's load and any before it are done with (the queue empties back to its start).
    if (li < end) {
      st.loadsHead = li + 3;
      if (st.loadsHead === end) st.loadsHead = st.loadsEnd = 0;
    }
    // Back-to-back tiles make one "compute" slice (their bounds follow from cyclesPerTile), cut
    // at a counter window so an open run never holds the watermark for long.
    if (st.runTiles > 0 && endPs - st.runStartPs > this.sums.widthPs) this.closeCompute(job, st);
    if (st.runTiles === 0) {
      st.runStartPs = startPs;
      st.runFirst = tile;
    }
    st.runTiles++;
    st.lastComputeEndPs = endPs;
    this.flushDeferred(st, -2);
  }

  /** Writes the open run of back-to-back compute tiles. */
  private closeCompute(job: Job, st: ChipState): void {
    if (st.runTiles === 0) return;
    const args: Args = ['first_tile', st.runFirst, 'tiles', st.runTiles];
    this.detail(st, this.peDetail[job.chiplet], this.nestDetail ? 1 : 0, 'compute', st.runStartPs, st.lastComputeEndPs, args, KEY_COMPUTE);
    st.runTiles = 0;
  }

  /**
   * A slice inside the running job. Shorter than 1 ns and nested, it must know whether it sits at
   * its job's end (then it goes before the job's end, else after its begin): it waits in
   * `deferred` until the clock has left its ns or the job ends.
   */
  private detail(st: ChipState, t: ThreadTrack, depth: number, name: string, startPs: number, endPs: number, args: Args | null, nameKey: number): void {
    const s = Math.floor(startPs / 1000);
    if (depth === 0 || Math.floor(endPs / 1000) > s) {
      this.slice(t, depth, name, startPs, endPs, args, NONE, NONE, -1, nameKey);
      return;
    }
    const e = this.ev(Ev.PAIR, t, s, 0);
    e.name = name;
    e.nameKey = nameKey;
    e.endNs = s;
    e.args = args;
    st.deferred.push(e);
  }

  /** jobEndNs >= 0: the job ended then; -1: it ended in its start ns; -2: still running. */
  private flushDeferred(st: ChipState, jobEndNs: number): void {
    if (st.deferred.length === 0) return;
    const nowNs = Math.floor(this.nowPs / 1000);
    let keep = 0;
    for (const e of st.deferred) {
      if (jobEndNs === -2 && e.tsNs >= nowNs) {
        st.deferred[keep++] = e;
        continue;
      }
      const rank = e.tsNs === jobEndNs ? pairRankAtParentEnd(1) : pairRank(1);
      e.key = e.tsNs * 16 + rank;
      this.buf.push(e);
    }
    st.deferred.length = keep;
  }

  /** "tile N", made once per N (fresh strings would be hashed again by every interning lookup). */
  private tileName(t: number): string {
    let s = this.tileNames[t];
    if (s === undefined) {
      s = `tile ${t}`;
      this.tileNames[t] = s;
      this.tileKeys[t] = this.nextNameKey++;
    }
    return s;
  }

  private laneSlice(g: LaneGroup, name: string, startPs: number, endPs: number, args: Args | null, nameKey = -1): Out {
    const t = this.laneTrack(g, g.take(startPs, endPs));
    return this.slice(t, 0, name, startPs, endPs, args, NONE, NONE, -1, nameKey);
  }

  /** A tile slot freed at `freePs`: its occupancy since the load ended (tileBytes while held). */
  private slotFree(job: Job, st: ChipState, tile: number, freePs: number): void {
    const slots = st.slots;
    for (let i = 0; i < st.slotsEnd; i += 2) {
      if (slots[i] !== tile) continue;
      this.sums.add(this.chipSeries(job.chiplet) + 3, slots[i + 1], freePs, (freePs - slots[i + 1]) * job.plan.tileBytes);
      // The last pair takes its place (the order of held slots does not matter).
      st.slotsEnd -= 2;
      slots[i] = slots[st.slotsEnd];
      slots[i + 1] = slots[st.slotsEnd + 1];
      return;
    }
  }

  /** Every path a job's loads take ("dram0 > c0_0->c0_1; c1_1->c0_1"), or "" when all are local. */
  private loadRoutes(job: Job): string {
    const paths = new Set<readonly number[]>();
    for (const src of [...job.weightSources, ...job.inputSources]) if (src.path.length > 0) paths.add(src.path);
    return [...paths].map((p) => this.routeName(p)).join('; ');
  }

  private routeName(path: readonly number[]): string {
    let s = this.routeNames.get(path);
    if (s === undefined) {
      s = path.map((r) => this.resources[r].name).join(' > ');
      this.routeNames.set(path, s);
    }
    return s;
  }

  private closeRun(r: number): void {
    const j = this.runJob[r];
    if (j < 0) return;
    this.runJob[r] = -1;
    const s = this.runStart[r];
    const e = this.runEnd[r];
    this.laneSlice(this.resLanes[r], this.jobs[j].name, s, e, ['bytes', this.runBytes[r], 'packets', this.runPackets[r]]);
  }

  // ---- windows and groups ---------------------------------------------------------------------
  private windowJob(w: number, endPs: number): void {
    if (--this.windowLeft[w] !== 0) return;
    const last = this.windowLeft.length - 1;
    while (this.openWindow < last && this.windowLeft[this.openWindow] === 0) {
      this.openWindow++;
      this.windowOpenPs[this.openWindow] = endPs;
      this.point(Ev.INSTANT, this.windowTrack, `window ${this.openWindow} opens`, endPs, ['window', this.openWindow]);
    }
  }

  /** Jobs start in time order, so a group's first start is its start. */
  private groupStart(g: Group, startPs: number): void {
    if (g.begun) return;
    g.begun = true;
    g.lane = g.lanes.take(startPs, Infinity);
    const b = this.ev(Ev.BEGIN, this.laneTrack(g.lanes, g.lane), Math.floor(startPs / 1000), beginRank(0));
    b.name = g.name;
    b.endNs = -1;
    b.args = g.args;
    this.buf.push(b);
    g.startNs = b.tsNs;
  }

  /** ... and jobs end in time order, so its last job's end is its end. */
  private groupEnd(g: Group, endPs: number): void {
    if (--g.left > 0) return;
    g.lanes.ends[g.lane] = endPs;
    const e = Math.floor(endPs / 1000);
    const end = this.ev(Ev.END, g.lanes.tracks[g.lane], e, e > g.startNs ? endRank(0) : ZERO_END_RANK);
    end.endNs = -1;
    this.buf.push(end);
  }

  // ---- watermark and counters -----------------------------------------------------------------
  /**
   * Moves the watermark: no later report can reach back before it. A chiplet's running job can
   * still report its current compute tile (it starts after the last one ended), its current load
   * (after the last load ended), stores and slot frees of held tiles (after their loads ended),
   * and deferred zero-length tiles; an idle chiplet's next job starts at now or later; open
   * packet runs started at their first packet.
   */
  private advance(): void {
    let w = this.nowPs;
    let left = false;
    for (const st of this.chips) {
      if (st.jobsLeft > 0) left = true;
      if (st.job < 0) continue;
      if (st.lastComputeEndPs < w) w = st.lastComputeEndPs;
      if (st.runTiles > 0 && st.runStartPs < w) w = st.runStartPs;
      if (st.lastLoadEndPs < w) w = st.lastLoadEndPs;
      for (let i = 1; i < st.slotsEnd; i += 2) if (st.slots[i] < w) w = st.slots[i];
      for (const e of st.deferred) if (e.tsNs * 1000 < w) w = e.tsNs * 1000;
    }
    if (this.packetSlices) for (let r = 0; r < this.runJob.length; r++) if (this.runJob[r] >= 0 && this.runStart[r] < w) w = this.runStart[r];
    this.advanceAtSize = this.buf.size + ADVANCE_EVERY;
    if (!left) return; // all jobs ended: end() writes the rest
    if (w <= this.watermarkPs) return;
    this.watermarkPs = w;
    // Idle chiplets whose wait would otherwise begin behind the watermark.
    this.chips.forEach((st, c) => {
      if (st.job < 0 && st.jobsLeft > 0 && !st.waitOpen && st.lastEndPs < w) this.openWait(c, st);
    });
    this.writeWindows(w, false);
    // Events wait for the counter samples of the window they fall in (written when it is complete).
    this.buf.drain(Math.min(Math.floor(w / 1000), (this.sums.base * this.sums.widthPs) / 1000), this.writeOut);
    this.advanceAtSize = this.buf.size + ADVANCE_EVERY;
  }

  /** Per chiplet: compute pJ, buffer pJ, PE-utilisation ps, buffer byte-ps. */
  private chipSeries(c: number): number {
    return 3 * this.resources.length + 4 * c;
  }

  /** Writes every window that ends by `untilPs` (at the end: every window that starts before it). */
  private writeWindows(untilPs: number, last: boolean): void {
    const sums = this.sums;
    const w = sums.widthPs;
    const nRes = this.resources.length;
    const nChip = this.chips.length;
    const chiplets = this.meta!.pkg.chiplets;
    const nc = 2 * nRes; // first chiplet counter
    const pk = nc + 3 * nChip; // NoP power
    while (last ? sums.base * w < untilPs : (sums.base + 1) * w <= untilPs) {
      const t0 = sums.base * w;
      const tsNs = t0 / 1000;
      const lenPs = Math.min(w, untilPs - t0);
      const lenNs = lenPs / 1000;
      if (sums.base % ENERGY_EVERY === 0) this.writeEnergy(pk + 3, tsNs);
      let nopPj = 0;
      let dramPj = 0;
      for (let r = 0; r < nRes; r++) {
        const res = this.resources[r];
        const bytes = sums.get(3 * r);
        const pj = bytes * 8 * res.energyPjPerBit;
        if (res.kind !== 'dram') {
          nopPj += pj;
          this.counterAt(2 * r, tsNs, sums.get(3 * r + 1) / lenPs);
        } else {
          dramPj += pj;
          this.counterAt(2 * r, tsNs, bytes / lenNs);
        }
        this.counterAt(2 * r + 1, tsNs, sums.get(3 * r + 2) / lenPs);
      }
      let chipMw = 0;
      let computePj = 0;
      let bufferPj = 0;
      for (let c = 0; c < nChip; c++) {
        const s = this.chipSeries(c);
        this.counterAt(nc + c, tsNs, sums.get(s + 2) / lenPs);
        this.counterAt(nc + nChip + c, tsNs, sums.get(s + 3) / lenPs);
        computePj += sums.get(s);
        bufferPj += sums.get(s + 1);
        const mw = (sums.get(s) + sums.get(s + 1)) / lenNs + chiplets[c].kind.staticPowerMw;
        chipMw += mw;
        this.counterAt(nc + 2 * nChip + c, tsNs, mw);
      }
      this.counterAt(pk, tsNs, nopPj / lenNs);
      this.counterAt(pk + 1, tsNs, dramPj / lenNs);
      this.counterAt(pk + 2, tsNs, chipMw + (nopPj + dramPj) / lenNs);
      const e = this.energySoFarPj;
      e[0] += computePj;
      e[1] += bufferPj;
      e[2] += nopPj;
      e[3] += dramPj;
      e[4] += this.staticMw * lenNs;
      sums.next();
    }
  }

  /** Cumulative energy counters (mJ) at tsNs. */
  private writeEnergy(first: number, tsNs: number): void {
    const e = this.energySoFarPj;
    let total = 0;
    for (let k = 0; k < 5; k++) {
      this.counterAt(first + k, tsNs, e[k] / 1e9);
      total += e[k];
    }
    this.counterAt(first + 5, tsNs, total / 1e9);
  }

  /** Rates drop to 0 at the end of the run; cumulative energy keeps its final value. */
  private finalCounters(endNs: number): void {
    const firstEnergy = this.counterTracks.length - 6;
    for (let i = 0; i < firstEnergy; i++) this.counterAt(i, endNs, 0);
    this.writeEnergy(firstEnergy, endNs);
  }

  private endInstant(makespanPs: number, endNs: number, fingerprint: string | undefined): void {
    const e = this.energySoFarPj;
    const a: ArgValue[] = [
      'makespan_ns', makespanPs / 1000,
      'energy_mj', (e[0] + e[1] + e[2] + e[3] + e[4]) / 1e9,
      'peak_buffered_events', this.buf.peak,
    ];
    if (fingerprint) a.push('fingerprint', fingerprint);
    if (this.estimate) {
      const est = this.estimate.makespanPs;
      a.push('estimated_makespan_ns', est / 1000, 'makespan_err_pct', est > 0 ? (100 * (makespanPs - est)) / est : 0);
    }
    const ev = this.ev(Ev.INSTANT, this.runTrack, endNs, 7);
    ev.name = 'run end';
    ev.args = a;
    this.buf.push(ev);
  }
}

/** Achieved bandwidth, GB/s (= bytes per ns); 0 for an empty interval. */
function gbps(bytes: number, startPs: number, endPs: number): number {
  return endPs > startPs ? (bytes * 1000) / (endPs - startPs) : 0;
}
