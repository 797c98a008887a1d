import * as path from 'path';
import { packWindows } from '../../sim/sched/scar/windows';
import { allocate, balancedCut, pipelineScore, topSegmentations, allSegmentations } from '../../sim/sched/scar/segments';
import { forEachChainAssignment, evolveChains, snakeChains } from '../../sim/sched/scar/chains';
import { makeRng } from '../../sim/engine/rng';
import { loadInputs, makeSchedule } from '../../sim/pipeline';
import { lowerSchedule } from '../../sim/cost/program';
import { estimateProgram } from '../../sim/cost/estimate';
import { Topology } from '../../sim/cost/topology';

const ROOT = path.resolve(__dirname, '../..');
const SMALL = path.join(ROOT, 'test/golden/small');

describe('SCAR building blocks (hand-computed)', () => {
  test('windows: horizon 18 split in 3 windows of 6; a layer crossing a boundary moves on', () => {
    const w = packWindows([[3, 3, 3], [6, 3]], 3);
    expect(w.horizonPs).toBe(18);
    expect(w.windowPs).toBe(6);
    expect(w.windowOf).toEqual([[0, 0, 1], [0, 1]]);
    expect(w.windows).toBe(2);
  });
  test('allocation in proportion to cost, at least one, largest remainder', () => {
    expect(allocate([3, 1], 9)).toEqual([7, 2]); // 6.75 and 2.25
    expect(allocate([100, 1, 1], 4)).toEqual([2, 1, 1]);
    expect(allocate([1, 1], 2)).toEqual([1, 1]);
  });
  test('balanced cut and pipelined score', () => {
    expect(balancedCut([1, 2, 3, 4], 2)).toEqual([3, 4]); // max(6, 4) beats max(3, 7)
    expect(balancedCut([1, 2, 3, 4], 4)).toEqual([1, 2, 3, 4]);
    // stages 6 and 4, 4 batches: 6 + 4 + 3 x 6
    expect(pipelineScore([1, 2, 3, 4], [3, 4], 4)).toBe(28);
    // With 1 batch one segment is as good as any; with many, the slowest stage decides:
    // 3 and 4 segments both have a slowest stage of 4 (10 + 99 x 4), the fewer segments win.
    expect(topSegmentations([1, 2, 3, 4], 4, 1, 1)[0].ends).toEqual([4]);
    expect(topSegmentations([1, 2, 3, 4], 4, 100, 1)[0].ends).toEqual([2, 3, 4]);
    expect(allSegmentations(4, 2, 100)).toEqual([[1, 4], [2, 4], [3, 4], [4]]);
  });
  test('chain enumeration on a 2x2 grid', () => {
    const g = { rows: 2, cols: 2 };
    expect(forEachChainAssignment(g, [2], () => true)).toBe(8); // 4 edges, 2 directions
    expect(forEachChainAssignment(g, [1, 1], () => true)).toBe(12);
    expect(forEachChainAssignment(g, [4], () => true)).toBe(8); // Hamiltonian paths of a 4-cycle
    forEachChainAssignment({ rows: 3, cols: 3 }, [3, 2], (chains) => {
      const all = chains.flat();
      expect(new Set(all).size).toBe(all.length);
      for (const c of chains) for (let i = 1; i < c.length; i++) {
        const a = c[i - 1], b = c[i];
        expect(Math.abs(Math.floor(a / 3) - Math.floor(b / 3)) + Math.abs((a % 3) - (b % 3))).toBe(1);
      }
      return true;
    });
    expect(snakeChains({ rows: 3, cols: 3 }, [4, 3])).toEqual([[0, 1, 2, 5], [4, 3, 6]]);
  });
  test('evolutionary search is seeded: same seed, same answer; it improves on its seed', () => {
    const g = { rows: 4, cols: 4 };
    const target = [15, 14, 13, 12];
    const fit = (c: number[][]) => c[0].reduce((s, x, i) => s + Math.abs(x - target[i]), 0);
    const seed = snakeChains(g, [4]);
    const run = (s: string) => evolveChains(g, [4], [seed], fit, { population: 16, generations: 30, rng: makeRng(s) });
    const a = run('42');
    expect(run('42')).toEqual(a);
    expect(a.fitness).toBeLessThan(fit(seed));
  });
});

describe('SCAR end to end on the small scenario', () => {
  const inputs = loadInputs(path.join(SMALL, 'scenario.json'), path.join(ROOT, 'models/packages/het_sides_3x3.json'));
  const s = makeSchedule(inputs, { strategy: 'scar', seed: '1', scar: { windows: 2 } });
  const prog = lowerSchedule(s, inputs.scenario, inputs.pkg);
  const topo = new Topology(inputs.pkg);

  test('models never share a chiplet within a window; segments sit on neighbouring chiplets', () => {
    for (const w of s.scar!.windows) {
      const used = w.models.flatMap((m) => m.chiplets);
      expect(new Set(used).size).toBe(used.length);
      for (const m of w.models) {
        const idx = m.chiplets.map((id) => inputs.pkg.chiplets.find((c) => c.id === id)!.index);
        for (let i = 1; i < idx.length; i++) expect(topo.hops(idx[i - 1], idx[i])).toBe(1);
      }
    }
  });
  test('SCAR\'s dynamic energy is the program\'s exactly; its latency formula bounds the list schedule', () => {
    const est = estimateProgram(prog);
    const scarDynamic = s.scar!.windows.reduce((a, w) => a + w.models.reduce((b, m) => b + m.dynamicPj, 0), 0);
    expect(scarDynamic / est.energy.dynamicPj).toBeCloseTo(1, 9);
    expect(est.makespanPs).toBeLessThanOrEqual(s.scar!.latencyPs);
  });
  test('pipelining: some model runs in several micro-batches', () => {
    expect(s.scar!.windows.some((w) => w.models.some((m) => m.microBatches > 1))).toBe(true);
  });
  test('exhaustive reference is never worse than the heuristic (optimality gap >= 0)', () => {
    const small2 = loadInputs(path.join(SMALL, 'scenario.json'), path.join(SMALL, 'package.json'));
    const opts = { seed: '1', scar: { windows: 3, maxMicroBatches: 2 } };
    const h = makeSchedule(small2, { ...opts, strategy: 'scar' }).scar!;
    const x = makeSchedule(small2, { ...opts, strategy: 'exhaustive' }).scar!;
    expect(x.capped).toBe(false);
    const edp = (r: typeof h) => r.windows.reduce((a, w) => a + w.edpJs, 0);
    expect(edp(x)).toBeLessThanOrEqual(edp(h) * (1 + 1e-12));
  });
});
