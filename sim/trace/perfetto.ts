/**
 * PerfettoSink: streams a native Perfetto trace (.pftrace) to disk.
 *
 * The file is a sequence of `Trace.packet` fields (tag 0x0A, varint length, TracePacket bytes),
 * each packet encoded with protobufjs from traces/perfetto_subset.proto (official field
 * numbers, loaded once). Packets are appended to one protobufjs Writer and written to a
 * temporary file in chunks of ~1 MiB; end() renames it to the target (see file.ts). The track
 * layout, slices, flows and counters are described in timeline.ts.
 *
 * Encoding choices:
 * - one trusted_packet_sequence_id; the first packet has SEQ_INCREMENTAL_STATE_CLEARED, all
 *   others SEQ_NEEDS_INCREMENTAL_STATE. Slice names are interned (TrackEvent.name_iid): a name's
 *   EventName goes into the interned_data of the first packet that uses it.
 * - Every TrackDescriptor is written before any event on its track: process tracks
 *   (ProcessDescriptor), thread tracks (ThreadDescriptor pid/tid, no parent_uuid), counter
 *   tracks (CounterDescriptor, parent = their process track).
 * - The simulator reports a slice when it ends, so its BEGIN and END packets are written
 *   together then (trace processor sorts by timestamp; equal timestamps keep file order, which
 *   is nesting order here).
 * - Timestamps are ns on the default clock: floor(ps / 1000). Flooring is monotonic, so
 *   BEGIN <= END and nesting survive it; sub-ns detail is lost.
 * - Flows: flow_ids on the producer job's BEGIN, terminating_flow_ids on the consumer's BEGIN.
 */
import * as fs from 'fs';
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
const TYPE_COUNTER = 4;

let packetType: protobuf.Type | null = null;

/** perfetto.protos.TracePacket from the subset schema (parsed on first use, field names as in the .proto). */
export function tracePacketType(): protobuf.Type {
  if (!packetType) {
    const src = fs.readFileSync(PERFETTO_SUBSET_PROTO, 'utf8');
    packetType = protobuf.parse(src, { keepCase: true }).root.lookupType('perfetto.protos.TracePacket');
  }
  return packetType;
}

type Msg = Record<string, unknown>;

export class PerfettoSink extends TimelineSink {
  private readonly type: protobuf.Type;
  private readonly w = protobuf.Writer.create();
  private first = true;
  private readonly iids = new Map<string, number>();
  private newNames: Msg[] = [];

  constructor(outPath: string, opts: TimelineOptions = {}) {
    super(outPath, opts);
    this.type = tracePacketType();
  }

  protected startFile(): void {}

  protected defineProcess(p: ProcessTrack): void {
    this.emit({ track_descriptor: { uuid: p.uuid, process: { pid: p.pid, process_name: p.name } } });
  }

  protected defineThread(t: ThreadTrack): void {
    this.emit({ track_descriptor: { uuid: t.uuid, thread: { pid: t.pid, tid: t.tid, thread_name: t.name } } });
  }

  protected defineCounter(c: CounterTrack): void {
    this.emit({
      track_descriptor: {
        uuid: c.uuid, parent_uuid: c.process.uuid, name: `${c.label} (${c.unit})`,
        counter: { unit_name: c.unit, y_axis_share_key: c.shareKey },
      },
    });
  }

  protected beginSlice(
    t: ThreadTrack, name: string, startPs: number, _endPs: number, args: Args | null,
    flowsOut: readonly number[], flowsIn: readonly number[],
  ): void {
    const ev: Msg = { type: TYPE_SLICE_BEGIN, track_uuid: t.uuid, name_iid: this.iid(name) };
    if (args) ev.debug_annotations = args.map(annotation);
    if (flowsOut.length) ev.flow_ids = flowsOut;
    if (flowsIn.length) ev.terminating_flow_ids = flowsIn;
    this.emit({ timestamp: ns(startPs), track_event: ev });
  }

  protected endSlice(t: ThreadTrack, endPs: number): void {
    this.emit({ timestamp: ns(endPs), track_event: { type: TYPE_SLICE_END, track_uuid: t.uuid } });
  }

  protected counter(c: CounterTrack, tsPs: number, value: number): void {
    this.emit({ timestamp: ns(tsPs), track_event: { type: TYPE_COUNTER, track_uuid: c.uuid, double_counter_value: value } });
  }

  protected finishFile(): void {
    this.flush();
  }

  private iid(name: string): number {
    let id = this.iids.get(name);
    if (id === undefined) {
      id = this.iids.size + 1;
      this.iids.set(name, id);
      this.newNames.push({ iid: id, name });
    }
    return id;
  }

  private emit(pkt: Msg): void {
    if (this.newNames.length) {
      pkt.interned_data = { event_names: this.newNames };
      this.newNames = [];
    }
    pkt.trusted_packet_sequence_id = SEQUENCE_ID;
    pkt.sequence_flags = this.first ? SEQ_INCREMENTAL_STATE_CLEARED : SEQ_NEEDS_INCREMENTAL_STATE;
    this.first = false;
    // Trace.packet (field 1, length-delimited): tag 0x0A, then the length, then the packet.
    this.type.encode(pkt, this.w.uint32(0x0a).fork()).ldelim();
    if (this.w.pos >= this.chunkBytes) this.flush();
  }

  private flush(): void {
    if (this.w.pos === 0) return;
    this.file.write(this.w.finish(true));
    this.w.reset();
  }
}

function ns(ps: number): number {
  return Math.floor(ps / 1000);
}

function annotation([name, v]: readonly [string, number | string]): Msg {
  if (typeof v === 'string') return { name, string_value: v };
  return Number.isSafeInteger(v) ? { name, int_value: v } : { name, double_value: v };
}
