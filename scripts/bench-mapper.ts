/**
 * Mapper timing for scripts/bench.ts: every layer of every workload in models/workloads on every
 * chiplet kind of a package, one sample, with the package's sources (what the scheduler asks).
 * CPU time per (layer, kind) of an unmemoised search (mapLayer), after one warm-up pass over
 * the same calls (JIT), and of a memoised planLayer hit.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadPackage } from '../sim/input/package';
import { loadWorkload } from '../sim/input/workload';
import { mapLayer, packageSources } from '../sim/cost/mapper';
import { planLayer } from '../sim/cost/plan';

export interface MapperTiming {
  calls: number;
  meanMs: number;
  worstMs: number;
  worst: string;
  memoHitMeanUs: number;
}

const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

export function benchMapper(root: string, pkgFile: string): MapperTiming {
  const pkg = loadPackage(pkgFile);
  const src = packageSources(pkg);
  const dir = path.join(root, 'models/workloads');
  const layers = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .flatMap((f) => { const w = loadWorkload(path.join(dir, f)); return w.layers.map((l) => ({ name: `${w.name}/${l.name}`, shape: l.shape })); });
  for (const l of layers) for (const k of pkg.kinds) mapLayer(l.shape, k, 1, pkg.elementBytes, src); // warm-up
  let total = 0;
  let worstMs = 0;
  let worst = '';
  for (const l of layers) {
    for (const k of pkg.kinds) {
      const t0 = process.cpuUsage();
      mapLayer(l.shape, k, 1, pkg.elementBytes, src);
      const ms = cpuMs(t0);
      total += ms;
      if (ms > worstMs) {
        worstMs = ms;
        worst = `${l.name} on ${k.name}`;
      }
    }
  }
  const calls = layers.length * pkg.kinds.length;
  for (const l of layers) for (const k of pkg.kinds) planLayer(l.shape, k, 1, pkg.elementBytes, src); // fill the memo
  const t1 = process.cpuUsage();
  for (let rep = 0; rep < 10; rep++) for (const l of layers) for (const k of pkg.kinds) planLayer(l.shape, k, 1, pkg.elementBytes, src);
  const memoHitMeanUs = (cpuMs(t1) * 1000) / (10 * calls);
  return { calls, meanMs: total / calls, worstMs, worst, memoHitMeanUs };
}
