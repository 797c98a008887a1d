import * as path from 'path';
import { lowerSchedule } from '../../sim/cost/program';
import { estimateProgram } from '../../sim/cost/estimate';
import { simulate } from '../../sim/hw/replay';
import { compare } from '../../sim/report/compare';
import { explanationText } from '../../sim/report/format';
import { main } from '../../sim/cli/main';
import { testPackage, testScenario, testSchedule, testWorkload } from '../helpers';

// Three chiplets in a row pull their weights through the one DRAM channel at c0_0 at once.
const FC = { op: 'fc', inFeatures: 256, outFeatures: 256 };

async function contended() {
  const pkg = testPackage({ grid: [['ws', 'ws', 'ws']] });
  const models = ['x', 'y', 'z'].map((n) => testWorkload(n, [{ name: 'fc', ...FC }]));
  const prog = lowerSchedule(
    testSchedule([{ layer: 'x/fc', chiplet: 'c0_0' }, { layer: 'y/fc', chiplet: 'c0_1' }, { layer: 'z/fc', chiplet: 'c0_2' }]),
    testScenario(models.map((w) => ({ workload: w, batch: 1 }))), pkg,
  );
  const est = estimateProgram(prog);
  const sim = await simulate(prog);
  return { prog, est, sim, c: compare(prog, est, sim) };
}

describe('validate explains the difference', () => {
  test('the shared DRAM channel is named first and the delays add up', async () => {
    const { prog, sim, c } = await contended();
    expect(c.resources[0]).toMatchObject({ name: 'dram0', kind: 'dram' });
    expect(c.resources[0].queueDelayPs).toBeGreaterThan(0);
    const byRes = c.resources.reduce((a, r) => a + r.queueDelayPs, 0);
    const byJob = c.rows.reduce((a, r) => a + r.queueDelayPs, 0);
    // Per-transfer delays are split over resources in proportion to waits: equal up to rounding.
    expect(Math.abs(byJob - byRes)).toBeLessThan(1e-9 * byRes + 1e-6);
    for (const r of c.rows) {
      if (r.queueDelayPs > 0) expect(r.topResource).toBe('dram0');
      expect(Object.values(r.waitByResource).reduce((a, b) => a + b, 0)).toBeCloseTo(r.queueDelayPs, 3);
    }
    // Utilisation is busy time over the makespan; DRAM moved 3 x 65536 weight bytes at least.
    expect(c.resources[0].utilization).toBeCloseTo(sim.resourceBusyPs[prog.topology.resources.length - 1] / sim.makespanPs, 12);
    expect(sim.makespanPs).toBeGreaterThan((3 * 65536 * 1000) / 64);
    expect(c.rows.some((r) => /queued .* most at dram0/.test(r.reason))).toBe(true);
  });

  test('the closed form\'s error splits exactly into per-job cost, pipelining and contention', async () => {
    const { c } = await contended();
    const d = c.decomposition;
    expect(d.jobCostPs + d.pipeliningPs + d.contentionPs).toBe(d.closedFormErrorPs);
    expect(d.closedFormErrorPs).toBe(c.closedForm.latencyPs - c.simulated.latencyPs);
    expect(d.contentionPs).toBeLessThan(0); // the simulation is slower than the list schedule
    // Three models in one window, one stage and one micro-batch each: the closed form is the
    // slowest job's closed-form latency.
    expect(c.closedForm.latencyPs).toBe(Math.max(...c.rows.map((r) => r.closedFormPs)));
    const text = explanationText(c);
    expect(text).toMatch(/contention .* -\d/);
    expect(text).toMatch(/^dram0\s+dram/m);
  });

  test('validate --json carries closedForm, resources sorted by queueDelayPs and per-job queueDelayPs with the top resource', async () => {
    const small = path.resolve(__dirname, '../golden/small');
    let out = '';
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    let code: number;
    try {
      code = await main(['validate', '--scenario', path.join(small, 'scenario.json'), '--package', path.join(small, 'package.json'), '--json', '--quiet']);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j.closedForm.latencyPs).toBeGreaterThan(0);
    expect(j.closedForm.energy.totalPj).toBeGreaterThan(0);
    expect(j.resources.length).toBeGreaterThan(0);
    for (const r of j.resources) expect(Object.keys(r)).toEqual(expect.arrayContaining(['name', 'kind', 'busyPs', 'utilization', 'queueDelayPs']));
    for (let i = 1; i < j.resources.length; i++) expect(j.resources[i - 1].queueDelayPs).toBeGreaterThanOrEqual(j.resources[i].queueDelayPs);
    const delayed = j.rows.filter((r: { queueDelayPs: number }) => r.queueDelayPs > 0);
    expect(delayed.length).toBeGreaterThan(0);
    for (const r of delayed) expect(r.waitByResource[r.topResource]).toBe(r.topResourceDelayPs);
  });
});
