/**
 * How much a scenario could gain from mixing dataflows at all, by the per-layer cost model
 * alone: each layer's whole batch costed on one NVD (ws) and one Shi (os) chiplet of a package,
 * operands from DRAM (SCAR's expected-latency setting). If Shi is rarely faster, a
 * heterogeneous package can only lose capacity against an all-NVD one.
 */
import { Package, Scenario } from '../input/types';
import { Topology } from '../cost/topology';
import { LayerCoster } from '../sched/scar/layercost';

export interface Affinity {
  /** Share of the scenario's MACs in layers that run faster on Shi than on NVD. */
  shiFasterMacShare: number;
  /** Sum of per-layer latencies on Shi over the same on NVD. */
  shiOverNvdLatency: number;
  /** Sum of per-layer min(NVD, Shi) latencies over the all-NVD sum: the most a per-layer choice saves. */
  bestOfBothOverNvd: number;
  /** Dynamic energy on Shi over NVD. */
  shiOverNvdEnergy: number;
}

export function dataflowAffinity(scenario: Scenario, pkg: Package): Affinity {
  const coster = new LayerCoster(pkg, new Topology(pkg));
  const ws = pkg.chiplets.find((c) => c.kind.dataflow === 'ws');
  const os = pkg.chiplets.find((c) => c.kind.dataflow === 'os');
  if (!ws || !os) throw new Error(`package ${pkg.name} needs both a ws and an os chiplet`);
  let macs = 0;
  let shiMacs = 0;
  const t = { ws: 0, os: 0, best: 0, wsE: 0, osE: 0 };
  for (const m of scenario.models) {
    const ctx = { byName: new Map(m.workload.layers.map((l) => [l.name, l])) };
    for (const l of m.workload.layers) {
      const a = coster.cost(ctx, l, ws.index, m.batch, () => undefined, false, false);
      const b = coster.cost(ctx, l, os.index, m.batch, () => undefined, false, false);
      const mac = l.shape.macsPerSample * m.batch;
      macs += mac;
      if (b.latencyPs < a.latencyPs) shiMacs += mac;
      t.ws += a.latencyPs;
      t.os += b.latencyPs;
      t.best += Math.min(a.latencyPs, b.latencyPs);
      t.wsE += a.dynamicPj;
      t.osE += b.dynamicPj;
    }
  }
  return { shiFasterMacShare: macs ? shiMacs / macs : 0, shiOverNvdLatency: t.os / t.ws, bestOfBothOverNvd: t.best / t.ws, shiOverNvdEnergy: t.osE / t.wsE };
}
