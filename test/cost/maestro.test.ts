import * as fs from 'fs';
import * as path from 'path';
import { maestroCost, maestroEnergyPj, MaestroHw, MaestroTemplate, maestroSupports, templateDirectives, maestroProblems } from '../../sim/cost/maestro';
import { parseLayerArg } from '../../sim/report/layer';
import { testPackage, testWorkload } from '../helpers';

const FIX = path.join(__dirname, '..', 'fixtures', 'maestro');
const ROOT = path.join(__dirname, '..', '..');

interface Acc { reads: number; writes: number }
interface Run {
  id: string; layer: string; template: MaestroTemplate; hw: string; runtime: number; macs: number;
  input: { l1: Acc; l2: Acc }; weight: { l1: Acc; l2: Acc }; output: { l1: Acc; l2: Acc };
}
const fixture = JSON.parse(fs.readFileSync(path.join(FIX, 'maestro.json'), 'utf8')) as { runs: Run[] };
const cases = JSON.parse(fs.readFileSync(path.join(FIX, 'cases.json'), 'utf8')) as {
  hw: Record<string, { pes: number; nocBw: number; offchipBw: number; hopLatency: number }>;
};

function hwOf(name: string): MaestroHw {
  const h = cases.hw[name];
  return { pes: h.pes, nocBwElemsPerCycle: h.nocBw, offchipBwElemsPerCycle: h.offchipBw, nocHopLatencyCycles: h.hopLatency, elementBytes: 1 };
}

/** Layer arguments are relative to the repository root (file#name) or inline JSON. */
function layerOf(arg: string) {
  return parseLayerArg(arg.startsWith('{') ? arg : path.join(ROOT, arg));
}

const rel = (ours: number, theirs: number) => Math.abs(ours - theirs) / Math.max(1, Math.abs(theirs));

describe('MAESTRO templates against MAESTRO itself (test/fixtures/maestro, 32 layers x 3 templates x 3 hardware files)', () => {
  const results = fixture.runs.map((r) => {
    const l = layerOf(r.layer);
    return { r, ours: maestroCost(l.op, l.shape, 1, r.template, hwOf(r.hw)) };
  });

  test('the fixture covers >= 30 layers, each template, 256 and 4096 PEs, NoC and off-chip limits binding and free', () => {
    expect(new Set(fixture.runs.map((r) => r.id)).size).toBeGreaterThanOrEqual(30);
    expect(new Set(fixture.runs.map((r) => r.template))).toEqual(new Set(['nvdla', 'shidiannao', 'eyeriss']));
    expect(new Set(fixture.runs.map((r) => cases.hw[r.hw].pes))).toEqual(new Set([256, 4096]));
    const bounds = new Set(results.map(({ ours }) => ours.bound));
    expect(bounds).toEqual(new Set(['compute', 'noc', 'offchip']));
  });

  test('runtime within 10 % on at least 90 % of the runs and within 25 % on all', () => {
    const errs = results.map(({ r, ours }) => rel(ours.latencyCycles, r.runtime));
    const within10 = errs.filter((e) => e <= 0.1).length;
    expect(within10 / errs.length).toBeGreaterThanOrEqual(0.9);
    const worst = results.filter((_, i) => errs[i] > 0.25).map(({ r, ours }) => `${r.id}/${r.template}/${r.hw}: ${ours.latencyCycles} vs ${r.runtime}`);
    expect(worst).toEqual([]);
  });

  test('L1 and L2 reads and writes per tensor within 10 %', () => {
    const off: string[] = [];
    for (const { r, ours } of results) {
      for (const t of ['input', 'weight', 'output'] as const) {
        for (const lvl of ['l1', 'l2'] as const) {
          for (const k of ['reads', 'writes'] as const) {
            if (rel(ours.accesses[lvl][t][k], r[t][lvl][k]) > 0.1) off.push(`${r.id}/${r.template}/${r.hw} ${t}.${lvl}.${k}: ${ours.accesses[lvl][t][k]} vs ${r[t][lvl][k]}`);
          }
        }
      }
    }
    expect(off).toEqual([]);
  });

  test('MAESTRO\'s own MAC count is reported as maestroMacs; macs stays the layer\'s exact count', () => {
    for (const { r, ours } of results) {
      const l = layerOf(r.layer);
      expect(ours.macs).toBe(l.shape.macsPerSample);
      expect(rel(ours.maestroMacs ?? ours.macs, r.macs)).toBeLessThanOrEqual(0.1);
    }
    // yxp_os on stride 2 computes partial sums for the skipped output columns (~1.75x).
    const strided = results.find(({ r }) => r.id === 'r50_l2_0_c2' && r.template === 'shidiannao')!;
    expect(strided.r.macs / strided.ours.macs).toBeGreaterThan(1.5);
    expect(strided.ours.maestroMacs).toBe(strided.r.macs);
  });
});

describe('MAESTRO templates: numbers derived by hand', () => {
  // conv 3x3, 64 -> 64 channels, 56x56 input (58x58 padded): MACs = 64*64*9*56*56.
  const conv = testWorkload('w', [{ name: 'c', op: 'conv2d', inChannels: 64, inHeight: 56, inWidth: 56, outChannels: 64, kernel: 3, pad: 1 }]).layers[0];
  const hw: MaestroHw = { pes: 256, nocBwElemsPerCycle: 1000, offchipBwElemsPerCycle: 1000, nocHopLatencyCycles: 1, elementBytes: 1 };

  test('nvdla: 4 K-clusters x 64 C-lanes; 16 x 56 x 56 steps of 9 MACs + a 2-cycle inner delivery; the first step adds 3 cycles', () => {
    const m = maestroCost(conv.op, conv.shape, 1, 'nvdla', hw);
    // Inner step: 64 PEs x (9 inputs + 9 weights) = 1152 elements at 1000/cycle = 1 + 2 - 1 = 2 cycles, + 9 MACs.
    // First top step: 576 inputs multicast + 4 x 576 weights = 2880 elements: 1 + 3 - 1 = 3 cycles before compute.
    expect(m.latencyCycles).toBe(16 * 56 * 56 * 11 + 3);
    expect(m.macs).toBe(64 * 64 * 9 * 56 * 56);
    expect(m.maestroMacs).toBeUndefined();
    // Weights stay while the window slides: each weight crosses the NoC once.
    expect(m.accesses.l2.weight.reads).toBe(64 * 64 * 9);
    // Each step brings a new 3-element input column for each of the 64 channels, the first of each row
    // the whole 3x3 window; a new K round (K does not index the input) sends nothing: MAESTRO keeps
    // the window in place although the walk restarts at the top left.
    expect(m.accesses.l2.input.reads).toBe(16 * 56 * (64 * 9 + 55 * 64 * 3) - 15 * 64 * 9);
    expect(m.accesses.l2.input.writes).toBe(64 * 58 * 58);
    // One output per K-cluster per step leaves the array (C = 64 fits in one tile: no partial sums go back).
    expect(m.accesses.l2.output.writes).toBe(64 * 56 * 56);
    for (const t of ['input', 'weight', 'output'] as const) expect(m.accesses.l1[t].reads).toBe(m.macs);
    expect(m.accesses.l1.input.writes).toBe(m.accesses.l2.input.reads);
  });

  test('an off-chip link of 10 elements/cycle refills the first step\'s 2880 elements in 288 cycles per step', () => {
    const m = maestroCost(conv.op, conv.shape, 1, 'nvdla', { ...hw, offchipBwElemsPerCycle: 10 });
    expect(m.latencyCycles).toBe(16 * 56 * 56 * 288);
    expect(m.bound).toBe('offchip');
  });

  test('NoC hop latency adds to the first step and to every step the NoC bounds', () => {
    const base = maestroCost(conv.op, conv.shape, 1, 'nvdla', hw).latencyCycles;
    // Inner delivery 1152 elements: hop + 1 cycles; with hop 5 the step is 9 + 6 = 15 cycles.
    expect(maestroCost(conv.op, conv.shape, 1, 'nvdla', { ...hw, nocHopLatencyCycles: 5 }).latencyCycles).toBe(16 * 56 * 56 * 15 + 7);
    expect(base).toBe(16 * 56 * 56 * 11 + 3);
  });

  test('samples run back to back; weights are written to L2 once', () => {
    const one = maestroCost(conv.op, conv.shape, 1, 'shidiannao', hw);
    const three = maestroCost(conv.op, conv.shape, 3, 'shidiannao', hw);
    expect(three.latencyCycles).toBe(3 * one.latencyCycles);
    expect(three.macs).toBe(3 * one.macs);
    expect(three.accesses.l2.weight.writes).toBe(one.accesses.l2.weight.writes);
    expect(three.accesses.l2.input.reads).toBe(3 * one.accesses.l2.input.reads);
  });

  test('conventions: fc over T tokens is a 1x1 conv with Y = T, X = 1; depthwise is DSCONV; yxp_os\'s X window shrinks to a narrow input', () => {
    const fc = testWorkload('w', [{ name: 'f', op: 'fc', inFeatures: 768, outFeatures: 3072, tokens: 128 }]).layers[0];
    expect(maestroProblems(fc.op, fc.shape)).toEqual([{ problem: { type: 'CONV', dims: { K: 3072, C: 768, R: 1, S: 1, Y: 128, X: 1 }, strideY: 1, strideX: 1 }, repeat: 1 }]);
    const dw = testWorkload('w', [{ name: 'd', op: 'depthwise', channels: 32, inHeight: 16, inWidth: 20, kernel: 3, stride: 2, pad: 1 }]).layers[0];
    const [p] = maestroProblems(dw.op, dw.shape);
    expect(p.problem).toEqual({ type: 'DSCONV', dims: { K: 1, C: 32, R: 3, S: 3, Y: 18, X: 22 }, strideY: 2, strideX: 2 });
    expect(templateDirectives('nvdla', p.problem).every((d) => 'cluster' in d || d.v !== 'K')).toBe(true);
    const narrow = { type: 'CONV' as const, dims: { K: 8, C: 8, R: 3, S: 3, Y: 9, X: 9 }, strideY: 1, strideX: 1 };
    expect(templateDirectives('shidiannao', narrow)).toContainEqual({ kind: 'T', v: 'X', size: 9, ofs: 8 });
    expect(maestroCost(fc.op, fc.shape, 1, 'eyeriss', hw).macs).toBe(128 * 768 * 3072);
  });

  test('pure and deterministic; bad hardware numbers and vector layers are refused', () => {
    const a = maestroCost(conv.op, conv.shape, 2, 'eyeriss', hw);
    expect(maestroCost(conv.op, conv.shape, 2, 'eyeriss', hw)).toEqual(a);
    expect(() => maestroCost(conv.op, conv.shape, 1, 'nvdla', { ...hw, nocBwElemsPerCycle: 0 })).toThrow(RangeError);
    expect(() => maestroCost(conv.op, conv.shape, 1, 'nvdla', { ...hw, pes: 2.5 })).toThrow(RangeError);
    const pool = testWorkload('w', [{ name: 'p', op: 'pool', channels: 8, inHeight: 8, inWidth: 8, kernel: 2, stride: 2 }]).layers[0];
    expect(maestroSupports(pool.op)).toBe(false);
    expect(() => maestroCost(pool.op, pool.shape, 1, 'nvdla', hw)).toThrow(/MAC layers only/);
  });

  test('energy: MACs, L1, NoC and L2 terms from the counts and the kind\'s per-byte energies', () => {
    const kind = testPackage({ kinds: { ws: { macEnergyPj: 0.5, rfEnergyPjPerByte: 0.1, arrayEnergyPjPerByte: 0.2, bufferEnergyPjPerByte: 2 } } }).kinds[0];
    const m = maestroCost(conv.op, conv.shape, 1, 'nvdla', hw);
    const e = maestroEnergyPj(m, kind, 2);
    expect(e.macPj).toBeCloseTo(m.macs * 0.5, 6);
    const l2 = m.accesses.l2;
    const l2Elems = l2.input.reads + l2.input.writes + l2.weight.reads + l2.weight.writes + l2.output.reads + l2.output.writes;
    expect(e.l2Pj).toBeCloseTo(l2Elems * 2 * 2, 6);
    expect(e.nocPj).toBeCloseTo((l2.input.reads + l2.weight.reads + l2.output.writes) * 2 * 0.2, 6);
    expect(e.totalPj).toBeCloseTo(e.macPj + e.l1Pj + e.nocPj + e.l2Pj, 6);
  });
});
