import { lowerSchedule } from '../../sim/cost/program';
import { estimateProgram } from '../../sim/cost/estimate';
import { closedForm, closedFormJobPs, closedFormTransferPs, pipelineFormula } from '../../sim/cost/closedform';
import { testPackage, testScenario, testSchedule, testWorkload } from '../helpers';

const CONV = { op: 'conv2d', inChannels: 16, inHeight: 16, inWidth: 16, outChannels: 32, kernel: 3, pad: 1 };

describe('closed form (the SCAR paper\'s formula)', () => {
  const pkg = testPackage({ grid: [['ws', 'ws', 'ws']] });

  test('transfer: size / slowest bandwidth + hops x 35 ns (+ 200 ns off-chip), no packets', () => {
    const prog = lowerSchedule(testSchedule([{ layer: 'm/c', chiplet: 'c0_0' }]), testScenario([{ workload: testWorkload('m', [{ name: 'c', ...CONV }]), batch: 1 }]), pkg);
    const topo = prog.topology;
    // Two links at 100 GB/s: 10240 B -> 102400 ps + 2 x 35000.
    expect(closedFormTransferPs(topo, topo.route(0, 2), 10240)).toBe(172400);
    // DRAM (64 GB/s) then one link: 10240 B -> 160000 ps + 200000 + 35000.
    expect(closedFormTransferPs(topo, topo.dramReadPath(1), 10240)).toBe(395000);
    expect(closedFormTransferPs(topo, [], 10240)).toBe(0);
  });

  test('one job: compute + load + store; a store over a hop is not pipelined packet by packet', () => {
    const w = testWorkload('m', [{ name: 'conv', ...CONV }, { name: 'relu', op: 'eltwise', elements: 8192 }]);
    const prog = lowerSchedule(testSchedule([{ layer: 'm/conv', chiplet: 'c0_0' }, { layer: 'm/relu', chiplet: 'c0_1' }]), testScenario([{ workload: w, batch: 1 }]), pkg);
    // conv: load 8704 B from DRAM 136000 + 200000; compute 1 179 648 MACs / 64 PEs = 18432 cycles
    // plus the systolic fill and drain of its one tile, 8 + 8 - 2 = 14 (the mapper, sim/cost/spatial.ts),
    // x 2000 ps; output stays on chip.
    expect(closedFormJobPs(prog, 0)).toBe(336000 + (18432 + 14) * 2000);
    // relu: 8192 B over one link 81920 + 35000; 128 cycles = 256000; store over c0_1->c0_0 and
    // DRAM: 8192 B at 64 GB/s = 128000 + 35000 + 200000 = 363000 (the list schedule's
    // store-and-forward packets take 383480).
    expect(closedFormJobPs(prog, 1)).toBe(116920 + 256000 + 363000);
  });

  test('a two-stage pipeline: sum of stages + (micro-batches - 1) x slowest stage', () => {
    // Model m: layers a (stage on c0_0) and b (stage on c0_1), batch 4 in 4 micro-batches.
    const w = testWorkload('m', [{ name: 'a', op: 'eltwise', elements: 4096 }, { name: 'b', op: 'eltwise', elements: 4096, inputs: ['a'] }]);
    const jobs = [];
    for (let s = 0; s < 4; s++) jobs.push({ layer: 'm/a', chiplet: 'c0_0', samples: [s, s + 1] as [number, number] });
    for (let s = 0; s < 4; s++) jobs.push({ layer: 'm/b', chiplet: 'c0_1', samples: [s, s + 1] as [number, number] });
    const prog = lowerSchedule(testSchedule(jobs), testScenario([{ workload: w, batch: 4 }]), pkg);
    // Stage a: 10 for the first micro-batch, 6 after; stage b: 20, then 8.
    const jobPs = [10, 6, 6, 6, 20, 8, 8, 8];
    const f = pipelineFormula(prog, jobPs);
    expect(f.latencyPs).toBe(10 + 20 + 3 * 8);
    expect(f.windows[0].models[0]).toMatchObject({ model: 'm', microBatches: 4, latencyPs: 54 });
    expect(f.windows[0].models[0].stages.map((s) => [s.chiplet, s.firstPs, s.laterPs])).toEqual([['c0_0', 10, 6], ['c0_1', 20, 8]]);
    // The closed form of the real program uses each job's closed-form latency the same way.
    const est = estimateProgram(prog);
    const cf = closedForm(prog, est.energy);
    const L = (i: number) => cf.jobPs[i];
    expect(cf.latencyPs).toBe(L(0) + L(4) + 3 * Math.max(L(1), L(5)));
    expect(cf.energy.dynamicPj).toBe(est.energy.dynamicPj);
    expect(cf.energy.staticPj).toBeCloseTo((3 * 10 * cf.latencyPs) / 1000, 6);
  });

  test('windows are summed and models in a window take the maximum', () => {
    const w1 = testWorkload('x', [{ name: 'a', op: 'eltwise', elements: 4096 }]);
    const w2 = testWorkload('y', [{ name: 'a', op: 'eltwise', elements: 4096 }, { name: 'b', op: 'eltwise', elements: 4096, inputs: ['a'] }]);
    const prog = lowerSchedule(testSchedule([
      { layer: 'x/a', chiplet: 'c0_0', window: 0 }, { layer: 'y/a', chiplet: 'c0_1', window: 0 }, { layer: 'y/b', chiplet: 'c0_2', window: 1 },
    ]), testScenario([{ workload: w1, batch: 1 }, { workload: w2, batch: 1 }]), pkg);
    expect(pipelineFormula(prog, [5, 7, 11]).latencyPs).toBe(7 + 11);
  });
});
