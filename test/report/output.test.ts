/**
 * What the text and JSON output promise a reader: one name per estimate, one base for relative
 * errors, unsigned magnitudes, rankings that match their headline, tables within 100 columns.
 */
import * as fs from 'fs';
import * as path from 'path';
import { comparisonText, csvTable, jobsCsv, decompositionText, fitTable, jobErrorText, jobsText, summaryText, TEXT_WIDTH, timingText, worstJobsText, wrappedTable, wrapText } from '../../sim/report/format';
import { jsonOut, withNewNames } from '../../sim/report/json-names';
import { costOfLayer, costText } from '../../sim/report/layer';
import { evaluate, loadInputs, makeSchedule } from '../../sim/pipeline';
import { Comparison } from '../../sim/report/compare';
import { TimedSink } from '../../sim/trace/timed';
import { TraceSink } from '../../sim/trace/sink';
import { comparison } from './html-fixtures';

const SMALL = path.resolve(__dirname, '../golden/small');
const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

let c: Comparison;
beforeAll(async () => {
  const inputs = loadInputs(path.join(SMALL, 'scenario.json'), path.join(SMALL, 'package.json'));
  c = (await evaluate(makeSchedule(inputs, { strategy: 'scar', seed: '1' }), inputs)).comparison;
});

describe('JSON names', () => {
  test('each old key is preceded by its new name with the same value, nested too; other objects untouched', () => {
    const doc = JSON.parse(jsonOut({ analytical: { latencyPs: 1 }, rows: [{ analyticalPs: 2, simulatedPs: 3 }], x: { y: 1 }, edpReductionAnalytical: 0.1 }));
    expect(Object.keys(doc)).toEqual(['listSchedule', 'analytical', 'rows', 'x', 'edpReductionListSchedule', 'edpReductionAnalytical']);
    expect(doc.listSchedule).toEqual({ latencyPs: 1 });
    expect(Object.keys(doc.rows[0])).toEqual(['listSchedulePs', 'analyticalPs', 'simulatedPs']);
    expect(doc.edpReductionListSchedule).toBe(0.1);
    const plain = { a: 1 };
    expect(withNewNames('', plain)).toBe(plain);
  });

  test('compare --json: every scenario result has listSchedule beside closedForm and simulated', () => {
    const doc = JSON.parse(jsonOut(comparison()));
    for (const s of doc.scenarios) {
      expect(s.edpReductionListSchedule).toBe(s.edpReductionAnalytical);
      for (const r of s.results) expect(r.listSchedule).toEqual(r.analytical);
    }
  });
});

describe('relative errors: one base (the estimate), unsigned magnitudes', () => {
  test('the summary\'s "sim vs closed" and the decomposition state the same gap, as a percentage of the closed form', () => {
    const rel = (c.simulated.latencyPs - c.closedForm.latencyPs) / c.closedForm.latencyPs;
    const shown = `${(Math.abs(rel) * 100).toFixed(2)}%`;
    const latencyLine = summaryText(c).split('\n').find((l) => l.startsWith('latency'))!;
    expect(latencyLine.trim().split(/\s+/).pop()).toBe(`${rel >= 0 ? '+' : '-'}${shown}`);
    expect(decompositionText(c).replace(/\s+/g, ' ')).toContain(`(${shown} of the closed form) ${rel <= 0 ? 'below' : 'above'} it`);
    // Nowhere is the simulation the base.
    expect(decompositionText(c)).not.toMatch(/of simulated/);
  });

  test('per-job mean and max of |error| carry no sign', () => {
    expect(jobErrorText(c)).toBe(`per-job latency, |simulation - list schedule| / list schedule: mean ${(c.jobErrorMean * 100).toFixed(2)}%, max ${(c.jobErrorMax * 100).toFixed(2)}%`);
    expect(jobErrorText({ ...c, jobErrorMean: 0.0159, jobErrorMax: 0.4684 })).toMatch(/mean 1\.59%, max 46\.84%$/);
  });

  test('the largest-error list is ranked by what the headline names: its first job has the max |relative error|', () => {
    const rows = [
      { ...c.rows[0], job: 'long', analyticalPs: 1e9, simulatedPs: 1.1e9, error: 0.1, queueDelayPs: 1 },
      { ...c.rows[0], job: 'short', analyticalPs: 1e6, simulatedPs: 1.5e6, error: 0.5, queueDelayPs: 1 },
    ];
    const t = worstJobsText({ ...c, rows, jobErrorMax: 0.5 });
    expect(t.split('\n')[0]).toMatch(/^short on .*\(\+50\.00%\)/);
    expect(t.indexOf('long on')).toBeGreaterThan(t.indexOf('short on'));
  });

  test('simulation and trace writing apart; the event rate from the simulation alone', () => {
    expect(timingText({ ...c, events: 2_000_000, fingerprint: undefined }, 3000, 2000)).toBe('simulation: 2000000 events in 1000.0 ms (2.00 M events/s); trace writing 2000.0 ms more');
    expect(timingText({ ...c, events: 1000, fingerprint: undefined }, 10, 0)).toBe('simulation: 1000 events in 10.0 ms (0.10 M events/s)');
  });

  test('TimedSink forwards every call and adds up the time spent in them', async () => {
    const calls: string[] = [];
    const busy = (ms: number) => { const t = Date.now(); while (Date.now() - t < ms) { /* spin */ } };
    const inner: TraceSink = {
      wantsPackets: true, begin: () => calls.push('begin'), job: () => { calls.push('job'); busy(20); }, tile: () => calls.push('tile'),
      packet: () => calls.push('packet'), end: async () => { calls.push('end'); }, abort: () => calls.push('abort'),
    };
    const t = new TimedSink(inner);
    t.begin({ pkg: {} as never, topology: {} as never, jobs: [] });
    t.job(0, 0, 1);
    t.tile('load', 0, 0, 0, 1, 1);
    t.packet(0, 0, 0, 0, 1, 1);
    await t.end(1);
    expect(calls).toEqual(['begin', 'job', 'tile', 'packet', 'end']);
    expect(t.wantsPackets).toBe(true);
    expect(t.ns / 1e6).toBeGreaterThanOrEqual(19);
  });
});

describe('CSV names', () => {
  test('validate --format csv: list_schedule_ps, and analytical_ps repeating it at the end', () => {
    const lines = jobsCsv(c).trim().split('\n').map((l) => l.split(','));
    expect(lines[0][5]).toBe('list_schedule_ps');
    expect(lines[0][lines[0].length - 1]).toBe('analytical_ps');
    for (const l of lines.slice(1)) expect(l[l.length - 1]).toBe(l[5]);
  });
});

describe('tables within 100 columns', () => {
  test('fitTable leaves out the lowest-priority group first and names it; Infinity stays', () => {
    const header = ['name', 'a', 'b', 'keep'];
    const rows = [['x'.repeat(30), 'a'.repeat(30), 'b'.repeat(30), 'k'.repeat(30)]];
    const t = fitTable(header, rows, [Infinity, 1, 2, Infinity]);
    expect(t.hidden).toEqual(['a']);
    expect(widest(t.text)).toBeLessThanOrEqual(TEXT_WIDTH);
    expect(fitTable(header, rows, [Infinity, 1, 1, Infinity]).hidden).toEqual(['a', 'b']);
    expect(fitTable(header, rows, [Infinity, 1, 2, Infinity], Infinity).hidden).toEqual([]);
  });

  test('compare: text fits 100 columns and says what it left out; --wide and md keep every column; csv parses', () => {
    const r = comparison();
    for (const s of r.scenarios) {
      s.edpReductionVs = { ws_package_with_a_long_name: 0.1, os_package_with_a_long_name: 0.2 };
      s.results = s.results.map((x) => ({ ...x, package: `${x.package}_package_with_a_long_name` }));
    }
    const text = comparisonText(r, 'text');
    expect(widest(text)).toBeLessThanOrEqual(TEXT_WIDTH);
    expect(text).toContain('--wide shows every column');
    expect(text).toMatch(/vs hom: sim/);
    const wide = comparisonText(r, 'text', true);
    expect(widest(wide)).toBeGreaterThan(TEXT_WIDTH);
    expect(wide).toContain('vs ws_package_with_a_long_name: sim');
    expect(comparisonText(r, 'md')).toContain('| het_package_with_a_long_name EDP |');
    const csv = comparisonText(r, 'csv').split('\n');
    expect(csv[0].split(',')).toHaveLength(1 + 3 + 2 + 3 + 2);
    expect(csv).toHaveLength(1 + 2);
    expect(csvTable(['a,b', 'c'], [['x"y', 1]])).toBe('"a,b",c\n"x""y",1\n');
  });

  test('validate\'s job table fits 100 columns unless --wide; the estimates keep their names', () => {
    const long = { ...c, rows: c.rows.map((r) => ({ ...r, job: `${r.job}_with_a_rather_long_suffix` })) };
    const t = jobsText(long);
    expect(widest(t)).toBeLessThanOrEqual(TEXT_WIDTH);
    expect(t.split('\n')[0]).toMatch(/list schedule \(us\)\s+simulation \(us\)\s+sim vs list/);
    expect(jobsText(long, Infinity, true).split('\n')[0]).toContain('closed form (us)');
  });

  test('cost: long values wrap at their commas within 100 columns', () => {
    const r = costOfLayer({ layer: path.join(__dirname, '../../models/workloads/resnet50.json') + '#layer1.0.conv2', dataflow: 'ws', samples: 1, package: path.join(__dirname, '../../models/packages/het_3x3.json'), top: 2 });
    const text = costText(r, wrappedTable);
    expect(widest(text)).toBeLessThanOrEqual(TEXT_WIDTH);
    // Nothing lost: every value of the unwrapped table is there.
    expect(text.replace(/\s+/g, ' ')).toContain('mapper energy (pJ): MAC, registers, array, buffer, DRAM loads');
    expect(wrapText('a b c', 3)).toBe('a b\nc');
    expect(fs.existsSync(SMALL)).toBe(true);
  });
});
