/**
 * The HTML report in a real browser: Debian's headless Chromium opens one page holding every
 * report's plots, offline, and must render each with marks and without errors. Skipped (with a
 * message) where /usr/bin/chromium is absent; CI's machine has it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkHtml, CHROMIUM, HtmlCheck, SCREEN } from '../../scripts/html-check';
import { renderHtml, Section } from '../../sim/report/html/page';
import { compareSections } from '../../sim/report/html/compare';
import { reproduceSections } from '../../sim/report/html/reproduce';
import { sweepSections, SweepRow } from '../../sim/report/html/sweep';
import { validateSections } from '../../sim/report/html/validate';
import { evaluate, loadInputs, makeSchedule } from '../../sim/pipeline';
import { comparison, scarReport } from './html-fixtures';
import { Comparison } from '../../sim/report/compare';

const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) console.warn(`html-browser.test: ${CHROMIUM} not found, skipping the browser check (apt-get install chromium)`);

const sweepRows: SweepRow[] = [32, 64, 128, 256].flatMap((bw, i) => ['het_cross_3x3', 'ws_3x3'].map((pkg, j) => ({
  sweep: 'nop-bw', unit: i * 2 + j, scenario: 'dc', package: pkg, strategy: 'scar', seed: '1', overrides: { nopBandwidthGBps: bw },
  simulated: { latencyPs: 1e9 * (1 + 64 / bw), energyPj: 2e9, edpJs: 2e-6 * (1 + 64 / bw) * (j + 1) },
  analytical: { latencyPs: 1e9, energyPj: 2e9, edpJs: 2e-6 },
})));

// One scenario, the swept values of a bandwidth sweep that once lost its last tick label.
const oneScenario: SweepRow[] = [12.5, 25, 50, 100].flatMap((bw, i) => ['het_sides_3x3', 'ws_3x3'].map((pkg, j) => ({
  sweep: 'bw', unit: i * 2 + j, scenario: 'arvr3_assistant', package: pkg, strategy: 'scar', seed: '1', overrides: { nopBandwidthGBps: bw },
  simulated: { latencyPs: 4.6e10 * (1 + 0.01 / bw), energyPj: 1.1e11, edpJs: 5.1e-3 * (1 + 0.03 / bw) * (1 + 0.01 * j) },
})));

/** A compare whose ratios span more than a decade (log axis), the OS-only package far off. */
function logComparison() {
  const r = comparison();
  r.scenarios[0].results[2].simulated = { latencyPs: 9e10, energyPj: 5e10, edpJs: 9e10 * 5e10 * 1e-24 };
  return r;
}

function writePage(dir: string, name: string, sections: Section[]): string {
  const file = path.join(dir, `${name}.html`);
  fs.writeFileSync(file, renderHtml({ title: name, meta: { command: 'test', inputs: [], version: '0', seed: '1' }, sections }));
  return file;
}

const clean = (r: HtmlCheck) => {
  expect(r.messages).toBe('');
  expect(r.errors).toBe(0);
  expect(r.pending).toBe(0);
};

(haveChromium ? describe : describe.skip)('HTML report in headless Chromium', () => {
  test('every plot of every report renders marks, no console errors; screenshot taken', async () => {
    const SMALL = path.resolve(__dirname, '../golden/small');
    const inputs = loadInputs(path.join(SMALL, 'scenario.json'), path.join(SMALL, 'package.json'));
    const ev = await evaluate(makeSchedule(inputs, { strategy: 'scar', seed: '1' }), inputs);
    const prefix = (p: string, ss: Section[]) => ss.map((s) => ({ ...s, id: `${p}-${s.id}` }));
    const sections = [
      ...prefix('compare', compareSections(comparison(), 'ws')),
      ...prefix('validate', validateSections(ev.comparison)),
      ...prefix('scar3', reproduceSections(scarReport('3x3'))),
      ...prefix('scar6', reproduceSections(scarReport('6x6')).slice(0, 1)),
      ...prefix('sweep', sweepSections(sweepRows)),
      ...prefix('sweep1', sweepSections(oneScenario)),
      ...prefix('comparelog', compareSections(logComparison(), 'ws')).slice(0, 1),
      // A control: crowded labels drawn anyway must count as overlapping (the check can fail).
      {
        id: 'control-crowded', title: 'control', caption: '', table: { columns: [], rows: [] },
        spec: { width: 120, height: 60, data: { values: Array.from({ length: 12 }, (_, i) => ({ k: `category number ${i}`, v: i })) }, mark: 'bar', encoding: { x: { field: 'k', type: 'nominal', axis: { labelAngle: 0, labelOverlap: false } }, y: { field: 'v', type: 'quantitative' } } },
      },
    ];
    const plots = sections.filter((s) => s.spec).map((s) => s.id);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-html-browser-'));
    const file = path.join(dir, 'all.html');
    fs.writeFileSync(file, renderHtml({ title: 'all reports', meta: { command: 'test', inputs: [], version: '0', seed: '1' }, sections }));
    const shot = path.join(dir, 'all.png');
    const r = checkHtml(file, { file: shot, height: 1200 });
    expect(r.messages).toBe('');
    expect(r.errors).toBe(0);
    expect(r.pending).toBe(0);
    expect(Object.keys(r.marks).sort()).toEqual([...plots].sort());
    for (const id of plots) expect(r.marks[id]).toBeGreaterThan(0);
    // The compare EDP plot: 2 scenarios x 3 packages = 6 bars, and the reference rule at 1.
    expect(r.marks['compare-edp']).toBe(6 + 1);
    // The sweep: one line per package (a line is one path) and its 4 points each.
    expect(r.marks['sweep-sweep-nopBandwidthGBps']).toBe(2 + 2 * 4);
    expect(fs.readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    // What a reader sees: no two labels on one axis overlap, on any plot.
    for (const id of plots.filter((p) => !p.startsWith('control'))) expect([id, r.plots[id].overlaps]).toEqual([id, 0]);
    expect(r.plots['control-crowded'].overlaps).toBeGreaterThan(0);
    expect(r.plots['control-crowded'].barBaseY).toBeCloseTo(0, 6);
    // Ratio bars grow from the dashed line at 1 (not from 0); reductions from 0.
    expect(r.plots['compare-edp'].barBaseY).toBeCloseTo(1, 2);
    expect(r.plots['compare-reduction'].barBaseY).toBeCloseTo(0, 6);
    expect(r.plots['comparelog-edp'].barBaseY).toBeCloseTo(1, 2);
    // Every swept value has its tick label, the last one too.
    for (const bw of ['32', '64', '128', '256']) expect(r.plots['sweep-sweep-nopBandwidthGBps'].labels).toContain(bw);
    for (const bw of ['12.5', '25', '50', '100']) expect(r.plots['sweep1-sweep-nopBandwidthGBps'].labels).toContain(bw);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  test('validate: with 600 jobs, the resources plot is within the first screenful (the job table starts collapsed)', async () => {
    const SMALL = path.resolve(__dirname, '../golden/small');
    const inputs = loadInputs(path.join(SMALL, 'scenario.json'), path.join(SMALL, 'package.json'));
    const c = (await evaluate(makeSchedule(inputs, { strategy: 'scar', seed: '1' }), inputs)).comparison;
    expect(c.resources.some((x) => x.queueDelayPs > 0)).toBe(true);
    const many: Comparison = { ...c, rows: Array.from({ length: 600 }, (_, i) => ({ ...c.rows[i % c.rows.length], job: `job${i}` })) };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-html-browser-'));
    const r = checkHtml(writePage(dir, 'validate', validateSections(many)));
    clean(r);
    expect(r.plots.resources.top).toBeGreaterThan(0);
    expect(r.plots.resources.bottom).toBeLessThanOrEqual(SCREEN.height);
    expect(r.plots.resources.overlaps).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
