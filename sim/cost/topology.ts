/**
 * Package geometry shared by the analytical model and the simulator, so both route every byte
 * the same way: resources (directed NoP mesh links, then DRAM channels), dimension-order (XY)
 * routing, the DRAM channel each chiplet uses, and the contention-free time of a transfer.
 *
 * A resource is a FIFO server: a packet of b bytes occupies it for serviceTimePs(b) and then
 * takes latencyPs to reach the next resource (wire + router for a link, access latency for DRAM).
 */
import { Package } from '../input/types';

export type ResourceKind = 'link' | 'port' | 'dram';

export interface ResourceSpec {
  readonly index: number;
  readonly kind: ResourceKind;
  /** e.g. "c0_0->c0_1", "dram0", or a router's injection / ejection port "c0_0.inj", "dram0.ej". */
  readonly name: string;
  readonly bandwidthGBps: number;
  readonly latencyPs: number;
  readonly energyPjPerBit: number;
}

const NO_PORTS: readonly number[] = Object.freeze([]);

/** Direction slots of a chiplet's outgoing links. */
const DIRS: readonly [number, number][] = [[0, 1], [0, -1], [1, 0], [-1, 0]]; // E, W, S, N

/** Picoseconds to serve `bytes` at `gbps` (1 GB/s = 1 byte/ns = 1e-3 byte/ps), rounded up. */
export function serviceTimePs(bytes: number, gbps: number): number {
  return Math.ceil((bytes * 1000) / gbps);
}

export class Topology {
  readonly resources: ResourceSpec[] = [];
  /** Resource index of the link leaving chiplet c in direction d, or -1 at the grid edge. */
  private readonly linkOf: Int32Array;
  private readonly dramBase: number;
  /** Per link resource: the chiplets (routers) at its two ends; -1 for other resources. */
  readonly linkFrom: Int32Array;
  readonly linkTo: Int32Array;
  /**
   * Router model only: resource index of each terminal's injection and ejection port (terminal
   * t < nChiplets is chiplet t, else DRAM channel t - nChiplets, attached to its chiplet's
   * router); empty with the link model, which has no port resources.
   */
  readonly injPort: Int32Array;
  readonly ejPort: Int32Array;
  private readonly pathCache = new Map<number, readonly number[]>();
  private readonly portCache = new WeakMap<readonly number[], readonly number[]>();
  readonly nChiplets: number;

  constructor(readonly pkg: Package) {
    const n = pkg.chiplets.length;
    this.nChiplets = n;
    this.linkOf = new Int32Array(n * 4).fill(-1);
    const hopPs = Math.round(pkg.nop.hopLatencyNs * 1000);
    for (const c of pkg.chiplets) {
      DIRS.forEach(([dr, dc], d) => {
        const r = c.row + dr;
        const col = c.col + dc;
        if (r < 0 || col < 0 || r >= pkg.rows || col >= pkg.cols) return;
        const to = pkg.chiplets[r * pkg.cols + col];
        this.linkOf[c.index * 4 + d] = this.resources.length;
        this.resources.push({
          index: this.resources.length, kind: 'link', name: `${c.id}->${to.id}`,
          bandwidthGBps: pkg.nop.linkBandwidthGBps, latencyPs: hopPs, energyPjPerBit: pkg.nop.energyPjPerBit,
        });
      });
    }
    const nLinks = this.resources.length;
    this.linkFrom = new Int32Array(nLinks).fill(-1);
    this.linkTo = new Int32Array(nLinks).fill(-1);
    for (let c = 0; c < n; c++) {
      for (let d = 0; d < 4; d++) {
        const l = this.linkOf[c * 4 + d];
        if (l < 0) continue;
        this.linkFrom[l] = c;
        this.linkTo[l] = c + DIRS[d][0] * pkg.cols + DIRS[d][1];
      }
    }
    const router = pkg.nop.model === 'router';
    const terminals = router ? n + pkg.dram.channels.length : 0;
    this.injPort = new Int32Array(terminals);
    this.ejPort = new Int32Array(terminals);
    for (let t = 0; t < terminals; t++) {
      const id = t < n ? pkg.chiplets[t].id : pkg.dram.channels[t - n].id;
      // Ports carry no energy of their own: nop.energyPjPerBit is per hop (router + wire).
      this.injPort[t] = this.resources.length;
      this.resources.push({ index: this.resources.length, kind: 'port', name: `${id}.inj`, bandwidthGBps: pkg.nop.linkBandwidthGBps, latencyPs: 0, energyPjPerBit: 0 });
      this.ejPort[t] = this.resources.length;
      this.resources.push({ index: this.resources.length, kind: 'port', name: `${id}.ej`, bandwidthGBps: pkg.nop.linkBandwidthGBps * pkg.nop.ejectionPorts, latencyPs: 0, energyPjPerBit: 0 });
    }
    this.dramBase = this.resources.length;
    for (const ch of pkg.dram.channels) {
      this.resources.push({
        index: this.resources.length, kind: 'dram', name: ch.id,
        bandwidthGBps: pkg.dram.channelBandwidthGBps, latencyPs: Math.round(pkg.dram.latencyNs * 1000),
        energyPjPerBit: pkg.dram.energyPjPerBit,
      });
    }
  }

  /**
   * Router model: the injection and ejection port a path's run of links goes through (its source
   * terminal's injection port, its destination terminal's ejection port), empty without links or
   * with the link model. Every resource a path's bytes cross is `path` plus these.
   */
  portsOf(path: readonly number[]): readonly number[] {
    if (this.injPort.length === 0) return NO_PORTS;
    let p = this.portCache.get(path);
    if (p) return p;
    const first = path.findIndex((r) => this.resources[r].kind === 'link');
    if (first < 0) p = NO_PORTS;
    else {
      let end = first;
      while (end < path.length && this.resources[path[end]].kind === 'link') end++;
      const src = first > 0 ? this.nChiplets + path[first - 1] - this.dramBase : this.linkFrom[path[first]];
      const dst = end < path.length ? this.nChiplets + path[end] - this.dramBase : this.linkTo[path[end - 1]];
      p = Object.freeze([this.injPort[src], this.ejPort[dst]]);
    }
    this.portCache.set(path, p);
    return p;
  }

  /** Resource index of DRAM channel `ch` (its index in the package). */
  dramResource(ch: number): number {
    return this.dramBase + ch;
  }

  hops(a: number, b: number): number {
    const ca = this.pkg.chiplets[a];
    const cb = this.pkg.chiplets[b];
    return Math.abs(ca.row - cb.row) + Math.abs(ca.col - cb.col);
  }

  /** XY route: along the row to the destination column, then along the column. */
  route(from: number, to: number): readonly number[] {
    const key = from * this.nChiplets + to;
    let p = this.pathCache.get(key);
    if (p) return p;
    const out: number[] = [];
    const cols = this.pkg.cols;
    let r = Math.floor(from / cols);
    let c = from % cols;
    const tr = Math.floor(to / cols);
    const tc = to % cols;
    while (c !== tc) {
      const d = tc > c ? 0 : 1;
      out.push(this.linkOf[(r * cols + c) * 4 + d]);
      c += tc > c ? 1 : -1;
    }
    while (r !== tr) {
      const d = tr > r ? 2 : 3;
      out.push(this.linkOf[(r * cols + c) * 4 + d]);
      r += tr > r ? 1 : -1;
    }
    p = Object.freeze(out);
    this.pathCache.set(key, p);
    return p;
  }

  /** The DRAM channel a chiplet uses: fewest NoP hops to its attachment point, then lowest index. */
  channelFor(chiplet: number): number {
    let best = 0;
    let bestHops = Infinity;
    for (const ch of this.pkg.dram.channels) {
      const h = this.hops(chiplet, ch.chiplet);
      if (h < bestHops) {
        bestHops = h;
        best = ch.index;
      }
    }
    return best;
  }

  /** DRAM channel, then the links from its attachment chiplet to `chiplet`. */
  dramReadPath(chiplet: number): readonly number[] {
    const key = -1 - chiplet;
    let p = this.pathCache.get(key);
    if (!p) {
      const ch = this.channelFor(chiplet);
      p = Object.freeze([this.dramBase + ch, ...this.route(this.pkg.dram.channels[ch].chiplet, chiplet)]);
      this.pathCache.set(key, p);
    }
    return p;
  }

  /** Links from `chiplet` to its channel's attachment chiplet, then the channel. */
  dramWritePath(chiplet: number): readonly number[] {
    const key = -1 - this.nChiplets - chiplet;
    let p = this.pathCache.get(key);
    if (!p) {
      const ch = this.channelFor(chiplet);
      p = Object.freeze([...this.route(chiplet, this.pkg.dram.channels[ch].chiplet), this.dramBase + ch]);
      this.pathCache.set(key, p);
    }
    return p;
  }

  /**
   * Time from injecting the first packet to delivering the last one with no other traffic.
   * Packets are served FIFO on each stage and the source injects the next packet when the
   * first stage frees, so full packets leave stage i at
   *   D[k][i] = sum_{j<=i} tau_j + sum_{j<i} L_j + k * max_{j<=i} tau_j
   * (the slowest stage so far sets the spacing); the shorter last packet follows the
   * recursion D[last][i] = max(D[last][i-1] + L_{i-1}, D[last-1][i]) + tau'_i.
   * With the link model every resource is a stage (store-and-forward per hop). With the router
   * model a run of h links is one stage (cut-through: the head moves on at each router while
   * the body streams behind it): latency h * hopLatency, and per packet the serialization at
   * min(link bandwidth, bufferBytes / credit round trip), the round trip being 2 * hopLatency
   * (head to the next router, credit back; sim/hw/nop-router.ts). The injection and ejection
   * ports run at link bandwidth and add nothing when idle. DRAM channels stay their own stages.
   * The simulator reproduces this exactly when a path is idle and buffers are not limiting
   * (tests check it).
   */
  transferTimePs(path: readonly number[], bytes: number): number {
    if (bytes <= 0 || path.length === 0) return 0;
    const nop = this.pkg.nop;
    const P = nop.packetBytes;
    const packets = Math.ceil(bytes / P);
    const lastBytes = bytes - (packets - 1) * P;
    const router = nop.model === 'router';
    let sumTau = 0;
    let sumLat = 0;
    let maxTau = 0;
    let prevLast = 0; // D[last][i-1] + L_{i-1}
    for (let i = 0; i < path.length; i++) {
      const res = this.resources[path[i]];
      let gbps = res.bandwidthGBps;
      let lat = res.latencyPs;
      if (router && res.kind === 'link') {
        let h = 1;
        while (i + 1 < path.length && this.resources[path[i + 1]].kind === 'link') {
          i++;
          h++;
        }
        gbps = Math.min(gbps, nop.bufferBytes / (2 * res.latencyPs / 1000));
        lat = h * res.latencyPs;
      }
      const tau = serviceTimePs(P, gbps);
      sumTau += tau;
      maxTau = Math.max(maxTau, tau);
      // Departure of the packet before the last one (k = packets - 2) from stage i.
      const beforeLast = packets >= 2 ? sumTau + sumLat + (packets - 2) * maxTau : 0;
      const dLast = Math.max(prevLast, beforeLast) + serviceTimePs(lastBytes, gbps);
      sumLat += lat;
      prevLast = dLast + lat;
    }
    return prevLast;
  }
}
