/**
 * NoP links and DRAM channels on the engine: every resource of the Topology is a FIFO server
 * (bandwidth, then a fixed latency to the next resource). A transfer is cut into packets;
 * the source injects the next packet when the first resource frees, so concurrent transfers
 * on a shared resource interleave packet by packet and share its bandwidth. Packets are
 * handled one event per resource crossed; packet and transfer records are pooled.
 */
import { Engine, EventTarget } from '../engine/engine';
import { serviceTimePs, Topology } from '../cost/topology';
import { TraceSink } from '../trace/sink';

/** Told when a transfer has delivered its last byte. */
export interface TransferDone {
  onTransferDone(token: number, nowPs: number): void;
}

interface Xfer {
  path: readonly number[];
  bytesLeft: number;
  inFlight: number;
  done: TransferDone | null;
  token: number;
  job: number;
}

interface Packet {
  xfer: Xfer | null;
  hop: number;
  bytes: number;
}

const ARRIVE = 1;
const DELIVER = 2;
const INJECT = 3;

export class Fabric implements EventTarget {
  readonly freeAtPs: Float64Array;
  readonly busyPs: Float64Array;
  /** Bytes served per resource (for NoP: byte-hops). */
  readonly bytes: Float64Array;
  private readonly fullPacketPs: Float64Array;
  private readonly latencyPs: Float64Array;
  private readonly packetBytes: number;
  private readonly xferPool: Xfer[] = [];
  private readonly packetPool: Packet[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly topology: Topology,
    private readonly sink: TraceSink | null,
  ) {
    const n = topology.resources.length;
    this.freeAtPs = new Float64Array(n);
    this.busyPs = new Float64Array(n);
    this.bytes = new Float64Array(n);
    this.packetBytes = topology.pkg.nop.packetBytes;
    this.fullPacketPs = new Float64Array(topology.resources.map((r) => serviceTimePs(this.packetBytes, r.bandwidthGBps)));
    this.latencyPs = new Float64Array(topology.resources.map((r) => r.latencyPs));
    if (sink && !sink.wantsPackets) this.sink = null;
  }

  /** Starts moving `bytes` along `path` now; `done.onTransferDone(token)` follows delivery. */
  send(path: readonly number[], bytes: number, done: TransferDone, token: number, job: number): void {
    const x = this.xferPool.pop() ?? { path, bytesLeft: 0, inFlight: 0, done: null, token: 0, job: 0 };
    x.path = path;
    x.bytesLeft = bytes;
    x.inFlight = 0;
    x.done = done;
    x.token = token;
    x.job = job;
    this.inject(x, this.engine.nowPs);
  }

  onEvent(kind: number, arg: unknown, now: number): void {
    if (kind === ARRIVE) this.arrive(arg as Packet, now);
    else if (kind === DELIVER) this.deliver(arg as Packet, now);
    else this.inject(arg as Xfer, now);
  }

  private inject(x: Xfer, now: number): void {
    const p = this.packetPool.pop() ?? { xfer: null, hop: 0, bytes: 0 };
    p.xfer = x;
    p.hop = 0;
    p.bytes = Math.min(this.packetBytes, x.bytesLeft);
    x.bytesLeft -= p.bytes;
    x.inFlight++;
    this.arrive(p, now);
  }

  private arrive(p: Packet, now: number): void {
    const x = p.xfer!;
    const r = x.path[p.hop];
    const serve = p.bytes === this.packetBytes ? this.fullPacketPs[r] : serviceTimePs(p.bytes, this.topology.resources[r].bandwidthGBps);
    const start = Math.max(now, this.freeAtPs[r]);
    const end = start + serve;
    this.freeAtPs[r] = end;
    this.busyPs[r] += serve;
    this.bytes[r] += p.bytes;
    if (this.sink) this.sink.packet(r, x.job, now, start, end, p.bytes);
    // The source sends its next packet when the first resource is free for it.
    if (p.hop === 0 && x.bytesLeft > 0) this.engine.at(end, this, INJECT, x);
    p.hop++;
    this.engine.at(end + this.latencyPs[r], this, p.hop < x.path.length ? ARRIVE : DELIVER, p);
  }

  private deliver(p: Packet, now: number): void {
    const x = p.xfer!;
    p.xfer = null;
    this.packetPool.push(p);
    x.inFlight--;
    if (x.inFlight === 0 && x.bytesLeft === 0) {
      const done = x.done!;
      x.done = null;
      this.xferPool.push(x);
      done.onTransferDone(x.token, now);
    }
  }
}
