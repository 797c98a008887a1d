import { testPackage, testScenario, testWorkload } from '../helpers';
import { scheduleStandalone } from '../../sim/sched/standalone';
import { objectiveOf } from '../../sim/sched/objective';
import { lowerSchedule } from '../../sim/cost/program';
import { estimateProgram } from '../../sim/cost/estimate';

// Two chiplets side by side, one DRAM channel each: 'big' has 4x the PEs of 'small'.
const pkg = testPackage({
  grid: [['big', 'small']],
  kinds: { big: { peRows: 16, peCols: 16 }, small: { peRows: 8, peCols: 8 } },
  channels: [[0, 0], [0, 1]],
});
const heavy = testWorkload('heavy', [
  { name: 'fc1', op: 'fc', inFeatures: 256, outFeatures: 256, tokens: 64 },
  { name: 'fc2', op: 'fc', inFeatures: 256, outFeatures: 256, tokens: 64 },
]);
const light = testWorkload('light', [{ name: 'fc1', op: 'fc', inFeatures: 16, outFeatures: 16 }]);

describe('standalone baseline', () => {
  const scenario = testScenario([{ workload: light, batch: 2 }, { workload: heavy, batch: 2 }]);
  const r = scheduleStandalone(scenario, pkg, { maxMicroBatches: 1 });

  test('two small models: one chiplet each, never shared, the heavy model on the big chiplet', () => {
    // By hand: EDP = (dynamic + leakage of both chiplets x T) x T with T = the slower model, and
    // the heavy model takes ~4x longer on 'small'; putting it on 'big' minimises T.
    expect(r.models.map((m) => [m.model, m.chiplet])).toEqual([['light', 'c0_1'], ['heavy', 'c0_0']]);
    const byModel = (name: string) => r.jobs.filter((j) => j.layer.startsWith(`${name}/`));
    expect(new Set(byModel('heavy').map((j) => j.chiplet))).toEqual(new Set(['c0_0']));
    expect(new Set(byModel('light').map((j) => j.chiplet))).toEqual(new Set(['c0_1']));
    // One job per layer with the whole batch (one micro-batch), all in window 0: no pipelining.
    expect(r.jobs).toEqual([
      { layer: 'light/fc1', chiplet: 'c0_1', samples: [0, 2], window: 0 },
      { layer: 'heavy/fc1', chiplet: 'c0_0', samples: [0, 2], window: 0 },
      { layer: 'heavy/fc2', chiplet: 'c0_0', samples: [0, 2], window: 0 },
    ]);
  });

  test('scenario latency = the slower model; energy = dynamic + leakage of every chiplet over it', () => {
    const [l, h] = r.models;
    expect(r.latencyPs).toBe(Math.max(l.latencyPs, h.latencyPs));
    // Both kinds leak 10 mW (test KIND): 20 mW x latency (ps) / 1000 = pJ.
    expect(r.energyPj).toBeCloseTo(l.dynamicPj + h.dynamicPj + (20 * r.latencyPs) / 1000, 6);
  });

  test('its own estimate agrees with the analytical model of the lowered schedule', () => {
    const prog = lowerSchedule({ file: 's.json', strategy: 'standalone', scenarioPath: '', packagePath: '', jobs: r.jobs }, scenario, pkg);
    const est = estimateProgram(prog);
    expect(est.makespanPs).toBeCloseTo(r.latencyPs, -1);
    expect(est.energy.totalPj).toBeCloseTo(r.energyPj, 0);
  });

  test('micro-batches: the batch splits into equal contiguous sample ranges on the same chiplet', () => {
    const s = scheduleStandalone(testScenario([{ workload: heavy, batch: 4 }]), pkg, { maxMicroBatches: 4, objective: objectiveOf('latency') });
    const m = s.models[0];
    expect(4 % m.microBatches).toBe(0);
    expect(s.jobs).toHaveLength(2 * m.microBatches);
    const per = 4 / m.microBatches;
    s.jobs.forEach((j, i) => expect(j.samples).toEqual([Math.floor(i / 2) * per, (Math.floor(i / 2) + 1) * per]));
  });

  test('more models than chiplets is an input error', () => {
    const three = testScenario([{ workload: light, batch: 1, name: 'a' }, { workload: light, batch: 1, name: 'b' }, { workload: light, batch: 1, name: 'c' }]);
    expect(() => scheduleStandalone(three, pkg, { maxMicroBatches: 1 })).toThrow(/one chiplet per model: 3 models/);
  });
});
