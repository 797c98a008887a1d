/**
 * The built-in greedy scheduler: list scheduling, one layer at a time, each layer's whole batch
 * on the chiplet that minimises the job's energy-delay product (energy of the job x its
 * estimated finish time). Models advance round-robin (higher priority first) so they share
 * the package. Uses only the analytical model (sim/cost), with the same data-movement rules as
 * program.ts: producers' outputs come over the NoP when resident, else from DRAM.
 */
import { Package, Scenario, ScheduleJob } from '../spec/types';
import { InputError } from '../spec/errors';
import { LayerPlan, planLayer } from '../cost/plan';
import { Topology } from '../cost/topology';
import { Job, Source } from '../cost/program';
import { jobLatencyPs } from '../cost/estimate';
import { energyOf, newCounts } from '../cost/energy';

export interface GreedyResult {
  readonly strategy: 'greedy';
  readonly jobs: ScheduleJob[];
}

export function scheduleGreedy(scenario: Scenario, pkg: Package, topology = new Topology(pkg)): GreedyResult {
  const chipletFree = new Float64Array(pkg.chiplets.length);
  const placed = scenario.models.map((m) => new Map<string, { chiplet: number; endPs: number; plan: LayerPlan }>());
  const jobs: ScheduleJob[] = [];
  const order = scenario.models.map((m, i) => i).sort((a, b) => scenario.models[b].priority - scenario.models[a].priority || a - b);
  const next = scenario.models.map(() => 0);
  let remaining = scenario.models.reduce((s, m) => s + m.workload.layers.length, 0);
  while (remaining > 0) {
    for (const mi of order) {
      const model = scenario.models[mi];
      const li = next[mi];
      if (li >= model.workload.layers.length) continue;
      next[mi]++;
      remaining--;
      const layer = model.workload.layers[li];
      const consumed = model.workload.layers.some((l) => l.inputs.includes(layer.name));
      let best: { score: number; chiplet: number; endPs: number; plan: LayerPlan } | undefined;
      for (const ch of pkg.chiplets) {
        const plan = planLayer(layer.shape, ch.kind, model.batch, pkg.elementBytes);
        if (typeof plan === 'string') continue;
        let ready = chipletFree[ch.index];
        const fromProducers = (names: readonly string[]): Source[] =>
          names.length === 0
            ? [{ path: topology.dramReadPath(ch.index), weight: 1 }]
            : names.map((n) => {
                const p = placed[mi].get(n)!;
                ready = Math.max(ready, p.endPs);
                const resident = p.plan.outputBytes <= p.plan.kind.bufferBytes / 2;
                const path = !resident ? topology.dramReadPath(ch.index) : p.chiplet === ch.index ? [] : topology.route(p.chiplet, ch.index);
                return { path, weight: p.plan.outputBytes };
              });
        const isMatmul = layer.op === 'matmul';
        const inputSources = fromProducers(isMatmul ? layer.inputs.slice(0, 1) : layer.inputs);
        const weightSources = isMatmul ? fromProducers(layer.inputs.slice(-1)) : plan.weightBytes > 0 ? [{ path: topology.dramReadPath(ch.index), weight: 1 }] : [];
        const storePath = consumed && plan.outputBytes <= ch.kind.bufferBytes / 2 ? null : topology.dramWritePath(ch.index);
        const candidate = { plan, chiplet: ch.index, weightSources, inputSources, storePath } as unknown as Job;
        const counts = newCounts(topology);
        const latency = jobLatencyPs(candidate, topology, counts);
        const energy = energyOf(pkg, topology, counts, 0).dynamicPj + (ch.kind.staticPowerMw * latency) / 1000;
        const endPs = ready + latency;
        const score = energy * endPs;
        if (!best || score < best.score) best = { score, chiplet: ch.index, endPs, plan };
      }
      if (!best) {
        throw new InputError(model.workload.file, `layers[${li}]`, `layer ${model.name}/${layer.name} fits no chiplet's buffer in package ${pkg.name}`);
      }
      chipletFree[best.chiplet] = best.endPs;
      placed[mi].set(layer.name, best);
      jobs.push({ layer: `${model.name}/${layer.name}`, chiplet: pkg.chiplets[best.chiplet].id, samples: [0, model.batch], window: 0 });
    }
  }
  return { strategy: 'greedy', jobs };
}
