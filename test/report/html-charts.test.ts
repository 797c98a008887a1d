/** What the plots promise a reader, checked on the Vega-Lite specs (the browser test checks the drawing). */
import { closePairs, groupedBars, planeFacets, rankedBars, sweepLines } from '../../sim/report/html/charts';
import { formatCell, renderHtml, TABLE_PREVIEW_ROWS } from '../../sim/report/html/page';
import { sweepSections, SweepRow } from '../../sim/report/html/sweep';
import { compareReport } from '../../sim/report/html/compare';
import { comparison } from './html-fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('plots that do not mislead', () => {
  test('ratio bars hang from the reference on a linear axis and on a log one', () => {
    const rows = [{ g: 'a', s: 'x', v: 0.5 }, { g: 'a', s: 'y', v: 1.5 }];
    const lin = groupedBars({ rows, group: 'g', groupTitle: '', series: 's', seriesTitle: '', value: 'v', valueTitle: '', reference: 1 }) as Any;
    expect(lin.layer[0].encoding.y.scale.type).toBe('linear');
    expect(lin.layer[0].encoding.y2).toEqual({ datum: 1 });
    const log = groupedBars({ rows: [...rows, { g: 'a', s: 'z', v: 20 }], group: 'g', groupTitle: '', series: 's', seriesTitle: '', value: 'v', valueTitle: '', reference: 1 }) as Any;
    expect(log.layer[0].encoding.y.scale.type).toBe('log');
    expect(log.layer[0].encoding.y2).toEqual({ datum: 1 });
    // No reference: bars from zero, no y2.
    expect((groupedBars({ rows, group: 'g', groupTitle: '', series: 's', seriesTitle: '', value: 'v', valueTitle: '' }) as Any).layer[0].encoding.y2).toBeUndefined();
  });

  test('sweep: a tick at every swept value, log x for doublings, EDP axis from 0, the scenario named', () => {
    const rows = [12.5, 25, 50, 100].map((x) => ({ x, y: 5.1e-3 + x * 1e-6, s: 'p' }));
    const spec = sweepLines({ rows, x: 'x', xTitle: '', ordinal: false, y: 'y', yTitle: '', series: 's', seriesTitle: '', title: 'sc: EDP' }) as Any;
    expect(spec.encoding.x.axis.values).toEqual([12.5, 25, 50, 100]);
    expect(spec.encoding.x.axis.labelOverlap).toBe(false);
    expect(spec.encoding.x.scale.type).toBe('log');
    expect(spec.encoding.y.scale).toEqual({ type: 'linear', zero: true });
    expect(spec.title.text).toBe('sc: EDP');
    // 100..130: not geometric, linear x.
    expect((sweepLines({ rows: [100, 110, 130].map((x) => ({ x, y: 1, s: 'p' })), x: 'x', xTitle: '', ordinal: false, y: 'y', yTitle: '', series: 's', seriesTitle: '' }) as Any).encoding.x.scale.type).toBe('linear');
    const lines: SweepRow[] = [25, 50].flatMap((bw) => ['het', 'ws'].map((p) => ({
      sweep: 'bw', unit: 0, scenario: 'arvr3', package: p, strategy: 'scar', seed: '1', overrides: { nopBandwidthGBps: bw }, simulated: { latencyPs: 1, energyPj: 1, edpJs: bw === 25 ? 1 : 1.03 },
    })));
    const [s] = sweepSections(lines);
    expect(s.title).toBe('Simulated EDP vs NoP link bandwidth (GB/s): arvr3 on het, ws');
    expect(s.caption).toContain('over 25 and 50');
    expect(s.caption).toContain('largest change along one line is 3.0 %');
  });

  test('latency-energy plane: axes relative to the best point, the front drawn after (above) the points, near pairs named', () => {
    const rows = [
      { g: 's', p: 'a', l: 10, e: 100, front: true }, { g: 's', p: 'b', l: 10.05, e: 100.2, front: false }, { g: 's', p: 'c', l: 30, e: 90, front: true },
    ];
    const spec = planeFacets({ rows, group: 'g', series: 'p', seriesTitle: '', x: 'l', xTitle: 'latency', y: 'e', yTitle: 'energy' }) as Any;
    expect(spec.spec.layer.map((l: Any) => l.mark.type)).toEqual(['point', 'line']);
    const b = spec.data.values.find((r: Any) => r.p === 'b');
    expect(b.xRel).toBeCloseTo(1.005, 9);
    expect(b.yRel).toBeCloseTo(100.2 / 90, 9);
    // c is 3x slower: log latency axis; energy spans 1.11x: linear.
    expect(spec.spec.layer[0].encoding.x.scale.type).toBe('log');
    expect(spec.spec.layer[0].encoding.y.scale.type).toBeUndefined();
    expect(b.panel).toBe('s (2 within 1 %)');
    expect(closePairs(rows, 'p', 'l', 'e')).toEqual([['a', 'b']]);
  });

  test('resources: a decade or more on a log axis, the bars from a power of ten below the least', () => {
    const spec = rankedBars({ rows: [{ r: 'dram0', v: 500, k: 'd' }, { r: 'l1', v: 24, k: 'n' }], label: 'r', labelTitle: '', value: 'v', valueTitle: 'delay', series: 'k', seriesTitle: '' }) as Any;
    expect(spec.encoding.x.scale.type).toBe('log');
    expect(spec.encoding.x2).toEqual({ datum: 10 });
    expect(spec.encoding.x.title).toBe('delay, log axis');
    expect((rankedBars({ rows: [{ r: 'a', v: 5, k: 'd' }, { r: 'b', v: 3, k: 'n' }], label: 'r', labelTitle: '', value: 'v', valueTitle: '', series: 'k', seriesTitle: '' }) as Any).encoding.x.scale.type).toBe('linear');
  });

  test('tables: NaN prints n/a (as on the command line); a long table shows its first rows, the rest collapsed', () => {
    expect(formatCell(NaN)).toBe('n/a');
    expect(formatCell(Infinity)).toBe('n/a');
    const r = compareReport(comparison(), { command: 'x', inputs: [], version: '0', seed: '1' });
    const t = r.sections[0].table;
    t.rows = Array.from({ length: 50 }, (_, i) => ({ ...t.rows[0], edpJs: i }));
    const html = renderHtml({ ...r, sections: [r.sections[0]] });
    expect(html).toContain(`<details open class="preview"><summary>table: first ${TABLE_PREVIEW_ROWS} of 50 rows</summary>`);
    expect(html).toContain('<details class="full"><summary>all 50 rows');
    expect(html.match(/<tr><td>s1<\/td>/g)).toHaveLength(TABLE_PREVIEW_ROWS + 50);
  });
});
