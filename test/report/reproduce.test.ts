import * as path from 'path';
import * as fs from 'fs';
import { applyOverrides } from '../../sim/input/overrides';
import { agreementWithPaper, kendallTauB, PAPER, runUnit, scarAverages, scarUnits, DEFAULT_REPRO, windowBreakdown, SCAR_STRATEGIES } from '../../sim/report/reproduce';
import { paperAverages } from '../../sim/report/reproduce-format';

const ROOT = path.resolve(__dirname, '../..');

describe('SCAR reproduction: arithmetic', () => {
  test('averages the paper\'s way, on made-up EDPs', () => {
    const a = scarAverages([
      // reductions vs NVD 1 - 0.8/1 = 0.2, vs Shi 1 - 0.8/2 = 0.6
      { kind: 'datacenter', edp: { het_sides: 0.8, simba_nvd: 1, simba_shi: 2 } },
      // vs NVD 1 - 1.5/1 = -0.5, vs Shi 1 - 1.5/3 = 0.5
      { kind: 'datacenter', edp: { het_sides: 1.5, simba_nvd: 1, simba_shi: 3 } },
      // vs NVD 0.75, vs Shi 0.5
      { kind: 'arvr', edp: { het_sides: 1, simba_nvd: 4, simba_shi: 2 } },
    ]);
    expect(a.datacenter.vsSimbaNvd).toBeCloseTo(-0.15, 12); // (0.2 - 0.5) / 2
    expect(a.datacenter.vsSimbaShi).toBeCloseTo(0.55, 12); // (0.6 + 0.5) / 2
    expect(a.datacenter.mean).toBeCloseTo(0.2, 12);
    expect(a.arvr).toEqual({ vsSimbaNvd: 0.75, vsSimbaShi: 0.5, mean: 0.625 });
  });

  test('Table VI: window = slowest model, scenario = sum of windows, done at = last window start + own latency', () => {
    const s = 1e12; // ps per s
    const t = windowBreakdown({
      windows: [
        { window: 0, models: [{ model: 'A', latencyPs: 0.2 * s }, { model: 'B', latencyPs: 0.5 * s }] as never },
        { window: 1, models: [{ model: 'A', latencyPs: 0.3 * s }] as never },
        { window: 3, models: [{ model: 'B', latencyPs: 0.1 * s }, { model: 'C', latencyPs: 0.4 * s }] as never },
      ],
      layers: [{ model: 'A', layers: 3 }, { model: 'B', layers: 2 }, { model: 'C', layers: 1 }],
    });
    expect(t.windowIds).toEqual([0, 1, 3]);
    expect(t.windowS).toEqual([0.5, 0.3, 0.4]);
    expect(t.scenarioS).toBeCloseTo(1.2, 12);
    expect(t.models.map((m) => [m.model, m.busyS, m.doneAtS])).toEqual([
      ['A', 0.5, 0.8], // done at the end of its own run in W1: 0.5 + 0.3
      ['B', 0.6, expect.closeTo(0.9, 12)], // last in W3, which starts at 0.8
      ['C', 0.4, expect.closeTo(1.2, 12)],
    ]);
    expect(t.layers).toBe(6);
  });

  test('the same arithmetic reproduces the paper\'s own Table VI totals', () => {
    const t = windowBreakdown({
      windows: PAPER.table6.windows.map((_, w) => ({ window: w, models: PAPER.table6.models.map((m) => ({ model: m.model, latencyPs: m.windows[w] * 1e12 })).filter((m) => m.latencyPs > 0) as never })),
      layers: PAPER.table6.models.map((m) => ({ model: m.model, layers: m.layers })),
    });
    expect(t.windowS).toEqual(PAPER.table6.windows);
    expect(t.scenarioS).toBeCloseTo(3.76, 9); // printed as 3.8
    PAPER.table6.models.forEach((m, i) => {
      expect(t.models[i].doneAtS).toBeCloseTo(m.doneAt, 1);
      expect(t.models[i].busyS).toBeCloseTo(m.busy, 1);
    });
    expect(t.layers).toBe(269);
  });
});

describe('SCAR reproduction: agreement with the paper\'s tables', () => {
  test('Kendall tau-b by hand: same order 1, reversed -1, one swap of four, ties', () => {
    expect(kendallTauB([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    // 6 pairs, one discordant: (5 - 1) / 6
    expect(kendallTauB([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 12);
    // x ties (1, 2): 5 untied pairs in x, all concordant; y untied: (5 - 0) / sqrt(5 x 6)
    expect(kendallTauB([1, 1, 3, 4], [1, 2, 3, 4])).toBeCloseTo(5 / Math.sqrt(30), 12);
  });

  test('the paper\'s own Tables IV and V give its abstract\'s averages back (27.6 %, 29.6 %)', () => {
    const a = paperAverages();
    expect(a.datacenter.mean).toBeCloseTo(0.276, 3);
    expect(a.arvr.mean).toBeCloseTo(0.296, 3);
    // Section V-B: Het-Sides 46.02 % and 25.18 % below Simba (NVD) on scenarios 4 and 5.
    expect(1 - PAPER.tables[4].edp.het_sides / PAPER.tables[4].edp.simba_nvd).toBeCloseTo(0.4602, 4);
    expect(1 - PAPER.tables[5].edp.het_sides / PAPER.tables[5].edp.simba_nvd).toBeCloseTo(0.2518, 4);
  });

  test('the paper agrees with itself: tau 1 and every sign on every scenario; a reversed ranking gives -1', () => {
    const f = (edpJs: number) => ({ latencyS: 1, energyJ: edpJs, edpJs, simulatedLatencyS: 1, simulatedEdpJs: edpJs });
    const paper = Object.entries(PAPER.tables).map(([id, t]) => ({ id: Number(id), strategies: Object.fromEntries(SCAR_STRATEGIES.map((k) => [k, f(t.edp[k])])) }));
    const a = agreementWithPaper(paper);
    expect(a.kendallTau).toHaveLength(10);
    expect(a.meanKendallTau).toBe(1);
    expect(a.signMatches).toBe(10);
    // Paper: Het-Sides beats Simba (NVD) on 4, 5 and 8, 9, 10.
    expect(a.hetSidesVsSimbaNvd.filter((x) => x.paper).map((x) => x.id)).toEqual([4, 5, 8, 9, 10]);
    const reversed = paper.map((s) => ({ id: s.id, strategies: Object.fromEntries(Object.entries(s.strategies).map(([k, v]) => [k, f(1 / v.edpJs)])) }));
    const r = agreementWithPaper(reversed.filter((s) => s.id === 4));
    expect(r.kendallTau).toEqual([{ id: 4, tau: -1 }]);
    expect(r.signMatches).toBe(0);
  });
});

describe('SCAR reproduction: units', () => {
  test('every unit carries the mapping profile as a package override (templates by default)', () => {
    expect(DEFAULT_REPRO.mapping).toBe('templates');
    expect(new Set(scarUnits(ROOT, DEFAULT_REPRO).map((u) => JSON.stringify(u.overrides)))).toEqual(new Set(['{"mapping":"templates"}']));
    expect(new Set(scarUnits(ROOT, { ...DEFAULT_REPRO, mapping: 'search', grid: '6x6' }).map((u) => JSON.stringify(u.overrides)))).toEqual(new Set(['{"mapping":"search"}']));
  });

  test('3x3: ten scenarios x six strategies, plain data naming existing files', () => {
    const units = scarUnits(ROOT, DEFAULT_REPRO);
    expect(units).toHaveLength(60);
    expect(JSON.parse(JSON.stringify(units))).toEqual(units);
    for (const u of units) {
      expect(fs.existsSync(u.scenarioFile)).toBe(true);
      expect(fs.existsSync(u.packageFile)).toBe(true);
      expect(path.basename(u.packageFile).startsWith(u.scenarioId <= 5 ? 'scar_dc_' : 'scar_ar_')).toBe(true);
    }
    expect(units.filter((u) => u.strategy === 'standalone').map((u) => u.key)).toEqual(Array(10).fill(['standalone_nvd', 'standalone_shi']).flat());
    expect(scarUnits(ROOT, { ...DEFAULT_REPRO, grid: '6x6' }).map((u) => [u.scenarioId, path.basename(u.packageFile), u.population, u.generations])).toEqual([
      [4, 'scar_dc_simba_nvd_6x6.json', 10, 4], [4, 'scar_dc_simba_shi_6x6.json', 10, 4], [4, 'scar_dc_het_cross_6x6.json', 10, 4],
    ]);
  });

  test('one unit runs alone and returns plain data; without simulation, the same estimate', async () => {
    const u = scarUnits(ROOT, DEFAULT_REPRO).find((x) => x.scenarioId === 1 && x.key === 'standalone_nvd')!;
    const r = await runUnit(u);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(r.scenario).toBe('scar1_dc_lms');
    expect(r.edpJs).toBeCloseTo(r.latencyS * r.energyJ, 12);
    expect(r.simulatedLatencyS).toBeGreaterThanOrEqual(r.latencyS * (1 - 1e-9)); // contention only adds time
    expect(r.models.map((m) => [m.model, m.latencySloMs])).toEqual([['gpt_l', undefined], ['bert_large', undefined]]);
    const e = await runUnit({ ...u, simulate: false });
    expect([e.latencyS, e.edpJs, e.simulatedLatencyS]).toEqual([r.latencyS, r.edpJs, r.latencyS]);
  }, 60000);

  test('package overrides change only what they name', () => {
    const json = { kinds: { ws: { peRows: 64, peCols: 64, macEnergyPj: 0.5, bufferEnergyPjPerByte: 2, staticPowerMw: 100 } }, dram: { channelBandwidthGBps: 64 } };
    expect(applyOverrides(json, { dramChannelGBps: 8, peArray: [32, 128], staticPowerScale: 0.5 }, (k, d) => { throw new Error(`${k}: ${d}`); })).toEqual({
      kinds: { ws: { peRows: 32, peCols: 128, macEnergyPj: 0.5, bufferEnergyPjPerByte: 2, staticPowerMw: 50 } }, dram: { channelBandwidthGBps: 8 },
    });
    expect(json.kinds.ws.peRows).toBe(64); // the input is not modified
  });
});
