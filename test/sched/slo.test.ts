import * as path from 'path';
import { loadInputs, makeSchedule } from '../../sim/pipeline';
import { testPackage, testScenario, testWorkload } from '../helpers';
import { sloRank, sloViolationPs, sloWarning } from '../../sim/sched/slo';
import { scheduleStandalone } from '../../sim/sched/standalone';
import { objectiveOf, objectives } from '../../sim/sched/objective';

describe('latency SLO filter', () => {
  test('violation: ps past each SLO, summed; models without an SLO never violate', () => {
    expect(sloViolationPs([
      { model: 'a', completionPs: 3e9, latencySloMs: 2 }, // 1 ms late
      { model: 'b', completionPs: 1e9, latencySloMs: 2 }, // on time
      { model: 'c', completionPs: 9e12 },
    ])).toBe(1e9);
  });

  test('a schedule that meets every SLO beats one that breaks one, whatever their objectives', () => {
    const meets = sloRank(0, 1e30);
    const breaks = sloRank(1, 1);
    expect(meets).toBeLessThan(breaks);
    expect(sloRank(1e9, 1)).toBeLessThan(sloRank(2e9, 1)); // less violation ranks first
  });

  test('the warning names each late model with its completion and SLO', () => {
    expect(sloWarning('s on p', [{ model: 'a', completionPs: 1e9, latencySloMs: 2 }])).toBeNull();
    expect(sloWarning('s on p', [{ model: 'a', completionPs: 3.5e9, latencySloMs: 2 }])).toBe(
      'warning: s on p: no schedule meets every latency SLO; kept the least-violating one (a 3.5 ms > SLO 2 ms)',
    );
  });

  // One model, two chiplets: 'cheap' (8x8 PEs, 0.5 pJ/MAC) and 'fast' (16x16, 5 pJ/MAC).
  const pkg = testPackage({
    grid: [['cheap', 'fast']],
    kinds: { cheap: { peRows: 8, peCols: 8, macEnergyPj: 0.5, staticPowerMw: 0 }, fast: { peRows: 16, peCols: 16, macEnergyPj: 5, staticPowerMw: 0 } },
    channels: [[0, 0], [0, 1]],
  });
  const w = testWorkload('net', [{ name: 'fc', op: 'fc', inFeatures: 256, outFeatures: 256, tokens: 64 }]);
  const energy = objectiveOf('energy');

  test('the scheduler rejects the schedule that breaks the SLO and keeps the one that meets it', () => {
    const free = scheduleStandalone(testScenario([{ workload: w, batch: 1 }]), pkg, { maxMicroBatches: 1, objective: energy });
    expect(free.models[0].chiplet).toBe('c0_0'); // the energy search picks the cheap chiplet...
    const fast = scheduleStandalone(testScenario([{ workload: w, batch: 1 }]), testPackage({ grid: [['fast']], kinds: { fast: { peRows: 16, peCols: 16, macEnergyPj: 5 } } }), { maxMicroBatches: 1 });
    const slowMs = free.latencyPs / 1e9;
    const fastMs = fast.latencyPs / 1e9;
    expect(fastMs).toBeLessThan(slowMs); // ...which is the slower one
    const slo = (fastMs + slowMs) / 2;
    const held = scheduleStandalone(testScenario([{ workload: w, batch: 1, latencySloMs: slo }]), pkg, { maxMicroBatches: 1, objective: energy });
    expect(held.models[0].chiplet).toBe('c0_1');
    expect(held.warnings).toEqual([]);
    // Switched off, the SLO changes nothing.
    const off = scheduleStandalone(testScenario([{ workload: w, batch: 1, latencySloMs: slo }]), pkg, { maxMicroBatches: 1, objective: energy, enforceSlo: false });
    expect(off.models[0].chiplet).toBe('c0_0');
  });

  test('when no schedule meets the SLO, the least-violating one is kept with a warning', () => {
    const r = scheduleStandalone(testScenario([{ workload: w, batch: 1, latencySloMs: 1e-9 }]), pkg, { maxMicroBatches: 1, objective: energy });
    expect(r.models[0].chiplet).toBe('c0_1'); // the faster chiplet misses by less
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^warning: test on test \(standalone\): no schedule meets every latency SLO; kept the least-violating one \(net [0-9.]+ ms > SLO 1e-9 ms\)$/);
  });
});

describe('objectives', () => {
  test('edp multiplies; latency and energy rank by their metric and break ties by the other', () => {
    expect(objectives.edp(2, 3)).toBe(6);
    expect(objectives.latency(1, 1e6)).toBeLessThan(objectives.latency(2, 1));
    expect(objectives.latency(1, 1)).toBeLessThan(objectives.latency(1, 2));
    expect(objectives.energy(1e6, 1)).toBeLessThan(objectives.energy(1, 2));
  });
});

describe('latency SLOs in the SCAR scheduler', () => {
  const SMALL = path.resolve(__dirname, '../golden/small');
  const inputs = loadInputs(path.join(SMALL, 'scenario.json'), path.join(SMALL, 'package.json'));
  const withSlo = (ms: number) => ({ ...inputs, scenario: { ...inputs.scenario, models: inputs.scenario.models.map((m) => ({ ...m, latencySloMs: ms })) } });

  test('an SLO every schedule meets changes nothing; one none meets keeps a schedule and warns', () => {
    const free = makeSchedule(inputs, 'scar');
    const easy = makeSchedule(withSlo(1e6), 'scar');
    expect(easy.jobs).toEqual(free.jobs);
    expect(easy.warnings).toEqual([]);
    const impossible = makeSchedule(withSlo(1e-9), 'scar');
    expect(impossible.jobs.length).toBe(free.jobs.length);
    expect(impossible.warnings.length).toBeGreaterThan(0);
    expect(impossible.warnings[0]).toMatch(/window 0: no schedule meets every latency SLO; kept the least-violating one/);
  });
});
