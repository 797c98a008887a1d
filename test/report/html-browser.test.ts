/**
 * The HTML report in a real browser: Debian's headless Chromium opens one page holding every
 * report's plots, offline, and must render each with marks and without errors. Skipped (with a
 * message) where /usr/bin/chromium is absent; CI's machine has it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkHtml, CHROMIUM } from '../../scripts/html-check';
import { renderHtml, Section } from '../../sim/report/html/page';
import { compareSections } from '../../sim/report/html/compare';
import { reproduceSections } from '../../sim/report/html/reproduce';
import { sweepSections, SweepRow } from '../../sim/report/html/sweep';
import { validateSections } from '../../sim/report/html/validate';
import { evaluate, loadInputs, makeSchedule } from '../../sim/pipeline';
import { comparison, scarReport } from './html-fixtures';

const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) console.warn(`html-browser.test: ${CHROMIUM} not found, skipping the browser check (apt-get install chromium)`);

const sweepRows: SweepRow[] = [32, 64, 128, 256].flatMap((bw, i) => ['het_cross_3x3', 'ws_3x3'].map((pkg, j) => ({
  sweep: 'nop-bw', unit: i * 2 + j, scenario: 'dc', package: pkg, strategy: 'scar', seed: '1', overrides: { nopBandwidthGBps: bw },
  simulated: { latencyPs: 1e9 * (1 + 64 / bw), energyPj: 2e9, edpJs: 2e-6 * (1 + 64 / bw) * (j + 1) },
  analytical: { latencyPs: 1e9, energyPj: 2e9, edpJs: 2e-6 },
})));

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
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
