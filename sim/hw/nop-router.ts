/**
 * The network-on-package as input-buffered routers (the default `nop.model`, "router"): one
 * router per chiplet, a buffer of `nop.bufferBytes` at every input port (one per incoming link,
 * one per terminal's injection port; a terminal is a chiplet or a DRAM channel attached to
 * the chiplet's router), credit-based flow control, cut-through, round-robin output
 * arbitration and the Topology's XY routes (deadlock-free on a mesh with one buffer class).
 *
 * Granularity: packets, with credits counted in bytes and moved in bursts. A packet holds an
 * output port from its head to its tail (wormhole with one virtual channel: the packet behind
 * it in the same input buffer waits, head-of-line). While it holds it, it sends one burst
 * after another, each as many bytes as (a) have reached this router, (b) fit into the next
 * router's input buffer (credits) and (c) are left, but at least a flit (`nop.flitBytes`) or
 * the rest of the packet. A burst of b bytes occupies the port for b / bandwidth; its head
 * reaches the next router `latencyPs` later (hopLatencyNs: router pipeline + wire), and the
 * bytes it takes out of this router's input buffer return their credits upstream one link
 * latency after they start leaving (byte i leaves at start + i / bandwidth and the sender
 * cannot send faster, so returning the burst's credits at its start is exact for equal-rate
 * links). Without contention and with buffers above the credit loop's bandwidth-delay product
 * a packet is one burst per port, two events per hop instead of one per flit per hop; that is
 * why flits are not events: the targets (lone-packet latency, hotspot, load-latency,
 * saturation, small buffers) all hold at this granularity, and flit events would cost 32x on
 * the default 2 KiB packets (speed target: 1.5x the link model's CPU time).
 *
 * Injection and ejection ports run at one link's bandwidth (`nop.ejectionPorts` ejection
 * ports per terminal) and add no latency; the sink behind an ejection port never refuses.
 */
import { Engine, EventTarget } from '../engine/engine';
import { serviceTimePs, Topology } from '../cost/topology';
import type { Fabric, Packet } from './fabric';

const NO_STAGES = new Int32Array(0);
const HEAD = 1;
const END = 2;
const WAKE = 3;

/** A packet's passage through one run of links, from injection port to ejection port. */
interface Flow {
  p: Packet | null;
  serial: number;
  bytes: number;
  /** Stages: 0 injection port, 1..n-2 links, n-1 ejection port (resource indices). */
  chs: Int32Array;
  n: number;
  /** Path index of the run's first link, and of the hop after the run. */
  firstHop: number;
  endHop: number;
  /** Per stage k: bytes sent on chs[k]; bytes whose head reached the buffer fed by chs[k]. */
  sent: Float64Array;
  arr: Float64Array;
  /** Per stage: when the last burst into the buffer fed by chs[k] ends arriving, ps. */
  tail: Float64Array;
  /** Per stage: when the head asked for chs[k]; when a credit stall began (-1: none), ps. */
  reqPs: Float64Array;
  stallPs: Float64Array;
  holding: Uint8Array;
  bursting: Uint8Array;
  /** The stage whose port this flow waits for (-1: none). */
  waitStage: number;
}

interface Burst {
  f: Flow | null;
  k: number;
  bytes: number;
  tailPs: number;
}

export class RouterNet implements EventTarget {
  private readonly credits: Float64Array;
  private readonly creditLatPs: Float64Array;
  private readonly latPs: Float64Array;
  private readonly gbps: Float64Array;
  /** Per resource: a port that admits several packets at once (ejection), its free slots. */
  private readonly slots: Int32Array;
  private readonly multi: Uint8Array;
  private readonly holder: (Flow | null)[];
  private readonly holderStage: Int32Array;
  private readonly waiters: Flow[][];
  /** Round robin: local input number last granted per output, and each input's number. */
  private readonly lastIn: Int32Array;
  private readonly inOrder: Int32Array;
  private readonly lastSerial: Float64Array;
  /** Per input buffer (id = the resource feeding it): packets in arrival order. */
  private readonly queues: Flow[][];
  /** Per injection port: the terminal's packets waiting to be injected, in arrival order. */
  private readonly sources: Flow[][];
  /** Per channel: credits on their way back (times non-decreasing), and a WAKE pending. */
  private readonly pendT: number[][];
  private readonly pendB: number[][];
  /** Per channel: index of the first pending credit return not yet taken, and one past the last. */
  private readonly pendHead: Int32Array;
  private readonly pendLen: Int32Array;
  private readonly wakeAt: Float64Array;
  private readonly flowPool: Flow[] = [];
  private readonly stageCache = new WeakMap<readonly number[], Int32Array>();
  private readonly burstPool: Burst[] = [];
  private readonly maxStages: number;
  private readonly flitBytes: number;
  private readonly dramBase: number;
  private readonly portsPer: number;

  constructor(
    private readonly engine: Engine,
    private readonly topo: Topology,
    private readonly fabric: Fabric,
  ) {
    const nop = topo.pkg.nop;
    const res = topo.resources;
    const n = res.length;
    this.flitBytes = nop.flitBytes;
    this.portsPer = nop.ejectionPorts;
    this.dramBase = res.findIndex((r) => r.kind === 'dram');
    this.maxStages = topo.pkg.rows + topo.pkg.cols + 1;
    this.credits = new Float64Array(n);
    this.creditLatPs = new Float64Array(n);
    this.latPs = new Float64Array(n);
    this.gbps = new Float64Array(n);
    this.slots = new Int32Array(n);
    this.multi = new Uint8Array(n);
    this.holder = new Array<Flow | null>(n).fill(null);
    this.holderStage = new Int32Array(n);
    this.waiters = res.map(() => []);
    this.queues = res.map(() => []);
    this.sources = res.map(() => []);
    this.pendT = res.map(() => []);
    this.pendB = res.map(() => []);
    this.pendHead = new Int32Array(n);
    this.pendLen = new Int32Array(n);
    this.wakeAt = new Float64Array(n).fill(-1);
    this.lastIn = new Int32Array(n).fill(-1);
    this.inOrder = new Int32Array(n);
    this.lastSerial = new Float64Array(n).fill(-1);
    for (const r of res) {
      this.gbps[r.index] = r.bandwidthGBps;
      this.latPs[r.index] = r.latencyPs;
      // Credits travel back over the link: one link latency (0 for the ports inside a router).
      this.creditLatPs[r.index] = r.latencyPs;
      this.credits[r.index] = nop.bufferBytes;
    }
    // Inputs of a router in a fixed order: its incoming links, then its terminals' injection ports.
    const nextIn = new Int32Array(topo.nChiplets);
    topo.linkTo.forEach((to, l) => {
      if (to >= 0) this.inOrder[l] = nextIn[to]++;
    });
    for (let t = 0; t < topo.injPort.length; t++) {
      const router = t < topo.nChiplets ? t : topo.pkg.dram.channels[t - topo.nChiplets].chiplet;
      this.inOrder[topo.injPort[t]] = nextIn[router]++;
      const ej = topo.ejPort[t];
      this.multi[ej] = 1;
      this.slots[ej] = nop.ejectionPorts;
      // The ejection port's bandwidth is per port; its resource shows the ports together.
      this.gbps[ej] = nop.linkBandwidthGBps;
      this.credits[ej] = Infinity;
    }
  }

  /** Packet p reached the first link of a run at path index p.hop (from a chiplet or a DRAM channel). */
  enter(p: Packet, now: number): void {
    const x = p.xfer!;
    let chs = x.nopStages as Int32Array | null;
    if (chs === null) chs = x.nopStages = this.stagesOf(x.path);
    const f = this.flowPool.pop() ?? this.newFlow();
    f.p = p;
    f.serial = x.serial;
    f.bytes = p.bytes;
    f.chs = chs;
    const n = chs.length;
    f.n = n;
    f.firstHop = p.hop;
    f.endHop = p.hop + n - 2;
    for (let k = 0; k < n; k++) {
      f.sent[k] = 0;
      f.arr[k] = 0;
      f.stallPs[k] = -1;
      f.holding[k] = 0;
      f.bursting[k] = 0;
    }
    f.waitStage = -1;
    // The source queue of the terminal: the injection port's only input.
    const q = this.sources[f.chs[0]];
    q.push(f);
    f.reqPs[0] = now;
    if (q.length === 1) this.request(f, 0, now);
  }

  onEvent(kind: number, arg: unknown, now: number): void {
    if (kind === WAKE) {
      const c = arg as number;
      this.wakeAt[c] = -1;
      const h = this.holder[c];
      if (h !== null && !h.bursting[this.holderStage[c]]) this.trySend(h, this.holderStage[c], now);
      return;
    }
    const b = arg as Burst;
    const f = b.f!;
    b.f = null;
    this.burstPool.push(b);
    if (kind === HEAD) this.onHead(f, b.k, b.bytes, b.tailPs, now);
    else this.onEnd(f, b.k, now);
  }

  /** Stages of a path's run of links: its injection port, the links, its ejection port (cached per path). */
  private stagesOf(path: readonly number[]): Int32Array {
    let chs = this.stageCache.get(path);
    if (chs === undefined) {
      const ports = this.topo.portsOf(path);
      const links = path.filter((r) => r < this.dramBase);
      chs = Int32Array.from([ports[0], ...links, ports[1]]);
      this.stageCache.set(path, chs);
    }
    return chs;
  }

  private newFlow(): Flow {
    const m = this.maxStages;
    return {
      p: null, serial: 0, bytes: 0, chs: NO_STAGES, n: 0, firstHop: 0, endHop: 0,
      sent: new Float64Array(m), arr: new Float64Array(m), tail: new Float64Array(m), reqPs: new Float64Array(m),
      stallPs: new Float64Array(m), holding: new Uint8Array(m), bursting: new Uint8Array(m), waitStage: -1,
    };
  }

  private burst(f: Flow, k: number, bytes: number, tailPs: number): Burst {
    const b = this.burstPool.pop() ?? { f: null, k: 0, bytes: 0, tailPs: 0 };
    b.f = f;
    b.k = k;
    b.bytes = bytes;
    b.tailPs = tailPs;
    return b;
  }

  /** f's head asks for the port of stage k. */
  private request(f: Flow, k: number, now: number): void {
    const c = f.chs[k];
    f.reqPs[k] = now;
    if (this.multi[c] ? this.slots[c] > 0 : this.holder[c] === null) this.grant(f, k, now);
    else {
      f.waitStage = k;
      this.waiters[c].push(f);
    }
  }

  private grant(f: Flow, k: number, now: number): void {
    const c = f.chs[k];
    if (this.multi[c]) this.slots[c]--;
    else {
      this.holder[c] = f;
      this.holderStage[c] = k;
    }
    f.waitStage = -1;
    const waited = now - f.reqPs[k];
    if (waited > 0 && this.lastSerial[c] !== f.serial) this.fabric.waited(f.p!.xfer!, this.slotOf(f, k), waited);
    this.lastSerial[c] = f.serial;
    f.holding[k] = 1;
    this.trySend(f, k, now);
  }

  /** Path slot of stage k for contention accounting (ports after the path, see Fabric.charge). */
  private slotOf(f: Flow, k: number): number {
    const len = f.p!.xfer!.path.length;
    return k === 0 ? len : k === f.n - 1 ? len + 1 : f.firstHop + k - 1;
  }

  /** Sends f's next burst on stage k if data and credits allow. */
  private trySend(f: Flow, k: number, now: number): void {
    const c = f.chs[k];
    const left = f.bytes - f.sent[k];
    const avail = k === 0 ? left : f.arr[k - 1] - f.sent[k];
    const need = left < this.flitBytes ? left : this.flitBytes;
    if (avail < need) return; // woken by the next burst's head (onHead)
    const cr = this.pendLen[c] > 0 ? this.drainCredits(c, now) : this.credits[c];
    if (cr < need) {
      if (f.stallPs[k] < 0) f.stallPs[k] = now;
      if (this.pendLen[c] > 0 && this.wakeAt[c] < 0) this.wake(c, this.pendT[c][this.pendHead[c]]);
      return;
    }
    if (f.stallPs[k] >= 0) {
      // Blocked by a full buffer downstream: back-pressure from other traffic (or a buffer
      // below the credit loop's bandwidth-delay product, which transferTimePs already counts).
      this.fabric.waited(f.p!.xfer!, this.slotOf(f, k), now - f.stallPs[k]);
      f.stallPs[k] = -1;
    }
    let b = avail < cr ? avail : cr;
    if (b > left) b = left;
    const dur = serviceTimePs(b, this.gbps[c]);
    let end = now + dur;
    if (k > 0 && b === avail && f.tail[k - 1] > end) end = f.tail[k - 1];
    f.sent[k] += b;
    if (k < f.n - 1) {
      this.credits[c] -= b;
      // The downstream input buffer holds at most nop.bufferBytes: credits never go negative.
      if (this.engine.check.on) this.engine.check.occupancy(`${this.topo.resources[c].name} input buffer`, this.topo.pkg.nop.bufferBytes - this.credits[c], this.topo.pkg.nop.bufferBytes, now);
    }
    f.bursting[k] = 1;
    // An ejection resource of several ports is busy 1 / ports of each packet's time (its bandwidth is the ports' sum).
    this.fabric.carried(c, f.p!.xfer!, k === 0 || f.sent[k] === b ? f.reqPs[k] : now, end - dur, end, b, this.multi[c] ? dur / this.portsPer : dur);
    this.engine.at(end, this, END, this.burst(f, k, b, 0));
    if (k < f.n - 1) {
      const lat = this.latPs[c];
      if (lat === 0) this.onHead(f, k, b, end, now);
      else this.engine.at(now + lat, this, HEAD, this.burst(f, k, b, end + lat));
    }
    if (k > 0) this.returnCredits(f.chs[k - 1], b, end - dur + this.creditLatPs[f.chs[k - 1]], now);
  }

  /** Takes the credits of channel c that are back by now; returns its credits. */
  private drainCredits(c: number, now: number): number {
    const pt = this.pendT[c];
    const pb = this.pendB[c];
    const len = this.pendLen[c];
    let i = this.pendHead[c];
    while (i < len && pt[i] <= now) this.credits[c] += pb[i++];
    // Returned credits never exceed the buffer (no byte is freed twice).
    if (this.engine.check.on && Number.isFinite(this.credits[c])) this.engine.check.occupancy(`${this.topo.resources[c].name} input buffer`, this.topo.pkg.nop.bufferBytes - this.credits[c], this.topo.pkg.nop.bufferBytes, now);
    // All taken: start over at the front (the arrays keep their slots).
    if (i === len) this.pendLen[c] = i = 0;
    this.pendHead[c] = i;
    return this.credits[c];
  }

  private returnCredits(c: number, bytes: number, atPs: number, now: number): void {
    const pt = this.pendT[c];
    let len = this.pendLen[c];
    if (atPs <= now && len === 0) this.credits[c] += bytes;
    else {
      // Keep the times non-decreasing (a burst stretched by a late tail returns no earlier).
      pt[len] = len > 0 && pt[len - 1] > atPs ? pt[len - 1] : atPs;
      this.pendB[c][len] = bytes;
      this.pendLen[c] = ++len;
    }
    const h = this.holder[c];
    if (h !== null && h.stallPs[this.holderStage[c]] >= 0 && this.wakeAt[c] < 0) this.wake(c, len > 0 ? pt[this.pendHead[c]] : now);
  }

  private wake(c: number, atPs: number): void {
    this.wakeAt[c] = atPs;
    this.engine.at(atPs, this, WAKE, c);
  }

  /** `bytes` of f start arriving in the input buffer fed by stage k. */
  private onHead(f: Flow, k: number, bytes: number, tailPs: number, now: number): void {
    const first = f.arr[k] === 0;
    f.arr[k] += bytes;
    f.tail[k] = tailPs;
    if (first) {
      const q = this.queues[f.chs[k]];
      q.push(f);
      if (q.length === 1) this.request(f, k + 1, now);
    } else if (f.holding[k + 1] && !f.bursting[k + 1]) this.trySend(f, k + 1, now);
  }

  private onEnd(f: Flow, k: number, now: number): void {
    f.bursting[k] = 0;
    if (f.sent[k] < f.bytes) {
      this.trySend(f, k, now);
      return;
    }
    // The tail has left on stage k: free the port, and the input buffer the packet came from.
    f.holding[k] = 0;
    const c = f.chs[k];
    if (this.multi[c]) this.slots[c]++;
    else this.holder[c] = null;
    const from = f.chs[k === 0 ? 0 : k - 1];
    const q = k === 0 ? this.sources[from] : this.queues[from];
    q.shift();
    const last = k === f.n - 1;
    const p = f.p!;
    if (last) {
      f.p = null;
      this.flowPool.push(f);
    }
    this.arbitrate(c, now);
    if (q.length > 0) {
      const g = q[0];
      let s = 0;
      if (k > 0) while (g.chs[s] !== from) s++;
      this.request(g, k === 0 ? 0 : s + 1, now);
    }
    if (k === 0) this.fabric.sourceFreed(p, now);
    if (last) this.fabric.leftNop(p, f.endHop, now);
  }

  /** Port c freed: grants it to the waiting input next after the last granted one. */
  private arbitrate(c: number, now: number): void {
    const w = this.waiters[c];
    if (w.length === 0) return;
    let best = 0;
    if (w.length > 1) {
      const last = this.lastIn[c];
      let bestKey = Infinity;
      for (let i = 0; i < w.length; i++) {
        const g = w[i];
        const input = this.inOrder[g.chs[g.waitStage - 1]]; // waitStage >= 1: injection never waits
        const key = (input - last + 63) % 64;
        if (key < bestKey) {
          bestKey = key;
          best = i;
        }
      }
    }
    const g = w[best];
    w.splice(best, 1);
    this.lastIn[c] = this.inOrder[g.chs[g.waitStage - 1]];
    this.grant(g, g.waitStage, now);
  }
}
