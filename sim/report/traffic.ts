/** Text and JSON for `mcmsim traffic` (sim/hw/traffic.ts computes every figure). */
import { LatencyStats, TrafficResult } from '../hw/traffic';
import { table } from './format';

const ns = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(3)} ms` : x >= 1e3 ? `${(x / 1e3).toFixed(3)} us` : `${x.toFixed(1)} ns`);
const lat = (l: LatencyStats) => `mean ${l.mean.toFixed(1)}, p50 ${l.p50.toFixed(1)}, p99 ${l.p99.toFixed(1)} ns`;
const pj = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(3)} uJ` : `${(x / 1e3).toFixed(3)} nJ`);

/** The JSON document: the result without the per-request arrays (sizes grow with the file). */
export function trafficJson(r: TrafficResult): Record<string, unknown> {
  const { injectPs, donePs, ...rest } = r;
  void injectPs;
  void donePs;
  return rest;
}

/** `rows`: how many resources to list, busiest first (all with --json). */
export function trafficText(r: TrafficResult, file: string, rows = 12): string {
  const out: string[] = [];
  out.push(`${file} on ${r.package} (NoP ${r.nopModel}, DRAM ${r.dramModel}): ${r.requests} requests, ${r.bytes} bytes`);
  out.push(`done at ${ns(r.endNs)}; delivered ${r.bandwidthGBps.toFixed(2)} GB/s (bytes / end time)`);
  out.push(`latency, injection to done: ${lat(r.latencyNs)}`);
  if (r.readLatencyNs) out.push(`DRAM reads:                 ${lat(r.readLatencyNs)}`);
  out.push('');
  const used = r.resources.filter((x) => x.bytes > 0).sort((a, b) => b.busyNs - a.busyNs || a.name.localeCompare(b.name));
  out.push(table(
    ['resource', 'bytes', 'busy', 'utilisation', 'queueing'],
    used.slice(0, rows).map((x) => [x.name, x.bytes, ns(x.busyNs), `${(x.utilization * 100).toFixed(1)}%`, ns(x.queueDelayNs)]),
  ));
  if (used.length > rows) out.push(`(${used.length - rows} more resources carried traffic; --json lists all)`);
  const dram = r.dram.filter((d) => d.requests > 0);
  if (dram.length > 0) {
    out.push('');
    out.push(table(
      ['DRAM channel', 'requests', 'read bytes', 'write bytes', 'row hits'],
      dram.map((d) => [d.name, d.requests, d.readBytes, d.writeBytes, d.rowHitRate === null ? 'n/a' : `${(d.rowHitRate * 100).toFixed(1)}%`]),
    ));
  }
  out.push('');
  const perBit = r.bytes > 0 ? r.energy.totalPj / (r.bytes * 8) : 0;
  out.push(`energy: NoP ${pj(r.energy.nopPj)}, DRAM ${pj(r.energy.dramPj)}, total ${pj(r.energy.totalPj)} (${perBit.toFixed(2)} pJ per requested bit)`);
  return out.join('\n');
}
