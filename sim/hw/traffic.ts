/**
 * Raw traffic replay (`mcmsim traffic`): requests from a file (sim/input/requests.ts) are injected
 * open loop at their times into the same NoP and DRAM components a schedule's replay uses, with
 * no chiplet compute and no dependencies, the way BookSim2's and DRAMsim3's trace modes are run.
 * This is how the simulator is held to those tools (test/hw/traffic-*.test.ts).
 *
 * Paths: chiplet -> chiplet, the XY route; a read, the channel then the route from its
 * attachment chiplet to dst; a write, the route from src to the attachment chiplet then the
 * channel. A request is done when the fabric delivers its last byte (a write: when the DRAM
 * model has served its last packet, plus the channel's latency in the plain channel model).
 *
 * Reported, per run: end time (the last request done), latency per request (injection to done;
 * DRAM reads also apart), delivered bandwidth = all requested bytes / end time, per resource its
 * bytes, busy time, utilisation (busy / end time) and the queueing delay charged to it (the
 * Fabric header says how), per DRAM channel the model's own counters, and energy: NoP bytes x
 * hops x 8 x pJ/bit plus the DRAM model's energy (pJ/bit, or the banked model's commands and
 * background power over the end time). Chiplets do nothing here, so their static power is left out.
 */
import { checkingWanted, makeChecker } from '../engine/check';
import { Engine, EventTarget } from '../engine/engine';
import { ResourceKind, Topology } from '../cost/topology';
import { energyOf, newCounts } from '../cost/energy';
import { Package } from '../input/types';
import { TrafficRequest } from '../input/requests';
import { TraceSink } from '../trace/sink';
import { TransferDone } from './fabric';
import { createFabric } from './nop';
import { createDramModel } from './dram';

export interface LatencyStats {
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
}

export interface TrafficResource {
  readonly name: string;
  readonly kind: ResourceKind;
  readonly bytes: number;
  readonly busyNs: number;
  /** busyNs / endNs. */
  readonly utilization: number;
  readonly queueDelayNs: number;
}

export interface TrafficDram {
  readonly name: string;
  readonly requests: number;
  readonly readBytes: number;
  readonly writeBytes: number;
  /** Row hits / (hits + misses); null where the model has no rows (the channel model). */
  readonly rowHitRate: number | null;
  /** The model's own counters for this channel (row hits, activates, ...). */
  readonly stats: Readonly<Record<string, number>>;
}

export interface TrafficResult {
  readonly package: string;
  readonly nopModel: string;
  readonly dramModel: string;
  readonly requests: number;
  readonly bytes: number;
  readonly endNs: number;
  /** Injection to done, ns, over every request. */
  readonly latencyNs: LatencyStats;
  /** The same over DRAM reads only (null when there are none). */
  readonly readLatencyNs: LatencyStats | null;
  /** bytes / endNs (1 byte/ns = 1 GB/s). */
  readonly bandwidthGBps: number;
  readonly resources: TrafficResource[];
  readonly dram: TrafficDram[];
  readonly energy: { readonly nopPj: number; readonly dramPj: number; readonly totalPj: number };
  readonly events: number;
  /** Per request, in file order: injection and done times, ps. */
  readonly injectPs: Float64Array;
  readonly donePs: Float64Array;
}

const INJECT = 1;

/**
 * Nearest-rank percentile of sorted values: the smallest value with at least p of them at or
 * below it (no interpolation, so every figure is one request's latency).
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function latencyStats(valuesPs: Float64Array): LatencyStats | null {
  if (valuesPs.length === 0) return null;
  const s = Float64Array.from(valuesPs).sort();
  let sum = 0;
  for (const v of s) sum += v;
  return { mean: sum / s.length / 1000, p50: percentile(s, 0.5) / 1000, p99: percentile(s, 0.99) / 1000 };
}

/** `check`: run-time invariants (sim/engine/check.ts; default MCMSIM_CHECK=1 in the environment). */
export function runTraffic(pkg: Package, requests: readonly TrafficRequest[], sink: TraceSink | null = null, check?: boolean): TrafficResult {
  const engine = new Engine({ check: makeChecker(checkingWanted(check)) });
  const topo = new Topology(pkg);
  const fabric = createFabric(engine, topo, sink, 0);
  const dram = createDramModel(pkg, engine, fabric, topo);
  const n = requests.length;
  // Injection order: by time, then file order (a stable sort of indices).
  const order = Int32Array.from(requests.keys()).sort((a, b) => requests[a].injectPs - requests[b].injectPs || a - b);
  const donePs = new Float64Array(n).fill(-1);
  const injectPs = Float64Array.from(requests, (r) => r.injectPs);
  const paths = requests.map((r) => pathOf(topo, r));
  const done: TransferDone = {
    onTransferDone(token, nowPs) {
      donePs[token] = nowPs;
    },
  };
  // One pending injection at a time: the next is scheduled when this one is sent, so the event
  // queue holds in-flight packets, not the whole file.
  let next = 0;
  const injector: EventTarget = {
    onEvent() {
      const i = order[next++];
      const r = requests[i];
      fabric.send(paths[i], r.bytes, done, i, -1, r.dst.kind === 'dram', r.addr);
      if (next < n) engine.at(requests[order[next]].injectPs, injector, INJECT);
    },
  };
  if (sink) sink.begin({ pkg, topology: topo, jobs: [] });
  engine.at(requests[order[0]].injectPs, injector, INJECT);
  engine.run();
  const missing = donePs.findIndex((t) => t < 0);
  // Every transfer delivers on an idle engine: a request left undone is a simulator bug.
  if (missing >= 0) throw new Error(`traffic: request at line ${requests[missing].line} never completed`);
  let endPs = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    endPs = Math.max(endPs, donePs[i]);
    bytes += requests[i].bytes;
  }
  if (engine.check.on) {
    engine.check.finish(engine.nowPs, engine.eventsScheduled, engine.eventsProcessed);
    topo.resources.forEach((r) => engine.check.busy(r.name, fabric.busyPs[r.index], endPs));
  }
  const lat = Float64Array.from(donePs, (t, i) => t - injectPs[i]);
  const readLat = lat.filter((_, i) => requests[i].src.kind === 'dram');

  const counts = { ...newCounts(topo), resourceBytes: fabric.bytes };
  let energy = energyOf(pkg, topo, counts, endPs);
  if (dram) energy = dram.energy(energy, endPs);
  const channelStats = dram ? dram.channelStats() : [];
  const dramOut: TrafficDram[] = pkg.dram.channels.map((ch) => {
    const mine = requests.filter((r) => (r.src.kind === 'dram' ? r.src.index : r.dst.kind === 'dram' ? r.dst.index : -1) === ch.index);
    const stats = channelStats[ch.index] ?? {};
    const touched = (stats.rowHits ?? 0) + (stats.rowMisses ?? 0);
    return {
      name: ch.id,
      requests: mine.length,
      readBytes: mine.filter((r) => r.src.kind === 'dram').reduce((s, r) => s + r.bytes, 0),
      writeBytes: mine.filter((r) => r.dst.kind === 'dram').reduce((s, r) => s + r.bytes, 0),
      rowHitRate: dram && touched > 0 ? stats.rowHits / touched : null,
      stats,
    };
  });
  const endNs = endPs / 1000;
  return {
    package: pkg.name,
    nopModel: (pkg.nop as { model?: string }).model ?? 'link',
    dramModel: pkg.dram.model,
    requests: n,
    bytes,
    endNs,
    latencyNs: latencyStats(lat)!,
    readLatencyNs: latencyStats(readLat),
    bandwidthGBps: endPs > 0 ? bytes / endNs : 0,
    resources: topo.resources.map((r) => ({
      name: r.name,
      kind: r.kind,
      bytes: fabric.bytes[r.index],
      busyNs: fabric.busyPs[r.index] / 1000,
      utilization: endPs > 0 ? fabric.busyPs[r.index] / endPs : 0,
      queueDelayNs: fabric.queueDelayPs[r.index] / 1000,
    })),
    dram: dramOut,
    energy: { nopPj: energy.nopPj, dramPj: energy.dramPj, totalPj: energy.nopPj + energy.dramPj },
    events: engine.eventsProcessed,
    injectPs,
    donePs,
  };
}

/** The resources a request crosses (see the header). */
function pathOf(topo: Topology, r: TrafficRequest): readonly number[] {
  const attach = (ch: number) => topo.pkg.dram.channels[ch].chiplet;
  if (r.src.kind === 'dram') return [topo.dramResource(r.src.index), ...topo.route(attach(r.src.index), r.dst.index)];
  if (r.dst.kind === 'dram') return [...topo.route(r.src.index, attach(r.dst.index)), topo.dramResource(r.dst.index)];
  return topo.route(r.src.index, r.dst.index);
}
