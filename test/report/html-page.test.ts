import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatCell, renderHtml } from '../../sim/report/html/page';
import { compareReport } from '../../sim/report/html/compare';
import { main } from '../../sim/cli/main';
import { writeSweepHtml } from '../../sim/cli/html';
import { comparison } from './html-fixtures';

const meta = { command: 'mcmsim compare --html r.html', inputs: ['a.json'], version: '0.1.0', seed: '7' };

describe('HTML page', () => {
  const html = renderHtml(compareReport(comparison(), meta));

  test('self-contained: every script inline, nothing fetched from the network', () => {
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/<link[^>]*\bhref=/i);
    expect(html).not.toMatch(/sourceMappingURL/);
    // vega, vega-lite and vega-embed are inlined.
    expect(html).toContain('vegaEmbed');
    // Their BSD-3-Clause notices travel with them.
    expect(html.match(/Copyright \(c\) 2015[-\d]*, University of Washington Interactive Data Lab/g)).toHaveLength(3);
    expect(html.length).toBeGreaterThan(500_000);
  });

  test('the command, inputs, version and seed are in the page; one plot and one sortable table per section', () => {
    expect(html).toContain('<code>mcmsim compare --html r.html</code>');
    expect(html).toMatch(/<td>seed<\/td><td><code>7<\/code>/);
    expect(html).toMatch(/<td>mcmsim<\/td><td><code>0\.1\.0<\/code>/);
    expect(html.match(/<div class="plot" id="plot-/g)).toHaveLength(3);
    expect(html.match(/<table class="sortable">/g)).toHaveLength(3);
    // Numbers carry their raw value for sorting: het on s1 is 0.5x ws.
    expect(html).toContain('data-v="0.5">0.5</td>');
  });

  test('names from input files cannot break out of the page', () => {
    const r = comparison();
    r.scenarios[0].scenario = '</script><img src=x onerror=alert(1)>';
    const h = renderHtml(compareReport(r, meta));
    expect(h).not.toContain('<img src=x');
    expect(h.match(/<\/script>/g)!.length).toBe(renderHtml(compareReport(comparison(), meta)).match(/<\/script>/g)!.length);
  });

  test('table numbers: 4 significant digits, exponent outside [1e-3, 1e5), percentages', () => {
    expect(formatCell(123.456)).toBe('123.5');
    expect(formatCell(0.0123456)).toBe('0.01235');
    expect(formatCell(3.5e-7)).toBe('3.500e-7');
    expect(formatCell(2.5e6)).toBe('2.500e+6');
    expect(formatCell(0.2345, 'pct')).toBe('23.4%');
    expect(formatCell(null)).toBe('');
    expect(formatCell(true)).toBe('yes');
  });
});

describe('--html on the CLI', () => {
  const SMALL = path.resolve(__dirname, '../golden/small');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-html-'));
  const quietly = async (argv: string[]) => {
    let err = '';
    const o = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    try {
      return { code: await main(argv), err };
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
  };

  test('validate --html writes the report whole (no temporary file left)', async () => {
    const file = path.join(tmp, 'sub', 'validate.html');
    const r = await quietly(['validate', '--scenario', path.join(SMALL, 'scenario.json'), '--package', path.join(SMALL, 'package.json'), '--quiet', '--seed', '3', '--html', file]);
    expect(r.code).toBe(0);
    expect(r.err).toBe(''); // --quiet: not even the "wrote" line
    const h = fs.readFileSync(file, 'utf8');
    expect(h).toMatch(/<td>seed<\/td><td><code>3<\/code>/);
    expect(h).toContain('validate --scenario');
    expect(h).toContain('id="plot-jobs"');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['validate.html']);
  }, 60_000);

  test('sweep report: the seeds of the units, the results files as inputs, one plot per swept parameter', () => {
    const file = path.join(tmp, 'sweep.html');
    const row = (unit: number, seed: string, bw: number) => ({
      sweep: 'bw', unit, scenario: 's', package: 'p', strategy: 'scar', seed, overrides: { nopBandwidthGBps: bw },
      simulated: { latencyPs: 1e9, energyPj: 1e9, edpJs: 1e-6 }, analytical: { latencyPs: 1e9, energyPj: 1e9, edpJs: 1e-6 },
    });
    writeSweepHtml(file, [row(0, '1', 32), row(1, '2', 32), row(2, '1', 64), row(3, '2', 64)], ['a.jsonl', 'b.jsonl'], true, ['sweep', 'merge', 'a.jsonl', 'b.jsonl', '--html', file]);
    const h = fs.readFileSync(file, 'utf8');
    expect(h).toMatch(/<td>seed<\/td><td><code>1, 2<\/code>/);
    expect(h).toContain('<code>a.jsonl\nb.jsonl</code>');
    expect(h.match(/<div class="plot" id="plot-/g)).toHaveLength(1);
    expect(h).toContain('id="plot-sweep-nopBandwidthGBps"');
  });

  test('compare --html on one package: EDP and plane plots; no reduction plot without a heterogeneous and a homogeneous package', async () => {
    const file = path.join(tmp, 'compare.html');
    const r = await quietly(['compare', '--scenarios', path.join(SMALL, 'scenario.json'), '--packages', path.join(SMALL, 'package.json'), '--html', file]);
    expect(r.code).toBe(0);
    // Without --quiet the report announces itself on stderr, as its last line, with its size.
    const kib = Math.ceil(fs.statSync(file).size / 1024);
    expect(r.err.endsWith(`wrote ${file} (HTML report, ${kib} KiB)\n`)).toBe(true);
    const h = fs.readFileSync(file, 'utf8');
    expect(h.match(/<div class="plot" id="plot-([a-z]+)"/g)).toEqual(['<div class="plot" id="plot-edp"', '<div class="plot" id="plot-plane"']);
    expect(h).toContain('Needs at least one heterogeneous and one homogeneous package');
  }, 60_000);

  test('compare --baseline naming no compared package: one line, exit 2, before any work', async () => {
    const r = await quietly(['compare', '--scenarios', path.join(SMALL, 'scenario.json'), '--packages', path.join(SMALL, 'package.json'), '--baseline', 'nope', '--html', path.join(tmp, 'c.html')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^mcmsim: error: --baseline must name a compared package \(.*\), got "nope"\n$/);
    expect(fs.existsSync(path.join(tmp, 'c.html'))).toBe(false);
    const alone = await quietly(['compare', '--scenarios', path.join(SMALL, 'scenario.json'), '--packages', path.join(SMALL, 'package.json'), '--baseline', 'small_2x2']);
    expect(alone.code).toBe(2);
    expect(alone.err).toBe('mcmsim: error: --baseline chooses the HTML report\'s reference package: give --html FILE too\n');
  });
});
