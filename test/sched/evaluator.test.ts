/**
 * The schedulers' fast evaluator (sim/cost/jobcost.ts, LayerCoster's and StageCoster's memos
 * keyed by path shapes) against the direct evaluation: lowered jobs walked by estimate.ts's
 * jobLatencyPs with whole-package counts. These hold whatever the cost model computes (plan.ts,
 * tileLoad, transfer times): they compare two evaluations of the same model, not numbers.
 */
import * as crypto from 'crypto';
import * as path from 'path';
import { loadInputs, makeSchedule, Inputs } from '../../sim/pipeline';
import { planLayer } from '../../sim/cost/plan';
import { lowerSchedule } from '../../sim/cost/program';
import { jobLatencyPs } from '../../sim/cost/estimate';
import { energyOf, newCounts } from '../../sim/cost/energy';
import { Topology } from '../../sim/cost/topology';
import { JobWalker, PathShapes } from '../../sim/cost/jobcost';
import { LayerCoster, OutputLoc, referenceCost } from '../../sim/sched/scar/layercost';
import { StageCoster, StagePlace } from '../../sim/sched/scar/stagecost';
import { DEFAULT_SCAR, microBatchCounts, scheduleScar } from '../../sim/sched/scar/scar';
import { scheduleGreedy } from '../../sim/sched/greedy';
import { makeRng, Rng } from '../../sim/engine/rng';
import { InputError } from '../../sim/input/errors';
import { Schedule, ScheduleJob } from '../../sim/input/types';
import { testScenario } from '../helpers';

const ROOT = path.resolve(__dirname, '../..');
const SMALL = path.join(ROOT, 'test/golden/small/scenario.json');
const pkgFile = (n: string) => path.join(ROOT, 'models/packages', `${n}.json`);
const scenarioFile = (n: string) => path.join(ROOT, 'models/scenarios', `${n}.json`);

/** A random valid schedule: every layer in 1-3 sample ranges, each on a chiplet it fits. */
function randomSchedule(inputs: Inputs, rng: Rng): Schedule {
  const { scenario, pkg } = inputs;
  const jobs: ScheduleJob[] = [];
  for (const m of scenario.models) {
    for (const l of m.workload.layers) {
      const cuts = [0, m.batch];
      for (let k = rng.int(3); k > 0 && m.batch > 1; k--) cuts.push(1 + rng.int(m.batch - 1));
      const ends = [...new Set(cuts)].sort((a, b) => a - b);
      for (let i = 1; i < ends.length; i++) {
        const fit = pkg.chiplets.filter((c) => typeof planLayer(l.shape, c.kind, ends[i] - ends[i - 1], pkg.elementBytes) !== 'string');
        jobs.push({ layer: `${m.name}/${l.name}`, chiplet: fit[rng.int(fit.length)].id, samples: [ends[i - 1], ends[i]], window: 0 });
      }
    }
  }
  return { file: 'random.json', strategy: 'random', scenarioPath: '', packagePath: '', jobs };
}

describe('fast job cost = the reference walk of lowered jobs', () => {
  const cases: [string, string][] = [[SMALL, 'het_sides_3x3'], [SMALL, 'het_3x3'], [scenarioFile('arvr3_assistant'), 'het_cross_6x6']];
  test.each(cases)('%s on %s: latency and bytes exact, energy to rounding', (scen, pkgName) => {
    const inputs = loadInputs(scen, pkgFile(pkgName));
    const topo = new Topology(inputs.pkg);
    const shapes = new PathShapes(topo);
    const walker = new JobWalker(inputs.pkg, shapes);
    const rng = makeRng('jobs');
    let n = 0;
    for (let s = 0; s < 2; s++) {
      const prog = lowerSchedule(randomSchedule(inputs, rng), inputs.scenario, inputs.pkg, topo);
      for (const job of prog.jobs) {
        const counts = newCounts(topo);
        const ref = jobLatencyPs(job, topo, counts);
        expect(walker.latencyPs(job)).toBe(ref);
        const bytes = new Float64Array(topo.resources.length);
        // Every resource a path's bytes cross: the path, and with the router NoP its ports.
        for (let j = 0; j < walker.pathCount; j++) for (const r of [...walker.paths[j], ...topo.portsOf(walker.paths[j])]) bytes[r] += walker.pathBytes[j];
        expect(bytes).toEqual(counts.resourceBytes);
        const dyn = walker.dynamicPj(job);
        expect(dyn).toBe(referenceCost(job, topo, shapes).dynamicPj);
        expect(Math.abs(dyn / energyOf(inputs.pkg, topo, counts, 0).dynamicPj - 1)).toBeLessThan(1e-12);
        n++;
      }
    }
    expect(n).toBeGreaterThan(20);
  });
});

describe('memo keys: a memoised cost equals the direct cost wherever the job lies', () => {
  test('LayerCoster: random layers, chiplets, samples, producers, weight and output rules', () => {
    for (const [scen, pkgName] of [[SMALL, 'het_cross_6x6'], [scenarioFile('arvr3_assistant'), 'het_sides_3x3']]) {
      const { scenario, pkg } = loadInputs(scen, pkgFile(pkgName));
      const topo = new Topology(pkg);
      const fast = new LayerCoster(pkg, topo);
      const ref = new LayerCoster(pkg, topo, { reference: true });
      const rng = makeRng('layers');
      let hits = 0;
      for (let q = 0; q < 1500; q++) {
        const m = scenario.models[rng.int(scenario.models.length)];
        const ctx = { byName: new Map(m.workload.layers.map((l) => [l.name, l])) };
        const layer = m.workload.layers[rng.int(m.workload.layers.length)];
        // A few chiplets and sample counts only, so that many queries share a memo entry.
        const chiplet = rng.int(Math.min(pkg.chiplets.length, 12));
        const samples = 1 + rng.int(Math.min(m.batch, 3));
        const locs = new Map<string, OutputLoc | undefined>(layer.inputs.map((n) => [n, rng.next() < 0.2 ? undefined : { chiplet: rng.int(pkg.chiplets.length), jobSamples: 1 + rng.int(m.batch) }]));
        const producers = (n: string) => locs.get(n);
        const keep = rng.next() < 0.5;
        const consumed = rng.next() < 0.7;
        const a = fast.cost(ctx, layer, chiplet, samples, producers, keep, consumed);
        const b = ref.cost(ctx, layer, chiplet, samples, producers, keep, consumed);
        expect(a).toEqual(b);
        if (fast.cost(ctx, layer, chiplet, samples, producers, keep, consumed) === a) hits++;
      }
      expect(hits).toBe(1500);
    }
  });

  test('StageCoster: random segmentations and chains, with producers in earlier windows', () => {
    const { scenario, pkg } = loadInputs(scenarioFile('arvr3_assistant'), pkgFile('het_cross_6x6'));
    const topo = new Topology(pkg);
    const coster = new LayerCoster(pkg, topo);
    const rng = makeRng('stages');
    let checked = 0;
    scenario.models.forEach((m, id) => {
      const layers = m.workload.layers;
      const model = {
        layers, byName: new Map(layers.map((l) => [l.name, l])), index: new Map(layers.map((l, i) => [l.name, i])),
        consumed: layers.map((l) => layers.some((x) => x.inputs.includes(l.name))),
      };
      const fast = new StageCoster(coster, pkg);
      const ref = new StageCoster(new LayerCoster(pkg, topo, { reference: true }), pkg, true);
      const first = Math.floor(layers.length / 3);
      const loc = new Map<number, OutputLoc>();
      for (let li = 0; li < first; li++) loc.set(li, { chiplet: rng.int(pkg.chiplets.length), jobSamples: m.batch });
      const ms = microBatchCounts(m.batch, 8, () => true);
      for (let trial = 0; trial < 25; trial++) {
        const n = layers.length - first;
        const cuts = new Set([n]);
        for (let k = rng.int(6); k > 0; k--) cuts.add(1 + rng.int(n - 1));
        const ends = [...cuts].sort((a, b) => a - b);
        // Distinct chiplets from a few rows, so that shapes repeat across trials.
        const pool = Array.from({ length: pkg.chiplets.length }, (_, i) => i).sort(() => rng.next() - 0.5);
        const place: StagePlace = { id, model, batch: m.batch, first, ends, chain: pool.slice(0, ends.length), loc, ms };
        for (let j = 0; j < ends.length; j++) {
          expect(fast.cost(place, j)).toEqual(ref.cost(place, j));
          checked++;
        }
      }
    });
    expect(checked).toBeGreaterThan(100);
  });
});

describe('schedules: the memoised evaluator chooses what the direct one chooses', () => {
  const hash = (jobs: readonly ScheduleJob[]) => crypto.createHash('sha1').update(JSON.stringify(jobs)).digest('hex');
  const scar: [string, string, string][] = [
    [SMALL, 'het_sides_3x3', '1'], [SMALL, 'het_3x3', '1'], [SMALL, 'het_cross_6x6', '1'], [SMALL, 'het_cross_6x6', '2'],
    [scenarioFile('arvr3_assistant'), 'het_cross_3x3', '1'], [scenarioFile('arvr3_assistant'), 'het_cross_6x6', '3'],
  ];
  test.each(scar)('scar: %s on %s, seed %s', (scen, pkgName, seed) => {
    const { scenario, pkg } = loadInputs(scen, pkgFile(pkgName));
    const run = (reference: boolean) => scheduleScar(scenario, pkg, { ...DEFAULT_SCAR, rng: makeRng(seed) }, new Topology(pkg), reference);
    const a = run(false);
    const b = run(true);
    expect(hash(a.jobs)).toBe(hash(b.jobs));
    expect(a.windows).toEqual(b.windows);
  });
  test('greedy: arvr3_assistant on het_cross_6x6', () => {
    const { scenario, pkg } = loadInputs(scenarioFile('arvr3_assistant'), pkgFile('het_cross_6x6'));
    expect(scheduleGreedy(scenario, pkg, new Topology(pkg), undefined, false).jobs).toEqual(scheduleGreedy(scenario, pkg, new Topology(pkg), undefined, true).jobs);
  });
  test('the default run (`npm start`) schedules to the same bytes as before the fast evaluator', () => {
    const inputs = loadInputs(scenarioFile('default'), pkgFile('het_3x3'));
    expect(hash(makeSchedule(inputs, { strategy: 'scar', seed: '1' }).jobs).slice(0, 12)).toBe(PINNED_DEFAULT);
  });
});

// sha1 of the jobs of `mcmsim run` with all defaults (default scenario, het_3x3, scar, seed 1),
// the same before and after the fast evaluator; moved by the per-layer mapper (issue 7). A deliberate cost-model change moves it: then
// update it here (the tests above, not this one, are what hold the evaluator to the model).
const PINNED_DEFAULT = 'd44fe07b02f0';

describe('a batch too large for the buffer is micro-batched, not rejected', () => {
  // The small scenario at 8x its batch on het_sides_3x3 with 256 KiB buffers: attn/qk and
  // attn/av fit no chiplet for the whole batch, but do one sample at a time.
  const base = loadInputs(SMALL, pkgFile('het_sides_3x3'));
  const withBuffer = (bufferBytes: number) => {
    const kinds = base.pkg.kinds.map((k) => ({ ...k, bufferBytes }));
    return { ...base.pkg, kinds, chiplets: base.pkg.chiplets.map((c) => ({ ...c, kind: kinds[base.pkg.kinds.indexOf(c.kind)] })) };
  };
  const big = testScenario(base.scenario.models.map((m) => ({ workload: m.workload, batch: m.batch * 8, name: m.name })));
  const pkg = withBuffer(262144);
  const batchOf = (j: ScheduleJob) => big.models.find((m) => j.layer.startsWith(`${m.name}/`))!.batch;

  test('micro-batch counts: divisors up to the cap, then the fewest that fit', () => {
    expect(microBatchCounts(12, 8, () => true)).toEqual([1, 2, 3, 4, 6]);
    expect(microBatchCounts(64, 8, (s) => s <= 4)).toEqual([1, 2, 4, 8, 16]);
    expect(microBatchCounts(7, 8, (s) => s <= 0)).toEqual([1, 7]);
  });
  test.each(['scar', 'greedy'] as const)('%s: schedules and lowers, the layers too large for the batch in micro-batches', (strategy) => {
    const whole = big.models.flatMap((m) => m.workload.layers.filter((l) => pkg.kinds.every((k) => typeof planLayer(l.shape, k, m.batch, 1) === 'string')).map((l) => `${m.name}/${l.name}`));
    expect(whole).toEqual(['attn/qk', 'attn/av']);
    const s = makeSchedule({ scenario: big, pkg }, { strategy, seed: '1' });
    const prog = lowerSchedule(s, big, pkg);
    expect(prog.jobs.length).toBe(s.jobs.length);
    for (const name of whole) {
      const parts = s.jobs.filter((j) => j.layer === name);
      expect(parts.length).toBeGreaterThan(1);
      expect(parts.every((j) => j.samples[1] - j.samples[0] < batchOf(j))).toBe(true);
    }
  });
  test('a layer that does not fit even one sample at a time is still rejected, naming it', () => {
    const tiny = { scenario: big, pkg: withBuffer(1024) };
    expect(() => makeSchedule(tiny, 'scar')).toThrow(InputError);
    expect(() => makeSchedule(tiny, 'scar')).toThrow(/even one sample/);
    expect(() => makeSchedule(tiny, 'greedy')).toThrow(/even one sample/);
  });
});
