import * as fs from 'fs';
import * as path from 'path';
import { planLayer, tileLoad, LayerPlan } from '../../sim/cost/plan';
import { mapLayer, packageSources } from '../../sim/cost/mapper';
import { loadWorkload } from '../../sim/input/workload';
import { loadPackage } from '../../sim/input/package';
import { Dataflow, LayerShape } from '../../sim/input/types';
import { testPackage, testWorkload } from '../helpers';

// Hand-derived mappings on an 8x8 array, every operand on chip (the default sources), so the
// mapper's latency is its compute cycles. A fold takes max(steps, rowsUsed) cycles; a systolic
// tile adds its fill/drain, rowsUsed + colsUsed - 2, once.
const shapes = testWorkload('w', [
  { name: 'dw', inputs: [], op: 'depthwise', channels: 16, inHeight: 8, inWidth: 8, kernel: 3, pad: 1 },
  { name: 'c3', inputs: [], op: 'conv2d', inChannels: 3, inHeight: 8, inWidth: 8, outChannels: 8, kernel: 3, pad: 1 },
  { name: 'gemm', inputs: [], op: 'fc', inFeatures: 16, outFeatures: 16, tokens: 8 },
  { name: 'pw', inputs: [], op: 'conv2d', inChannels: 16, inHeight: 8, inWidth: 8, outChannels: 16, kernel: 1 },
]).layers.reduce((m, l) => m.set(l.name, l.shape), new Map<string, LayerShape>());

function plan(name: string, df: Dataflow, kind: object = {}): LayerPlan {
  const pkg = testPackage({ grid: [[df]], kinds: { [df]: kind } });
  const p = planLayer(shapes.get(name)!, pkg.chiplets[0].kind, 1, 1);
  if (typeof p === 'string') throw new Error(p);
  return p;
}

describe('mapper: hand-derived mappings on an 8x8 array', () => {
  test.each([
    // depthwise 16 ch, 8x8, 3x3: 9216 MACs
    ['dw', 'ws', 'C x K (taps in time), 8 groups block-diagonal', 1166], // 8 groups per fold; 2 * 9 folds * 64 + 14
    ['dw', 'os', 'P x Q', 144],                                          // 16 channels * 9 taps
    ['dw', 'rs', 'R x P sets (3x8, 2 on K x 1 on C)', 192],              // 2 sets of 3x8: 8 passes * 3 taps * 8 cols
    // C = 3 conv to 8 channels, 8x8, 3x3: 13824 MACs
    ['c3', 'ws', 'R*S*C x K', 270],                                      // 27 rows -> 4 folds * 64 + 14
    ['c3', 'os', 'P x Q', 8 * 3 * 9],
    // 2 row-parts of 4 output rows: 4 sets of 3x4, all on K: 2 tiles * 2 passes * 3 ch * 3 * 8 (as
    // fast as 1 tile of 2 sets, 4 * 3 * 3 * 8, but fewer input reads)
    ['c3', 'rs', 'R x P sets (3x4, 4 on K x 1 on C)', 4 * 3 * 3 * 8],
    // GEMM 8 tokens x 16 -> 16: 2048 MACs
    ['gemm', 'ws', 'C x K', 46],                                         // 2 x 2 folds * max(8 tokens, 8) + 14
    ['gemm', 'os', '(P*Q) x K', 46],                                     // 2 K-folds * 16 channels + 14
    ['gemm', 'rs', 'R x P sets (1x8, 8 on K x 1 on C)', 32],             // 8 sets: 2 K-passes * 16 channels
    // 1x1 conv 16 -> 16, 8x8: 16384 MACs
    ['pw', 'ws', 'C x K', 270],                                          // 4 folds * 64 + 14
    ['pw', 'os', '(P*Q) x K', 270],                                      // 8 pixel folds * 2 K-folds * 16 + 14
    ['pw', 'rs', 'R x P sets (1x4, 16 on K x 1 on C)', 256],             // 2 row-parts * 16 channels * 8 outputs
  ] as const)('%s on %s: %s, %d cycles', (name, df, spatial, cycles) => {
    const p = plan(name, df as Dataflow);
    expect(p.spatial).toBe(spatial);
    expect(p.computeCycles).toBe(cycles);
    expect(p.tiles).toBe(spatial.includes('x4,') ? 2 : 1);
    expect(p.utilization).toBeCloseTo(p.macs / (cycles * 64), 12);
  });

  test('buffer bandwidth: P x Q on the 1x1 conv would need 16640 reads at 16 per cycle (1040 cycles)', () => {
    const kind = testPackage({ grid: [['os']], kinds: { os: {} } }).chiplets[0].kind;
    const all = mapLayer(shapes.get('pw')!, kind, 1, 1, undefined, 'latency', 10);
    if (typeof all === 'string') throw new Error(all);
    expect(all.every((m) => m.spatial !== 'P x Q')).toBe(true); // all ten faster ones are (P*Q) x K
    const pq = mapLayer(shapes.get('pw')!, kind, 1, 1, undefined, 'latency', 1000);
    if (typeof pq === 'string') throw new Error(pq);
    expect(pq.find((m) => m.spatial === 'P x Q' && m.kParts * m.nParts === 1)!.computeCycles).toBe(1040);
  });

  test('C = 3 conv on WS: bytes and energy per level', () => {
    const p = plan('c3', 'ws', { rfEnergyPjPerByte: 0.25, arrayEnergyPjPerByte: 0.5 });
    expect([p.weightBytes, p.inputBytes, p.outputBytes]).toEqual([216, 192, 512]);
    // fills 408 + output write and drain 1024 + weight reads 216 + input reads 27 rows * 64
    // + partial sums 2 * (4 passes - 1) * 512
    expect(p.bufferAccessBytes).toBe(408 + 1024 + 216 + 1728 + 3072);
    expect(p.arrayAccessBytes).toBe(2 * 13824 + 216); // inputs across, psums down, weight preload
    expect(p.rfAccessBytes).toBe(4 * 13824 + 216);
    expect(p.energy.macPj).toBeCloseTo(13824 * 0.5, 9);
    expect(p.energy.rfPj).toBeCloseTo(55512 * 0.25, 9);
    expect(p.energy.arrayPj).toBeCloseTo(27864 * 0.5, 9);
    expect(p.energy.bufferPj).toBeCloseTo(6448 * 2, 9);
    expect(p.energy.totalPj).toBeCloseTo(6912 + 13878 + 13932 + 12896, 9);
  });

  test('RS on GEMMs: no scratchpad reuse, so more register and array traffic per MAC than on a conv', () => {
    const perMac = (n: string) => {
      const p = plan(n, 'rs');
      return (p.rfAccessBytes + p.arrayAccessBytes) / p.macs;
    };
    expect(perMac('gemm')).toBeGreaterThan(perMac('c3') * 1.3);
  });

  test('objectives: energy never ranks a mapping with more energy first; edp in between', () => {
    const kind = testPackage({ grid: [['ws']], kinds: { ws: { bufferBytes: 8192, rfEnergyPjPerByte: 0.25, arrayEnergyPjPerByte: 0.5 } } }).chiplets[0].kind;
    const src = packageSources(testPackage());
    const by = (o: 'latency' | 'energy' | 'edp') => {
      const m = mapLayer(shapes.get('pw')!, kind, 4, 1, src, o, 1);
      if (typeof m === 'string') throw new Error(m);
      return m[0];
    };
    const [l, e, x] = [by('latency'), by('energy'), by('edp')];
    expect(e.energy.totalPj).toBeLessThanOrEqual(l.energy.totalPj);
    expect(l.latencyCycles).toBeLessThanOrEqual(e.latencyCycles);
    expect(x.energy.totalPj * x.latencyCycles).toBeLessThanOrEqual(l.energy.totalPj * l.latencyCycles);
    expect(x.energy.totalPj * x.latencyCycles).toBeLessThanOrEqual(e.energy.totalPj * e.latencyCycles);
  });

  test('--top: mappings come best first and the first is the plan', () => {
    const kind = testPackage({ grid: [['os']], kinds: { os: {} } }).chiplets[0].kind;
    const m = mapLayer(shapes.get('pw')!, kind, 1, 1, undefined, 'latency', 5);
    if (typeof m === 'string') throw new Error(m);
    expect(m.length).toBe(5);
    for (let i = 1; i < m.length; i++) expect(m[i].latencyCycles).toBeGreaterThanOrEqual(m[i - 1].latencyCycles);
    expect(m[0].computeCycles).toBe(plan('pw', 'os').computeCycles);
  });
});

describe('mapper: properties over every layer of every shipped workload', () => {
  const root = path.resolve(__dirname, '../..');
  const pkg = loadPackage(path.join(root, 'models/packages/het_3x3.json'));
  const src = packageSources(pkg);
  const layers = fs.readdirSync(path.join(root, 'models/workloads')).filter((f) => f.endsWith('.json'))
    .flatMap((f) => loadWorkload(path.join(root, 'models/workloads', f)).layers);
  // Distinct shapes only (repeated transformer blocks share them).
  const seen = new Set<string>();
  const unique = layers.filter((l) => {
    const k = JSON.stringify(l.shape);
    return !seen.has(k) && seen.add(k) !== undefined;
  });

  test('utilisation <= 1, cycles >= MACs / PEs, energy >= MAC energy, loads sum over tiles, buffer x2 never slower', () => {
    const tl = { weightBytes: 0, inputBytes: 0, outputBytes: 0 };
    let checked = 0;
    const bigger = new Map(pkg.kinds.map((k) => [k, { ...k, bufferBytes: k.bufferBytes * 2 }]));
    for (const l of unique) {
      for (const kind of pkg.kinds) {
        const p = planLayer(l.shape, kind, 1, 1, src);
        if (typeof p === 'string') continue;
        checked++;
        const pes = kind.peRows * kind.peCols;
        expect(p.utilization).toBeLessThanOrEqual(1);
        expect(p.computeCycles).toBeGreaterThanOrEqual(Math.ceil((p.macs + p.vectorOps) / pes));
        expect(p.energy.totalPj).toBeGreaterThanOrEqual(p.macs * kind.macEnergyPj);
        expect(p.tileBytes).toBeLessThanOrEqual(kind.bufferBytes / 4);
        let w = 0, i = 0, o = 0;
        for (let t = 0; t < p.tiles; t++) {
          tileLoad(p, t, tl);
          w += tl.weightBytes; i += tl.inputBytes; o += tl.outputBytes;
        }
        expect([w, i, o]).toEqual([p.weightLoadBytes, p.inputLoadBytes, p.outputBytes]);
        const big = planLayer(l.shape, bigger.get(kind)!, 1, 1, src);
        if (typeof big === 'string') throw new Error(big);
        expect(big.mapperLatencyCycles).toBeLessThanOrEqual(p.mapperLatencyCycles);
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});
