import { normalise, paretoFlags, scaleType, spansDecades } from '../../sim/report/html/data';
import { compareRows, defaultBaseline } from '../../sim/report/html/compare';
import { paperRows, reproduceReport, reproduceRows, reproduceSections } from '../../sim/report/html/reproduce';
import { sweepPoints, sweptParameters, SweepRow } from '../../sim/report/html/sweep';
import { comparison, scarReport } from './html-fixtures';

describe('Pareto front on the latency-energy plane', () => {
  test('hand-made points: dominated ones are off, ties and the extremes are on, groups are separate', () => {
    const pts = [
      { group: 's1', series: 'a', latency: 1, energy: 10 }, // fastest: on
      { group: 's1', series: 'b', latency: 2, energy: 5 }, // on
      { group: 's1', series: 'c', latency: 3, energy: 6 }, // dominated by b (faster and cheaper)
      { group: 's1', series: 'd', latency: 4, energy: 1 }, // cheapest: on
      { group: 's1', series: 'e', latency: 2, energy: 7 }, // same latency as b, more energy: off
      { group: 's1', series: 'f', latency: 2, energy: 5 }, // equal to b: both on
      { group: 's2', series: 'c', latency: 3, energy: 6 }, // alone in its scenario: on
    ];
    expect(paretoFlags(pts)).toEqual([true, true, false, true, false, true, true]);
  });
});

describe('normalisation to a baseline', () => {
  test('divides by the baseline of the same group; no baseline or a zero one gives NaN', () => {
    const rows = [
      { group: 'x', series: 'base', value: 4 }, { group: 'x', series: 'het', value: 1 },
      { group: 'y', series: 'het', value: 3 },
      { group: 'z', series: 'base', value: 0 }, { group: 'z', series: 'het', value: 2 },
    ];
    expect(normalise(rows, 'base').map((r) => r.normalised)).toEqual([1, 0.25, NaN, NaN, NaN]);
  });
});

describe('log scale choice', () => {
  test('a decade or more of positive values: log; less, zeros or negatives: linear', () => {
    expect(spansDecades([1, 9.99])).toBe(false);
    expect(spansDecades([1, 10])).toBe(true);
    expect(scaleType([0.002, 3, 40])).toBe('log');
    expect(scaleType([0, 3, 40])).toBe('linear');
    expect(scaleType([-1, 3, 40])).toBe('linear');
    expect(scaleType([5])).toBe('linear');
  });
});

describe('compare report data', () => {
  test('EDP relative to the baseline package, ms and mJ, Pareto front per scenario', () => {
    const r = comparison();
    expect(defaultBaseline(r)).toBe('ws'); // first homogeneous
    expect(defaultBaseline(r, 'os')).toBe('os');
    expect(() => defaultBaseline(r, 'nope')).toThrow(/not one of the compared packages/);
    const rows = compareRows(r, 'ws');
    // s1: EDPs 2, 4, 3 (1e-6 J*s units) -> 0.5, 1, 0.75; s2: 1, 2, 3 -> 0.5, 1, 1.5.
    expect(rows.map((x) => x.edpVsBaseline)).toEqual([0.5, 1, 0.75, 0.5, 1, 1.5]);
    expect(rows[0]).toMatchObject({ scenario: 's1', package: 'het', latencyMs: 2, energyMj: 1 });
    // s1: het (2,1) dominates ws (4,1); os (1,3) is fastest. s2: het (1,1) dominates both.
    expect(rows.map((x) => x.front)).toEqual([true, false, true, true, false, false]);
  });
});

describe('reproduce report data', () => {
  test('3x3: EDP over Simba NVD; mcmsim averages beside the paper\'s 27.6% (datacenter)', () => {
    const r = scarReport('3x3');
    expect(reproduceRows(r).map((x) => [x.strategy, x.edpVsSimbaNvd])).toEqual([['Simba NVD', 1], ['Het-Sides', 0.75]]);
    expect(paperRows(r)).toEqual([
      { what: 'datacenter (1-5)', source: 'paper', value: 0.276 },
      { what: 'datacenter (1-5)', source: 'mcmsim (analytical)', value: 0.2 },
      { what: 'datacenter (1-5)', source: 'mcmsim (simulated)', value: 0.15 },
    ]);
  });
  test('6x6: Simba over Het-Cross beside the paper\'s 2.3x and 1.9x', () => {
    const rows = paperRows(scarReport('6x6'));
    expect(rows.filter((x) => x.source === 'paper').map((x) => x.value)).toEqual([2.3, 1.9]);
    expect(rows.find((x) => x.what === 'Simba Shi / Het-Cross' && x.source === 'mcmsim (simulated)')!.value).toBe(1.9);
  });
});

describe('sweep report data', () => {
  const line = (unit: number, pkg: string, bw: number, edpJs: number | null, extra: Partial<SweepRow> = {}): SweepRow => ({
    sweep: 'bw', unit, scenario: 's', package: pkg, strategy: 'scar', seed: '1', overrides: { nopBandwidthGBps: bw, bufferBytes: 65536 },
    ...(edpJs === null ? { error: 'does not fit' } : { simulated: { latencyPs: 1e9, energyPj: 2e9, edpJs }, analytical: { latencyPs: 1e9, energyPj: 2e9, edpJs } }), ...extra,
  });
  test('the swept parameter is the override that varies; errors are not plotted; series = package', () => {
    const rows = [line(0, 'het', 32, 3), line(1, 'het', 64, 2), line(2, 'ws', 32, 5), line(3, 'ws', 64, null)];
    expect(sweptParameters(rows)).toEqual(['nopBandwidthGBps']);
    expect(sweepPoints(rows, 'nopBandwidthGBps').map((p) => [p.series, p.x, p.edpJs])).toEqual([['het', 32, 3], ['het', 64, 2], ['ws', 32, 5]]);
  });
  test('a second swept parameter and varying seeds go into the series name; a PE array is a label', () => {
    const rows = [
      line(0, 'het', 32, 3, { overrides: { nopBandwidthGBps: 32, peArray: [16, 16] } }),
      line(1, 'het', 32, 3, { seed: '2', overrides: { nopBandwidthGBps: 32, peArray: [8, 32] } }),
      line(2, 'het', 64, 3, { overrides: { nopBandwidthGBps: 64, peArray: [16, 16] } }),
    ];
    expect(sweptParameters(rows)).toEqual(['nopBandwidthGBps', 'peArray']);
    expect(sweepPoints(rows, 'nopBandwidthGBps').map((p) => p.series)).toEqual(['het, seed 1, peArray=16x16', 'het, seed 2, peArray=8x32', 'het, seed 1, peArray=16x16']);
    expect(sweepPoints(rows, 'peArray').map((p) => [p.x, p.xSize])).toEqual([['16x16', 256], ['8x32', 256], ['16x16', 256]]);
  });
  test('objectives that vary go into the series name (a line without one minimised EDP)', () => {
    const rows = [line(0, 'het', 32, 3), line(1, 'het', 32, 4, { objective: 'latency' }), line(2, 'het', 64, 2), line(3, 'het', 64, 3, { objective: 'latency' })];
    expect(sweepPoints(rows, 'nopBandwidthGBps').map((p) => p.series)).toEqual(['het, min edp', 'het, min latency', 'het, min edp', 'het, min latency']);
    expect(sweepPoints(rows.filter((r) => !r.objective), 'nopBandwidthGBps').map((p) => p.series)).toEqual(['het', 'het']);
  });
});

describe('reproduce --mapping both: one HTML report with each profile\'s sections', () => {
  test('section ids stay unique and titles name the profile; one profile keeps the plain sections', () => {
    const a = scarReport('3x3');
    const b = { ...scarReport('3x3'), mapping: 'search' as const };
    const meta = { command: 'mcmsim reproduce scar --mapping both', inputs: [], seed: '1', version: 'test', generated: '' } as never;
    const two = reproduceReport([a, b], meta);
    const ids = two.sections.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...reproduceSections(a).map((s) => `templates-${s.id}`), ...reproduceSections(b).map((s) => `search-${s.id}`)]);
    expect(two.sections[0].title).toMatch(/\(mapping: templates\)$/);
    expect(reproduceReport([a], meta).sections.map((s) => s.id)).toEqual(reproduceSections(a).map((s) => s.id));
  });
});
