/**
 * NoP links and DRAM channels on the engine: every resource of the Topology is a FIFO server
 * (bandwidth, then a fixed latency to the next resource). A transfer is cut into packets;
 * the source injects the next packet when the first resource frees, so concurrent transfers
 * on a shared resource interleave packet by packet and share its bandwidth. Packets are
 * handled one event per resource crossed; packet and transfer records are pooled.
 *
 * A DRAM channel may instead be served by a pluggable ChannelServer (sim/hw/dram-*.ts, chosen
 * by name in the package file): the packet is handed to it and comes back through served().
 *
 * Contention accounting (always on, cheap): a packet that finds its resource still held by
 * another transfer waits startPs - arrivePs; the transfer sums these waits per hop. Waiting
 * behind a packet of its own transfer is not contention: it is the path's bottleneck setting
 * the packet spacing, which the contention-free model already counts. When a transfer that
 * waited ends, its delay = (end - start) - Topology.transferTimePs(path, bytes), the time it
 * lost against an idle path, is charged to the resources of its path in proportion to its
 * waits there, and to its job (queueDelayPs, jobQueueDelayPs, jobResourceDelayPs). Summing
 * per-packet waits instead would count the same wall time once per queued packet. A transfer
 * through a ChannelServer (banked DRAM) that lost time without waiting behind others is
 * charged to that channel (its timing, not the bandwidth/latency model, is the cause).
 */
import { Engine, EventTarget } from '../engine/engine';
import { serviceTimePs, Topology } from '../cost/topology';
import { TraceSink } from '../trace/sink';
import { PacketReporter } from '../trace/packet-counters';
import { JobResourceDelays } from './job-resource-delay';
import type { RouterNet } from './nop-router';

/** Told when a transfer has delivered its last byte. */
export interface TransferDone {
  onTransferDone(token: number, nowPs: number): void;
}

interface Xfer {
  path: readonly number[];
  bytes: number;
  bytesLeft: number;
  write: boolean;
  /** Base address given by a ChannelServer on first use, -1 before. */
  addr: number;
  /** Unique per transfer (records are pooled, so identity is not enough). */
  serial: number;
  startPs: number;
  /** Waits behind other transfers per hop (then at Topology.portsOf(path)), and their sum, ps. */
  waits: Float64Array;
  waitSum: number;
  /** Crosses a ChannelServer. */
  served: boolean;
  /** Router model: the stages of its run of links, set on its first packet (sim/hw/nop-router.ts). */
  nopStages: Int32Array | null;
  inFlight: number;
  done: TransferDone | null;
  token: number;
  job: number;
}

export interface Packet {
  xfer: Xfer | null;
  hop: number;
  bytes: number;
  /** Offset of the packet's first byte in its transfer. */
  offset: number;
}

/** A resource with its own timing (a banked DRAM channel). */
export interface ChannelServer {
  /**
   * The packet reached the channel at nowPs. Call fabric.accepted() when it is taken into
   * service and fabric.served() when its last byte has left.
   */
  enqueue(p: Packet, nowPs: number): void;
}

/** What the DRAM controller needs to know about a packet. */
export const packetWrite = (p: Packet): boolean => p.xfer!.write;
/** The transfer's base address, assigned by `alloc(transferBytes)` on its first packet. */
export function packetAddress(p: Packet, alloc: (bytes: number) => number): number {
  const x = p.xfer!;
  if (x.addr < 0) x.addr = alloc(x.bytes);
  return x.addr + p.offset;
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
  /** Delay each resource imposed: transfers' lost time charged to it (see header), ps. */
  readonly queueDelayPs: Float64Array;
  /** Delay per job, summed over its transfers (which may overlap in time), ps. */
  readonly jobQueueDelayPs: Float64Array;
  /** Queueing delay per job and resource, only the pairs that had any, ps. */
  readonly jobResourceDelayPs: JobResourceDelays;
  /** Per resource: serial of the transfer whose packet last occupied it. */
  private readonly lastXfer: Float64Array;
  private serial = 0;
  private readonly nRes: number;
  /** Per resource: its own server, or null for the built-in FIFO. */
  private servers: (ChannelServer | null)[] | null = null;
  private readonly packetBytes: number;
  private readonly xferPool: Xfer[] = [];
  private readonly packetPool: Packet[] = [];
  /** The sink's packet reporter (a small monomorphic call per packet instead of a sink call). */
  private readonly reporter: PacketReporter | null;
  /** Router model (sim/hw/nop.ts): runs of links go through it instead of per-link FIFOs. */
  private net: RouterNet | null = null;
  private readonly isLink: Uint8Array;

  constructor(
    private readonly engine: Engine,
    private readonly topology: Topology,
    private readonly sink: TraceSink | null,
    jobs = 0,
  ) {
    const n = topology.resources.length;
    this.nRes = n;
    this.queueDelayPs = new Float64Array(n);
    this.jobQueueDelayPs = new Float64Array(jobs);
    this.jobResourceDelayPs = new JobResourceDelays(n);
    this.lastXfer = new Float64Array(n).fill(-1);
    this.freeAtPs = new Float64Array(n);
    this.busyPs = new Float64Array(n);
    this.bytes = new Float64Array(n);
    this.packetBytes = topology.pkg.nop.packetBytes;
    this.fullPacketPs = new Float64Array(topology.resources.map((r) => serviceTimePs(this.packetBytes, r.bandwidthGBps)));
    this.latencyPs = new Float64Array(topology.resources.map((r) => r.latencyPs));
    if (sink && !sink.wantsPackets) this.sink = null;
    this.reporter = this.sink?.packetReporter ?? null;
    if (this.reporter) this.sink = null;
    this.isLink = Uint8Array.from(topology.resources, (r) => (r.kind === 'link' ? 1 : 0));
  }

  /** Moves every run of links through `net` (the router model) instead of the per-link FIFOs. */
  setNetwork(net: RouterNet): void {
    this.net = net;
  }

  /** Serves resource r with `server` instead of the built-in FIFO. */
  setServer(r: number, server: ChannelServer): void {
    if (!this.servers) this.servers = new Array<ChannelServer | null>(this.nRes).fill(null);
    this.servers[r] = server;
  }

  /**
   * Starts moving `bytes` along `path` now; `done.onTransferDone(token)` follows delivery.
   * `write`: the bytes go to DRAM (a store), else they come from it or from a chiplet.
   * `addr`: the DRAM byte address of the transfer's first byte (-1: the DRAM model allocates one).
   */
  send(path: readonly number[], bytes: number, done: TransferDone, token: number, job: number, write = false, addr = -1): void {
    const x = this.xferPool.pop() ?? { path, bytes: 0, bytesLeft: 0, write: false, addr: -1, serial: 0, startPs: 0, waits: new Float64Array(8), waitSum: 0, served: false, nopStages: null, inFlight: 0, done: null, token: 0, job: 0 };
    x.path = path;
    x.bytes = bytes;
    x.write = write;
    x.addr = addr;
    x.serial = this.serial++;
    x.startPs = this.engine.nowPs;
    if (x.waits.length < path.length + 2) x.waits = new Float64Array(path.length + 2);
    else x.waits.fill(0, 0, path.length + 2);
    x.waitSum = 0;
    x.served = false;
    x.nopStages = null;
    x.bytesLeft = bytes;
    x.inFlight = 0;
    x.done = done;
    x.token = token;
    x.job = job;
    if (this.engine.check.on) this.engine.check.transferStarted(x.serial, this.pathName(path), bytes, this.engine.nowPs);
    this.inject(x, this.engine.nowPs);
  }

  onEvent(kind: number, arg: unknown, now: number): void {
    if (kind === ARRIVE) this.arrive(arg as Packet, now);
    else if (kind === DELIVER) this.deliver(arg as Packet, now);
    else this.inject(arg as Xfer, now);
  }

  private inject(x: Xfer, now: number): void {
    const p = this.packetPool.pop() ?? { xfer: null, hop: 0, bytes: 0, offset: 0 };
    p.xfer = x;
    p.hop = 0;
    p.offset = x.bytes - x.bytesLeft;
    p.bytes = Math.min(this.packetBytes, x.bytesLeft);
    x.bytesLeft -= p.bytes;
    x.inFlight++;
    this.arrive(p, now);
  }

  private arrive(p: Packet, now: number): void {
    const x = p.xfer!;
    const r = x.path[p.hop];
    if (this.net !== null && this.isLink[r] === 1) {
      this.net.enter(p, now);
      return;
    }
    if (this.servers !== null && this.servers[r] !== null) {
      this.servers[r]!.enqueue(p, now);
      return;
    }
    const serve = p.bytes === this.packetBytes ? this.fullPacketPs[r] : serviceTimePs(p.bytes, this.topology.resources[r].bandwidthGBps);
    const start = Math.max(now, this.freeAtPs[r]);
    const end = start + serve;
    this.freeAtPs[r] = end;
    this.busyPs[r] += serve;
    this.bytes[r] += p.bytes;
    this.account(r, x, p.hop, now, start);
    this.forward(p, r, now, start, end, true);
  }

  /** A ChannelServer finished packet p on resource r: it held it from startPs to endPs. */
  served(p: Packet, r: number, arrivePs: number, startPs: number, endPs: number, busyPs: number): void {
    this.busyPs[r] += busyPs;
    this.bytes[r] += p.bytes;
    p.xfer!.served = true;
    this.account(r, p.xfer!, p.hop, arrivePs, startPs);
    this.forward(p, r, arrivePs, startPs, endPs, false);
  }

  /**
   * A ChannelServer accepted packet p into service at nowPs: a source reading from it sends its
   * next packet now, as a controller with a request queue would let it.
   */
  accepted(p: Packet, nowPs: number): void {
    const x = p.xfer!;
    if (p.hop === 0 && x.bytesLeft > 0) this.engine.at(nowPs, this, INJECT, x);
  }

  /** Router model: x waited ps behind other traffic at path slot `slot` (len, len + 1: its ports). */
  waited(x: Xfer, slot: number, ps: number): void {
    x.waits[slot] += ps;
    x.waitSum += ps;
  }

  /**
   * Router model: resource r carried `bytes` of x from startPs to endPs (asked for at arrivePs),
   * busy for busyPs of it (less on a resource of several ports in parallel).
   */
  carried(r: number, x: Xfer, arrivePs: number, startPs: number, endPs: number, bytes: number, busyPs: number): void {
    this.busyPs[r] += busyPs;
    this.bytes[r] += bytes;
    if (this.reporter !== null) this.reporter.add(r, x.job, arrivePs, startPs, endPs, bytes);
    else if (this.sink !== null) this.sink.packet(r, x.job, arrivePs, startPs, endPs, bytes);
  }

  /** Router model: packet p's tail left its source's injection port; a chiplet source sends its next packet now. */
  sourceFreed(p: Packet, now: number): void {
    const x = p.xfer!;
    if (p.hop === 0 && x.bytesLeft > 0) this.inject(x, now);
  }

  /** Router model: packet p's tail left the NoP run ending before path index `hop`. */
  leftNop(p: Packet, hop: number, now: number): void {
    p.hop = hop;
    if (hop < p.xfer!.path.length) this.arrive(p, now);
    else this.deliver(p, now);
  }

  /** Notes a wait behind another transfer's packet at hop `hop` (resource r). */
  private account(r: number, x: Xfer, hop: number, now: number, start: number): void {
    if (start > now && this.lastXfer[r] !== x.serial) {
      x.waits[hop] += start - now;
      x.waitSum += start - now;
    }
    this.lastXfer[r] = x.serial;
  }

  /** Charges a finished transfer's lost time to its path's resources and its job. */
  private charge(x: Xfer, now: number): void {
    const lost = now - x.startPs - this.topology.transferTimePs(x.path, x.bytes);
    if (lost <= 0) return;
    const job = x.job < this.jobQueueDelayPs.length ? x.job : -1;
    if (job >= 0) this.jobQueueDelayPs[job] += lost;
    if (x.waitSum > 0) {
      const n = x.path.length;
      const ports = this.topology.portsOf(x.path);
      for (let i = 0; i < n + ports.length; i++) {
        if (x.waits[i] <= 0) continue;
        const r = i < n ? x.path[i] : ports[i - n];
        this.chargeResource(r, job, x.waitSum === x.waits[i] ? lost : (lost * x.waits[i]) / x.waitSum);
      }
    } else {
      let r = x.path[0];
      for (const q of x.path) if (this.servers?.[q]) r = q;
      this.chargeResource(r, job, lost);
    }
  }

  /** Charges ps of lost time to resource r and, when it is one of the run's jobs, to job. */
  private chargeResource(r: number, job: number, ps: number): void {
    this.queueDelayPs[r] += ps;
    if (job >= 0) this.jobResourceDelayPs.add(job, r, ps);
  }

  private forward(p: Packet, r: number, now: number, start: number, end: number, inject: boolean): void {
    const x = p.xfer!;
    if (this.reporter !== null) this.reporter.add(r, x.job, now, start, end, p.bytes);
    else if (this.sink !== null) this.sink.packet(r, x.job, now, start, end, p.bytes);
    // The source sends its next packet when the first resource is free for it.
    if (inject && p.hop === 0 && x.bytesLeft > 0) this.engine.at(end, this, INJECT, x);
    p.hop++;
    this.engine.at(end + this.latencyPs[r], this, p.hop < x.path.length ? ARRIVE : DELIVER, p);
  }

  private deliver(p: Packet, now: number): void {
    const x = p.xfer!;
    p.xfer = null;
    this.packetPool.push(p);
    x.inFlight--;
    if (this.engine.check.on) this.checkDelivery(x, p.bytes, now);
    if (x.inFlight === 0 && x.bytesLeft === 0) {
      // With no wait behind another transfer, a FIFO path runs exactly as when idle.
      if (x.waitSum > 0 || x.served) this.charge(x, now);
      if (this.engine.check.on) this.engine.check.transferEnded(x.serial, now);
      const done = x.done!;
      x.done = null;
      this.xferPool.push(x);
      done.onTransferDone(x.token, now);
    }
  }

  /** Names of paths for invariant reports (paths are the topology's shared arrays). */
  private readonly pathNames = new WeakMap<readonly number[], string>();

  /** Invariant reports (only with a checker): packets in flight and bytes delivered. */
  private checkDelivery(x: Xfer, bytes: number, now: number): void {
    const name = this.pathName(x.path);
    this.engine.check.queue(name, x.inFlight, now);
    this.engine.check.delivered(x.serial, bytes, now);
  }

  private pathName(path: readonly number[]): string {
    let name = this.pathNames.get(path);
    if (name === undefined) this.pathNames.set(path, (name = path.length === 0 ? 'empty path' : path.map((r) => this.topology.resources[r].name).join(' > ')));
    return name;
  }
}
