/**
 * PerfettoSink: streams a native Perfetto trace (.pftrace) to disk.
 *
 * The file is a sequence of `Trace.packet` fields (tag 0x0A, varint length, TracePacket bytes).
 * Packets are laid out by hand on one protobufjs Writer (field numbers and wire types from
 * traces/perfetto_subset.proto, itself checked against the official schema by the tests): the
 * generic reflective encoder cost more than the simulation it traced. The Writer's bytes go to
 * a temporary file in ~64 KiB chunks; end() renames it to the target (see ../output/atomic.ts). Tracks,
 * slices, flows, instants and counters are described in timeline.ts, which hands them over in
 * time order.
 *
 * Encoding choices:
 * - one trusted_packet_sequence_id; the first packet has SEQ_INCREMENTAL_STATE_CLEARED, all
 *   others SEQ_NEEDS_INCREMENTAL_STATE. Slice names and argument names are interned
 *   (EventName / DebugAnnotationName in the interned_data of the first packet using them).
 * - Every TrackDescriptor is written before any event on its track: process tracks
 *   (ProcessDescriptor), thread tracks (ThreadDescriptor pid/tid), counter tracks
 *   (CounterDescriptor, parent = their process track). Each has a description, process tracks
 *   order their children explicitly (child_ordering EXPLICIT, sibling_order_rank).
 * - Timestamps are ns on the default clock (timeline.ts floors ps to ns).
 * - Flows: flow_ids on the producer job's BEGIN, terminating_flow_ids on the consumer's BEGIN.
 */
import * as path from 'path';
import * as protobuf from 'protobufjs';
import { Args, CounterTrack, ProcessTrack, ThreadTrack, TimelineOptions, TimelineSink } from './timeline';
import { ROOT } from '../root';

/** The subset schema, resolved from this file's folder (sim/trace -> traces/). */
export const PERFETTO_SUBSET_PROTO = path.join(ROOT, 'traces/perfetto_subset.proto');

/** Any non-zero id; 1 is what the Perfetto tracing service uses for its own packets. */
const SEQUENCE_ID = 2;
const SEQ_INCREMENTAL_STATE_CLEARED = 1;
const SEQ_NEEDS_INCREMENTAL_STATE = 2;
const TYPE_SLICE_BEGIN = 1;
const TYPE_SLICE_END = 2;
const TYPE_INSTANT = 3;
const TYPE_COUNTER = 4;
const CHILD_ORDERING_EXPLICIT = 3;

// Tags: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited).
const T_TRACE_PACKET = (1 << 3) | 2;
const P_TIMESTAMP = (8 << 3) | 0;
const P_SEQ_ID = (10 << 3) | 0;
const P_TRACK_EVENT = (11 << 3) | 2;
const P_INTERNED = (12 << 3) | 2;
const P_SEQ_FLAGS = (13 << 3) | 0;
const P_TRACK_DESCRIPTOR = (60 << 3) | 2;
const E_ANNOTATION = (4 << 3) | 2;
const E_TYPE = (9 << 3) | 0;
const E_NAME_IID = (10 << 3) | 0;
const E_TRACK_UUID = (11 << 3) | 0;
const E_DOUBLE_VALUE = (44 << 3) | 1;
const E_FLOW_ID = (47 << 3) | 1;
const E_TERMINATING_FLOW_ID = (48 << 3) | 1;
const A_NAME_IID = (1 << 3) | 0;
const A_INT = (4 << 3) | 0;
const A_DOUBLE = (5 << 3) | 1;
const A_STRING = (6 << 3) | 2;
const A_STRING_IID = (17 << 3) | 0;
const I_ANNOTATION_STRING = (29 << 3) | 2;
const I_EVENT_NAME = (2 << 3) | 2;
const I_ANNOTATION_NAME = (3 << 3) | 2;
const N_IID = (1 << 3) | 0;
/** EventName.name, DebugAnnotationName.name (string) and InternedString.str (bytes: UTF-8, the same on the wire). */
const N_NAME = (2 << 3) | 2;
const D_UUID = (1 << 3) | 0;
const D_NAME = (2 << 3) | 2;
const D_PROCESS = (3 << 3) | 2;
const D_THREAD = (4 << 3) | 2;
const D_PARENT = (5 << 3) | 0;
const D_COUNTER = (8 << 3) | 2;
const D_CHILD_ORDERING = (11 << 3) | 0;
const D_RANK = (12 << 3) | 0;
const D_DESCRIPTION = (14 << 3) | 2;
const PROC_PID = (1 << 3) | 0;
const PROC_NAME = (6 << 3) | 2;
const THR_PID = (1 << 3) | 0;
const THR_TID = (2 << 3) | 0;
const THR_NAME = (5 << 3) | 2;
const CTR_UNIT = (6 << 3) | 2;
const CTR_SHARE_KEY = (7 << 3) | 2;

/** Argument names, and string values, remembered per argument position (see argIids). */
const NAME_WAYS = 4;
const VALUE_WAYS = 8;

export class PerfettoSink extends TimelineSink {
  protected readonly nestDetail = true;
  /** Byte-by-byte fast paths for the common packets (a test turns them off and compares bytes). */
  protected readonly handLaid: boolean = true;
  private readonly w = protobuf.Writer.create();
  private first = true;
  private readonly names = new Map<string, number>();
  /** Interned id of each name key (Out.nameKey), 0 while not interned yet. */
  private iidOfKey = new Int32Array(0);
  private readonly argNames = new Map<string, number>();
  private newNames: string[] = [];
  private newArgNames: string[] = [];
  private readonly aiids: number[] = [];
  /** Per argument position p: string values and ids of its cache ways p * VALUE_WAYS .. + VALUE_WAYS - 1, and the next way to replace. */
  private readonly lastArg: string[] = [];
  private readonly lastArgId: number[] = [];
  private readonly valueNext: number[] = [];
  /** Per argument position p: names and ids of its cache ways p * NAME_WAYS .. + NAME_WAYS - 1, and the next way to replace. */
  private readonly wayName: string[] = [];
  private readonly wayId: number[] = [];
  private readonly wayNext: number[] = [];
  private readonly scratchBytes = new Uint8Array(40);
  private readonly annSizes: number[] = [];
  // A double's 8 bytes, little-endian as protobuf's fixed64 wants.
  private readonly f64Bytes = new Uint8Array(8);
  private readonly f64View = new DataView(this.f64Bytes.buffer);
  private readonly strings = new Map<string, number>();
  private newStrings: string[] = [];
  /** Interned ids of tile slices' argument names (0: not yet) and of job and resource names as string values. */
  private tileNameIids = new Int32Array(5);
  private jobSid = new Int32Array(0);
  private resourceSid = new Int32Array(0);

  constructor(outPath: string, opts: TimelineOptions = {}) {
    super(outPath, opts);
  }

  protected startFile(): void {}

  protected defineProcess(p: ProcessTrack): void {
    const w = this.open(-1);
    w.uint32(P_TRACK_DESCRIPTOR).fork().uint32(D_UUID).uint32(p.uuid);
    w.uint32(D_DESCRIPTION).string(p.description).uint32(D_CHILD_ORDERING).uint32(CHILD_ORDERING_EXPLICIT).uint32(D_RANK).int32(p.sortIndex);
    w.uint32(D_PROCESS).fork().uint32(PROC_PID).int32(p.pid).uint32(PROC_NAME).string(p.name).ldelim();
    this.close(w.ldelim());
  }

  protected defineThread(t: ThreadTrack): void {
    const w = this.open(-1);
    w.uint32(P_TRACK_DESCRIPTOR).fork().uint32(D_UUID).uint32(t.uuid);
    w.uint32(D_DESCRIPTION).string(t.description).uint32(D_RANK).int32(t.sortIndex);
    w.uint32(D_THREAD).fork().uint32(THR_PID).int32(t.pid).uint32(THR_TID).int64(t.tid).uint32(THR_NAME).string(t.name).ldelim();
    this.close(w.ldelim());
  }

  protected defineCounter(c: CounterTrack): void {
    const w = this.open(-1);
    w.uint32(P_TRACK_DESCRIPTOR).fork().uint32(D_UUID).uint32(c.uuid).uint32(D_PARENT).uint32(c.process.uuid);
    w.uint32(D_NAME).string(`${c.label} (${c.unit})`).uint32(D_DESCRIPTION).string(c.description).uint32(D_RANK).int32(c.sortIndex);
    w.uint32(D_COUNTER).fork().uint32(CTR_UNIT).string(c.unit).uint32(CTR_SHARE_KEY).string(c.shareKey).ldelim();
    this.close(w.ldelim());
  }

  protected beginSlice(
    t: ThreadTrack, name: string, tsNs: number, _endNs: number, args: Args | null,
    flowsOut: readonly number[], flowsIn: readonly number[], nameKey: number,
  ): void {
    const iid = this.keyedIid(name, nameKey);
    const aiids = args ? this.argIids(args) : null;
    if (flowsOut.length === 0 && flowsIn.length === 0 && this.plainEvent(TYPE_SLICE_BEGIN, t.uuid, iid, tsNs, args, aiids)) return;
    const w = this.open(tsNs);
    w.uint32(P_TRACK_EVENT).fork().uint32(E_TYPE).uint32(TYPE_SLICE_BEGIN).uint32(E_TRACK_UUID).uint32(t.uuid).uint32(E_NAME_IID).uint32(iid);
    if (args) this.annotations(args, aiids!);
    for (const id of flowsOut) w.uint32(E_FLOW_ID).fixed64(id);
    for (const id of flowsIn) w.uint32(E_TERMINATING_FLOW_ID).fixed64(id);
    this.close(w.ldelim());
  }

  protected endSlice(t: ThreadTrack, endNs: number, _openEnded: boolean, args: Args | null): void {
    if (this.handLaid && !args && !this.first && !this.newNames.length && !this.newArgNames.length && !this.newStrings.length) {
      this.plainEnd(t.uuid, endNs);
      return;
    }
    const aiids = args ? this.argIids(args) : null;
    const w = this.open(endNs);
    w.uint32(P_TRACK_EVENT).fork().uint32(E_TYPE).uint32(TYPE_SLICE_END).uint32(E_TRACK_UUID).uint32(t.uuid);
    if (args) this.annotations(args, aiids!);
    this.close(w.ldelim());
  }

  protected instant(t: ThreadTrack, name: string, tsNs: number, args: Args | null, nameKey: number): void {
    const iid = this.keyedIid(name, nameKey);
    const aiids = args ? this.argIids(args) : null;
    if (this.plainEvent(TYPE_INSTANT, t.uuid, iid, tsNs, args, aiids)) return;
    const w = this.open(tsNs);
    w.uint32(P_TRACK_EVENT).fork().uint32(E_TYPE).uint32(TYPE_INSTANT).uint32(E_TRACK_UUID).uint32(t.uuid).uint32(E_NAME_IID).uint32(iid);
    if (args) this.annotations(args, aiids!);
    this.close(w.ldelim());
  }

  protected counter(c: CounterTrack, tsNs: number, value: number): void {
    if (this.handLaid && !this.first && !this.newNames.length && !this.newArgNames.length && !this.newStrings.length) {
      this.plainCounter(c.uuid, tsNs, value);
      return;
    }
    const w = this.open(tsNs);
    w.uint32(P_TRACK_EVENT).fork().uint32(E_TYPE).uint32(TYPE_COUNTER).uint32(E_TRACK_UUID).uint32(c.uuid).uint32(E_DOUBLE_VALUE).double(value);
    this.close(w.ldelim());
  }

  /**
   * A tile slice's BEGIN laid out from its numbers (the bytes plainEvent writes for tileArgs):
   * no argument array, no per-argument type checks or cache lookups.
   */
  protected override tileBegin(t: ThreadTrack, name: string, tsNs: number, endNs: number, nameKey: number, job: number, bytes: number, gbps: number, queuedOn: number, queuedNs: number): void {
    const iid = this.keyedIid(name, nameKey);
    // Interned in the order argIids would (argument order): ids are handed out in first-use order.
    const an = this.tileNameIids;
    if (an[0] === 0) an[0] = intern(this.argNames, this.newArgNames, 'job');
    const jobSid = this.jobStringIid(job);
    if (an[1] === 0) an[1] = intern(this.argNames, this.newArgNames, 'bytes');
    if (an[2] === 0) an[2] = intern(this.argNames, this.newArgNames, 'gbps');
    let resSid = 0;
    if (queuedOn >= 0) {
      if (an[3] === 0) an[3] = intern(this.argNames, this.newArgNames, 'queued_on');
      resSid = this.resourceStringIid(queuedOn);
      if (an[4] === 0) an[4] = intern(this.argNames, this.newArgNames, 'queued_ns');
    }
    // Annotation sizes, then the TrackEvent's and the packet's (as plainEvent computes them).
    const c0 = stringAnnotationSize(an[0], jobSid);
    const c1 = numberAnnotationSize(an[1], bytes);
    const c2 = numberAnnotationSize(an[2], gbps);
    const c3 = queuedOn >= 0 ? stringAnnotationSize(an[3], resSid) : 0;
    const c4 = queuedOn >= 0 ? numberAnnotationSize(an[4], queuedNs) : 0;
    let te = 2 + 1 + varintSize(t.uuid) + 1 + varintSize(iid) + annotationBytes(c0) + annotationBytes(c1) + annotationBytes(c2);
    if (queuedOn >= 0) te += annotationBytes(c3) + annotationBytes(c4);
    const body = 1 + varintSize(tsNs) + 4 + 1 + varintSize(te) + te;
    const w = this.w;
    if (
      !this.handLaid || this.first || this.newNames.length || this.newArgNames.length || this.newStrings.length ||
      c1 < 0 || c2 < 0 || c4 < 0 || w.buf.length - w.pos < 1 + varintSize(body) + body
    ) {
      super.tileBegin(t, name, tsNs, endNs, nameKey, job, bytes, gbps, queuedOn, queuedNs);
      return;
    }
    const b = w.buf;
    let p = putEventHead(b, w.pos, body, tsNs, te, TYPE_SLICE_BEGIN, t.uuid);
    b[p++] = E_NAME_IID;
    p = putVarint(b, p, iid);
    p = putStringAnnotation(b, p, c0, an[0], jobSid);
    p = this.putNumberAnnotation(b, p, c1, an[1], bytes);
    p = this.putNumberAnnotation(b, p, c2, an[2], gbps);
    if (queuedOn >= 0) {
      p = putStringAnnotation(b, p, c3, an[3], resSid);
      p = this.putNumberAnnotation(b, p, c4, an[4], queuedNs);
    }
    w.pos = p;
    if (p >= this.chunkBytes) this.flush();
  }

  /** The string id of job j's name (interned on first use, then by index). */
  private jobStringIid(j: number): number {
    if (this.jobSid.length !== this.jobs.length) this.jobSid = new Int32Array(this.jobs.length);
    let id = this.jobSid[j];
    if (id === 0) id = this.jobSid[j] = intern(this.strings, this.newStrings, this.jobs[j].name);
    return id;
  }

  private resourceStringIid(r: number): number {
    if (this.resourceSid.length !== this.resources.length) this.resourceSid = new Int32Array(this.resources.length);
    let id = this.resourceSid[r];
    if (id === 0) id = this.resourceSid[r] = intern(this.strings, this.newStrings, this.resources[r].name);
    return id;
  }

  /** TrackEvent.debug_annotations field: DebugAnnotation { name_iid, int_value | double_value } of body size c (numberAnnotationSize). */
  private putNumberAnnotation(b: Uint8Array, p: number, c: number, nameIid: number, v: number): number {
    b[p++] = E_ANNOTATION;
    p = putVarint(b, p, c);
    b[p++] = A_NAME_IID;
    p = putVarint(b, p, nameIid);
    if (Number.isSafeInteger(v)) {
      b[p++] = A_INT;
      return putVarint(b, p, v);
    }
    b[p++] = A_DOUBLE;
    return this.putDouble(b, p, v);
  }

  protected finishFile(): void {
    this.flush();
  }

  /**
   * A named event with arguments and no flows (most slice BEGINs), laid out byte by byte like
   * the Writer calls in beginSlice would: sizes first, then the bytes straight into the Writer's
   * buffer. Returns false (nothing written) when the generic path is needed: interned data to
   * emit, the first packet, an argument that is not a non-negative safe integer, a double or an
   * interned string, or too little room in the buffer.
   */
  private plainEvent(type: number, uuid: number, nameIid: number, tsNs: number, args: Args | null, aiids: number[] | null): boolean {
    if (!this.handLaid || this.first || this.newNames.length || this.newArgNames.length || this.newStrings.length) return false;
    let te = 2 + 1 + varintSize(uuid) + 1 + varintSize(nameIid);
    const n = args ? args.length : 0;
    const sizes = this.annSizes;
    for (let i = 0; i < n; i += 2) {
      const v = args![i + 1];
      const c = typeof v === 'string' ? stringAnnotationSize(aiids![i], aiids![i + 1]) : numberAnnotationSize(aiids![i], v);
      if (c < 0) return false;
      sizes[i] = c;
      te += annotationBytes(c);
    }
    const body = 1 + varintSize(tsNs) + 4 + 1 + varintSize(te) + te;
    const total = 1 + varintSize(body) + body;
    const w = this.w;
    if (w.buf.length - w.pos < total) return false;
    const b = w.buf;
    let p = w.pos;
    p = putEventHead(b, p, body, tsNs, te, type, uuid);
    b[p++] = E_NAME_IID;
    p = putVarint(b, p, nameIid);
    for (let i = 0; i < n; i += 2) {
      const v = args![i + 1];
      p = typeof v === 'string' ? putStringAnnotation(b, p, sizes[i], aiids![i], aiids![i + 1]) : this.putNumberAnnotation(b, p, sizes[i], aiids![i], v);
    }
    w.pos = p;
    if (p >= this.chunkBytes) this.flush();
    return true;
  }

  /**
   * The most common packet, a bare slice END, laid out byte by byte (the same bytes the Writer
   * calls above produce): Trace.packet { timestamp, trusted_packet_sequence_id, sequence_flags,
   * track_event { type = END, track_uuid } }.
   */
  private plainEnd(uuid: number, tsNs: number): void {
    const w = this.w;
    // Straight into the Writer's buffer when it has room (it keeps its size across flushes).
    const direct = w.buf.length - w.pos >= 40;
    const b = direct ? w.buf : this.scratchBytes;
    const inner = 3 + varintSize(uuid);
    const body = 1 + varintSize(tsNs) + 4 + 2 + inner;
    const p0 = direct ? w.pos : 0;
    let p = p0;
    p = putEventHead(b, p, body, tsNs, inner, TYPE_SLICE_END, uuid);
    if (direct) w.pos = p;
    else w.raw(b.subarray(p0, p));
    if (w.pos >= this.chunkBytes) this.flush();
  }

  /** iid(name) through an array when the name has a key (no string hashing per event). */
  private keyedIid(name: string, key: number): number {
    if (key < 0) return this.iid(name);
    if (key >= this.iidOfKey.length) {
      const grown = new Int32Array(Math.max(2 * this.iidOfKey.length, key + 1024));
      grown.set(this.iidOfKey);
      this.iidOfKey = grown;
    }
    let id = this.iidOfKey[key];
    if (id === 0) {
      id = this.iid(name);
      this.iidOfKey[key] = id;
    }
    return id;
  }

  /** A counter sample laid out byte by byte (the bytes of counter()'s Writer calls). */
  private plainCounter(uuid: number, tsNs: number, value: number): void {
    const w = this.w;
    const direct = w.buf.length - w.pos >= 40;
    const b = direct ? w.buf : this.scratchBytes;
    const inner = 2 + 1 + varintSize(uuid) + 2 + 8;
    const body = 1 + varintSize(tsNs) + 4 + 2 + inner;
    const p0 = direct ? w.pos : 0;
    let p = p0;
    p = putEventHead(b, p, body, tsNs, inner, TYPE_COUNTER, uuid);
    b[p++] = (E_DOUBLE_VALUE & 0x7f) | 0x80; // tag 353 as a two-byte varint
    b[p++] = E_DOUBLE_VALUE >> 7;
    p = this.putDouble(b, p, value);
    if (direct) w.pos = p;
    else w.raw(b.subarray(p0, p));
    if (w.pos >= this.chunkBytes) this.flush();
  }

  /** A double's 8 bytes, little-endian (protobuf's fixed64), copied one by one (no typed-array set call for 8 bytes). */
  private putDouble(b: Uint8Array, p: number, v: number): number {
    this.f64View.setFloat64(0, v, true);
    const f = this.f64Bytes;
    b[p] = f[0];
    b[p + 1] = f[1];
    b[p + 2] = f[2];
    b[p + 3] = f[3];
    b[p + 4] = f[4];
    b[p + 5] = f[5];
    b[p + 6] = f[6];
    b[p + 7] = f[7];
    return p + 8;
  }

  private iid(name: string): number {
    return intern(this.names, this.newNames, name);
  }

  /**
   * Interns the argument names and string values into `aiids` (ids at the arguments' positions;
   * the array is reused and may be longer than `args`: readers stop at args.length).
   * Argument names are a few constants per kind of event, and kinds interleave in the stream:
   * a small cache per position (NAME_WAYS entries, compared by identity first) answers them
   * without hashing; so are string values (job and resource names: chiplets interleave, so a
   * position sees a few at a time).
   */
  private argIids(args: Args): number[] {
    const out = this.aiids;
    const last = this.lastArg;
    const lastId = this.lastArgId;
    for (let i = 0; i < args.length; i += 2) {
      const name = args[i] as string;
      const ways = (i >> 1) * NAME_WAYS;
      let id = 0;
      for (let k = ways; k < ways + NAME_WAYS; k++) {
        if (this.wayName[k] === name) {
          id = this.wayId[k];
          break;
        }
      }
      if (id === 0) {
        id = intern(this.argNames, this.newArgNames, name);
        const next = this.wayNext[i >> 1] ?? 0;
        this.wayNext[i >> 1] = next + 1;
        const k = ways + (next % NAME_WAYS);
        this.wayName[k] = name;
        this.wayId[k] = id;
      }
      out[i] = id;
      const v = args[i + 1];
      if (typeof v === 'string') {
        const vWays = (i >> 1) * VALUE_WAYS;
        let sid = 0;
        for (let k = vWays; k < vWays + VALUE_WAYS; k++) {
          if (last[k] === v) {
            sid = lastId[k];
            break;
          }
        }
        if (sid === 0) {
          sid = intern(this.strings, this.newStrings, v);
          const next = this.valueNext[i >> 1] ?? 0;
          this.valueNext[i >> 1] = next + 1;
          last[vWays + (next % VALUE_WAYS)] = v;
          lastId[vWays + (next % VALUE_WAYS)] = sid;
        }
        out[i + 1] = sid;
      }
    }
    return out;
  }

  private annotations(args: Args, iids: number[]): void {
    const w = this.w;
    for (let i = 0; i < args.length; i += 2) {
      const v = args[i + 1];
      w.uint32(E_ANNOTATION).fork().uint32(A_NAME_IID).uint32(iids[i]);
      if (typeof v === 'string') w.uint32(A_STRING_IID).uint32(iids[i + 1]);
      else if (Number.isSafeInteger(v)) w.uint32(A_INT).int64(v);
      else w.uint32(A_DOUBLE).double(v);
      w.ldelim();
    }
  }

  /** Starts a TracePacket (timestamp < 0: none) with its sequence fields and new interned names. */
  private open(tsNs: number): protobuf.Writer {
    const w = this.w;
    w.uint32(T_TRACE_PACKET).fork();
    if (tsNs >= 0) {
      if (tsNs < 4294967296) w.uint32(P_TIMESTAMP).uint32(tsNs);
      else w.uint32(P_TIMESTAMP).uint64(tsNs);
    }
    w.uint32(P_SEQ_ID).uint32(SEQUENCE_ID).uint32(P_SEQ_FLAGS).uint32(this.first ? SEQ_INCREMENTAL_STATE_CLEARED : SEQ_NEEDS_INCREMENTAL_STATE);
    this.first = false;
    if (this.newNames.length || this.newArgNames.length || this.newStrings.length) {
      w.uint32(P_INTERNED).fork();
      this.interned(I_EVENT_NAME, this.newNames, this.names);
      this.interned(I_ANNOTATION_NAME, this.newArgNames, this.argNames);
      this.interned(I_ANNOTATION_STRING, this.newStrings, this.strings);
      w.ldelim();
      this.newNames = [];
      this.newArgNames = [];
      this.newStrings = [];
    }
    return w;
  }

  private interned(tag: number, list: string[], ids: Map<string, number>): void {
    for (const name of list) this.w.uint32(tag).fork().uint32(N_IID).uint32(ids.get(name)!).uint32(N_NAME).string(name).ldelim();
  }

  private close(w: protobuf.Writer): void {
    w.ldelim();
    if (w.pos >= this.chunkBytes) this.flush();
  }

  private flush(): void {
    if (this.w.pos === 0) return;
    this.file.write(this.w.finish(true));
    this.w.reset();
  }
}

/** Bytes of a TrackEvent.debug_annotations field whose DebugAnnotation body has c bytes (tag, length, body). */
function annotationBytes(c: number): number {
  return 1 + varintSize(c) + c;
}

/** Body bytes of DebugAnnotation { name_iid, string_value_iid } (field 17: a two-byte tag). */
function stringAnnotationSize(nameIid: number, sid: number): number {
  return 1 + varintSize(nameIid) + 2 + varintSize(sid);
}

/**
 * Body bytes of DebugAnnotation { name_iid, int_value (a non-negative safe integer, as a varint)
 * or double_value (fixed64) }; -1 for a negative integer (its int64 varint is left to the Writer).
 */
function numberAnnotationSize(nameIid: number, v: number): number {
  if (!Number.isSafeInteger(v)) return 1 + varintSize(nameIid) + 9;
  return v < 0 ? -1 : 1 + varintSize(nameIid) + 1 + varintSize(v);
}

/** TrackEvent.debug_annotations field: DebugAnnotation { name_iid, string_value_iid } of body size c (stringAnnotationSize). */
function putStringAnnotation(b: Uint8Array, p: number, c: number, nameIid: number, sid: number): number {
  b[p++] = E_ANNOTATION;
  p = putVarint(b, p, c);
  b[p++] = A_NAME_IID;
  p = putVarint(b, p, nameIid);
  b[p++] = (A_STRING_IID & 0x7f) | 0x80; // tag 136 as a two-byte varint
  b[p++] = A_STRING_IID >> 7;
  return putVarint(b, p, sid);
}

/** Bytes of a base-128 varint of a non-negative integer (up to 2^53). */
function varintSize(v: number): number {
  if (v < 128) return 1;
  if (v < 16384) return 2;
  if (v < 2097152) return 3;
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function putVarint(b: Uint8Array, p: number, v: number): number {
  if (v < 128) {
    b[p] = v;
    return p + 1;
  }
  if (v < 4294967296) {
    // Below 2^32: unsigned shifts, no float division.
    let u = v >>> 0;
    while (u >= 128) {
      b[p++] = (u & 127) | 128;
      u >>>= 7;
    }
    b[p++] = u;
    return p;
  }
  while (v >= 128) {
    b[p++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  b[p++] = v;
  return p;
}

/**
 * The head every hand-laid packet shares: Trace.packet { timestamp, trusted_packet_sequence_id,
 * sequence_flags, track_event (length te) { type, track_uuid ... } }. Returns the next offset.
 */
/** The interning id of `key` (1, 2, ...); a new key is also queued in `fresh` to be declared. */
function intern(ids: Map<string, number>, fresh: string[], key: string): number {
  let id = ids.get(key);
  if (id === undefined) {
    id = ids.size + 1;
    ids.set(key, id);
    fresh.push(key);
  }
  return id;
}

function putEventHead(b: Uint8Array, p: number, body: number, tsNs: number, te: number, type: number, uuid: number): number {
  b[p++] = T_TRACE_PACKET;
  p = putVarint(b, p, body);
  b[p++] = P_TIMESTAMP;
  p = putVarint(b, p, tsNs);
  b[p++] = P_SEQ_ID;
  b[p++] = SEQUENCE_ID;
  b[p++] = P_SEQ_FLAGS;
  b[p++] = SEQ_NEEDS_INCREMENTAL_STATE;
  b[p++] = P_TRACK_EVENT;
  p = putVarint(b, p, te);
  b[p++] = E_TYPE;
  b[p++] = type;
  b[p++] = E_TRACK_UUID;
  return putVarint(b, p, uuid);
}
