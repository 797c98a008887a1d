/**
 * The built-in greedy scheduler: list scheduling, one layer at a time, each layer's whole batch
 * on the chiplet that minimises the job's energy-delay product (its dynamic energy plus the
 * chiplet's leakage over its latency, times its estimated finish time). Models advance
 * round-robin (higher priority first) so they share the package. Job costs come from the
 * analytical model through LayerCoster (the data-movement rules of sim/cost/program.ts).
 * A layer that fits no chiplet's buffer for the whole batch runs as the fewest equal
 * micro-batches that fit, one after another on one chiplet (later ones keep single-tile
 * weights on chip, program.ts rule (a)).
 */
import { Package, Scenario, ScheduleJob } from '../input/types';
import { InputError } from '../input/errors';
import { Topology } from '../cost/topology';
import { LayerCoster, OutputLoc } from './scar/layercost';
import { Objective, objectiveOf } from './objective';

export interface GreedyResult {
  readonly strategy: 'greedy';
  readonly jobs: ScheduleJob[];
}

/** `reference`: cost every job by the lowered-job walk, memoised by absolute positions (tests). */
export function scheduleGreedy(scenario: Scenario, pkg: Package, topology = new Topology(pkg), objective: Objective = objectiveOf('edp'), reference = false): GreedyResult {
  const coster = new LayerCoster(pkg, topology, { reference });
  const chipletFree = new Float64Array(pkg.chiplets.length);
  const placed = scenario.models.map(() => new Map<string, OutputLoc & { endPs: number }>());
  const jobs: ScheduleJob[] = [];
  const order = scenario.models.map((_, i) => i).sort((a, b) => scenario.models[b].priority - scenario.models[a].priority || a - b);
  const next = scenario.models.map(() => 0);
  const ctxs = scenario.models.map((m) => ({ layers: m.workload.layers, byName: new Map(m.workload.layers.map((l) => [l.name, l])) }));
  let remaining = scenario.models.reduce((s, m) => s + m.workload.layers.length, 0);
  while (remaining > 0) {
    for (const mi of order) {
      const model = scenario.models[mi];
      const layers = model.workload.layers;
      const li = next[mi];
      if (li >= layers.length) continue;
      next[mi]++;
      remaining--;
      const layer = layers[li];
      const ctx = ctxs[mi];
      const consumed = layers.some((l) => l.inputs.includes(layer.name));
      const producers = (name: string) => placed[mi].get(name);
      const ready = layer.inputs.reduce((t, n) => Math.max(t, placed[mi].get(n)!.endPs), 0);
      let best: { score: number; chiplet: number; endPs: number; parts: number } | undefined;
      // Whole batch first; micro-batches only when the whole batch fits no chiplet.
      for (let parts = 1; !best && parts <= model.batch; parts++) {
        if (model.batch % parts !== 0) continue;
        const sb = model.batch / parts;
        for (const ch of pkg.chiplets) {
          const c = coster.cost(ctx, layer, ch.index, sb, producers, false, consumed);
          if (!Number.isFinite(c.latencyPs)) continue; // does not fit this chiplet's buffer
          const again = parts > 1 ? coster.cost(ctx, layer, ch.index, sb, producers, true, consumed) : c;
          const latencyPs = c.latencyPs + (parts - 1) * again.latencyPs;
          const energyPj = c.dynamicPj + (parts - 1) * again.dynamicPj + (ch.kind.staticPowerMw * latencyPs) / 1000;
          const endPs = Math.max(ready, chipletFree[ch.index]) + latencyPs;
          const score = objective(endPs, energyPj);
          if (!best || score < best.score) best = { score, chiplet: ch.index, endPs, parts };
        }
      }
      if (!best) {
        throw new InputError(model.workload.file, `layers[${li}]`, `layer ${model.name}/${layer.name} fits no chiplet's buffer in package ${pkg.name}, even one sample at a time`);
      }
      const sb = model.batch / best.parts;
      chipletFree[best.chiplet] = best.endPs;
      placed[mi].set(layer.name, { chiplet: best.chiplet, jobSamples: sb, endPs: best.endPs });
      for (let k = 0; k < best.parts; k++) {
        jobs.push({ layer: `${model.name}/${layer.name}`, chiplet: pkg.chiplets[best.chiplet].id, samples: [k * sb, (k + 1) * sb], window: 0 });
      }
    }
  }
  return { strategy: 'greedy', jobs };
}
