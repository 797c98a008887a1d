import { planLayer, LayerPlan } from '../../sim/cost/plan';
import { planEnergyPj } from '../../sim/cost/energy';
import { maestroEnergyPj } from '../../sim/cost/maestro';
import { maestroOpOf, templateCost, templateCovers } from '../../sim/cost/template';
import { packageSources } from '../../sim/cost/mapper';
import { evaluate, makeSchedule } from '../../sim/pipeline';
import { testPackage, testScenario, testWorkload } from '../helpers';

const wl = testWorkload('t', [
  { name: 'conv', op: 'conv2d', inChannels: 16, inHeight: 18, inWidth: 18, outChannels: 32, kernel: 3 },
  { name: 'dw', op: 'depthwise', inputs: ['conv'], channels: 32, inHeight: 16, inWidth: 16, kernel: 3, pad: 1 },
  { name: 'fc', op: 'fc', inputs: ['dw'], inFeatures: 32, outFeatures: 64, tokens: 256 },
  { name: 'pool', op: 'pool', inputs: ['conv'], channels: 32, inHeight: 16, inWidth: 16, kernel: 2, stride: 2 },
]);
const layer = (n: string) => wl.layers.find((l) => l.name === n)!;

/** One ws and one os kind with their templates, 16 x 16 PEs, and the same kinds searched. */
function packages(bufferBytes = 1 << 20) {
  const kinds = (mapping: boolean) => ({
    ws: { peRows: 16, peCols: 16, bufferBytes, rfEnergyPjPerByte: 0.25, arrayEnergyPjPerByte: 0.5, ...(mapping ? { mapping: 'maestro:nvdla' } : {}) },
    os: { peRows: 16, peCols: 16, bufferBytes, rfEnergyPjPerByte: 0.25, arrayEnergyPjPerByte: 0.5, ...(mapping ? { mapping: 'maestro:shidiannao' } : {}) },
  });
  return { tpl: testPackage({ grid: [['ws', 'os']], kinds: kinds(true) as never }), search: testPackage({ grid: [['ws', 'os']], kinds: kinds(false) as never }) };
}

describe('template plans (kind.mapping maestro:*)', () => {
  test('the op MAESTRO is given follows from the shape', () => {
    expect(['conv', 'dw', 'fc', 'pool'].map((n) => maestroOpOf(layer(n).shape))).toEqual(['conv2d', 'depthwise', 'conv2d', 'eltwise']);
    const { tpl, search } = packages();
    expect(templateCovers(layer('conv').shape, tpl.kinds[0])).toBe(true);
    expect(templateCovers(layer('pool').shape, tpl.kinds[0])).toBe(false);
    expect(templateCovers(layer('conv').shape, search.kinds[0])).toBe(false);
  });

  test('compute is the template\'s runtime, on-chip counts are its accesses, energy its access counts x the kind\'s energies', () => {
    const { tpl } = packages();
    for (const kind of tpl.kinds) {
      for (const n of ['conv', 'dw', 'fc']) {
        const shape = layer(n).shape;
        const r = templateCost(shape, kind, 2, 1);
        const p = planLayer(shape, kind, 2, 1) as LayerPlan;
        expect(p.tiles).toBe(1); // 1 MiB: every layer fits one tile slot
        expect(p.computeCycles).toBe(r.latencyCycles);
        expect(p.macs).toBe(shape.macsPerSample * 2);
        const l1 = r.accesses.l1;
        expect(p.rfAccessBytes).toBe(l1.input.reads + l1.input.writes + l1.weight.reads + l1.weight.writes + l1.output.reads + l1.output.writes);
        expect(p.arrayAccessBytes).toBe(r.nocElems);
        // One tile loads each tensor once: the fills MAESTRO already counts as L2 writes (it
        // writes the padded input, so the depthwise layer's pad makes its count the larger).
        const fills = r.accesses.l2.input.writes + r.accesses.l2.weight.writes;
        if (n === 'dw') expect(p.weightLoadBytes + p.inputLoadBytes).toBe(fills - 2 * 32 * (18 * 18 - 16 * 16));
        else expect(p.weightLoadBytes + p.inputLoadBytes).toBe(fills);
        const e = planEnergyPj(p);
        expect(e.computePj + e.rfPj + e.arrayPj + e.bufferPj).toBeCloseTo(maestroEnergyPj(r, kind, 1).totalPj, 6);
      }
    }
  });

  test('a layer larger than a tile slot is cut; reloads beyond MAESTRO\'s one fill per tensor are added to L2', () => {
    // 16 KiB buffer, 4 KiB tile slots; conv: 4608 weights + 5184 inputs + 8192 outputs (int8).
    const { tpl } = packages(16 << 10);
    const shape = layer('conv').shape;
    const kind = tpl.kinds[0];
    const p = planLayer(shape, kind, 1, 1, packageSources(tpl)) as LayerPlan;
    const r = templateCost(shape, kind, 1, 1);
    expect(p.tiles).toBeGreaterThan(1);
    expect(p.tileBytes).toBeLessThanOrEqual(4096);
    expect(p.cyclesPerTile).toBe(Math.ceil(r.latencyCycles / p.tiles));
    const l2 = r.accesses.l2;
    const sum = l2.input.reads + l2.input.writes + l2.weight.reads + l2.weight.writes + l2.output.reads + l2.output.writes;
    expect(p.bufferAccessBytes).toBe(sum + Math.max(0, p.weightLoadBytes + p.inputLoadBytes - l2.input.writes - l2.weight.writes));
    expect(p.bufferAccessBytes).toBeGreaterThanOrEqual(sum);
  });

  test('memoised by (shape, kind, mapping): the same kind hits, the searched twin differs', () => {
    const { tpl, search } = packages();
    const shape = layer('fc').shape;
    const a = planLayer(shape, tpl.kinds[1], 1, 1);
    expect(planLayer(shape, tpl.kinds[1], 1, 1)).toBe(a);
    const b = planLayer(shape, search.kinds[1], 1, 1) as LayerPlan;
    expect((a as LayerPlan).spatial).toMatch(/^maestro:shidiannao/);
    expect(b.spatial).not.toMatch(/^maestro/);
    // Vector layers keep the vector unit under a template.
    expect((planLayer(layer('pool').shape, tpl.kinds[0], 1, 1) as LayerPlan).vectorOps).toBeGreaterThan(0);
  });

  test('the estimate and the simulator share the template plan: same compute per job, same dynamic energy', async () => {
    const { tpl } = packages();
    const inputs = { scenario: testScenario([{ workload: wl, batch: 2 }]), pkg: tpl };
    const ev = await evaluate(makeSchedule(inputs, 'greedy'), inputs);
    expect(ev.program.jobs.every((j) => j.plan.kind.mapping !== 'search')).toBe(true);
    expect(ev.sim.energy.dynamicPj).toBeCloseTo(ev.estimate.energy.dynamicPj, 3);
    expect(ev.sim.makespanPs).toBeGreaterThanOrEqual(ev.estimate.makespanPs * (1 - 1e-12));
  });
});
